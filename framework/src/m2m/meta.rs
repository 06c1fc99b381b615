//! The metadata of OUTPUT frames recently taken by the driver, remembered by timestamp
//! so that the CAPTURE buffer made from one gets its flags and timecode, whatever order a
//! codec emits frames in.

use crate::driver::{FrameMeta, Timestamp};
use crate::frame::PackedStamp;

/// One remembered frame (28 bytes on a 32-bit core).
#[derive(Clone, Copy)]
struct Recent {
    stamp: PackedStamp,
    meta: FrameMeta,
}

impl Recent {
    const EMPTY: Recent = Recent { stamp: PackedStamp::ZERO, meta: FrameMeta::NONE };
}

/// The last `N` OUTPUT frames taken by the driver, newest last in a ring.
pub(crate) struct SourceFrames<const N: usize> {
    recent: [Recent; N],
    /// Where the next frame goes.
    next: u8,
    /// Entries recorded, up to the capacity.
    len: u8,
}

impl<const N: usize> SourceFrames<N> {
    const CAPACITY: usize = N;

    pub(crate) const fn new() -> Self {
        assert!(N > 0 && N <= 255, "FRAMES must be between 1 and 255");
        Self { recent: [Recent::EMPTY; N], next: 0, len: 0 }
    }

    pub(crate) fn record(&mut self, timestamp: Timestamp, meta: FrameMeta) {
        let next = usize::from(self.next) % Self::CAPACITY;
        self.recent[next] = Recent { stamp: PackedStamp::of(timestamp), meta };
        self.next = ((next + 1) % Self::CAPACITY) as u8;
        self.len = (usize::from(self.len) + 1).min(Self::CAPACITY) as u8;
    }

    /// The metadata of the most recent OUTPUT frame with `timestamp`.
    pub(crate) fn find(&self, timestamp: Timestamp) -> FrameMeta {
        let stamp = PackedStamp::of(timestamp);
        (1..=usize::from(self.len))
            .map(|back| (usize::from(self.next) + Self::CAPACITY - back) % Self::CAPACITY)
            .map(|i| self.recent[i])
            .find(|r| r.stamp == stamp)
            .map_or(FrameMeta::NONE, |r| r.meta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(flags: u32) -> FrameMeta {
        FrameMeta { flags, ..FrameMeta::NONE }
    }

    #[test]
    fn the_newest_frame_with_a_timestamp_wins_and_unknown_ones_have_none() {
        let mut frames = SourceFrames::<32>::new();
        assert_eq!(frames.find(Timestamp(0)), FrameMeta::NONE, "an empty table knows no frame, not even at 0");
        frames.record(Timestamp(5), meta(1));
        frames.record(Timestamp(1 << 40), meta(2));
        frames.record(Timestamp(5), meta(3));
        assert_eq!(frames.find(Timestamp(5)), meta(3));
        assert_eq!(frames.find(Timestamp(1 << 40)), meta(2));
        assert_eq!(frames.find(Timestamp((1 << 40) + 5)), FrameMeta::NONE);
    }

    #[test]
    fn only_the_last_capacity_frames_are_remembered() {
        let mut frames = SourceFrames::<32>::new();
        for t in 0..SourceFrames::<32>::CAPACITY as u64 + 3 {
            frames.record(Timestamp(t), meta(t as u32 + 1));
        }
        assert_eq!(frames.find(Timestamp(2)), FrameMeta::NONE);
        assert_eq!(frames.find(Timestamp(3)), meta(4));
        assert_eq!(frames.find(Timestamp(34)), meta(35));
    }
}
