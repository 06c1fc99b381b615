//! The fd and mmap manager: which application fds stand for emulated opens (video nodes,
//! media devices), and what `open`, `close`, `dup`, `fcntl`, `ioctl`, `read`/`write`,
//! `mmap` and `munmap` do with them. Paths are resolved by [`crate::view`]; the V4L2
//! meaning of every call comes from the [`Backend`](crate::Backend).
//!
//! Every function returns `None` for an fd, path or mapping the layer does not emulate
//! (or when the calling thread is inside the layer): the shim then calls libc.

use crate::emul::Dev;
use crate::media;
use crate::real;
use crate::state::{self, lock, remove_range, FdEntry, Inside, Mapping, Open, State};
use crate::sys::{cstr, debug, errno, fail, set_errno};
use crate::view::{self, Named};
use core::ffi::{c_char, c_int, c_ulong, c_void};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::vec::Vec;

/// Settable file status flags (as Linux's SETFL_MASK).
const SETFL_MASK: c_int =
    libc::O_APPEND | libc::O_NONBLOCK | libc::O_NDELAY | libc::O_DIRECT | libc::O_NOATIME | libc::O_ASYNC;

/// The emulated open behind an fd (never starts the board).
pub(crate) fn open_of(fd: c_int) -> Option<(&'static State, Arc<Open>)> {
    if state::inside() || !state::ANY_FD.load(Ordering::Acquire) {
        return None;
    }
    let st = state::started()?;
    Some((st, st.open_of(fd)?))
}

/// Whether `fd` is the backend's fd of an open the application closed while `dup`s of it
/// live: calls on it answer EBADF.
pub(crate) fn hidden(fd: c_int) -> bool {
    if state::inside() || !state::ANY_FD.load(Ordering::Acquire) {
        return false;
    }
    state::started().is_some_and(|st| st.is_hidden(fd))
}

/// `Some(EBADF)` for a hidden fd, else `None` (pass through).
fn hidden_or_pass<T>(fd: c_int, failed: T) -> Option<T> {
    hidden(fd).then(|| fail(libc::EBADF, failed))
}

// ------------------------------------------------------------------------------------
// open

/// `open`/`openat` of an emulated path: a video node, a media device or a /sys attribute.
///
/// # Safety
///
/// `path` must be NULL or a NUL-terminated string.
pub(crate) unsafe fn open(dirfd: c_int, path: *const c_char, flags: c_int) -> Option<c_int> {
    // SAFETY: the caller's contract.
    let (st, named) = unsafe { view::resolve(dirfd, path) }?;
    match named {
        Named::Device(Dev::Video(idx)) => Some(open_node(st, idx, flags)),
        Named::Device(Dev::Media(idx)) => Some(open_media(st, idx, flags)),
        Named::SysFile(dev, attr) => Some(view::sysfs_fd(st, dev, attr, flags)),
        Named::SysDir if flags & libc::O_ACCMODE != libc::O_RDONLY => Some(fail(libc::EISDIR, -1)),
        // An emulated /sys directory opened as a file (e.g. by opendir's open): not served.
        Named::SysDir => None,
    }
}

/// `O_DIRECTORY` and `O_CREAT|O_EXCL` on a device: ENOTDIR, EEXIST.
fn device_open_error(flags: c_int) -> Option<c_int> {
    if flags & libc::O_DIRECTORY != 0 {
        return Some(libc::ENOTDIR);
    }
    (flags & (libc::O_CREAT | libc::O_EXCL) == (libc::O_CREAT | libc::O_EXCL)).then_some(libc::EEXIST)
}

fn open_node(st: &'static State, idx: usize, flags: c_int) -> c_int {
    if let Some(e) = device_open_error(flags) {
        return fail(e, -1);
    }
    let nonblock = flags & libc::O_NONBLOCK != 0;
    let _in = Inside::enter();
    match st.backend.open(&st.nodes[idx].board_path, nonblock) {
        Ok(fd) => {
            let fdflags = if flags & libc::O_CLOEXEC != 0 { libc::FD_CLOEXEC } else { 0 };
            // SAFETY: setting the descriptor flags of the fd the backend just opened.
            unsafe { real::fcntl(fd, libc::F_SETFD, fdflags as c_ulong) };
            st.add_open(fd, idx, flags & (libc::O_ACCMODE | SETFL_MASK), false);
            debug(|| format!("open {} -> fd {fd}", st.nodes[idx].app_path));
            fd
        }
        Err(e) => fail(e, -1),
    }
}

