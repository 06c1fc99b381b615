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

impl SleepMutex<()> {
    /// Releases the lock, which the calling thread holds through a guard further up its
    /// stack, while `f` runs (for instance, to sleep until a buffer is done), then takes
    /// it again. Only for a lock that guards no data: it serialises callers, so a caller
    /// that does not hold it breaks that serialisation, never memory safety.
    pub(crate) fn released<R>(&self, os: &dyn OsGlue, f: impl FnOnce() -> R) -> R {
        unlock(&self.state, os);
        let result = f();
        // Re-acquire exactly as `lock` does; the caller's guard unlocks it later.
        core::mem::forget(self.lock(os));
        result
    }
}

/// Unlocks the mutex whose state word is `state`, waking a sleeper if there is one.
fn unlock(state: &AtomicU32, os: &dyn OsGlue) {
    if atomic::swap(state, UNLOCKED, Ordering::Release) == CONTENDED {
        os.wake_all(state);
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
        unlock(&self.mutex.state, self.os);
    }
}
