//! The board's [`OsGlue`]: futex wait/wake on the framework's words, and watches: an
//! eventfd that a poller registers under a word is written at every wake of the word, so
//! that a real `poll(2)` over it and other kernel fds returns when the V4L2 readiness of the
//! file behind the word may have changed.
//!
//! A wake costs no system call when nobody waits: beside the words, the glue counts the
//! threads sleeping in [`OsGlue::wait`] and the watches, per stripe of word addresses
//! (a collision only costs a needless wake, never a lost one). Each poller has an eventfd of
//! its own, so any number of threads may poll one file: a wake-up taken by one poller never
//! leaves another asleep.

use std::sync::atomic::{fence, AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use v4l2m2m::{OsGlue, WaitOutcome};

/// Stripes of the waiter counts (word addresses hashed onto them).
const STRIPES: usize = 64;

/// How long [`OsGlue::wait`] watches its word before it sleeps (see
/// `HostGlue::spin_until_changed`). Waits on behalf of an application (DQBUF, DQEVENT) do
/// not spin: a signal handled while spinning could not end the call with `EINTR`.
const SPIN_NS: u128 = 50_000;

/// Host OS glue (see the module documentation).
pub struct HostGlue {
    /// Threads in FUTEX_WAIT, per stripe.
    sleepers: [AtomicU32; STRIPES],
    /// Watches, per stripe.
    watched: [AtomicU32; STRIPES],
    /// (address of a wait word, eventfd) watches.
    watches: Mutex<Vec<(usize, libc::c_int)>>,
    epoch: OnceLock<Instant>,
}

/// A watch registered with [`HostGlue::watch`], to hand back to [`HostGlue::unwatch`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Watch {
    /// Address of the watched word.
    pub word: usize,
    /// The watcher's eventfd.
    pub eventfd: libc::c_int,
}

fn stripe(word: usize) -> usize {
    (word / core::mem::size_of::<AtomicU32>()) % STRIPES
}

impl HostGlue {
    /// A glue with nothing watched.
    pub const fn new() -> Self {
        Self {
            sleepers: [const { AtomicU32::new(0) }; STRIPES],
            watched: [const { AtomicU32::new(0) }; STRIPES],
            watches: Mutex::new(Vec::new()),
            epoch: OnceLock::new(),
        }
    }

    /// Makes every `wake_all(word)` from now on write `eventfd` (an eventfd of the caller's,
    /// non-blocking), until [`HostGlue::unwatch`]. Register before checking readiness: a
    /// change after the check then leaves the eventfd readable.
    pub fn watch(&self, word: &AtomicU32, eventfd: libc::c_int) -> Watch {
        let w = Watch { word: word as *const AtomicU32 as usize, eventfd };
        self.table().push((w.word, w.eventfd));
        // SeqCst pairs with the fence of `wake_all`: either the waker sees this count, or
        // the watcher's following readiness check sees the waker's change.
        self.watched[stripe(w.word)].fetch_add(1, Ordering::SeqCst);
        w
    }

    /// Ends a watch (one registration of it, if the same one was made twice).
    pub fn unwatch(&self, w: Watch) {
        let mut table = self.table();
        if let Some(i) = table.iter().position(|&e| e == (w.word, w.eventfd)) {
            table.swap_remove(i);
            self.watched[stripe(w.word)].fetch_sub(1, Ordering::SeqCst);
        }
    }

    fn table(&self) -> std::sync::MutexGuard<'_, Vec<(usize, libc::c_int)>> {
        self.watches.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Watches `word` for up to [`SPIN_NS`] before a wait sleeps, on a machine with more
    /// than one CPU: `true` if it changed from `expected` meanwhile. A worker that has just
    /// finished a job is usually handed the next one within microseconds (the application
    /// dequeues and queues again), and catching it here saves both the worker's FUTEX_WAIT
    /// and the application's FUTEX_WAKE, which finds nobody asleep.
    fn spin_until_changed(&self, word: &AtomicU32, expected: u32) -> bool {
        static CPUS: OnceLock<usize> = OnceLock::new();
        if *CPUS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get())) < 2 {
            return false;
        }
        let start = Instant::now();
        loop {
            for _ in 0..64 {
                if word.load(Ordering::Acquire) != expected {
                    return true;
                }
                core::hint::spin_loop();
            }
            if start.elapsed().as_nanos() >= SPIN_NS {
                return false;
            }
        }
    }

    /// FUTEX_WAIT while `word` holds `expected`, for at most `timeout` (`None`: until
    /// woken). `true` if a signal handler interrupted it. The kernel restarts an untimed
    /// wait interrupted by a handler installed with `SA_RESTART` by itself; a timed one
    /// always answers EINTR.
    fn futex_wait(&self, word: &AtomicU32, expected: u32, timeout: Option<libc::timespec>) -> bool {
        let s = stripe(word as *const AtomicU32 as usize);
        self.sleepers[s].fetch_add(1, Ordering::SeqCst);
        let tsp = timeout.as_ref().map_or(core::ptr::null(), |t| t as *const libc::timespec);
        // SAFETY: FUTEX_WAIT on a valid, aligned 32-bit word that outlives the call, with a
        // NULL or valid timeout; the kernel only reads them.
        let rc = unsafe {
            libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG, expected, tsp)
        };
        let interrupted = rc < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR);
        self.sleepers[s].fetch_sub(1, Ordering::SeqCst);
        interrupted
    }
}

