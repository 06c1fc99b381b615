//! Streaming through the raw ioctl entry: frames, timestamps, sequence numbers, blocking
//! and non-blocking DQBUF, drain, seek, multi-context, close, delayed completion, stale
//! handles, deferred init, source change.

mod support;

use std::sync::atomic::Ordering;

use support::*;
use v4l2m2m::abi::*;
use v4l2m2m::{Direction, Errno, PollEvents, VideoNode};

const OUT: Direction = Direction::Output;
const CAP: Direction = Direction::Capture;

fn run_frames(h: &Harness) {
    let fd = h.open();
    h.setup(fd, 4, 4);
    for n in 0..10u32 {
        let idx = n % 4;
        if n >= 4 {
            let o = h.dqbuf_within(fd, OUT, 5).expect("DQBUF output");
            assert_eq!(o.index(), idx);
        }
        let data = frame(1, n, 100 + n as usize);
        h.queue_output(fd, idx, &data, 1_000_000 + u64::from(n) * 33_333).unwrap();
        let c = h.dqbuf_within(fd, CAP, 5).expect("DQBUF capture");
        assert_eq!(c.b.sequence, n, "capture sequence");
        assert_eq!(c.ts_us(), 1_000_000 + u64::from(n) * 33_333, "timestamp copied");
        assert_eq!(c.flags() & V4L2_BUF_FLAG_TIMESTAMP_MASK, V4L2_BUF_FLAG_TIMESTAMP_COPY);
        assert_ne!(c.flags() & V4L2_BUF_FLAG_KEYFRAME, 0);
        assert_eq!(c.flags() & (V4L2_BUF_FLAG_QUEUED | V4L2_BUF_FLAG_DONE | V4L2_BUF_FLAG_LAST), 0);
        assert_eq!(c.bytesused(0), data.len() as u32);
        assert_eq!(h.read_plane(fd, CAP, c.index(), 0, c.bytesused(0)), transformed(&data));
        if h.mp() {
            assert_eq!(c.b.length, 2);
            let rev: Vec<u8> = data.iter().rev().copied().collect();
            assert_eq!(h.read_plane(fd, CAP, c.index(), 1, c.bytesused(1)), rev);
        }
        h.queue_capture(fd, c.index()).unwrap();
    }
    h.node.close(fd).unwrap();
}

#[test]
fn frames_flow_single_planar() {
    run_frames(&Harness::new());
}

#[test]
fn frames_flow_multi_planar() {
    run_frames(&Harness::mplane());
}

fn manual() -> Harness {
    Harness::with(Opts { worker: false, ..Opts::default() })
}

fn manual_encoder() -> Harness {
    Harness::with(Opts { worker: false, kind: v4l2m2m::CodecKind::Encoder, ..Opts::default() })
}

fn flags_of(h: &Harness, fd: v4l2m2m::FileId, dir: Direction, index: u32) -> u32 {
    h.querybuf(fd, dir, index).expect("QUERYBUF").flags()
}

#[test]
fn nonblocking_dqbuf_answers_eagain_and_einval_when_not_streaming() {
    let h = Harness::new();
    let fd = h.open_nb();
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EINVAL), "no buffers, not streaming");
    h.setup(fd, 2, 2);
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EAGAIN));
    assert_eq!(h.dqbuf(fd, OUT).err(), Some(Errno::EAGAIN));
    h.queue_output(fd, 0, b"abc", 7).unwrap();
    let c = h.dqbuf_poll(fd, CAP).unwrap();
    assert_eq!(c.bytesused(0), 3);
    let o = h.dqbuf_poll(fd, OUT).unwrap();
    assert_eq!((o.index(), o.b.sequence, o.bytesused(0)), (0, 0, 3));
    assert_eq!(h.dqbuf(fd, OUT).err(), Some(Errno::EAGAIN));
    h.streamoff(fd, CAP).unwrap();
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EINVAL), "not streaming");
}

#[test]
fn blocking_dqbuf_waits_for_the_engine() {
    let h = Harness::new();
    h.k().delayed.store(true, Ordering::SeqCst);
    let fd = h.open();
    h.setup(fd, 2, 2);
    h.queue_output(fd, 0, b"hello", 42).unwrap();
    h.wait_until(fd, "job started", || h.k().pending_count() == 1);
    let node: &'static dyn VideoNode = h.node;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut b = Buf::new(V4L2_BUF_TYPE_VIDEO_CAPTURE, V4L2_MEMORY_MMAP, 0, false, 0);
        // SAFETY: a valid v4l2_buffer.
        let r = unsafe { node.ioctl(fd, VIDIOC_DQBUF, b.arg() as *mut v4l2_buffer as *mut std::ffi::c_void) };
        let _ = tx.send((r, b.b.bytesused, b.b.timestamp.tv_usec));
    });
    // The engine has not completed: DQBUF cannot have returned.
    assert!(rx.try_recv().is_err(), "blocking DQBUF returned before the frame was done");
    assert_eq!(h.k().complete_pending(), 1);
    let (r, used, usec) = rx.recv_timeout(std::time::Duration::from_secs(5)).expect("blocking DQBUF hung");
    assert_eq!(r, Ok(0));
    assert_eq!((used, usec), (5, 42));
}

/// Starts a blocking DQBUF(CAPTURE) on another thread; its result arrives on the channel.
fn spawn_blocking_capture_dqbuf(
    node: &'static dyn VideoNode,
    fd: v4l2m2m::FileId,
) -> std::sync::mpsc::Receiver<Result<i32, Errno>> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut b = Buf::new(V4L2_BUF_TYPE_VIDEO_CAPTURE, V4L2_MEMORY_MMAP, 0, false, 0);
        // SAFETY: a valid v4l2_buffer.
        let r = unsafe { node.ioctl(fd, VIDIOC_DQBUF, b.arg() as *mut v4l2_buffer as *mut std::ffi::c_void) };
        let _ = tx.send(r);
    });
    rx
}

