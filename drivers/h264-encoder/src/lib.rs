//! The lower half for the VENC H.264 encoder block (docs/encoder-block.md): a `#![no_std]`
//! driver that presents the V4L2 stateful encoder interface (dev-encoder.rst) on top of a
//! stateless, register-programmed block that encodes one frame per start and raises an
//! interrupt.
//!
//! The block decides nothing: this driver chooses every frame's type (the GOP), where SPS
//! and PPS go, and every QP (rate control), and programs addresses. A job is one frame:
//! `device_run` programs the block, parks the buffers in an [`InFlight`] cell and returns
//! `Running`; [`Venc::on_irq`] (the block's interrupt handler) completes them. A block that
//! never interrupts is caught by [`Venc::watchdog_tick`].
//!
//! - [`regs`]: the register map and [`regs::Registers`], the only way to the block;
//! - `block`: reset, identification, frame programming, reports;
//! - `formats`, `controls`: what applications see;
//! - `gop`: the frame-type and header plan; `rate`: the QP of each frame;
//! - `stream`: per-stream state the interrupt handler updates;
//! - `job`: the in-flight frame, the interrupt handler, the watchdog, aborts.

#![no_std]
#![deny(missing_docs)]

#[cfg(test)]
extern crate std;

mod block;
mod controls;
mod formats;
mod gop;
mod job;
mod rate;
pub mod regs;
mod stream;

use core::cell::RefCell;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use critical_section::Mutex;
use embedded_hal::delay::DelayNs;
use embedded_hal::digital::OutputPin;
use v4l2m2m::abi;
use v4l2m2m::driver::{
    BufferApi, CodecKind, CodecOps, ControlSpec, DeviceInfo, Direction, Errno, FormatDesc, Formats, FourCc, Fraction,
    FrameSize, InFlight, Job, JobStatus, PixFormat, Rect, Result, StreamParm,
};
use v4l2m2m::BufferArena;

pub use controls::CONTROLS;

use controls::Params;
use gop::Gop;
use job::Running;
use rate::Rate;
use stream::Streams;

/// The walk-through of this driver (docs/encoder-driver.md), whose code blocks are
/// compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/encoder-driver.md")]
pub struct EncoderDriverGuide;

/// Streams (open files that are encoding) the driver serves at once.
pub const STREAMS: usize = 8;

/// The description of an encoder node on the buffer API `api`.
pub const fn device_info(api: BufferApi) -> DeviceInfo {
    DeviceInfo {
        driver: "venc-h264",
        card: "VENC H.264 encoder",
        bus_info: "platform:venc-h264",
        kind: CodecKind::Encoder,
        api,
        // The block reaches only bus memory: buffers come from the board's arena.
        userptr: false,
        min_output_buffers: 1,
        min_capture_buffers: 1,
    }
}

/// The reset line of a block that has none (or whose line the board drives itself).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoResetLine;

impl embedded_hal::digital::ErrorType for NoResetLine {
    type Error = core::convert::Infallible;
}

impl OutputPin for NoResetLine {
    fn set_low(&mut self) -> core::result::Result<(), Self::Error> {
        Ok(())
    }
    fn set_high(&mut self) -> core::result::Result<(), Self::Error> {
        Ok(())
    }
}

/// The driver's delay provider, shared: see [`Venc::delay`].
struct SharedDelay<'a, D>(&'a Mutex<RefCell<D>>);

impl<D: DelayNs> DelayNs for SharedDelay<'_, D> {
    fn delay_ns(&mut self, ns: u32) {
        critical_section::with(|cs| self.0.borrow_ref_mut(cs).delay_ns(ns));
    }
}

/// The per-open state: the file's control values, frame rate, crop, and its stream slot
/// while OUTPUT streams.
pub struct EncoderContext {
    params: Params,
    /// Frames per second as (numerator, denominator).
    fps: (u32, u32),
    crop: Option<Rect>,
    stream: Option<usize>,
}

