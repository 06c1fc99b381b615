//! A vendor's transform driver, written against the framework's `driver` module only: a
//! scaler and colour converter block that reads NV12 or YUYV (OUTPUT queue) and writes
//! I420 (CAPTURE queue: `YU12`, and `YM12` = YUV420M on the multi-planar API) at any size
//! the application sets on CAPTURE, optionally mirrored (`V4L2_CID_HFLIP`).
//!
//! The block works like a DMA engine: [`Scaler::device_run`](CodecOps::device_run) takes
//! one buffer of each queue, programs the block with their bus addresses ([`Engine::start`])
//! and returns [`JobStatus::Running`]; the block raises its interrupt when the frame is
//! written, and the board's interrupt handler calls [`Scaler::irq`], which completes both
//! buffers and the job with [`ContextHandle::buf_done_and_job_finish`]. The in-flight job
//! waits in an [`InFlight`] cell meanwhile. The pixel work the block does is [`scale`]
//! (nearest neighbour), which a board without the block can run on the CPU.
//!
//! `#![no_std]`, no heap: it builds for `thumbv7em-none-eabihf`.

#![no_std]

pub mod scale;

use v4l2m2m::abi;
use v4l2m2m::driver::{
    fill_pix_format, ActiveBuffer, BufferApi, CodecOps, Completion, ContextHandle, ControlKind, ControlSpec, Direction,
    Errno, FormatDesc, Formats, FourCc, FrameSize, InFlight, Job, JobStatus, PixFormat, Result,
};

/// Smallest width and height, in pixels.
pub const MIN_SIZE: u32 = 16;
/// Largest width.
pub const MAX_WIDTH: u32 = 1920;
/// Largest height.
pub const MAX_HEIGHT: u32 = 1088;

/// OUTPUT formats: NV12 and YUYV.
const INPUTS: [FormatDesc; 2] = [
    FormatDesc { pixelformat: abi::V4L2_PIX_FMT_NV12, flags: 0, description: "Y/UV 4:2:0" },
    FormatDesc { pixelformat: abi::V4L2_PIX_FMT_YUYV, flags: 0, description: "YUYV 4:2:2" },
];
/// CAPTURE formats: I420, contiguous and (multi-planar API only) in three memory planes.
const OUTPUTS: [FormatDesc; 2] = [
    FormatDesc { pixelformat: abi::V4L2_PIX_FMT_YUV420, flags: 0, description: "Planar YUV 4:2:0" },
    FormatDesc { pixelformat: abi::V4L2_PIX_FMT_YUV420M, flags: 0, description: "Planar YUV 4:2:0 (N-C)" },
];

const CONTROLS: [ControlSpec; 1] = [ControlSpec {
    id: abi::V4L2_CID_HFLIP,
    name: "Horizontal Flip",
    kind: ControlKind::Boolean,
    min: 0,
    max: 1,
    step: 1,
    default: 0,
    flags: 0,
    menu: &[],
}];

/// One component plane as the block addresses it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Surface {
    /// Bus address of the first byte.
    pub addr: u64,
    /// Bytes from one line to the next.
    pub stride: u32,
    /// Bytes the block may touch from `addr`.
    pub len: u32,
}

/// What the driver programs into the block for one frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineJob {
    /// Source layout.
    pub input: scale::Input,
    /// Source size in pixels.
    pub src_size: (u32, u32),
    /// Source planes: Y (or packed YUYV), interleaved chroma (NV12 only).
    pub src: [Surface; 2],
    /// Destination size in pixels.
    pub dst_size: (u32, u32),
    /// Destination planes: Y, Cb, Cr.
    pub dst: [Surface; 3],
    /// Mirror each line.
    pub hflip: bool,
}

/// The block's register interface, as the board provides it.
pub trait Engine: Sync + Send + 'static {
    /// Programs the block for `job` and starts it. The block raises its interrupt when the
    /// frame is written; the board's handler then calls [`Scaler::irq`]. Never blocks.
    fn start(&self, job: &EngineJob);
}

/// A job the block is running: the context and its two buffers.
struct Running {
    handle: ContextHandle,
    output: ActiveBuffer,
    capture: ActiveBuffer,
}

