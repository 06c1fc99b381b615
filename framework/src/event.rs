//! Events: the typed [`Event`] drivers and the framework queue, and the per-file
//! [`EventQueue`] of subscriptions (VIDIOC_SUBSCRIBE_EVENT / DQEVENT / UNSUBSCRIBE_EVENT).
//!
//! Each subscription keeps its own fixed ring of pending events; when it is full the
//! oldest is dropped (control events instead merge their change flags into one slot, as
//! Linux does). Every queued event gets the file's next sequence number, and DQEVENT
//! hands events out in the order they were queued, with the count still pending.

use crate::abi;
use crate::error::{Errno, Result};

/// Most event subscriptions one file handle can hold at once.
pub const MAX_SUBSCRIPTIONS: usize = 16;

/// The payload of a control event (`V4L2_EVENT_CTRL`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CtrlEvent {
    /// What changed: `V4L2_EVENT_CTRL_CH_*`.
    pub changes: u32,
    /// The control's type (`V4L2_CTRL_TYPE_*`).
    pub ctrl_type: u32,
    /// The current value.
    pub value: i64,
    /// The control's flags.
    pub flags: u32,
    /// Minimum value.
    pub minimum: i64,
    /// Maximum value.
    pub maximum: i64,
    /// Step.
    pub step: i64,
    /// Default value.
    pub default_value: i64,
}

/// An event, typed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Event {
    /// End of stream: the last buffer of a drain was completed (`V4L2_EVENT_EOS`).
    Eos,
    /// The stream's format changed (`V4L2_EVENT_SOURCE_CHANGE`); `changes` holds
    /// `V4L2_EVENT_SRC_CH_*` flags.
    SourceChange {
        /// `V4L2_EVENT_SRC_CH_*` flags.
        changes: u32,
    },
    /// Control `id` changed (`V4L2_EVENT_CTRL`).
    Ctrl {
        /// The control's ID.
        id: u32,
        /// What changed and the new state.
        payload: CtrlEvent,
    },
}

impl Event {
    /// The V4L2 event type.
    pub const fn event_type(&self) -> u32 {
        match self {
            Event::Eos => abi::V4L2_EVENT_EOS,
            Event::SourceChange { .. } => abi::V4L2_EVENT_SOURCE_CHANGE,
            Event::Ctrl { .. } => abi::V4L2_EVENT_CTRL,
        }
    }

    /// The event's ID (the control ID for control events, 0 otherwise).
    pub const fn id(&self) -> u32 {
        match self {
            Event::Ctrl { id, .. } => *id,
            _ => 0,
        }
    }

    /// Folds an older, dropped event of the same subscription into this one, so that no
    /// change is lost when a one-slot subscription overflows.
    fn absorb(&mut self, older: &Event) {
        match (self, older) {
            (Event::Ctrl { payload, .. }, Event::Ctrl { payload: old, .. }) => payload.changes |= old.changes,
            (Event::SourceChange { changes }, Event::SourceChange { changes: old }) => *changes |= *old,
            _ => {}
        }
    }
}

/// An event handed to the application by DQEVENT.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DequeuedEvent {
    /// The event.
    pub event: Event,
    /// Events still pending after this one.
    pub pending: u32,
    /// The file's sequence number of this event.
    pub sequence: u32,
    /// When it was queued, in nanoseconds of the board's monotonic clock.
    pub timestamp_ns: u64,
}

#[derive(Clone, Copy)]
struct Pending {
    event: Event,
    sequence: u32,
    timestamp_ns: u64,
}

/// One subscription: its key, flags and ring of pending events.
#[derive(Clone, Copy)]
struct Subscription<const DEPTH: usize> {
    event_type: u32,
    id: u32,
    flags: u32,
    ring: [Option<Pending>; DEPTH],
    first: usize,
    len: usize,
}

impl<const DEPTH: usize> Subscription<DEPTH> {
    /// Control events keep one slot (newest value, merged change flags); others keep DEPTH.
    fn capacity(&self) -> usize {
        if self.event_type == abi::V4L2_EVENT_CTRL {
            1
        } else {
            DEPTH.max(1)
        }
    }

    fn oldest(&self) -> Option<&Pending> {
        if self.len == 0 {
            None
        } else {
            self.ring[self.first].as_ref()
        }
    }