impl Default for HostGlue {
    fn default() -> Self {
        Self::new()
    }
}

impl OsGlue for HostGlue {
    /// Watches the word for up to 50 µs first (`SPIN_NS`), then sleeps. Bounded (100 ms)
    /// so that a wake lost to a bug in the framework's internal waits could only delay,
    /// never hang (the contract allows spurious returns); signals do not end it early.
    fn wait(&self, word: &AtomicU32, expected: u32) {
        if self.spin_until_changed(word, expected) {
            return;
        }
        let bound = libc::timespec { tv_sec: 0, tv_nsec: 100_000_000 };
        self.futex_wait(word, expected, Some(bound));
    }

    /// Untimed: a signal whose handler runs while the thread sleeps ends the wait
    /// (FUTEX_WAIT answers EINTR), except that the kernel restarts the wait itself when the
    /// handler was installed with `SA_RESTART`, as Linux restarts an interrupted ioctl.
    fn wait_interruptible(&self, word: &AtomicU32, expected: u32) -> WaitOutcome {
        if self.futex_wait(word, expected, None) {
            WaitOutcome::Interrupted
        } else {
            WaitOutcome::Woken
        }
    }

    fn wake_all(&self, word: &AtomicU32) {
        let key = word as *const AtomicU32 as usize;
        let s = stripe(key);
        // Orders the caller's change of `word` before the loads of the counts (see `watch`).
        fence(Ordering::SeqCst);
        if self.sleepers[s].load(Ordering::Relaxed) != 0 {
            // SAFETY: FUTEX_WAKE on a valid, aligned 32-bit word.
            unsafe {
                libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG, i32::MAX);
            }
        }
        if self.watched[s].load(Ordering::Relaxed) == 0 {
            return;
        }
        // The table lock is only ever held for plain Vec operations (never around a
        // framework call), so taking it here cannot deadlock, and it is never long.
        let table = self.table();
        for &(_, fd) in table.iter().filter(|(w, _)| *w == key) {
            // SAFETY: writing 8 bytes to a watcher's eventfd, non-blocking (EFD_NONBLOCK), so
            // a saturated counter only fails with EAGAIN, which still leaves it readable.
            unsafe { libc::eventfd_write(fd, 1) };
        }
    }

    fn monotonic_ns(&self) -> u64 {
        self.epoch.get_or_init(Instant::now).elapsed().as_nanos() as u64
    }

    fn user_memory(&self) -> Option<&dyn v4l2m2m::UserMemory> {
        Some(&crate::ProcessMemory)
    }

    /// Asks the kernel whether every page of the range is readable (and writable for a
    /// CAPTURE plane), as Linux's pinning of USERPTR memory checks.
    fn user_memory_accessible(&self, addr: usize, len: usize, write: bool) -> bool {
        crate::ProcessMemory.accessible(addr, len, write)
    }
}

/// The calling thread's own eventfd for watches (created on first use, closed when the
/// thread exits); -1 if it cannot be created.
pub(crate) fn thread_waiter() -> libc::c_int {
    struct Waiter(libc::c_int);
    impl Drop for Waiter {
        fn drop(&mut self) {
            if self.0 >= 0 {
                // SAFETY: the eventfd this thread created.
                unsafe { libc::close(self.0) };
            }
        }
    }
    thread_local! {
        // SAFETY: plain syscall wrapper creating a new fd.
        static WAITER: Waiter = Waiter(unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) });
    }
    WAITER.with(|w| w.0)
}

/// Consumes the pending wake-ups of a watcher's eventfd.
pub(crate) fn drain(eventfd: libc::c_int) {
    let mut counter = 0u64;
    // SAFETY: reading a non-blocking eventfd (EAGAIN when nothing is pending).
    unsafe { libc::eventfd_read(eventfd, &mut counter) };
}
