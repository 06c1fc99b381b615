//! What the framework needs from the operating system: a futex-style wait and wake.
//!
//! The framework never spins and never blocks by itself. Where it must wait (a blocking
//! DQBUF, STREAMOFF waiting for the engine to give buffers back, a contended file lock)
//! it hands a 32-bit word to [`OsGlue::wait`]; whoever changes the state that the waiter
//! is interested in bumps the word and calls [`OsGlue::wake_all`]. Because the waiter
//! passes the value it last saw, a wake that happens between "check" and "sleep" is never
//! lost.
//!
//! On NuttX this maps onto a semaphore or `nxsem` per word, on a host onto a mutex and
//! condition variable (or the `futex` system call), on a bare-metal single-core board onto
//! "enable interrupts and WFI until the word changes".

use core::sync::atomic::AtomicU32;

/// How an interruptible wait ended ([`OsGlue::wait_interruptible`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitOutcome {
    /// Woken, timed out or returned spuriously: the caller re-checks its condition.
    Woken,
    /// A signal for the waiting thread ended the wait: the blocking call answers `EINTR`.
    Interrupted,
}

/// The board's implementation of sleeping and waking.
pub trait OsGlue: Sync {
    /// Blocks the calling thread while `word` still holds `expected`.
    ///
    /// May return spuriously; callers re-check their condition. Never called from an
    /// interrupt handler.
    fn wait(&self, word: &AtomicU32, expected: u32);

    /// As [`OsGlue::wait`], for a wait on behalf of an application's blocking call (DQBUF,
    /// DQEVENT): a signal delivered to the waiting thread ends it with
    /// [`WaitOutcome::Interrupted`], and the call answers `EINTR`, as Linux's interruptible
    /// sleeps do. A board where nothing interrupts a waiting thread keeps the default.
    fn wait_interruptible(&self, word: &AtomicU32, expected: u32) -> WaitOutcome {
        self.wait(word, expected);
        WaitOutcome::Woken
    }

    /// Wakes every thread blocked in [`OsGlue::wait`] on `word`.
    ///
    /// Must not block: it is called from interrupt handlers and while the framework holds
    /// a critical section.
    fn wake_all(&self, word: &AtomicU32);

    /// Nanoseconds of a monotonic clock, for event timestamps.
    fn monotonic_ns(&self) -> u64;

    /// Whether `len` bytes at application address `addr` are mapped and usable as a
    /// USERPTR buffer plane. A board whose applications live in the framework's flat
    /// address space (a microcontroller) has nothing to check; a board with virtual
    /// memory checks the range, and QBUF/PREPARE_BUF answer `EFAULT` when it is not.
    fn user_memory_accessible(&self, addr: usize, len: usize) -> bool {
        let _ = (addr, len);
        true
    }
}
