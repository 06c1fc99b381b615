//! Per-stream state that the interrupt handler updates: the GOP plan, the rate control and
//! the two frame buffers (reference and reconstruction) of each stream, kept in a fixed
//! table of slots owned by the driver, as an encoder block's firmware keeps instances.
//!
//! A file takes a slot at STREAMON(OUTPUT) and gives it back at STREAMOFF(OUTPUT). The
//! slot, not the file's context, holds what a frame's completion changes, because the
//! completion arrives in interrupt context, where the context (behind the framework's
//! lock) cannot be reached; every access takes one short critical section.

use core::cell::RefCell;

use critical_section::Mutex;
use v4l2m2m::driver::{Errno, Result};
use v4l2m2m::{ArenaRegion, BufferArena};

use crate::gop::Gop;
use crate::rate::Rate;

/// One stream's state.
pub struct Stream {
    /// Which frame comes next.
    pub gop: Gop,
    /// How many bits it may take.
    pub rate: Rate,
    /// The two frame buffers; `frames[reference]` holds the previous reconstruction.
    pub frames: [ArenaRegion; 2],
    /// Index of the reference in `frames`.
    pub reference: usize,
}

impl Stream {
    /// The reference buffer (read by a P frame) and the one the frame reconstructs into.
    pub fn reference_and_recon(&self) -> (ArenaRegion, ArenaRegion) {
        (self.frames[self.reference], self.frames[1 - self.reference])
    }

    /// The reconstruction becomes the next frame's reference.
    pub fn swap(&mut self) {
        self.reference = 1 - self.reference;
    }
}

/// `N` stream slots.
pub struct Streams<const N: usize> {
    slots: [Mutex<RefCell<Option<Stream>>>; N],
}

impl<const N: usize> Streams<N> {
    /// No stream.
    pub const fn new() -> Self {
        Self { slots: [const { Mutex::new(RefCell::new(None)) }; N] }
    }

    /// Takes a free slot for a stream of `gop` and `rate` with two frame buffers of
    /// `work_size` bytes from `arena`. `EBUSY` when every slot is taken, `ENOMEM` when the
    /// arena has no room.
    pub fn open(&self, arena: &dyn BufferArena, work_size: usize, gop: Gop, rate: Rate) -> Result<usize> {
        let first = arena.alloc(work_size).ok_or(Errno::ENOMEM)?;
        let Some(second) = arena.alloc(work_size) else {
            arena.free(first);
            return Err(Errno::ENOMEM);
        };
        let stream = Stream { gop, rate, frames: [first, second], reference: 0 };
        let taken = critical_section::with(|cs| {
            let free = self.slots.iter().position(|s| s.borrow_ref(cs).is_none())?;
            *self.slots[free].borrow_ref_mut(cs) = Some(stream);
            Some(free)
        });
        taken.ok_or_else(|| {
            arena.free(first);
            arena.free(second);
            Errno::EBUSY
        })
    }

    /// Gives slot `index` back, freeing its frame buffers.
    pub fn close(&self, arena: &dyn BufferArena, index: usize) {
        let Some(slot) = self.slots.get(index) else { return };
        if let Some(stream) = critical_section::with(|cs| slot.borrow_ref_mut(cs).take()) {
            stream.frames.into_iter().for_each(|region| arena.free(region));
        }
    }

    /// Runs `f` on the stream in slot `index` (inside a critical section: keep it short).
    pub fn with<R>(&self, index: usize, f: impl FnOnce(&mut Stream) -> R) -> Option<R> {
        let slot = self.slots.get(index)?;
        critical_section::with(|cs| slot.borrow_ref_mut(cs).as_mut().map(f))
    }
}

impl<const N: usize> Default for Streams<N> {
    fn default() -> Self {
        Self::new()
    }
}
