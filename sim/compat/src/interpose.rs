//! The interposed libc entry points: one thin `extern "C"` shim per function.
//!
//! Each shim asks the layer that owns the call (the fd/mmap manager (`fds`), the
//! wait engines (`wait`), the /dev and /sys view (`view`)) and, when that
//! answers `None` (not an emulated node, fd, mapping or scan; or the calling thread is
//! inside the layer), calls the real libc function with the arguments unchanged.
//!
//! C-variadic functions (`open`, `openat`, `fcntl`, `ioctl`) are defined with their optional
//! argument as a fixed one. That is ABI-compatible on x86_64 and aarch64 Linux, where the
//! variadic and fixed integer/pointer arguments travel in the same registers.
//!
//! # Safety
//!
//! Every shim has the contract of the libc function it stands for: pointers are NULL or
//! valid for what that function reads and writes.

#![allow(clippy::missing_safety_doc)]

use crate::{fds, real, udev, view, wait};
use core::ffi::{c_char, c_int, c_uint, c_ulong, c_void};
use libc::{mode_t, nfds_t, off_t, pollfd, size_t, ssize_t};

/// `open(2)`: opens an emulated video node, media device or /sys attribute; anything else goes to libc.
#[no_mangle]
pub unsafe extern "C" fn open(path: *const c_char, flags: c_int, mode: mode_t) -> c_int {
    // SAFETY: `path` is a C string, as open(2) requires.
    match unsafe { fds::open(libc::AT_FDCWD, path, flags) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(libc::AT_FDCWD, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::open(p.ptr(), flags, mode) }
        }
    }
}

/// `open64`: as [`open`].
#[no_mangle]
pub unsafe extern "C" fn open64(path: *const c_char, flags: c_int, mode: mode_t) -> c_int {
    // SAFETY: as open(2).
    match unsafe { fds::open(libc::AT_FDCWD, path, flags) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(libc::AT_FDCWD, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::open64(p.ptr(), flags, mode) }
        }
    }
}

/// `openat(2)`: as [`open`], with a relative `path` resolved against `dirfd`.
#[no_mangle]
pub unsafe extern "C" fn openat(dirfd: c_int, path: *const c_char, flags: c_int, mode: mode_t) -> c_int {
    // SAFETY: as openat(2).
    match unsafe { fds::open(dirfd, path, flags) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(dirfd, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::openat(dirfd, p.ptr(), flags, mode) }
        }
    }
}

/// `openat64`: as [`openat`].
#[no_mangle]
pub unsafe extern "C" fn openat64(dirfd: c_int, path: *const c_char, flags: c_int, mode: mode_t) -> c_int {
    // SAFETY: as openat(2).
    match unsafe { fds::open(dirfd, path, flags) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(dirfd, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::openat64(dirfd, p.ptr(), flags, mode) }
        }
    }
}

/// glibc's fortified `open` without a mode (`_FORTIFY_SOURCE`): as [`open`].
#[no_mangle]
pub unsafe extern "C" fn __open_2(path: *const c_char, flags: c_int) -> c_int {
    // SAFETY: as open(2).
    match unsafe { fds::open(libc::AT_FDCWD, path, flags) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(libc::AT_FDCWD, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::__open_2(p.ptr(), flags) }
        }
    }
}

/// glibc's fortified `open64` without a mode: as [`open`].
#[no_mangle]
pub unsafe extern "C" fn __open64_2(path: *const c_char, flags: c_int) -> c_int {
    // SAFETY: as open(2).
    match unsafe { fds::open(libc::AT_FDCWD, path, flags) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(libc::AT_FDCWD, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::__open64_2(p.ptr(), flags) }
        }
    }
}

/// glibc's fortified `openat` without a mode: as [`openat`].
#[no_mangle]
pub unsafe extern "C" fn __openat_2(dirfd: c_int, path: *const c_char, flags: c_int) -> c_int {
    // SAFETY: as openat(2).
    match unsafe { fds::open(dirfd, path, flags) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(dirfd, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::__openat_2(dirfd, p.ptr(), flags) }
        }
    }
}

