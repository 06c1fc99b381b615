//! The real libc functions, found with `dlsym(RTLD_NEXT, ...)` on first use.
//!
//! Every interposed entry point forwards to the next definition of the same symbol (glibc's,
//! or another preload library's). Resolution is lazy and lock-free: a racing first call from
//! two threads resolves twice and stores the same pointer. `dlsym` itself does not call any
//! of the functions interposed here (glibc's dynamic loader uses internal, non-interposable
//! calls), so resolving cannot recurse.

use core::ffi::{c_char, c_int, c_ulong, c_void};
use core::sync::atomic::{AtomicUsize, Ordering};
use libc::{mode_t, nfds_t, off_t, pollfd, size_t, ssize_t};

fn resolve(slot: &AtomicUsize, name: &'static [u8]) -> usize {
    let cached = slot.load(Ordering::Relaxed);
    if cached != 0 {
        return cached;
    }
    // SAFETY: `name` is NUL-terminated (the macro below appends the NUL).
    let addr = unsafe { libc::dlsym(libc::RTLD_NEXT, name.as_ptr().cast()) } as usize;
    if addr == 0 {
        // A libc without this symbol (e.g. no `statx` before glibc 2.28): the caller
        // gets ENOSYS from the stub below instead of a crash.
        return 0;
    }
    slot.store(addr, Ordering::Relaxed);
    addr
}

macro_rules! real_fns {
    ($( $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty = $err:expr ;)*) => {
        $(
            // `-> ()` is spelled out for void C functions (rewinddir).
            /// The next definition of the libc function of this name.
            ///
            /// # Safety
            ///
            /// The contract of the libc function.
            #[allow(non_upper_case_globals, clippy::unused_unit)]
            pub unsafe fn $name($($arg: $ty),*) -> $ret {
                static SLOT: AtomicUsize = AtomicUsize::new(0);
                const NAME: &[u8] = concat!(stringify!($name), "\0").as_bytes();
                let addr = resolve(&SLOT, NAME);
                if addr == 0 {
                    crate::sys::set_errno(libc::ENOSYS);
                    return $err;
                }
                // SAFETY: `addr` is the address of the libc function named $name, which has
                // this C signature in glibc.
                let f: unsafe extern "C" fn($($ty),*) -> $ret = unsafe { core::mem::transmute(addr) };
                // SAFETY: the caller's contract is the function's.
                unsafe { f($($arg),*) }
            }
        )*
    };
}

