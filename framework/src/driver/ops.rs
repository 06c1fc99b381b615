//! [`CodecOps`]: the boundary between the framework (upper half) and a codec driver
//! (lower half). This is the one trait a vendor implements to put a codec engine behind
//! the V4L2 memory-to-memory API.
//!
//! The framework owns everything V4L2: file handles, ioctl decoding and validation,
//! buffer queues, formats storage, controls storage, events, the drain and seek rules.
//! A driver answers typed questions (which formats? is this format acceptable?) and runs
//! jobs: in [`CodecOps::device_run`] it takes buffers with
//! [`ContextHandle::get_buf`](super::ContextHandle::get_buf), processes them, and hands
//! them back with [`ContextHandle::put_buf`](super::ContextHandle::put_buf), either before
//! returning (a software codec) or later from its interrupt handler (a hardware engine).
//! The [module documentation](super) says from which context each method is called.
//!
//! Methods with a default answer `ENOTTY` (not supported) or do nothing; the required
//! ones are the format questions and `device_run`.

use super::handle::Job;
use crate::ctrl::ControlSpec;
use crate::error::{Errno, Result};
use crate::format::{
    BufferApi, Direction, FormatDesc, Formats, FourCc, Fraction, FrameSize, PixFormat, Rect, StreamParm,
};

/// What kind of memory-to-memory device a node is. It decides the capabilities reported,
/// which command ioctl applies (DECODER_CMD or ENCODER_CMD), and which events can be
/// subscribed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CodecKind {
    /// A stateful decoder (dev-decoder.rst): bitstream on OUTPUT, frames on CAPTURE.
    Decoder,
    /// A stateful encoder (dev-encoder.rst): frames on OUTPUT, bitstream on CAPTURE.
    Encoder,
    /// Any other memory-to-memory transform (scaler, colour converter).
    Transform,
}

/// Static description of a device node, given when the device is built.
#[derive(Clone, Copy, Debug)]
pub struct DeviceInfo {
    /// Driver name for VIDIOC_QUERYCAP (at most 15 bytes).
    pub driver: &'static str,
    /// Card name for VIDIOC_QUERYCAP (at most 31 bytes).
    pub card: &'static str,
    /// Bus information for VIDIOC_QUERYCAP, e.g. `"platform:sim-h264dec"` (at most 31 bytes).
    pub bus_info: &'static str,
    /// Decoder, encoder or other transform.
    pub kind: CodecKind,
    /// Single-planar or multi-planar buffer API.
    pub api: BufferApi,
    /// Whether applications may queue USERPTR buffers (the engine can reach any
    /// application memory, as a CPU codec or an engine behind an IOMMU can).
    pub userptr: bool,
    /// Initial value of `V4L2_CID_MIN_BUFFERS_FOR_OUTPUT`.
    pub min_output_buffers: u32,
    /// Initial value of `V4L2_CID_MIN_BUFFERS_FOR_CAPTURE`.
    pub min_capture_buffers: u32,
}

/// What a context's queues hold, given to [`CodecOps::job_ready`].
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct QueueStatus {
    /// OUTPUT buffers queued and not yet taken by the driver.
    pub output_queued: usize,
    /// CAPTURE buffers queued and not yet taken by the driver.
    pub capture_queued: usize,
    /// Whether the OUTPUT queue is streaming.
    pub output_streaming: bool,
    /// Whether the CAPTURE queue is streaming.
    pub capture_streaming: bool,
    /// A STOP command is in progress and every OUTPUT buffer queued before it has been
    /// taken: the driver should flush what it holds, then report the drain complete.
    pub draining: bool,
    /// The driver reported a source change and the application has not restarted the
    /// CAPTURE queue since: decoding must wait.
    pub capture_setup_pending: bool,
}

impl QueueStatus {
    /// The readiness rule most codecs want: one OUTPUT and one CAPTURE buffer, or, while
    /// draining, one CAPTURE buffer to flush into.
    pub fn has_input_and_output(&self) -> bool {
        let capture = self.capture_streaming && self.capture_queued > 0 && !self.capture_setup_pending;
        self.output_streaming && capture && (self.output_queued > 0 || self.draining)
    }
}

/// How [`CodecOps::device_run`] left the job.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum JobStatus {
    /// The job is over; the framework may start the next one.
    Finished,
    /// The engine is still working; the driver calls
    /// [`ContextHandle::job_finish`](crate::ContextHandle::job_finish) when it is done.
    Running,
}

