//! The udev view of the emulated video nodes, for programs that find V4L2 devices through
//! libudev (GStreamer's v4l2 plugin, through GUdev): the `video4linux` class directory, each
//! node's device directory under `/sys/devices/virtual/video4linux` (`uevent`, `dev`,
//! `name`, `index`, the `subsystem` link) and its entry in udev's database
//! (`/run/udev/data/c81:MINOR`, which marks the device initialised: libudev lists a
//! character device only once udev has seen it).
//!
//! libudev walks sysfs one component at a time with `O_PATH` descriptors (`openat` relative
//! to the previous one, `fstatat(AT_EMPTY_PATH)`, `readlinkat`), so these entries are
//! materialised as a real directory tree, built once per process in a private temporary
//! directory and removed at exit. The layer redirects to it the paths that name the
//! emulated entries (absolute, or relative to a descriptor of a real directory such as
//! `/sys/class`); every lookup inside the tree is then the kernel's own. Nothing else under
//! /sys or /run is touched.

use crate::emul::{self, NodeMap};
use crate::state::{self, Inside, State};
use crate::sys::cstr;
use core::ffi::{c_char, c_int};
use std::ffi::CString;
use std::string::String;
use std::sync::OnceLock;
use std::vec::Vec;

/// The class directory libudev scans for the subsystem.
const CLASS: &str = "/sys/class/video4linux";
/// Where the device directories live.
const DEVICES: &str = "/sys/devices/virtual/video4linux";
/// udev's database directory.
const DB: &str = "/run/udev/data";

/// The materialised tree's root (`None` if it could not be built).
static ROOT: OnceLock<Option<String>> = OnceLock::new();
/// The process that built the tree: a forked child that exits leaves it to its parent.
static BUILDER: core::sync::atomic::AtomicI32 = core::sync::atomic::AtomicI32::new(0);

extern "C" fn remove_tree() {
    // SAFETY: getpid has no preconditions.
    if BUILDER.load(core::sync::atomic::Ordering::Relaxed) != unsafe { libc::getpid() } {
        return;
    }
    if let Some(Some(root)) = ROOT.get() {
        let _in = Inside::enter();
        let _ = std::fs::remove_dir_all(root);
    }
}

/// The udev database entry of a node: initialised, with the properties udev's `v4l_id`
/// helper gives a V4L2 node.
fn db_entry(card: &str) -> String {
    format!("I:1\nE:ID_V4L_VERSION=2\nE:ID_V4L_PRODUCT={card}\nE:ID_V4L_CAPABILITIES=:\nG:uaccess\n")
}

fn write_node(root: &str, st: &State, idx: usize, node: &NodeMap) -> std::io::Result<()> {
    use std::os::unix::fs::symlink;
    let name = node.devname();
    let dir = format!("{root}{DEVICES}/{name}");
    std::fs::create_dir_all(&dir)?;
    let major = emul::VIDEO_MAJOR;
    let minor = node.minor;
    let card = st.card(idx);
    std::fs::write(format!("{dir}/uevent"), format!("MAJOR={major}\nMINOR={minor}\nDEVNAME={name}\n"))?;
    std::fs::write(format!("{dir}/dev"), format!("{major}:{minor}\n"))?;
    std::fs::write(format!("{dir}/name"), format!("{card}\n"))?;
    std::fs::write(format!("{dir}/index"), "0\n")?;
    symlink("../../../../class/video4linux", format!("{dir}/subsystem"))?;
    symlink(format!("../../devices/virtual/video4linux/{name}"), format!("{root}{CLASS}/{name}"))?;
    std::fs::write(format!("{root}{DB}/c{major}:{minor}"), db_entry(&card))
}

fn build(st: &State) -> Option<String> {
    let _in = Inside::enter();
    let mut template = *b"/tmp/v4l2-sim-udev.XXXXXX\0";
    // SAFETY: mkdtemp rewrites the X's of a writable NUL-terminated template in place.
    let p = unsafe { libc::mkdtemp(template.as_mut_ptr().cast()) };
    if p.is_null() {
        return None;
    }
    let root = String::from_utf8(template[..template.len() - 1].to_vec()).ok()?;
    let made = std::fs::create_dir_all(format!("{root}{CLASS}"))
        .and_then(|()| std::fs::create_dir_all(format!("{root}{DB}")))
        .and_then(|()| {
            st.nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.app_path.starts_with("/dev/"))
                .try_for_each(|(i, n)| write_node(&root, st, i, n))
        });
    // SAFETY: getpid has no preconditions.
    BUILDER.store(unsafe { libc::getpid() }, core::sync::atomic::Ordering::Relaxed);
    // SAFETY: registering a plain function to run at exit.
    unsafe { libc::atexit(remove_tree) };
    made.is_ok().then_some(root)
}

fn root(st: &State) -> Option<&'static str> {
    ROOT.get_or_init(|| build(st)).as_deref()
}