real_fns! {
    open(path: *const c_char, flags: c_int, mode: mode_t) -> c_int = -1;
    open64(path: *const c_char, flags: c_int, mode: mode_t) -> c_int = -1;
    openat(dirfd: c_int, path: *const c_char, flags: c_int, mode: mode_t) -> c_int = -1;
    openat64(dirfd: c_int, path: *const c_char, flags: c_int, mode: mode_t) -> c_int = -1;
    __open_2(path: *const c_char, flags: c_int) -> c_int = -1;
    __open64_2(path: *const c_char, flags: c_int) -> c_int = -1;
    __openat_2(dirfd: c_int, path: *const c_char, flags: c_int) -> c_int = -1;
    __openat64_2(dirfd: c_int, path: *const c_char, flags: c_int) -> c_int = -1;
    fopen(path: *const c_char, mode: *const c_char) -> *mut libc::FILE = core::ptr::null_mut();
    fopen64(path: *const c_char, mode: *const c_char) -> *mut libc::FILE = core::ptr::null_mut();
    close(fd: c_int) -> c_int = -1;
    fstatfs(fd: c_int, buf: *mut libc::statfs) -> c_int = -1;
    fstatfs64(fd: c_int, buf: *mut libc::statfs64) -> c_int = -1;
    ioctl(fd: c_int, request: c_ulong, arg: *mut c_void) -> c_int = -1;
    read(fd: c_int, buf: *mut c_void, count: size_t) -> ssize_t = -1;
    write(fd: c_int, buf: *const c_void, count: size_t) -> ssize_t = -1;
    mmap(addr: *mut c_void, len: size_t, prot: c_int, flags: c_int, fd: c_int, off: off_t) -> *mut c_void = libc::MAP_FAILED;
    mmap64(addr: *mut c_void, len: size_t, prot: c_int, flags: c_int, fd: c_int, off: off_t) -> *mut c_void = libc::MAP_FAILED;
    munmap(addr: *mut c_void, len: size_t) -> c_int = -1;
    mprotect(addr: *mut c_void, len: size_t, prot: c_int) -> c_int = -1;
    poll(fds: *mut pollfd, nfds: nfds_t, timeout: c_int) -> c_int = -1;
    ppoll(fds: *mut pollfd, nfds: nfds_t, ts: *const libc::timespec, sigmask: *const libc::sigset_t) -> c_int = -1;
    epoll_ctl(epfd: c_int, op: c_int, fd: c_int, ev: *mut libc::epoll_event) -> c_int = -1;
    epoll_wait(epfd: c_int, evs: *mut libc::epoll_event, max: c_int, timeout: c_int) -> c_int = -1;
    epoll_pwait(epfd: c_int, evs: *mut libc::epoll_event, max: c_int, timeout: c_int, sigmask: *const libc::sigset_t) -> c_int = -1;
    fcntl(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int = -1;
    fcntl64(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int = -1;
    dup(fd: c_int) -> c_int = -1;
    dup2(fd: c_int, fd2: c_int) -> c_int = -1;
    dup3(fd: c_int, fd2: c_int, flags: c_int) -> c_int = -1;
    stat(path: *const c_char, buf: *mut libc::stat) -> c_int = -1;
    lstat(path: *const c_char, buf: *mut libc::stat) -> c_int = -1;
    fstat(fd: c_int, buf: *mut libc::stat) -> c_int = -1;
    fstatat(dirfd: c_int, path: *const c_char, buf: *mut libc::stat, flags: c_int) -> c_int = -1;
    stat64(path: *const c_char, buf: *mut libc::stat64) -> c_int = -1;
    lstat64(path: *const c_char, buf: *mut libc::stat64) -> c_int = -1;
    fstat64(fd: c_int, buf: *mut libc::stat64) -> c_int = -1;
    fstatat64(dirfd: c_int, path: *const c_char, buf: *mut libc::stat64, flags: c_int) -> c_int = -1;
    statx(dirfd: c_int, path: *const c_char, flags: c_int, mask: libc::c_uint, buf: *mut libc::statx) -> c_int = -1;
    access(path: *const c_char, mode: c_int) -> c_int = -1;
    faccessat(dirfd: c_int, path: *const c_char, mode: c_int, flags: c_int) -> c_int = -1;
    euidaccess(path: *const c_char, mode: c_int) -> c_int = -1;
    readlink(path: *const c_char, buf: *mut c_char, size: size_t) -> ssize_t = -1;
    readlinkat(dirfd: c_int, path: *const c_char, buf: *mut c_char, size: size_t) -> ssize_t = -1;
    realpath(path: *const c_char, resolved: *mut c_char) -> *mut c_char = core::ptr::null_mut();
    opendir(path: *const c_char) -> *mut libc::DIR = core::ptr::null_mut();
    readdir(dir: *mut libc::DIR) -> *mut libc::dirent = core::ptr::null_mut();
    readdir64(dir: *mut libc::DIR) -> *mut libc::dirent64 = core::ptr::null_mut();
    closedir(dir: *mut libc::DIR) -> c_int = -1;
    rewinddir(dir: *mut libc::DIR) -> () = ();
    select(nfds: c_int, r: *mut libc::fd_set, w: *mut libc::fd_set, e: *mut libc::fd_set, tv: *mut libc::timeval) -> c_int = -1;
    pselect(nfds: c_int, r: *mut libc::fd_set, w: *mut libc::fd_set, e: *mut libc::fd_set, ts: *const libc::timespec, sigmask: *const libc::sigset_t) -> c_int = -1;
}
