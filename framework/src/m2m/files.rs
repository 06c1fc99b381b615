//! The file table's entries: the state of one open file (its two queues, formats,
//! controls, events, and where its drain, source change and job stand), the slot that
//! holds it with its locks and wake-up word, and the poll rules.

use core::cell::{RefCell, RefMut};
use core::sync::atomic::AtomicU32;

use critical_section::{CriticalSection, Mutex};

use super::drain::Drain;
use super::meta::SourceFrames;
use super::sched::JobFlags;
use super::source::SourceChange;
use crate::ctrl::ControlValues;
use crate::driver::QueueStatus;
use crate::event::EventQueue;
use crate::format::{Direction, Formats, PixFormat, Rect};
use crate::node::PollEvents;
use crate::queue::FrameQueue;
use crate::sync::SleepMutex;

/// Per-file state guarded by a critical section (shared with completion paths).
pub(crate) struct FileState<const B: usize, const E: usize, const P: usize, const M: usize> {
    pub(crate) open: bool,
    pub(crate) generation: u32,
    pub(crate) nonblocking: bool,
    pub(crate) queues: [FrameQueue<B, P>; 2],
    pub(crate) formats: Formats,
    pub(crate) compose: Option<Rect>,
    /// The control values (set from the defaults at open).
    pub(crate) controls: ControlValues,
    pub(crate) events: EventQueue<E>,
    pub(crate) drain: Drain,
    pub(crate) sources: SourceFrames<M>,
    pub(crate) source_change: SourceChange,
    pub(crate) job: JobFlags,
    pub(crate) priority: u32,
    /// Which queues (indexed by [`Direction::index`]) are in the error state the driver
    /// set with `stream_error`; each clears as Linux clears `q->error`: at STREAMOFF and
    /// REQBUFS of that queue.
    pub(crate) failed: [bool; 2],
}

impl<const B: usize, const E: usize, const P: usize, const M: usize> FileState<B, E, P, M> {
    /// A slot nobody has opened yet: all zero bytes, so a device's file table (and with
    /// it a device in a `static`) starts in `.bss`. `open` replaces it with [`Self::new`].
    pub(crate) const fn closed() -> Self {
        let zero_format = PixFormat { field: 0, ..PixFormat::empty() };
        Self {
            queues: [FrameQueue::new(Direction::Output), FrameQueue::new(Direction::Output)],
            formats: Formats { output: zero_format, capture: zero_format },
            priority: 0,
            ..Self::new()
        }
    }

    /// The state of a file just opened.
    pub(crate) const fn new() -> Self {
        Self {
            open: false,
            generation: 0,
            nonblocking: false,
            queues: [FrameQueue::new(Direction::Output), FrameQueue::new(Direction::Capture)],
            formats: Formats { output: PixFormat::empty(), capture: PixFormat::empty() },
            compose: None,
            controls: ControlValues::ZERO,
            events: EventQueue::new(),
            drain: Drain::Idle,
            sources: SourceFrames::new(),
            source_change: SourceChange::NONE,
            job: JobFlags { queued: false, running: false, outputs: 0 },
            priority: crate::abi::V4L2_PRIORITY_DEFAULT,
            failed: [false; 2],
        }
    }

    pub(crate) fn queue(&mut self, dir: Direction) -> &mut FrameQueue<B, P> {
        &mut self.queues[dir.index()]
    }

    pub(crate) fn status(&self) -> QueueStatus {
        let [output, capture] = &self.queues;
        QueueStatus {
            output_queued: output.queued_count(),
            capture_queued: capture.queued_count(),
            output_streaming: output.is_streaming(),
            capture_streaming: capture.is_streaming(),
            draining: self.drain.flushing(),
            capture_setup_pending: self.source_change.setup_pending(),
        }
    }

    /// Whether queue `dir` is in the error state.
    pub(crate) fn failed(&self, dir: Direction) -> bool {
        self.failed[dir.index()]
    }

    /// Whether the drain, a source change or a queue in the error state holds jobs back.
    pub(crate) fn jobs_held(&self) -> bool {
        self.drain.holds_jobs() || self.source_change.last_pending() || self.failed.contains(&true)
    }

    /// The poll rules: POLLERR when neither queue can make progress (a queue in the error
    /// state makes none), POLLOUT/POLLIN for done buffers (and POLLIN after the LAST
    /// buffer), POLLPRI for pending events.
    pub(crate) fn poll(&self, requested: PollEvents) -> PollEvents {
        let mut ready = PollEvents::empty();
        let data = PollEvents::POLLIN | PollEvents::POLLOUT | PollEvents::POLLRDNORM | PollEvents::POLLWRNORM;
        if requested.intersects(data) {
            let [output, capture] = &self.queues;
            let idle = |q: &FrameQueue<B, P>| q.queued_count() + q.active_count() + q.done_count() == 0;
            let [output_failed, capture_failed] = self.failed;
            let output_dead = !output.is_streaming() || output_failed || idle(output);
            let capture_dead = !capture.is_streaming() || capture_failed || (idle(capture) && !capture.last_dequeued());
            if output_dead && capture_dead {
                ready |= PollEvents::POLLERR;
            } else {
                if output.done_count() > 0 {
                    ready |= PollEvents::POLLOUT | PollEvents::POLLWRNORM;
                }
                if capture.done_count() > 0 || capture.last_dequeued() {
                    ready |= PollEvents::POLLIN | PollEvents::POLLRDNORM;
                }
            }
        }
        if self.events.pending() > 0 {
            ready |= PollEvents::POLLPRI;
        }
        ready & (requested | PollEvents::POLLERR)
    }
}

/// One slot of the device's file table.
pub(crate) struct FileSlot<C, const B: usize, const E: usize, const P: usize, const M: usize> {
    /// Serialises ioctls on the file (released while a blocking call waits).
    pub(crate) ioctl_lock: SleepMutex<()>,
    /// The driver's context; also held by the worker during `device_run`.
    pub(crate) context: SleepMutex<Option<C>>,
    pub(crate) state: Mutex<RefCell<FileState<B, E, P, M>>>,
    /// Bumped on every readiness change.
    pub(crate) wake: AtomicU32,
    /// The generation of the open file, 0 while the slot is closed: the ioctl entry's
    /// check of a file id, without a critical section.
    pub(crate) open_id: AtomicU32,
}

impl<C, const B: usize, const E: usize, const P: usize, const M: usize> FileSlot<C, B, E, P, M> {
    pub(crate) const fn new() -> Self {
        Self {
            ioctl_lock: SleepMutex::new(()),
            context: SleepMutex::new(None),
            state: Mutex::new(RefCell::new(FileState::closed())),
            wake: AtomicU32::new(0),
            open_id: AtomicU32::new(0),
        }
    }

    /// The file's state inside the critical section `cs`, or `None` if it is already
    /// borrowed: re-entry from a driver callback, a framework bug that must not panic the
    /// firmware.
    pub(crate) fn state_in<'a>(&'a self, cs: CriticalSection<'a>) -> Option<RefMut<'a, FileState<B, E, P, M>>> {
        self.state.borrow(cs).try_borrow_mut().ok()
    }
}