/// Opens media device `idx`: a real kernel fd (an eventfd of the layer's) stands for it; its
/// ioctls are served from the node's topology (`media::ioctl`).
fn open_media(st: &'static State, idx: usize, flags: c_int) -> c_int {
    if let Some(e) = device_open_error(flags) {
        return fail(e, -1);
    }
    // Build the topology now: it asks the video node, which must not happen later with
    // application locks held.
    let _ = st.topology(idx);
    let _in = Inside::enter();
    let cloexec = if flags & libc::O_CLOEXEC != 0 { libc::EFD_CLOEXEC } else { 0 };
    // SAFETY: plain syscall wrapper creating a new fd.
    let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | cloexec) };
    if fd < 0 {
        return -1;
    }
    st.add_open(fd, idx, flags & (libc::O_ACCMODE | SETFL_MASK), true);
    debug(|| format!("open {} -> fd {fd}", crate::emul::media_path(idx)));
    fd
}

/// `fopen` of an emulated path: opened as by [`open`] (flags from `mode`), wrapped with
/// `fdopen`.
///
/// # Safety
///
/// `path` and `mode` must be NULL or NUL-terminated strings.
pub(crate) unsafe fn fopen(path: *const c_char, mode: *const c_char) -> Option<*mut libc::FILE> {
    // SAFETY: the caller's contract.
    let m = unsafe { cstr(mode) }?;
    let flags = match (m.as_bytes().first()?, m.contains('+')) {
        (b'r', false) => libc::O_RDONLY,
        (b'r', true) => libc::O_RDWR,
        (_, false) => libc::O_WRONLY | libc::O_CREAT,
        (_, true) => libc::O_RDWR | libc::O_CREAT,
    } | if m.contains('e') { libc::O_CLOEXEC } else { 0 };
    // SAFETY: the caller's contract.
    let fd = unsafe { open(libc::AT_FDCWD, path, flags) }?;
    if fd < 0 {
        return Some(core::ptr::null_mut());
    }
    // SAFETY: `fd` is open and `mode` a C string.
    let f = unsafe { libc::fdopen(fd, mode) };
    if f.is_null() {
        let e = errno();
        // SAFETY: releasing the open made above.
        unsafe { crate::interpose::close(fd) };
        set_errno(e);
    }
    Some(f)
}

// ------------------------------------------------------------------------------------
// close, dup

/// `close` of an emulated fd (or of an fd registered in an epoll instance): releases the
/// emulated open once its last fd is closed.
pub(crate) fn close(fd: c_int) -> Option<c_int> {
    if state::inside() || !state::ANY_FD.load(Ordering::Acquire) {
        return None;
    }
    let st = state::started()?;
    let mut fds = lock(&st.fds);
    let open = match fds.get(&fd) {
        None => {
            drop(fds);
            st.forget_epoll(fd);
            return None;
        }
        Some(FdEntry::Hidden(_)) => return Some(fail(libc::EBADF, -1)),
        Some(FdEntry::Node(o)) => o.clone(),
    };
    fds.remove(&fd);
    let others = fds.values().any(|e| matches!(e, FdEntry::Node(o) if Arc::ptr_eq(o, &open)));
    if others && fd == open.vfs_fd {
        // The backend knows the open by this fd: keep it open, out of the application's sight.
        fds.insert(fd, FdEntry::Hidden(open.clone()));
    }
    if !others {
        // Until they are closed for real, calls on the fds answer EBADF (never what the
        // kernel answers for the eventfd behind them).
        fds.insert(fd, FdEntry::Hidden(open.clone()));
        fds.insert(open.vfs_fd, FdEntry::Hidden(open.clone()));
    }
    drop(fds);
    st.forget_epoll(fd);
    match (others, fd == open.vfs_fd) {
        (true, true) => Some(0),
        (true, false) => None,
        (false, _) => Some(release(st, fd, &open)),
    }
}

