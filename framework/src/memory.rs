//! Buffer memory: the board's arena and the two views drivers get of it.
//!
//! MMAP buffers live in an arena the board provides ([`BufferArena`]): a static array on a
//! microcontroller, a DMA-capable carve-out on an SoC, a shared-memory file on the host
//! simulator. The framework allocates one region per plane at REQBUFS/CREATE_BUFS time and
//! frees it when the buffers are released. [`MemoryArena`] is a ready-made arena over one
//! contiguous block for boards that do not need anything special.

use core::cell::RefCell;
use critical_section::Mutex;

/// A block of arena memory: `len` bytes at `offset` from the arena's start.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ArenaRegion {
    /// Byte offset from the start of the arena.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
}

/// Memory for MMAP buffers, supplied by the board.
///
/// Every method may be called from any thread; `alloc` and `free` are never called from
/// interrupt handlers. The cache hooks may run in an interrupt handler (a driver handing
/// a buffer back from its completion interrupt) and must not block.
pub trait BufferArena: Sync {
    /// Allocates `len` bytes, or returns `None` when the arena is exhausted.
    fn alloc(&self, len: usize) -> Option<ArenaRegion>;
    /// Returns a region obtained from [`BufferArena::alloc`].
    fn free(&self, region: ArenaRegion);
    /// The CPU address of the region's first byte.
    ///
    /// The returned pointer must be valid for reads and writes of `region.len` bytes for as
    /// long as the region stays allocated.
    fn cpu_ptr(&self, region: ArenaRegion) -> *mut u8;
    /// The address a DMA engine uses for the region's first byte.
    fn bus_addr(&self, region: ArenaRegion) -> u64;
    /// The region is about to be handed to the driver's engine (at `get_buf`): write back
    /// (clean) CPU caches over it so that a DMA engine reads what the CPU wrote, and, for a
    /// CAPTURE buffer (`dir`), make sure no dirty line can later overwrite what the engine
    /// writes. A no-op on cache-coherent systems, which is the default.
    fn sync_for_device(&self, region: ArenaRegion, dir: crate::format::Direction) {
        let _ = (region, dir);
    }
    /// The driver handed the region back (at `put_buf`): invalidate CPU caches over it so
    /// that the CPU (the application, or a software codec) reads what the engine wrote.
    /// A no-op on cache-coherent systems, which is the default.
    fn sync_for_cpu(&self, region: ArenaRegion, dir: crate::format::Direction) {
        let _ = (region, dir);
    }
}

/// A first-fit arena over one contiguous block, tracking up to `REGIONS` allocations.
pub struct MemoryArena<const REGIONS: usize> {
    base: BasePtr,
    size: usize,
    align: usize,
    bus_base: u64,
    used: Mutex<RefCell<[Option<ArenaRegion>; REGIONS]>>,
}

#[derive(Clone, Copy)]
struct BasePtr(*mut u8);
// SAFETY: the pointer is only an address; the arena hands out disjoint regions of it and
// the buffer state machine decides which single party may touch each region at a time.
unsafe impl Send for BasePtr {}
// SAFETY: as above: sharing the address does not share access to the memory.
unsafe impl Sync for BasePtr {}

impl<const REGIONS: usize> MemoryArena<REGIONS> {
    /// An arena over `size` bytes at `base`, whose DMA address is `bus_base`, handing out
    /// regions aligned to `align` bytes (a power of two; use the page size when regions are
    /// to be mapped into another address space).
    ///
    /// # Safety
    ///
    /// `base` must be valid for reads and writes of `size` bytes for as long as the arena
    /// is used, and nothing else may access that memory except through regions handed out
    /// by this arena.
    pub const unsafe fn new(base: *mut u8, size: usize, bus_base: u64, align: usize) -> Self {
        assert!(align.is_power_of_two(), "arena alignment must be a power of two");
        Self { base: BasePtr(base), size, align, bus_base, used: Mutex::new(RefCell::new([None; REGIONS])) }
    }

