//! The driver's handles: [`Job`] for the duration of `device_run`, and the copyable
//! [`ContextHandle`] a driver may keep and use later from a worker or interrupt handler.

use super::buffer::{ActiveBuffer, Completion};
use super::ops::QueueStatus;
use crate::error::Result;
use crate::event::Event;
use crate::format::{Direction, Formats, PixFormat, Rect};

/// What a device offers its driver's handles. Implemented by the codec device; every
/// method checks the context's generation and answers `EBADF` for a closed context.
pub(crate) trait JobPort: Sync {
    fn get_buf(&self, slot: u16, generation: u32, dir: Direction) -> Option<ActiveBuffer>;
    fn put_buf(&self, buf: ActiveBuffer, done: Completion) -> Result<()>;
    /// Both buffers of a job in one critical section, with one wake-up.
    fn put_pair(
        &self,
        output: ActiveBuffer,
        output_done: Completion,
        capture: ActiveBuffer,
        capture_done: Completion,
    ) -> Result<()>;
    fn drained(&self, slot: u16, generation: u32) -> Result<()>;
    fn source_change(&self, slot: u16, generation: u32, capture: PixFormat) -> Result<()>;
    fn stream_error(&self, slot: u16, generation: u32) -> Result<()>;
    fn set_control(&self, slot: u16, generation: u32, id: u32, value: i64) -> Result<()>;
    fn set_compose(&self, slot: u16, generation: u32, rect: Rect) -> Result<()>;
    fn queue_event(&self, slot: u16, generation: u32, event: Event) -> Result<()>;
    fn status(&self, slot: u16, generation: u32) -> Result<QueueStatus>;
    fn control(&self, slot: u16, generation: u32, id: u32) -> Result<i64>;
    fn job_finish(&self, slot: u16, generation: u32);
}

/// A context (one open file) as its driver sees it: a small copyable token.
///
/// Every method takes only a short critical section, so it may be called from any
/// thread or interrupt handler. A handle outliving its file is detected by the slot's
/// generation and refused with `EBADF`; it never touches a reused slot.
#[derive(Clone, Copy)]
pub struct ContextHandle {
    pub(crate) port: &'static dyn JobPort,
    pub(crate) slot: u16,
    pub(crate) generation: u32,
}

impl core::fmt::Debug for ContextHandle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ContextHandle").field("slot", &self.slot).field("generation", &self.generation).finish()
    }
}

impl ContextHandle {
    /// Takes the oldest queued buffer of `dir` (it becomes active), or `None` if none is
    /// queued or the context is gone.
    pub fn get_buf(&self, dir: Direction) -> Option<ActiveBuffer> {
        self.port.get_buf(self.slot, self.generation, dir)
    }

    /// Hands an active buffer back; it becomes ready for DQBUF. A buffer of a context that
    /// was closed meanwhile is refused with `EBADF` (the framework already reclaimed it).
    pub fn put_buf(&self, buf: ActiveBuffer, done: Completion) -> Result<()> {
        self.port.put_buf(buf, done)
    }

    /// The driver has nothing more to emit for the drain in progress: the next CAPTURE
    /// buffer is completed empty with `V4L2_BUF_FLAG_LAST` and `V4L2_EVENT_EOS` follows.
    pub fn drained(&self) -> Result<()> {
        self.port.drained(self.slot, self.generation)
    }

    /// The stream's format changed (a decoder parsed new stream headers): `capture` becomes
    /// the CAPTURE format, the CAPTURE queue ends with a LAST buffer if it is streaming,
    /// `V4L2_EVENT_SOURCE_CHANGE` is sent, and jobs wait until the application restarts
    /// the CAPTURE queue.
    pub fn source_change(&self, capture: PixFormat) -> Result<()> {
        self.port.source_change(self.slot, self.generation, capture)
    }