/// The last fd of `open` is closed: close it, and release the open unless a call still
/// uses it (the last call to return releases it then, see [`Call`]).
fn release(st: &State, fd: c_int, open: &Arc<Open>) -> c_int {
    let _in = Inside::enter();
    debug(|| format!("close fd {fd} (backend fd {})", open.vfs_fd));
    let mut ret = 0;
    if fd != open.vfs_fd {
        // SAFETY: closing the application's fd, a dup of the backend's one.
        if unsafe { real::close(fd) } != 0 {
            ret = -1;
        }
        forget_hidden(st, fd, open);
    }
    let running = {
        let mut calls = lock(&open.calls);
        calls.closed = true;
        calls.running
    };
    if running > 0 {
        debug(|| format!("backend fd {} released when its {running} call(s) return", open.vfs_fd));
        return ret;
    }
    match finish_release(st, open) {
        Ok(()) => ret,
        Err(e) => fail(e, -1),
    }
}

/// Closes the backend's fd of `open`, whose fds are all closed and which no call uses.
fn finish_release(st: &State, open: &Arc<Open>) -> Result<(), c_int> {
    let closed = if open.media {
        // SAFETY: the eventfd the layer created for the media open.
        if unsafe { real::close(open.vfs_fd) } != 0 {
            Err(errno())
        } else {
            Ok(())
        }
    } else {
        st.backend.close(open.vfs_fd)
    };
    forget_hidden(st, open.vfs_fd, open);
    if !open.media {
        release_deferred(st);
    }
    closed
}

/// Forgets `fd` if it still stands for `open`, closed (the number may already be another
/// open's).
fn forget_hidden(st: &State, fd: c_int, open: &Arc<Open>) {
    let mut fds = lock(&st.fds);
    if matches!(fds.get(&fd), Some(FdEntry::Hidden(o)) if Arc::ptr_eq(o, open)) {
        fds.remove(&fd);
    }
}

/// A call in progress on an open: while one runs, closing the open's last fd does not
/// release it (Linux keeps a file while a system call uses it: a DQBUF blocked in another
/// thread goes on waiting, and a signal ends it); the last call to return does.
pub(crate) struct Call<'a> {
    st: &'static State,
    open: &'a Arc<Open>,
}

impl<'a> Call<'a> {
    /// `None` when the open's last fd was closed already (the call is then EBADF).
    pub(crate) fn enter(st: &'static State, open: &'a Arc<Open>) -> Option<Self> {
        let mut calls = lock(&open.calls);
        if calls.closed {
            return None;
        }
        calls.running += 1;
        Some(Self { st, open })
    }
}

impl Drop for Call<'_> {
    fn drop(&mut self) {
        let release = {
            let mut calls = lock(&self.open.calls);
            calls.running -= 1;
            calls.running == 0 && calls.closed
        };
        if release {
            let e = errno();
            let _in = Inside::enter();
            debug(|| format!("backend fd {} released: its last call returned", self.open.vfs_fd));
            let _ = finish_release(self.st, self.open);
            set_errno(e);
        }
    }
}

/// `dup` of an emulated fd: the new fd refers to the same open.
pub(crate) fn dup(fd: c_int) -> Option<c_int> {
    let Some((st, open)) = open_of(fd) else { return hidden_or_pass(fd, -1) };
    // SAFETY: duplicating an fd the application owns.
    let r = unsafe { real::dup(fd) };
    if r >= 0 {
        st.add_alias(r, open);
    }
    Some(r)
}

/// `dup2`/`dup3` (`plain` for `dup2`) where either fd is emulated.
pub(crate) fn dup_onto(fd: c_int, fd2: c_int, flags: c_int, plain: bool) -> Option<c_int> {
    if state::inside() || !state::ANY_FD.load(Ordering::Acquire) {
        return None;
    }
    if hidden(fd) || hidden(fd2) {
        // fd2 is the backend's fd of a still-duplicated open: it must stay untouched.
        return Some(fail(if hidden(fd) { libc::EBADF } else { libc::EBUSY }, -1));
    }
    let src = open_of(fd);
    if src.is_none() && open_of(fd2).is_none() {
        return None;
    }
    if fd == fd2 {
        return if plain { None } else { Some(fail(libc::EINVAL, -1)) };
    }
    if open_of(fd2).is_some() {
        // dup2 closes fd2 silently: release its emulated open the same way.
        // SAFETY: closing an fd the application owns, through the layer.
        unsafe { crate::interpose::close(fd2) };
    }
    // SAFETY: duplicating an fd the application owns onto another number.
    let r = unsafe {
        if plain {
            real::dup2(fd, fd2)
        } else {
            real::dup3(fd, fd2, flags)
        }
    };
    if let (true, Some((st, open))) = (r >= 0, src) {
        st.add_alias(r, open);
    }
    Some(r)
}