/// A codec command the application issued (DECODER_CMD / ENCODER_CMD), after the
/// framework validated it and updated the drain state.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CodecCommand {
    /// Begin draining: the framework will report `draining` in [`QueueStatus`] once every
    /// OUTPUT buffer queued before the command has been taken.
    Stop,
    /// Resume after a drain (or a no-op while running).
    Start,
}

/// The lower half of a memory-to-memory codec device.
///
/// The framework calls these methods from application threads (ioctls) and from the
/// board's job worker (`device_run`). Only [`CodecOps::job_ready`] may also run in an
/// interrupt handler (inside a critical section); see the table in the
/// [module documentation](super). Methods that take `&mut Self::Context` hold that
/// context's lock, so they never run concurrently for the same context; methods that take
/// `&self` only may run concurrently with anything.
pub trait CodecOps: Sync + 'static {
    /// How many OUTPUT buffers one job may take with `get_buf`: after that many, `get_buf`
    /// on OUTPUT answers `None` until the next job, so that the scheduler can serve the
    /// other contexts in turn. One, as Linux m2m drivers do, fits codecs that consume one
    /// frame or bitstream buffer per job; `usize::MAX` lifts the bound.
    const JOB_OUTPUT_BUFFERS: usize = 1;

    /// Per-open driver state (a codec instance, stream parameters, a frame counter).
    /// Keep it light until [`CodecOps::streamon`]: nothing heavy belongs in `open`.
    type Context: Send;

    /// A new file handle was opened. Return its context, cheaply: deferred
    /// initialisation belongs in [`CodecOps::streamon`] for the OUTPUT queue.
    fn open(&self) -> Result<Self::Context>;

    /// The file handle was closed. Both queues were already stopped and every buffer
    /// returned. Release what the context holds.
    fn close(&self, ctx: Self::Context) {
        drop(ctx);
    }

    /// The formats a new file handle starts with.
    fn default_formats(&self) -> Formats;

    /// The `index`th format `dir` supports, or `EINVAL` past the last one. VIDIOC_ENUM_FMT
    /// lists those of them that [`CodecOps::try_fmt`] keeps for the file (same fourcc, and
    /// one plane on a single-planar node), so a decoder narrows its CAPTURE list to the
    /// parsed stream's formats through `try_fmt`.
    fn enum_fmt(&self, dir: Direction, index: u32) -> Result<FormatDesc>;

    /// Adjusts `fmt` to the nearest format `dir` supports, as VIDIOC_TRY_FMT does: unknown
    /// pixel formats become a supported one, sizes are clamped and aligned, and
    /// `bytesperline`/`sizeimage` are computed. Only fail for a broken request.
    ///
    /// `formats` holds the context's current formats (an encoder derives its CAPTURE
    /// size from the OUTPUT size).
    fn try_fmt(&self, ctx: &Self::Context, formats: &Formats, dir: Direction, fmt: &mut PixFormat) -> Result<()>;

    /// The application set the format of `dir`: `formats` already holds the adjusted new
    /// format; the driver may update the other queue's format to match (a decoder's
    /// CAPTURE size follows its OUTPUT size). The framework checked the commit points.
    fn s_fmt(&self, ctx: &mut Self::Context, dir: Direction, formats: &mut Formats) -> Result<()> {
        let _ = (ctx, dir, formats);
        Ok(())
    }

    /// The `index`th frame size supported for `pixelformat`.
    fn enum_framesizes(&self, pixelformat: FourCc, index: u32) -> Result<FrameSize> {
        let _ = (pixelformat, index);
        Err(Errno::ENOTTY)
    }

    /// The `index`th frame interval supported for `pixelformat` at `width`x`height`.
    fn enum_frameintervals(&self, pixelformat: FourCc, width: u32, height: u32, index: u32) -> Result<Fraction> {
        let _ = (pixelformat, width, height, index);
        Err(Errno::ENOTTY)
    }

    /// The rectangle of selection `target` (`V4L2_SEL_TGT_*`) on queue `dir`; `EINVAL` for
    /// a target the driver does not have on that queue.
    fn g_selection(&self, ctx: &Self::Context, formats: &Formats, dir: Direction, target: u32) -> Result<Rect> {
        let _ = (ctx, formats, dir, target);
        Err(Errno::ENOTTY)
    }

    /// Sets selection `target` on queue `dir`, adjusting `rect` to what was applied.
    fn s_selection(
        &self,
        ctx: &mut Self::Context,
        formats: &Formats,
        dir: Direction,
        target: u32,
        rect: &mut Rect,
    ) -> Result<()> {
        let _ = (ctx, formats, dir, target, rect);
        Err(Errno::ENOTTY)
    }

    /// Streaming parameters (frame interval) of queue `dir`.
    fn g_parm(&self, ctx: &Self::Context, dir: Direction) -> Result<StreamParm> {
        let _ = (ctx, dir);
        Err(Errno::ENOTTY)
    }

    /// Sets streaming parameters of queue `dir`, adjusting `parm` to what was applied.
    fn s_parm(&self, ctx: &mut Self::Context, dir: Direction, parm: &mut StreamParm) -> Result<()> {
        let _ = (ctx, dir, parm);
        Err(Errno::ENOTTY)
    }

    /// The driver's controls. The framework stores their values per file handle,
    /// validates writes, answers the query ioctls and sends control events. It adds the
    /// standard `V4L2_CID_MIN_BUFFERS_FOR_OUTPUT`/`_CAPTURE` controls and class controls
    /// itself. At most [`MAX_CONTROLS`](crate::ctrl::MAX_CONTROLS) entries, of which at
    /// most [`MAX_INTEGER64_CONTROLS`](crate::ctrl::MAX_INTEGER64_CONTROLS) of kind
    /// [`ControlKind::Integer64`](crate::ctrl::ControlKind::Integer64) (each file stores a
    /// value in a 32-bit word, a 64-bit one in two); a 32-bit control's `min`, `max` and
    /// `default` lie within `i32`. Of a table that does not fit, the framework offers only
    /// the leading entries that do (the others answer `EINVAL` as unknown IDs) and logs a
    /// warning at every open; [`controls_fit`](crate::ctrl::controls_fit) checks a table,
    /// in a `const` assertion at build time for a `static` one.
    fn controls(&self) -> &'static [ControlSpec] {
        &[]
    }

    /// A control changed value (already validated and clamped). Return an error to refuse
    /// it; the framework then keeps the old value.
    fn s_ctrl(&self, ctx: &mut Self::Context, id: u32, value: i64) -> Result<()> {
        let _ = (ctx, id, value);
        Ok(())
    }

    /// Queue `dir` starts streaming. For OUTPUT this is where heavy set-up belongs (create
    /// the codec instance, power the engine): the deferred initialisation point.
    fn streamon(&self, ctx: &mut Self::Context, dir: Direction, formats: &Formats) -> Result<()> {
        let _ = (ctx, dir, formats);
        Ok(())
    }

    /// Queue `dir` stopped streaming; no job of this context is running and the driver
    /// holds none of its buffers. For OUTPUT this is a seek: drop buffered bitstream.
    fn streamoff(&self, ctx: &mut Self::Context, dir: Direction) {
        let _ = (ctx, dir);
    }

    /// The application issued a command (already validated; drain state updated).
    fn command(&self, ctx: &mut Self::Context, cmd: CodecCommand) -> Result<()> {
        let _ = (ctx, cmd);
        Ok(())
    }

    /// Whether a job can run for a context whose queues look like `status`. Called in a
    /// critical section, possibly from an interrupt handler (a completion that frees the
    /// engine schedules the next job): answer from `status` alone, never block.
    fn job_ready(&self, status: &QueueStatus) -> bool {
        status.has_input_and_output()
    }

    /// Runs one job for `ctx`, on the board's worker. Take buffers with [`Job::handle`]'s
    /// `get_buf` (at most [`Self::JOB_OUTPUT_BUFFERS`] from OUTPUT), process them, hand
    /// them back with `put_buf`. Return [`JobStatus::Finished`] when done, or
    /// [`JobStatus::Running`] if the engine completes later and the driver will call
    /// `job_finish` or `buf_done_and_job_finish` (from any context, interrupt handlers
    /// included, and possibly before this method has returned).
    fn device_run(&self, ctx: &mut Self::Context, job: Job<'_>) -> JobStatus;

    /// The running job of `ctx`, for which `device_run` returned [`JobStatus::Running`],
    /// must end soon: the application stopped a queue or closed the file, and waits until
    /// the job is finished. Stop the engine (or let it complete) and finish the job with
    /// the handle given to `device_run`; buffers not handed back are returned flagged as
    /// errors. A driver whose jobs finish quickly on their own can ignore it. Runs on an
    /// application thread with the context lock held; it may block.
    fn job_abort(&self, ctx: &mut Self::Context) {
        let _ = ctx;
    }
}
