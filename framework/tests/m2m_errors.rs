//! A driver's fatal stream error (`ContextHandle::stream_error`, Linux's
//! `vb2_queue_error` on both queues) and a resolution change during a drain, through the
//! raw ioctl entry as an application sees them.

mod support;

use std::sync::atomic::Ordering;

use support::*;
use v4l2m2m::abi::*;
use v4l2m2m::{Direction, Errno, FileId, PollEvents};

const OUT: Direction = Direction::Output;
const CAP: Direction = Direction::Capture;

fn manual() -> Harness {
    Harness::with(Opts { worker: false, ..Opts::default() })
}

/// A file streaming both queues with `captures` CAPTURE buffers queued, whose driver has
/// hit a fatal error on OUTPUT buffer 0; OUTPUT buffer 1 is free.
fn failed_file(h: &Harness, captures: u32) -> FileId {
    let fd = h.open_nb();
    h.setup(fd, 2, captures);
    h.queue_output(fd, 0, b"ERR: not decodable", 0).unwrap();
    h.dev.run_jobs();
    fd
}

fn prepare(h: &Harness, fd: FileId, dir: Direction, index: u32) -> Result<i32, Errno> {
    let mut b = h.buf(fd, dir, V4L2_MEMORY_MMAP, index);
    if dir == OUT {
        b.set_bytesused(0, 4);
    }
    h.ioctl(fd, VIDIOC_PREPARE_BUF, b.arg())
}

#[test]
fn a_stream_error_refuses_every_buffer_operation_with_eio() {
    let h = manual();
    let fd = failed_file(&h, 2);
    assert_eq!(h.k().runs.load(Ordering::SeqCst), 1);
    // The offending OUTPUT buffer is done (flagged), yet DQBUF answers EIO, as videobuf2
    // checks its error state before the done list.
    let flags = h.querybuf(fd, OUT, 0).unwrap().flags();
    assert_ne!(flags & V4L2_BUF_FLAG_ERROR, 0, "flags {flags:#x}");
    assert_eq!(h.dqbuf(fd, OUT).err(), Some(Errno::EIO));
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EIO));
    assert_eq!(h.queue_output(fd, 1, b"more", 1).err(), Some(Errno::EIO));
    assert_eq!(prepare(&h, fd, OUT, 1), Err(Errno::EIO));
    // A request that names no buffer of the queue is still EINVAL.
    assert_eq!(h.queue_output(fd, 7, b"more", 1).err(), Some(Errno::EINVAL));
    let mut userptr = h.buf(fd, CAP, V4L2_MEMORY_USERPTR, 0);
    assert_eq!(h.qbuf(fd, &mut userptr).err(), Some(Errno::EINVAL));
    assert_eq!(h.poll(fd) & !PollEvents::POLLPRI, PollEvents::POLLERR);
    // No job runs any more for the context.
    h.dev.run_jobs();
    assert_eq!(h.k().runs.load(Ordering::SeqCst), 1);
    h.node.close(fd).unwrap();
}

#[test]
fn a_blocked_dqbuf_returns_eio_when_the_error_comes() {
    let h = Harness::new().leak();
    let fd = h.open();
    h.setup(fd, 2, 2);
    let blocked = std::thread::spawn(move || h.dqbuf_within(fd, CAP, 5).err());
    let poller = std::thread::spawn(move || {
        h.wait_until(fd, "POLLERR", || h.poll(fd).contains(PollEvents::POLLERR));
    });
    // Give the DQBUF a moment to block (the result does not depend on it).
    std::thread::sleep(std::time::Duration::from_millis(20));
    h.queue_output(fd, 0, b"ERR", 0).unwrap();
    assert_eq!(blocked.join().unwrap(), Some(Errno::EIO));
    poller.join().unwrap();
    // A blocking DQBUF issued now does not wait either.
    assert_eq!(h.dqbuf_within(fd, OUT, 5).err(), Some(Errno::EIO));
    h.node.close(fd).unwrap();
}

