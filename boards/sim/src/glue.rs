//! The board's [`OsGlue`]: futex wait/wake on the framework's words, plus an eventfd
//! write for every open file registered under a word, so that a real `poll(2)` on the
//! file's descriptor wakes up when its V4L2 readiness may have changed.

use std::sync::atomic::AtomicU32;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use v4l2m2m::OsGlue;

/// Host OS glue (see the module documentation).
pub struct HostGlue {
    /// (address of a wait word, eventfd) pairs.
    eventfds: Mutex<Vec<(usize, libc::c_int)>>,
    epoch: OnceLock<Instant>,
}

impl HostGlue {
    /// A glue with no eventfd registered.
    pub const fn new() -> Self {
        Self { eventfds: Mutex::new(Vec::new()), epoch: OnceLock::new() }
    }

    /// Makes `wake_all(word)` also write `eventfd`.
    pub fn register(&self, word: &AtomicU32, eventfd: libc::c_int) {
        self.table().push((word as *const AtomicU32 as usize, eventfd));
    }

    /// Forgets `eventfd` (before it is closed).
    pub fn unregister(&self, eventfd: libc::c_int) {
        self.table().retain(|&(_, fd)| fd != eventfd);
    }

    fn table(&self) -> std::sync::MutexGuard<'_, Vec<(usize, libc::c_int)>> {
        self.eventfds.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for HostGlue {
    fn default() -> Self {
        Self::new()
    }
}

impl OsGlue for HostGlue {
    fn wait(&self, word: &AtomicU32, expected: u32) {
        // Bounded so that a wake lost to a bug could only delay, never hang (the contract
        // allows spurious returns).
        let timeout = libc::timespec { tv_sec: 0, tv_nsec: 100_000_000 };
        // SAFETY: FUTEX_WAIT on a valid, aligned 32-bit word that outlives the call, with a
        // valid timeout; the kernel only reads them.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                word.as_ptr(),
                libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
                expected,
                &timeout as *const libc::timespec,
            );
        }
    }

    fn wake_all(&self, word: &AtomicU32) {
        // SAFETY: FUTEX_WAKE on a valid, aligned 32-bit word.
        unsafe {
            libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG, i32::MAX);
        }
        // The table lock is only ever held for plain Vec operations (never around a
        // framework call), so taking it here cannot deadlock, and it is never long.
        let key = word as *const AtomicU32 as usize;
        let table = self.table();
        for &(_, fd) in table.iter().filter(|(w, _)| *w == key) {
            // SAFETY: writing 8 bytes to an eventfd we own; non-blocking (EFD_NONBLOCK), so
            // a saturated counter only fails with EAGAIN, which still leaves it readable.
            unsafe { libc::eventfd_write(fd, 1) };
        }
    }

    fn monotonic_ns(&self) -> u64 {
        self.epoch.get_or_init(Instant::now).elapsed().as_nanos() as u64
    }

    /// Asks the kernel whether every page of the range is mapped (`mincore` fails with
    /// `ENOMEM` for an unmapped page), as Linux's pinning of USERPTR memory would.
    fn user_memory_accessible(&self, addr: usize, len: usize) -> bool {
        const PAGE: usize = 4096;
        let Some(end) = addr.checked_add(len) else { return false };
        let start = addr & !(PAGE - 1);
        let pages = (end - start).div_ceil(PAGE);
        let mut residency = vec![0u8; pages.max(1)];
        // SAFETY: mincore only reads the page tables of the range and writes one byte per
        // page into `residency`, which has room for `pages` bytes.
        let rc = unsafe { libc::mincore(start as *mut libc::c_void, end - start, residency.as_mut_ptr()) };
        rc == 0
    }
}