#[test]
fn blocking_dqbuf_is_released_by_streamoff_from_another_thread() {
    let h = Harness::new();
    let fd = h.open();
    h.setup(fd, 2, 2);
    let node: &'static dyn VideoNode = h.node;
    let rx = spawn_blocking_capture_dqbuf(node, fd);
    // STREAMOFF must not be blocked by the sleeping DQBUF (its file lock is released).
    within(5, move || {
        let mut t = V4L2_BUF_TYPE_VIDEO_CAPTURE as i32;
        // SAFETY: a valid int.
        unsafe { node.ioctl(fd, VIDIOC_STREAMOFF, &mut t as *mut i32 as *mut std::ffi::c_void) }
    })
    .unwrap();
    let r = rx.recv_timeout(std::time::Duration::from_secs(5)).expect("blocking DQBUF hung after STREAMOFF");
    assert_eq!(r, Err(Errno::EINVAL));
}

#[test]
fn blocking_dqbuf_is_released_by_close_from_another_thread() {
    let h = Harness::new();
    let fd = h.open();
    h.setup(fd, 2, 2);
    let node: &'static dyn VideoNode = h.node;
    let rx = spawn_blocking_capture_dqbuf(node, fd);
    within(5, move || node.close(fd)).unwrap();
    let r = rx.recv_timeout(std::time::Duration::from_secs(5)).expect("blocking DQBUF hung after close");
    assert!(matches!(r, Err(Errno::EINVAL) | Err(Errno::EBADF)), "{r:?}");
}

fn subscribe_eos(h: &Harness, fd: v4l2m2m::FileId) {
    h.subscribe(fd, V4L2_EVENT_EOS, 0, 0).unwrap();
}

fn expect_eos(h: &Harness, fd: v4l2m2m::FileId) {
    let e = h.dqevent(fd).expect("EOS event");
    assert_eq!(e.type_, V4L2_EVENT_EOS);
}

#[test]
fn drain_with_nothing_queued_gives_an_empty_last_buffer() {
    let h = manual();
    let fd = h.open_nb();
    subscribe_eos(&h, fd);
    h.setup(fd, 2, 2);
    h.stop(fd).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_ne!(c.flags() & V4L2_BUF_FLAG_LAST, 0);
    assert_eq!(c.bytesused(0), 0, "empty LAST buffer");
    expect_eos(&h, fd);
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EPIPE));
    // Linux's v4l2_m2m_poll: POLLIN once the last buffer was dequeued.
    assert!(h.poll(fd).contains(PollEvents::POLLIN));
    assert_eq!(*h.k().commands.lock().unwrap(), vec![v4l2m2m::CodecCommand::Stop]);
}

#[test]
fn drain_with_an_empty_capture_queue_waits_for_the_next_capture_buffer() {
    let h = manual();
    let fd = h.open_nb();
    subscribe_eos(&h, fd);
    assert_eq!(h.reqbufs(fd, OUT, 2), Ok(2));
    assert_eq!(h.reqbufs(fd, CAP, 2), Ok(2));
    h.streamon(fd, OUT).unwrap();
    h.streamon(fd, CAP).unwrap();
    h.stop(fd).unwrap();
    h.dev.run_jobs();
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EAGAIN));
    assert_eq!(h.dqevent(fd).err(), Some(Errno::ENOENT));
    h.queue_capture(fd, 1).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_eq!((c.index(), c.bytesused(0)), (1, 0));
    assert_ne!(c.flags() & V4L2_BUF_FLAG_LAST, 0);
    expect_eos(&h, fd);
}

#[test]
fn drain_with_one_buffer_flags_its_frame_last() {
    let h = manual();
    let fd = h.open_nb();
    subscribe_eos(&h, fd);
    h.setup(fd, 2, 2);
    h.queue_output(fd, 0, b"only", 5).unwrap();
    h.stop(fd).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_eq!(c.bytesused(0), 4);
    assert_eq!(c.ts_us(), 5);
    assert_ne!(c.flags() & V4L2_BUF_FLAG_LAST, 0, "the last frame carries LAST");
    expect_eos(&h, fd);
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EPIPE));
    let o = h.dqbuf(fd, OUT).unwrap();
    assert_eq!(o.index(), 0);
}

#[test]
fn drain_after_the_last_frame_was_done_adds_an_empty_last_buffer() {
    let h = manual();
    let fd = h.open_nb();
    subscribe_eos(&h, fd);
    h.setup(fd, 2, 3);
    h.queue_output(fd, 0, b"frame", 5).unwrap();
    h.dev.run_jobs();
    h.stop(fd).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_eq!((c.bytesused(0), c.flags() & V4L2_BUF_FLAG_LAST), (5, 0));
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_eq!(c.bytesused(0), 0);
    assert_ne!(c.flags() & V4L2_BUF_FLAG_LAST, 0);
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EPIPE));
    expect_eos(&h, fd);
}

fn drain_many(h: &Harness) {
    let fd = h.open_nb();
    subscribe_eos(h, fd);
    h.setup(fd, 6, 3);
    for n in 0..6 {
        h.queue_output(fd, n, &frame(9, n, 50), u64::from(n) + 100).unwrap();
    }
    h.stop(fd).unwrap();
    // Commands while draining are refused.
    assert_eq!(h.stop(fd).err(), Some(Errno::EBUSY));
    assert_eq!(h.start(fd).err(), Some(Errno::EBUSY));
    let mut got = Vec::new();
    loop {
        h.dev.run_jobs();
        let c = h.dqbuf_poll(fd, CAP).unwrap();
        let last = c.flags() & V4L2_BUF_FLAG_LAST != 0;
        got.push((c.ts_us(), c.bytesused(0)));
        if last {
            break;
        }
        h.queue_capture(fd, c.index()).unwrap();
    }
    let frames: Vec<_> = got.iter().filter(|(_, n)| *n > 0).map(|(t, _)| *t).collect();
    assert_eq!(frames, vec![100, 101, 102, 103, 104, 105], "every frame before STOP, in order");
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EPIPE));
    expect_eos(h, fd);
    // START resumes decoding.
    h.start(fd).unwrap();
    for i in 0..3 {
        let _ = h.queue_capture(fd, i);
    }
    for n in 0..6 {
        let _ = h.dqbuf(fd, OUT);
        let _ = n;
    }
    h.queue_output(fd, 0, b"after", 999).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf_poll(fd, CAP).unwrap();
    assert_eq!((c.bytesused(0), c.ts_us(), c.flags() & V4L2_BUF_FLAG_LAST), (5, 999, 0));
}

#[test]
fn drain_with_many_buffers_manual_engine() {
    drain_many(&manual());
}

#[test]
fn drain_with_many_buffers_worker_engine() {
    drain_many(&Harness::new());
}

