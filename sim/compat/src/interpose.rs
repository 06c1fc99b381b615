//! The interposed libc entry points.
//!
//! Each function first checks whether it concerns an emulated node (a path that names one, an
//! fd that stands for an emulated open, a mapping of a V4L2 buffer, an epoll instance with an
//! emulated fd in it, a scan of /dev); if not, or if the calling thread is already inside the
//! compat layer (see [`Inside`]), it forwards to the real libc function unchanged.
//!
//! C-variadic functions (`open`, `openat`, `fcntl`, `ioctl`) are defined with their optional
//! argument as a fixed one. That is ABI-compatible on x86_64 and aarch64 Linux, where the
//! variadic and fixed integer/pointer arguments travel in the same registers.

#![allow(clippy::missing_safety_doc)]

use crate::emul::{self, Dev, SysAttr, SysItem};
use crate::media;
use crate::real;
use crate::state::{self, lock, DirExtra, DirScan, EpollReg, FdEntry, Inside, Mapping, Open, State};
use core::ffi::{c_char, c_int, c_uint, c_ulong, c_void, CStr};
use libc::{mode_t, nfds_t, off_t, pollfd, size_t, ssize_t};
use std::string::String;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use std::vec::Vec;

// ------------------------------------------------------------------------------------
// helpers

fn set_errno(e: c_int) {
    // SAFETY: errno is thread-local.
    unsafe { *libc::__errno_location() = e };
}

fn errno() -> c_int {
    // SAFETY: errno is thread-local.
    unsafe { *libc::__errno_location() }
}

fn fail<T>(e: c_int, ret: T) -> T {
    set_errno(e);
    ret
}

unsafe fn cstr<'a>(p: *const c_char) -> Option<&'a str> {
    if p.is_null() {
        return None;
    }
    CStr::from_ptr(p).to_str().ok()
}

/// The absolute, normalized form of `path` relative to `dirfd`, when it is cheap to know
/// and may be emulated; `None` for everything that certainly is not.
unsafe fn emulated_path(dirfd: c_int, path: *const c_char) -> Option<String> {
    if state::inside() {
        return None;
    }
    let p = cstr(path)?;
    if p.is_empty() {
        return None;
    }
    let abs = if p.starts_with('/') {
        emul::normalize(p)
    } else {
        let _in = Inside::enter();
        let base = if dirfd == libc::AT_FDCWD {
            std::env::current_dir().ok()?.to_str()?.to_owned()
        } else {
            std::fs::read_link(format!("/proc/self/fd/{dirfd}")).ok()?.to_str()?.to_owned()
        };
        emul::normalize(&format!("{base}/{p}"))
    };
    if state::may_be_emulated(&abs) {
        Some(abs)
    } else {
        None
    }
}

/// The emulated device (video node or media device) a path names.
unsafe fn node_at(dirfd: c_int, path: *const c_char) -> Option<(&'static State, Dev)> {
    let p = emulated_path(dirfd, path)?;
    let st = state::state()?;
    if let Some(i) = st.node_by_path(&p) {
        return Some((st, Dev::Video(i)));
    }
    Some((st, Dev::Media(emul::media_by_path(&p, &st.nodes)?)))
}

/// The application path of a device.
fn dev_path(st: &State, dev: Dev) -> String {
    match dev {
        Dev::Video(i) => st.nodes[i].app_path.clone(),
        Dev::Media(i) => emul::media_path(i),
    }
}

/// The emulated open behind an fd (never starts the board).
fn open_of(fd: c_int) -> Option<(&'static State, Arc<Open>)> {
    if state::inside() || !state::ANY_FD.load(Ordering::Acquire) {
        return None;
    }
    let st = state::started()?;
    Some((st, st.open_of(fd)?))
}

fn hidden(fd: c_int) -> bool {
    if state::inside() || !state::ANY_FD.load(Ordering::Acquire) {
        return false;
    }
    state::started().is_some_and(|st| st.is_hidden(fd))
}

/// Settable file status flags (as Linux's SETFL_MASK).
const SETFL_MASK: c_int =
    libc::O_APPEND | libc::O_NONBLOCK | libc::O_NDELAY | libc::O_DIRECT | libc::O_NOATIME | libc::O_ASYNC;

// ------------------------------------------------------------------------------------
// open

enum Opened {
    Pass,
    Done(c_int),
}

unsafe fn try_open(dirfd: c_int, path: *const c_char, flags: c_int) -> Opened {
    let Some(p) = emulated_path(dirfd, path) else { return Opened::Pass };
    let Some(st) = state::state() else { return Opened::Pass };
    if let Some(idx) = st.node_by_path(&p) {
        return Opened::Done(open_node(st, idx, flags));
    }
    if let Some(idx) = emul::media_by_path(&p, &st.nodes) {
        return Opened::Done(open_media(st, idx, flags));
    }
    match emul::classify_sysfs(&p, &st.nodes) {
        Some((dev, SysItem::Attr(attr))) => Opened::Done(open_sysfs(st, dev, attr, flags)),
        Some(_) if flags & libc::O_ACCMODE != libc::O_RDONLY => Opened::Done(fail(libc::EISDIR, -1)),
        // An emulated /sys directory opened as a file (e.g. by opendir's open): not served.
        _ => Opened::Pass,
    }
}

unsafe fn open_node(st: &'static State, idx: usize, flags: c_int) -> c_int {
    if flags & libc::O_DIRECTORY != 0 {
        return fail(libc::ENOTDIR, -1);
    }
    if flags & (libc::O_CREAT | libc::O_EXCL) == (libc::O_CREAT | libc::O_EXCL) {
        return fail(libc::EEXIST, -1);
    }
    let nonblock = flags & libc::O_NONBLOCK != 0;
    let _in = Inside::enter();
    match st.backend.open(&st.nodes[idx].board_path, nonblock) {
        Ok(fd) => {
            let fdflags = if flags & libc::O_CLOEXEC != 0 { libc::FD_CLOEXEC } else { 0 };
            real::fcntl(fd, libc::F_SETFD, fdflags as c_ulong);
            st.add_open(fd, idx, flags & (libc::O_ACCMODE | SETFL_MASK), false);
            debug(|| format!("open {} -> fd {fd}", st.nodes[idx].app_path));
            fd
        }
        Err(e) => fail(e, -1),
    }
}

/// Opens media device `idx`: a real kernel fd (an eventfd of the layer's) stands for it; its
/// ioctls are served from the node's topology (`media::ioctl`).
unsafe fn open_media(st: &'static State, idx: usize, flags: c_int) -> c_int {
    if flags & libc::O_DIRECTORY != 0 {
        return fail(libc::ENOTDIR, -1);
    }
    if flags & (libc::O_CREAT | libc::O_EXCL) == (libc::O_CREAT | libc::O_EXCL) {
        return fail(libc::EEXIST, -1);
    }
    // Build the topology now: it asks the video node, which must not happen later with
    // application locks held.
    let _ = st.topology(idx);
    let _in = Inside::enter();
    let fd = libc::eventfd(0, libc::EFD_NONBLOCK | if flags & libc::O_CLOEXEC != 0 { libc::EFD_CLOEXEC } else { 0 });
    if fd < 0 {
        return -1;
    }
    st.add_open(fd, idx, flags & (libc::O_ACCMODE | SETFL_MASK), true);
    debug(|| format!("open {} -> fd {fd}", emul::media_path(idx)));
    fd
}