/// The VENC driver: one per block. `R` reaches the registers, `D` waits during resets,
/// `P` drives the block's reset line ([`NoResetLine`] if the SoC has none).
pub struct Venc<R: regs::Registers + 'static, D: DelayNs + Send + 'static, P: OutputPin + Send + 'static = NoResetLine>
{
    regs: &'static R,
    arena: &'static dyn BufferArena,
    api: BufferApi,
    delay: Mutex<RefCell<D>>,
    reset_line: Mutex<RefCell<P>>,
    /// The block was brought up (at the first STREAMON(OUTPUT): deferred initialisation).
    up: AtomicBool,
    /// A failure left the block in an unknown state: reset it before the next frame.
    needs_reset: AtomicBool,
    /// The frame the block is encoding.
    job: InFlight<Running>,
    /// Watchdog ticks in a row in which `PROGRESS` did not move.
    job_ticks: AtomicU32,
    /// `PROGRESS` as the watchdog last read it.
    job_progress: AtomicU32,
    /// Ticks without progress after which a frame is declared hung.
    timeout_ticks: u32,
    streams: Streams<STREAMS>,
}

impl<R: regs::Registers, D: DelayNs + Send, P: OutputPin + Send> Venc<R, D, P> {
    /// A driver for the block at `regs`, allocating its frame buffers from `arena` (the
    /// board's DMA-capable memory), serving the buffer API `api`. A frame whose `PROGRESS`
    /// does not move for `timeout_ticks` calls of [`Venc::watchdog_tick`] is declared hung.
    pub const fn new(
        regs: &'static R,
        arena: &'static dyn BufferArena,
        api: BufferApi,
        delay: D,
        reset_line: P,
        timeout_ticks: u32,
    ) -> Self {
        Self {
            regs,
            arena,
            api,
            delay: Mutex::new(RefCell::new(delay)),
            reset_line: Mutex::new(RefCell::new(reset_line)),
            up: AtomicBool::new(false),
            needs_reset: AtomicBool::new(false),
            job: InFlight::new(),
            job_ticks: AtomicU32::new(0),
            job_progress: AtomicU32::new(0),
            timeout_ticks,
            streams: Streams::new(),
        }
    }

    /// The delay provider as a `DelayNs` that several threads may use at once: each wait
    /// takes one short critical section (never one around a register access, so the
    /// block can make progress meanwhile).
    fn delay(&self) -> SharedDelay<'_, D> {
        SharedDelay(&self.delay)
    }

    /// Brings the block up once (deferred initialisation). Thread context. Two files that
    /// start their first streams at once both run the sequence, which is harmless.
    fn bring_up(&self) -> Result<()> {
        if self.up.load(Ordering::Acquire) {
            return Ok(());
        }
        let line = |high: bool| {
            critical_section::with(|cs| {
                let mut line = self.reset_line.borrow_ref_mut(cs);
                if high {
                    line.set_high().is_ok()
                } else {
                    line.set_low().is_ok()
                }
            })
        };
        let mut delay = self.delay();
        if !line(false) {
            return Err(Errno::EIO);
        }
        delay.delay_us(1);
        if !line(true) {
            return Err(Errno::EIO);
        }
        block::bring_up(self.regs, &mut delay).map_err(|_| Errno::EIO)?;
        self.up.store(true, Ordering::Release);
        Ok(())
    }

    /// Resets the block (thread context); on failure the next frame tries again.
    fn reset_block(&self) {
        let ok = block::reset(self.regs, &mut self.delay()).is_ok();
        self.needs_reset.store(!ok, Ordering::Release);
    }

    /// The visible size of the file's pictures: the crop rectangle, or the whole frame.
    fn visible(ctx: &EncoderContext, formats: &Formats) -> (u32, u32) {
        ctx.crop.map_or((formats.output.width, formats.output.height), |r| (r.width, r.height))
    }
}