#[test]
fn streamoff_clears_the_error_of_its_queue_only() {
    let h = manual();
    let fd = failed_file(&h, 2);
    h.streamoff(fd, OUT).unwrap();
    // A queue that is not streaming answers EINVAL, as before the error.
    assert_eq!(h.dqbuf(fd, OUT).err(), Some(Errno::EINVAL));
    h.streamon(fd, OUT).unwrap();
    h.queue_output(fd, 0, b"frame", 0).unwrap();
    // CAPTURE is still in the error state: EIO, and no job runs. Poll is not POLLERR any
    // more (as Linux's m2m poll: OUTPUT can make progress again) and reports nothing.
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EIO));
    assert_eq!(h.poll(fd) & !PollEvents::POLLPRI, PollEvents::empty());
    h.dev.run_jobs();
    assert_eq!(h.k().runs.load(Ordering::SeqCst), 1);
    h.streamoff(fd, CAP).unwrap();
    h.queue_capture(fd, 0).unwrap();
    h.streamon(fd, CAP).unwrap();
    h.dev.run_jobs();
    // Decoding resumes with the buffer queued while CAPTURE was failed.
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_eq!(h.read_plane(fd, CAP, c.index(), 0, c.bytesused(0)), transformed(b"frame"));
    assert_eq!(h.dqbuf(fd, OUT).unwrap().index(), 0);
    h.node.close(fd).unwrap();
}

#[test]
fn reqbufs_that_frees_buffers_clears_the_error_of_a_stopped_queue() {
    let h = manual();
    h.k().decoder.store(true, Ordering::SeqCst);
    let fd = h.open_nb();
    // Header parsing: OUTPUT streams, CAPTURE has buffers but does not stream yet.
    assert_eq!(h.reqbufs(fd, OUT, 2), Ok(2));
    assert_eq!(h.reqbufs(fd, CAP, 2), Ok(2));
    h.streamon(fd, OUT).unwrap();
    h.queue_output(fd, 0, b"ERR: unsupported profile", 0).unwrap();
    h.dev.run_jobs();
    assert_eq!(h.queue_capture(fd, 0).err(), Some(Errno::EIO));
    assert_eq!(prepare(&h, fd, CAP, 1), Err(Errno::EIO));
    // REQBUFS on a queue with buffers frees them, and the error with them.
    assert_eq!(h.reqbufs(fd, CAP, 2), Ok(2));
    h.queue_capture(fd, 0).unwrap();
    // REQBUFS(0) does the same.
    assert_eq!(h.queue_output(fd, 1, b"x", 1).err(), Some(Errno::EIO));
    h.streamoff(fd, OUT).unwrap();
    assert_eq!(h.reqbufs(fd, OUT, 0), Ok(0));
    assert_eq!(h.reqbufs(fd, OUT, 1), Ok(1));
    h.streamon(fd, OUT).unwrap();
    h.queue_output(fd, 0, b"headers", 0).unwrap();
    h.node.close(fd).unwrap();
}

#[test]
fn a_stale_handle_cannot_set_the_error_state() {
    let h = manual();
    let fd = h.open_nb();
    h.setup(fd, 1, 1);
    h.queue_output(fd, 0, b"frame", 0).unwrap();
    h.dev.run_jobs();
    let handle = h.k().last_handle();
    h.node.close(fd).unwrap();
    assert_eq!(handle.stream_error(), Err(Errno::EBADF));
    // The slot's next file is not affected.
    let again = h.open_nb();
    assert_eq!(again.slot, fd.slot);
    h.setup(again, 1, 1);
    assert_eq!(handle.stream_error(), Err(Errno::EBADF));
    h.queue_output(again, 0, b"frame", 0).unwrap();
    h.dev.run_jobs();
    assert_eq!(h.dqbuf(again, CAP).unwrap().bytesused(0), 5);
    h.node.close(again).unwrap();
}

/// Dequeues every event pending on `fd`, by type.
fn events(h: &Harness, fd: FileId) -> Vec<u32> {
    std::iter::from_fn(|| h.dqevent(fd).ok().map(|e| e.type_)).collect()
}