/// glibc's fortified `openat64` without a mode: as [`openat`].
#[no_mangle]
pub unsafe extern "C" fn __openat64_2(dirfd: c_int, path: *const c_char, flags: c_int) -> c_int {
    // SAFETY: as openat(2).
    match unsafe { fds::open(dirfd, path, flags) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(dirfd, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::__openat64_2(dirfd, p.ptr(), flags) }
        }
    }
}

/// `fopen(3)`: an emulated path is opened as by [`open`] (flags from `mode`) and wrapped with `fdopen`.
#[no_mangle]
pub unsafe extern "C" fn fopen(path: *const c_char, mode: *const c_char) -> *mut libc::FILE {
    // SAFETY: `path` and `mode` are C strings, as fopen(3) requires.
    match unsafe { fds::fopen(path, mode) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(libc::AT_FDCWD, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::fopen(p.ptr(), mode) }
        }
    }
}

/// `fopen64`: as [`fopen`].
#[no_mangle]
pub unsafe extern "C" fn fopen64(path: *const c_char, mode: *const c_char) -> *mut libc::FILE {
    // SAFETY: as fopen(3).
    match unsafe { fds::fopen(path, mode) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(libc::AT_FDCWD, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::fopen64(p.ptr(), mode) }
        }
    }
}

/// `close(2)`: releases an emulated open once its last fd (including `dup`s) is closed, and drops the fd's epoll registrations.
#[no_mangle]
pub unsafe extern "C" fn close(fd: c_int) -> c_int {
    match fds::close(fd) {
        Some(r) => r,
        // SAFETY: the caller's arguments, unchanged; closing an fd of the application's.
        None => unsafe { real::close(fd) },
    }
}

/// `dup(2)`: the new fd of an emulated open refers to the same open.
#[no_mangle]
pub unsafe extern "C" fn dup(fd: c_int) -> c_int {
    match fds::dup(fd) {
        Some(r) => r,
        // SAFETY: the caller's arguments, unchanged; duplicating an fd of the application's.
        None => unsafe { real::dup(fd) },
    }
}

/// `dup2(2)`: the new fd of an emulated open refers to the same open; an emulated open at `fd2` is released first, as [`close`] would.
#[no_mangle]
pub unsafe extern "C" fn dup2(fd: c_int, fd2: c_int) -> c_int {
    match fds::dup_onto(fd, fd2, 0, true) {
        Some(r) => r,
        // SAFETY: the caller's arguments, unchanged; as dup2(2).
        None => unsafe { real::dup2(fd, fd2) },
    }
}

/// `dup3(2)`: as [`dup2`], with `flags` (`O_CLOEXEC`).
#[no_mangle]
pub unsafe extern "C" fn dup3(fd: c_int, fd2: c_int, flags: c_int) -> c_int {
    match fds::dup_onto(fd, fd2, flags, false) {
        Some(r) => r,
        // SAFETY: the caller's arguments, unchanged; as dup3(2).
        None => unsafe { real::dup3(fd, fd2, flags) },
    }
}

/// `ioctl(2)`: on an emulated video node, forwarded to the backend; on an emulated media device, served from its topology. `FIONBIO` sets `O_NONBLOCK` as [`fcntl`] does.
#[no_mangle]
pub unsafe extern "C" fn ioctl(fd: c_int, request: c_ulong, arg: *mut c_void) -> c_int {
    // SAFETY: `arg` is valid for what `request` encodes, as ioctl(2) requires.
    match unsafe { fds::ioctl(fd, request, arg) } {
        Some(r) => r,
        // SAFETY: the caller's arguments, unchanged.
        None => unsafe { real::ioctl(fd, request, arg) },
    }
}

/// `read(2)`: V4L2 read()/write() I/O is not supported (no V4L2_CAP_READWRITE): EINVAL for any length, as Linux answers for a node without it; the eventfd behind the fd is never reached.
#[no_mangle]
pub unsafe extern "C" fn read(fd: c_int, buf: *mut c_void, count: size_t) -> ssize_t {
    match fds::read_write(fd) {
        Some(r) => r,
        // SAFETY: the caller's arguments, unchanged; `buf` is valid for `count` bytes, as read(2) requires.
        None => unsafe { real::read(fd, buf, count) },
    }
}

