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
    /// Control `id` changed (`V4L2_EVENT_CTRL`). A pending control event keeps its change
    /// flags and value; DQEVENT reports the type, flags and range from the control's spec.
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

/// A pending event as stored: what cannot be rebuilt from the subscription and the
/// control's spec at DQEVENT. `sub` is the subscription's index plus one; 0 marks a free
/// entry, so an empty queue is all zero bytes.
#[derive(Clone, Copy)]
struct Stored {
    timestamp_ns: u64,
    /// The control's value (control events).
    value: i64,
    sequence: u32,
    /// `V4L2_EVENT_CTRL_CH_*` or `V4L2_EVENT_SRC_CH_*` flags.
    changes: u16,
    sub: u8,
}

impl Stored {
    const FREE: Stored = Stored { timestamp_ns: 0, value: 0, sequence: 0, changes: 0, sub: 0 };
}

/// One subscription's key, flags and number of pending events; `event_type` 0
/// (`V4L2_EVENT_ALL`, never subscribable) marks a free slot.
#[derive(Clone, Copy)]
struct Subscription {
    id: u32,
    event_type: u8,
    flags: u8,
    len: u8,
}

impl Subscription {
    const FREE: Subscription = Subscription { id: 0, event_type: 0, flags: 0, len: 0 };

    fn is_free(&self) -> bool {
        self.event_type == 0
    }

    fn matches(&self, event_type: u32, id: u32) -> bool {
        !self.is_free() && u32::from(self.event_type) == event_type && self.id == id
    }
}

/// The subscriptions and pending events of one file handle. `DEPTH` is the number of
/// events each subscription (other than a control's) can hold before the oldest is
/// dropped.
///
/// Events are stored compactly (24 bytes each) and expanded at DQEVENT, in one pool of
/// `MAX_SUBSCRIPTIONS - 2 + 2 * DEPTH` entries: control events keep one entry per
/// subscription, and the end-of-stream and source-change subscriptions a ring of `DEPTH`
/// each, so the pool holds every pending event of up to `MAX_SUBSCRIPTIONS` control
/// subscriptions, or of those two and `MAX_SUBSCRIPTIONS - 2` control subscriptions.
/// Only an application subscribing to end of stream or source change under several IDs
/// could fill it; the oldest pending event is dropped then.
pub struct EventQueue<const DEPTH: usize> {
    subs: [Subscription; MAX_SUBSCRIPTIONS],
    shallow: [Stored; MAX_SUBSCRIPTIONS - 2],
    deep: [[Stored; DEPTH]; 2],
    /// The sequence number the next queued event gets (Linux starts at 0).
    next_sequence: u32,
    pending: u32,
}

impl<const DEPTH: usize> EventQueue<DEPTH> {
    /// No subscriptions.
    pub const fn new() -> Self {
        Self {
            subs: [Subscription::FREE; MAX_SUBSCRIPTIONS],
            shallow: [Stored::FREE; MAX_SUBSCRIPTIONS - 2],
            deep: [[Stored::FREE; DEPTH]; 2],
            next_sequence: 0,
            pending: 0,
        }
    }

    fn entries(&mut self) -> impl Iterator<Item = &mut Stored> {
        self.shallow.iter_mut().chain(self.deep.iter_mut().flatten())
    }

    /// Subscribes to `(event_type, id)` with `V4L2_EVENT_SUB_FL_*` `flags`. Subscribing
    /// twice is not an error. `ENOMEM` when every slot is taken; `EINVAL` for an event
    /// type that is not a single byte (none that V4L2 defines).
    pub fn subscribe(&mut self, event_type: u32, id: u32, flags: u32) -> Result<()> {
        if self.find(event_type, id).is_some() {
            return Ok(());
        }
        let kind = u8::try_from(event_type).ok().filter(|&k| k != 0).ok_or(Errno::EINVAL)?;
        let slot = self.subs.iter_mut().find(|s| s.is_free()).ok_or(Errno::ENOMEM)?;
        // Only SEND_INITIAL (1) and ALLOW_FEEDBACK (2) mean anything; both fit a byte.
        *slot = Subscription { id, event_type: kind, flags: flags as u8, len: 0 };
        Ok(())
    }

    /// Removes a subscription (or all of them for `V4L2_EVENT_ALL`) and its pending events.
    /// Removing one that does not exist is not an error.
    pub fn unsubscribe(&mut self, event_type: u32, id: u32) {
        for index in 0..MAX_SUBSCRIPTIONS {
            let sub = self.subs[index];
            let matches = !sub.is_free() && (event_type == abi::V4L2_EVENT_ALL || sub.matches(event_type, id));
            if matches {
                let tag = index as u8 + 1;
                self.entries().filter(|e| e.sub == tag).for_each(|e| *e = Stored::FREE);
                self.pending -= u32::from(sub.len);
                self.subs[index] = Subscription::FREE;
            }
        }
    }

    /// The flags of subscription `(event_type, id)`, if subscribed.
    pub fn subscription_flags(&self, event_type: u32, id: u32) -> Option<u32> {
        self.find(event_type, id).map(|i| u32::from(self.subs[i].flags))
    }

