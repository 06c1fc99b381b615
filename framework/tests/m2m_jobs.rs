//! The job path a hardware driver takes: completion from an "interrupt" before
//! `device_run` has returned and long after it, jobs aborted by STREAMOFF and by close
//! (every buffer accounted for), and the scheduler's fairness against a greedy driver.

mod support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use support::*;
use v4l2m2m::abi::*;
use v4l2m2m::{Direction, FileId, PollEvents};

const OUT: Direction = Direction::Output;
const CAP: Direction = Direction::Capture;

fn manual() -> Harness {
    Harness::with(Opts { worker: false, ..Opts::default() })
}

fn flags_of(h: &Harness, fd: FileId, dir: Direction, index: u32) -> u32 {
    h.querybuf(fd, dir, index).unwrap().flags()
}

/// Asserts that every buffer of both queues is back with the application: none queued,
/// active or waiting for DQBUF.
fn all_buffers_dequeued(h: &Harness, fd: FileId, count: u32) {
    for dir in [OUT, CAP] {
        for i in 0..count {
            let f = flags_of(h, fd, dir, i);
            assert_eq!(f & (V4L2_BUF_FLAG_QUEUED | V4L2_BUF_FLAG_DONE), 0, "{dir:?} buffer {i}: flags {f:#x}");
        }
    }
}

#[test]
fn a_job_completed_before_device_run_returns_running() {
    let h = manual();
    h.k().delayed.store(true, Ordering::SeqCst);
    h.k().complete_early.store(true, Ordering::SeqCst);
    let fd = h.open_nb();
    h.setup(fd, 2, 2);
    for n in 0..6u32 {
        h.queue_output(fd, n % 2, &frame(1, n, 16), u64::from(n)).unwrap();
        h.dev.run_jobs();
        assert_eq!(h.k().pending_count(), 0, "the early interrupt completed the job");
        let c = h.dqbuf(fd, CAP).unwrap();
        assert_eq!((c.ts_us(), c.b.sequence, c.flags() & V4L2_BUF_FLAG_ERROR), (u64::from(n), n, 0));
        assert_eq!(h.read_plane(fd, CAP, c.index(), 0, c.bytesused(0)), transformed(&frame(1, n, 16)));
        let o = h.dqbuf(fd, OUT).unwrap();
        assert_eq!(o.flags() & V4L2_BUF_FLAG_ERROR, 0);
        h.queue_capture(fd, c.index()).unwrap();
    }
    // The engine is free again: a further job runs at once.
    h.queue_output(fd, 0, b"next", 99).unwrap();
    h.dev.run_jobs();
    assert_eq!(h.dqbuf(fd, CAP).unwrap().ts_us(), 99);
    assert_eq!(h.k().runs.load(Ordering::SeqCst), 7);
}

#[test]
fn early_completion_with_the_board_worker_loses_nothing() {
    let h = Harness::new().leak();
    h.k().delayed.store(true, Ordering::SeqCst);
    h.k().complete_early.store(true, Ordering::SeqCst);
    let fd = h.open();
    h.setup(fd, 2, 2);
    for n in 0..40u32 {
        if n >= 2 {
            h.dqbuf_within(fd, OUT, 5).unwrap();
        }
        h.queue_output(fd, n % 2, &frame(2, n, 8), u64::from(n)).unwrap();
        let c = h.dqbuf_within(fd, CAP, 5).unwrap();
        assert_eq!((c.ts_us(), c.b.sequence), (u64::from(n), n));
        h.queue_capture(fd, c.index()).unwrap();
    }
    within(5, move || h.node.close(fd)).unwrap();
    assert_eq!(h.arena.allocated(), 0);
}

