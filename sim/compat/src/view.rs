//! The /dev and /sys view: what a path names (an emulated video node, its media device, a
//! /sys attribute or directory), and the path-based calls that only describe those things
//! without opening them: `stat` and friends, `access`, `readlink`, `realpath`, and the
//! directory scans that list the emulated entries (`opendir`/`readdir`).
//!
//! Every function returns `None` when the path is not emulated (or the calling thread is
//! inside the layer): the shim then calls the real libc function.

use crate::emul::{self, Dev, NodeStat, SysAttr, SysItem};
use crate::real;
use crate::state::{self, lock, DirExtra, DirScan, Inside, State};
use crate::sys::{cstr, errno, fail};
use core::ffi::{c_char, c_int, CStr};
use std::string::String;
use std::vec::Vec;

/// What an emulated path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Named {
    /// A video node or a media device.
    Device(Dev),
    /// A /sys attribute file of a device.
    SysFile(Dev, SysAttr),
    /// An emulated /sys directory.
    SysDir,
}

/// The absolute, normalized form of `path` relative to `dirfd`, when it is cheap to know
/// and may be emulated; `None` for everything that certainly is not.
///
/// # Safety
///
/// `path` must be NULL or a NUL-terminated string.
pub(crate) unsafe fn emulated_path(dirfd: c_int, path: *const c_char) -> Option<String> {
    if state::inside() {
        return None;
    }
    // SAFETY: the caller's contract.
    let p = unsafe { cstr(path) }?;
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
    state::may_be_emulated(&abs).then_some(abs)
}

/// What `path` (relative to `dirfd`) names, starting the board if the path may be emulated.
///
/// # Safety
///
/// `path` must be NULL or a NUL-terminated string.
pub(crate) unsafe fn resolve(dirfd: c_int, path: *const c_char) -> Option<(&'static State, Named)> {
    // SAFETY: the caller's contract.
    let p = unsafe { emulated_path(dirfd, path) }?;
    let st = state::state()?;
    if let Some(i) = st.node_by_path(&p) {
        return Some((st, Named::Device(Dev::Video(i))));
    }
    if let Some(i) = emul::media_by_path(&p, &st.nodes) {
        return Some((st, Named::Device(Dev::Media(i))));
    }
    match emul::classify_sysfs(&p, &st.nodes)? {
        (dev, SysItem::Attr(attr)) => Some((st, Named::SysFile(dev, attr))),
        (_, SysItem::Dir | SysItem::DeviceDir) => Some((st, Named::SysDir)),
    }
}

/// The emulated device (video node or media device) a path names.
///
/// # Safety
///
/// `path` must be NULL or a NUL-terminated string.
unsafe fn device_at(dirfd: c_int, path: *const c_char) -> Option<(&'static State, Dev)> {
    // SAFETY: the caller's contract.
    match unsafe { resolve(dirfd, path) }? {
        (st, Named::Device(dev)) => Some((st, dev)),
        _ => None,
    }
}

/// The application path of a device.
fn dev_path(st: &State, dev: Dev) -> String {
    match dev {
        Dev::Video(i) => st.nodes[i].app_path.clone(),
        Dev::Media(i) => emul::media_path(i),
    }
}

// ------------------------------------------------------------------------------------
// /sys attribute files

/// A read-only fd with the content of a /sys attribute (a memfd, generated now).
pub(crate) fn sysfs_fd(st: &'static State, dev: Dev, attr: SysAttr, flags: c_int) -> c_int {
    if flags & libc::O_ACCMODE != libc::O_RDONLY {
        return fail(libc::EACCES, -1);
    }
    let idx = match dev {
        Dev::Video(i) | Dev::Media(i) => i,
    };
    let text = emul::sysfs_content(dev, &st.nodes, attr, &st.card(idx));
    let _in = Inside::enter();
    let cloexec = if flags & libc::O_CLOEXEC != 0 { libc::MFD_CLOEXEC } else { 0 };
    // SAFETY: memfd_create with a NUL-terminated name literal.
    let fd = unsafe { libc::memfd_create(c"v4l2-sim-sysfs".as_ptr(), cloexec) };
    if fd < 0 {
        return -1;
    }
    // SAFETY: writing `text.len()` bytes from a live string to our own fresh memfd.
    let written = unsafe { real::write(fd, text.as_ptr().cast(), text.len()) };
    if written != text.len() as isize {
        let e = errno();
        // SAFETY: closing the memfd created above.
        unsafe { real::close(fd) };
        return fail(e, -1);
    }
    // SAFETY: rewinding our own memfd.
    unsafe { libc::lseek(fd, 0, libc::SEEK_SET) };
    fd
}