    /// Queues `event` if the file subscribed to it; returns whether it was queued.
    pub fn queue(&mut self, event: Event, timestamp_ns: u64) -> bool {
        let Some(index) = self.find(event.event_type(), event.id()) else {
            return false;
        };
        let (mut changes, value) = match event {
            Event::Eos => (0, 0),
            Event::SourceChange { changes } => (changes as u16, 0),
            Event::Ctrl { payload, .. } => (payload.changes as u16, payload.value),
        };
        let tag = index as u8 + 1;
        // Control events keep one slot (newest value, merged change flags); others DEPTH.
        let capacity = if event.event_type() == abi::V4L2_EVENT_CTRL { 1 } else { DEPTH.max(1) };
        if usize::from(self.subs[index].len) >= capacity {
            if let Some(oldest) = self.take_oldest(Some(tag)) {
                changes |= oldest.changes;
            }
        }
        if !self.entries().any(|e| e.sub == 0) {
            self.take_oldest(None);
        }
        let sequence = self.next_sequence;
        self.next_sequence = sequence.wrapping_add(1);
        let stored = Stored { timestamp_ns, value, sequence, changes, sub: tag };
        if self.entries().find(|e| e.sub == 0).map(|e| *e = stored).is_some() {
            self.subs[index].len += 1;
            self.pending += 1;
        }
        true
    }

    /// Removes the oldest pending event of subscription `tag` (index plus one), or of any
    /// subscription for `None`.
    fn take_oldest(&mut self, tag: Option<u8>) -> Option<Stored> {
        let next = self.next_sequence;
        let oldest = self
            .entries()
            .filter(|e| e.sub != 0 && tag.is_none_or(|t| e.sub == t))
            .min_by_key(|e| e.sequence.wrapping_sub(next))?;
        let taken = core::mem::replace(oldest, Stored::FREE);
        self.subs[usize::from(taken.sub) - 1].len -= 1;
        self.pending -= 1;
        Some(taken)
    }

    /// Takes the oldest pending event, or `None` (DQEVENT answers `ENOENT` then). A
    /// control event's payload is rebuilt by `ctrl` from the control's ID, the change
    /// flags and the value it was queued with.
    pub fn dequeue(&mut self, ctrl: impl FnOnce(u32, u32, i64) -> CtrlEvent) -> Option<DequeuedEvent> {
        let item = self.take_oldest(None)?;
        let sub = self.subs[usize::from(item.sub) - 1];
        let changes = u32::from(item.changes);
        let event = match u32::from(sub.event_type) {
            abi::V4L2_EVENT_EOS => Event::Eos,
            abi::V4L2_EVENT_SOURCE_CHANGE => Event::SourceChange { changes },
            _ => Event::Ctrl { id: sub.id, payload: ctrl(sub.id, changes, item.value) },
        };
        Some(DequeuedEvent { event, pending: self.pending, sequence: item.sequence, timestamp_ns: item.timestamp_ns })
    }

    /// Events waiting to be dequeued.
    pub fn pending(&self) -> usize {
        self.pending as usize
    }

    fn find(&self, event_type: u32, id: u32) -> Option<usize> {
        self.subs.iter().position(|s| s.matches(event_type, id))
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

    /// Rebuilds a control payload as `ctrl` built it.
    fn rebuild(_id: u32, changes: u32, value: i64) -> CtrlEvent {
        CtrlEvent { changes, ctrl_type: 1, value, flags: 0, minimum: 0, maximum: 10, step: 1, default_value: 0 }
    }

    #[test]
    fn unsubscribed_events_are_not_queued() {
        let mut q = EventQueue::<4>::new();
        assert!(!q.queue(Event::Eos, 0));
        assert_eq!(q.dequeue(rebuild), None);
    }

    #[test]
    fn events_come_out_in_order_with_sequence_and_pending() {
        let mut q = EventQueue::<4>::new();
        q.subscribe(abi::V4L2_EVENT_EOS, 0, 0).unwrap();
        q.subscribe(abi::V4L2_EVENT_SOURCE_CHANGE, 0, 0).unwrap();
        q.queue(Event::SourceChange { changes: 1 }, 10);
        q.queue(Event::Eos, 20);
        q.queue(Event::SourceChange { changes: 1 }, 30);
        let a = q.dequeue(rebuild).unwrap();
        assert_eq!((a.event, a.sequence, a.pending, a.timestamp_ns), (Event::SourceChange { changes: 1 }, 0, 2, 10));
        let b = q.dequeue(rebuild).unwrap();
        assert_eq!((b.event, b.sequence, b.pending), (Event::Eos, 1, 1));
        let c = q.dequeue(rebuild).unwrap();
        assert_eq!((c.sequence, c.pending), (2, 0));
        assert_eq!(q.dequeue(rebuild), None);
    }

    #[test]
    fn full_subscription_drops_the_oldest() {
        let mut q = EventQueue::<2>::new();
        q.subscribe(abi::V4L2_EVENT_EOS, 0, 0).unwrap();
        for t in 0..5 {
            q.queue(Event::Eos, t);
        }
        assert_eq!(q.pending(), 2);
        assert_eq!(q.dequeue(rebuild).unwrap().timestamp_ns, 3);
        assert_eq!(q.dequeue(rebuild).unwrap().sequence, 4);
    }

    #[test]
    fn control_events_merge_changes_in_one_slot() {
        let mut q = EventQueue::<4>::new();
        q.subscribe(abi::V4L2_EVENT_CTRL, 7, 0).unwrap();
        q.queue(ctrl(7, abi::V4L2_EVENT_CTRL_CH_FLAGS, 1), 0);
        q.queue(ctrl(7, abi::V4L2_EVENT_CTRL_CH_VALUE, 2), 0);
        assert_eq!(q.pending(), 1);
        let ev = q.dequeue(rebuild).unwrap();
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
        assert_eq!(q.dequeue(rebuild), None);
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