#[test]
fn encoder_drain_uses_encoder_cmd() {
    let h = manual_encoder();
    let fd = h.open_nb();
    subscribe_eos(&h, fd);
    h.setup(fd, 2, 2);
    assert_eq!(h.dec_cmd(fd, V4L2_DEC_CMD_STOP, 0, false).err(), Some(Errno::ENOTTY));
    assert_eq!(h.dec_cmd(fd, V4L2_DEC_CMD_STOP, 0, true).err(), Some(Errno::ENOTTY));
    h.queue_output(fd, 0, b"raw", 1).unwrap();
    h.enc_cmd(fd, V4L2_ENC_CMD_STOP, 0, false).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_ne!(c.flags() & V4L2_BUF_FLAG_LAST, 0);
    expect_eos(&h, fd);
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EPIPE));
    h.enc_cmd(fd, V4L2_ENC_CMD_START, 0, false).unwrap();
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EAGAIN), "START clears the EPIPE state");
}

#[test]
fn try_commands_zero_flags_and_reject_pause_resume() {
    let h = manual();
    let fd = h.open_nb();
    h.setup(fd, 2, 2);
    let c = h.dec_cmd(fd, V4L2_DEC_CMD_STOP, V4L2_DEC_CMD_STOP_TO_BLACK | V4L2_DEC_CMD_STOP_IMMEDIATELY, true).unwrap();
    assert_eq!(c.flags, 0);
    // SAFETY: plain-old-data union member.
    assert_eq!(unsafe { c.u.stop.pts }, 0);
    let c = h.dec_cmd(fd, V4L2_DEC_CMD_START, V4L2_DEC_CMD_START_MUTE_AUDIO, true).unwrap();
    assert_eq!(c.flags, 0);
    // SAFETY: plain-old-data union member.
    let start = unsafe { c.u.start };
    assert_eq!((start.speed, start.format), (0, V4L2_DEC_START_FMT_NONE));
    for cmd in [V4L2_DEC_CMD_PAUSE, V4L2_DEC_CMD_RESUME, V4L2_DEC_CMD_FLUSH, 77] {
        assert_eq!(h.dec_cmd(fd, cmd, 0, true).err(), Some(Errno::EINVAL), "TRY cmd {cmd}");
        assert_eq!(h.dec_cmd(fd, cmd, 0, false).err(), Some(Errno::EINVAL), "cmd {cmd}");
    }
    assert_eq!(h.enc_cmd(fd, V4L2_ENC_CMD_STOP, 0, true).err(), Some(Errno::ENOTTY), "decoder has no ENCODER_CMD");
    // TRY changed nothing: no drain began.
    assert!(h.k().commands.lock().unwrap().is_empty());
    h.dev.run_jobs();
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EAGAIN));
    // A real STOP with flags: flags come back zeroed too.
    let c = h.dec_cmd(fd, V4L2_DEC_CMD_STOP, V4L2_DEC_CMD_STOP_TO_BLACK, false).unwrap();
    assert_eq!(c.flags, 0);

    let e = manual_encoder();
    let fd = e.open_nb();
    let c = e.enc_cmd(fd, V4L2_ENC_CMD_STOP, V4L2_ENC_CMD_STOP_AT_GOP_END, true).unwrap();
    assert_eq!(c.flags, 0);
    for cmd in [V4L2_ENC_CMD_PAUSE, V4L2_ENC_CMD_RESUME, 9] {
        assert_eq!(e.enc_cmd(fd, cmd, 0, true).err(), Some(Errno::EINVAL));
        assert_eq!(e.enc_cmd(fd, cmd, 0, false).err(), Some(Errno::EINVAL));
    }
}

#[test]
fn stop_before_streaming_is_a_no_op() {
    let h = manual();
    let fd = h.open_nb();
    h.stop(fd).unwrap();
    h.start(fd).unwrap();
    assert!(h.k().commands.lock().unwrap().is_empty());
    h.setup(fd, 2, 2);
    h.queue_output(fd, 0, b"x", 1).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_eq!(c.flags() & V4L2_BUF_FLAG_LAST, 0);
}

#[test]
fn seek_by_output_streamoff_keeps_capture_and_restarts_output() {
    let h = manual();
    let fd = h.open_nb();
    h.setup(fd, 3, 3);
    h.queue_output(fd, 0, b"f0", 10).unwrap();
    h.dev.run_jobs();
    h.queue_output(fd, 1, b"f1", 11).unwrap();
    h.queue_output(fd, 2, b"f2", 12).unwrap();
    assert_eq!(h.k().heavy_inits.load(Ordering::SeqCst), 1);
    // Seek: the queued OUTPUT buffers come back; CAPTURE stays as it is.
    h.streamoff(fd, OUT).unwrap();
    assert_eq!(h.k().streamoffs[0].load(Ordering::SeqCst), 1);
    for i in 0..3 {
        assert_eq!(flags_of(&h, fd, OUT, i) & (V4L2_BUF_FLAG_QUEUED | V4L2_BUF_FLAG_DONE), 0, "output {i}");
    }
    assert_eq!(h.dqbuf(fd, OUT).err(), Some(Errno::EINVAL));
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_eq!(c.ts_us(), 10);
    for i in [1, 2] {
        assert_ne!(flags_of(&h, fd, CAP, i) & V4L2_BUF_FLAG_QUEUED, 0, "capture {i} still queued");
    }
    h.streamon(fd, OUT).unwrap();
    h.queue_output(fd, 2, b"seeked", 500).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_eq!((c.ts_us(), c.bytesused(0)), (500, 6));
    let o = h.dqbuf(fd, OUT).unwrap();
    assert_eq!((o.index(), o.b.sequence), (2, 0), "OUTPUT sequence restarts after STREAMON");
}