/// The frame rate (numerator, denominator frames per second) of a frame interval of
/// `numerator`/`denominator` seconds: between 1 and 240 frames per second (a zero term
/// means the default, 30), as a reduced fraction whose numerator fits the SPS's 32-bit
/// `time_scale` (twice the numerator; larger terms are scaled down, a close approximation).
fn frame_rate(numerator: u32, denominator: u32) -> (u32, u32) {
    let (mut num, mut den) = if numerator == 0 || denominator == 0 {
        (30, 1)
    } else if u64::from(denominator) > 240 * u64::from(numerator) {
        (240, 1)
    } else if denominator < numerator {
        (1, 1)
    } else {
        (denominator, numerator)
    };
    while num > u32::MAX / 2 {
        (num, den) = (num >> 1, (den >> 1).max(1));
    }
    let gcd = {
        let (mut a, mut b) = (num, den);
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    (num / gcd, den / gcd)
}

impl<R: regs::Registers, D: DelayNs + Send, P: OutputPin + Send> CodecOps for Venc<R, D, P> {
    type Context = EncoderContext;

    fn open(&self) -> Result<EncoderContext> {
        Ok(EncoderContext { params: Params::default(), fps: (30, 1), crop: None, stream: None })
    }

    fn close(&self, ctx: EncoderContext) {
        if let Some(index) = ctx.stream {
            self.streams.close(self.arena, index);
        }
    }

    fn default_formats(&self) -> Formats {
        formats::defaults(self.api)
    }

    fn enum_fmt(&self, dir: Direction, index: u32) -> Result<FormatDesc> {
        formats::enum_fmt(self.api, dir, index)
    }

    fn try_fmt(&self, _ctx: &EncoderContext, _formats: &Formats, dir: Direction, fmt: &mut PixFormat) -> Result<()> {
        match dir {
            Direction::Output => formats::try_output(self.api, fmt),
            Direction::Capture => {
                formats::try_capture(fmt);
                Ok(())
            }
        }
    }

    fn s_fmt(&self, ctx: &mut EncoderContext, dir: Direction, formats: &mut Formats) -> Result<()> {
        ctx.crop = None;
        formats::follow(self.api, dir, formats)
    }

    fn enum_framesizes(&self, pixelformat: FourCc, index: u32) -> Result<FrameSize> {
        formats::enum_framesizes(self.api, pixelformat, index)
    }

    fn g_selection(&self, ctx: &EncoderContext, formats: &Formats, dir: Direction, target: u32) -> Result<Rect> {
        let full = Rect { left: 0, top: 0, width: formats.output.width, height: formats.output.height };
        match (dir, target) {
            (Direction::Output, abi::V4L2_SEL_TGT_CROP) => Ok(ctx.crop.unwrap_or(full)),
            (Direction::Output, abi::V4L2_SEL_TGT_CROP_DEFAULT | abi::V4L2_SEL_TGT_CROP_BOUNDS) => Ok(full),
            _ => Err(Errno::EINVAL),
        }
    }

    fn s_selection(
        &self,
        ctx: &mut EncoderContext,
        formats: &Formats,
        dir: Direction,
        target: u32,
        rect: &mut Rect,
    ) -> Result<()> {
        if (dir, target) != (Direction::Output, abi::V4L2_SEL_TGT_CROP) {
            return Err(Errno::EINVAL);
        }
        if ctx.stream.is_some() {
            return Err(Errno::EBUSY); // the stream's picture size is fixed while it runs
        }
        formats::adjust_crop(&formats.output, rect);
        ctx.crop = Some(*rect);
        Ok(())
    }

    fn g_parm(&self, ctx: &EncoderContext, _dir: Direction) -> Result<StreamParm> {
        Ok(StreamParm { timeperframe: Fraction { numerator: ctx.fps.1, denominator: ctx.fps.0 } })
    }

    fn s_parm(&self, ctx: &mut EncoderContext, _dir: Direction, parm: &mut StreamParm) -> Result<()> {
        let Fraction { numerator, denominator } = parm.timeperframe;
        ctx.fps = frame_rate(numerator, denominator);
        parm.timeperframe = Fraction { numerator: ctx.fps.1, denominator: ctx.fps.0 };
        if let Some(index) = ctx.stream {
            let (params, fps) = (ctx.params, ctx.fps);
            self.streams.with(index, |s| s.rate.reconfigure(&params, fps));
        }
        Ok(())
    }

    fn controls(&self) -> &'static [ControlSpec] {
        &CONTROLS
    }

    fn s_ctrl(&self, ctx: &mut EncoderContext, id: u32, value: i64) -> Result<()> {
        let changed = ctx.params.apply(id, value);
        let Some(index) = ctx.stream else { return Ok(()) };
        let (params, fps) = (ctx.params, ctx.fps);
        self.streams.with(index, |s| {
            if id == abi::V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME {
                s.gop.force_idr();
            } else if changed {
                s.gop.reconfigure(params.gop);
                s.rate.reconfigure(&params, fps);
            }
        });
        Ok(())
    }

    fn streamon(&self, ctx: &mut EncoderContext, dir: Direction, formats: &Formats) -> Result<()> {
        if dir == Direction::Capture || ctx.stream.is_some() {
            return Ok(());
        }
        self.bring_up()?;
        let (width, height) = Self::visible(ctx, formats);
        let mbs = width.div_ceil(16) * height.div_ceil(16);
        let work = block::work_size(self.regs, width, height);
        let rate = Rate::new(&ctx.params, ctx.fps, mbs);
        ctx.stream = Some(self.streams.open(self.arena, work, Gop::new(ctx.params.gop), rate)?);
        Ok(())
    }

    fn streamoff(&self, ctx: &mut EncoderContext, dir: Direction) {
        match (dir, ctx.stream) {
            (Direction::Output, Some(index)) => {
                self.streams.close(self.arena, index);
                ctx.stream = None;
            }
            // A reset (dev-encoder.rst): what follows must decode on its own.
            (Direction::Capture, Some(index)) => {
                self.streams.with(index, |s| s.gop.restart());
            }
            _ => {}
        }
    }

    fn device_run(&self, ctx: &mut EncoderContext, job: Job<'_>) -> JobStatus {
        let Some(index) = ctx.stream else { return JobStatus::Finished };
        if self.needs_reset.load(Ordering::Acquire) {
            self.reset_block();
        }
        if job.status().draining {
            // Every frame queued before STOP was encoded (the block holds none back): the
            // framework ends the drain. Frames queued after STOP wait for START.
            let _ = job.handle().drained();
            return JobStatus::Finished;
        }
        let visible = Self::visible(ctx, job.formats());
        self.run(&job, index, visible, ctx.fps)
    }

    fn job_abort(&self, _ctx: &mut EncoderContext) {
        self.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::frame_rate;

    #[test]
    fn frame_rates_are_clamped_reduced_and_fit_the_sps() {
        // (timeperframe numerator, denominator) -> frames per second
        assert_eq!(frame_rate(1, 25), (25, 1));
        assert_eq!(frame_rate(1001, 30000), (30000, 1001));
        assert_eq!(frame_rate(2, 50), (25, 1));
        assert_eq!(frame_rate(0, 25), (30, 1));
        assert_eq!(frame_rate(1, 1000), (240, 1));
        assert_eq!(frame_rate(1000, 1), (1, 1), "at least one frame per second");
        assert_eq!(frame_rate(u32::MAX, u32::MAX - 1), (1, 1));
        assert_eq!(frame_rate(20_000_000, 4_000_000_000), (200, 1));
        let (num, den) = frame_rate(20_000_001, 4_000_000_003);
        assert!(num <= u32::MAX / 2 && (f64::from(num) / f64::from(den) - 199.99999).abs() < 1e-3, "{num}/{den}");
    }
}
