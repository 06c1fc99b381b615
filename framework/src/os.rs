//! What the framework needs from the operating system: a futex-style wait and wake, and
//! access to application memory.
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
//!
//! Every byte of application memory the framework reads or writes (ioctl arguments and
//! the plane and control arrays they point to) goes through the board, as Linux's
//! `copy_from_user`/`copy_to_user` do: a board whose applications may pass any address
//! supplies a [`UserMemory`] whose copies fail instead of faulting, and the ioctl answers
//! `EFAULT`; a flat firmware supplies none and the framework copies directly.

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
    ///
    /// Must not block: it is called from interrupt handlers and while the framework holds
    /// a critical section (when a LAST buffer completes, to stamp the end-of-stream event).
    fn monotonic_ns(&self) -> u64;

    /// The board's fault-safe copies of application memory, or `None` when applications
    /// share the framework's flat address space and their pointers are valid by the ioctl
    /// entry's contract (the framework then copies directly).
    fn user_memory(&self) -> Option<&dyn UserMemory> {
        None
    }

    /// Whether `len` bytes at application address `addr` are mapped and usable as a
    /// USERPTR buffer plane: readable, and also writable when `write` is set (a CAPTURE
    /// plane the device fills). A board whose applications live in the framework's flat
    /// address space (a microcontroller) has nothing to check; a board with virtual
    /// memory checks the range, and QBUF/PREPARE_BUF answer `EFAULT` when it is not.
    fn user_memory_accessible(&self, addr: usize, len: usize, write: bool) -> bool {
        let _ = (addr, len, write);
        true
    }
}

/// Copies between the framework and application memory that fail, instead of faulting,
/// on an address the application may not use that way (unmapped, read-only for a write,
/// a small integer).
pub trait UserMemory: Sync {
    /// Copies the `len` bytes at application address `src` to `dst`; `false` if any of
    /// them cannot be read (the contents of `dst` are then unspecified).
    ///
    /// # Safety
    ///
    /// `dst` is valid for writes of `len` bytes.
    unsafe fn copy_from_user(&self, dst: *mut u8, src: usize, len: usize) -> bool;

    /// Copies `len` bytes from `src` to application address `dst`; `false` if any of them
    /// cannot be written (a prefix may have been written, as on Linux).
    ///
    /// # Safety
    ///
    /// `src` is valid for reads of `len` bytes. They are the bytes of a `#[repr(C)]`
    /// struct, padding included: copy them as raw memory, never as typed values.
    unsafe fn copy_to_user(&self, dst: usize, src: *const u8, len: usize) -> bool;
}