unsafe fn sysfs_fd(st: &'static State, dev: Dev, attr: SysAttr, cloexec: bool) -> c_int {
    let idx = match dev {
        Dev::Video(i) | Dev::Media(i) => i,
    };
    let text = emul::sysfs_content(dev, &st.nodes, attr, &st.card(idx));
    let _in = Inside::enter();
    let fd = libc::memfd_create(c"v4l2-sim-sysfs".as_ptr(), if cloexec { libc::MFD_CLOEXEC } else { 0 });
    if fd < 0 {
        return -1;
    }
    if real::write(fd, text.as_ptr().cast(), text.len()) != text.len() as ssize_t {
        let e = errno();
        real::close(fd);
        return fail(e, -1);
    }
    libc::lseek(fd, 0, libc::SEEK_SET);
    fd
}

unsafe fn open_sysfs(st: &'static State, dev: Dev, attr: SysAttr, flags: c_int) -> c_int {
    if flags & libc::O_ACCMODE != libc::O_RDONLY {
        return fail(libc::EACCES, -1);
    }
    sysfs_fd(st, dev, attr, flags & libc::O_CLOEXEC != 0)
}

/// `open(2)`: opens an emulated video node, media device or /sys attribute; anything else goes to libc.
#[no_mangle]
pub unsafe extern "C" fn open(path: *const c_char, flags: c_int, mode: mode_t) -> c_int {
    match try_open(libc::AT_FDCWD, path, flags) {
        Opened::Done(r) => r,
        Opened::Pass => real::open(path, flags, mode),
    }
}

/// `open64`: as [`open`].
#[no_mangle]
pub unsafe extern "C" fn open64(path: *const c_char, flags: c_int, mode: mode_t) -> c_int {
    match try_open(libc::AT_FDCWD, path, flags) {
        Opened::Done(r) => r,
        Opened::Pass => real::open64(path, flags, mode),
    }
}

/// `openat(2)`: as [`open`], with a relative `path` resolved against `dirfd`.
#[no_mangle]
pub unsafe extern "C" fn openat(dirfd: c_int, path: *const c_char, flags: c_int, mode: mode_t) -> c_int {
    match try_open(dirfd, path, flags) {
        Opened::Done(r) => r,
        Opened::Pass => real::openat(dirfd, path, flags, mode),
    }
}

/// `openat64`: as [`openat`].
#[no_mangle]
pub unsafe extern "C" fn openat64(dirfd: c_int, path: *const c_char, flags: c_int, mode: mode_t) -> c_int {
    match try_open(dirfd, path, flags) {
        Opened::Done(r) => r,
        Opened::Pass => real::openat64(dirfd, path, flags, mode),
    }
}

/// glibc's fortified `open` without a mode (`_FORTIFY_SOURCE`): as [`open`].
#[no_mangle]
pub unsafe extern "C" fn __open_2(path: *const c_char, flags: c_int) -> c_int {
    match try_open(libc::AT_FDCWD, path, flags) {
        Opened::Done(r) => r,
        Opened::Pass => real::__open_2(path, flags),
    }
}

/// glibc's fortified `open64` without a mode: as [`open`].
#[no_mangle]
pub unsafe extern "C" fn __open64_2(path: *const c_char, flags: c_int) -> c_int {
    match try_open(libc::AT_FDCWD, path, flags) {
        Opened::Done(r) => r,
        Opened::Pass => real::__open64_2(path, flags),
    }
}

/// glibc's fortified `openat` without a mode: as [`openat`].
#[no_mangle]
pub unsafe extern "C" fn __openat_2(dirfd: c_int, path: *const c_char, flags: c_int) -> c_int {
    match try_open(dirfd, path, flags) {
        Opened::Done(r) => r,
        Opened::Pass => real::__openat_2(dirfd, path, flags),
    }
}

/// glibc's fortified `openat64` without a mode: as [`openat`].
#[no_mangle]
pub unsafe extern "C" fn __openat64_2(dirfd: c_int, path: *const c_char, flags: c_int) -> c_int {
    match try_open(dirfd, path, flags) {
        Opened::Done(r) => r,
        Opened::Pass => real::__openat64_2(dirfd, path, flags),
    }
}

unsafe fn try_fopen(path: *const c_char, mode: *const c_char) -> Option<*mut libc::FILE> {
    let m = cstr(mode)?;
    let flags = match (m.as_bytes().first()?, m.contains('+')) {
        (b'r', false) => libc::O_RDONLY,
        (b'r', true) => libc::O_RDWR,
        (_, false) => libc::O_WRONLY | libc::O_CREAT,
        (_, true) => libc::O_RDWR | libc::O_CREAT,
    } | if m.contains('e') { libc::O_CLOEXEC } else { 0 };
    match try_open(libc::AT_FDCWD, path, flags) {
        Opened::Pass => None,
        Opened::Done(fd) if fd < 0 => Some(core::ptr::null_mut()),
        Opened::Done(fd) => {
            let f = libc::fdopen(fd, mode);
            if f.is_null() {
                let e = errno();
                close(fd);
                set_errno(e);
            }
            Some(f)
        }
    }
}

/// `fopen(3)`: an emulated path is opened as by [`open`] (flags from `mode`) and wrapped with `fdopen`.
#[no_mangle]
pub unsafe extern "C" fn fopen(path: *const c_char, mode: *const c_char) -> *mut libc::FILE {
    match try_fopen(path, mode) {
        Some(f) => f,
        None => real::fopen(path, mode),
    }
}

/// `fopen64`: as [`fopen`].
#[no_mangle]
pub unsafe extern "C" fn fopen64(path: *const c_char, mode: *const c_char) -> *mut libc::FILE {
    match try_fopen(path, mode) {
        Some(f) => f,
        None => real::fopen64(path, mode),
    }
}

// ------------------------------------------------------------------------------------
// close, dup

/// `close(2)`: releases an emulated open once its last fd (including `dup`s) is closed, and drops the fd's
/// epoll registrations.
#[no_mangle]
pub unsafe extern "C" fn close(fd: c_int) -> c_int {
    if state::inside() || !state::ANY_FD.load(Ordering::Acquire) {
        return real::close(fd);
    }
    let Some(st) = state::started() else { return real::close(fd) };
    let mut fds = lock(&st.fds);
    let open = match fds.get(&fd) {
        None => {
            drop(fds);
            st.forget_epoll(fd);
            return real::close(fd);
        }
        Some(FdEntry::Hidden(_)) => return fail(libc::EBADF, -1),
        Some(FdEntry::Node(o)) => o.clone(),
    };
    fds.remove(&fd);
    let others = fds.values().any(|e| matches!(e, FdEntry::Node(o) if Arc::ptr_eq(o, &open)));
    if others {
        if fd == open.vfs_fd {
            // The backend knows the open by this fd: keep it open, out of the application's sight.
            fds.insert(fd, FdEntry::Hidden(open));
            drop(fds);
            st.forget_epoll(fd);
            return 0;
        }
        drop(fds);
        st.forget_epoll(fd);
        return real::close(fd);
    }
    if fd != open.vfs_fd {
        fds.remove(&open.vfs_fd);
    }
    drop(fds);
    st.forget_epoll(fd);
    let _in = Inside::enter();
    debug(|| format!("close fd {fd} (backend fd {})", open.vfs_fd));
    let mut ret = 0;
    if fd != open.vfs_fd && real::close(fd) != 0 {
        ret = -1;
    }
    if open.media {
        return if real::close(open.vfs_fd) != 0 { -1 } else { ret };
    }
    match st.backend.close(open.vfs_fd) {
        Ok(()) => ret,
        Err(e) => fail(e, -1),
    }
}

