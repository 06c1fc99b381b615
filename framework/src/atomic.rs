//! Read-modify-write operations on the framework's 32-bit words (lock states, wake-up
//! counters) that also work on cores without compare-and-swap, such as Armv6-M: there
//! each operation runs inside a critical section, which the `critical-section`
//! implementation of the board makes exclusive against interrupts and other cores, and
//! every writer of these words goes through it. Elsewhere they are the native atomics.

use core::sync::atomic::{AtomicU32, Ordering};

/// Stores `value` and returns the previous value.
#[cfg(target_has_atomic = "32")]
pub(crate) fn swap(word: &AtomicU32, value: u32, order: Ordering) -> u32 {
    word.swap(value, order)
}

/// Stores `new` if the word holds `current`; returns the previous value, `Err` when it
/// differed (a failed exchange orders nothing).
#[cfg(target_has_atomic = "32")]
pub(crate) fn compare_exchange(word: &AtomicU32, current: u32, new: u32, order: Ordering) -> Result<u32, u32> {
    word.compare_exchange(current, new, order, Ordering::Relaxed)
}

/// Adds one (wrapping).
#[cfg(target_has_atomic = "32")]
pub(crate) fn increment(word: &AtomicU32, order: Ordering) {
    word.fetch_add(1, order);
}

/// Stores `value` and returns the previous value.
#[cfg(not(target_has_atomic = "32"))]
pub(crate) fn swap(word: &AtomicU32, value: u32, _order: Ordering) -> u32 {
    critical_section::with(|_| {
        let old = word.load(Ordering::Acquire);
        word.store(value, Ordering::Release);
        old
    })
}

/// Stores `new` if the word holds `current`; returns the previous value, `Err` when it
/// differed.
#[cfg(not(target_has_atomic = "32"))]
pub(crate) fn compare_exchange(word: &AtomicU32, current: u32, new: u32, _order: Ordering) -> Result<u32, u32> {
    critical_section::with(|_| {
        let old = word.load(Ordering::Acquire);
        if old != current {
            return Err(old);
        }
        word.store(new, Ordering::Release);
        Ok(old)
    })
}

/// Adds one (wrapping).
#[cfg(not(target_has_atomic = "32"))]
pub(crate) fn increment(word: &AtomicU32, _order: Ordering) {
    critical_section::with(|_| word.store(word.load(Ordering::Acquire).wrapping_add(1), Ordering::Release));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_return_and_store_what_the_native_ones_do() {
        let word = AtomicU32::new(5);
        assert_eq!(swap(&word, 7, Ordering::AcqRel), 5);
        assert_eq!(compare_exchange(&word, 6, 9, Ordering::Acquire), Err(7));
        assert_eq!(compare_exchange(&word, 7, 9, Ordering::Acquire), Ok(7));
        word.store(u32::MAX, Ordering::Relaxed);
        increment(&word, Ordering::Release);
        assert_eq!(word.load(Ordering::Relaxed), 0);
    }
}