    /// Total size of the arena in bytes.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Bytes currently allocated (after alignment).
    pub fn allocated(&self) -> usize {
        critical_section::with(|cs| self.used.borrow_ref(cs).iter().flatten().map(|r| self.rounded(r.len)).sum())
    }

    /// The allocated region that holds the `len` bytes at bus address `bus`, if one does:
    /// what a bus model checks before it lets an engine touch memory (an address outside
    /// every buffer is a bus error, not a silent access to someone else's memory).
    pub fn region_at_bus(&self, bus: u64, len: usize) -> Option<ArenaRegion> {
        let offset = usize::try_from(bus.checked_sub(self.bus_base)?).ok()?;
        let end = offset.checked_add(len)?;
        critical_section::with(|cs| {
            self.used.borrow_ref(cs).iter().flatten().copied().find(|r| offset >= r.offset && end <= r.offset + r.len)
        })
    }

    /// `len` rounded up to the alignment (a power of two, so a mask: no division).
    fn rounded(&self, len: usize) -> usize {
        (len + self.align - 1) & !(self.align - 1)
    }
}

impl<const REGIONS: usize> BufferArena for MemoryArena<REGIONS> {
    fn alloc(&self, len: usize) -> Option<ArenaRegion> {
        if len == 0 || len > self.size {
            return None;
        }
        let want = self.rounded(len);
        critical_section::with(|cs| {
            // Nothing inside this critical section calls out, so the borrow cannot fail.
            let mut used = self.used.borrow(cs).try_borrow_mut().ok()?;
            // First fit: the lowest of the arena start and the ends of the allocated
            // regions where `want` bytes fit before the arena's end and overlap nothing.
            let fits = |start: usize| {
                start + want <= self.size
                    && used
                        .iter()
                        .flatten()
                        .all(|r| start + want <= r.offset || start >= r.offset + self.rounded(r.len))
            };
            let mut offset = None;
            let ends = used.iter().flatten().map(|r| r.offset + self.rounded(r.len));
            for start in core::iter::once(0).chain(ends) {
                if offset.is_none_or(|best| start < best) && fits(start) {
                    offset = Some(start);
                }
            }
            let region = ArenaRegion { offset: offset?, len };
            *used.iter_mut().find(|slot| slot.is_none())? = Some(region);
            Some(region)
        })
    }

    fn free(&self, region: ArenaRegion) {
        critical_section::with(|cs| {
            let Ok(mut used) = self.used.borrow(cs).try_borrow_mut() else { return };
            if let Some(slot) = used.iter_mut().find(|slot| **slot == Some(region)) {
                *slot = None;
            }
        })
    }

    fn cpu_ptr(&self, region: ArenaRegion) -> *mut u8 {
        self.base.0.wrapping_add(region.offset)
    }

    fn bus_addr(&self, region: ArenaRegion) -> u64 {
        self.bus_base + region.offset as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alloc_is_first_fit_over_aligned_regions() {
        let mut block = [0u8; 256];
        // SAFETY: the arena is the only user of `block` for the test's length.
        let arena = unsafe { MemoryArena::<3>::new(block.as_mut_ptr(), block.len(), 0x1000, 16) };
        let a = arena.alloc(20).unwrap();
        let b = arena.alloc(16).unwrap();
        let c = arena.alloc(100).unwrap();
        assert_eq!((a.offset, b.offset, c.offset), (0, 32, 48));
        // Every region slot is taken.
        assert_eq!(arena.alloc(1), None);
        arena.free(a);
        // The hole at the start fits 32 bytes, not 33 (48 once aligned); the end fits 96.
        assert_eq!(arena.alloc(33).map(|r| r.offset), Some(160));
        arena.free(ArenaRegion { offset: 160, len: 33 });
        assert_eq!(arena.alloc(32).map(|r| r.offset), Some(0));
        arena.free(b);
        assert_eq!(arena.alloc(109), None);
        assert_eq!(arena.alloc(0), None);
        assert_eq!(arena.alloc(257), None);
        assert_eq!(arena.allocated(), 32 + 112);
    }
}
