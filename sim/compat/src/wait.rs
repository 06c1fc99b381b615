//! The wait engines: `poll`/`ppoll`, `select`/`pselect` and `epoll` over sets that mix
//! emulated and real fds.
//!
//! The readiness of an emulated open is the framework's (asked through the backend); the
//! sleeping is the kernel's: a thread that must sleep watches each emulated open of its set
//! with an eventfd of its own ([`Backend::watch`](crate::Backend::watch)), which the board
//! writes whenever the open's readiness may have changed, and waits in the kernel on that
//! eventfd and the real fds together, then asks again. Nothing a waiter consumes is shared,
//! so readiness is level-triggered for any number of threads on one open (a feeder waiting
//! for POLLOUT and a drainer waiting for POLLIN, say); edge-triggered epoll reports an open
//! again only once its generation moved.
//!
//! Every engine returns `None` when the set holds no emulated fd: the shim calls libc.

use crate::backend::Watch;
use crate::fds::Call;
use crate::real;
use crate::state::{self, lock, EpollReg, FdEntry, Inside, Open, State};
use crate::sys::fail;
use core::ffi::c_int;
use libc::{nfds_t, pollfd};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use std::vec::Vec;

// ------------------------------------------------------------------------------------
// timeouts

/// The deadline of a millisecond timeout (negative: none).
pub(crate) fn deadline_of(timeout_ms: c_int) -> Option<Instant> {
    (timeout_ms >= 0).then(|| Instant::now() + Duration::from_millis(timeout_ms as u64))
}

/// The deadline of a `timespec` timeout (NULL: none).
///
/// # Safety
///
/// `ts` must be NULL or valid for reads of a `timespec`.
pub(crate) unsafe fn deadline_of_ts(ts: *const libc::timespec) -> Option<Instant> {
    // SAFETY: NULL or valid by the caller's contract.
    let ts = unsafe { ts.as_ref() }?;
    Some(Instant::now() + Duration::new(ts.tv_sec.max(0) as u64, ts.tv_nsec.clamp(0, 999_999_999) as u32))
}

/// The deadline of a `timeval` timeout (NULL: none).
///
/// # Safety
///
/// `tv` must be NULL or valid for reads of a `timeval`.
pub(crate) unsafe fn deadline_of_tv(tv: *const libc::timeval) -> Option<Instant> {
    // SAFETY: NULL or valid by the caller's contract.
    let t = unsafe { tv.as_ref() }?;
    Some(Instant::now() + Duration::new(t.tv_sec.max(0) as u64, (t.tv_usec.clamp(0, 999_999) * 1000) as u32))
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

/// Whether a wait engine may have work: not inside the layer, and some fd was emulated.
fn engaged() -> Option<&'static State> {
    if state::inside() || !state::ANY_FD.load(Ordering::Acquire) {
        return None;
    }
    state::started()
}

/// V4L2 readiness of an emulated open, as the kernel's poll reports it: the file's mask
/// restricted to the requested events plus POLLERR and POLLHUP.
fn revents(st: &State, open: &Open, events: i16) -> i16 {
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

// ------------------------------------------------------------------------------------
// watches

/// The calling thread's eventfd for watches (created on first use, closed when the thread
/// exits); -1 if it cannot be created.
fn thread_waiter() -> c_int {
    struct Waiter(c_int);
    impl Drop for Waiter {
        fn drop(&mut self) {
            if self.0 >= 0 {
                // SAFETY: the eventfd this thread created, closed past the layer.
                unsafe { real::close(self.0) };
            }
        }
    }
    thread_local! {
        // SAFETY: plain syscall wrapper creating a new fd.
        static WAITER: Waiter = Waiter(unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) });
    }
    WAITER.with(|w| w.0)
}

/// The thread's watches on the emulated opens of one wait, ended when dropped.
struct Watches<'a> {
    st: &'a State,
    waiter: c_int,
    list: Vec<Watch>,
}

