//! One job = one start of the block: SPS and PPS alone, or a frame. `run` programs the
//! block and parks the buffers; [`Venc::on_irq`] completes them; [`Venc::watchdog_tick`]
//! ends a job whose interrupt never comes; [`Venc::abort`] ends one at STREAMOFF or close.
//!
//! Every path that ends a job hands both buffers back and finishes the job exactly once:
//! whoever [`InFlight::take`](v4l2m2m::driver::InFlight::take)s the parked job owns its end.

use core::sync::atomic::Ordering;

use embedded_hal::delay::DelayNs;
use embedded_hal::digital::OutputPin;
use v4l2m2m::driver::{ActiveBuffer, Completion, ContextHandle, Direction, DoneFlags, Job, JobStatus, Timestamp};
use v4l2m2m::ArenaRegion;

use crate::block::{self, FrameSetup, SourcePlanes};
use crate::gop::{FramePlan, Step};
use crate::regs::{self, Registers};
use crate::{formats, Venc};

/// What the block is producing.
// A frame holds its OUTPUT buffer; the one job in flight is parked in a single cell, and
// the driver has no heap to box it into.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
enum Work {
    /// SPS and PPS alone.
    Headers,
    /// The frame in `output`, at `qp`; `retried` once it was encoded again after an overflow
    /// of its CAPTURE buffer (the rate control's own re-encodes are not counted: the rate
    /// control bounds them itself).
    Frame { plan: FramePlan, qp: u8, retried: bool, output: ActiveBuffer },
}

/// The job the block is working on, parked for the interrupt handler.
pub struct Running {
    handle: ContextHandle,
    stream: usize,
    work: Work,
    capture: ActiveBuffer,
}

impl<R: Registers, D: DelayNs + Send, P: OutputPin + Send> Venc<R, D, P> {
    /// Starts the next step of stream `index` (thread context, the block idle).
    pub(crate) fn run(&self, job: &Job<'_>, index: usize, visible: (u32, u32), fps: (u32, u32)) -> JobStatus {
        let h = job.handle();
        let Some((step, (reference, recon))) = self.streams.with(index, |s| (s.gop.plan(), s.reference_and_recon()))
        else {
            return JobStatus::Finished;
        };
        let Some(capture) = h.get_buf(Direction::Capture) else { return JobStatus::Finished };
        let Some(out_addr) = bus32(capture.plane_bus_addr(0)) else {
            let _ = h.put_buf(capture, Completion::error());
            return JobStatus::Finished;
        };
        let mut setup = FrameSetup {
            width: visible.0,
            height: visible.1,
            source: SourcePlanes { format: regs::INPUT_NV12, y: 0, cb: 0, cr: 0, y_stride: 0, c_stride: 0 },
            out_addr,
            out_size: u32::try_from(capture.plane_len(0)).unwrap_or(u32::MAX),
            frame_type: regs::FRAME_IDR,
            qp: 0,
            headers: regs::HEADERS_ONLY,
            frame_num: 0,
            idr_pic_id: 0,
            reference: self.bus(reference),
            recon: self.bus(recon),
            fps,
        };
        let running = match step {
            Step::Headers => Running { handle: h, stream: index, work: Work::Headers, capture },
            Step::Frame(plan) => {
                let Some(output) = h.get_buf(Direction::Output) else {
                    let _ = h.put_buf(capture, Completion::error());
                    return JobStatus::Finished;
                };
                let Some(source) = formats::source_planes(&job.formats().output, &output) else {
                    // A source the block cannot read: refuse the frame, never read past it.
                    let _ = h.buf_done_and_job_finish(output, Completion::error(), capture, Completion::error());
                    self.streams.with(index, |s| s.gop.frame_lost());
                    return JobStatus::Finished;
                };
                let qp = self.streams.with(index, |s| s.rate.qp(plan.idr)).unwrap_or(26);
                setup.source = source;
                setup.frame_type = if plan.idr { regs::FRAME_IDR } else { regs::FRAME_P };
                setup.qp = qp;
                setup.headers = if plan.headers { regs::HEADERS_BEFORE_IDR } else { regs::HEADERS_NONE };
                setup.frame_num = plan.frame_num;
                setup.idr_pic_id = plan.idr_pic_id;
                let work = Work::Frame { plan, qp, retried: false, output };
                Running { handle: h, stream: index, work, capture }
            }
        };
        self.job_ticks.store(0, Ordering::Relaxed);
        self.job_progress.store(0, Ordering::Relaxed);
        // Parked before the start bit: the interrupt may come before `run` returns.
        if let Err(running) = self.job.park(running) {
            self.fail(running);
            return JobStatus::Finished;
        }
        block::start_frame(self.regs, &setup);
        JobStatus::Running
    }