    /// A fatal error: the context cannot go on decoding or encoding (the stream needs
    /// what the device cannot do, or the engine failed). Both queues enter the error
    /// state, as Linux's `vb2_queue_error` on both queues of an m2m context does:
    ///
    /// - QBUF and PREPARE_BUF answer `EIO`, and so does DQBUF (blocking or not; a
    ///   blocked DQBUF returns), even with buffers done: check the order below;
    /// - poll reports `POLLERR`, and every waiter is woken;
    /// - no job of the context runs any more (the running one ends as usual; buffers
    ///   the driver completes stay with the framework until STREAMOFF returns them).
    ///
    /// DQBUF checks, in videobuf2's order: a queue not streaming is `EINVAL`, then the
    /// error state `EIO`, then `EPIPE` after the LAST buffer, then a done buffer. A
    /// malformed QBUF (unknown index or memory type) stays `EINVAL`. Each queue leaves
    /// the error state where Linux clears `q->error`: at its STREAMOFF (or close), and at
    /// REQBUFS that frees its buffers. A driver returns the buffer that revealed the
    /// problem flagged `V4L2_BUF_FLAG_ERROR` before calling this.
    pub fn stream_error(&self) -> Result<()> {
        self.port.stream_error(self.slot, self.generation)
    }

    /// Updates a control's value from the driver side (for instance
    /// `V4L2_CID_MIN_BUFFERS_FOR_CAPTURE` once the stream is known); sends control events.
    pub fn set_control(&self, id: u32, value: i64) -> Result<()> {
        self.port.set_control(self.slot, self.generation, id, value)
    }

    /// The current value of control `id` in this context.
    pub fn control(&self, id: u32) -> Result<i64> {
        self.port.control(self.slot, self.generation, id)
    }

    /// Records the visible rectangle of the CAPTURE frames (VIDIOC_G_SELECTION with
    /// `V4L2_SEL_TGT_COMPOSE*` answers it unless the driver implements `g_selection`).
    pub fn set_compose(&self, rect: Rect) -> Result<()> {
        self.port.set_compose(self.slot, self.generation, rect)
    }

    /// Queues an event to the context's file, if it subscribed. `EINVAL` for
    /// [`Event::Eos`] and [`Event::SourceChange`]: the framework sends those itself when
    /// the driver calls [`ContextHandle::drained`] and [`ContextHandle::source_change`],
    /// exactly once per drain or change.
    pub fn queue_event(&self, event: Event) -> Result<()> {
        self.port.queue_event(self.slot, self.generation, event)
    }

    /// The context's queue status now.
    pub fn status(&self) -> Result<QueueStatus> {
        self.port.status(self.slot, self.generation)
    }

    /// Ends a job for which `device_run` returned [`JobStatus::Running`](super::JobStatus)
    /// (or is about to). Buffers the driver still holds are returned to the application
    /// flagged as errors. A second call for the same job, or one from a closed context,
    /// does nothing.
    pub fn job_finish(&self) {
        self.port.job_finish(self.slot, self.generation)
    }

    /// Hands back the job's OUTPUT and CAPTURE buffers and ends the job, in one call: what
    /// an interrupt handler does when the engine reports a frame done (Linux's
    /// `v4l2_m2m_buf_done_and_job_finish`). Both buffers become ready together, in one
    /// critical section: a poller never sees one of them done without the other. The job
    /// ends even if a buffer is refused (the context was closed); the first refusal is
    /// returned.
    pub fn buf_done_and_job_finish(
        &self,
        output: ActiveBuffer,
        output_done: Completion,
        capture: ActiveBuffer,
        capture_done: Completion,
    ) -> Result<()> {
        let result = self.port.put_pair(output, output_done, capture, capture_done);
        self.job_finish();
        result
    }
}

/// One job, as given to [`CodecOps::device_run`](crate::CodecOps::device_run).
pub struct Job<'a> {
    pub(crate) handle: ContextHandle,
    pub(crate) formats: &'a Formats,
    pub(crate) status: QueueStatus,
}

impl Job<'_> {
    /// The context's handle: take and return buffers with it; keep a copy to complete the
    /// job later.
    pub fn handle(&self) -> ContextHandle {
        self.handle
    }

    /// The context's formats when the job started.
    pub fn formats(&self) -> &Formats {
        self.formats
    }

    /// The context's queues when the job started (for instance whether it is draining).
    pub fn status(&self) -> &QueueStatus {
        &self.status
    }
}