/// Whether an absolute, normalised path names an entry of the udev view of `nodes`.
fn in_view(abs: &str, nodes: &[NodeMap]) -> bool {
    let under = |base: &str| abs == base || abs.strip_prefix(base).is_some_and(|r| r.starts_with('/'));
    let db_minor = abs.strip_prefix(DB).and_then(|r| r.strip_prefix("/c81:")).and_then(|m| m.parse::<u32>().ok());
    under(CLASS)
        || under(DEVICES)
        || db_minor.is_some_and(|minor| nodes.iter().any(|n| n.minor == minor && n.app_path.starts_with("/dev/")))
}

/// Whether a path can possibly name the view (cheap, before any system call).
fn may_name_view(p: &str) -> bool {
    p.contains("video4linux") || p.contains("c81:")
}

/// Where `path` (relative to `dirfd`) lands in the materialised tree, if it names an entry
/// of the udev view.
///
/// # Safety
///
/// `path` must be NULL or a NUL-terminated string.
pub(crate) unsafe fn redirect(dirfd: c_int, path: *const c_char) -> Option<CString> {
    if state::inside() {
        return None;
    }
    // SAFETY: the caller's contract.
    let p = unsafe { cstr(path) }?;
    if !may_name_view(p) {
        return None;
    }
    let abs = {
        let _in = Inside::enter();
        if p.starts_with('/') {
            emul::normalize(p)
        } else {
            let base = if dirfd == libc::AT_FDCWD {
                std::env::current_dir().ok()?.to_str()?.to_owned()
            } else {
                std::fs::read_link(format!("/proc/self/fd/{dirfd}")).ok()?.to_str()?.to_owned()
            };
            emul::normalize(&format!("{base}/{p}"))
        }
    };
    let st = state::state()?;
    if !in_view(&abs, &st.nodes) {
        return None;
    }
    CString::new(format!("{}{abs}", root(st)?)).ok()
}

/// Whether `fd` is a descriptor inside the materialised tree (it is then on sysfs, as far
/// as the application can tell).
pub(crate) fn in_tree(fd: c_int) -> bool {
    let Some(Some(root)) = ROOT.get() else { return false };
    if state::inside() {
        return false;
    }
    let _in = Inside::enter();
    std::fs::read_link(format!("/proc/self/fd/{fd}"))
        .is_ok_and(|p| p.to_str().is_some_and(|p| p == root || p.starts_with(&format!("{root}/"))))
}

/// The filesystem type sysfs reports (`SYSFS_MAGIC`), which libudev checks a device
/// directory has.
pub(crate) const SYSFS_MAGIC: i64 = 0x6265_6572;

/// Entries a scan of `dir` shows besides the real ones: `video4linux` in `/sys/class` and
/// `/sys/devices/virtual`, when the layer emulates any video node.
pub(crate) fn extra_entries(dir: &str, st: &State) -> Vec<String> {
    let any = st.nodes.iter().any(|n| n.app_path.starts_with("/dev/"));
    if any && (dir == "/sys/class" || dir == "/sys/devices/virtual") {
        vec!["video4linux".into()]
    } else {
        Vec::new()
    }
}

/// A path argument as given, or redirected into the udev view.
pub(crate) struct PathArg {
    given: *const c_char,
    redirected: Option<CString>,
}

impl PathArg {
    /// `path` relative to `dirfd`, redirected if it names the udev view.
    ///
    /// # Safety
    ///
    /// `path` must be NULL or a NUL-terminated string that outlives the value.
    pub(crate) unsafe fn new(dirfd: c_int, path: *const c_char) -> Self {
        // SAFETY: the caller's contract.
        Self { given: path, redirected: unsafe { redirect(dirfd, path) } }
    }

    /// The pointer to pass on.
    pub(crate) fn ptr(&self) -> *const c_char {
        self.redirected.as_ref().map_or(self.given, |c| c.as_ptr())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes() -> Vec<NodeMap> {
        vec![
            NodeMap { app_path: "/dev/video1".into(), board_path: "/dev/video1".into(), minor: 1 },
            NodeMap { app_path: "/tmp/elsewhere/video7".into(), board_path: "/dev/video3".into(), minor: 7 },
        ]
    }

    #[test]
    fn the_view_is_the_class_the_device_directories_and_the_nodes_database_entries() {
        let n = nodes();
        for p in [
            "/sys/class/video4linux",
            "/sys/class/video4linux/video1",
            "/sys/devices/virtual/video4linux/video1/uevent",
            "/run/udev/data/c81:1",
        ] {
            assert!(in_view(p, &n), "{p}");
        }
        // Another class, a name that only starts alike, another device's or a node outside
        // /dev's database entry, another major.
        for p in [
            "/sys/class/tty",
            "/sys/class/video4linuxx",
            "/run/udev/data/c81:2",
            "/run/udev/data/c81:7",
            "/run/udev/data/c4:1",
            "/run/udev/data",
        ] {
            assert!(!in_view(p, &n), "{p}");
        }
    }

    #[test]
    fn only_names_with_the_class_or_the_major_are_looked_at() {
        assert!(may_name_view("/sys/class/video4linux"));
        assert!(may_name_view("video4linux"));
        assert!(may_name_view("/run/udev/data/c81:1"));
        assert!(!may_name_view("/sys/class/tty"));
        assert!(!may_name_view("/run/udev/data/c4:1"));
    }
}