// ------------------------------------------------------------------------------------
// stat family

fn dev_stat(st: &State, dev: Dev) -> NodeStat {
    match dev {
        Dev::Video(i) => emul::node_stat(&st.nodes[i], st.start_time),
        Dev::Media(i) => emul::media_stat(i, st.start_time),
    }
}

/// Fills the application's `struct stat` (or `struct stat64`, the same layout on 64-bit
/// Linux): 0, or EFAULT for NULL.
///
/// # Safety
///
/// `buf` must be NULL or valid for writes of a `struct stat`.
unsafe fn write_stat(ns: &NodeStat, buf: *mut libc::stat) -> c_int {
    const _: () = assert!(core::mem::size_of::<libc::stat>() == core::mem::size_of::<libc::stat64>());
    // SAFETY: non-null (checked by `as_mut`) and valid for writes by the caller's contract.
    match unsafe { buf.as_mut() } {
        Some(out) => {
            emul::fill_stat(ns, out);
            0
        }
        None => fail(libc::EFAULT, -1),
    }
}

/// `stat`/`lstat`/`fstatat` of an emulated path (`AT_EMPTY_PATH` with an empty path: of
/// the emulated fd `dirfd`).
///
/// # Safety
///
/// `path` must be NULL or a C string; `buf` NULL or valid for writes of a `struct stat`.
pub(crate) unsafe fn stat_at(dirfd: c_int, path: *const c_char, buf: *mut libc::stat, flags: c_int) -> Option<c_int> {
    // SAFETY: the caller's contract on `path`.
    let ns = unsafe { node_stat_at(dirfd, path, flags) }?;
    // SAFETY: the caller's contract on `buf`.
    Some(unsafe { write_stat(&ns, buf) })
}

/// `fstat` of an emulated fd.
///
/// # Safety
///
/// `buf` must be NULL or valid for writes of a `struct stat`.
pub(crate) unsafe fn fstat(fd: c_int, buf: *mut libc::stat) -> Option<c_int> {
    let ns = stat_fd(fd)?;
    // SAFETY: the caller's contract on `buf`.
    Some(unsafe { write_stat(&ns, buf) })
}

/// `statx` of an emulated path or fd.
///
/// # Safety
///
/// `path` must be NULL or a C string; `buf` NULL or valid for writes of a `struct statx`.
pub(crate) unsafe fn statx(dirfd: c_int, path: *const c_char, flags: c_int, buf: *mut libc::statx) -> Option<c_int> {
    // SAFETY: the caller's contract on `path`.
    let ns = unsafe { node_stat_at(dirfd, path, flags) }?;
    // SAFETY: non-null (checked by `as_mut`) and valid for writes by the caller's contract.
    match unsafe { buf.as_mut() } {
        Some(out) => {
            emul::fill_statx(&ns, out);
            Some(0)
        }
        None => Some(fail(libc::EFAULT, -1)),
    }
}

fn stat_fd(fd: c_int) -> Option<NodeStat> {
    let (st, open) = crate::fds::open_of(fd)?;
    Some(dev_stat(st, if open.media { Dev::Media(open.node) } else { Dev::Video(open.node) }))
}

/// # Safety
///
/// `path` must be NULL or a C string.
unsafe fn node_stat_at(dirfd: c_int, path: *const c_char, flags: c_int) -> Option<NodeStat> {
    // SAFETY: the caller's contract.
    if flags & libc::AT_EMPTY_PATH != 0 && unsafe { cstr(path) }.is_some_and(str::is_empty) {
        return stat_fd(dirfd);
    }
    // SAFETY: as above.
    let (st, dev) = unsafe { device_at(dirfd, path) }?;
    Some(dev_stat(st, dev))
}