/// `dup(2)`: the new fd of an emulated open refers to the same open.
#[no_mangle]
pub unsafe extern "C" fn dup(fd: c_int) -> c_int {
    let Some((st, open)) = open_of(fd) else {
        if hidden(fd) {
            return fail(libc::EBADF, -1);
        }
        return real::dup(fd);
    };
    let r = real::dup(fd);
    if r >= 0 {
        st.add_alias(r, open);
    }
    r
}

unsafe fn dup_onto(fd: c_int, fd2: c_int, flags: c_int, plain: bool) -> c_int {
    if state::inside() || !state::ANY_FD.load(Ordering::Acquire) {
        return if plain { real::dup2(fd, fd2) } else { real::dup3(fd, fd2, flags) };
    }
    if hidden(fd) || hidden(fd2) {
        // fd2 is the backend's fd of a still-duplicated open: it must stay untouched.
        return fail(if hidden(fd) { libc::EBADF } else { libc::EBUSY }, -1);
    }
    if fd == fd2 {
        return if plain { real::dup2(fd, fd2) } else { fail(libc::EINVAL, -1) };
    }
    let src = open_of(fd);
    if open_of(fd2).is_some() {
        // dup2 closes fd2 silently: release its emulated open the same way.
        close(fd2);
    }
    let r = if plain { real::dup2(fd, fd2) } else { real::dup3(fd, fd2, flags) };
    if r >= 0 {
        if let Some((st, open)) = src {
            st.add_alias(r, open);
        }
    }
    r
}

/// `dup2(2)`: the new fd of an emulated open refers to the same open; an emulated open at `fd2`
/// is released first, as [`close`] would.
#[no_mangle]
pub unsafe extern "C" fn dup2(fd: c_int, fd2: c_int) -> c_int {
    dup_onto(fd, fd2, 0, true)
}

/// `dup3(2)`: as [`dup2`], with `flags` (`O_CLOEXEC`).
#[no_mangle]
pub unsafe extern "C" fn dup3(fd: c_int, fd2: c_int, flags: c_int) -> c_int {
    dup_onto(fd, fd2, flags, false)
}

// ------------------------------------------------------------------------------------
// fcntl

