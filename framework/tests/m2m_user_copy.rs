//! Application memory through the board's user copies: on a board with memory protection
//! ([`support::FENCES`] stands for one), every argument, plane array and control array the
//! application gives is copied through the board, and what cannot be copied is `EFAULT`
//! as from Linux's `copy_from_user`/`copy_to_user` — never a fault in the framework.

mod support;

use std::ffi::c_void;

use support::*;
use v4l2m2m::abi::*;
use v4l2m2m::{Direction, Errno, PollEvents};

fn fenced(mplane: bool) -> Harness {
    Harness::with(Opts { worker: false, mplane, fenced: true, ..Opts::default() })
}

/// Leaked memory of `len` bytes whose address the tests fence.
fn fenced_memory(len: usize, readable: bool) -> *mut u8 {
    let mem = leak_bytes(len);
    FENCES.fence(mem.as_ptr() as usize, len, readable);
    mem.as_mut_ptr()
}

#[test]
fn unreachable_arguments_are_efault() {
    let h = fenced(false);
    let fd = h.open();
    let none = fenced_memory(4096, false).cast::<c_void>();
    let read_only = fenced_memory(4096, true).cast::<c_void>();
    assert_eq!(h.ioctl_raw(fd, VIDIOC_QUERYCAP, none), Err(Errno::EFAULT));
    assert_eq!(h.ioctl_raw(fd, VIDIOC_QUERYCAP, read_only), Err(Errno::EFAULT));
    assert_eq!(h.ioctl_raw(fd, VIDIOC_QUERYCAP, 16 as *mut c_void), Err(Errno::EFAULT));
    assert_eq!(h.ioctl_raw(fd, VIDIOC_S_FMT, none), Err(Errno::EFAULT));
    // Readable but not writable: the request is read and performed, the answer cannot be
    // written back.
    // SAFETY: `read_only` is this test's own memory, only fenced for the framework.
    unsafe { read_only.cast::<u32>().write(h.ty(Direction::Output)) };
    assert_eq!(h.ioctl_raw(fd, VIDIOC_G_FMT, read_only), Err(Errno::EFAULT));
    let mut cap = v4l2_capability::zeroed();
    assert_eq!(h.ioctl(fd, VIDIOC_QUERYCAP, &mut cap), Ok(0));
    assert_eq!(&cap.driver[..8], b"loopback");
}

#[test]
fn plane_arrays_are_copied_whole_before_the_request_is_checked() {
    let h = fenced(true);
    let fd = h.open();
    h.reqbufs(fd, Direction::Output, 2).unwrap();
    let mut b = v4l2_buffer::zeroed();
    b.type_ = h.ty(Direction::Output);
    b.memory = V4L2_MEMORY_MMAP;
    b.length = 1;
    b.m.planes = fenced_memory(4096, true).cast();
    assert_eq!(h.ioctl(fd, VIDIOC_QUERYBUF, &mut b), Err(Errno::EFAULT), "read-only plane array");
    b.index = 99;
    b.m.planes = fenced_memory(4096, false).cast();
    assert_eq!(h.ioctl(fd, VIDIOC_QUERYBUF, &mut b), Err(Errno::EFAULT), "copied before the index is checked");
    // Two planes whose second lies in fenced memory.
    let planes = leak_bytes(2 * std::mem::size_of::<v4l2_plane>());
    FENCES.fence(planes.as_ptr() as usize + std::mem::size_of::<v4l2_plane>(), 8, false);
    b.index = 0;
    b.length = 2;
    b.m.planes = planes.as_mut_ptr().cast();
    assert_eq!(h.ioctl(fd, VIDIOC_QUERYBUF, &mut b), Err(Errno::EFAULT), "bad tail");
    b.length = 1;
    assert_eq!(h.ioctl(fd, VIDIOC_QUERYBUF, &mut b), Ok(0));
    // No plane array at all is EINVAL, as in videobuf2.
    b.length = 0;
    b.m.planes = std::ptr::null_mut();
    assert_eq!(h.ioctl(fd, VIDIOC_QBUF, &mut b), Err(Errno::EINVAL));
    b.length = 1;
    assert_eq!(h.ioctl(fd, VIDIOC_QBUF, &mut b), Err(Errno::EFAULT));
}

