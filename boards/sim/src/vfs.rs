//! A small POSIX-like VFS over the board's device nodes, as firmware applications use
//! device files on NuttX: [`open`] a path, then [`ioctl`], [`mmap`], [`poll`] and
//! [`close`] by file descriptor.
//!
//! Every descriptor returned by [`open`] is a REAL kernel file descriptor (an eventfd
//! owned by this module), so it can be dup'ed, passed to `fcntl` or registered with an
//! epoll instance like any other. Readiness is level-triggered for any number of threads:
//! - [`poll`] computes readiness with [`VideoNode::poll`]; to sleep, the polling thread
//!   [`watch`]es each file with an eventfd of its own, which the board's
//!   [`HostGlue`](crate::HostGlue) writes whenever the framework signals that the file's
//!   readiness may have changed, and waits in the kernel's `poll(2)` on it (descriptors that
//!   are not VFS files are polled as plain kernel fds, so an application can wait on both
//!   at once);
//! - a layer that exposes these descriptors to unmodified programs (the LD_PRELOAD compat
//!   layer) does the same with [`readiness`], [`watch`] and [`unwatch`], and emulates
//!   edge-triggered epoll with [`generation`].
//!
//! Buffer memory: [`mmap`] maps a buffer into the process with a new `MAP_SHARED` mapping
//! of the memfd behind the node's arena (the [`NodeMemory`] the node was registered with:
//! the board's arena or the device's own), exactly as another process would. A node whose
//! memory cannot be mapped is refused with `ENXIO`, never mapped to other memory.
//! [`mmap_region`]/[`munmap_region`] do the bookkeeping only, for callers that map the
//! returned memfd themselves.
//!
//! Errors are [`Errno`] values (their `code()` is what `errno` would hold).
//! All functions are thread-safe.

use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use v4l2m2m::{ArenaRegion, Errno, FileId, OpenFlags, PollEvents, VideoNode};

use crate::glue::{drain, thread_waiter, Watch};
use crate::{board, NodeMemory};

/// A kernel file descriptor.
pub type RawFd = libc::c_int;

/// `open` flag: DQBUF and DQEVENT never block (the value of Linux's `O_NONBLOCK`).
pub const O_NONBLOCK: i32 = libc::O_NONBLOCK;
/// `open` flag: read and write access (accepted and ignored: nodes are always read-write).
pub const O_RDWR: i32 = libc::O_RDWR;

/// Readable: a CAPTURE buffer can be dequeued (`POLLIN`).
pub const POLLIN: i16 = libc::POLLIN;
/// An event is pending (`POLLPRI`).
pub const POLLPRI: i16 = libc::POLLPRI;
/// Writable: an OUTPUT buffer can be dequeued (`POLLOUT`).
pub const POLLOUT: i16 = libc::POLLOUT;
/// Error: no queue streaming / nothing to wait for (`POLLERR`).
pub const POLLERR: i16 = libc::POLLERR;

/// One entry of [`poll`], laid out like `struct pollfd`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PollFd {
    /// The descriptor (a VFS file or any kernel fd).
    pub fd: RawFd,
    /// Requested events (`POLLIN`, `POLLOUT`, `POLLPRI`...).
    pub events: i16,
    /// Returned events.
    pub revents: i16,
}

struct OpenFile {
    node: &'static dyn VideoNode,
    file: FileId,
    memory: NodeMemory,
    path: &'static str,
}

struct Mapped {
    node: &'static dyn VideoNode,
    region: ArenaRegion,
}

/// A buffer plane recorded by [`mmap_region`]: the arena region (to hand back to the node)
/// and where its memory is, for the caller to map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MappedRegion {
    /// The region in the node's arena.
    pub region: ArenaRegion,
    /// The memfd holding it.
    pub fd: RawFd,
    /// Its (page aligned) offset in that memfd.
    pub file_offset: u64,
}