    fn pop(&mut self) -> Option<Pending> {
        if self.len == 0 {
            return None;
        }
        let item = self.ring[self.first].take();
        self.first = (self.first + 1) % self.capacity();
        self.len -= 1;
        item
    }

    fn push(&mut self, mut item: Pending) -> bool {
        let dropped = self.len == self.capacity();
        if dropped {
            if let Some(old) = self.pop() {
                item.event.absorb(&old.event);
            }
        }
        let slot = (self.first + self.len) % self.capacity();
        self.ring[slot] = Some(item);
        self.len += 1;
        dropped
    }
}

/// The subscriptions and pending events of one file handle. `DEPTH` is the number of
/// events each subscription can hold before the oldest is dropped.
pub struct EventQueue<const DEPTH: usize> {
    subs: [Option<Subscription<DEPTH>>; MAX_SUBSCRIPTIONS],
    sequence: u32,
    pending: usize,
}

impl<const DEPTH: usize> EventQueue<DEPTH> {
    /// No subscriptions.
    pub const fn new() -> Self {
        // Linux starts a file handle's counter at -1, so the first event is number 0.
        Self { subs: [None; MAX_SUBSCRIPTIONS], sequence: u32::MAX, pending: 0 }
    }

    /// Subscribes to `(event_type, id)` with `V4L2_EVENT_SUB_FL_*` `flags`. Subscribing
    /// twice is not an error. `ENOMEM` when every slot is taken.
    pub fn subscribe(&mut self, event_type: u32, id: u32, flags: u32) -> Result<()> {
        if self.find(event_type, id).is_some() {
            return Ok(());
        }
        let slot = self.subs.iter_mut().find(|s| s.is_none()).ok_or(Errno::ENOMEM)?;
        *slot = Some(Subscription { event_type, id, flags, ring: [None; DEPTH], first: 0, len: 0 });
        Ok(())
    }

    /// Removes a subscription (or all of them for `V4L2_EVENT_ALL`) and its pending events.
    /// Removing one that does not exist is not an error.
    pub fn unsubscribe(&mut self, event_type: u32, id: u32) {
        for slot in self.subs.iter_mut() {
            let matches = match slot {
                Some(sub) => event_type == abi::V4L2_EVENT_ALL || (sub.event_type == event_type && sub.id == id),
                None => false,
            };
            if matches {
                if let Some(sub) = slot.take() {
                    self.pending -= sub.len;
                }
            }
        }
    }

    /// The flags of subscription `(event_type, id)`, if subscribed.
    pub fn subscription_flags(&self, event_type: u32, id: u32) -> Option<u32> {
        self.find(event_type, id).map(|i| self.subs[i].as_ref().map_or(0, |s| s.flags))
    }

    /// Queues `event` if the file subscribed to it; returns whether it was queued.
    pub fn queue(&mut self, event: Event, timestamp_ns: u64) -> bool {
        let Some(index) = self.find(event.event_type(), event.id()) else {
            return false;
        };
        self.sequence = self.sequence.wrapping_add(1);
        let item = Pending { event, sequence: self.sequence, timestamp_ns };
        if let Some(sub) = self.subs[index].as_mut() {
            if !sub.push(item) {
                self.pending += 1;
            }
        }
        true
    }

    /// Takes the oldest pending event, or `None` (DQEVENT answers `ENOENT` then).
    pub fn dequeue(&mut self) -> Option<DequeuedEvent> {
        let index = self
            .subs
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().and_then(Subscription::oldest).map(|p| (i, p.sequence)))
            .min_by_key(|&(_, seq)| seq.wrapping_sub(self.sequence.wrapping_add(1)))
            .map(|(i, _)| i)?;
        let item = self.subs[index].as_mut()?.pop()?;
        self.pending -= 1;
        Some(DequeuedEvent {
            event: item.event,
            pending: self.pending as u32,
            sequence: item.sequence,
            timestamp_ns: item.timestamp_ns,
        })
    }

    /// Events waiting to be dequeued.
    pub fn pending(&self) -> usize {
        self.pending
    }

    fn find(&self, event_type: u32, id: u32) -> Option<usize> {
        self.subs.iter().position(|s| matches!(s, Some(sub) if sub.event_type == event_type && sub.id == id))
    }
}