#[test]
fn streamoff_returns_every_buffer() {
    let h = manual();
    let fd = h.open_nb();
    h.setup(fd, 4, 4);
    for i in 0..4 {
        h.queue_output(fd, i, b"data", u64::from(i)).unwrap();
    }
    h.dev.run_jobs();
    // Now: outputs done, captures done; requeue one output, keep some done.
    let o = h.dqbuf(fd, OUT).unwrap();
    h.queue_output(fd, o.index(), b"again", 9).unwrap();
    for dir in [CAP, OUT] {
        h.streamoff(fd, dir).unwrap();
        for i in 0..4 {
            let f = flags_of(&h, fd, dir, i);
            assert_eq!(f & (V4L2_BUF_FLAG_QUEUED | V4L2_BUF_FLAG_DONE), 0, "{dir:?} {i} flags {f:#x}");
        }
        assert_eq!(h.dqbuf(fd, dir).err(), Some(Errno::EINVAL));
    }
    // Each buffer can be queued again exactly once.
    for i in 0..4 {
        h.queue_capture(fd, i).unwrap();
        assert_eq!(h.queue_capture(fd, i).err(), Some(Errno::EINVAL), "double QBUF");
    }
    h.streamon(fd, OUT).unwrap();
    h.streamon(fd, CAP).unwrap();
    h.queue_output(fd, 0, b"z", 3).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_eq!((c.b.sequence, c.ts_us()), (0, 3), "CAPTURE sequence restarts");
}

#[test]
fn multi_context_interleaving_each_gets_its_own_data() {
    let h = Harness::new().leak();
    let h: &'static Harness = h;
    let mut threads = Vec::new();
    for tag in 0..3u8 {
        threads.push(std::thread::spawn(move || {
            let fd = h.open();
            h.setup(fd, 2, 2);
            for n in 0..20u32 {
                let idx = n % 2;
                if n >= 2 {
                    let o = h.dqbuf_within(fd, OUT, 5).unwrap();
                    assert_eq!(o.index(), idx);
                }
                let data = frame(tag, n, 64 + tag as usize);
                let ts = u64::from(tag) * 1_000_000 + u64::from(n);
                h.queue_output(fd, idx, &data, ts).unwrap();
                let c = h.dqbuf_within(fd, CAP, 5).unwrap();
                assert_eq!(c.ts_us(), ts);
                assert_eq!(c.b.sequence, n);
                assert_eq!(
                    h.read_plane(fd, CAP, c.index(), 0, c.bytesused(0)),
                    transformed(&data),
                    "ctx {tag} frame {n}"
                );
                h.queue_capture(fd, c.index()).unwrap();
            }
            h.node.close(fd).unwrap();
        }));
    }
    for t in threads {
        t.join().expect("context thread");
    }
    assert!(h.k().runs.load(Ordering::SeqCst) >= 60);
}

#[test]
fn jobs_of_several_contexts_are_serialised_on_the_engine() {
    let h = manual();
    h.k().delayed.store(true, Ordering::SeqCst);
    let a = h.open_nb();
    let b = h.open_nb();
    h.setup(a, 2, 2);
    h.setup(b, 2, 2);
    h.queue_output(a, 0, b"A", 1).unwrap();
    h.queue_output(b, 0, b"B", 2).unwrap();
    h.dev.run_jobs();
    assert_eq!(h.k().pending_count(), 1, "one job at a time");
    h.dev.run_jobs();
    assert_eq!(h.k().pending_count(), 1, "engine busy");
    h.k().complete_pending();
    h.dev.run_jobs();
    assert_eq!(h.k().pending_count(), 1, "the other context runs next");
    h.k().complete_pending();
    assert_eq!(h.dqbuf(a, CAP).unwrap().ts_us(), 1);
    assert_eq!(h.dqbuf(b, CAP).unwrap().ts_us(), 2);
}

#[test]
fn delayed_completion_from_an_irq_thread() {
    let h = Harness::new().leak();
    let h: &'static Harness = h;
    h.k().delayed.store(true, Ordering::SeqCst);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let irq_stop = stop.clone();
    let irq = std::thread::spawn(move || {
        while !irq_stop.load(Ordering::SeqCst) {
            if h.k().complete_pending() == 0 {
                std::thread::yield_now();
            }
        }
    });
    let fd = h.open();
    h.setup(fd, 2, 2);
    for n in 0..10u32 {
        if n >= 2 {
            h.dqbuf_within(fd, OUT, 5).unwrap();
        }
        h.queue_output(fd, n % 2, &frame(4, n, 20), u64::from(n)).unwrap();
        let c = h.dqbuf_within(fd, CAP, 5).unwrap();
        assert_eq!((c.ts_us(), c.b.sequence), (u64::from(n), n));
        h.queue_capture(fd, c.index()).unwrap();
    }
    within(5, move || h.node.close(fd)).unwrap();
    stop.store(true, Ordering::SeqCst);
    irq.join().unwrap();
}

#[test]
fn close_with_buffers_queued_frees_everything() {
    let h = manual();
    let fd = h.open_nb();
    h.setup(fd, 4, 4);
    h.queue_output(fd, 0, b"q", 1).unwrap();
    h.queue_output(fd, 1, b"q", 1).unwrap();
    assert!(h.arena.allocated() > 0);
    h.node.close(fd).unwrap();
    assert_eq!(h.arena.allocated(), 0, "every buffer freed");
    assert_eq!(h.k().closes.load(Ordering::SeqCst), 1);
    assert_eq!(h.k().streamoffs[0].load(Ordering::SeqCst), 1);
    assert_eq!(h.k().streamoffs[1].load(Ordering::SeqCst), 1);
    assert_eq!(h.dev.open_files(), 0);
    // The id is dead.
    assert_eq!(h.reqbufs(fd, OUT, 1).err(), Some(Errno::EBADF));
    assert_eq!(h.node.poll(fd, PollEvents::POLLIN).err(), Some(Errno::EBADF));
    assert_eq!(h.node.close(fd).err(), Some(Errno::EBADF));
    assert!(h.node.wait_word(fd).is_err());
}

#[test]
fn close_with_a_job_running_aborts_and_waits() {
    let h = Harness::new();
    h.k().delayed.store(true, Ordering::SeqCst);
    h.k().abort_completes.store(true, Ordering::SeqCst);
    let fd = h.open();
    h.setup(fd, 2, 2);
    h.queue_output(fd, 0, b"busy", 1).unwrap();
    h.wait_until(fd, "job running", || h.k().pending_count() == 1);
    let node = h.node;
    within(5, move || node.close(fd)).unwrap();
    assert_eq!(h.k().aborts.load(Ordering::SeqCst), 1);
    assert_eq!(h.k().closes.load(Ordering::SeqCst), 1);
    assert_eq!(h.arena.allocated(), 0);
}

