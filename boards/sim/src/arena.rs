//! The buffer arena: one memfd, mapped once, handed to the framework as a
//! [`MemoryArena`] with page-aligned regions, so that any region can also be mapped
//! elsewhere (by the VFS for an application, or by the LD_PRELOAD compat layer into an
//! unmodified program) with `mmap(arena_fd, region.offset)`.

use v4l2m2m::MemoryArena;

/// Regions the arena can track (buffers x planes over every open file).
pub const ARENA_REGIONS: usize = 1024;
/// Alignment of every region: the page size, so regions can be mapped by offset.
pub const ARENA_ALIGN: usize = 4096;

/// The memfd-backed arena.
pub struct MemfdArena {
    /// The framework's view of the memory.
    pub arena: MemoryArena<ARENA_REGIONS>,
    /// The memfd holding the memory.
    pub fd: libc::c_int,
    /// Where the board mapped it.
    pub base: *mut u8,
    /// Its size in bytes.
    pub size: usize,
}

// SAFETY: `base` is only an address; access to the memory goes through regions that the
// framework's buffer state machine hands to one party at a time.
unsafe impl Send for MemfdArena {}
// SAFETY: as above.
unsafe impl Sync for MemfdArena {}

impl MemfdArena {
    /// Creates and maps a memfd of `size` bytes (pages are only committed when touched).
    pub fn new(size: usize) -> std::io::Result<Self> {
        // SAFETY: memfd_create with a NUL-terminated name literal.
        let fd = unsafe { libc::memfd_create(c"sim-board-arena".as_ptr(), libc::MFD_CLOEXEC) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: resizing our own fresh memfd.
        if unsafe { libc::ftruncate(fd, size as libc::off_t) } != 0 {
            let err = std::io::Error::last_os_error();
            // SAFETY: closing the fd we created.
            unsafe { libc::close(fd) };
            return Err(err);
        }
        // SAFETY: a fresh shared mapping of the whole memfd; nothing else uses the range.
        let base = unsafe {
            libc::mmap(core::ptr::null_mut(), size, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED, fd, 0)
        };
        if base == libc::MAP_FAILED {
            let err = std::io::Error::last_os_error();
            // SAFETY: closing the fd we created.
            unsafe { libc::close(fd) };
            return Err(err);
        }
        let base = base.cast::<u8>();
        // SAFETY: the mapping is valid for `size` bytes for the life of the process (it is
        // never unmapped), and only the arena hands out parts of it.
        let arena = unsafe { MemoryArena::new(base, size, 0x4000_0000, ARENA_ALIGN) };
        Ok(Self { arena, fd, base, size })
    }

    /// The node memory to register a device over this arena with
    /// ([`Board::register`](crate::Board::register)).
    pub fn memory(&self) -> crate::NodeMemory {
        crate::NodeMemory::Memfd { fd: self.fd, base: self.base as usize, size: self.size }
    }
}