/// A recorded region: the node that owns it and how many mappings use it.
type RegionUse = (&'static dyn VideoNode, usize);
/// Recorded regions are keyed by their memory: (memfd, file offset, length).
type RegionKey = (RawFd, u64, usize);

#[derive(Default)]
struct Vfs {
    files: Mutex<HashMap<RawFd, OpenFile>>,
    /// Mappings made by [`mmap`], by address.
    maps: Mutex<HashMap<usize, Mapped>>,
    /// Regions recorded by [`mmap_region`], with a count.
    regions: Mutex<HashMap<RegionKey, RegionUse>>,
}

// SAFETY: the table only holds `&'static dyn VideoNode` (whose trait requires `Sync`) and
// plain values; the raw trait-object references are shared, never mutated through.
unsafe impl Sync for Vfs {}
// SAFETY: as above.
unsafe impl Send for Vfs {}

fn vfs() -> &'static Vfs {
    static VFS: OnceLock<Vfs> = OnceLock::new();
    VFS.get_or_init(Vfs::default)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn file_of(fd: RawFd) -> Result<(&'static dyn VideoNode, FileId), Errno> {
    lock(&vfs().files).get(&fd).map(|f| (f.node, f.file)).ok_or(Errno::EBADF)
}

/// Asks the node of `fd` for the plane at mmap `offset` and finds its memory: the node, the
/// region and where it lies. A node whose memory cannot be mapped, or that handed out a
/// plane outside the memfd it was registered with, is refused with a message on stderr.
fn locate(fd: RawFd, len: usize, offset: u64) -> Result<(&'static dyn VideoNode, MappedRegion), Errno> {
    let (node, file, memory, path) =
        lock(&vfs().files).get(&fd).map(|f| (f.node, f.file, f.memory, f.path)).ok_or(Errno::EBADF)?;
    let mapping = node.mmap(file, offset, len)?;
    match memory.locate(&mapping) {
        Ok((memfd, file_offset)) => Ok((node, MappedRegion { region: mapping.region, fd: memfd, file_offset })),
        Err(e) => {
            node.munmap(mapping.region);
            refused(path, &memory, e);
            Err(e)
        }
    }
}

fn refused(path: &str, memory: &NodeMemory, e: Errno) {
    use std::io::Write;
    let why = match memory {
        NodeMemory::Unmappable => "it was registered with memory that cannot be mapped (NodeMemory::Unmappable)",
        NodeMemory::Memfd { .. } => "the buffer is not inside the memfd the node was registered with",
    };
    let _ = writeln!(std::io::stderr(), "sim-board: mmap of a buffer of {path} refused ({e}): {why}");
}

/// Opens the device node at `path` (`flags` may contain [`O_NONBLOCK`]).
/// `ENOENT` for an unknown path, `EMFILE` when the node's file table is full.
pub fn open(path: &str, flags: i32) -> Result<RawFd, Errno> {
    let node = board().node(path).ok_or(Errno::ENOENT)?;
    let path = board().node_paths().into_iter().find(|p| *p == path).ok_or(Errno::ENOENT)?;
    let memory = board().node_memory(path).unwrap_or(NodeMemory::Unmappable);
    let open_flags = if flags & O_NONBLOCK != 0 { OpenFlags::NONBLOCK } else { OpenFlags::empty() };
    let file = node.open(open_flags)?;
    // SAFETY: plain syscall; the new fd is owned by this module until `close`.
    let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
    if fd < 0 {
        let _ = node.close(file);
        return Err(Errno::EMFILE);
    }
    lock(&vfs().files).insert(fd, OpenFile { node, file, memory, path });
    Ok(fd)
}

/// Closes a descriptor from [`open`]: the node stops both queues and returns every buffer.
pub fn close(fd: RawFd) -> Result<(), Errno> {
    let f = lock(&vfs().files).remove(&fd).ok_or(Errno::EBADF)?;
    let result = f.node.close(f.file);
    // SAFETY: closing the eventfd this module created for the open.
    unsafe { libc::close(fd) };
    result
}

/// Whether `fd` is a descriptor of this VFS.
pub fn is_vfs_fd(fd: RawFd) -> bool {
    lock(&vfs().files).contains_key(&fd)
}

/// Performs the V4L2 ioctl `request` (a `VIDIOC_*` number) on `fd`; returns the ioctl's
/// non-negative result.
///
/// # Safety
///
/// `arg` must be NULL or valid for reads and writes of the argument size encoded in
/// `request`, and pointers inside it (plane arrays, control arrays) must be valid for what
/// the argument says, exactly as for `ioctl(2)` on a Linux V4L2 device.
pub unsafe fn ioctl(fd: RawFd, request: u32, arg: *mut c_void) -> Result<i32, Errno> {
    let (node, file) = file_of(fd)?;
    // SAFETY: the caller's contract is the node's contract.
    unsafe { node.ioctl(file, request, arg) }
}

/// Whether `len` bytes at application address `start` overlap USERPTR memory a node of
/// the board holds (queued, not yet given back): memory the application must not unmap
/// under the device.
pub fn holds_user_memory(start: usize, len: usize) -> bool {
    let board = board();
    board.node_paths().into_iter().filter_map(|p| board.node(p)).any(|n| n.holds_user_memory(start, len))
}

/// Switches `fd` between blocking and non-blocking DQBUF/DQEVENT (`fcntl(F_SETFL)`).
pub fn set_nonblocking(fd: RawFd, nonblocking: bool) -> Result<(), Errno> {
    let (node, file) = file_of(fd)?;
    node.set_flags(file, if nonblocking { OpenFlags::NONBLOCK } else { OpenFlags::empty() })
}

/// Records a mapping of the buffer plane at mmap `offset` (from QUERYBUF) without mapping
/// anything: the caller maps the returned memfd at `file_offset` for `region.len` bytes
/// itself, and calls [`munmap_region`] when it unmaps. `ENXIO` for a node whose memory
/// cannot be mapped.
pub fn mmap_region(fd: RawFd, len: usize, offset: u64) -> Result<MappedRegion, Errno> {
    let (node, mapped) = locate(fd, len, offset)?;
    let key = (mapped.fd, mapped.file_offset, mapped.region.len);
    lock(&vfs().regions).entry(key).or_insert((node, 0)).1 += 1;
    Ok(mapped)
}

/// The caller unmapped a region it got from [`mmap_region`].
pub fn munmap_region(mapped: &MappedRegion) {
    let node = {
        let mut regions = lock(&vfs().regions);
        let key = (mapped.fd, mapped.file_offset, mapped.region.len);
        let Some(entry) = regions.get_mut(&key) else { return };
        entry.1 -= 1;
        let node = entry.0;
        if entry.1 == 0 {
            regions.remove(&key);
        }
        node
    };
    node.munmap(mapped.region);
}

/// Maps the buffer plane at mmap `offset` (from QUERYBUF), `len` bytes, read-write and
/// shared with the device, like `mmap(NULL, len, PROT_READ|PROT_WRITE, MAP_SHARED, fd,
/// offset)` on Linux: the memory of the node's arena, whichever it is. `ENXIO` for a node
/// whose memory cannot be mapped. Unmap it with [`munmap`].
pub fn mmap(fd: RawFd, len: usize, offset: u64) -> Result<*mut u8, Errno> {
    let (node, mapped) = locate(fd, len, offset)?;
    let region = mapped.region;
    // SAFETY: a new shared mapping of the node's memfd at a page-aligned offset inside it
    // (checked by `locate`); it aliases only the region the framework just granted.
    let ptr = unsafe {
        libc::mmap(
            core::ptr::null_mut(),
            region.len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            mapped.fd,
            mapped.file_offset as libc::off_t,
        )
    };
    if ptr == libc::MAP_FAILED {
        node.munmap(region);
        return Err(Errno::ENOMEM);
    }
    lock(&vfs().maps).insert(ptr as usize, Mapped { node, region });
    Ok(ptr.cast())
}

/// Unmaps a mapping made by [`mmap`] (`len` is checked against the mapping's length).
pub fn munmap(ptr: *mut u8, len: usize) -> Result<(), Errno> {
    let mapped = {
        let mut maps = lock(&vfs().maps);
        match maps.get(&(ptr as usize)) {
            Some(m) if m.region.len == len || len == 0 => maps.remove(&(ptr as usize)).expect("present"),
            Some(_) => return Err(Errno::EINVAL),
            None => return Err(Errno::EINVAL),
        }
    };
    // SAFETY: unmapping exactly a mapping this module created (address and length).
    unsafe { libc::munmap(ptr.cast(), mapped.region.len) };
    mapped.node.munmap(mapped.region);
    Ok(())
}

/// The V4L2 readiness of `fd` for `events` (`POLLIN`/`POLLOUT`/`POLLPRI`, `POLLERR` is
/// always reported). Nothing is consumed: any number of threads may ask.
pub fn readiness(fd: RawFd, events: i16) -> Result<i16, Errno> {
    let (node, file) = file_of(fd)?;
    let requested = PollEvents::from_bits_truncate(u32::from(events as u16));
    Ok(node.poll(file, requested)?.bits() as i16)
}

/// Makes every possible change of the readiness of `fd` from now on write `eventfd` (the
/// caller's, non-blocking; one per waiting thread, as [`poll`] uses) until
/// [`unwatch`]. Watch before checking [`readiness`]: a change after the check then leaves
/// the eventfd readable.
pub fn watch(fd: RawFd, eventfd: RawFd) -> Result<Watch, Errno> {
    let (node, file) = file_of(fd)?;
    Ok(board().glue().watch(node.wait_word(file)?, eventfd))
}

/// Ends a watch from [`watch`] (valid after the descriptor was closed).
pub fn unwatch(w: Watch) {
    board().glue().unwatch(w);
}

/// A counter of `fd` that changes whenever its readiness may have changed (for
/// edge-triggered waits: "has anything happened since I last looked").
pub fn generation(fd: RawFd) -> Result<u32, Errno> {
    let (node, file) = file_of(fd)?;
    Ok(node.wait_word(file)?.load(std::sync::atomic::Ordering::Acquire))
}

/// The readiness of every entry of `fds` (VFS descriptors: V4L2 readiness; others: one
/// non-blocking kernel poll); how many have a non-zero `revents`.
fn poll_round(fds: &mut [PollFd], kernel: &mut [libc::pollfd]) -> Result<usize, Errno> {
    let mut ready = 0;
    for (p, k) in fds.iter_mut().zip(kernel.iter_mut()) {
        k.revents = 0;
        p.revents = if is_vfs_fd(p.fd) { readiness(p.fd, p.events)? } else { 0 };
        ready += usize::from(p.revents != 0);
    }
    if kernel.iter().any(|k| k.fd >= 0) {
        // SAFETY: `kernel` is a valid array of `kernel.len()` pollfd entries.
        unsafe { libc::poll(kernel.as_mut_ptr(), kernel.len() as libc::nfds_t, 0) };
        for (p, k) in fds.iter_mut().zip(kernel.iter()) {
            if k.fd >= 0 && k.revents != 0 {
                p.revents = k.revents;
                ready += 1;
            }
        }
    }
    Ok(ready)
}

/// Waits until one of `fds` is ready, like `poll(2)`: `timeout_ms` < 0 waits forever, 0
/// only checks. Returns how many entries have a non-zero `revents`. VFS descriptors get
/// their V4L2 readiness; other descriptors are polled by the kernel as they are. Any
/// number of threads may poll the same descriptors.
pub fn poll(fds: &mut [PollFd], timeout_ms: i32) -> Result<usize, Errno> {
    let deadline = (timeout_ms > 0).then(|| Instant::now() + std::time::Duration::from_millis(timeout_ms as u64));
    // Plain descriptors as they are; VFS descriptors left out of the kernel's poll.
    let mut kernel: Vec<libc::pollfd> = fds
        .iter()
        .map(|p| libc::pollfd { fd: if is_vfs_fd(p.fd) { -1 } else { p.fd }, events: p.events, revents: 0 })
        .collect();
    let ready = poll_round(fds, &mut kernel)?;
    if ready > 0 || timeout_ms == 0 {
        return Ok(ready);
    }
    let waiter = thread_waiter();
    let watches: Vec<Watch> = fds.iter().filter_map(|p| watch(p.fd, waiter).ok()).collect();
    let result = poll_watched(fds, &mut kernel, waiter, deadline);
    for w in watches {
        unwatch(w);
    }
    result
}

/// The sleeping part of [`poll`], with every VFS descriptor watched by `waiter`.
fn poll_watched(
    fds: &mut [PollFd],
    kernel: &mut Vec<libc::pollfd>,
    waiter: RawFd,
    deadline: Option<Instant>,
) -> Result<usize, Errno> {
    kernel.push(libc::pollfd { fd: waiter, events: libc::POLLIN, revents: 0 });
    loop {
        // Wake-ups are consumed before readiness is computed, so a change that happens
        // after the computation leaves the eventfd readable and the kernel poll returns.
        drain(waiter);
        let n = fds.len();
        let ready = poll_round(fds, &mut kernel[..n])?;
        if ready > 0 {
            return Ok(ready);
        }
        let wait_ms = match deadline {
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Ok(0);
                }
                left.as_millis().clamp(1, i32::MAX as u128) as i32
            }
        };
        for k in kernel.iter_mut() {
            k.revents = 0;
        }
        // SAFETY: as above.
        let rc = unsafe { libc::poll(kernel.as_mut_ptr(), kernel.len() as libc::nfds_t, wait_ms) };
        if rc < 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return Err(Errno::EINVAL);
        }
    }
}

/// Paths of every node of the board.
pub fn node_paths() -> Vec<&'static str> {
    board().node_paths()
}