#[test]
fn close_waits_for_a_job_completed_later_by_the_irq() {
    let h = Harness::new().leak();
    let h: &'static Harness = h;
    h.k().delayed.store(true, Ordering::SeqCst);
    let fd = h.open();
    h.setup(fd, 2, 2);
    h.queue_output(fd, 0, b"busy", 1).unwrap();
    h.wait_until(fd, "job running", || h.k().pending_count() == 1);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(h.node.close(fd));
    });
    // The close asks the driver to abort, then waits for the IRQ to finish the job.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while h.k().aborts.load(Ordering::SeqCst) == 0 {
        assert!(std::time::Instant::now() < deadline, "close never aborted the job");
        std::thread::yield_now();
    }
    assert!(rx.try_recv().is_err(), "close returned while the engine still held buffers");
    assert_eq!(h.k().complete_pending(), 1);
    assert_eq!(rx.recv_timeout(std::time::Duration::from_secs(5)).expect("close hung"), Ok(()));
    assert_eq!(h.arena.allocated(), 0);
}

#[test]
fn lost_buffers_come_back_flagged_error_when_the_job_ends() {
    let h = manual();
    h.k().lose_capture.store(true, Ordering::SeqCst);
    let fd = h.open_nb();
    h.setup(fd, 2, 2);
    h.queue_output(fd, 0, b"x", 1).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_ne!(c.flags() & V4L2_BUF_FLAG_ERROR, 0);
    assert_eq!(c.bytesused(0), 0);
}

#[test]
fn stale_context_handle_is_refused_and_never_touches_a_reopened_slot() {
    let h = manual();
    h.k().delayed.store(true, Ordering::SeqCst);
    let a = h.open_nb();
    h.setup(a, 2, 2);
    h.queue_output(a, 0, b"a", 1).unwrap();
    h.dev.run_jobs();
    let stale = h.k().last_handle();
    assert_eq!(h.k().complete_pending(), 1);
    h.node.close(a).unwrap();

    assert!(stale.get_buf(OUT).is_none());
    assert_eq!(stale.status().err(), Some(Errno::EBADF));
    assert_eq!(stale.drained().err(), Some(Errno::EBADF));
    assert_eq!(stale.queue_event(v4l2m2m::Event::Eos).err(), Some(Errno::EBADF));
    assert_eq!(stale.source_change(h.dev.driver().decoded_format()).err(), Some(Errno::EBADF));
    assert_eq!(stale.set_control(V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, 4).err(), Some(Errno::EBADF));
    assert_eq!(stale.control(GOP).err(), Some(Errno::EBADF));
    assert_eq!(stale.set_compose(v4l2m2m::Rect::default()).err(), Some(Errno::EBADF));

    // The slot is reused by a new file with a job running on the engine.
    let b = h.open_nb();
    assert_eq!(b.slot, a.slot);
    assert_ne!(b.generation, a.generation);
    let c = h.open_nb();
    h.setup(b, 2, 2);
    h.setup(c, 2, 2);
    h.subscribe(b, V4L2_EVENT_EOS, 0, 0).unwrap();
    h.queue_output(b, 0, b"b", 2).unwrap();
    h.dev.run_jobs();
    assert_eq!(h.k().pending_count(), 1);
    let fresh = h.k().last_handle();
    h.queue_output(c, 0, b"c", 3).unwrap();

    // Stale calls change nothing in B.
    stale.job_finish();
    assert!(stale.get_buf(CAP).is_none());
    assert_eq!(stale.drained().err(), Some(Errno::EBADF));
    assert_eq!(stale.queue_event(v4l2m2m::Event::Eos).err(), Some(Errno::EBADF));
    assert_eq!(h.dqevent(b).err(), Some(Errno::ENOENT));
    assert_eq!(fresh.status().unwrap().capture_queued, 1);
    // The engine is still busy with B's job: C must not start.
    h.dev.run_jobs();
    assert_eq!(h.k().runs.load(Ordering::SeqCst), 2, "a stale job_finish freed the engine");
    assert_eq!(h.k().pending_count(), 1);
    assert_eq!(h.k().complete_pending(), 1);
    h.dev.run_jobs();
    assert_eq!(h.k().runs.load(Ordering::SeqCst), 3);
    assert_eq!(h.k().complete_pending(), 1);
    assert_eq!(h.dqbuf(b, CAP).unwrap().ts_us(), 2);
    assert_eq!(h.dqbuf(c, CAP).unwrap().ts_us(), 3);
    let node = h.node;
    within(5, move || {
        node.close(b).unwrap();
        node.close(c).unwrap();
    });
}

#[test]
fn deferred_init_happens_at_output_streamon_only() {
    let h = manual();
    let fd = h.open_nb();
    assert_eq!(h.k().opens.load(Ordering::SeqCst), 1);
    assert_eq!(h.k().heavy_inits.load(Ordering::SeqCst), 0);
    h.set_fmt(fd, OUT, 320, 240).unwrap();
    assert_eq!(h.reqbufs(fd, OUT, 2), Ok(2));
    assert_eq!(h.reqbufs(fd, CAP, 2), Ok(2));
    h.queue_capture(fd, 0).unwrap();
    h.streamon(fd, CAP).unwrap();
    assert_eq!(h.k().heavy_inits.load(Ordering::SeqCst), 0, "nothing heavy before STREAMON(OUTPUT)");
    h.streamon(fd, OUT).unwrap();
    assert_eq!(h.k().heavy_inits.load(Ordering::SeqCst), 1);
    h.streamon(fd, OUT).unwrap();
    assert_eq!(h.k().heavy_inits.load(Ordering::SeqCst), 1, "STREAMON twice is a no-op");
}

#[test]
fn open_count_is_bounded() {
    let h = manual();
    let fds: Vec<_> = (0..FILES).map(|_| h.open_nb()).collect();
    assert_eq!(h.node.open(v4l2m2m::OpenFlags::empty()).err(), Some(Errno::EMFILE));
    assert_eq!(h.dev.open_files(), FILES);
    h.node.close(fds[1]).unwrap();
    let again = h.open_nb();
    assert_eq!(again.slot, fds[1].slot);
    assert_eq!(h.node.open(v4l2m2m::OpenFlags::empty()).err(), Some(Errno::EMFILE));
    // The old id of the reused slot is refused.
    assert_eq!(h.reqbufs(fds[1], OUT, 1).err(), Some(Errno::EBADF));
}

