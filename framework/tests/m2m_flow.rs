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
