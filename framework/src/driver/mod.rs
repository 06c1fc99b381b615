//! Everything a codec driver (lower half) uses, and nothing else: read this module and
//! you can write a driver.
//!
//! - [`CodecOps`]: the trait a driver implements; [`DeviceInfo`] describes its node.
//! - [`Job`]: what [`CodecOps::device_run`] gets; [`ContextHandle`]: the copyable token with
//!   which a driver takes buffers ([`ContextHandle::get_buf`]) and hands them back
//!   ([`ContextHandle::put_buf`], [`ContextHandle::buf_done_and_job_finish`]), now or later
//!   from its interrupt handler.
//! - [`ActiveBuffer`]: a buffer the driver holds (byte slices for a CPU codec, bus
//!   addresses for a DMA engine); [`Completion`]: what the driver reports with it.
//! - [`InFlight`]: the interrupt-safe cell in which a hardware driver parks the job its
//!   engine is running, for the interrupt handler to take.
//! - [`fill_pix_format`] and [`FormatInfo`]: `bytesperline`/`sizeimage` of raw formats from
//!   a fourcc table, so that no driver computes plane sizes by hand.
//! - The typed values the framework decoded for the driver: formats, rectangles,
//!   controls ([`ControlSpec`]), events, and the one error type, [`Errno`].
//!
//! The framework owns every V4L2 rule (validation, queues, drain, seek, events, job
//! scheduling); a driver answers typed questions and runs jobs. It never sees a file
//! handle or application memory other than the buffers it is given.
//!
//! # Who calls what, from where
//!
//! "Thread" is an application thread inside an ioctl, "worker" the board's job thread
//! (the one that calls [`CodecDevice::run_jobs`](crate::CodecDevice::run_jobs)), "IRQ"
//! an interrupt handler or any other thread of the driver's own (an engine thread on a
//! simulator). "Context lock" means the framework holds this context's lock: no other
//! method taking the same `&mut Context` runs at the same time.
//!
//! | call | runs in | may block | notes |
//! | --- | --- | --- | --- |
//! | [`CodecOps::open`], [`close`](CodecOps::close) | thread | yes | keep `open` cheap; `close` after both queues stopped |
//! | `default_formats`, `enum_fmt`, `try_fmt`, `enum_framesizes`, `enum_frameintervals`, `g_selection`, `g_parm`, `controls` | thread | yes | answer from the arguments; no side effects |
//! | `s_fmt`, `s_selection`, `s_parm`, `s_ctrl`, `command` | thread, context lock | yes | |
//! | [`streamon`](CodecOps::streamon), [`streamoff`](CodecOps::streamoff) | thread, context lock | yes | `streamon(Output)` is the deferred-init point; at `streamoff` the driver holds no buffer of the context |
//! | [`job_ready`](CodecOps::job_ready) | thread, worker or IRQ, in a critical section | **no** | answer from the [`QueueStatus`] alone |
//! | [`device_run`](CodecOps::device_run) | worker, context lock | briefly | a hardware driver programs the engine and returns [`JobStatus::Running`] |
//! | [`job_abort`](CodecOps::job_abort) | thread, context lock | yes | only while a job returned `Running` is unfinished; the framework then waits for `job_finish` |
//! | every [`ContextHandle`] method, [`InFlight`] | anywhere: thread, worker, IRQ | **no** | each takes one short critical section |
//! | [`ContextHandle::stream_error`] | anywhere, usually `device_run` or IRQ | **no** | after the offending buffer was returned flagged as an error; wakes every waiter |
//!
//! # Ordering rules of the interrupt path
//!
//! - A job's buffers may be completed and the job finished (`put_buf`, `job_finish`,
//!   [`ContextHandle::buf_done_and_job_finish`]) **before `device_run` has returned**: an
//!   engine may raise its interrupt at once. `device_run` then still returns
//!   [`JobStatus::Running`] (or `Finished`: a second finish of the same job is ignored).
//! - The framework starts no other job on the device until the running one is finished,
//!   so a driver with one engine needs one [`InFlight`] cell, not one per context.
//! - A job finished with buffers still held by the driver returns them to the
//!   application flagged `V4L2_BUF_FLAG_ERROR`: no buffer is ever lost.
//! - After `job_abort`, the driver must still finish the job (soon): STREAMOFF and close
//!   wait for it. A handle of a context closed meanwhile is refused with `EBADF`, never
//!   touching a reused slot.
//! - Cache maintenance is the framework's: every buffer is synced for the device when
//!   `get_buf` hands it over and for the CPU when `put_buf` takes it back, through the
//!   board's [`BufferArena`](crate::BufferArena) hooks.
//! - One job takes at most [`CodecOps::JOB_OUTPUT_BUFFERS`] OUTPUT buffers (one by
//!   default, as Linux m2m drivers do), and ready contexts are served in turn, so one
//!   context cannot starve the others.
//!
//! # Fatal errors
//!
//! A driver that cannot go on with a context (a stream it cannot decode correctly, an
//! engine that failed) returns the buffer that showed it flagged `V4L2_BUF_FLAG_ERROR` and
//! calls [`ContextHandle::stream_error`]: both queues then answer `EIO` and poll reports
//! `POLLERR` until the application stops them (Linux's `vb2_queue_error`); no more jobs run.
//!
//! # Events
//!
//! `V4L2_EVENT_EOS` and `V4L2_EVENT_SOURCE_CHANGE` belong to the framework: it sends them
//! when the driver calls [`ContextHandle::drained`] and [`ContextHandle::source_change`],
//! and [`ContextHandle::queue_event`] refuses them.

mod buffer;
mod handle;
mod inflight;
mod ops;
mod pixfmt;

pub use crate::frame::{DoneFlags, FrameMeta, Timecode, Timestamp};
pub use buffer::{ActiveBuffer, Completion};
pub use handle::{ContextHandle, Job};
pub use inflight::InFlight;
pub use ops::{CodecCommand, CodecKind, CodecOps, DeviceInfo, JobStatus, QueueStatus};
pub use pixfmt::{fill_pix_format, pix_format, FormatInfo};

pub use crate::ctrl::{controls_fit, ControlKind, ControlSpec, MAX_CONTROLS, MAX_INTEGER64_CONTROLS};
pub use crate::error::{Errno, Result};
pub use crate::event::{CtrlEvent, Event};
pub use crate::format::{
    BufferApi, Direction, FormatDesc, Formats, FourCc, Fraction, FrameSize, PixFormat, PlaneFormat, Rect, StreamParm,
    MAX_PLANES,
};

pub(crate) use buffer::PlaneMemory;
pub(crate) use handle::JobPort;