/// Threads that open, use and close files of a device with more threads than file slots:
/// a slot being closed must not be handed to an open before the close is done with it
/// (else the close would mark the new file closed and close its driver context).
#[test]
fn opens_racing_closes_never_lose_a_file() {
    let h = Harness::new().leak();
    let threads: Vec<_> = (0..FILES + 4)
        .map(|_| {
            std::thread::spawn(move || {
                for _ in 0..1000 {
                    let fd = match h.node.open(v4l2m2m::OpenFlags::NONBLOCK) {
                        Ok(fd) => fd,
                        Err(Errno::EMFILE) => continue,
                        Err(e) => panic!("open: {e:?}"),
                    };
                    let mut cap = v4l2_capability::default();
                    assert_eq!(h.ioctl(fd, VIDIOC_QUERYCAP, &mut cap).err(), None, "QUERYCAP of a file just opened");
                    assert_eq!(h.reqbufs(fd, OUT, 1), Ok(1), "REQBUFS of a file just opened");
                    assert_eq!(h.node.close(fd), Ok(()), "close of a file just used");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(h.dev.open_files(), 0);
    assert_eq!(h.k().opens.load(Ordering::SeqCst), h.k().closes.load(Ordering::SeqCst), "every context closed once");
}

#[test]
fn decoder_source_change_initial_and_mid_stream() {
    let h = Harness::new();
    h.k().decoder.store(true, Ordering::SeqCst);
    let fd = h.open_nb();
    h.subscribe(fd, V4L2_EVENT_SOURCE_CHANGE, 0, 0).unwrap();
    subscribe_eos(&h, fd);
    assert_eq!(h.reqbufs(fd, OUT, 4), Ok(4));
    h.streamon(fd, OUT).unwrap();
    h.queue_output(fd, 0, b"SPS+PPS", 0).unwrap();
    h.queue_output(fd, 1, b"frame-1", 1).unwrap();
    h.wait_until(fd, "source change event", || h.poll(fd).contains(PollEvents::POLLPRI));
    let e = h.dqevent(fd).unwrap();
    assert_eq!(e.type_, V4L2_EVENT_SOURCE_CHANGE);
    // SAFETY: plain-old-data union member.
    assert_eq!(unsafe { e.u.src_change.changes }, V4L2_EVENT_SRC_CH_RESOLUTION);
    let (w, hh, _, _, _) = h.fmt_info(&h.g_fmt(fd, CAP));
    assert_eq!((w, hh), (DEC_W, DEC_H));
    // Decoding waits for the CAPTURE set-up: the second buffer stays queued.
    assert_ne!(flags_of(&h, fd, OUT, 1) & V4L2_BUF_FLAG_QUEUED, 0);
    assert_eq!(h.reqbufs(fd, CAP, 2), Ok(2));
    h.queue_capture(fd, 0).unwrap();
    h.queue_capture(fd, 1).unwrap();
    h.streamon(fd, CAP).unwrap();
    let c = h.dqbuf_poll(fd, CAP).unwrap();
    assert_eq!((c.ts_us(), c.bytesused(0)), (1, 7));
    assert_eq!(c.flags() & V4L2_BUF_FLAG_LAST, 0);
    // Mid-stream resolution change: the CAPTURE queue ends with an (empty) LAST buffer.
    h.queue_output(fd, 2, b"RES-CHANGE", 2).unwrap();
    let c = h.dqbuf_poll(fd, CAP).unwrap();
    assert_ne!(c.flags() & V4L2_BUF_FLAG_LAST, 0);
    assert_eq!(c.bytesused(0), 0);
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EPIPE));
    let e = h.dqevent(fd).unwrap();
    assert_eq!(e.type_, V4L2_EVENT_SOURCE_CHANGE, "no EOS for a resolution change");
    assert_eq!(h.dqevent(fd).err(), Some(Errno::ENOENT));
    // Frames queued now wait until CAPTURE is set up again.
    h.queue_output(fd, 3, b"frame-3", 3).unwrap();
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EPIPE));
    h.streamoff(fd, CAP).unwrap();
    assert_eq!(h.reqbufs(fd, CAP, 0), Ok(0));
    assert_eq!(h.reqbufs(fd, CAP, 2), Ok(2));
    h.queue_capture(fd, 0).unwrap();
    h.streamon(fd, CAP).unwrap();
    let c = h.dqbuf_poll(fd, CAP).unwrap();
    assert_eq!((c.ts_us(), c.bytesused(0), c.b.sequence), (3, 7, 0));
}

#[test]
fn decoder_compose_selection_defaults_to_the_capture_size() {
    let h = manual();
    let fd = h.open_nb();
    let mut sel = v4l2_selection::zeroed();
    sel.type_ = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    sel.target = V4L2_SEL_TGT_COMPOSE;
    h.ioctl(fd, VIDIOC_G_SELECTION, &mut sel).unwrap();
    assert_eq!((sel.r.left, sel.r.top, sel.r.width, sel.r.height), (0, 0, W, H));
    sel.type_ = V4L2_BUF_TYPE_VIDEO_OUTPUT;
    assert_eq!(h.ioctl(fd, VIDIOC_G_SELECTION, &mut sel).err(), Some(Errno::EINVAL));
}

#[test]
fn multi_planar_output_data_offset_is_skipped() {
    let h = Harness::with(Opts { worker: false, mplane: true, ..Opts::default() });
    let fd = h.open_nb();
    h.setup(fd, 1, 1);
    let q = h.querybuf(fd, OUT, 0).unwrap();
    let m = h.node.mmap(fd, u64::from(q.mem_offset(0)), 4096).unwrap();
    // SAFETY: a mapped 4096-byte plane.
    unsafe { std::ptr::copy_nonoverlapping(b"HDR:payload".as_ptr(), m.ptr, 11) };
    h.node.munmap(m.region);
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, 0);
    b.planes[0].bytesused = 11;
    b.planes[0].data_offset = 4;
    h.qbuf(fd, &mut b).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_eq!(c.bytesused(0), 7);
    assert_eq!(h.read_plane(fd, CAP, 0, 0, 7), transformed(b"payload"));
    let o = h.dqbuf(fd, OUT).unwrap();
    assert_eq!((o.planes[0].bytesused, o.planes[0].data_offset), (11, 4));
}