/// `write(2)`: as [`read`], EINVAL on an emulated node.
#[no_mangle]
pub unsafe extern "C" fn write(fd: c_int, buf: *const c_void, count: size_t) -> ssize_t {
    match fds::read_write(fd) {
        Some(r) => r,
        // SAFETY: the caller's arguments, unchanged; `buf` is valid for `count` bytes, as write(2) requires.
        None => unsafe { real::write(fd, buf, count) },
    }
}

/// `mmap(2)`: a shared mapping of a V4L2 buffer of an emulated node maps the buffer's memory (the memfd of the node's arena); a `MAP_FIXED` mapping of anything else over a buffer mapping unmaps that part of it; a `MAP_FIXED` mapping over memory a queued USERPTR buffer holds is refused (EPERM).
#[no_mangle]
pub unsafe extern "C" fn mmap(
    addr: *mut c_void,
    len: size_t,
    prot: c_int,
    flags: c_int,
    fd: c_int,
    off: off_t,
) -> *mut c_void {
    if flags & libc::MAP_FIXED != 0 && fds::device_holds(addr as usize, len) {
        return crate::sys::fail(libc::EPERM, libc::MAP_FAILED);
    }
    // SAFETY: as mmap(2).
    match unsafe { fds::mmap(addr, len, prot, flags, fd, off) } {
        Some(r) => r,
        None => {
            // SAFETY: the caller's arguments, unchanged.
            let p = unsafe { real::mmap(addr, len, prot, flags, fd, off) };
            if p != libc::MAP_FAILED && flags & libc::MAP_FIXED != 0 {
                fds::mapped_fixed(p, len);
            }
            p
        }
    }
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
    if flags & libc::MAP_FIXED != 0 && fds::device_holds(addr as usize, len) {
        return crate::sys::fail(libc::EPERM, libc::MAP_FAILED);
    }
    // SAFETY: as mmap(2).
    match unsafe { fds::mmap(addr, len, prot, flags, fd, off) } {
        Some(r) => r,
        None => {
            // SAFETY: the caller's arguments, unchanged.
            let p = unsafe { real::mmap64(addr, len, prot, flags, fd, off) };
            if p != libc::MAP_FAILED && flags & libc::MAP_FIXED != 0 {
                fds::mapped_fixed(p, len);
            }
            p
        }
    }
}