// ------------------------------------------------------------------------------------
// fcntl, ioctl, read, write

/// `fcntl` of an emulated fd: `F_GETFL`/`F_SETFL` use the open's status flags (a change of
/// `O_NONBLOCK` reaches the backend), `F_DUPFD[_CLOEXEC]` duplicates the open; other
/// commands, and every fd that is not emulated, go to the kernel (`pass`, the real fcntl).
pub(crate) fn fcntl(fd: c_int, cmd: c_int, arg: c_ulong, pass: impl Fn(c_int, c_int, c_ulong) -> c_int) -> c_int {
    let Some((st, open)) = open_of(fd) else {
        return hidden_or_pass(fd, -1).unwrap_or_else(|| pass(fd, cmd, arg));
    };
    match cmd {
        libc::F_GETFL => open.status.load(Ordering::Acquire),
        libc::F_SETFL => set_status(st, &open, arg as c_int),
        libc::F_DUPFD | libc::F_DUPFD_CLOEXEC => {
            let r = pass(fd, cmd, arg);
            if r >= 0 {
                st.add_alias(r, open);
            }
            r
        }
        _ => pass(fd, cmd, arg),
    }
}

/// `F_SETFL`: the settable status flags of the open.
fn set_status(st: &State, open: &Open, flags: c_int) -> c_int {
    let old = open.status.load(Ordering::Acquire);
    let new = (old & !SETFL_MASK) | (flags & SETFL_MASK);
    if (old ^ new) & libc::O_NONBLOCK != 0 && !open.media {
        let _in = Inside::enter();
        if let Err(e) = st.backend.set_nonblock(open.vfs_fd, new & libc::O_NONBLOCK != 0) {
            return fail(e, -1);
        }
    }
    open.status.store(new, Ordering::Release);
    0
}

/// `ioctl` of an emulated fd: a video node's go to the backend, a media device's are served
/// from its topology; `FIONBIO` sets `O_NONBLOCK` as `fcntl` does; `FIOCLEX`/`FIONCLEX` act
/// on the kernel fd (`None`).
///
/// # Safety
///
/// `arg` must be valid for what `request` encodes (or NULL), as for ioctl(2).
pub(crate) unsafe fn ioctl(fd: c_int, request: c_ulong, arg: *mut c_void) -> Option<c_int> {
    let Some((st, open)) = open_of(fd) else { return hidden_or_pass(fd, -1) };
    // Linux truncates the command to 32 bits (callers may sign-extend an int).
    let request = request as u32;
    match c_ulong::from(request) {
        libc::FIOCLEX | libc::FIONCLEX => return None,
        libc::FIONBIO => {
            // SAFETY: FIONBIO's argument is an int (or NULL, checked by `as_ref`).
            let Some(&on) = (unsafe { arg.cast::<c_int>().as_ref() }) else { return Some(fail(libc::EFAULT, -1)) };
            let flags = open.status.load(Ordering::Acquire);
            return Some(set_status(
                st,
                &open,
                if on != 0 { flags | libc::O_NONBLOCK } else { flags & !libc::O_NONBLOCK },
            ));
        }
        _ => {}
    }
    let Some(_call) = Call::enter(st, &open) else { return Some(fail(libc::EBADF, -1)) };
    let _in = Inside::enter();
    let result = if open.media {
        media::ioctl(&st.topology(open.node), request, arg)
    } else {
        // SAFETY: the caller's contract is the backend's.
        unsafe { st.backend.ioctl(open.vfs_fd, request, arg) }
    };
    if result.is_ok() && request == v4l2m2m::abi::VIDIOC_QBUF {
        QUEUED_ANY.store(true, Ordering::Release);
    }
    let errno_now = errno();
    release_deferred(st);
    set_errno(errno_now);
    Some(result.unwrap_or_else(|e| fail(e, -1)))
}

/// Set by the first successful QBUF: only then can a munmap hit memory a node holds.
static QUEUED_ANY: AtomicBool = AtomicBool::new(false);

/// Whether the page range `[start, end)` overlaps USERPTR memory a node holds.
fn held(st: &State, start: usize, end: usize) -> bool {
    QUEUED_ANY.load(Ordering::Acquire) && {
        let _in = Inside::enter();
        st.backend.holds_user_memory(start, end - start)
    }
}