#[test]
fn source_change_waits_for_a_capture_buffer_to_flag_last() {
    let h = manual();
    h.k().decoder.store(true, Ordering::SeqCst);
    let fd = h.open_nb();
    h.subscribe(fd, V4L2_EVENT_SOURCE_CHANGE, 0, 0).unwrap();
    assert_eq!(h.reqbufs(fd, OUT, 2), Ok(2));
    assert_eq!(h.reqbufs(fd, CAP, 1), Ok(1));
    h.streamon(fd, OUT).unwrap();
    h.streamon(fd, CAP).unwrap();
    // The first job parses headers while CAPTURE streams with nothing queued.
    h.queue_output(fd, 0, b"hdr", 0).unwrap();
    assert_eq!(h.k().runs.load(Ordering::SeqCst), 0, "not ready: no CAPTURE buffer");
    h.queue_capture(fd, 0).unwrap();
    h.dev.run_jobs();
    // Source change with CAPTURE streaming: the queued buffer ends it, flagged LAST.
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_ne!(c.flags() & V4L2_BUF_FLAG_LAST, 0);
    assert_eq!(h.dqevent(fd).unwrap().type_, V4L2_EVENT_SOURCE_CHANGE);
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EPIPE));
    h.queue_output(fd, 1, b"RES again", 1).unwrap();
    h.dev.run_jobs();
    assert_eq!(h.k().runs.load(Ordering::SeqCst), 1, "held until CAPTURE is set up again");
    h.streamoff(fd, CAP).unwrap();
    h.queue_capture(fd, 0).unwrap();
    h.streamon(fd, CAP).unwrap();
    h.dev.run_jobs();
    // This buffer is itself a resolution change (RES...): no capture buffer yet.
    assert_eq!(h.k().runs.load(Ordering::SeqCst), 2);
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_ne!(c.flags() & V4L2_BUF_FLAG_LAST, 0);
}

#[test]
fn seek_during_a_drain_cancels_it() {
    let h = manual();
    let fd = h.open_nb();
    subscribe_eos(&h, fd);
    h.setup(fd, 2, 2);
    h.queue_output(fd, 0, b"a", 1).unwrap();
    h.queue_output(fd, 1, b"b", 2).unwrap();
    h.stop(fd).unwrap();
    h.streamoff(fd, OUT).unwrap();
    h.streamon(fd, OUT).unwrap();
    assert_eq!(h.dqevent(fd).err(), Some(Errno::ENOENT));
    h.queue_output(fd, 0, b"c", 3).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_eq!((c.ts_us(), c.flags() & V4L2_BUF_FLAG_LAST), (3, 0), "the drain was cancelled by the seek");
    h.stop(fd).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_ne!(c.flags() & V4L2_BUF_FLAG_LAST, 0);
    expect_eos(&h, fd);
}

#[test]
fn closing_one_context_with_a_running_job_leaves_the_others_running() {
    let h = Harness::new().leak();
    h.k().delayed.store(true, Ordering::SeqCst);
    h.k().abort_completes.store(true, Ordering::SeqCst);
    let a = h.open();
    let b = h.open();
    h.setup(a, 2, 2);
    h.setup(b, 2, 2);
    h.queue_output(a, 0, b"a", 1).unwrap();
    h.wait_until(a, "A's job running", || h.k().pending_count() == 1);
    h.queue_output(b, 0, b"b", 2).unwrap();
    within(5, move || h.node.close(a)).unwrap();
    // B's job runs once the engine is free.
    h.wait_until(b, "B's job running", || h.k().pending_count() == 1);
    h.k().complete_pending();
    let c = h.dqbuf_within(b, CAP, 5).unwrap();
    assert_eq!(c.ts_us(), 2);
    assert_eq!(h.reqbufs(b, CAP, 0).err(), Some(Errno::EBUSY), "REQBUFS while streaming");
    within(5, move || h.node.close(b)).unwrap();
    assert_eq!(h.arena.allocated(), 0);
}

#[test]
fn output_queued_after_stop_waits_for_start() {
    let h = manual();
    let fd = h.open_nb();
    subscribe_eos(&h, fd);
    h.setup(fd, 2, 2);
    h.stop(fd).unwrap();
    // Queued after STOP: belongs to the stream after START, not to this drain.
    h.queue_output(fd, 0, b"late", 7).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_ne!(c.flags() & V4L2_BUF_FLAG_LAST, 0);
    assert_eq!(c.bytesused(0), 0, "STOP with nothing queued ends with an empty LAST buffer");
    expect_eos(&h, fd);
    assert_ne!(flags_of(&h, fd, OUT, 0) & V4L2_BUF_FLAG_QUEUED, 0, "still waiting");
    h.start(fd).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_eq!((c.ts_us(), c.bytesused(0), c.flags() & V4L2_BUF_FLAG_LAST), (7, 4, 0));
}

#[test]
fn a_buffer_token_that_outlived_its_job_is_refused() {
    let h = manual();
    h.k().delayed.store(true, Ordering::SeqCst);
    let fd = h.open_nb();
    h.setup(fd, 1, 1);
    h.queue_output(fd, 0, b"one", 1).unwrap();
    h.dev.run_jobs();
    let old = h.k().pending.take().expect("a running job");
    // The engine ends the job without handing the buffers back: reclaimed as errors.
    old.handle.job_finish();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_ne!(c.flags() & V4L2_BUF_FLAG_ERROR, 0);
    let o = h.dqbuf(fd, OUT).unwrap();
    assert_ne!(o.flags() & V4L2_BUF_FLAG_ERROR, 0);
    // Same buffers queued again and taken by a new job.
    h.queue_capture(fd, 0).unwrap();
    h.queue_output(fd, 0, b"two", 2).unwrap();
    h.dev.run_jobs();
    assert_eq!(h.k().pending_count(), 1);
    // The old tokens must not complete the new activation.
    assert_eq!(old.handle.put_buf(old.cap, old.done).err(), Some(Errno::EINVAL));
    assert_eq!(old.handle.put_buf(old.out, v4l2m2m::Completion::default()).err(), Some(Errno::EINVAL));
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EAGAIN));
    assert_eq!(h.k().complete_pending(), 1);
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_eq!((c.ts_us(), c.bytesused(0), c.flags() & V4L2_BUF_FLAG_ERROR), (2, 3, 0));
}