/// `buf_done_and_job_finish` hands both buffers back in one step: a poller never sees the
/// OUTPUT buffer done while the job's CAPTURE buffer is not (an application that dequeues
/// OUTPUT on POLLOUT and CAPTURE on POLLIN, as v4l2-compliance's streaming loop does,
/// would otherwise count one more OUTPUT than CAPTURE and never stop).
#[test]
fn a_poller_sees_both_buffers_of_a_job_done_together() {
    let h = manual().leak();
    h.k().delayed.store(true, Ordering::SeqCst);
    let fd = h.open_nb();
    h.setup(fd, 2, 2);
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    SYNC_FOR_CPU_HOOK.with(|hook| {
        *hook.borrow_mut() = Some(Box::new(move |_| record.lock().unwrap().push(h.poll(fd).bits())));
    });
    for n in 0..4u32 {
        h.queue_output(fd, n % 2, &frame(4, n, 8), u64::from(n)).unwrap();
        h.dev.run_jobs();
        assert_eq!(h.k().complete_pending(), 1);
        let both = PollEvents::POLLIN | PollEvents::POLLOUT;
        assert!(h.poll(fd).contains(both), "job {n}: both buffers ready after the completion");
        h.dqbuf(fd, OUT).unwrap();
        let c = h.dqbuf(fd, CAP).unwrap();
        h.queue_capture(fd, c.index()).unwrap();
    }
    SYNC_FOR_CPU_HOOK.with(|hook| hook.borrow_mut().take());
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 8, "the cache hook ran once per buffer");
    for events in seen.iter() {
        let events = PollEvents::from_bits_truncate(*events);
        assert!(
            !events.contains(PollEvents::POLLOUT) || events.contains(PollEvents::POLLIN),
            "OUTPUT seen done without its CAPTURE buffer: {events:?}"
        );
    }
}

#[test]
fn a_job_completed_much_later_from_another_thread() {
    let h = Harness::new().leak();
    h.k().delayed.store(true, Ordering::SeqCst);
    let irq = std::thread::spawn(move || {
        // Each job sits on the "engine" for 30 ms before its interrupt.
        for _ in 0..4 {
            while h.k().pending_count() == 0 {
                std::thread::sleep(Duration::from_millis(1));
            }
            std::thread::sleep(Duration::from_millis(30));
            assert_eq!(h.k().complete_pending(), 1);
        }
    });
    let fd = h.open();
    h.setup(fd, 4, 4);
    for n in 0..4u32 {
        h.queue_output(fd, n, &frame(3, n, 8), u64::from(n)).unwrap();
    }
    for n in 0..4u32 {
        let c = h.dqbuf_within(fd, CAP, 5).unwrap();
        assert_eq!((c.ts_us(), c.flags() & V4L2_BUF_FLAG_ERROR), (u64::from(n), 0));
        assert_eq!(h.dqbuf_within(fd, OUT, 5).unwrap().flags() & V4L2_BUF_FLAG_ERROR, 0);
    }
    irq.join().unwrap();
    all_buffers_dequeued(h, fd, 4);
    within(5, move || h.node.close(fd)).unwrap();
    assert_eq!(h.arena.allocated(), 0);
}

#[test]
fn streamoff_aborts_a_running_job_and_every_buffer_comes_back() {
    let h = Harness::new().leak();
    h.k().delayed.store(true, Ordering::SeqCst);
    h.k().abort_completes.store(true, Ordering::SeqCst);
    let fd = h.open();
    h.setup(fd, 3, 3);
    for n in 0..3u32 {
        h.queue_output(fd, n, b"frame", u64::from(n)).unwrap();
    }
    h.wait_until(fd, "job running", || h.k().pending_count() == 1);
    within(5, move || h.streamoff(fd, OUT)).unwrap();
    assert_eq!(h.k().aborts.load(Ordering::SeqCst), 1);
    assert_eq!(h.k().pending_count(), 0, "the abort finished the job");
    within(5, move || h.streamoff(fd, CAP)).unwrap();
    all_buffers_dequeued(h, fd, 3);
    // The queues work again after the abort.
    for i in 0..3 {
        h.queue_capture(fd, i).unwrap();
    }
    h.k().delayed.store(false, Ordering::SeqCst);
    h.streamon(fd, OUT).unwrap();
    h.streamon(fd, CAP).unwrap();
    h.queue_output(fd, 0, b"after", 7).unwrap();
    assert_eq!(h.dqbuf_within(fd, CAP, 5).unwrap().ts_us(), 7);
    within(5, move || h.node.close(fd)).unwrap();
    assert_eq!(h.arena.allocated(), 0);
}

