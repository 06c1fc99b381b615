//! The block's bus-master port: [`Bus`], and [`ArenaBus`], a bus over a board's
//! [`MemoryArena`] on which only allocated buffers answer.

use v4l2m2m::{BufferArena, MemoryArena};

/// A transfer the bus refused: `len` bytes at `addr` do not lie inside one buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BusFault {
    /// Bus address of the first byte of the transfer.
    pub addr: u32,
    /// Length of the transfer in bytes.
    pub len: usize,
}

/// What the block's DMA reaches: 32-bit bus addresses. Every transfer is checked as a
/// whole before any byte moves, so a refused transfer has no effect.
///
/// The engine thread calls these methods while software may be using other buffers, so an
/// implementation must be callable from any thread.
pub trait Bus: Send + Sync {
    /// Whether `len` bytes at `addr` can be transferred (read or written).
    fn check(&self, addr: u32, len: usize) -> Result<(), BusFault>;
    /// Reads `buf.len()` bytes at `addr` into `buf`.
    fn read(&self, addr: u32, buf: &mut [u8]) -> Result<(), BusFault>;
    /// Writes `data` at `addr`.
    fn write(&self, addr: u32, data: &[u8]) -> Result<(), BusFault>;
}

/// A bus whose memory is the allocated regions of a [`MemoryArena`]: an address, size or
/// stride that does not fall inside one allocated region is a [`BusFault`], never an access
/// to someone else's memory.
pub struct ArenaBus<const N: usize> {
    arena: &'static MemoryArena<N>,
}

impl<const N: usize> ArenaBus<N> {
    /// A bus over `arena`, whose bus addresses are those of [`BufferArena::bus_addr`].
    pub const fn new(arena: &'static MemoryArena<N>) -> Self {
        ArenaBus { arena }
    }

    /// The CPU address of `len` bytes at bus address `addr`, if one allocated region holds
    /// them all.
    fn cpu(&self, addr: u32, len: usize) -> Result<*mut u8, BusFault> {
        let fault = BusFault { addr, len };
        let region = self.arena.region_at_bus(u64::from(addr), len).ok_or(fault)?;
        let offset = u64::from(addr) - self.arena.bus_addr(region);
        let offset = usize::try_from(offset).map_err(|_| fault)?;
        Ok(self.arena.cpu_ptr(region).wrapping_add(offset))
    }
}

impl<const N: usize> Bus for ArenaBus<N> {
    fn check(&self, addr: u32, len: usize) -> Result<(), BusFault> {
        self.cpu(addr, len).map(|_| ())
    }

    fn read(&self, addr: u32, buf: &mut [u8]) -> Result<(), BusFault> {
        let src = self.cpu(addr, buf.len())?;
        // SAFETY: `cpu` found one allocated region holding the `buf.len()` bytes at `src`,
        // and the arena keeps a region's memory valid while it is allocated. `buf` is our
        // own memory, so the two do not overlap. The buffer belongs to the block for the
        // frame (software hands it over with START), as with a real DMA engine.
        unsafe { core::ptr::copy_nonoverlapping(src, buf.as_mut_ptr(), buf.len()) };
        Ok(())
    }

    fn write(&self, addr: u32, data: &[u8]) -> Result<(), BusFault> {
        let dst = self.cpu(addr, data.len())?;
        // SAFETY: as in `read`: `dst` is valid for `data.len()` bytes of one allocated
        // region, which does not overlap `data`, our own memory.
        unsafe { core::ptr::copy_nonoverlapping(data.as_ptr(), dst, data.len()) };
        Ok(())
    }
}