/// `poll(2)`: a set with an emulated fd is waited on by the layer, which reports each emulated open's V4L2 readiness; other sets go to libc.
#[no_mangle]
pub unsafe extern "C" fn poll(fds: *mut pollfd, nfds: nfds_t, timeout: c_int) -> c_int {
    // SAFETY: `fds` holds `nfds` entries, as poll(2) requires.
    match unsafe { wait::poll(fds, nfds, wait::deadline_of(timeout), core::ptr::null()) } {
        Some(r) => r,
        // SAFETY: the caller's arguments, unchanged.
        None => unsafe { real::poll(fds, nfds, timeout) },
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
    // SAFETY: as ppoll(2).
    match unsafe { wait::poll(fds, nfds, wait::deadline_of_ts(ts), sigmask) } {
        Some(r) => r,
        // SAFETY: the caller's arguments, unchanged.
        None => unsafe { real::ppoll(fds, nfds, ts, sigmask) },
    }
}

/// `epoll_ctl(2)`: the layer keeps the application's events and data for an emulated fd, and registers the fd with the kernel under a tag of its own.
#[no_mangle]
pub unsafe extern "C" fn epoll_ctl(epfd: c_int, op: c_int, fd: c_int, ev: *mut libc::epoll_event) -> c_int {
    // SAFETY: as epoll_ctl(2).
    match unsafe { wait::epoll_ctl(epfd, op, fd, ev) } {
        Some(r) => r,
        // SAFETY: the caller's arguments, unchanged.
        None => unsafe { real::epoll_ctl(epfd, op, fd, ev) },
    }
}

/// `epoll_wait(2)`: on an epoll instance holding an emulated fd, the layer reports the emulated opens' readiness together with the kernel's events for the other fds.
#[no_mangle]
pub unsafe extern "C" fn epoll_wait(epfd: c_int, evs: *mut libc::epoll_event, max: c_int, timeout: c_int) -> c_int {
    // SAFETY: `evs` has room for `max` events, as epoll_wait(2) requires.
    match unsafe { wait::epoll_wait(epfd, evs, max, wait::deadline_of(timeout), core::ptr::null()) } {
        Some(r) => r,
        // SAFETY: the caller's arguments, unchanged.
        None => unsafe { real::epoll_wait(epfd, evs, max, timeout) },
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
    // SAFETY: as epoll_pwait(2).
    match unsafe { wait::epoll_wait(epfd, evs, max, wait::deadline_of(timeout), sigmask) } {
        Some(r) => r,
        // SAFETY: the caller's arguments, unchanged.
        None => unsafe { real::epoll_pwait(epfd, evs, max, timeout, sigmask) },
    }
}

/// `stat(2)`: an emulated video node or media device is described as a character device.
#[no_mangle]
pub unsafe extern "C" fn stat(path: *const c_char, buf: *mut libc::stat) -> c_int {
    // SAFETY: `path` is a C string and `buf` a `struct stat`, as stat(2) requires.
    match unsafe { view::stat_at(libc::AT_FDCWD, path, buf, 0) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(libc::AT_FDCWD, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::stat(p.ptr(), buf) }
        }
    }
}

/// `lstat(2)`: as [`stat`] (an emulated node is never a symbolic link).
#[no_mangle]
pub unsafe extern "C" fn lstat(path: *const c_char, buf: *mut libc::stat) -> c_int {
    // SAFETY: as lstat(2).
    match unsafe { view::stat_at(libc::AT_FDCWD, path, buf, 0) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(libc::AT_FDCWD, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::lstat(p.ptr(), buf) }
        }
    }
}

/// `fstat(2)`: as [`stat`], for the fd of an emulated open.
#[no_mangle]
pub unsafe extern "C" fn fstat(fd: c_int, buf: *mut libc::stat) -> c_int {
    // SAFETY: `buf` is a `struct stat`, as fstat(2) requires.
    match unsafe { view::fstat(fd, buf) } {
        Some(r) => r,
        // SAFETY: the caller's arguments, unchanged.
        None => unsafe { real::fstat(fd, buf) },
    }
}

/// `fstatat(2)`: as [`stat`], relative to `dirfd` (or the fd itself with `AT_EMPTY_PATH`).
#[no_mangle]
pub unsafe extern "C" fn fstatat(dirfd: c_int, path: *const c_char, buf: *mut libc::stat, flags: c_int) -> c_int {
    // SAFETY: as fstatat(2).
    match unsafe { view::stat_at(dirfd, path, buf, flags) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(dirfd, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::fstatat(dirfd, p.ptr(), buf, flags) }
        }
    }
}

/// `stat64`: as [`stat`].
#[no_mangle]
pub unsafe extern "C" fn stat64(path: *const c_char, buf: *mut libc::stat64) -> c_int {
    // SAFETY: as stat(2); `struct stat64` is `struct stat` on 64-bit Linux.
    match unsafe { view::stat_at(libc::AT_FDCWD, path, buf.cast(), 0) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(libc::AT_FDCWD, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::stat64(p.ptr(), buf) }
        }
    }
}

/// `lstat64`: as [`lstat`].
#[no_mangle]
pub unsafe extern "C" fn lstat64(path: *const c_char, buf: *mut libc::stat64) -> c_int {
    // SAFETY: as [`stat64`].
    match unsafe { view::stat_at(libc::AT_FDCWD, path, buf.cast(), 0) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(libc::AT_FDCWD, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::lstat64(p.ptr(), buf) }
        }
    }
}