impl<'a> Watches<'a> {
    /// Watches every open of `opens` with the thread's eventfd (an open the backend does
    /// not know, such as a media device, is left out: its readiness never changes).
    fn new<'o>(st: &'a State, opens: impl Iterator<Item = &'o Open>) -> Result<Self, c_int> {
        let waiter = thread_waiter();
        if waiter < 0 {
            return Err(libc::ENOMEM);
        }
        let _in = Inside::enter();
        let list = opens.filter(|o| !o.media).filter_map(|o| st.backend.watch(o.vfs_fd, waiter).ok()).collect();
        Ok(Self { st, waiter, list })
    }

    /// Consumes the wake-ups so far: call before asking readiness again.
    fn drain(&self) {
        let mut counter = 0u64;
        // SAFETY: reading the thread's own non-blocking eventfd (EAGAIN when nothing is
        // pending).
        unsafe { libc::eventfd_read(self.waiter, &mut counter) };
    }
}

impl Drop for Watches<'_> {
    fn drop(&mut self) {
        let _in = Inside::enter();
        for w in self.list.drain(..) {
            self.st.backend.unwatch(w);
        }
    }
}

// ------------------------------------------------------------------------------------
// poll

/// One round of a poll over `set`: the emulated opens' readiness, then one non-blocking
/// kernel poll of the real fds (`check`, where the emulated ones are disabled). The number
/// of ready entries, or -1 (errno set).
fn poll_round(st: &State, set: &mut [pollfd], emu: &[(usize, Arc<Open>)], check: &mut [pollfd]) -> c_int {
    let mut n = 0;
    for (i, open) in emu {
        let r = revents(st, open, set[*i].events);
        set[*i].revents = r;
        if r != 0 {
            n += 1;
        }
    }
    let zero = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `check` is a valid array of `check.len()` pollfd entries.
    let r = unsafe { real::ppoll(check.as_mut_ptr(), check.len() as nfds_t, &zero, core::ptr::null()) };
    if r < 0 {
        return -1;
    }
    for (i, p) in check.iter().enumerate() {
        if p.fd >= 0 || set[i].fd < 0 {
            set[i].revents = if set[i].fd < 0 { 0 } else { p.revents };
        }
    }
    n + r
}

/// `poll`/`ppoll` over a set that contains at least one emulated fd; `None` if it has none.
///
/// # Safety
///
/// `fds` must be NULL or valid for reads and writes of `nfds` entries; `sigmask` NULL or a
/// valid signal set.
pub(crate) unsafe fn poll(
    fds: *mut pollfd,
    nfds: nfds_t,
    deadline: Option<Instant>,
    sigmask: *const libc::sigset_t,
) -> Option<c_int> {
    if fds.is_null() || nfds == 0 {
        return None;
    }
    let st = engaged()?;
    // SAFETY: non-null and valid for `nfds` entries by the caller's contract.
    let set = unsafe { core::slice::from_raw_parts_mut(fds, nfds as usize) };
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
    // As Linux's poll table holds each file it waits on, a close meanwhile leaves the opens
    // alive until the poll returns (they are released then).
    let _calls: Vec<Call<'_>> = emu.iter().filter_map(|(_, o)| Call::enter(st, o)).collect();
    // The sets the kernel sees: real fds as given, emulated fds disabled (`check`, for the
    // readiness of the real fds), and the same plus the thread's watch eventfd (`wait`).
    let mut check: Vec<pollfd> = set.to_vec();
    for (i, _) in &emu {
        check[*i].fd = -1;
    }
    let mut watches: Option<Watches<'_>> = None;
    let mut wait: Vec<pollfd> = Vec::new();
    loop {
        if let Some(w) = &watches {
            w.drain();
        }
        let n = poll_round(st, set, &emu, &mut check);
        if n != 0 || expired(deadline) {
            return Some(n);
        }
        if watches.is_none() {
            // About to sleep: watch first, then ask again, so no change is missed.
            match Watches::new(st, emu.iter().map(|(_, o)| &**o)) {
                Ok(w) => {
                    wait = check.clone();
                    wait.push(pollfd { fd: w.waiter, events: libc::POLLIN, revents: 0 });
                    watches = Some(w);
                    continue;
                }
                Err(e) => return Some(fail(e, -1)),
            }
        }
        let ts = remaining(deadline);
        let tsp = ts.as_ref().map_or(core::ptr::null(), |t| t as *const libc::timespec);
        for p in wait.iter_mut() {
            p.revents = 0;
        }
        // SAFETY: `wait` is a valid array; `tsp` NULL or a live timespec; `sigmask` the
        // caller's.
        if unsafe { real::ppoll(wait.as_mut_ptr(), wait.len() as nfds_t, tsp, sigmask) } < 0 {
            return Some(-1);
        }
    }
}

