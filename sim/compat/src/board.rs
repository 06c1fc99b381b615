//! The simulator board (`boards/sim`, crate `sim-board`) as the compat layer's backend: its
//! POSIX-like VFS already makes every open a real kernel fd (an eventfd woken by the board's
//! glue), so each [`Backend`] call maps onto one `sim_board::vfs` function.

use crate::backend::{Backend, BufferMap, Errno};
use core::ffi::{c_int, c_void};
use sim_board::vfs;
use std::string::String;
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
    fn mmap(&self, fd: c_int, offset: u64, len: usize) -> Result<BufferMap, Errno> {
        let r = vfs::mmap_region(fd, len, offset).map_err(|e| e.code())?;
        Ok(BufferMap {
            arena_fd: sim_board::board().arena_fd(),
            arena_offset: r.offset as u64,
            region: (r.offset, r.len),
        })
    }
    fn munmap(&self, region: (usize, usize)) {
        vfs::munmap_region(ArenaRegion { offset: region.0, len: region.1 });
    }
}

/// The backend over the process-wide simulator board (started by the first call into it).
pub fn backend() -> &'static dyn Backend {
    static B: SimBoard = SimBoard;
    &B
}
