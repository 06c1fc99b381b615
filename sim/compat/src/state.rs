//! Process-wide state of the compat layer: the backend, the node map, the emulated fds,
//! mappings, epoll registrations and /dev directory scans.

use crate::backend::{Backend, BufferMap};
use crate::emul::{self, NodeMap};
use crate::media::{self, Topology};
use core::cell::Cell;
use core::ffi::c_int;
use std::collections::HashMap;
use std::string::String;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::vec::Vec;
use v4l2m2m::abi;

thread_local! {
    static INSIDE: Cell<bool> = const { Cell::new(false) };
}

/// Marks the current thread as running compat-layer (or board) code: while it is alive,
/// every interposed function goes straight to libc, so the board's own file descriptors,
/// mappings and polls are never emulated and nothing recurses.
pub struct Inside(bool);

impl Inside {
    /// Marks the current thread as inside until the returned guard is dropped (then restores
    /// the previous mark, so guards nest).
    pub fn enter() -> Inside {
        Inside(INSIDE.with(|c| c.replace(true)))
    }
}

impl Drop for Inside {
    fn drop(&mut self) {
        let prev = self.0;
        INSIDE.with(|c| c.set(prev));
    }
}

/// Whether the current thread is inside the compat layer.
pub fn inside() -> bool {
    INSIDE.with(|c| c.get())
}

/// One emulated open (shared by every fd that dup() made of it).
pub struct Open {
    /// The fd the backend knows this open by.
    pub vfs_fd: c_int,
    /// Index into the node map.
    pub node: usize,
    /// The file status flags the application sees (F_GETFL): access mode and O_NONBLOCK.
    pub status: AtomicI32,
    /// An open of the node's media device (`/dev/media<node>`), served by the layer itself
    /// (`vfs_fd` is then an eventfd of the layer's, unknown to the backend).
    pub media: bool,
    /// Calls in progress on the open, and whether its last fd was closed meanwhile (the
    /// open is then released when the last call returns, as Linux keeps a file while a
    /// system call uses it).
    pub(crate) calls: Mutex<Calls>,
}

/// The calls in progress on an [`Open`].
#[derive(Default)]
pub(crate) struct Calls {
    pub(crate) running: usize,
    pub(crate) closed: bool,
}

impl Open {
    pub(crate) fn new(vfs_fd: c_int, node: usize, status: c_int, media: bool) -> Self {
        Self { vfs_fd, node, status: AtomicI32::new(status), media, calls: Mutex::new(Calls::default()) }
    }
}

/// What an fd in the layer's fd table stands for.
#[derive(Clone)]
pub enum FdEntry {
    /// An fd standing for an emulated open.
    Node(Arc<Open>),
    /// The backend's fd of an open that the application closed while dup()s of it are
    /// still open: kept open for the backend, invisible to the application.
    Hidden(Arc<Open>),
}

/// A mapping of a V4L2 buffer.
pub struct Mapping {
    /// Length of the mapping, in bytes.
    pub(crate) len: usize,
    /// The backend's answer to the mmap (arena region to release on munmap).
    pub(crate) map: BufferMap,
    /// The page ranges (start, end) of the mapping still mapped: a partial munmap or a
    /// `MAP_FIXED` mapping over part of it removes a range; the backend hears of the
    /// munmap when none is left.
    pub(crate) live: Vec<(usize, usize)>,
}

impl Mapping {
    /// Removes `[start, end)` from the live ranges; whether none is left.
    pub(crate) fn remove(&mut self, start: usize, end: usize) -> bool {
        remove_range(&mut self.live, start, end);
        self.live.is_empty()
    }
}

/// Removes `[start, end)` from a list of disjoint (start, end) ranges.
pub(crate) fn remove_range(ranges: &mut Vec<(usize, usize)>, start: usize, end: usize) {
    let mut left = Vec::with_capacity(ranges.len() + 1);
    for &(s, e) in ranges.iter() {
        if e <= start || s >= end {
            left.push((s, e));
            continue;
        }
        if s < start {
            left.push((s, start));
        }
        if e > end {
            left.push((end, e));
        }
    }
    *ranges = left;
}