#[test]
fn a_resolution_change_during_a_drain_does_not_end_it() {
    let h = manual();
    h.k().decoder.store(true, Ordering::SeqCst);
    let fd = h.open_nb();
    h.subscribe(fd, V4L2_EVENT_SOURCE_CHANGE, 0, 0).unwrap();
    h.subscribe(fd, V4L2_EVENT_EOS, 0, 0).unwrap();
    assert_eq!(h.reqbufs(fd, OUT, 4), Ok(4));
    h.streamon(fd, OUT).unwrap();
    h.queue_output(fd, 0, b"headers", 0).unwrap();
    h.dev.run_jobs();
    assert_eq!(events(&h, fd), [V4L2_EVENT_SOURCE_CHANGE]);
    assert_eq!(h.reqbufs(fd, CAP, 4), Ok(4));
    for i in 0..4 {
        h.queue_capture(fd, i).unwrap();
    }
    h.streamon(fd, CAP).unwrap();
    h.dqbuf(fd, OUT).unwrap();
    // The end of the stream: a frame, a resolution change, two frames, then STOP.
    h.queue_output(fd, 0, b"frame-1", 1).unwrap();
    h.queue_output(fd, 1, b"RES-CHANGE", 2).unwrap();
    h.queue_output(fd, 2, b"frame-3", 3).unwrap();
    h.queue_output(fd, 3, b"frame-4", 4).unwrap();
    h.dec_cmd(fd, V4L2_DEC_CMD_STOP, 0, false).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_eq!((c.ts_us(), c.flags() & V4L2_BUF_FLAG_LAST), (1, 0));
    // The resolution change's LAST buffer, with SOURCE_CHANGE and no EOS.
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_ne!(c.flags() & V4L2_BUF_FLAG_LAST, 0);
    assert_eq!(c.bytesused(0), 0);
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EPIPE));
    assert_eq!(events(&h, fd), [V4L2_EVENT_SOURCE_CHANGE], "the drain is not over");
    // The drain is still in progress: a second STOP is refused.
    assert_eq!(h.dec_cmd(fd, V4L2_DEC_CMD_STOP, 0, false).err(), Some(Errno::EBUSY));
    // CAPTURE set up again for the new format; decoding and the drain go on.
    h.streamoff(fd, CAP).unwrap();
    assert_eq!(h.reqbufs(fd, CAP, 0), Ok(0));
    assert_eq!(h.reqbufs(fd, CAP, 3), Ok(3));
    for i in 0..3 {
        h.queue_capture(fd, i).unwrap();
    }
    h.streamon(fd, CAP).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_eq!((c.ts_us(), c.flags() & V4L2_BUF_FLAG_LAST), (3, 0));
    assert_eq!(h.read_plane(fd, CAP, c.index(), 0, c.bytesused(0)), transformed(b"frame-3"));
    // The drain ends with its own LAST buffer (the last frame) and the one EOS.
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_eq!(c.ts_us(), 4);
    assert_ne!(c.flags() & V4L2_BUF_FLAG_LAST, 0);
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EPIPE));
    assert_eq!(events(&h, fd), [V4L2_EVENT_EOS]);
    h.node.close(fd).unwrap();
}

#[test]
fn streamoff_capture_outside_a_resolution_change_still_ends_a_drain() {
    let h = manual();
    let fd = h.open_nb();
    h.subscribe(fd, V4L2_EVENT_EOS, 0, 0).unwrap();
    h.setup(fd, 2, 2);
    h.queue_output(fd, 0, b"frame", 0).unwrap();
    h.queue_output(fd, 1, b"frame", 1).unwrap();
    h.dec_cmd(fd, V4L2_DEC_CMD_STOP, 0, false).unwrap();
    h.streamoff(fd, CAP).unwrap();
    // The drain was aborted: a new STOP is accepted (not EBUSY).
    h.streamon(fd, CAP).unwrap();
    assert_eq!(h.dec_cmd(fd, V4L2_DEC_CMD_STOP, 0, false).map(|_| ()), Ok(()));
    h.node.close(fd).unwrap();
}
