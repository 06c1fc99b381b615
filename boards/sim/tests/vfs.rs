//! The board's VFS: open, QUERYCAP, poll readiness, close, through real fds.

use sim_board::vfs;
use v4l2m2m::abi;

#[test]
fn open_querycap_poll_close() {
    let paths = vfs::node_paths();
    assert!(paths.contains(&"/dev/video1") && paths.contains(&"/dev/video3"), "{paths:?}");
    assert_eq!(vfs::open("/dev/nope", 0), Err(v4l2m2m::Errno::ENOENT));
    for (path, mplane) in [("/dev/video1", true), ("/dev/video3", false)] {
        let fd = vfs::open(path, vfs::O_RDWR | vfs::O_NONBLOCK).expect("open");
        assert!(fd >= 0 && vfs::is_vfs_fd(fd));
        let mut cap = abi::v4l2_capability::zeroed();
        // SAFETY: `cap` is a valid v4l2_capability for QUERYCAP.
        unsafe { vfs::ioctl(fd, abi::VIDIOC_QUERYCAP, (&mut cap as *mut abi::v4l2_capability).cast()) }.expect("querycap");
        let want = if mplane { abi::V4L2_CAP_VIDEO_M2M_MPLANE } else { abi::V4L2_CAP_VIDEO_M2M };
        assert_ne!(cap.device_caps & want, 0, "{path}: caps {:#x}", cap.device_caps);
        // Nothing streaming: POLLERR at once.
        let mut fds = [vfs::PollFd { fd, events: vfs::POLLIN | vfs::POLLOUT, revents: 0 }];
        assert_eq!(vfs::poll(&mut fds, 1000), Ok(1));
        assert_ne!(fds[0].revents & vfs::POLLERR, 0);
        vfs::close(fd).expect("close");
        assert_eq!(vfs::close(fd), Err(v4l2m2m::Errno::EBADF));
    }
}
