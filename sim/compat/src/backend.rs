//! What the compat layer needs from the simulator: the board's POSIX-like VFS.
//!
//! Every emulated open is a real kernel file descriptor, so the kernel's own fcntl/dup/epoll
//! bookkeeping keeps working on it; the V4L2 meaning of each call comes from the board
//! through this trait. A thread that must sleep until an open's readiness changes watches
//! the open with an eventfd of its own ([`Backend::watch`]) and sleeps in the kernel on it.

use core::ffi::{c_int, c_void};
use std::string::String;
use std::vec::Vec;

/// A positive errno value.
pub type Errno = c_int;

/// Where an mmap of a V4L2 buffer lands: the memory of the node being mapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BufferMap {
    /// The memfd holding the buffer (the one behind the node's arena, which need not be
    /// the board's), to map with `MAP_SHARED`.
    pub arena_fd: c_int,
    /// Byte offset of the buffer in that memfd (page aligned).
    pub arena_offset: u64,
    /// The arena region's offset and length in the node's arena.
    pub region: (usize, usize),
}

/// A registration from [`Backend::watch`], handed back to [`Backend::unwatch`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Watch {
    /// What the backend watches (for the board: the address of the file's wait word).
    pub key: usize,
    /// The watcher's eventfd.
    pub waiter: c_int,
}

/// The simulator board, as the compat layer sees it.
pub trait Backend: Sync {
    /// Paths of every node the board registered (e.g. `/dev/video1`).
    fn node_paths(&self) -> Vec<String>;
    /// Opens a node; returns the kernel fd that stands for this open.
    fn open(&self, board_path: &str, nonblock: bool) -> Result<c_int, Errno>;
    /// Closes an fd returned by [`Backend::open`] (releases the V4L2 file, closes the fd).
    fn close(&self, fd: c_int) -> Result<(), Errno>;
    /// A V4L2 ioctl on an open.
    ///
    /// # Safety
    /// `arg` is the application's pointer, valid for what `request` encodes (or NULL).
    unsafe fn ioctl(&self, fd: c_int, request: u32, arg: *mut c_void) -> Result<c_int, Errno>;
    /// Switches the open between blocking and non-blocking mode (fcntl F_SETFL O_NONBLOCK).
    fn set_nonblock(&self, fd: c_int, nonblock: bool) -> Result<(), Errno>;
    /// V4L2 readiness (Linux POLL* bits) of the open for the requested events. Nothing is
    /// consumed: any number of threads may ask.
    fn poll(&self, fd: c_int, events: i16) -> Result<i16, Errno>;
    /// From now until [`Backend::unwatch`], every possible change of the open's readiness
    /// writes `waiter` (an eventfd of one waiting thread, non-blocking). Watching before
    /// asking [`Backend::poll`] means a change after the answer leaves `waiter` readable.
    fn watch(&self, fd: c_int, waiter: c_int) -> Result<Watch, Errno>;
    /// Ends a watch (also after the open was closed).
    fn unwatch(&self, watch: Watch);
    /// A counter that changes whenever the open's readiness may have changed (edge-triggered
    /// epoll reports an fd again only after it moved).
    fn generation(&self, fd: c_int) -> Result<u32, Errno>;
    /// Looks up the buffer at mmap `offset` (from QUERYBUF) of the open's node and records
    /// a mapping of it: where its memory is. A node whose memory cannot be mapped into an
    /// application must be refused (an errno), never answered with other memory.
    fn mmap(&self, fd: c_int, offset: u64, len: usize) -> Result<BufferMap, Errno>;
    /// The application unmapped a buffer mapped through [`Backend::mmap`] (`map` is what
    /// that returned).
    fn munmap(&self, map: &BufferMap);
    /// Whether `len` bytes at application address `start` overlap USERPTR memory a node
    /// holds (queued and not yet given back): the layer then defers the application's
    /// munmap of it until the node lets go, as Linux keeps such pages pinned. A backend
    /// whose nodes never take USERPTR memory keeps the default.
    fn holds_user_memory(&self, start: usize, len: usize) -> bool {
        let _ = (start, len);
        false
    }
}
