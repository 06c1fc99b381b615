//! What travels with a frame besides its pixels: the timestamp, the timecode and the
//! flags an application or a driver attaches to a buffer.

use bitflags::bitflags;

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

/// A SMPTE timecode an application attached to a buffer (`struct v4l2_timecode`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Timecode {
    /// `V4L2_TC_TYPE_*`.
    pub kind: u32,
    /// `V4L2_TC_FLAG_*` and `V4L2_TC_USERBITS_*`.
    pub flags: u32,
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