unsafe fn do_fcntl(fd: c_int, cmd: c_int, arg: c_ulong, is64: bool) -> c_int {
    let pass = |fd, cmd, arg| if is64 { real::fcntl64(fd, cmd, arg) } else { real::fcntl(fd, cmd, arg) };
    let Some((st, open)) = open_of(fd) else {
        if hidden(fd) {
            return fail(libc::EBADF, -1);
        }
        return pass(fd, cmd, arg);
    };
    match cmd {
        libc::F_GETFL => open.status.load(Ordering::Acquire),
        libc::F_SETFL => {
            let old = open.status.load(Ordering::Acquire);
            let new = (old & !SETFL_MASK) | (arg as c_int & SETFL_MASK);
            if (old ^ new) & libc::O_NONBLOCK != 0 && !open.media {
                let _in = Inside::enter();
                if let Err(e) = st.backend.set_nonblock(open.vfs_fd, new & libc::O_NONBLOCK != 0) {
                    return fail(e, -1);
                }
            }
            open.status.store(new, Ordering::Release);
            0
        }
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

/// `fcntl(2)`: for an emulated fd, `F_GETFL`/`F_SETFL` use the open's status flags (a change of
/// `O_NONBLOCK` reaches the backend) and `F_DUPFD`/`F_DUPFD_CLOEXEC` duplicate the open.
#[no_mangle]
pub unsafe extern "C" fn fcntl(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    do_fcntl(fd, cmd, arg, false)
}

/// `fcntl64`: as [`fcntl`].
#[no_mangle]
pub unsafe extern "C" fn fcntl64(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    do_fcntl(fd, cmd, arg, true)
}

// ------------------------------------------------------------------------------------
// ioctl, read, write

/// `ioctl(2)`: on an emulated video node, forwarded to the backend; on an emulated media device,
/// served from its topology. `FIONBIO` sets `O_NONBLOCK` as [`fcntl`] does.
#[no_mangle]
pub unsafe extern "C" fn ioctl(fd: c_int, request: c_ulong, arg: *mut c_void) -> c_int {
    let Some((st, open)) = open_of(fd) else {
        if hidden(fd) {
            return fail(libc::EBADF, -1);
        }
        return real::ioctl(fd, request, arg);
    };
    // Linux truncates the command to 32 bits (callers may sign-extend an int).
    let request = request as u32;
    match request as c_ulong {
        libc::FIOCLEX | libc::FIONCLEX => return real::ioctl(fd, request as c_ulong, arg),
        libc::FIONBIO => {
            if arg.is_null() {
                return fail(libc::EFAULT, -1);
            }
            let on = *(arg as *const c_int) != 0;
            let flags = open.status.load(Ordering::Acquire);
            let flags = if on { flags | libc::O_NONBLOCK } else { flags & !libc::O_NONBLOCK };
            return do_fcntl(fd, libc::F_SETFL, flags as c_ulong, false);
        }
        _ => {}
    }
    let _in = Inside::enter();
    if open.media {
        let t = st.topology(open.node);
        return match media::ioctl(&t, request, arg) {
            Ok(r) => r,
            Err(e) => fail(e, -1),
        };
    }
    match st.backend.ioctl(open.vfs_fd, request, arg) {
        Ok(r) => r,
        Err(e) => fail(e, -1),
    }
}

/// V4L2 read()/write() I/O is not supported (no V4L2_CAP_READWRITE): EINVAL, as Linux
/// answers for a node without it. An 8-byte transfer still reaches the underlying eventfd:
/// that is how a board signals readiness from threads that are not inside the layer.
#[no_mangle]
pub unsafe extern "C" fn read(fd: c_int, buf: *mut c_void, count: size_t) -> ssize_t {
    // A media device has no read(): EINVAL whatever the size.
    if open_of(fd).is_some_and(|(_, o)| count != 8 || o.media) {
        return fail(libc::EINVAL, -1);
    }
    real::read(fd, buf, count)
}

/// `write(2)`: as [`read`], EINVAL on an emulated node except for an 8-byte eventfd transfer.
#[no_mangle]
pub unsafe extern "C" fn write(fd: c_int, buf: *const c_void, count: size_t) -> ssize_t {
    if open_of(fd).is_some_and(|(_, o)| count != 8 || o.media) {
        return fail(libc::EINVAL, -1);
    }
    real::write(fd, buf, count)
}

// ------------------------------------------------------------------------------------
// mmap, munmap

unsafe fn do_mmap(
    addr: *mut c_void,
    len: size_t,
    prot: c_int,
    flags: c_int,
    fd: c_int,
    off: off_t,
    is64: bool,
) -> *mut c_void {
    let Some((st, open)) = open_of(fd) else {
        if hidden(fd) {
            return fail(libc::EBADF, libc::MAP_FAILED);
        }
        return if is64 {
            real::mmap64(addr, len, prot, flags, fd, off)
        } else {
            real::mmap(addr, len, prot, flags, fd, off)
        };
    };
    // A media device cannot be mapped (no mmap file operation).
    if open.media {
        return fail(libc::ENODEV, libc::MAP_FAILED);
    }
    // videobuf2 accepts only shared mappings of a buffer.
    if flags & libc::MAP_SHARED == 0 || len == 0 || off < 0 {
        return fail(libc::EINVAL, libc::MAP_FAILED);
    }
    let _in = Inside::enter();
    let map = match st.backend.mmap(open.vfs_fd, off as u64, len) {
        Ok(m) => m,
        Err(e) => return fail(e, libc::MAP_FAILED),
    };
    let p = real::mmap(addr, len, prot, flags, map.arena_fd, map.arena_offset as off_t);
    if p == libc::MAP_FAILED {
        let e = errno();
        st.backend.munmap(map.region);
        return fail(e, libc::MAP_FAILED);
    }
    debug(|| format!("mmap fd {fd} offset {off:#x} len {len} -> {p:p} (arena {:#x})", map.arena_offset));
    lock(&st.maps).insert(p as usize, Mapping { len, map });
    p
}

/// `mmap(2)`: a shared mapping of a V4L2 buffer of an emulated node maps the buffer's region of
/// the backend's arena.
#[no_mangle]
pub unsafe extern "C" fn mmap(
    addr: *mut c_void,
    len: size_t,
    prot: c_int,
    flags: c_int,
    fd: c_int,
    off: off_t,
) -> *mut c_void {
    do_mmap(addr, len, prot, flags, fd, off, false)
}

/// `mmap64`: as [`mmap`].
#[no_mangle]
pub unsafe extern "C" fn mmap64(
    addr: *mut c_void,
    len: size_t,
    prot: c_int,
    flags: c_int,
    fd: c_int,
    off: off_t,
) -> *mut c_void {
    do_mmap(addr, len, prot, flags, fd, off, true)
}

/// `munmap(2)`: also tells the backend about every buffer mapping that starts in the range.
#[no_mangle]
pub unsafe extern "C" fn munmap(addr: *mut c_void, len: size_t) -> c_int {
    let st = match state::started() {
        Some(st) if !state::inside() && state::ANY_FD.load(Ordering::Acquire) => st,
        _ => return real::munmap(addr, len),
    };
    let start = addr as usize;
    let end = start.saturating_add(len);
    let gone: Vec<Mapping> = {
        let mut maps = lock(&st.maps);
        let keys: Vec<usize> = maps.keys().copied().filter(|&k| k >= start && k < end).collect();
        keys.into_iter().filter_map(|k| maps.remove(&k)).collect()
    };
    let r = real::munmap(addr, len);
    if !gone.is_empty() {
        let e = errno();
        let _in = Inside::enter();
        for m in gone {
            debug(|| format!("munmap {addr:p} len {} (arena {:#x})", m.len, m.map.arena_offset));
            st.backend.munmap(m.map.region);
        }
        set_errno(e);
    }
    r
}

// ------------------------------------------------------------------------------------
// poll, select, epoll

fn deadline_of(timeout_ms: c_int) -> Option<Instant> {
    (timeout_ms >= 0).then(|| Instant::now() + Duration::from_millis(timeout_ms as u64))
}

fn deadline_of_ts(ts: *const libc::timespec) -> Option<Instant> {
    if ts.is_null() {
        return None;
    }
    // SAFETY: caller's pointer, non-null.
    let ts = unsafe { &*ts };
    Some(Instant::now() + Duration::new(ts.tv_sec.max(0) as u64, ts.tv_nsec.clamp(0, 999_999_999) as u32))
}

fn remaining(deadline: Option<Instant>) -> Option<libc::timespec> {
    deadline.map(|d| {
        let left = d.saturating_duration_since(Instant::now());
        libc::timespec { tv_sec: left.as_secs() as libc::time_t, tv_nsec: left.subsec_nanos() as libc::c_long }
    })
}

fn expired(deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|d| Instant::now() >= d)
}

/// V4L2 readiness of an emulated open, as the kernel's poll reports it: the file's mask
/// restricted to the requested events plus POLLERR and POLLHUP.
fn emu_revents(st: &State, open: &Open, events: i16) -> i16 {
    let always = libc::POLLERR | libc::POLLHUP;
    if open.media {
        // media_poll() without a poll operation: DEFAULT_POLLMASK.
        return (libc::POLLIN | libc::POLLOUT | libc::POLLRDNORM | libc::POLLWRNORM) & events;
    }
    let _in = Inside::enter();
    match st.backend.poll(open.vfs_fd, events | always) {
        Ok(r) => r & (events | always),
        Err(_) => libc::POLLERR,
    }
}

/// poll() over a set that contains at least one emulated fd. `None` if it contains none.
unsafe fn emu_poll(
    fds: *mut pollfd,
    nfds: nfds_t,
    deadline: Option<Instant>,
    sigmask: *const libc::sigset_t,
) -> Option<c_int> {
    if state::inside() || !state::ANY_FD.load(Ordering::Acquire) || fds.is_null() || nfds == 0 {
        return None;
    }
    let st = state::started()?;
    let set = core::slice::from_raw_parts_mut(fds, nfds as usize);
    let emu: Vec<(usize, Arc<Open>)> = {
        let table = lock(&st.fds);
        set.iter()
            .enumerate()
            .filter_map(|(i, p)| match table.get(&p.fd) {
                Some(FdEntry::Node(o)) => Some((i, o.clone())),
                _ => None,
            })
            .collect()
    };
    if emu.is_empty() {
        return None;
    }
    // The set the kernel sees: real fds as given; emulated fds disabled for the readiness
    // check, and as "wake me when readiness may have changed" (POLLIN on the eventfd) for the wait.
    let mut check: Vec<pollfd> = set.to_vec();
    for (i, _) in &emu {
        check[*i].fd = -1;
    }
    let mut wait: Vec<pollfd> = set.to_vec();
    for (i, _) in &emu {
        wait[*i].events = libc::POLLIN;
    }
    loop {
        let mut n = 0;
        for (i, open) in &emu {
            let r = emu_revents(st, open, set[*i].events);
            set[*i].revents = r;
            if r != 0 {
                n += 1;
            }
        }
        let zero = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        let r = real::ppoll(check.as_mut_ptr(), check.len() as nfds_t, &zero, core::ptr::null());
        if r < 0 {
            return Some(-1);
        }
        for (i, p) in check.iter().enumerate() {
            if p.fd >= 0 || set[i].fd < 0 {
                set[i].revents = if set[i].fd < 0 { 0 } else { p.revents };
            }
        }
        n += r;
        if n > 0 || expired(deadline) {
            return Some(n);
        }
        let ts = remaining(deadline);
        let tsp = ts.as_ref().map_or(core::ptr::null(), |t| t as *const _);
        for p in wait.iter_mut() {
            p.revents = 0;
        }
        if real::ppoll(wait.as_mut_ptr(), wait.len() as nfds_t, tsp, sigmask) < 0 {
            return Some(-1);
        }
    }
}

/// `poll(2)`: a set with an emulated fd is waited on by the layer, which reports each emulated
/// open's V4L2 readiness; other sets go to libc.
#[no_mangle]
pub unsafe extern "C" fn poll(fds: *mut pollfd, nfds: nfds_t, timeout: c_int) -> c_int {
    match emu_poll(fds, nfds, deadline_of(timeout), core::ptr::null()) {
        Some(r) => r,
        None => real::poll(fds, nfds, timeout),
    }
}

/// `ppoll(2)`: as [`poll`], with a `timespec` timeout and a signal mask.
#[no_mangle]
pub unsafe extern "C" fn ppoll(
    fds: *mut pollfd,
    nfds: nfds_t,
    ts: *const libc::timespec,
    sigmask: *const libc::sigset_t,
) -> c_int {
    match emu_poll(fds, nfds, deadline_of_ts(ts), sigmask) {
        Some(r) => r,
        None => real::ppoll(fds, nfds, ts, sigmask),
    }
}

/// glibc's fortified `poll`: as [`poll`].
#[no_mangle]
pub unsafe extern "C" fn __poll_chk(fds: *mut pollfd, nfds: nfds_t, timeout: c_int, _fdslen: size_t) -> c_int {
    poll(fds, nfds, timeout)
}

/// glibc's fortified `ppoll`: as [`ppoll`].
#[no_mangle]
pub unsafe extern "C" fn __ppoll_chk(
    fds: *mut pollfd,
    nfds: nfds_t,
    ts: *const libc::timespec,
    sigmask: *const libc::sigset_t,
    _fdslen: size_t,
) -> c_int {
    ppoll(fds, nfds, ts, sigmask)
}

const POLLIN_SET: i16 = libc::POLLRDNORM | libc::POLLRDBAND | libc::POLLIN | libc::POLLHUP | libc::POLLERR;
const POLLOUT_SET: i16 = libc::POLLWRBAND | libc::POLLWRNORM | libc::POLLOUT | libc::POLLERR;
const POLLEX_SET: i16 = libc::POLLPRI;

/// select() over sets that contain at least one emulated fd, done as the kernel does it:
/// each fd is polled for POLLEX_SET plus POLLIN_SET / POLLOUT_SET as it is in the read /
/// write set. `None` if no emulated fd is in the sets.
unsafe fn emu_select(
    nfds: c_int,
    r: *mut libc::fd_set,
    w: *mut libc::fd_set,
    e: *mut libc::fd_set,
    deadline: Option<Instant>,
    sigmask: *const libc::sigset_t,
) -> Option<c_int> {
    if state::inside() || !state::ANY_FD.load(Ordering::Acquire) || !(0..=libc::FD_SETSIZE as c_int).contains(&nfds) {
        return None;
    }
    let st = state::started()?;
    let isset = |s: *mut libc::fd_set, fd: c_int| !s.is_null() && libc::FD_ISSET(fd, s);
    let mut pfds: Vec<pollfd> = Vec::new();
    let mut any_emu = false;
    for fd in 0..nfds {
        let (rd, wr, ex) = (isset(r, fd), isset(w, fd), isset(e, fd));
        if !(rd || wr || ex) {
            continue;
        }
        let mut ev = POLLEX_SET;
        if rd {
            ev |= POLLIN_SET;
        }
        if wr {
            ev |= POLLOUT_SET;
        }
        any_emu |= st.open_of(fd).is_some();
        pfds.push(pollfd { fd, events: ev, revents: 0 });
    }
    if !any_emu {
        return None;
    }
    let ret = emu_poll(pfds.as_mut_ptr(), pfds.len() as nfds_t, deadline, sigmask)?;
    if ret < 0 {
        return Some(-1);
    }
    let mut count = 0;
    let (rin, win, ein) = (!r.is_null(), !w.is_null(), !e.is_null());
    let mut out = |s: *mut libc::fd_set, fd: c_int, hit: bool| {
        if hit {
            libc::FD_SET(fd, s);
            count += 1;
        } else {
            libc::FD_CLR(fd, s);
        }
    };
    for p in &pfds {
        let rv = p.revents;
        if rin && libc::FD_ISSET(p.fd, r) {
            out(r, p.fd, rv & POLLIN_SET != 0);
        }
        if win && libc::FD_ISSET(p.fd, w) {
            out(w, p.fd, rv & POLLOUT_SET != 0);
        }
        if ein && libc::FD_ISSET(p.fd, e) {
            out(e, p.fd, rv & POLLEX_SET != 0);
        }
    }
    Some(count)
}

/// `select(2)`: sets with an emulated fd are waited on by the layer, with the kernel's mapping of
/// poll events to the read, write and exception sets; the time left is written back to `tv`.
#[no_mangle]
pub unsafe extern "C" fn select(
    nfds: c_int,
    r: *mut libc::fd_set,
    w: *mut libc::fd_set,
    e: *mut libc::fd_set,
    tv: *mut libc::timeval,
) -> c_int {
    let deadline = if tv.is_null() {
        None
    } else {
        let t = &*tv;
        Some(Instant::now() + Duration::new(t.tv_sec.max(0) as u64, (t.tv_usec.clamp(0, 999_999) * 1000) as u32))
    };
    match emu_select(nfds, r, w, e, deadline, core::ptr::null()) {
        Some(ret) => {
            if let Some(left) = remaining(deadline) {
                // Linux writes the time not slept back into the timeout.
                (*tv).tv_sec = left.tv_sec;
                (*tv).tv_usec = left.tv_nsec / 1000;
            }
            ret
        }
        None => real::select(nfds, r, w, e, tv),
    }
}

/// `pselect(2)`: as [`select`], with a `timespec` timeout and a signal mask.
#[no_mangle]
pub unsafe extern "C" fn pselect(
    nfds: c_int,
    r: *mut libc::fd_set,
    w: *mut libc::fd_set,
    e: *mut libc::fd_set,
    ts: *const libc::timespec,
    sigmask: *const libc::sigset_t,
) -> c_int {
    match emu_select(nfds, r, w, e, deadline_of_ts(ts), sigmask) {
        Some(ret) => ret,
        None => real::pselect(nfds, r, w, e, ts, sigmask),
    }
}

/// Tag in `epoll_event.data` of the kernel registration of an emulated fd (whose wake-ups
/// are never shown to the application).
const EPOLL_TAG: u64 = 0x7634_6c32_0000_0000;
const EPOLL_TAG_MASK: u64 = 0xffff_ffff_0000_0000;

/// `epoll_ctl(2)`: the layer keeps the application's events and data for an emulated fd, and
/// registers the fd with the kernel under a tag of its own.
#[no_mangle]
pub unsafe extern "C" fn epoll_ctl(epfd: c_int, op: c_int, fd: c_int, ev: *mut libc::epoll_event) -> c_int {
    let Some((st, _open)) = open_of(fd) else {
        return real::epoll_ctl(epfd, op, fd, ev);
    };
    match op {
        libc::EPOLL_CTL_ADD | libc::EPOLL_CTL_MOD => {
            if ev.is_null() {
                return fail(libc::EFAULT, -1);
            }
            let reg = EpollReg { fd, events: (*ev).events, data: (*ev).u64 };
            if op == libc::EPOLL_CTL_ADD {
                let mut kev = libc::epoll_event { events: libc::EPOLLIN as u32, u64: EPOLL_TAG | fd as u32 as u64 };
                let r = real::epoll_ctl(epfd, op, fd, &mut kev);
                if r != 0 {
                    return r;
                }
                lock(&st.epolls).entry(epfd).or_default().push(reg);
                0
            } else {
                let mut eps = lock(&st.epolls);
                match eps.get_mut(&epfd).and_then(|regs| regs.iter_mut().find(|r| r.fd == fd)) {
                    Some(r) => {
                        *r = reg;
                        0
                    }
                    None => fail(libc::ENOENT, -1),
                }
            }
        }
        libc::EPOLL_CTL_DEL => {
            let r = real::epoll_ctl(epfd, op, fd, ev);
            if let Some(regs) = lock(&st.epolls).get_mut(&epfd) {
                regs.retain(|r| r.fd != fd);
            }
            r
        }
        _ => real::epoll_ctl(epfd, op, fd, ev),
    }
}

unsafe fn emu_epoll_wait(
    epfd: c_int,
    evs: *mut libc::epoll_event,
    max: c_int,
    deadline: Option<Instant>,
    sigmask: *const libc::sigset_t,
) -> Option<c_int> {
    if state::inside() || !state::ANY_FD.load(Ordering::Acquire) || max <= 0 || evs.is_null() {
        return None;
    }
    let st = state::started()?;
    if lock(&st.epolls).get(&epfd).is_none_or(|r| r.is_empty()) {
        return None;
    }
    let max = max as usize;
    let mut kbuf: Vec<libc::epoll_event> = vec![libc::epoll_event { events: 0, u64: 0 }; max];
    let mut pending: Vec<libc::epoll_event> = Vec::new();
    loop {
        let regs: Vec<EpollReg> = lock(&st.epolls).get(&epfd).cloned().unwrap_or_default();
        let mut out: Vec<libc::epoll_event> = core::mem::take(&mut pending);
        for reg in &regs {
            if out.len() >= max {
                break;
            }
            let Some(open) = st.open_of(reg.fd) else { continue };
            let want = (reg.events & 0xffff) as i16;
            let r = emu_revents(st, &open, want);
            if r != 0 {
                out.push(libc::epoll_event { events: r as u16 as u32, u64: reg.data });
                if reg.events & libc::EPOLLONESHOT as u32 != 0 {
                    if let Some(x) = lock(&st.epolls).get_mut(&epfd).and_then(|v| v.iter_mut().find(|x| x.fd == reg.fd))
                    {
                        x.events = 0;
                    }
                }
            }
        }
        if out.len() < max {
            let n = real::epoll_wait(epfd, kbuf.as_mut_ptr(), (max - out.len()) as c_int, 0);
            if n < 0 {
                return Some(-1);
            }
            out.extend(kbuf[..n as usize].iter().filter(|e| e.u64 & EPOLL_TAG_MASK != EPOLL_TAG).copied());
        }
        if !out.is_empty() || expired(deadline) {
            core::ptr::copy_nonoverlapping(out.as_ptr(), evs, out.len());
            return Some(out.len() as c_int);
        }
        let ms = remaining(deadline).map_or(-1, |t| (t.tv_sec * 1000 + (t.tv_nsec + 999_999) / 1_000_000) as c_int);
        let n = real::epoll_pwait(epfd, kbuf.as_mut_ptr(), max as c_int, ms, sigmask);
        if n < 0 {
            return Some(-1);
        }
        // Real fds that became ready are reported with the emulated ones on the next round.
        pending = kbuf[..n as usize].iter().filter(|e| e.u64 & EPOLL_TAG_MASK != EPOLL_TAG).copied().collect();
    }
}

/// `epoll_wait(2)`: on an epoll instance holding an emulated fd, the layer reports the emulated
/// opens' readiness together with the kernel's events for the other fds.
#[no_mangle]
pub unsafe extern "C" fn epoll_wait(epfd: c_int, evs: *mut libc::epoll_event, max: c_int, timeout: c_int) -> c_int {
    match emu_epoll_wait(epfd, evs, max, deadline_of(timeout), core::ptr::null()) {
        Some(r) => r,
        None => real::epoll_wait(epfd, evs, max, timeout),
    }
}

/// `epoll_pwait(2)`: as [`epoll_wait`], with a signal mask.
#[no_mangle]
pub unsafe extern "C" fn epoll_pwait(
    epfd: c_int,
    evs: *mut libc::epoll_event,
    max: c_int,
    timeout: c_int,
    sigmask: *const libc::sigset_t,
) -> c_int {
    match emu_epoll_wait(epfd, evs, max, deadline_of(timeout), sigmask) {
        Some(r) => r,
        None => real::epoll_pwait(epfd, evs, max, timeout, sigmask),
    }
}

// ------------------------------------------------------------------------------------
// stat family

fn dev_stat(st: &State, dev: Dev) -> emul::NodeStat {
    match dev {
        Dev::Video(i) => emul::node_stat(&st.nodes[i], st.start_time),
        Dev::Media(i) => emul::media_stat(i, st.start_time),
    }
}

unsafe fn stat_path(dirfd: c_int, path: *const c_char) -> Option<emul::NodeStat> {
    let (st, dev) = node_at(dirfd, path)?;
    Some(dev_stat(st, dev))
}

fn stat_fd(fd: c_int) -> Option<emul::NodeStat> {
    let (st, open) = open_of(fd)?;
    Some(dev_stat(st, if open.media { Dev::Media(open.node) } else { Dev::Video(open.node) }))
}

unsafe fn stat_at(dirfd: c_int, path: *const c_char, flags: c_int) -> Option<emul::NodeStat> {
    if flags & libc::AT_EMPTY_PATH != 0 && cstr(path).is_some_and(str::is_empty) {
        return stat_fd(dirfd);
    }
    stat_path(dirfd, path)
}

macro_rules! stat_out {
    ($ns:expr, $buf:expr) => {{
        if $buf.is_null() {
            return fail(libc::EFAULT, -1);
        }
        emul::fill_stat(&$ns, &mut *($buf as *mut libc::stat));
        return 0;
    }};
}

/// `stat(2)`: an emulated video node or media device is described as a character device.
#[no_mangle]
pub unsafe extern "C" fn stat(path: *const c_char, buf: *mut libc::stat) -> c_int {
    if let Some(ns) = stat_path(libc::AT_FDCWD, path) {
        stat_out!(ns, buf);
    }
    real::stat(path, buf)
}

/// `lstat(2)`: as [`stat`] (an emulated node is never a symbolic link).
#[no_mangle]
pub unsafe extern "C" fn lstat(path: *const c_char, buf: *mut libc::stat) -> c_int {
    if let Some(ns) = stat_path(libc::AT_FDCWD, path) {
        stat_out!(ns, buf);
    }
    real::lstat(path, buf)
}

/// `fstat(2)`: as [`stat`], for the fd of an emulated open.
#[no_mangle]
pub unsafe extern "C" fn fstat(fd: c_int, buf: *mut libc::stat) -> c_int {
    if let Some(ns) = stat_fd(fd) {
        stat_out!(ns, buf);
    }
    real::fstat(fd, buf)
}

/// `fstatat(2)`: as [`stat`], relative to `dirfd` (or the fd itself with `AT_EMPTY_PATH`).
#[no_mangle]
pub unsafe extern "C" fn fstatat(dirfd: c_int, path: *const c_char, buf: *mut libc::stat, flags: c_int) -> c_int {
    if let Some(ns) = stat_at(dirfd, path, flags) {
        stat_out!(ns, buf);
    }
    real::fstatat(dirfd, path, buf, flags)
}

/// `stat64`: as [`stat`].
#[no_mangle]
pub unsafe extern "C" fn stat64(path: *const c_char, buf: *mut libc::stat64) -> c_int {
    if let Some(ns) = stat_path(libc::AT_FDCWD, path) {
        stat_out!(ns, buf);
    }
    real::stat64(path, buf)
}

/// `lstat64`: as [`lstat`].
#[no_mangle]
pub unsafe extern "C" fn lstat64(path: *const c_char, buf: *mut libc::stat64) -> c_int {
    if let Some(ns) = stat_path(libc::AT_FDCWD, path) {
        stat_out!(ns, buf);
    }
    real::lstat64(path, buf)
}

/// `fstat64`: as [`fstat`].
#[no_mangle]
pub unsafe extern "C" fn fstat64(fd: c_int, buf: *mut libc::stat64) -> c_int {
    if let Some(ns) = stat_fd(fd) {
        stat_out!(ns, buf);
    }
    real::fstat64(fd, buf)
}

/// `fstatat64`: as [`fstatat`].
#[no_mangle]
pub unsafe extern "C" fn fstatat64(dirfd: c_int, path: *const c_char, buf: *mut libc::stat64, flags: c_int) -> c_int {
    if let Some(ns) = stat_at(dirfd, path, flags) {
        stat_out!(ns, buf);
    }
    real::fstatat64(dirfd, path, buf, flags)
}

// glibc before 2.33 exported stat through these (`_STAT_VER` 1 on x86_64 is the layout of
// `struct stat`): programs built against it still call them.
/// Pre-2.33 glibc entry point of `stat`: as [`stat`] (the version argument is ignored).
#[no_mangle]
pub unsafe extern "C" fn __xstat(_ver: c_int, path: *const c_char, buf: *mut libc::stat) -> c_int {
    stat(path, buf)
}

/// Pre-2.33 glibc entry point of `lstat`: as [`lstat`].
#[no_mangle]
pub unsafe extern "C" fn __lxstat(_ver: c_int, path: *const c_char, buf: *mut libc::stat) -> c_int {
    lstat(path, buf)
}

/// Pre-2.33 glibc entry point of `fstat`: as [`fstat`].
#[no_mangle]
pub unsafe extern "C" fn __fxstat(_ver: c_int, fd: c_int, buf: *mut libc::stat) -> c_int {
    fstat(fd, buf)
}

/// Pre-2.33 glibc entry point of `fstatat`: as [`fstatat`].
#[no_mangle]
pub unsafe extern "C" fn __fxstatat(
    _ver: c_int,
    dirfd: c_int,
    path: *const c_char,
    buf: *mut libc::stat,
    flags: c_int,
) -> c_int {
    fstatat(dirfd, path, buf, flags)
}

/// Pre-2.33 glibc entry point of `stat64`: as [`stat64`].
#[no_mangle]
pub unsafe extern "C" fn __xstat64(_ver: c_int, path: *const c_char, buf: *mut libc::stat64) -> c_int {
    stat64(path, buf)
}

/// Pre-2.33 glibc entry point of `lstat64`: as [`lstat64`].
#[no_mangle]
pub unsafe extern "C" fn __lxstat64(_ver: c_int, path: *const c_char, buf: *mut libc::stat64) -> c_int {
    lstat64(path, buf)
}

/// Pre-2.33 glibc entry point of `fstat64`: as [`fstat64`].
#[no_mangle]
pub unsafe extern "C" fn __fxstat64(_ver: c_int, fd: c_int, buf: *mut libc::stat64) -> c_int {
    fstat64(fd, buf)
}

/// Pre-2.33 glibc entry point of `fstatat64`: as [`fstatat64`].
#[no_mangle]
pub unsafe extern "C" fn __fxstatat64(
    _ver: c_int,
    dirfd: c_int,
    path: *const c_char,
    buf: *mut libc::stat64,
    flags: c_int,
) -> c_int {
    fstatat64(dirfd, path, buf, flags)
}

/// `statx(2)`: as [`fstatat`], filling a `struct statx`.
#[no_mangle]
pub unsafe extern "C" fn statx(
    dirfd: c_int,
    path: *const c_char,
    flags: c_int,
    mask: c_uint,
    buf: *mut libc::statx,
) -> c_int {
    if let Some(ns) = stat_at(dirfd, path, flags) {
        if buf.is_null() {
            return fail(libc::EFAULT, -1);
        }
        emul::fill_statx(&ns, &mut *buf);
        return 0;
    }
    real::statx(dirfd, path, flags, mask, buf)
}

// ------------------------------------------------------------------------------------
// access, readlink, realpath

unsafe fn access_emul(dirfd: c_int, path: *const c_char, mode: c_int) -> Option<c_int> {
    let p = emulated_path(dirfd, path)?;
    let st = state::state()?;
    let is_node = st.node_by_path(&p).is_some() || emul::media_by_path(&p, &st.nodes).is_some();
    let sys = emul::classify_sysfs(&p, &st.nodes);
    let is_sys = matches!(sys, Some((_, SysItem::Attr(_))));
    if matches!(sys, Some((_, SysItem::Dir | SysItem::DeviceDir))) {
        // Directories: readable and searchable, not writable.
        return Some(if mode & libc::W_OK != 0 { fail(libc::EACCES, -1) } else { 0 });
    }
    if !is_node && !is_sys {
        return None;
    }
    if mode & libc::X_OK != 0 || (is_sys && mode & libc::W_OK != 0) {
        return Some(fail(libc::EACCES, -1));
    }
    Some(0)
}

/// `access(2)`: emulated nodes are readable and writable, /sys attributes read-only, emulated
/// /sys directories readable and searchable; nothing emulated is executable.
#[no_mangle]
pub unsafe extern "C" fn access(path: *const c_char, mode: c_int) -> c_int {
    access_emul(libc::AT_FDCWD, path, mode).unwrap_or_else(|| real::access(path, mode))
}

/// `euidaccess(3)`: as [`access`].
#[no_mangle]
pub unsafe extern "C" fn euidaccess(path: *const c_char, mode: c_int) -> c_int {
    access_emul(libc::AT_FDCWD, path, mode).unwrap_or_else(|| real::euidaccess(path, mode))
}

/// `eaccess(3)`: as [`access`].
#[no_mangle]
pub unsafe extern "C" fn eaccess(path: *const c_char, mode: c_int) -> c_int {
    euidaccess(path, mode)
}

/// `faccessat(2)`: as [`access`], relative to `dirfd`.
#[no_mangle]
pub unsafe extern "C" fn faccessat(dirfd: c_int, path: *const c_char, mode: c_int, flags: c_int) -> c_int {
    access_emul(dirfd, path, mode).unwrap_or_else(|| real::faccessat(dirfd, path, mode, flags))
}

/// `readlink(2)`: EINVAL for an emulated node (a device, not a symbolic link).
#[no_mangle]
pub unsafe extern "C" fn readlink(path: *const c_char, buf: *mut c_char, size: size_t) -> ssize_t {
    if node_at(libc::AT_FDCWD, path).is_some() {
        // A device node, not a symbolic link.
        return fail(libc::EINVAL, -1);
    }
    real::readlink(path, buf, size)
}

/// `readlinkat(2)`: as [`readlink`], relative to `dirfd`.
#[no_mangle]
pub unsafe extern "C" fn readlinkat(dirfd: c_int, path: *const c_char, buf: *mut c_char, size: size_t) -> ssize_t {
    if node_at(dirfd, path).is_some() {
        return fail(libc::EINVAL, -1);
    }
    real::readlinkat(dirfd, path, buf, size)
}

/// `realpath(3)`: an emulated node resolves to its own application path.
#[no_mangle]
pub unsafe extern "C" fn realpath(path: *const c_char, resolved: *mut c_char) -> *mut c_char {
    if let Some((st, dev)) = node_at(libc::AT_FDCWD, path) {
        let p = dev_path(st, dev);
        let p = p.as_bytes();
        if p.len() >= libc::PATH_MAX as usize {
            return fail(libc::ENAMETOOLONG, core::ptr::null_mut());
        }
        let out = if resolved.is_null() { libc::malloc(p.len() + 1) as *mut c_char } else { resolved };
        if out.is_null() {
            return fail(libc::ENOMEM, core::ptr::null_mut());
        }
        core::ptr::copy_nonoverlapping(p.as_ptr(), out as *mut u8, p.len());
        *out.add(p.len()) = 0;
        return out;
    }
    real::realpath(path, resolved)
}

// ------------------------------------------------------------------------------------
// directory scans: the emulated nodes appear in listings of their directory (/dev)

/// `opendir(3)`: a scan of /dev (or of a configured node's directory) also lists the emulated
/// nodes; emulated /sys directories are listed entirely by the layer.
#[no_mangle]
pub unsafe extern "C" fn opendir(path: *const c_char) -> *mut libc::DIR {
    if let Some(d) = emu_sysfs_opendir(path) {
        return d;
    }
    let dir = real::opendir(path);
    if dir.is_null() || state::inside() {
        return dir;
    }
    let Some(p) = cstr(path) else { return dir };
    let p = emul::normalize(p);
    let might = match state::configured_paths() {
        Some(list) if list.iter().any(|a| parent(a) == p) => true,
        _ => p == "/dev",
    };
    if !might {
        return dir;
    }
    let Some(st) = state::state() else { return dir };
    let mut extra: Vec<DirExtra> = st
        .nodes
        .iter()
        .filter(|n| parent(&n.app_path) == p)
        .map(|n| DirExtra {
            name: emul::basename(&n.app_path).to_owned(),
            ino: emul::node_stat(n, 0).ino,
            dtype: libc::DT_CHR,
        })
        .collect();
    if p == "/dev" {
        extra.extend((0..st.nodes.len()).map(|i| DirExtra {
            name: emul::media_devname(i),
            ino: emul::media_stat(i, 0).ino,
            dtype: libc::DT_CHR,
        }));
    }
    if !extra.is_empty() {
        let entry = Box::new(core::mem::zeroed::<libc::dirent64>());
        lock(&st.dirs).insert(dir as usize, DirScan { extra, next: 0, entry, only_extra: false });
    }
    dir
}

/// opendir() of an emulated /sys directory (`/sys/dev/char/81:N`, its `device` directory
/// that lists `media<i>`, `/sys/dev/char/237:i`...): a `DIR *` over a real directory ("/")
/// that is never read, whose entries all come from the layer.
unsafe fn emu_sysfs_opendir(path: *const c_char) -> Option<*mut libc::DIR> {
    let p = emulated_path(libc::AT_FDCWD, path)?;
    if !p.starts_with("/sys/") {
        return None;
    }
    let st = state::state()?;
    let (dev, item) = emul::classify_sysfs(&p, &st.nodes)?;
    if let SysItem::Attr(_) = item {
        return Some(fail(libc::ENOTDIR, core::ptr::null_mut()));
    }
    let dir = {
        let _in = Inside::enter();
        real::opendir(c"/".as_ptr())
    };
    if dir.is_null() {
        return Some(dir);
    }
    let extra = emul::sysfs_dir_entries(dev, item)
        .into_iter()
        .enumerate()
        .map(|(i, (name, dtype))| DirExtra { name, ino: 0x5636_0000 + i as u64, dtype })
        .collect();
    let entry = Box::new(core::mem::zeroed::<libc::dirent64>());
    lock(&st.dirs).insert(dir as usize, DirScan { extra, next: 0, entry, only_extra: true });
    Some(dir)
}

fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => "",
    }
}