#[test]
fn streamoff_waits_for_an_engine_that_finishes_after_the_abort() {
    let h = Harness::new().leak();
    h.k().delayed.store(true, Ordering::SeqCst);
    let fd = h.open();
    h.setup(fd, 2, 2);
    h.queue_output(fd, 0, b"slow", 1).unwrap();
    h.wait_until(fd, "job running", || h.k().pending_count() == 1);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(h.streamoff(fd, OUT));
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while h.k().aborts.load(Ordering::SeqCst) == 0 {
        assert!(std::time::Instant::now() < deadline, "STREAMOFF never aborted the job");
        std::thread::yield_now();
    }
    std::thread::sleep(Duration::from_millis(20));
    assert!(rx.try_recv().is_err(), "STREAMOFF returned while the engine still held buffers");
    assert_eq!(h.k().complete_pending(), 1);
    assert_eq!(rx.recv_timeout(Duration::from_secs(5)).expect("STREAMOFF hung"), Ok(0));
    // The frame the engine finished is still there for the application; OUTPUT is empty.
    assert_eq!(h.dqbuf(fd, CAP).unwrap().ts_us(), 1);
    within(5, move || h.streamoff(fd, CAP)).unwrap();
    all_buffers_dequeued(h, fd, 2);
    within(5, move || h.node.close(fd)).unwrap();
    assert_eq!(h.arena.allocated(), 0);
}

#[test]
fn close_aborts_a_running_job_and_frees_every_buffer() {
    let h = Harness::new().leak();
    h.k().delayed.store(true, Ordering::SeqCst);
    h.k().abort_completes.store(true, Ordering::SeqCst);
    let fd = h.open();
    h.setup(fd, 4, 4);
    for n in 0..4u32 {
        h.queue_output(fd, n, b"queued", u64::from(n)).unwrap();
    }
    h.wait_until(fd, "job running", || h.k().pending_count() == 1);
    within(5, move || h.node.close(fd)).unwrap();
    assert_eq!(h.k().aborts.load(Ordering::SeqCst), 1);
    assert_eq!(h.k().pending_count(), 0);
    assert_eq!(h.arena.allocated(), 0, "queued, active and done buffers all freed");
    assert_eq!(h.dev.open_files(), 0);
}

#[test]
fn a_greedy_driver_gets_one_output_buffer_per_job_and_contexts_take_turns() {
    let h = manual();
    h.k().greedy.store(true, Ordering::SeqCst);
    let fds: Vec<FileId> = (0..FILES).map(|_| h.open_nb()).collect();
    const FRAMES: u32 = 4;
    for (id, &fd) in fds.iter().enumerate() {
        h.setup(fd, FRAMES, FRAMES);
        for n in 0..FRAMES {
            h.queue_output(fd, n, &[id as u8, n as u8], u64::from(n)).unwrap();
        }
    }
    h.dev.run_jobs();
    let log = h.k().run_log.lock().unwrap().clone();
    assert_eq!(log.len(), FILES * FRAMES as usize, "every frame processed");
    assert_eq!(h.k().runs.load(Ordering::SeqCst) as usize, log.len(), "one OUTPUT buffer per job");
    // Round robin: every context has its turn before any has a second one.
    for (round, turns) in log.chunks(FILES).enumerate() {
        let mut ids: Vec<u8> = turns.to_vec();
        ids.sort_unstable();
        assert_eq!(ids, (0..FILES as u8).collect::<Vec<_>>(), "round {round}: {turns:?}");
    }
    for id in 0..FILES as u8 {
        let turns: Vec<usize> = log.iter().enumerate().filter(|(_, &c)| c == id).map(|(i, _)| i).collect();
        let longest_wait = turns.windows(2).map(|w| w[1] - w[0] - 1).max().unwrap_or(0);
        assert!(longest_wait < FILES, "context {id} waited {longest_wait} jobs for its turn");
    }
    for &fd in &fds {
        for n in 0..FRAMES {
            assert_eq!(h.dqbuf(fd, CAP).unwrap().ts_us(), u64::from(n));
        }
    }
}
