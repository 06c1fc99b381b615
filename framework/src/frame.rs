//! What travels with a frame besides its pixels: the timestamp, the timecode and the
//! flags an application or a driver attaches to a buffer.

use bitflags::bitflags;

use crate::abi::{V4L2_BUF_FLAG_TIMECODE, V4L2_BUF_FLAG_TSTAMP_SRC_MASK};

/// A buffer timestamp in nanoseconds, as the application's `struct timeval` gave it.
///
/// Memory-to-memory devices copy timestamps from OUTPUT to CAPTURE buffers so that an
/// application can match a decoded frame to the bitstream buffer it came from.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Default, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Timestamp(pub u64);

/// A [`Timestamp`] stored as two 32-bit words, so that the framework's tables holding one
/// need only 4-byte alignment (no padding on a 32-bit core).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct PackedStamp([u32; 2]);

impl PackedStamp {
    pub(crate) const ZERO: PackedStamp = PackedStamp([0; 2]);

    pub(crate) const fn of(timestamp: Timestamp) -> Self {
        PackedStamp([timestamp.0 as u32, (timestamp.0 >> 32) as u32])
    }

    pub(crate) const fn get(self) -> Timestamp {
        Timestamp(self.0[0] as u64 | (self.0[1] as u64) << 32)
    }
}

/// A buffer slot's flags in one word: the application flags it was queued with (the
/// bits of [`FrameMeta::KEPT`]) and the driver's result flags ([`DoneFlags`]), 16 bits
/// each. Both use only bits 0..11 and one group above bit 15: the timestamp source (bits
/// 16..18) and `V4L2_BUF_FLAG_LAST` (bit 20) move to bits 12..14 and 15.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct SlotFlags {
    queued: u16,
    done: u16,
}

impl SlotFlags {
    pub(crate) const NONE: SlotFlags = SlotFlags { queued: 0, done: 0 };

    /// The queued application flags, as [`FrameMeta::flags`].
    pub(crate) const fn queued(self) -> u32 {
        (self.queued & 0x0FFF) as u32 | ((self.queued & 0x7000) as u32) << 4
    }

    /// Keeps the bits of `flags` that [`FrameMeta::KEPT`] names.
    pub(crate) const fn set_queued(&mut self, flags: u32) {
        let flags = flags & FrameMeta::KEPT;
        self.queued = (flags & 0x0FFF) as u16 | ((flags >> 4) & 0x7000) as u16;
    }

    /// The driver's result flags.
    pub(crate) const fn done(self) -> DoneFlags {
        DoneFlags::from_bits_truncate((self.done & 0x0FFF) as u32 | ((self.done & 0x8000) as u32) << 5)
    }

    pub(crate) const fn set_done(&mut self, flags: DoneFlags) {
        let bits = flags.bits();
        self.done = (bits & 0x0FFF) as u16 | ((bits >> 5) & 0x8000) as u16;
    }
}

/// A SMPTE timecode an application attached to a buffer (`struct v4l2_timecode`). Its
/// type and flags are kept in a byte each: V4L2 defines types 1 to 5 and flags in bits 0
/// to 3, and the buffer ioctls refuse (`EINVAL`) a timecode whose type or flags do not fit.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Timecode {
    /// `V4L2_TC_TYPE_*`.
    pub kind: u8,
    /// `V4L2_TC_FLAG_*` and `V4L2_TC_USERBITS_*`.
    pub flags: u8,
    /// Frames.
    pub frames: u8,
    /// Seconds.
    pub seconds: u8,
    /// Minutes.
    pub minutes: u8,
    /// Hours.
    pub hours: u8,
    /// User bits.
    pub userbits: [u8; 4],
}

/// What travels with a frame from its OUTPUT buffer to the CAPTURE buffer made from it,
/// besides the timestamp: the application's flags (timecode present, timestamp source,
/// frame type) and the timecode, as Linux's `v4l2_m2m_buf_copy_metadata` copies them.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FrameMeta {
    /// `V4L2_BUF_FLAG_TIMECODE`, `_TSTAMP_SRC_*`, `_KEYFRAME`/`_PFRAME`/`_BFRAME` as queued.
    pub flags: u32,
    /// The timecode (meaningful with `V4L2_BUF_FLAG_TIMECODE`).
    pub timecode: Timecode,
}

impl FrameMeta {
    /// No flags, no timecode.
    pub const NONE: FrameMeta = FrameMeta {
        flags: 0,
        timecode: Timecode { kind: 0, flags: 0, frames: 0, seconds: 0, minutes: 0, hours: 0, userbits: [0; 4] },
    };

    /// The frame-type flags (`V4L2_BUF_FLAG_KEYFRAME`, `_PFRAME`, `_BFRAME`).
    pub const FRAME_TYPES: u32 = DoneFlags::KEYFRAME.bits() | DoneFlags::PFRAME.bits() | DoneFlags::BFRAME.bits();

    /// The application flags a buffer keeps from QBUF (and a CAPTURE buffer inherits):
    /// `V4L2_BUF_FLAG_TIMECODE`, the timestamp source and the frame types.
    pub const KEPT: u32 = V4L2_BUF_FLAG_TIMECODE | V4L2_BUF_FLAG_TSTAMP_SRC_MASK | Self::FRAME_TYPES;
}

bitflags! {
    /// Flags a driver sets on a completed buffer.
    #[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
    pub struct DoneFlags: u32 {
        /// The buffer holds a key frame (`V4L2_BUF_FLAG_KEYFRAME`).
        const KEYFRAME = 0x0008;
        /// The buffer holds a predicted frame (`V4L2_BUF_FLAG_PFRAME`).
        const PFRAME = 0x0010;
        /// The buffer holds a bidirectionally predicted frame (`V4L2_BUF_FLAG_BFRAME`).
        const BFRAME = 0x0020;
        /// The data is unusable (`V4L2_BUF_FLAG_ERROR`).
        const ERROR = 0x0040;
        /// The last buffer before a drain completes or a resolution change
        /// (`V4L2_BUF_FLAG_LAST`); only meaningful on CAPTURE buffers.
        const LAST = 0x0010_0000;
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for DoneFlags {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "DoneFlags({=u32:#x})", self.bits())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::V4L2_BUF_FLAG_LAST;

    #[test]
    fn slot_flags_keep_every_kept_and_done_bit() {
        let mut flags = SlotFlags::NONE;
        for bit in (0..32).map(|b| 1u32 << b) {
            flags.set_queued(bit);
            let kept = if FrameMeta::KEPT & bit != 0 { bit } else { 0 };
            assert_eq!(flags.queued(), kept, "queued flag {bit:#x}");
            flags.set_done(DoneFlags::from_bits_truncate(bit));
            assert_eq!(flags.done(), DoneFlags::from_bits_truncate(bit), "done flag {bit:#x}");
        }
        flags.set_queued(u32::MAX);
        flags.set_done(DoneFlags::all());
        assert_eq!(flags.queued(), FrameMeta::KEPT);
        assert_eq!(flags.done(), DoneFlags::all());
        assert!(flags.done().bits() & V4L2_BUF_FLAG_LAST != 0);
    }
}