/// Unmaps, for real, the deferred munmaps that no node holds any more (after every ioctl
/// and close: the calls that give buffers back).
fn release_deferred(st: &State) {
    let mut deferred = lock(&st.deferred);
    if deferred.is_empty() {
        return;
    }
    let (free, still): (Vec<_>, Vec<_>) = deferred.drain(..).partition(|&(s, e)| !held(st, s, e));
    *deferred = still;
    for (start, end) in free {
        debug(|| format!("deferred munmap {start:#x}..{end:#x}: the device let go"));
        let mut maps = lock(&st.maps);
        // SAFETY: the application unmapped this range; it stayed mapped only for the
        // device, which no longer holds it.
        if unsafe { real::munmap(start as *mut c_void, end - start) } == 0 {
            let gone = forget_range(&mut maps, start, end);
            drop(maps);
            release_maps(st, gone);
        }
    }
}

/// `read`/`write` of an emulated fd, of any length: EINVAL (no V4L2 read/write I/O, no
/// `V4L2_CAP_READWRITE`). The eventfd behind the fd is never reached: the board signals it
/// from inside the layer, with libc's internal writes.
pub(crate) fn read_write(fd: c_int) -> Option<isize> {
    open_of(fd).map(|_| fail(libc::EINVAL, -1))
}

// ------------------------------------------------------------------------------------
// mmap, munmap

/// `mmap` of an emulated fd: a shared mapping of a V4L2 buffer maps the buffer's memory
/// (the memfd of the node's arena, at the buffer's offset in it). `real_mmap` maps.
///
/// # Safety
///
/// As mmap(2): `addr` is a hint unless MAP_FIXED, which the caller may use only over its
/// own mappings.
pub(crate) unsafe fn mmap(
    addr: *mut c_void,
    len: usize,
    prot: c_int,
    flags: c_int,
    fd: c_int,
    off: libc::off_t,
) -> Option<*mut c_void> {
    let Some((st, open)) = open_of(fd) else { return hidden_or_pass(fd, libc::MAP_FAILED) };
    // A media device cannot be mapped (no mmap file operation).
    if open.media {
        return Some(fail(libc::ENODEV, libc::MAP_FAILED));
    }
    // videobuf2 accepts only shared mappings of a buffer.
    if flags & libc::MAP_SHARED == 0 || len == 0 || off < 0 {
        return Some(fail(libc::EINVAL, libc::MAP_FAILED));
    }
    let Some(_call) = Call::enter(st, &open) else { return Some(fail(libc::EBADF, libc::MAP_FAILED)) };
    let _in = Inside::enter();
    let map = match st.backend.mmap(open.vfs_fd, off as u64, len) {
        Ok(m) => m,
        Err(e) => return Some(fail(e, libc::MAP_FAILED)),
    };
    // SAFETY: a shared mapping of the node's memfd at the page-aligned offset the backend
    // gave for this buffer; the caller's contract covers `addr`.
    let p = unsafe { real::mmap(addr, len, prot, flags, map.arena_fd, map.arena_offset as libc::off_t) };
    if p == libc::MAP_FAILED {
        let e = errno();
        st.backend.munmap(&map);
        return Some(fail(e, libc::MAP_FAILED));
    }
    debug(|| {
        format!("mmap fd {fd} offset {off:#x} len {len} -> {p:p} (memfd {} at {:#x})", map.arena_fd, map.arena_offset)
    });
    let start = p as usize;
    let end = start.saturating_add(page_up(len));
    // A MAP_FIXED mapping replaced whatever was mapped there, other buffers included.
    remove_range(&mut lock(&st.deferred), start, end);
    let mut maps = lock(&st.maps);
    let gone = forget_range(&mut maps, start, end);
    maps.insert(start, Mapping { len, map, live: vec![(start, end)] });
    drop(maps);
    release_maps(st, gone);
    Some(p)
}

fn page_up(len: usize) -> usize {
    const PAGE: usize = 4096;
    len.saturating_add(PAGE - 1) & !(PAGE - 1)
}

