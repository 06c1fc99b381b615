//! The driver's view of buffers: [`ActiveBuffer`] (taken with `get_buf`) and
//! [`Completion`] (what it reports back with `put_buf`).
//!
//! An [`ActiveBuffer`] is an owned token: while the driver holds it, nobody else touches
//! the buffer's memory, and the only way to end it is to hand it back. If a driver loses
//! one, the framework still returns the buffer to the application (flagged as an error)
//! when the job ends, so no buffer is ever lost.

use crate::format::{Direction, MAX_PLANES};
use crate::frame::{DoneFlags, Timestamp};
use crate::memory::ArenaRegion;

/// Where one plane of an active buffer lives.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PlaneMemory {
    pub(crate) cpu: *mut u8,
    pub(crate) bus: u64,
    /// The offset of the plane's arena region (MMAP memory, see `ActiveBuffer::mmap`).
    pub(crate) offset: usize,
    pub(crate) len: u32,
}

impl PlaneMemory {
    pub(crate) const NONE: PlaneMemory = PlaneMemory { cpu: core::ptr::null_mut(), bus: 0, offset: 0, len: 0 };
}

/// A buffer the driver took from a queue with `get_buf`; hand it back with `put_buf`.
///
/// Dropping one is a driver bug the framework survives (the buffer returns to the
/// application flagged as an error when the job ends), hence `#[must_use]`.
#[derive(Debug)]
#[must_use = "an active buffer must be handed back with put_buf"]
pub struct ActiveBuffer {
    pub(crate) dir: Direction,
    pub(crate) index: u8,
    pub(crate) slot: u16,
    pub(crate) generation: u32,
    pub(crate) num_planes: u8,
    /// The planes are arena regions (MMAP), which get cache upkeep; else application memory.
    pub(crate) mmap: bool,
    pub(crate) planes: [PlaneMemory; MAX_PLANES],
    pub(crate) bytesused: [u32; MAX_PLANES],
    pub(crate) data_offset: [u32; MAX_PLANES],
    pub(crate) timestamp: Timestamp,
    pub(crate) flags: u32,
    pub(crate) sequence: u32,
    /// The queue's epoch when the token was handed out: a token that outlived its job
    /// (its buffer reclaimed, then perhaps queued and taken again) is refused.
    pub(crate) epoch: u32,
}

// SAFETY: the plane pointers refer to buffer memory that the state machine gives to the
// holder of this token alone (state "active"); moving the token to another thread (a
// worker, an interrupt handler) moves that exclusive access with it.
unsafe impl Send for ActiveBuffer {}

impl ActiveBuffer {
    /// The queue the buffer came from.
    pub fn direction(&self) -> Direction {
        self.dir
    }

    /// The buffer's index in its queue (as the application knows it).
    pub fn index(&self) -> u32 {
        u32::from(self.index)
    }

    /// How many memory planes the buffer has.
    pub fn num_planes(&self) -> usize {
        usize::from(self.num_planes)
    }

    /// Bytes of payload the application put in plane `plane` (OUTPUT buffers), counted
    /// from the start of the plane and including any `data_offset`.
    pub fn bytesused(&self, plane: usize) -> u32 {
        self.bytesused.get(plane).copied().unwrap_or(0)
    }

    /// The timestamp the application set when queueing (OUTPUT buffers).
    pub fn timestamp(&self) -> Timestamp {
        self.timestamp
    }

    /// Flags the application set when queueing (`V4L2_BUF_FLAG_TIMECODE` and similar).
    pub fn app_flags(&self) -> u32 {
        self.flags
    }

    /// The OUTPUT sequence number the framework gave this buffer (its position in the
    /// stream since STREAMON), or the CAPTURE sequence number it will be given.
    pub fn sequence(&self) -> u32 {
        self.sequence
    }

    /// Capacity of plane `plane` in bytes (0 past the last plane).
    pub fn plane_len(&self, plane: usize) -> usize {
        match self.planes.get(plane) {
            Some(mem) if plane < self.num_planes() => mem.len as usize,
            _ => 0,
        }
    }

    /// The payload of an OUTPUT plane: from its `data_offset` to `bytesused`.
    pub fn payload(&self, plane: usize) -> &[u8] {
        let start = self.data_offset.get(plane).copied().unwrap_or(0) as usize;
        let end = self.bytesused(plane) as usize;
        self.plane(plane).get(start..end).unwrap_or(&[])
    }

    /// The whole of plane `plane`, for reading (empty past the last plane).
    pub fn plane(&self, plane: usize) -> &[u8] {
        match self.planes.get(plane) {
            Some(mem) if plane < self.num_planes() && mem.len > 0 => {
                // SAFETY: the region is valid for `len` bytes while the buffer is active
                // (arena regions stay allocated until the buffers are freed, which cannot
                // happen while one is active; USERPTR memory is the application's promise
                // under V4L2's rules), and this token is the only access to it.
                unsafe { core::slice::from_raw_parts(mem.cpu, mem.len as usize) }
            }
            _ => &[],
        }
    }

    /// The whole of plane `plane`, for writing (empty past the last plane).
    pub fn plane_mut(&mut self, plane: usize) -> &mut [u8] {
        match self.planes.get(plane) {
            Some(mem) if plane < self.num_planes() && mem.len > 0 => {
                // SAFETY: as in `plane`; `&mut self` makes this the only live view.
                unsafe { core::slice::from_raw_parts_mut(mem.cpu, mem.len as usize) }
            }
            _ => &mut [],
        }
    }

    /// The arena regions behind the buffer's planes (none for USERPTR memory).
    pub(crate) fn regions(&self) -> impl Iterator<Item = ArenaRegion> + '_ {
        let planes = if self.mmap { self.num_planes() } else { 0 };
        self.planes.iter().take(planes).map(|plane| ArenaRegion { offset: plane.offset, len: plane.len as usize })
    }

    /// The DMA address of plane `plane`, for drivers of bus-master engines.
    pub fn plane_bus_addr(&self, plane: usize) -> Option<u64> {
        self.planes.get(plane).filter(|_| plane < self.num_planes()).map(|mem| mem.bus)
    }
}

/// What a driver reports when it hands a buffer back.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Completion {
    /// Bytes written to each plane (CAPTURE buffers); ignored for OUTPUT buffers.
    pub bytesused: [u32; MAX_PLANES],
    /// Timestamp for a CAPTURE buffer: the OUTPUT buffer's the frame came from.
    pub timestamp: Timestamp,
    /// Frame type, error and last-buffer flags.
    pub flags: DoneFlags,
}

impl Completion {
    /// An OUTPUT buffer fully consumed, or a CAPTURE buffer with `bytesused` in plane 0.
    pub fn done(bytesused: u32, timestamp: Timestamp) -> Self {
        let mut completion = Self { timestamp, ..Self::default() };
        completion.bytesused[0] = bytesused;
        completion
    }

    /// A buffer whose content is unusable (`V4L2_BUF_FLAG_ERROR`).
    pub fn error() -> Self {
        Self { flags: DoneFlags::ERROR, ..Self::default() }
    }

    /// The same completion with `flags` added.
    pub fn with_flags(mut self, flags: DoneFlags) -> Self {
        self.flags |= flags;
        self
    }

    /// The same completion with `bytesused` set for `plane` (ignored past the last plane).
    pub fn with_plane(mut self, plane: usize, bytesused: u32) -> Self {
        if let Some(slot) = self.bytesused.get_mut(plane) {
            *slot = bytesused;
        }
        self
    }
}