// ------------------------------------------------------------------------------------
// select

const POLLIN_SET: i16 = libc::POLLRDNORM | libc::POLLRDBAND | libc::POLLIN | libc::POLLHUP | libc::POLLERR;
const POLLOUT_SET: i16 = libc::POLLWRBAND | libc::POLLWRNORM | libc::POLLOUT | libc::POLLERR;
const POLLEX_SET: i16 = libc::POLLPRI;

/// The three sets of a `select` call (each may be NULL).
#[derive(Clone, Copy)]
pub(crate) struct FdSets {
    /// The read set.
    pub(crate) read: *mut libc::fd_set,
    /// The write set.
    pub(crate) write: *mut libc::fd_set,
    /// The exception set.
    pub(crate) except: *mut libc::fd_set,
}

impl FdSets {
    /// Whether `fd` is in `set` (NULL: no).
    ///
    /// # Safety
    ///
    /// `set` must be NULL or a valid `fd_set`; `fd` below FD_SETSIZE.
    unsafe fn has(set: *mut libc::fd_set, fd: c_int) -> bool {
        // SAFETY: non-null sets are valid by the caller's contract.
        !set.is_null() && unsafe { libc::FD_ISSET(fd, set) }
    }

    /// Puts `fd` in `set` (`hit`) or takes it out; returns 1 for a hit.
    ///
    /// # Safety
    ///
    /// As [`FdSets::has`], and `set` non-null.
    unsafe fn mark(set: *mut libc::fd_set, fd: c_int, hit: bool) -> c_int {
        if hit {
            // SAFETY: the caller's contract.
            unsafe { libc::FD_SET(fd, set) };
            1
        } else {
            // SAFETY: the caller's contract.
            unsafe { libc::FD_CLR(fd, set) };
            0
        }
    }
}

/// `select`/`pselect` over sets that contain at least one emulated fd, done as the kernel
/// does it: each fd is polled for POLLEX_SET plus POLLIN_SET / POLLOUT_SET as it is in the
/// read / write set. `None` if no emulated fd is in the sets.
///
/// # Safety
///
/// Each set must be NULL or a valid `fd_set`; `sigmask` NULL or a valid signal set.
pub(crate) unsafe fn select(
    nfds: c_int,
    sets: FdSets,
    deadline: Option<Instant>,
    sigmask: *const libc::sigset_t,
) -> Option<c_int> {
    if !(0..=libc::FD_SETSIZE as c_int).contains(&nfds) {
        return None;
    }
    let st = engaged()?;
    let mut pfds: Vec<pollfd> = Vec::new();
    let mut any_emu = false;
    for fd in 0..nfds {
        // SAFETY: the caller's contract; `fd` < nfds <= FD_SETSIZE.
        let (rd, wr, ex) =
            unsafe { (FdSets::has(sets.read, fd), FdSets::has(sets.write, fd), FdSets::has(sets.except, fd)) };
        if !(rd || wr || ex) {
            continue;
        }
        let events = POLLEX_SET | if rd { POLLIN_SET } else { 0 } | if wr { POLLOUT_SET } else { 0 };
        any_emu |= st.open_of(fd).is_some();
        pfds.push(pollfd { fd, events, revents: 0 });
    }
    if !any_emu {
        return None;
    }
    // SAFETY: `pfds` is a valid array of its length; `sigmask` the caller's.
    let ret = unsafe { poll(pfds.as_mut_ptr(), pfds.len() as nfds_t, deadline, sigmask) }?;
    if ret < 0 {
        return Some(-1);
    }
    let mut count = 0;
    for p in &pfds {
        for (set, mask) in [(sets.read, POLLIN_SET), (sets.write, POLLOUT_SET), (sets.except, POLLEX_SET)] {
            // SAFETY: the caller's sets; `p.fd` < nfds <= FD_SETSIZE.
            if unsafe { FdSets::has(set, p.fd) } {
                // SAFETY: as above, and `set` is non-null.
                count += unsafe { FdSets::mark(set, p.fd, p.revents & mask != 0) };
            }
        }
    }
    Some(count)
}