#[test]
fn control_arrays_are_copied_whole_before_they_are_validated() {
    let h = fenced(false);
    let fd = h.open();
    let size = std::mem::size_of::<v4l2_ext_control>();
    let mem = leak_bytes(2 * size);
    FENCES.fence(mem.as_ptr() as usize + size + 4, 4, false);
    let controls = mem.as_mut_ptr().cast::<v4l2_ext_control>();
    // SAFETY: the first element is this test's own, unfenced memory.
    unsafe { (*controls).id = 0x1234_5678 };
    let mut cs = v4l2_ext_controls::zeroed();
    cs.which = V4L2_CTRL_WHICH_CUR_VAL;
    cs.count = 2;
    cs.controls = controls;
    assert_eq!(h.ioctl(fd, VIDIOC_G_EXT_CTRLS, &mut cs), Err(Errno::EFAULT), "a bad tail, not the bad id");
    cs.count = 1;
    assert_eq!(h.ioctl(fd, VIDIOC_G_EXT_CTRLS, &mut cs), Err(Errno::EINVAL), "the bad id");
    // SAFETY: as above.
    unsafe { (*controls).id = GOP };
    assert_eq!(h.ioctl(fd, VIDIOC_G_EXT_CTRLS, &mut cs), Ok(0));
    // SAFETY: as above.
    assert_eq!(unsafe { (*controls).value.value }, 3);
    let read_only = fenced_memory(size, true).cast::<v4l2_ext_control>();
    cs.controls = read_only;
    // SAFETY: fenced for the framework only; the test writes its own memory.
    unsafe { (*read_only).id = GOP };
    assert_eq!(h.ioctl(fd, VIDIOC_G_EXT_CTRLS, &mut cs), Err(Errno::EFAULT), "values cannot be copied back");
    cs.count = V4L2_CID_MAX_CTRLS + 1;
    assert_eq!(h.ioctl(fd, VIDIOC_G_EXT_CTRLS, &mut cs), Err(Errno::EINVAL));
    cs.count = 0;
    cs.controls = std::ptr::null_mut();
    assert_eq!(h.ioctl(fd, VIDIOC_G_EXT_CTRLS, &mut cs), Ok(0));
}

#[test]
fn a_done_buffer_is_kept_when_dqbuf_cannot_write_the_answer() {
    let h = fenced(false);
    let fd = h.open_nb();
    h.reqbufs(fd, Direction::Output, 1).unwrap();
    h.reqbufs(fd, Direction::Capture, 1).unwrap();
    h.queue_output(fd, 0, b"keep", 1).unwrap();
    h.qbuf(fd, &mut h.buf(fd, Direction::Capture, V4L2_MEMORY_MMAP, 0)).unwrap();
    h.streamon(fd, Direction::Output).unwrap();
    h.streamon(fd, Direction::Capture).unwrap();
    h.dev.run_jobs();
    assert!(h.poll(fd).contains(PollEvents::POLLOUT | PollEvents::POLLIN));
    let read_only = fenced_memory(std::mem::size_of::<v4l2_buffer>(), true).cast::<v4l2_buffer>();
    let mut b = v4l2_buffer::zeroed();
    b.type_ = h.ty(Direction::Output);
    b.memory = V4L2_MEMORY_MMAP;
    // SAFETY: `read_only` is this test's own memory, only fenced for the framework.
    unsafe { read_only.write(b) };
    assert_eq!(h.ioctl_raw(fd, VIDIOC_DQBUF, read_only.cast()), Err(Errno::EFAULT));
    assert_eq!(h.ioctl_raw(fd, VIDIOC_DQBUF, read_only.cast()), Err(Errno::EFAULT));
    // Still done: the next DQBUF with a writable answer gets it.
    assert!(h.poll(fd).contains(PollEvents::POLLOUT));
    assert_eq!(h.dqbuf(fd, Direction::Output).map(|b| b.index()), Ok(0));
    // Nothing done on a queue: the argument is not written at all (EAGAIN, not EFAULT).
    assert_eq!(h.ioctl_raw(fd, VIDIOC_DQBUF, read_only.cast()), Err(Errno::EAGAIN));
    assert_eq!(h.dqbuf(fd, Direction::Capture).map(|b| b.index()), Ok(0));
}

#[test]
fn a_last_buffer_whose_plane_array_cannot_be_written_is_still_the_last_to_come() {
    let h = fenced(true);
    let fd = h.open_nb();
    h.setup(fd, 1, 1);
    h.stop(fd).unwrap();
    h.dev.run_jobs();
    assert!(h.poll(fd).contains(PollEvents::POLLIN));
    // The argument is writable, its plane array is not.
    let mut b = v4l2_buffer::zeroed();
    b.type_ = h.ty(Direction::Capture);
    b.memory = V4L2_MEMORY_MMAP;
    let planes = h.num_planes(fd, Direction::Capture);
    b.length = planes as u32;
    b.m.planes = fenced_memory(planes * std::mem::size_of::<v4l2_plane>(), true).cast();
    assert_eq!(h.ioctl(fd, VIDIOC_DQBUF, &mut b), Err(Errno::EFAULT));
    assert_eq!(h.ioctl(fd, VIDIOC_DQBUF, &mut b), Err(Errno::EFAULT));
    // Neither attempt counted as the LAST buffer's dequeue: it is still there, once.
    assert!(h.poll(fd).contains(PollEvents::POLLIN));
    let last = h.dqbuf(fd, Direction::Capture).unwrap();
    assert_ne!(last.flags() & V4L2_BUF_FLAG_LAST, 0);
    assert_eq!(h.dqbuf(fd, Direction::Capture).err(), Some(Errno::EPIPE));
}