/// One emulated fd registered in an epoll instance.
#[derive(Clone, Copy)]
pub struct EpollReg {
    /// The emulated fd.
    pub(crate) fd: c_int,
    /// The events the application asked for.
    pub(crate) events: u32,
    /// The application's `epoll_event.data`, returned with the fd's events.
    pub(crate) data: u64,
    /// EPOLLET: the open's generation when the fd was last reported (`None`: not since it
    /// was added or modified).
    pub(crate) reported: Option<u32>,
}

/// One entry a directory scan shows that the real directory does not hold.
#[derive(Clone, Debug)]
pub struct DirExtra {
    /// Entry name (`d_name`).
    pub(crate) name: String,
    /// Inode number (`d_ino`).
    pub(crate) ino: u64,
    /// Entry type (`d_type`, a `DT_*` value).
    pub(crate) dtype: u8,
}

/// Extra entries appended to a directory listing.
pub struct DirScan {
    /// The entries to add.
    pub(crate) extra: Vec<DirExtra>,
    /// Index in `extra` of the next entry to return.
    pub(crate) next: usize,
    /// The `dirent64` that readdir returns an added entry in.
    pub(crate) entry: Box<libc::dirent64>,
    /// The directory is wholly emulated (a /sys directory): the real handle behind the
    /// `DIR *` is never read.
    pub(crate) only_extra: bool,
}

/// The layer's process-wide state, created when the board is first needed (see [`state`]).
pub struct State {
    /// The board's VFS.
    pub(crate) backend: &'static dyn Backend,
    /// The emulated video nodes (application path, board path, minor).
    pub(crate) nodes: Vec<NodeMap>,
    /// Card names by node index, cached (see [`State::card`]).
    pub(crate) cards: Mutex<HashMap<usize, String>>,
    /// Media device topologies by node index, cached (see [`State::topology`]).
    pub(crate) topologies: Mutex<HashMap<usize, Arc<Topology>>>,
    /// The emulated fds and the backend fds kept hidden.
    pub(crate) fds: Mutex<HashMap<c_int, FdEntry>>,
    /// Buffer mappings by start address.
    pub(crate) maps: Mutex<HashMap<usize, Mapping>>,
    /// Page ranges (start, end) the application unmapped while a node held USERPTR memory
    /// in them: still mapped, unmapped for real once no node holds them (Linux keeps such
    /// pages pinned until the buffer is given back).
    pub(crate) deferred: Mutex<Vec<(usize, usize)>>,
    /// Emulated fds registered in each epoll instance (by epoll fd).
    pub(crate) epolls: Mutex<HashMap<c_int, Vec<EpollReg>>>,
    /// Directory scans with added entries, by `DIR *` address.
    pub(crate) dirs: Mutex<HashMap<usize, DirScan>>,
    /// Wall-clock time (seconds) the state was created: the nodes' stat times.
    pub(crate) start_time: i64,
}

static BACKEND: OnceLock<&'static dyn Backend> = OnceLock::new();
static STATE: OnceLock<Option<State>> = OnceLock::new();
/// Set once any emulated fd was created: until then fd-based calls skip every lookup.
pub static ANY_FD: AtomicBool = AtomicBool::new(false);

/// Installs the backend (tests; the preload library installs the simulator board lazily).
pub fn set_backend(b: &'static dyn Backend) {
    let _ = BACKEND.set(b);
}

fn default_backend() -> Option<&'static dyn Backend> {
    if let Some(b) = BACKEND.get() {
        return Some(*b);
    }
    // The loopback board is an explicit choice (`--features loopback`): it wins over the
    // default sim board.
    #[cfg(feature = "loopback")]
    {
        let b: &'static dyn Backend = crate::loopback::backend();
        return Some(*BACKEND.get_or_init(|| b));
    }
    #[cfg(all(feature = "sim-board", not(feature = "loopback")))]
    {
        let b: &'static dyn Backend = crate::board::backend();
        return Some(*BACKEND.get_or_init(|| b));
    }
    #[allow(unreachable_code)]
    None
}

