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
        unsafe { vfs::ioctl(fd, abi::VIDIOC_QUERYCAP, (&mut cap as *mut abi::v4l2_capability).cast()) }
            .expect("querycap");
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

/// Deferred initialisation: opening, setting formats and allocating buffers create no
/// OpenH264 instance; STREAMON(OUTPUT) does.
#[test]
fn the_decoder_instance_is_created_at_output_streamon_not_at_open() {
    use std::sync::atomic::Ordering;
    let board = sim_board::board();
    let (_, dev) = *board.decoders().iter().find(|(p, _)| *p == "/dev/video3").expect("single-planar decoder");
    let instances = || dev.driver().stats().instances.load(Ordering::SeqCst);
    let before = instances();
    let fd = vfs::open("/dev/video3", vfs::O_RDWR | vfs::O_NONBLOCK).expect("open");
    for buf_type in [abi::V4L2_BUF_TYPE_VIDEO_OUTPUT, abi::V4L2_BUF_TYPE_VIDEO_CAPTURE] {
        let mut req = abi::v4l2_requestbuffers::zeroed();
        req.type_ = buf_type;
        req.memory = abi::V4L2_MEMORY_MMAP;
        req.count = 2;
        // SAFETY: `req` is a valid v4l2_requestbuffers for REQBUFS.
        unsafe { vfs::ioctl(fd, abi::VIDIOC_REQBUFS, (&mut req as *mut abi::v4l2_requestbuffers).cast()) }
            .expect("reqbufs");
    }
    assert_eq!(instances(), before, "nothing heavy at open, S_FMT or REQBUFS");
    let mut on = abi::V4L2_BUF_TYPE_VIDEO_OUTPUT as i32;
    // SAFETY: `on` is the int STREAMON takes.
    unsafe { vfs::ioctl(fd, abi::VIDIOC_STREAMON, (&mut on as *mut i32).cast()) }.expect("streamon");
    assert_eq!(instances(), before + 1, "the decoder is created at STREAMON(OUTPUT)");
    vfs::close(fd).expect("close");
}