    /// The block's interrupt handler. Interrupt context: it reads and clears the causes,
    /// then completes the parked job (or starts the frame again after an overflow).
    pub fn on_irq(&self) {
        let causes = block::take_irq(self.regs);
        let Some(running) = self.job.take() else { return };
        if causes & (regs::IRQ_BUS_ERROR | regs::IRQ_CONFIG_ERROR) != 0 {
            self.needs_reset.store(true, Ordering::Release);
            self.fail(running);
        } else if causes & regs::IRQ_OVERFLOW != 0 {
            self.overflowed(running);
        } else if causes & regs::IRQ_FRAME_DONE != 0 {
            self.done(running);
        } else {
            // A spurious interrupt: the job is still running.
            if let Err(running) = self.job.park(running) {
                self.fail(running);
            }
        }
    }

    /// The block produced what `running` asked for.
    fn done(&self, running: Running) {
        let report = block::report(self.regs);
        let Running { handle, stream, work, capture } = running;
        match work {
            Work::Headers => {
                self.streams.with(stream, |s| s.gop.headers_done());
                let _ = handle.put_buf(capture, Completion::done(report.bytes, Timestamp(0)));
                handle.job_finish();
            }
            Work::Frame { plan, retried, output, .. } => {
                // The rate control may want the frame again at another QP (it would not fit
                // the decoder's buffer, or would take its one-second window far off): the
                // reference is untouched, start again.
                if let Some(qp) = self.streams.with(stream, |s| s.rate.done(&report)).flatten() {
                    let work = Work::Frame { plan, qp, retried, output };
                    self.restart(Running { handle, stream, work, capture }, qp);
                    return;
                }
                self.streams.with(stream, |s| {
                    s.gop.frame_done(&plan);
                    s.swap();
                });
                let kind = if plan.idr { DoneFlags::KEYFRAME } else { DoneFlags::PFRAME };
                let coded = Completion::done(report.bytes, output.timestamp()).with_flags(kind);
                let _ = handle.buf_done_and_job_finish(output, Completion::default(), capture, coded);
            }
        }
    }

    /// The bitstream did not fit the CAPTURE buffer: encode the frame once more at a
    /// higher QP (the reference is untouched), else give the buffer back flagged ERROR.
    fn overflowed(&self, mut running: Running) {
        let stream = running.stream;
        if let Work::Frame { qp, retried, .. } = &mut running.work {
            let retry = if *retried { None } else { self.streams.with(stream, |s| s.rate.retry_qp(*qp)).flatten() };
            if let Some(higher) = retry {
                (*qp, *retried) = (higher, true);
                self.restart(running, higher);
                return;
            }
        }
        self.fail(running);
    }

    /// Parks `running` again and starts its frame once more at `qp`.
    fn restart(&self, running: Running, qp: u8) {
        // The frame starts over: its progress with it.
        self.job_ticks.store(0, Ordering::Relaxed);
        self.job_progress.store(0, Ordering::Relaxed);
        match self.job.park(running) {
            Ok(()) => block::restart_with_qp(self.regs, qp),
            Err(running) => self.fail(running),
        }
    }

    /// Ends `running` without output: the CAPTURE buffer comes back flagged ERROR, the
    /// OUTPUT frame is consumed, and the stream continues with an IDR.
    fn fail(&self, running: Running) {
        let Running { handle, stream, work, capture } = running;
        let output = match work {
            Work::Frame { output, .. } => {
                self.streams.with(stream, |s| s.gop.frame_lost());
                Some(output)
            }
            Work::Headers => None,
        };
        let _ = handle.put_buf(capture, Completion::error());
        if let Some(output) = output {
            let _ = handle.put_buf(output, Completion::error());
        }
        handle.job_finish();
    }

    /// Counts one watchdog period in which the block made no progress (its `PROGRESS`
    /// register did not move); after the timeout of such periods in a row the frame is
    /// declared hung: the block is reset and the job ends with its CAPTURE buffer flagged
    /// ERROR. A frame that advances, however slowly, is never cut off. The board calls it
    /// periodically from a thread (it waits for the reset), never from an interrupt.
    pub fn watchdog_tick(&self) {
        if self.job.is_empty() {
            return;
        }
        let progress = block::progress(self.regs);
        // Only the watchdog writes these two while a job runs: a load and a store suffice
        // (and build on cores without read-modify-write atomics).
        if self.job_progress.load(Ordering::Relaxed) != progress {
            self.job_progress.store(progress, Ordering::Relaxed);
            self.job_ticks.store(0, Ordering::Relaxed);
            return;
        }
        let ticks = self.job_ticks.load(Ordering::Relaxed).saturating_add(1);
        self.job_ticks.store(ticks, Ordering::Relaxed);
        if ticks < self.timeout_ticks {
            return;
        }
        if let Some(running) = self.job.take() {
            self.reset_block();
            self.fail(running);
        }
    }

    /// STREAMOFF or close while the block works: stop it and end the job now.
    pub(crate) fn abort(&self) {
        if let Some(running) = self.job.take() {
            self.reset_block();
            self.fail(running);
        }
    }

    /// The bus address of an arena region (0 when it does not fit the block's 32-bit bus,
    /// which the block reports as a bus error).
    fn bus(&self, region: ArenaRegion) -> u32 {
        bus32(Some(self.arena.bus_addr(region))).unwrap_or(0)
    }
}

fn bus32(addr: Option<u64>) -> Option<u32> {
    addr.and_then(|a| u32::try_from(a).ok())
}