/// The per-open state: the controls.
#[derive(Debug, Default)]
pub struct Context {
    hflip: bool,
}

/// The scaler driver over the block `E`.
pub struct Scaler<E: Engine> {
    engine: E,
    api: BufferApi,
    in_flight: InFlight<Running>,
}

impl<E: Engine> Scaler<E> {
    /// A driver for the node of buffer API `api`, over `engine`.
    pub const fn new(engine: E, api: BufferApi) -> Self {
        Self { engine, api, in_flight: InFlight::new() }
    }

    /// The block's interrupt: the frame is written. Completes the parked job (both buffers
    /// and the job). Callable from an interrupt handler; a spurious interrupt is ignored.
    pub fn irq(&self) {
        let Some(job) = self.in_flight.take() else { return };
        let done = capture_completion(&job.capture, &job.output);
        // A handle of a context closed meanwhile is refused; its buffers are already back.
        let _ = job.handle.buf_done_and_job_finish(job.output, Completion::default(), job.capture, done);
    }

    /// The engine, for the board.
    pub fn engine(&self) -> &E {
        &self.engine
    }

    fn formats_of(&self, dir: Direction) -> &'static [FormatDesc] {
        match (dir, self.api) {
            (Direction::Output, _) => &INPUTS,
            (Direction::Capture, BufferApi::MultiPlanar) => &OUTPUTS,
            (Direction::Capture, _) => &OUTPUTS[..1],
        }
    }
}

/// The CAPTURE completion: every plane full, the OUTPUT buffer's timestamp.
fn capture_completion(capture: &ActiveBuffer, output: &ActiveBuffer) -> Completion {
    let mut done = Completion::done(capture.plane_len(0) as u32, output.timestamp());
    for plane in 1..capture.num_planes() {
        done = done.with_plane(plane, capture.plane_len(plane) as u32);
    }
    done
}

/// The component surfaces of `buf` in format `fmt` (`count` components): one per memory
/// plane, or consecutive components of one contiguous plane.
fn surfaces<const N: usize>(buf: &ActiveBuffer, fmt: &PixFormat, count: usize) -> Option<[Surface; N]> {
    let mut out = [Surface::default(); N];
    let contiguous = buf.num_planes() == 1;
    let mut offset = 0u32;
    for (comp, surface) in out.iter_mut().enumerate().take(count) {
        let (plane, stride, len) = if contiguous {
            let stride = component_stride(fmt, comp);
            let len = stride * component_lines(fmt, comp);
            (0, stride, len)
        } else {
            (comp, fmt.planes[comp].bytesperline, fmt.planes[comp].sizeimage)
        };
        let base = buf.plane_bus_addr(plane)?;
        *surface = Surface { addr: base + u64::from(if contiguous { offset } else { 0 }), stride, len };
        offset += len;
    }
    Some(out)
}

fn component_stride(fmt: &PixFormat, comp: usize) -> u32 {
    let luma = fmt.planes[0].bytesperline;
    match (fmt.pixelformat, comp) {
        (_, 0) => luma,
        (abi::V4L2_PIX_FMT_NV12, _) => luma,
        _ => luma / 2,
    }
}

fn component_lines(fmt: &PixFormat, comp: usize) -> u32 {
    match (fmt.pixelformat, comp) {
        (abi::V4L2_PIX_FMT_YUYV, _) | (_, 0) => fmt.height,
        _ => fmt.height / 2,
    }
}

/// What the driver programs for `output` -> `capture` in `formats`.
fn engine_job(formats: &Formats, output: &ActiveBuffer, capture: &ActiveBuffer, hflip: bool) -> Option<EngineJob> {
    let (src, dst) = (&formats.output, &formats.capture);
    let (input, src_components) = match src.pixelformat {
        abi::V4L2_PIX_FMT_NV12 => (scale::Input::Nv12, 2),
        _ => (scale::Input::Yuyv, 1),
    };
    Some(EngineJob {
        input,
        src_size: (src.width, src.height),
        src: surfaces(output, src, src_components)?,
        dst_size: (dst.width, dst.height),
        dst: surfaces(capture, dst, 3)?,
        hflip,
    })
}