// ------------------------------------------------------------------------------------
// access, readlink, realpath

/// `access`/`faccessat` of an emulated path: nodes are readable and writable, /sys
/// attributes read-only, /sys directories readable and searchable; nothing is executable.
///
/// # Safety
///
/// `path` must be NULL or a C string.
pub(crate) unsafe fn access(dirfd: c_int, path: *const c_char, mode: c_int) -> Option<c_int> {
    // SAFETY: the caller's contract.
    let (_, named) = unsafe { resolve(dirfd, path) }?;
    let denied = match named {
        Named::SysDir => mode & libc::W_OK != 0,
        Named::SysFile(..) => mode & (libc::W_OK | libc::X_OK) != 0,
        Named::Device(_) => mode & libc::X_OK != 0,
    };
    Some(if denied { fail(libc::EACCES, -1) } else { 0 })
}

/// `readlink` of an emulated node: EINVAL (a device, not a symbolic link).
///
/// # Safety
///
/// `path` must be NULL or a C string.
pub(crate) unsafe fn readlink(dirfd: c_int, path: *const c_char) -> Option<isize> {
    // SAFETY: the caller's contract.
    unsafe { device_at(dirfd, path) }.map(|_| fail(libc::EINVAL, -1))
}

/// `realpath` of an emulated node: its own application path.
///
/// # Safety
///
/// `path` must be NULL or a C string; `resolved` NULL or valid for `PATH_MAX` bytes.
pub(crate) unsafe fn realpath(path: *const c_char, resolved: *mut c_char) -> Option<*mut c_char> {
    // SAFETY: the caller's contract.
    let (st, dev) = unsafe { device_at(libc::AT_FDCWD, path) }?;
    let p = dev_path(st, dev);
    let p = p.as_bytes();
    if p.len() >= libc::PATH_MAX as usize {
        return Some(fail(libc::ENAMETOOLONG, core::ptr::null_mut()));
    }
    let out = if resolved.is_null() {
        // SAFETY: plain allocation, freed by the application as realpath(3) says.
        unsafe { libc::malloc(p.len() + 1) }.cast::<c_char>()
    } else {
        resolved
    };
    if out.is_null() {
        return Some(fail(libc::ENOMEM, core::ptr::null_mut()));
    }
    // SAFETY: `out` has room for `p.len() + 1` bytes (PATH_MAX, or the allocation above),
    // and cannot overlap our own string.
    unsafe { core::ptr::copy_nonoverlapping(p.as_ptr(), out.cast::<u8>(), p.len()) };
    // SAFETY: the last of those bytes.
    unsafe { *out.add(p.len()) = 0 };
    Some(out)
}

// ------------------------------------------------------------------------------------
// directory scans: the emulated nodes appear in listings of their directory (/dev)

fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => "",
    }
}

fn new_scan(extra: Vec<DirExtra>, only_extra: bool) -> DirScan {
    // SAFETY: `dirent64` is plain old data; all-zero is a valid value.
    let entry = Box::new(unsafe { core::mem::zeroed::<libc::dirent64>() });
    DirScan { extra, next: 0, entry, only_extra }
}

/// The entries a scan of directory `p` shows besides the real ones.
fn extra_entries(st: &State, p: &str) -> Vec<DirExtra> {
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
    extra
}