/// The configured app paths (`V4L2_SIM_NODES`), known without starting the board.
pub fn configured_paths() -> &'static Option<Vec<String>> {
    static CONF: OnceLock<Option<Vec<String>>> = OnceLock::new();
    CONF.get_or_init(|| {
        let spec = std::env::var("V4L2_SIM_NODES").ok()?;
        Some(
            spec.split(',')
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(|e| emul::normalize(e.split_once('=').map_or(e, |(a, _)| a).trim()))
                .collect(),
        )
    })
}

/// Whether a normalized path may be emulated (no board start-up needed to answer).
pub fn may_be_emulated(path: &str) -> bool {
    emul::may_be_emulated(path, configured_paths().as_deref())
}

/// The state, starting the board on first use. `None` when no backend is available or the
/// configuration is invalid (reported once on stderr); everything then passes through.
pub fn state() -> Option<&'static State> {
    STATE
        .get_or_init(|| {
            let _in = Inside::enter();
            let backend = default_backend()?;
            let paths = backend.node_paths();
            let spec = std::env::var("V4L2_SIM_NODES").ok();
            let exclusive = std::env::var("V4L2_SIM_EXCLUSIVE").is_ok_and(|v| v == "1");
            let nodes = match emul::build_map(spec.as_deref(), &paths, exclusive) {
                Ok(n) => n,
                Err(e) => {
                    eprintln!("v4l2-sim-compat: {e}");
                    return None;
                }
            };
            if std::env::var_os("V4L2_SIM_DEBUG").is_some() {
                for n in &nodes {
                    eprintln!("v4l2-sim-compat: {} -> board node {} (81:{})", n.app_path, n.board_path, n.minor);
                }
            }
            let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
            // SAFETY: a valid out-pointer to a live timespec.
            unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut ts) };
            Some(State {
                backend,
                nodes,
                cards: Mutex::new(HashMap::new()),
                topologies: Mutex::new(HashMap::new()),
                fds: Mutex::new(HashMap::new()),
                maps: Mutex::new(HashMap::new()),
                deferred: Mutex::new(Vec::new()),
                epolls: Mutex::new(HashMap::new()),
                dirs: Mutex::new(HashMap::new()),
                start_time: ts.tv_sec,
            })
        })
        .as_ref()
}

/// The state if it was already started (fd-based calls never start the board).
pub fn started() -> Option<&'static State> {
    STATE.get().and_then(Option::as_ref)
}

