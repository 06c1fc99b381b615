//! [`InFlight`]: where a hardware driver parks the job its engine is running, so that the
//! interrupt handler can take it back.

use core::cell::RefCell;

use critical_section::Mutex;

/// A one-item, interrupt-safe cell for the job an engine is working on: `device_run`
/// [`park`](InFlight::park)s the buffers (and whatever the interrupt handler needs:
/// the [`ContextHandle`](super::ContextHandle), sizes, a frame number), and the interrupt
/// handler [`take`](InFlight::take)s them to complete the job.
///
/// Every method takes one short critical section, so the cell may be used from threads
/// and interrupt handlers alike, and it can live in a `static` (`const fn new`). Because
/// the framework runs one job per device at a time, one cell per engine is enough.
///
/// ```
/// use v4l2m2m::driver::{ActiveBuffer, ContextHandle, InFlight};
///
/// struct Running {
///     handle: ContextHandle,
///     src: ActiveBuffer,
///     dst: ActiveBuffer,
/// }
///
/// static ENGINE_JOB: InFlight<Running> = InFlight::new();
/// assert!(ENGINE_JOB.is_empty());
/// assert!(ENGINE_JOB.take().is_none());
/// ```
pub struct InFlight<T> {
    slot: Mutex<RefCell<Option<T>>>,
}

impl<T> InFlight<T> {
    /// An empty cell.
    pub const fn new() -> Self {
        Self { slot: Mutex::new(RefCell::new(None)) }
    }

    /// Parks `value`. A cell already holding one refuses and gives `value` back (a driver
    /// bug: the engine was started twice); nothing is dropped.
    pub fn park(&self, value: T) -> core::result::Result<(), T> {
        critical_section::with(|cs| {
            let mut slot = self.slot.borrow_ref_mut(cs);
            if slot.is_some() {
                return Err(value);
            }
            *slot = Some(value);
            Ok(())
        })
    }

    /// Takes what was parked, leaving the cell empty.
    pub fn take(&self) -> Option<T> {
        critical_section::with(|cs| self.slot.borrow_ref_mut(cs).take())
    }

    /// Whether nothing is parked.
    pub fn is_empty(&self) -> bool {
        critical_section::with(|cs| self.slot.borrow_ref(cs).is_none())
    }
}

impl<T> Default for InFlight<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::InFlight;

    #[test]
    fn holds_one_value_and_refuses_a_second() {
        let cell = InFlight::new();
        assert!(cell.is_empty());
        assert_eq!(cell.park(1u32), Ok(()));
        assert_eq!(cell.park(2), Err(2));
        assert!(!cell.is_empty());
        assert_eq!(cell.take(), Some(1));
        assert_eq!(cell.take(), None);
        assert_eq!(cell.park(3), Ok(()));
    }
}