impl<E: Engine> CodecOps for Scaler<E> {
    type Context = Context;

    fn open(&self) -> Result<Context> {
        Ok(Context::default())
    }

    fn default_formats(&self) -> Formats {
        let fmt = |fourcc: u32| {
            let mut f = PixFormat {
                width: 640,
                height: 480,
                pixelformat: fourcc,
                field: abi::V4L2_FIELD_NONE,
                ..PixFormat::empty()
            };
            f.colorspace = abi::V4L2_COLORSPACE_REC709;
            let _ = fill_pix_format(&mut f, self.api);
            f
        };
        Formats { output: fmt(abi::V4L2_PIX_FMT_NV12), capture: fmt(abi::V4L2_PIX_FMT_YUV420) }
    }

    fn enum_fmt(&self, dir: Direction, index: u32) -> Result<FormatDesc> {
        self.formats_of(dir).get(index as usize).copied().ok_or(Errno::EINVAL)
    }

    fn try_fmt(&self, _ctx: &Context, formats: &Formats, dir: Direction, fmt: &mut PixFormat) -> Result<()> {
        let known = self.formats_of(dir);
        if !known.iter().any(|d| d.pixelformat == fmt.pixelformat) {
            fmt.pixelformat = known[0].pixelformat;
        }
        fmt.width = fmt.width.clamp(MIN_SIZE, MAX_WIDTH) & !1;
        fmt.height = fmt.height.clamp(MIN_SIZE, MAX_HEIGHT) & !1;
        fmt.field = abi::V4L2_FIELD_NONE;
        if dir == Direction::Capture {
            // A converter keeps the colorimetry of what it is given.
            let out = &formats.output;
            (fmt.colorspace, fmt.xfer_func, fmt.ycbcr_enc, fmt.quantization) =
                (out.colorspace, out.xfer_func, out.ycbcr_enc, out.quantization);
        } else if fmt.colorspace == 0 {
            fmt.colorspace = abi::V4L2_COLORSPACE_REC709;
        }
        fill_pix_format(fmt, self.api)
    }

    fn enum_framesizes(&self, pixelformat: FourCc, index: u32) -> Result<FrameSize> {
        let known = INPUTS.iter().chain(&OUTPUTS).any(|d| d.pixelformat == pixelformat);
        if index != 0 || !known {
            return Err(Errno::EINVAL);
        }
        Ok(FrameSize::Stepwise {
            min_width: MIN_SIZE,
            max_width: MAX_WIDTH,
            step_width: 2,
            min_height: MIN_SIZE,
            max_height: MAX_HEIGHT,
            step_height: 2,
        })
    }

    fn controls(&self) -> &'static [ControlSpec] {
        &CONTROLS
    }

    fn s_ctrl(&self, ctx: &mut Context, id: u32, value: i64) -> Result<()> {
        match id {
            abi::V4L2_CID_HFLIP => ctx.hflip = value != 0,
            _ => return Err(Errno::EINVAL),
        }
        Ok(())
    }

    fn device_run(&self, ctx: &mut Context, job: Job<'_>) -> JobStatus {
        let handle = job.handle();
        let (Some(output), Some(capture)) = (handle.get_buf(Direction::Output), handle.get_buf(Direction::Capture))
        else {
            // Not both: the framework returns what was taken, flagged as errors.
            return JobStatus::Finished;
        };
        let Some(program) = engine_job(job.formats(), &output, &capture, ctx.hflip) else {
            // No bus address (not an MMAP buffer): the block cannot reach the memory.
            let _ = handle.buf_done_and_job_finish(output, Completion::error(), capture, Completion::error());
            return JobStatus::Finished;
        };
        if let Err(job) = self.in_flight.park(Running { handle, output, capture }) {
            // Cannot happen (one job at a time); give the buffers back rather than lose them.
            let _ =
                job.handle.buf_done_and_job_finish(job.output, Completion::error(), job.capture, Completion::error());
            return JobStatus::Finished;
        }
        self.engine.start(&program);
        JobStatus::Running
    }
}