#[test]
fn capture_buffers_inherit_timecode_and_timestamp_source_from_their_output_buffer() {
    let h = Harness::new();
    let fd = h.open();
    h.setup(fd, 2, 2);
    let data = frame(1, 0, 64);
    // Write the payload through the helper, then queue by hand with the metadata.
    let q = h.querybuf(fd, OUT, 0).unwrap();
    let map = h.node.mmap(fd, u64::from(q.mem_offset(0)), q.plane_length(0) as usize).unwrap();
    // SAFETY: the mapping covers the dequeued OUTPUT buffer owned by the test.
    unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), map.ptr, data.len()) };
    h.node.munmap(map.region);
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, 0);
    b.set_bytesused(0, data.len() as u32);
    b.b.timestamp = timeval { tv_sec: 3, tv_usec: 250 };
    b.b.flags = V4L2_BUF_FLAG_TIMECODE | V4L2_BUF_FLAG_TSTAMP_SRC_SOE;
    b.b.timecode = v4l2_timecode {
        type_: V4L2_TC_TYPE_30FPS,
        flags: 0,
        frames: 7,
        seconds: 6,
        minutes: 5,
        hours: 4,
        userbits: *b"v4l2",
    };
    h.qbuf(fd, &mut b).unwrap();
    let c = h.dqbuf_within(fd, CAP, 5).expect("DQBUF capture");
    assert_eq!((c.b.timestamp.tv_sec, c.b.timestamp.tv_usec), (3, 250));
    assert_ne!(c.flags() & V4L2_BUF_FLAG_TIMECODE, 0, "timecode flag copied");
    assert_eq!(c.flags() & V4L2_BUF_FLAG_TSTAMP_SRC_MASK, V4L2_BUF_FLAG_TSTAMP_SRC_SOE, "timestamp source copied");
    let tc = c.b.timecode;
    assert_eq!(
        (tc.type_, tc.frames, tc.seconds, tc.minutes, tc.hours, tc.userbits),
        (V4L2_TC_TYPE_30FPS, 7, 6, 5, 4, *b"v4l2")
    );
    let o = h.dqbuf_within(fd, OUT, 5).expect("DQBUF output");
    assert_eq!(
        o.flags() & (V4L2_BUF_FLAG_TIMECODE | V4L2_BUF_FLAG_TSTAMP_SRC_MASK),
        V4L2_BUF_FLAG_TIMECODE | V4L2_BUF_FLAG_TSTAMP_SRC_SOE,
        "OUTPUT keeps what the application set"
    );
}

#[test]
fn a_timecode_keeps_every_defined_type_and_flag_and_one_too_wide_to_keep_is_refused() {
    let h = manual();
    let fd = h.open_nb();
    h.setup(fd, 1, 1);
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, 0);
    b.set_bytesused(0, 1);
    b.b.flags = V4L2_BUF_FLAG_TIMECODE;
    b.b.timecode = v4l2_timecode { type_: 0x100, ..v4l2_timecode::zeroed() };
    assert_eq!(h.qbuf(fd, &mut b).err(), Some(Errno::EINVAL), "type past a byte");
    b.b.timecode = v4l2_timecode { type_: V4L2_TC_TYPE_60FPS, flags: 0x100, ..v4l2_timecode::zeroed() };
    assert_eq!(h.qbuf(fd, &mut b).err(), Some(Errno::EINVAL), "flags past a byte");
    // Not flagged TIMECODE: the timecode is not looked at.
    b.b.flags = 0;
    b.b.timecode = v4l2_timecode { type_: u32::MAX, flags: u32::MAX, ..v4l2_timecode::zeroed() };
    assert_eq!(h.qbuf(fd, &mut b), Ok(0));
    h.dev.run_jobs();
    assert_eq!(h.dqbuf(fd, OUT).map(|o| o.b.timecode.type_), Ok(0), "no timecode kept");
    assert!(h.dqbuf(fd, CAP).is_ok());
    // The widest defined values round-trip through the OUTPUT and CAPTURE buffers.
    let flags = V4L2_TC_FLAG_DROPFRAME | V4L2_TC_FLAG_COLORFRAME | V4L2_TC_USERBITS_8BITCHARS;
    let tc = v4l2_timecode {
        type_: V4L2_TC_TYPE_60FPS,
        flags,
        frames: 59,
        seconds: 59,
        minutes: 59,
        hours: 23,
        userbits: [255; 4],
    };
    b.b.flags = V4L2_BUF_FLAG_TIMECODE;
    b.b.timecode = tc;
    h.qbuf(fd, &mut b).unwrap();
    h.queue_capture(fd, 0).unwrap();
    h.dev.run_jobs();
    for dir in [OUT, CAP] {
        let got = h.dqbuf(fd, dir).unwrap().b.timecode;
        assert_eq!(
            (got.type_, got.flags, got.frames, got.seconds, got.minutes, got.hours, got.userbits),
            (tc.type_, tc.flags, 59, 59, 59, 23, [255; 4]),
            "{dir:?}"
        );
    }
}

#[test]
fn a_transform_has_no_drain_no_stream_events_and_no_frame_rate() {
    let h = Harness::with(Opts { worker: false, kind: v4l2m2m::CodecKind::Transform, ..Opts::default() });
    let fd = h.open_nb();
    assert_eq!(h.dec_cmd(fd, V4L2_DEC_CMD_STOP, 0, false).err(), Some(Errno::ENOTTY));
    assert_eq!(h.enc_cmd(fd, V4L2_ENC_CMD_STOP, 0, true).err(), Some(Errno::ENOTTY));
    assert_eq!(h.subscribe(fd, V4L2_EVENT_EOS, 0, 0).err(), Some(Errno::EINVAL));
    assert_eq!(h.subscribe(fd, V4L2_EVENT_SOURCE_CHANGE, 0, 0).err(), Some(Errno::EINVAL));
    assert_eq!(h.subscribe(fd, V4L2_EVENT_CTRL, GOP, 0), Ok(0));
    let mut parm = v4l2_streamparm::zeroed();
    parm.type_ = h.ty(OUT);
    assert_eq!(h.ioctl(fd, VIDIOC_G_PARM, &mut parm).err(), Some(Errno::ENOTTY));
    // Frames flow as on any m2m device.
    h.setup(fd, 1, 1);
    h.queue_output(fd, 0, b"px", 5).unwrap();
    h.dev.run_jobs();
    assert_eq!(h.dqbuf(fd, CAP).unwrap().ts_us(), 5);
}
