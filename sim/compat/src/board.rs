//! The simulator board (`boards/sim`, crate `sim-board`) as the compat layer's backend: its
//! POSIX-like VFS already makes every open a real kernel fd and lets waiting threads watch
//! an open with eventfds of their own, so each [`Backend`] call maps onto one
//! `sim_board::vfs` function. Buffers are
//! mapped from the memory of the node being mapped (`vfs::mmap_region`), whichever arena
//! backs it.
//!
//! A vendor's compat library registers its own devices through [`install_setup`] (what
//! [`serve!`](crate::serve) expands to): the setup runs once, right after the board
//! started and before the layer reads the board's node list.

use crate::backend::{Backend, BufferMap, Errno, Watch};
use core::ffi::{c_int, c_void};
use sim_board::vfs;
use std::string::String;
use std::sync::{Once, OnceLock};
use std::vec::Vec;
use v4l2m2m::ArenaRegion;

struct SimBoard;

impl Backend for SimBoard {
    fn node_paths(&self) -> Vec<String> {
        sim_board::board().node_paths().into_iter().map(String::from).collect()
    }
    fn open(&self, board_path: &str, nonblock: bool) -> Result<c_int, Errno> {
        let flags = vfs::O_RDWR | if nonblock { vfs::O_NONBLOCK } else { 0 };
        vfs::open(board_path, flags).map_err(|e| e.code())
    }
    fn close(&self, fd: c_int) -> Result<(), Errno> {
        vfs::close(fd).map_err(|e| e.code())
    }
    unsafe fn ioctl(&self, fd: c_int, request: u32, arg: *mut c_void) -> Result<c_int, Errno> {
        // SAFETY: forwarded caller contract (the application's argument for `request`).
        unsafe { vfs::ioctl(fd, request, arg) }.map_err(|e| e.code())
    }
    fn set_nonblock(&self, fd: c_int, nonblock: bool) -> Result<(), Errno> {
        vfs::set_nonblocking(fd, nonblock).map_err(|e| e.code())
    }
    fn poll(&self, fd: c_int, events: i16) -> Result<i16, Errno> {
        vfs::readiness(fd, events).map_err(|e| e.code())
    }
    fn watch(&self, fd: c_int, waiter: c_int) -> Result<Watch, Errno> {
        let w = vfs::watch(fd, waiter).map_err(|e| e.code())?;
        Ok(Watch { key: w.word, waiter: w.eventfd })
    }
    fn unwatch(&self, w: Watch) {
        vfs::unwatch(sim_board::Watch { word: w.key, eventfd: w.waiter });
    }
    fn generation(&self, fd: c_int) -> Result<u32, Errno> {
        vfs::generation(fd).map_err(|e| e.code())
    }
    fn mmap(&self, fd: c_int, offset: u64, len: usize) -> Result<BufferMap, Errno> {
        let m = vfs::mmap_region(fd, len, offset).map_err(|e| e.code())?;
        Ok(BufferMap { arena_fd: m.fd, arena_offset: m.file_offset, region: (m.region.offset, m.region.len) })
    }
    fn holds_user_memory(&self, start: usize, len: usize) -> bool {
        vfs::holds_user_memory(start, len)
    }
    fn munmap(&self, map: &BufferMap) {
        vfs::munmap_region(&vfs::MappedRegion {
            region: ArenaRegion { offset: map.region.0, len: map.region.1 },
            fd: map.arena_fd,
            file_offset: map.arena_offset,
        });
    }
}

/// A function that registers devices on the board ([`sim_board::Board::register`]).
pub type Setup = fn(&'static sim_board::Board);

static SETUP: OnceLock<Setup> = OnceLock::new();

/// Makes `setup` run once when the layer starts the board, before it reads the board's
/// nodes. Call it before the first emulated call (from a library constructor: that is what
/// [`serve!`](crate::serve) does). A second setup is ignored (returns `false`).
pub fn install_setup(setup: Setup) -> bool {
    SETUP.set(setup).is_ok()
}

/// The backend over the process-wide simulator board (started by the first call into it,
/// followed by the installed setup).
pub fn backend() -> &'static dyn Backend {
    static B: SimBoard = SimBoard;
    static SET_UP: Once = Once::new();
    let board = sim_board::board();
    SET_UP.call_once(|| {
        if let Some(setup) = SETUP.get() {
            setup(board);
        }
    });
    &B
}
