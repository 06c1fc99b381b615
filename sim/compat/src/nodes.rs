//! A [`Backend`] over any set of framework nodes (`&'static dyn VideoNode`) whose buffer
//! arena lives in a memfd: each open is an eventfd (the kernel fd that stands for it); a
//! thread waiting on an open watches its wait word through [`EventfdGlue`].
//!
//! Boards whose own VFS already does this plug in through [`Backend`] directly; this adapter
//! serves the loopback test board (`loopback` feature) and any board that only offers
//! registered nodes and an arena fd.

use crate::backend::{Backend, BufferMap, Errno, Watch};
use core::ffi::{c_int, c_void};
use core::sync::atomic::Ordering;
use std::collections::HashMap;
use std::string::String;
use std::sync::Mutex;
use std::vec::Vec;
use v4l2m2m::{ArenaRegion, FileId, OpenFlags, PollEvents, VideoNode};

/// A host [`OsGlue`](v4l2m2m::OsGlue): futex wait/wake on the framework's words, and an
/// eventfd write for every thread that watches a word (so that poll/select/epoll on an
/// open's fd wake up); the simulator board's glue.
pub type EventfdGlue = sim_board::HostGlue;

/// Framework nodes served as a [`Backend`].
pub struct NodesBackend {
    /// The nodes, each with its board path.
    pub(crate) nodes: Vec<(String, &'static dyn VideoNode)>,
    /// The glue the nodes were registered with.
    pub(crate) glue: &'static EventfdGlue,
    /// The memfd holding the nodes' buffer arena.
    pub(crate) arena_fd: c_int,
    files: Mutex<HashMap<c_int, (usize, FileId)>>,
    maps: Mutex<HashMap<(usize, usize), (usize, usize)>>,
}

impl NodesBackend {
    /// Serves `nodes` (board path, node), whose glue is `glue` and whose buffers live in the
    /// memfd `arena_fd`.
    pub fn new(nodes: Vec<(String, &'static dyn VideoNode)>, glue: &'static EventfdGlue, arena_fd: c_int) -> Self {
        Self { nodes, glue, arena_fd, files: Mutex::new(HashMap::new()), maps: Mutex::new(HashMap::new()) }
    }
    fn file(&self, fd: c_int) -> Result<(&'static dyn VideoNode, FileId), Errno> {
        let (n, f) = *crate::state::lock(&self.files).get(&fd).ok_or(libc::EBADF)?;
        Ok((self.nodes[n].1, f))
    }
}

impl Backend for NodesBackend {
    fn node_paths(&self) -> Vec<String> {
        self.nodes.iter().map(|(p, _)| p.clone()).collect()
    }
    fn holds_user_memory(&self, start: usize, len: usize) -> bool {
        self.nodes.iter().any(|(_, n)| n.holds_user_memory(start, len))
    }
    fn open(&self, board_path: &str, nonblock: bool) -> Result<c_int, Errno> {
        let idx = self.nodes.iter().position(|(p, _)| p == board_path).ok_or(libc::ENOENT)?;
        let node = self.nodes[idx].1;
        let flags = if nonblock { OpenFlags::NONBLOCK } else { OpenFlags::empty() };
        let file = node.open(flags).map_err(|e| e.code())?;
        // SAFETY: plain syscall wrapper.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            let _ = node.close(file);
            return Err(libc::EMFILE);
        }
        crate::state::lock(&self.files).insert(fd, (idx, file));
        Ok(fd)
    }
    fn close(&self, fd: c_int) -> Result<(), Errno> {
        let (n, f) = crate::state::lock(&self.files).remove(&fd).ok_or(libc::EBADF)?;
        let r = self.nodes[n].1.close(f).map_err(|e| e.code());
        // SAFETY: our eventfd.
        unsafe { libc::close(fd) };
        r
    }
    unsafe fn ioctl(&self, fd: c_int, request: u32, arg: *mut c_void) -> Result<c_int, Errno> {
        let (node, file) = self.file(fd)?;
        // SAFETY: forwarded caller contract.
        unsafe { node.ioctl(file, request, arg) }.map_err(|e| e.code())
    }
    fn set_nonblock(&self, fd: c_int, nonblock: bool) -> Result<(), Errno> {
        let (node, file) = self.file(fd)?;
        let flags = if nonblock { OpenFlags::NONBLOCK } else { OpenFlags::empty() };
        node.set_flags(file, flags).map_err(|e| e.code())
    }
    fn poll(&self, fd: c_int, events: i16) -> Result<i16, Errno> {
        let (node, file) = self.file(fd)?;
        let req = PollEvents::from_bits_truncate(events as u16 as u32);
        let r = node.poll(file, req).map_err(|e| e.code())?;
        Ok(r.bits() as i16)
    }
    fn watch(&self, fd: c_int, waiter: c_int) -> Result<Watch, Errno> {
        let (node, file) = self.file(fd)?;
        let w = self.glue.watch(node.wait_word(file).map_err(|e| e.code())?, waiter);
        Ok(Watch { key: w.word, waiter: w.eventfd })
    }
    fn unwatch(&self, w: Watch) {
        self.glue.unwatch(sim_board::Watch { word: w.key, eventfd: w.waiter });
    }
    fn generation(&self, fd: c_int) -> Result<u32, Errno> {
        let (node, file) = self.file(fd)?;
        Ok(node.wait_word(file).map_err(|e| e.code())?.load(Ordering::Acquire))
    }
    fn mmap(&self, fd: c_int, offset: u64, len: usize) -> Result<BufferMap, Errno> {
        let (node, file) = self.file(fd)?;
        let m = node.mmap(file, offset, len).map_err(|e| e.code())?;
        let idx = crate::state::lock(&self.files).get(&fd).map_or(0, |x| x.0);
        crate::state::lock(&self.maps).entry((m.region.offset, m.region.len)).or_insert((idx, 0)).1 += 1;
        Ok(BufferMap {
            arena_fd: self.arena_fd,
            arena_offset: m.region.offset as u64,
            region: (m.region.offset, m.region.len),
        })
    }
    fn munmap(&self, map: &BufferMap) {
        let region = map.region;
        let idx = {
            let mut maps = crate::state::lock(&self.maps);
            let Some(e) = maps.get_mut(&region) else { return };
            e.1 -= 1;
            let idx = e.0;
            if e.1 == 0 {
                maps.remove(&region);
            }
            idx
        };
        self.nodes[idx].1.munmap(ArenaRegion { offset: region.0, len: region.1 });
    }
}