/// `fstat64`: as [`fstat`].
#[no_mangle]
pub unsafe extern "C" fn fstat64(fd: c_int, buf: *mut libc::stat64) -> c_int {
    // SAFETY: as [`stat64`].
    match unsafe { view::fstat(fd, buf.cast()) } {
        Some(r) => r,
        // SAFETY: the caller's arguments, unchanged.
        None => unsafe { real::fstat64(fd, buf) },
    }
}

/// `fstatat64`: as [`fstatat`].
#[no_mangle]
pub unsafe extern "C" fn fstatat64(dirfd: c_int, path: *const c_char, buf: *mut libc::stat64, flags: c_int) -> c_int {
    // SAFETY: as [`stat64`].
    match unsafe { view::stat_at(dirfd, path, buf.cast(), flags) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(dirfd, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::fstatat64(dirfd, p.ptr(), buf, flags) }
        }
    }
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
    // SAFETY: `path` is a C string and `buf` a `struct statx`, as statx(2) requires.
    match unsafe { view::statx(dirfd, path, flags, buf) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(dirfd, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::statx(dirfd, p.ptr(), flags, mask, buf) }
        }
    }
}

/// `access(2)`: emulated nodes are readable and writable, /sys attributes read-only, emulated /sys directories readable and searchable; nothing emulated is executable.
#[no_mangle]
pub unsafe extern "C" fn access(path: *const c_char, mode: c_int) -> c_int {
    // SAFETY: `path` is a C string, as access(2) requires.
    match unsafe { view::access(libc::AT_FDCWD, path, mode) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(libc::AT_FDCWD, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::access(p.ptr(), mode) }
        }
    }
}

/// `euidaccess(3)`: as [`access`].
#[no_mangle]
pub unsafe extern "C" fn euidaccess(path: *const c_char, mode: c_int) -> c_int {
    // SAFETY: as access(2).
    match unsafe { view::access(libc::AT_FDCWD, path, mode) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(libc::AT_FDCWD, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::euidaccess(p.ptr(), mode) }
        }
    }
}

/// `faccessat(2)`: as [`access`], relative to `dirfd`.
#[no_mangle]
pub unsafe extern "C" fn faccessat(dirfd: c_int, path: *const c_char, mode: c_int, flags: c_int) -> c_int {
    // SAFETY: as faccessat(2).
    match unsafe { view::access(dirfd, path, mode) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(dirfd, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::faccessat(dirfd, p.ptr(), mode, flags) }
        }
    }
}

/// `readlink(2)`: EINVAL for an emulated node (a device, not a symbolic link).
#[no_mangle]
pub unsafe extern "C" fn readlink(path: *const c_char, buf: *mut c_char, size: size_t) -> ssize_t {
    // SAFETY: `path` is a C string and `buf` holds `size` bytes, as readlink(2) requires.
    match unsafe { view::readlink(libc::AT_FDCWD, path) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(libc::AT_FDCWD, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::readlink(p.ptr(), buf, size) }
        }
    }
}

/// `readlinkat(2)`: as [`readlink`], relative to `dirfd`.
#[no_mangle]
pub unsafe extern "C" fn readlinkat(dirfd: c_int, path: *const c_char, buf: *mut c_char, size: size_t) -> ssize_t {
    // SAFETY: as readlinkat(2).
    match unsafe { view::readlink(dirfd, path) } {
        Some(r) => r,
        None => {
            // SAFETY: `path` is the caller's C string, alive for the call.
            let p = unsafe { udev::PathArg::new(dirfd, path) };
            // SAFETY: the caller's arguments, the path redirected into the udev view if it
            // names it.
            unsafe { real::readlinkat(dirfd, p.ptr(), buf, size) }
        }
    }
}

