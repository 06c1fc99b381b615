//! The metadata of OUTPUT frames recently taken by the driver, remembered by timestamp
//! so that the CAPTURE buffer made from one gets its flags and timecode, whatever order a
//! codec emits frames in.

use crate::driver::{FrameMeta, Timestamp};

/// OUTPUT frames recently taken by the driver, remembered by timestamp so that the
/// CAPTURE buffer made from one gets its flags and timecode, whatever order a codec
/// emits frames in.
pub(crate) struct SourceFrames {
    recent: [Option<(Timestamp, FrameMeta)>; Self::CAPACITY],
    next: usize,
}

impl SourceFrames {
    /// More than any codec holds back (H.264's reorder depth is at most 16 frames).
    const CAPACITY: usize = 32;

    pub(crate) const fn new() -> Self {
        Self { recent: [None; Self::CAPACITY], next: 0 }
    }

    pub(crate) fn record(&mut self, timestamp: Timestamp, meta: FrameMeta) {
        self.recent[self.next] = Some((timestamp, meta));
        self.next = (self.next + 1) % Self::CAPACITY;
    }

    /// The metadata of the most recent OUTPUT frame with `timestamp`.
    pub(crate) fn find(&self, timestamp: Timestamp) -> FrameMeta {
        (1..=Self::CAPACITY)
            .map(|back| (self.next + Self::CAPACITY - back) % Self::CAPACITY)
            .find_map(|i| self.recent[i].filter(|(t, _)| *t == timestamp))
            .map_or(FrameMeta::NONE, |(_, meta)| meta)
    }
}