/// `opendir`: a scan of /dev (or of a configured node's directory) also lists the emulated
/// nodes; emulated /sys directories are listed entirely by the layer. `dir` is what the
/// real `opendir` returned.
///
/// # Safety
///
/// `path` must be NULL or a C string.
pub(crate) unsafe fn opendir_extra(path: *const c_char, dir: *mut libc::DIR) {
    if dir.is_null() || state::inside() {
        return;
    }
    // SAFETY: the caller's contract.
    let Some(p) = (unsafe { cstr(path) }) else { return };
    let p = emul::normalize(p);
    let might = match state::configured_paths() {
        Some(list) if list.iter().any(|a| parent(a) == p) => true,
        _ => p == "/dev",
    };
    let udev_dir = p == "/sys/class" || p == "/sys/devices/virtual";
    if !might && !udev_dir {
        return;
    }
    let Some(st) = state::state() else { return };
    let mut extra = if might { extra_entries(st, &p) } else { Vec::new() };
    extra.extend(crate::udev::extra_entries(&p, st).into_iter().enumerate().map(|(i, name)| DirExtra {
        name,
        ino: 0x5637_0000 + i as u64,
        dtype: libc::DT_DIR,
    }));
    if !extra.is_empty() {
        lock(&st.dirs).insert(dir as usize, new_scan(extra, false));
    }
}

/// opendir() of an emulated /sys directory (`/sys/dev/char/81:N`, its `device` directory
/// that lists `media<i>`, `/sys/dev/char/237:i`...): a `DIR *` over a real directory ("/")
/// that is never read, whose entries all come from the layer.
///
/// # Safety
///
/// `path` must be NULL or a C string.
pub(crate) unsafe fn opendir_sysfs(path: *const c_char) -> Option<*mut libc::DIR> {
    // SAFETY: the caller's contract.
    let p = unsafe { emulated_path(libc::AT_FDCWD, path) }?;
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
        // SAFETY: a NUL-terminated literal path.
        unsafe { real::opendir(c"/".as_ptr()) }
    };
    if dir.is_null() {
        return Some(dir);
    }
    let extra = emul::sysfs_dir_entries(dev, item)
        .into_iter()
        .enumerate()
        .map(|(i, (name, dtype))| DirExtra { name, ino: 0x5636_0000 + i as u64, dtype })
        .collect();
    lock(&st.dirs).insert(dir as usize, new_scan(extra, true));
    Some(dir)
}

/// The next real entry of a scan that is not hidden by an emulated one; `Some(NULL)` at the
/// end with errno changed (an error), `None` at the end.
///
/// # Safety
///
/// `dir` must be a live `DIR *` of the application's.
unsafe fn next_real(st: &State, dir: *mut libc::DIR) -> Option<*mut libc::dirent64> {
    loop {
        let saved = errno();
        // SAFETY: the caller's contract.
        let e = unsafe { real::readdir64(dir) };
        if e.is_null() {
            return (errno() != saved).then_some(e);
        }
        // SAFETY: readdir64 returned a valid entry whose name is NUL-terminated.
        let name = unsafe { CStr::from_ptr((*e).d_name.as_ptr()) };
        let dirs = lock(&st.dirs);
        let hidden =
            dirs.get(&(dir as usize)).is_some_and(|s| s.extra.iter().any(|x| x.name.as_bytes() == name.to_bytes()));
        // The emulated node hides a real file of the same name.
        if !hidden {
            return Some(e);
        }
    }
}

/// `readdir64` of a scan with emulated entries: the real entries first (unless the
/// directory is wholly emulated), then the emulated ones.
///
/// # Safety
///
/// `dir` must be a live `DIR *` of the application's.
pub(crate) unsafe fn readdir(dir: *mut libc::DIR) -> Option<*mut libc::dirent64> {
    if state::inside() || dir.is_null() {
        return None;
    }
    let st = state::started()?;
    let only_extra = lock(&st.dirs).get(&(dir as usize))?.only_extra;
    if !only_extra {
        // SAFETY: the caller's contract.
        if let Some(e) = unsafe { next_real(st, dir) } {
            return Some(e);
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

/// `rewinddir`: also restarts the scan's emulated entries.
pub(crate) fn rewinddir(dir: *mut libc::DIR) {
    if let Some(st) = state::started() {
        if let Some(scan) = lock(&st.dirs).get_mut(&(dir as usize)) {
            scan.next = 0;
        }
    }
}

/// `closedir`: forgets the scan's emulated entries.
pub(crate) fn closedir(dir: *mut libc::DIR) {
    if let Some(st) = state::started() {
        lock(&st.dirs).remove(&(dir as usize));
    }
}