unsafe fn emu_readdir(dir: *mut libc::DIR) -> Option<*mut libc::dirent64> {
    if state::inside() || dir.is_null() {
        return None;
    }
    let st = state::started()?;
    let only_extra = lock(&st.dirs).get(&(dir as usize))?.only_extra;
    // Real entries first (unless the directory is wholly emulated), then the extra ones.
    if !only_extra {
        loop {
            let saved = errno();
            let e = real::readdir64(dir);
            if e.is_null() {
                if errno() != saved {
                    return Some(e);
                }
                break;
            }
            let name = CStr::from_ptr((*e).d_name.as_ptr());
            let dirs = lock(&st.dirs);
            let scan = dirs.get(&(dir as usize))?;
            // The emulated node hides a real file of the same name.
            if !scan.extra.iter().any(|x| x.name.as_bytes() == name.to_bytes()) {
                return Some(e);
            }
        }
    }
    let mut dirs = lock(&st.dirs);
    let scan = dirs.get_mut(&(dir as usize))?;
    let Some(x) = scan.extra.get(scan.next).cloned() else {
        return Some(core::ptr::null_mut());
    };
    scan.next += 1;
    let ent = &mut *scan.entry;
    ent.d_ino = x.ino;
    ent.d_off = 0x7fff_0000 + scan.next as i64;
    ent.d_reclen = core::mem::size_of::<libc::dirent64>() as u16;
    ent.d_type = x.dtype;
    ent.d_name = [0; 256];
    for (d, s) in ent.d_name.iter_mut().zip(x.name.bytes().take(255)) {
        *d = s as c_char;
    }
    Some(ent as *mut libc::dirent64)
}