/// Locks a mutex, ignoring poisoning (a panic elsewhere must not wedge every libc call).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl State {
    /// The node an application path names.
    pub fn node_by_path(&self, path: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.app_path == path)
    }

    /// The emulated open behind an application fd.
    pub fn open_of(&self, fd: c_int) -> Option<Arc<Open>> {
        match lock(&self.fds).get(&fd) {
            Some(FdEntry::Node(o)) => Some(o.clone()),
            _ => None,
        }
    }

    /// Whether `fd` is the hidden backend fd of an open (the application closed it).
    pub fn is_hidden(&self, fd: c_int) -> bool {
        matches!(lock(&self.fds).get(&fd), Some(FdEntry::Hidden(_)))
    }

    /// Asks node `idx` for its VIDIOC_QUERYCAP (an open of its own, closed again).
    fn querycap(&self, idx: usize) -> Option<abi::v4l2_capability> {
        let _in = Inside::enter();
        let fd = self.backend.open(&self.nodes[idx].board_path, true).ok()?;
        let mut cap = abi::v4l2_capability::zeroed();
        // SAFETY: VIDIOC_QUERYCAP writes a `struct v4l2_capability`, which `cap` is.
        let ok =
            unsafe { self.backend.ioctl(fd, abi::VIDIOC_QUERYCAP, (&mut cap as *mut abi::v4l2_capability).cast()) };
        let _ = self.backend.close(fd);
        ok.ok().map(|_| cap)
    }

    /// The card name of node `idx` (VIDIOC_QUERYCAP), for /sys/.../name.
    pub fn card(&self, idx: usize) -> String {
        if let Some(c) = lock(&self.cards).get(&idx) {
            return c.clone();
        }
        let card = self
            .querycap(idx)
            .map(|cap| media::cstr_field(&cap.card))
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| String::from("v4l2-sim"));
        lock(&self.cards).insert(idx, card.clone());
        card
    }

    /// The media device topology of node `idx`, built on first use from what the node
    /// reports (VIDIOC_QUERYCAP, and VIDIOC_ENUM_FMT to tell a decoder from an encoder).
    pub fn topology(&self, idx: usize) -> Arc<Topology> {
        if let Some(t) = lock(&self.topologies).get(&idx) {
            return t.clone();
        }
        let caps = media::Caps::parse(&self.querycap(idx).unwrap_or(abi::v4l2_capability::zeroed()));
        let transform = self.transform(idx, &caps);
        let name = if caps.card.is_empty() { self.card(idx) } else { caps.card.clone() };
        let info = media::Info {
            driver: if caps.driver.is_empty() { "v4l2-sim".into() } else { caps.driver.clone() },
            model: name.clone(),
            bus_info: caps.bus_info.clone(),
            version: caps.version,
        };
        let t = Arc::new(Topology::m2m(info, &name, transform, emul::VIDEO_MAJOR, self.nodes[idx].minor));
        lock(&self.topologies).entry(idx).or_insert(t).clone()
    }

    /// What node `idx` transforms (decoder, encoder or other), asked with VIDIOC_ENUM_FMT.
    fn transform(&self, idx: usize, caps: &media::Caps) -> media::Transform {
        let _in = Inside::enter();
        let Ok(fd) = self.backend.open(&self.nodes[idx].board_path, true) else { return media::Transform::Other };
        // SAFETY: `media::classify` passes VIDIOC_ENUM_FMT with a `struct v4l2_fmtdesc`.
        let transform = media::classify(caps, |req, arg| unsafe { self.backend.ioctl(fd, req, arg) });
        let _ = self.backend.close(fd);
        transform
    }

    /// Registers a new emulated open under `fd`.
    pub fn add_open(&self, fd: c_int, node: usize, status: c_int, media: bool) {
        let open = Arc::new(Open::new(fd, node, status, media));
        lock(&self.fds).insert(fd, FdEntry::Node(open));
        ANY_FD.store(true, Ordering::Release);
    }

    /// Makes `newfd` (a kernel dup of an emulated fd) another fd of the same open.
    pub fn add_alias(&self, newfd: c_int, open: Arc<Open>) {
        lock(&self.fds).insert(newfd, FdEntry::Node(open));
    }

    /// Forgets `fd` for epoll instances and as an epoll instance.
    pub fn forget_epoll(&self, fd: c_int) {
        let mut ep = lock(&self.epolls);
        ep.remove(&fd);
        for regs in ep.values_mut() {
            regs.retain(|r| r.fd != fd);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_is_gone_with_its_last_byte() {
        let map = BufferMap { arena_fd: -1, arena_offset: 0, region: (0, 0x3000) };
        let mut m = Mapping { len: 0x3000, map, live: vec![(0x1000, 0x4000)] };
        assert!(!m.remove(0x2000, 0x3000), "a hole in the middle");
        assert_eq!(m.live, [(0x1000, 0x2000), (0x3000, 0x4000)]);
        assert!(!m.remove(0, 0x2000));
        assert!(!m.remove(0x5000, 0x6000), "outside");
        assert!(m.remove(0x2000, 0x8000));
    }
}