/// Writes the time left before `deadline` into the application's `timeval`, as Linux's
/// select does.
///
/// # Safety
///
/// `tv` must be NULL or valid for writes of a `timeval`.
pub(crate) unsafe fn write_back_timeout(tv: *mut libc::timeval, deadline: Option<Instant>) {
    // SAFETY: NULL or valid by the caller's contract.
    if let (Some(left), Some(tv)) = (remaining(deadline), unsafe { tv.as_mut() }) {
        tv.tv_sec = left.tv_sec;
        tv.tv_usec = left.tv_nsec / 1000;
    }
}

// ------------------------------------------------------------------------------------
// epoll

/// Tag in `epoll_event.data` of the kernel registration of an emulated fd. The kernel
/// registration asks for no events (it only keeps the kernel's bookkeeping: EEXIST,
/// ENOENT, removal at close); the layer reports the fd's readiness itself.
const EPOLL_TAG: u64 = 0x7634_6c32_0000_0000;
const EPOLL_TAG_MASK: u64 = 0xffff_ffff_0000_0000;

/// `epoll_ctl` for an emulated fd: the layer keeps the application's events and data, and
/// registers the fd with the kernel under a tag of its own. `None` for other fds.
///
/// # Safety
///
/// `ev` must be NULL or valid for reads and writes of an `epoll_event`.
pub(crate) unsafe fn epoll_ctl(epfd: c_int, op: c_int, fd: c_int, ev: *mut libc::epoll_event) -> Option<c_int> {
    let (st, _open) = crate::fds::open_of(fd)?;
    match op {
        libc::EPOLL_CTL_ADD | libc::EPOLL_CTL_MOD => {
            // SAFETY: NULL or valid by the caller's contract.
            let Some(ev) = (unsafe { ev.as_ref() }) else { return Some(fail(libc::EFAULT, -1)) };
            let reg = EpollReg { fd, events: ev.events, data: ev.u64, reported: None };
            Some(if op == libc::EPOLL_CTL_ADD { epoll_add(st, epfd, reg) } else { epoll_mod(st, epfd, reg) })
        }
        libc::EPOLL_CTL_DEL => {
            // SAFETY: the caller's arguments, unchanged.
            let r = unsafe { real::epoll_ctl(epfd, op, fd, ev) };
            if let Some(regs) = lock(&st.epolls).get_mut(&epfd) {
                regs.retain(|r| r.fd != fd);
            }
            Some(r)
        }
        _ => None,
    }
}

fn epoll_add(st: &State, epfd: c_int, reg: EpollReg) -> c_int {
    let mut kev = libc::epoll_event { events: 0, u64: EPOLL_TAG | reg.fd as u32 as u64 };
    // SAFETY: registering the emulated fd's eventfd with a live event of ours.
    let r = unsafe { real::epoll_ctl(epfd, libc::EPOLL_CTL_ADD, reg.fd, &mut kev) };
    if r == 0 {
        lock(&st.epolls).entry(epfd).or_default().push(reg);
    }
    r
}

fn epoll_mod(st: &State, epfd: c_int, reg: EpollReg) -> c_int {
    let mut eps = lock(&st.epolls);
    match eps.get_mut(&epfd).and_then(|regs| regs.iter_mut().find(|r| r.fd == reg.fd)) {
        Some(r) => {
            *r = reg;
            0
        }
        None => fail(libc::ENOENT, -1),
    }
}

/// The emulated fds of `epfd` that are ready, up to `max` events, appended to `out`.
/// EPOLLONESHOT registrations are disarmed when reported; EPOLLET ones are reported again
/// only after the open's generation moved (a wake-up since the last report), as the
/// kernel re-queues an edge-triggered fd only at a wake-up.
fn epoll_ready(st: &State, epfd: c_int, max: usize, out: &mut Vec<libc::epoll_event>) {
    let regs: Vec<EpollReg> = lock(&st.epolls).get(&epfd).cloned().unwrap_or_default();
    for reg in &regs {
        if out.len() >= max {
            break;
        }
        let Some(open) = st.open_of(reg.fd) else { continue };
        let edge = reg.events & libc::EPOLLET as u32 != 0;
        // The generation before the readiness: a change in between is reported again.
        let generation = if edge && !open.media {
            let _in = Inside::enter();
            st.backend.generation(open.vfs_fd).ok()
        } else {
            None
        };
        let r = revents(st, &open, (reg.events & 0xffff) as i16);
        if r == 0 {
            continue;
        }
        let mut eps = lock(&st.epolls);
        let Some(x) = eps.get_mut(&epfd).and_then(|v| v.iter_mut().find(|x| x.fd == reg.fd)) else { continue };
        if x.events != reg.events || (edge && x.reported.is_some() && x.reported == generation) {
            // Modified meanwhile, or already reported to a thread since the last wake-up.
            continue;
        }
        out.push(libc::epoll_event { events: r as u16 as u32, u64: x.data });
        if edge {
            x.reported = generation;
        }
        if x.events & libc::EPOLLONESHOT as u32 != 0 {
            x.events = 0;
        }
    }
}