/// `realpath(3)`: an emulated node resolves to its own application path.
#[no_mangle]
pub unsafe extern "C" fn realpath(path: *const c_char, resolved: *mut c_char) -> *mut c_char {
    // SAFETY: `path` is a C string and `resolved` NULL or PATH_MAX bytes, as realpath(3) requires.
    match unsafe { view::realpath(path, resolved) } {
        Some(r) => r,
        // SAFETY: the caller's arguments, unchanged.
        None => unsafe { real::realpath(path, resolved) },
    }
}

/// `readdir64(3)`: returns the emulated entries of a scan opened by [`opendir`] besides the real ones.
#[no_mangle]
pub unsafe extern "C" fn readdir64(dir: *mut libc::DIR) -> *mut libc::dirent64 {
    // SAFETY: `dir` is a live directory stream, as readdir(3) requires.
    match unsafe { view::readdir(dir) } {
        Some(r) => r,
        // SAFETY: the caller's arguments, unchanged.
        None => unsafe { real::readdir64(dir) },
    }
}

/// `fcntl(2)`: for an emulated fd, `F_GETFL`/`F_SETFL` use the open's status flags (a change of
/// `O_NONBLOCK` reaches the backend) and `F_DUPFD`/`F_DUPFD_CLOEXEC` duplicate the open.
#[no_mangle]
pub unsafe extern "C" fn fcntl(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    // SAFETY: the caller's arguments, unchanged, as fcntl(2) requires.
    fds::fcntl(fd, cmd, arg, |fd, cmd, arg| unsafe { real::fcntl(fd, cmd, arg) })
}

/// `fcntl64`: as [`fcntl`].
#[no_mangle]
pub unsafe extern "C" fn fcntl64(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    // SAFETY: the caller's arguments, unchanged, as fcntl(2) requires.
    fds::fcntl(fd, cmd, arg, |fd, cmd, arg| unsafe { real::fcntl64(fd, cmd, arg) })
}

/// `munmap(2)`: also removes the range from the buffer mappings it overlaps (a buffer is unmapped when the last byte of its mapping is).
#[no_mangle]
pub unsafe extern "C" fn munmap(addr: *mut c_void, len: size_t) -> c_int {
    // SAFETY: the caller's arguments, unchanged, as munmap(2) requires.
    let unmap = || unsafe { real::munmap(addr, len) };
    fds::munmap(addr, len, unmap).unwrap_or_else(unmap)
}

/// `mremap(2)`: refused (EPERM) over memory a queued USERPTR buffer holds, as a move or a
/// shrink would let the device write where the application maps something else.
///
/// glibc declares it variadic (`new_address` is read only with `MREMAP_FIXED`); on the
/// Linux ABIs the layer supports, a variadic pointer argument is passed where the fifth
/// fixed argument is, so it is read as one and looked at only when the flag says it is
/// there.
#[no_mangle]
pub unsafe extern "C" fn mremap(
    old: *mut c_void,
    old_size: size_t,
    new_size: size_t,
    flags: c_int,
    new_address: *mut c_void,
) -> *mut c_void {
    if fds::mremap_refused(old as usize, old_size, new_size, flags, new_address as usize) {
        return crate::sys::fail(libc::EPERM, libc::MAP_FAILED);
    }
    let fixed = if flags & libc::MREMAP_FIXED != 0 { new_address } else { core::ptr::null_mut() };
    // SAFETY: the caller's arguments, unchanged, to the system call glibc's wrapper makes.
    let r = unsafe { libc::syscall(libc::SYS_mremap, old, old_size, new_size, flags, fixed) };
    if r < 0 && r > -4096 {
        return crate::sys::fail(-r as c_int, libc::MAP_FAILED);
    }
    r as *mut c_void
}

/// `mprotect(2)`: refused (EPERM) when it would take read or write access away from
/// memory a queued USERPTR buffer holds (the device reads or writes it until it is done).
#[no_mangle]
pub unsafe extern "C" fn mprotect(addr: *mut c_void, len: size_t, prot: c_int) -> c_int {
    let full = libc::PROT_READ | libc::PROT_WRITE;
    if prot & full != full && fds::device_holds(addr as usize, len) {
        return crate::sys::fail(libc::EPERM, -1);
    }
    // SAFETY: the caller's arguments, unchanged, as mprotect(2) requires.
    unsafe { real::mprotect(addr, len, prot) }
}