/// `readdir64(3)`: returns the emulated entries of a scan opened by [`opendir`] besides the real ones.
#[no_mangle]
pub unsafe extern "C" fn readdir64(dir: *mut libc::DIR) -> *mut libc::dirent64 {
    match emu_readdir(dir) {
        Some(e) => e,
        None => real::readdir64(dir),
    }
}

/// `readdir(3)`: as [`readdir64`].
#[no_mangle]
pub unsafe extern "C" fn readdir(dir: *mut libc::DIR) -> *mut libc::dirent {
    // `struct dirent` and `struct dirent64` have the same layout on 64-bit Linux.
    const _: () = assert!(core::mem::size_of::<libc::dirent>() == core::mem::size_of::<libc::dirent64>());
    match emu_readdir(dir) {
        Some(e) => e.cast(),
        None => real::readdir(dir),
    }
}

/// `rewinddir(3)`: also restarts the scan's emulated entries.
#[no_mangle]
pub unsafe extern "C" fn rewinddir(dir: *mut libc::DIR) {
    if let Some(st) = state::started() {
        if let Some(scan) = lock(&st.dirs).get_mut(&(dir as usize)) {
            scan.next = 0;
        }
    }
    real::rewinddir(dir)
}

/// `closedir(3)`: also forgets the scan's emulated entries.
#[no_mangle]
pub unsafe extern "C" fn closedir(dir: *mut libc::DIR) -> c_int {
    if let Some(st) = state::started() {
        lock(&st.dirs).remove(&(dir as usize));
    }
    real::closedir(dir)
}

// ------------------------------------------------------------------------------------

fn debug(msg: impl FnOnce() -> String) {
    use std::sync::OnceLock;
    static ON: OnceLock<bool> = OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("V4L2_SIM_DEBUG").is_some()) {
        let _in = Inside::enter();
        eprintln!("v4l2-sim-compat: {}", msg());
    }
}