/// Removes `[start, end)` from every buffer mapping it overlaps; the mappings of which
/// nothing is left are returned (their buffers are unmapped).
fn forget_range(maps: &mut std::collections::HashMap<usize, Mapping>, start: usize, end: usize) -> Vec<Mapping> {
    let emptied: Vec<usize> = maps
        .iter_mut()
        .filter(|(&k, m)| k < end && k.saturating_add(page_up(m.len)) > start)
        .filter_map(|(&k, m)| m.remove(start, end).then_some(k))
        .collect();
    emptied.into_iter().filter_map(|k| maps.remove(&k)).collect()
}

/// Tells the backend that the buffers of `gone` are no longer mapped.
fn release_maps(st: &State, gone: Vec<Mapping>) {
    if gone.is_empty() {
        return;
    }
    let e = errno();
    let _in = Inside::enter();
    for m in gone {
        debug(|| format!("buffer unmapped: memfd {} at {:#x}", m.map.arena_fd, m.map.arena_offset));
        st.backend.munmap(&m.map);
    }
    set_errno(e);
}

/// A `MAP_FIXED` mapping of something else (any fd, or anonymous memory) was made at
/// `[addr, addr + len)`: the kernel unmapped what was there, buffer mappings included.
pub(crate) fn mapped_fixed(addr: *mut c_void, len: usize) {
    let st = match state::started() {
        Some(st) if !state::inside() && state::ANY_FD.load(Ordering::Acquire) => st,
        _ => return,
    };
    let start = addr as usize;
    let end = start.saturating_add(page_up(len));
    remove_range(&mut lock(&st.deferred), start, end);
    let gone = forget_range(&mut lock(&st.maps), start, end);
    release_maps(st, gone);
}

/// Whether `[addr, addr + len)` overlaps memory a queued USERPTR buffer holds (unmapped
/// by the application or not). Linux keeps such pages pinned: whatever the application
/// maps over them, moves or protects, the device goes on writing into the pinned pages.
/// The simulated device writes through the application's own addresses, so a MAP_FIXED
/// mapping, an mremap or an mprotect taking access away there is refused with EPERM (as
/// for sealed memory) until the buffer is given back.
pub(crate) fn device_holds(addr: usize, len: usize) -> bool {
    let st = match state::started() {
        Some(st) if !state::inside() && state::ANY_FD.load(Ordering::Acquire) => st,
        _ => return false,
    };
    let start = addr & !4095;
    let end = addr.saturating_add(len);
    len > 0 && held(st, start, start.saturating_add(page_up(end - start)))
}

/// `mremap`: refused (EPERM) when the range it moves, resizes or lands on overlaps memory
/// a queued USERPTR buffer holds ([`device_holds`]).
pub(crate) fn mremap_refused(old: usize, old_size: usize, new_size: usize, flags: c_int, new: usize) -> bool {
    device_holds(old, old_size.max(1)) || (flags & libc::MREMAP_FIXED != 0 && device_holds(new, new_size))
}

/// `munmap`: unmaps (through `real_munmap`) and removes the range from every buffer
/// mapping it overlaps; the backend hears of a buffer's munmap once the last byte of the
/// mapping is gone (a partial munmap leaves the rest mapped, as the kernel does).
pub(crate) fn munmap(addr: *mut c_void, len: usize, real_munmap: impl FnOnce() -> c_int) -> Option<c_int> {
    let st = match state::started() {
        Some(st) if !state::inside() && state::ANY_FD.load(Ordering::Acquire) => st,
        _ => return None,
    };
    let start = addr as usize;
    let end = start.saturating_add(page_up(len));
    if start % 4096 == 0 && len > 0 && held(st, start, end) {
        // Linux keeps USERPTR pages pinned until the device gives the buffer back: the
        // range stays mapped (the address cannot be handed out again) and is unmapped
        // for real once no node holds it.
        debug(|| format!("munmap {start:#x}..{end:#x} deferred: a queued USERPTR buffer holds it"));
        lock(&st.deferred).push((start, end));
        return Some(0);
    }
    // Lock order: deferred, then maps. The tables stay locked across the real munmap, so
    // that a buffer mapped at a freed address by another thread meanwhile is recorded
    // after the range is forgotten.
    let mut deferred = lock(&st.deferred);
    let mut maps = lock(&st.maps);
    let r = real_munmap();
    if r != 0 {
        return Some(r);
    }
    remove_range(&mut deferred, start, end);
    drop(deferred);
    let gone = forget_range(&mut maps, start, end);
    drop(maps);
    release_maps(st, gone);
    Some(r)
}