/// glibc's fortified `poll`: as [`poll`].
#[no_mangle]
pub unsafe extern "C" fn __poll_chk(fds: *mut pollfd, nfds: nfds_t, timeout: c_int, _fdslen: size_t) -> c_int {
    // SAFETY: the caller's contract is poll(2)'s.
    unsafe { poll(fds, nfds, timeout) }
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
    // SAFETY: the caller's contract is ppoll(2)'s.
    unsafe { ppoll(fds, nfds, ts, sigmask) }
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
    // SAFETY: `tv` is NULL or a timeval, as select(2) requires.
    let deadline = unsafe { wait::deadline_of_tv(tv) };
    let sets = wait::FdSets { read: r, write: w, except: e };
    // SAFETY: the sets are NULL or valid `fd_set`s, as select(2) requires.
    match unsafe { wait::select(nfds, sets, deadline, core::ptr::null()) } {
        Some(ret) => {
            // SAFETY: as above for `tv`.
            unsafe { wait::write_back_timeout(tv, deadline) };
            ret
        }
        // SAFETY: the caller's arguments, unchanged.
        None => unsafe { real::select(nfds, r, w, e, tv) },
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
    // SAFETY: `ts` is NULL or a timespec, as pselect(2) requires.
    let deadline = unsafe { wait::deadline_of_ts(ts) };
    let sets = wait::FdSets { read: r, write: w, except: e };
    // SAFETY: the sets are NULL or valid `fd_set`s, `sigmask` NULL or a signal set.
    match unsafe { wait::select(nfds, sets, deadline, sigmask) } {
        Some(ret) => ret,
        // SAFETY: the caller's arguments, unchanged.
        None => unsafe { real::pselect(nfds, r, w, e, ts, sigmask) },
    }
}

// glibc before 2.33 exported stat through these (`_STAT_VER` 1 on x86_64 is the layout of
// `struct stat`): programs built against it still call them.

/// Pre-2.33 glibc entry point of `stat`: as [`stat`] (the version argument is ignored).
#[no_mangle]
pub unsafe extern "C" fn __xstat(_ver: c_int, path: *const c_char, buf: *mut libc::stat) -> c_int {
    // SAFETY: the caller's contract is stat(2)'s.
    unsafe { stat(path, buf) }
}

/// Pre-2.33 glibc entry point of `lstat`: as [`lstat`].
#[no_mangle]
pub unsafe extern "C" fn __lxstat(_ver: c_int, path: *const c_char, buf: *mut libc::stat) -> c_int {
    // SAFETY: the caller's contract is lstat(2)'s.
    unsafe { lstat(path, buf) }
}

/// Pre-2.33 glibc entry point of `fstat`: as [`fstat`].
#[no_mangle]
pub unsafe extern "C" fn __fxstat(_ver: c_int, fd: c_int, buf: *mut libc::stat) -> c_int {
    // SAFETY: the caller's contract is fstat(2)'s.
    unsafe { fstat(fd, buf) }
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
    // SAFETY: the caller's contract is fstatat(2)'s.
    unsafe { fstatat(dirfd, path, buf, flags) }
}

/// Pre-2.33 glibc entry point of `stat64`: as [`stat64`].
#[no_mangle]
pub unsafe extern "C" fn __xstat64(_ver: c_int, path: *const c_char, buf: *mut libc::stat64) -> c_int {
    // SAFETY: the caller's contract is stat64's.
    unsafe { stat64(path, buf) }
}

/// Pre-2.33 glibc entry point of `lstat64`: as [`lstat64`].
#[no_mangle]
pub unsafe extern "C" fn __lxstat64(_ver: c_int, path: *const c_char, buf: *mut libc::stat64) -> c_int {
    // SAFETY: the caller's contract is lstat64's.
    unsafe { lstat64(path, buf) }
}

/// Pre-2.33 glibc entry point of `fstat64`: as [`fstat64`].
#[no_mangle]
pub unsafe extern "C" fn __fxstat64(_ver: c_int, fd: c_int, buf: *mut libc::stat64) -> c_int {
    // SAFETY: the caller's contract is fstat64's.
    unsafe { fstat64(fd, buf) }
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
    // SAFETY: the caller's contract is fstatat64's.
    unsafe { fstatat64(dirfd, path, buf, flags) }
}

/// `eaccess(3)`: as [`access`].
#[no_mangle]
pub unsafe extern "C" fn eaccess(path: *const c_char, mode: c_int) -> c_int {
    // SAFETY: the caller's contract is euidaccess(3)'s.
    unsafe { euidaccess(path, mode) }
}

/// `fstatfs(2)`: a directory of the udev view is on sysfs (`SYSFS_MAGIC`), as libudev checks.
#[no_mangle]
pub unsafe extern "C" fn fstatfs(fd: c_int, buf: *mut libc::statfs) -> c_int {
    // SAFETY: `buf` is a `struct statfs`, as fstatfs(2) requires.
    let r = unsafe { real::fstatfs(fd, buf) };
    if r == 0 && udev::in_tree(fd) {
        // SAFETY: the kernel just filled `buf`, a valid `struct statfs`.
        unsafe { (*buf).f_type = udev::SYSFS_MAGIC };
    }
    r
}

/// `fstatfs64`: as [`fstatfs`].
#[no_mangle]
pub unsafe extern "C" fn fstatfs64(fd: c_int, buf: *mut libc::statfs64) -> c_int {
    // SAFETY: `buf` is a `struct statfs64`, as fstatfs64 requires.
    let r = unsafe { real::fstatfs64(fd, buf) };
    if r == 0 && udev::in_tree(fd) {
        // SAFETY: the kernel just filled `buf`, a valid `struct statfs64`.
        unsafe { (*buf).f_type = udev::SYSFS_MAGIC };
    }
    r
}

/// `opendir(3)`: a scan of /dev (or of a configured node's directory) also lists the emulated
/// nodes; emulated /sys directories are listed entirely by the layer.
#[no_mangle]
pub unsafe extern "C" fn opendir(path: *const c_char) -> *mut libc::DIR {
    // SAFETY: `path` is a C string, as opendir(3) requires.
    if let Some(dir) = unsafe { view::opendir_sysfs(path) } {
        return dir;
    }
    // SAFETY: `path` is the caller's C string, alive for the call.
    let p = unsafe { udev::PathArg::new(libc::AT_FDCWD, path) };
    // SAFETY: the caller's argument, redirected into the udev view if it names it.
    let dir = unsafe { real::opendir(p.ptr()) };
    // SAFETY: as above.
    unsafe { view::opendir_extra(path, dir) };
    dir
}

/// `readdir(3)`: as [`readdir64`].
#[no_mangle]
pub unsafe extern "C" fn readdir(dir: *mut libc::DIR) -> *mut libc::dirent {
    // `struct dirent` and `struct dirent64` have the same layout on 64-bit Linux.
    const _: () = assert!(core::mem::size_of::<libc::dirent>() == core::mem::size_of::<libc::dirent64>());
    // SAFETY: `dir` is a live directory stream, as readdir(3) requires.
    match unsafe { view::readdir(dir) } {
        Some(e) => e.cast(),
        // SAFETY: the caller's argument, unchanged.
        None => unsafe { real::readdir(dir) },
    }
}

/// `rewinddir(3)`: also restarts the scan's emulated entries.
#[no_mangle]
pub unsafe extern "C" fn rewinddir(dir: *mut libc::DIR) {
    view::rewinddir(dir);
    // SAFETY: the caller's argument, unchanged.
    unsafe { real::rewinddir(dir) }
}

/// `closedir(3)`: also forgets the scan's emulated entries.
#[no_mangle]
pub unsafe extern "C" fn closedir(dir: *mut libc::DIR) -> c_int {
    view::closedir(dir);
    // SAFETY: the caller's argument, unchanged.
    unsafe { real::closedir(dir) }
}
