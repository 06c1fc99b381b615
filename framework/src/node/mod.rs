//! Device nodes: the registry of paths, file handles, and the entry points an OS (or the
//! host compatibility layer) calls for open, close, ioctl, mmap and poll.
//!
//! [`ioctl`] is the one place where application memory is read and written (through
//! `user`, the board's user copies): it checks every pointer, size, index and enum value,
//! turns the request into a typed call of [`DeviceIoctls`], and writes the typed answer
//! back.

use core::cell::RefCell;
use core::ffi::c_void;
use core::sync::atomic::AtomicU32;

use bitflags::bitflags;
use critical_section::Mutex;

use crate::error::{Errno, Result};
use crate::memory::ArenaRegion;

mod convert;
pub mod ioctl;
mod reply;
pub mod requests;
mod user;

pub use reply::BufferReply;
pub use requests::{Allocation, Capability, CommandRequest, DeviceIoctls, ExtControlArray, ExtControlsOp};

/// An open file of a device node: its slot and the slot's generation when it was opened.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FileId {
    /// Slot in the device's file table.
    pub slot: u16,
    /// Generation of the slot; a stale id is refused with `EBADF`.
    pub generation: u32,
}

bitflags! {
    /// Flags given to [`VideoNode::open`].
    #[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
    pub struct OpenFlags: u32 {
        /// DQBUF and DQEVENT never block (`O_NONBLOCK`).
        const NONBLOCK = 0x800;
    }
}

bitflags! {
    /// Readiness bits, with Linux's `poll(2)` values.
    #[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
    pub struct PollEvents: u32 {
        /// A CAPTURE buffer can be dequeued (or the last one was).
        const POLLIN = 0x0001;
        /// An event is pending.
        const POLLPRI = 0x0002;
        /// An OUTPUT buffer can be dequeued.
        const POLLOUT = 0x0004;
        /// Nothing to wait for: no queue streaming, or no buffer queued.
        const POLLERR = 0x0008;
        /// Same as POLLIN.
        const POLLRDNORM = 0x0040;
        /// Same as POLLOUT.
        const POLLWRNORM = 0x0100;
    }
}

/// A buffer plane mapped by an application.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Mapping {
    /// The arena region behind the plane.
    pub region: ArenaRegion,
    /// Its CPU address in the framework's address space.
    pub ptr: *mut u8,
}

/// A V4L2 device node as the OS sees it. Devices are `'static` and shared by reference.
pub trait VideoNode: Sync {
    /// Opens a new file handle; `EMFILE` when the device's file table is full.
    fn open(&'static self, flags: OpenFlags) -> Result<FileId>;
    /// Closes a file handle: both queues stop, every buffer returns, the driver's context
    /// is released.
    fn close(&self, file: FileId) -> Result<()>;
    /// Changes the file's flags (only `NONBLOCK` is meaningful).
    fn set_flags(&self, file: FileId, flags: OpenFlags) -> Result<()>;
    /// Performs ioctl `request` on `arg`.
    ///
    /// # Safety
    ///
    /// When the board supplies no [`UserMemory`](crate::UserMemory) (a flat firmware),
    /// `arg` must be NULL or valid for reads and writes of the argument size encoded in
    /// `request`, and pointers inside the argument (plane and control arrays) valid for
    /// their declared lengths when not NULL. With the board's fault-safe copies any
    /// address is accepted: what cannot be copied is `EFAULT`, as on Linux.
    unsafe fn ioctl(&self, file: FileId, request: u32, arg: *mut c_void) -> Result<i32>;
    /// Maps the plane whose QUERYBUF offset is `offset`, for `len` bytes.
    fn mmap(&self, file: FileId, offset: u64, len: usize) -> Result<Mapping>;
    /// The application unmapped `region`.
    fn munmap(&self, region: ArenaRegion);
    /// Current readiness, restricted to `requested` (errors are always reported).
    fn poll(&self, file: FileId, requested: PollEvents) -> Result<PollEvents>;
    /// A word bumped (and woken through the board's glue) whenever the file's readiness
    /// may have changed; waiters pass its last value to `OsGlue::wait`.
    fn wait_word(&self, file: FileId) -> Result<&AtomicU32>;
    /// Whether `len` bytes at application address `start` overlap USERPTR memory that a
    /// file of this node has queued (the device may read or write it until it is done):
    /// memory Linux keeps pinned, which a host board must not let the application unmap
    /// under the device.
    fn holds_user_memory(&self, start: usize, len: usize) -> bool;
}

/// A registered node: its path and the device behind it.
type Entry = (&'static str, &'static dyn VideoNode);

/// Paths of registered device nodes, up to `NODES` of them.
pub struct Registry<const NODES: usize> {
    nodes: Mutex<RefCell<[Option<Entry>; NODES]>>,
}

impl<const NODES: usize> Registry<NODES> {
    /// An empty registry.
    pub const fn new() -> Self {
        Self { nodes: Mutex::new(RefCell::new([None; NODES])) }
    }

    /// Registers `node` at `path`: `EEXIST`-like `EBUSY` if the path is taken, `ENOSPC` when
    /// full.
    pub fn register(&self, path: &'static str, node: &'static dyn VideoNode) -> Result<()> {
        critical_section::with(|cs| {
            let mut nodes = self.nodes.borrow_ref_mut(cs);
            if nodes.iter().flatten().any(|(p, _)| *p == path) {
                return Err(Errno::EBUSY);
            }
            let slot = nodes.iter_mut().find(|n| n.is_none()).ok_or(Errno::ENOSPC)?;
            *slot = Some((path, node));
            Ok(())
        })
    }

    /// The node registered at `path`.
    pub fn find(&self, path: &str) -> Option<&'static dyn VideoNode> {
        critical_section::with(|cs| {
            self.nodes.borrow_ref(cs).iter().flatten().find(|(p, _)| *p == path).map(|(_, n)| *n)
        })
    }

    /// The registered paths, in registration order.
    pub fn paths(&self) -> impl Iterator<Item = &'static str> + '_ {
        (0..NODES).filter_map(move |i| critical_section::with(|cs| self.nodes.borrow_ref(cs)[i].map(|(p, _)| p)))
    }
}

impl<const NODES: usize> Default for Registry<NODES> {
    fn default() -> Self {
        Self::new()
    }
}
