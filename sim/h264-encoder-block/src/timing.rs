//! How long the model takes: a frame ends no earlier than a fixed latency plus a time per
//! macroblock after its `START` (later if the encoder core itself needs longer), and a
//! reset keeps `STATUS.BUSY` set for a while.

use std::time::Duration;

/// The block's timing knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// From `START` to the end of any frame.
    pub start_latency: Duration,
    /// Added per macroblock of the picture.
    pub per_mb: Duration,
    /// How long `STATUS.BUSY` stays set after `CTRL.RESET` (the datasheet allows up to
    /// `RESET_US`).
    pub reset: Duration,
}

impl Timing {
    /// The default: 20 µs per frame, nothing per macroblock (the encoder core's own speed
    /// sets the pace), 10 µs per reset.
    pub const DEFAULT: Timing =
        Timing { start_latency: Duration::from_micros(20), per_mb: Duration::ZERO, reset: Duration::from_micros(10) };

    /// The shortest time from `START` to the end of a frame of `mbs` macroblocks.
    pub fn frame_time(&self, mbs: u32) -> Duration {
        self.start_latency.saturating_add(self.per_mb.saturating_mul(mbs))
    }
}

impl Default for Timing {
    fn default() -> Self {
        Timing::DEFAULT
    }
}