/// The kernel's events that are the application's (not our eventfd registrations).
fn untagged(events: &[libc::epoll_event]) -> impl Iterator<Item = libc::epoll_event> + '_ {
    events.iter().filter(|e| e.u64 & EPOLL_TAG_MASK != EPOLL_TAG).copied()
}

/// `epoll_wait`/`epoll_pwait` on an epoll instance holding an emulated fd: the emulated
/// opens' readiness together with the kernel's events for the other fds. `None` for an
/// instance without emulated fds.
///
/// # Safety
///
/// `evs` must be NULL or valid for writes of `max` events; `sigmask` NULL or a valid
/// signal set.
pub(crate) unsafe fn epoll_wait(
    epfd: c_int,
    evs: *mut libc::epoll_event,
    max: c_int,
    deadline: Option<Instant>,
    sigmask: *const libc::sigset_t,
) -> Option<c_int> {
    if max <= 0 || evs.is_null() {
        return None;
    }
    let st = engaged()?;
    if lock(&st.epolls).get(&epfd).is_none_or(|r| r.is_empty()) {
        return None;
    }
    let max = max as usize;
    let mut kbuf: Vec<libc::epoll_event> = vec![libc::epoll_event { events: 0, u64: 0 }; max];
    let mut watches: Option<Watches<'_>> = None;
    loop {
        if let Some(w) = &watches {
            w.drain();
        }
        let mut out: Vec<libc::epoll_event> = Vec::new();
        epoll_ready(st, epfd, max, &mut out);
        if out.len() < max {
            // SAFETY: `kbuf` has room for `max` events, more than asked for.
            let n = unsafe { real::epoll_wait(epfd, kbuf.as_mut_ptr(), (max - out.len()) as c_int, 0) };
            if n < 0 {
                return Some(-1);
            }
            out.extend(untagged(&kbuf[..n as usize]));
        }
        if !out.is_empty() || expired(deadline) {
            // SAFETY: `evs` has room for `max` >= out.len() events (the caller's contract).
            unsafe { core::ptr::copy_nonoverlapping(out.as_ptr(), evs, out.len()) };
            return Some(out.len() as c_int);
        }
        let Some(w) = &watches else {
            // About to sleep: watch first, then ask again, so no change is missed.
            let opens: Vec<Arc<Open>> = {
                let regs = lock(&st.epolls).get(&epfd).cloned().unwrap_or_default();
                regs.iter().filter_map(|r| st.open_of(r.fd)).collect()
            };
            match Watches::new(st, opens.iter().map(|o| &**o)) {
                Ok(w) => watches = Some(w),
                Err(e) => return Some(fail(e, -1)),
            }
            continue;
        };
        // Sleep until a real fd of the instance is ready (the epoll fd is readable) or an
        // emulated open may have changed (the watch eventfd is).
        let mut wait = [
            pollfd { fd: epfd, events: libc::POLLIN, revents: 0 },
            pollfd { fd: w.waiter, events: libc::POLLIN, revents: 0 },
        ];
        let ts = remaining(deadline);
        let tsp = ts.as_ref().map_or(core::ptr::null(), |t| t as *const libc::timespec);
        // SAFETY: `wait` is a valid array of two entries; `tsp` NULL or a live timespec;
        // `sigmask` the caller's.
        if unsafe { real::ppoll(wait.as_mut_ptr(), 2, tsp, sigmask) } < 0 {
            return Some(-1);
        }
    }
}