impl<const DEPTH: usize> Default for EventQueue<DEPTH> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctrl(id: u32, changes: u32, value: i64) -> Event {
        Event::Ctrl {
            id,
            payload: CtrlEvent {
                changes,
                ctrl_type: 1,
                value,
                flags: 0,
                minimum: 0,
                maximum: 10,
                step: 1,
                default_value: 0,
            },
        }
    }

    #[test]
    fn unsubscribed_events_are_not_queued() {
        let mut q = EventQueue::<4>::new();
        assert!(!q.queue(Event::Eos, 0));
        assert_eq!(q.dequeue(), None);
    }

    #[test]
    fn events_come_out_in_order_with_sequence_and_pending() {
        let mut q = EventQueue::<4>::new();
        q.subscribe(abi::V4L2_EVENT_EOS, 0, 0).unwrap();
        q.subscribe(abi::V4L2_EVENT_SOURCE_CHANGE, 0, 0).unwrap();
        q.queue(Event::SourceChange { changes: 1 }, 10);
        q.queue(Event::Eos, 20);
        q.queue(Event::SourceChange { changes: 1 }, 30);
        let a = q.dequeue().unwrap();
        assert_eq!((a.event, a.sequence, a.pending, a.timestamp_ns), (Event::SourceChange { changes: 1 }, 0, 2, 10));
        let b = q.dequeue().unwrap();
        assert_eq!((b.event, b.sequence, b.pending), (Event::Eos, 1, 1));
        let c = q.dequeue().unwrap();
        assert_eq!((c.sequence, c.pending), (2, 0));
        assert_eq!(q.dequeue(), None);
    }

    #[test]
    fn full_subscription_drops_the_oldest() {
        let mut q = EventQueue::<2>::new();
        q.subscribe(abi::V4L2_EVENT_EOS, 0, 0).unwrap();
        for t in 0..5 {
            q.queue(Event::Eos, t);
        }
        assert_eq!(q.pending(), 2);
        assert_eq!(q.dequeue().unwrap().timestamp_ns, 3);
        assert_eq!(q.dequeue().unwrap().sequence, 4);
    }

    #[test]
    fn control_events_merge_changes_in_one_slot() {
        let mut q = EventQueue::<4>::new();
        q.subscribe(abi::V4L2_EVENT_CTRL, 7, 0).unwrap();
        q.queue(ctrl(7, abi::V4L2_EVENT_CTRL_CH_FLAGS, 1), 0);
        q.queue(ctrl(7, abi::V4L2_EVENT_CTRL_CH_VALUE, 2), 0);
        assert_eq!(q.pending(), 1);
        let ev = q.dequeue().unwrap();
        match ev.event {
            Event::Ctrl { payload, .. } => {
                assert_eq!(payload.value, 2);
                assert_eq!(payload.changes, abi::V4L2_EVENT_CTRL_CH_FLAGS | abi::V4L2_EVENT_CTRL_CH_VALUE);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn unsubscribe_all_discards_pending() {
        let mut q = EventQueue::<4>::new();
        q.subscribe(abi::V4L2_EVENT_EOS, 0, 0).unwrap();
        q.subscribe(abi::V4L2_EVENT_CTRL, 3, 0).unwrap();
        q.queue(Event::Eos, 0);
        q.queue(ctrl(3, 1, 0), 0);
        q.unsubscribe(abi::V4L2_EVENT_ALL, 0);
        assert_eq!(q.pending(), 0);
        assert_eq!(q.dequeue(), None);
        assert_eq!(q.subscription_flags(abi::V4L2_EVENT_EOS, 0), None);
    }

    #[test]
    fn subscription_slots_are_bounded() {
        let mut q = EventQueue::<1>::new();
        for id in 0..MAX_SUBSCRIPTIONS as u32 {
            q.subscribe(abi::V4L2_EVENT_CTRL, id, 0).unwrap();
        }
        assert_eq!(q.subscribe(abi::V4L2_EVENT_CTRL, 999, 0), Err(Errno::ENOMEM));
        assert_eq!(q.subscribe(abi::V4L2_EVENT_CTRL, 0, 0), Ok(()));
    }
}
