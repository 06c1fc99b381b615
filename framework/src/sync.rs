//! A sleeping mutex built on the board's [`OsGlue`] wait/wake.
//!
//! Ioctls on one file are serialised with it, and a lower half's per-context state is
//! guarded by it. Interrupt handlers never take it: they only use critical sections.

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicU32, Ordering};

use crate::atomic;
use crate::os::OsGlue;

const UNLOCKED: u32 = 0;
const LOCKED: u32 = 1;
const CONTENDED: u32 = 2;

/// A mutex whose waiters sleep through [`OsGlue::wait`].
pub struct SleepMutex<T> {
    state: AtomicU32,
    value: UnsafeCell<T>,
}

// SAFETY: access to `value` is only handed out through a guard, and at most one guard
// exists at a time because `state` moves from UNLOCKED to LOCKED/CONTENDED by a single
// successful compare-exchange or swap. `T: Send` is enough since the value only moves
// between threads, it is never shared.
unsafe impl<T: Send> Sync for SleepMutex<T> {}

impl<T> SleepMutex<T> {
    /// A new unlocked mutex; usable in `static` initialisers.
    pub const fn new(value: T) -> Self {
        Self { state: AtomicU32::new(UNLOCKED), value: UnsafeCell::new(value) }
    }

    /// Locks, sleeping through `os` while another thread holds the lock.
    pub fn lock<'a>(&'a self, os: &'a dyn OsGlue) -> SleepMutexGuard<'a, T> {
        if atomic::compare_exchange(&self.state, UNLOCKED, LOCKED, Ordering::Acquire).is_err() {
            // Mark the lock contended so the holder wakes us, then sleep until we take it.
            while atomic::swap(&self.state, CONTENDED, Ordering::Acquire) != UNLOCKED {
                os.wait(&self.state, CONTENDED);
            }
        }
        SleepMutexGuard { mutex: self, os }
    }
}

/// Exclusive access to the value of a [`SleepMutex`]; unlocks when dropped.
pub struct SleepMutexGuard<'a, T> {
    mutex: &'a SleepMutex<T>,
    os: &'a dyn OsGlue,
}

impl<T> SleepMutexGuard<'_, T> {
    /// Releases the lock while `f` runs (for instance, to sleep until a buffer is done),
    /// then takes it again.
    pub fn unlocked<R>(&mut self, f: impl FnOnce() -> R) -> R {
        self.release();
        let result = f();
        // Re-acquire exactly as `lock` does; the guard stays the same object.
        let relocked = self.mutex.lock(self.os);
        core::mem::forget(relocked);
        result
    }

    fn release(&self) {
        if atomic::swap(&self.mutex.state, UNLOCKED, Ordering::Release) == CONTENDED {
            self.os.wake_all(&self.mutex.state);
        }
    }
}

impl<T> Deref for SleepMutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard exists only while this thread holds the lock (see `Sync`).
        unsafe { &*self.mutex.value.get() }
    }
}

impl<T> DerefMut for SleepMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` makes this the only reference from the guard.
        unsafe { &mut *self.mutex.value.get() }
    }
}

impl<T> Drop for SleepMutexGuard<'_, T> {
    fn drop(&mut self) {
        self.release();
    }
}
