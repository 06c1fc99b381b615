//! The metadata of OUTPUT frames recently taken by the driver, remembered by timestamp
//! so that the CAPTURE buffer made from one gets its flags and timecode, whatever order a
//! codec emits frames in.

use crate::driver::{FrameMeta, Timestamp};

/// One remembered frame. The timestamp is kept as two words so that an entry needs only
/// 4-byte alignment (28 bytes on a 32-bit core instead of 32).
#[derive(Clone, Copy)]
struct Recent {
    stamp: [u32; 2],
    meta: FrameMeta,
}

impl Recent {
    const EMPTY: Recent = Recent { stamp: [0; 2], meta: FrameMeta::NONE };

    fn stamp(timestamp: Timestamp) -> [u32; 2] {
        [timestamp.0 as u32, (timestamp.0 >> 32) as u32]
    }
}

/// OUTPUT frames recently taken by the driver, newest last in a ring.
pub(crate) struct SourceFrames {
    recent: [Recent; Self::CAPACITY],
    /// Where the next frame goes.
    next: u8,
    /// Entries recorded, up to the capacity.
    len: u8,
}

impl SourceFrames {
    /// More than any codec holds back (H.264's reorder depth is at most 16 frames).
    const CAPACITY: usize = 32;

    pub(crate) const fn new() -> Self {
        Self { recent: [Recent::EMPTY; Self::CAPACITY], next: 0, len: 0 }
    }

    pub(crate) fn record(&mut self, timestamp: Timestamp, meta: FrameMeta) {
        let next = usize::from(self.next) % Self::CAPACITY;
        self.recent[next] = Recent { stamp: Recent::stamp(timestamp), meta };
        self.next = ((next + 1) % Self::CAPACITY) as u8;
        self.len = (usize::from(self.len) + 1).min(Self::CAPACITY) as u8;
    }

    /// The metadata of the most recent OUTPUT frame with `timestamp`.
    pub(crate) fn find(&self, timestamp: Timestamp) -> FrameMeta {
        let stamp = Recent::stamp(timestamp);
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
        let mut frames = SourceFrames::new();
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
        let mut frames = SourceFrames::new();
        for t in 0..SourceFrames::CAPACITY as u64 + 3 {
            frames.record(Timestamp(t), meta(t as u32 + 1));
        }
        assert_eq!(frames.find(Timestamp(2)), FrameMeta::NONE);
        assert_eq!(frames.find(Timestamp(3)), meta(4));
        assert_eq!(frames.find(Timestamp(34)), meta(35));
    }
}
