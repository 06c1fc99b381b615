//! [`VencBlock`]: the register file, the interrupt line and the hand-over of frames to the
//! engine thread, behind [`Registers`].

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use h264_encoder::regs::*;
use v4l2m2m::MemoryArena;

use crate::bus::{ArenaBus, Bus};
use crate::engine;
use crate::fault::Fault;
use crate::regfile::{RegFile, Results};
use crate::setup::{frame_setup, FrameSetup};
use crate::timing::Timing;

/// The interrupt handler a board registers.
pub(crate) type Handler = Arc<dyn Fn() + Send + Sync>;

/// What the block is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Activity {
    Idle,
    /// A frame was started and has not ended (or hangs).
    Frame,
    /// A reset runs until then.
    Reset(Instant),
}

/// What `PROGRESS` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Progress {
    /// A fixed count: 0 after power-on, `RESET` or a frame that hangs at once, all of a
    /// frame's macroblocks once it ended.
    Fixed(u32),
    /// A frame of `mbs` macroblocks started at `start` and goes at `per_mb`; its last
    /// macroblock is done when the frame ends.
    Running { start: Instant, mbs: u32, per_mb: Duration },
}

impl Progress {
    fn read(&self) -> u32 {
        match *self {
            Progress::Fixed(n) => n,
            Progress::Running { start, mbs, per_mb } => {
                let last = mbs.saturating_sub(1);
                match start.elapsed().as_nanos().checked_div(per_mb.as_nanos()) {
                    Some(done) => u32::try_from(done).map_or(last, |d| d.min(last)),
                    None => last,
                }
            }
        }
    }
}

/// A frame handed to the engine thread.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Job {
    /// The reset generation it was started in: a reset since then aborts it.
    pub generation: u64,
    pub setup: FrameSetup,
    /// The frame does not end before this instant.
    pub deadline: Instant,
    pub fault: Option<Fault>,
}

/// Everything behind the block's lock.
pub(crate) struct State {
    pub regs: RegFile,
    pub activity: Activity,
    /// Counts resets; a frame of an older generation is dropped.
    pub generation: u64,
    /// A started frame the engine thread has not taken yet.
    pub job: Option<Job>,
    /// The interrupt line's level as last computed.
    pub line: bool,
    /// The line rose: the engine thread calls the handler (if the line is still active).
    pub edge: bool,
    pub fault: Option<Fault>,
    pub timing: Timing,
    pub handler: Option<Handler>,
    /// The engine thread is writing a frame's results to the bus.
    pub dma: bool,
    /// `PROGRESS`.
    pub progress: Progress,
    pub shutdown: bool,
}

/// What the block and its engine thread share.
pub(crate) struct Shared {
    pub state: Mutex<State>,
    /// Signalled on a new job, an edge of the line, a reset and shutdown.
    pub wake: Condvar,
    pub bus: Box<dyn Bus>,
}

impl Shared {
    /// The state (a panic of the other side does not make it unusable).
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl State {
    /// `STATUS.BUSY`; a reset whose time is over ends here.
    fn busy(&mut self) -> bool {
        match self.activity {
            Activity::Idle => false,
            Activity::Frame => true,
            Activity::Reset(until) if Instant::now() < until => true,
            Activity::Reset(_) => {
                self.activity = Activity::Idle;
                false
            }
        }
    }

    /// Recomputes the line; a rising line is an edge for the engine thread to deliver.
    pub(crate) fn update_line(&mut self) {
        let line = self.regs.line();
        self.edge |= line && !self.line;
        self.line = line;
    }

    /// Ends a frame (or refuses a start) with `cause` in `IRQ_STATUS` and `code` in
    /// `ERROR`.
    pub(crate) fn finish(&mut self, results: &Results, cause: u32, code: u32) {
        self.regs.set_results(results);
        self.regs.raise(cause);
        self.regs.set_error(code);
        if let Progress::Running { mbs, .. } = self.progress {
            self.progress = Progress::Fixed(mbs);
        }
        self.activity = Activity::Idle;
        self.update_line();
    }

    /// `CTRL.RESET`: aborts any frame and clears the registers; busy for `timing.reset`.
    /// The transfers of a frame being written out have drained (see [`VencBlock::write`]).
    fn reset(&mut self) {
        self.regs.reset();
        self.progress = Progress::Fixed(0);
        self.generation += 1;
        self.job = None;
        self.activity = Activity::Reset(Instant::now() + self.timing.reset);
        self.update_line();
    }

    /// `CTRL.START`: hands the frame to the engine thread, or refuses it.
    fn start(&mut self) {
        if self.busy() {
            // The running frame goes on; only the refusal is reported.
            self.regs.raise(IRQ_CONFIG_ERROR);
            self.regs.set_error(ERROR_CONFIG);
            self.update_line();
            return;
        }
        let Some(setup) = frame_setup(&self.regs) else {
            self.finish(&Results::default(), IRQ_CONFIG_ERROR, ERROR_CONFIG);
            return;
        };
        self.regs.set_error(ERROR_NONE);
        self.activity = Activity::Frame;
        let now = Instant::now();
        let deadline = now + self.timing.frame_time(setup.mbs());
        let fault = self.fault.take();
        self.progress = match fault {
            Some(Fault::Hang) => Progress::Fixed(0),
            _ => Progress::Running { start: now, mbs: setup.mbs(), per_mb: self.timing.per_mb },
        };
        self.job = Some(Job { generation: self.generation, setup, deadline, fault });
    }

    fn write_ctrl(&mut self, value: u32) {
        let enable = value & CTRL_ENABLE != 0;
        self.regs.set_enable(enable);
        if !enable {
            return;
        }
        if value & CTRL_RESET != 0 {
            self.reset();
        } else if value & CTRL_START != 0 {
            self.start();
        }
    }

    fn read_ctrl(&mut self) -> u32 {
        let resetting = matches!(self.activity, Activity::Reset(_)) && self.busy();
        self.regs.get(CTRL) | if resetting { CTRL_RESET } else { 0 }
    }
}

/// The simulated VENC block: program it through [`Registers`]; it encodes on its own
/// engine thread and calls the handler set with [`VencBlock::set_irq_handler`] when its
/// interrupt line rises (see the crate documentation for the exact rule).
///
/// Dropping the block stops its engine thread (a frame in progress is abandoned).
pub struct VencBlock {
    shared: Arc<Shared>,
    engine: Option<JoinHandle<()>>,
}

impl VencBlock {
    /// A block whose DMA goes through `bus`, with [`Timing::DEFAULT`], every register at its
    /// power-on value (`CTRL.ENABLE` clear) and no interrupt handler.
    pub fn new(bus: impl Bus + 'static) -> Self {
        let state = State {
            regs: RegFile::new(),
            activity: Activity::Idle,
            generation: 0,
            job: None,
            line: false,
            edge: false,
            fault: None,
            timing: Timing::DEFAULT,
            handler: None,
            dma: false,
            progress: Progress::Fixed(0),
            shutdown: false,
        };
        let shared = Arc::new(Shared { state: Mutex::new(state), wake: Condvar::new(), bus: Box::new(bus) });
        let engine = Some(engine::spawn(Arc::clone(&shared)));
        VencBlock { shared, engine }
    }

    /// A block mastering the bus of a board's buffer arena ([`ArenaBus`]).
    pub fn over_arena<const N: usize>(arena: &'static MemoryArena<N>) -> Self {
        VencBlock::new(ArenaBus::new(arena))
    }

    /// Connects the interrupt line to `handler`, called on the engine thread on each rising
    /// edge of the line. Replaces any previous handler.
    pub fn set_irq_handler(&self, handler: Box<dyn Fn() + Send + Sync>) {
        self.shared.lock().handler = Some(Arc::from(handler));
    }

    /// Disconnects the interrupt line.
    pub fn clear_irq_handler(&self) {
        self.shared.lock().handler = None;
    }

    /// The level of the interrupt line: `IRQ_STATUS & IRQ_MASK != 0`.
    pub fn irq_line(&self) -> bool {
        self.shared.lock().regs.line()
    }

    /// The timing knobs; they apply from the next `START` or `RESET` on.
    pub fn set_timing(&self, timing: Timing) {
        self.shared.lock().timing = timing;
    }

    /// The current timing knobs.
    pub fn timing(&self) -> Timing {
        self.shared.lock().timing
    }

    /// Arms `fault` for the next frame the block starts.
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().fault = Some(fault);
    }

    /// A reset first lets the transfers of a frame being written out drain, as a bus
    /// master finishes its bursts: the write of `CTRL.RESET` stalls until then (the engine
    /// thread needs no lock for them), so the reset itself completes deterministically and
    /// no write of an aborted frame lands after it. The engine thread's own handler never
    /// waits for itself.
    fn drain_dma<'a>(&self, mut st: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        let on_engine = self.engine.as_ref().is_some_and(|e| e.thread().id() == std::thread::current().id());
        while st.dma && !on_engine {
            st = self.shared.wake.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        st
    }

    /// The fault armed for the next frame, if any.
    pub fn pending_fault(&self) -> Option<Fault> {
        self.shared.lock().fault
    }
}

impl Registers for VencBlock {
    fn read(&self, offset: usize) -> u32 {
        let mut st = self.shared.lock();
        match offset {
            // WORK_MB_BYTES is a constant of the block, readable at any time.
            ID | VERSION | WORK_MB_BYTES => st.regs.read(offset),
            CTRL => st.read_ctrl(),
            _ if !st.regs.enabled() => 0,
            STATUS => u32::from(st.busy()) * STATUS_BUSY,
            PROGRESS => st.progress.read(),
            _ => st.regs.read(offset),
        }
    }

    fn write(&self, offset: usize, value: u32) {
        let mut st = self.shared.lock();
        if offset == CTRL && value & (CTRL_ENABLE | CTRL_RESET) == CTRL_ENABLE | CTRL_RESET {
            st = self.drain_dma(st);
        }
        match offset {
            CTRL => st.write_ctrl(value),
            _ if !st.regs.enabled() => {}
            IRQ_STATUS | IRQ_CLEAR => {
                st.regs.acknowledge(value);
                st.update_line();
            }
            IRQ_MASK => {
                st.regs.write(offset, value);
                st.update_line();
            }
            _ => st.regs.write(offset, value),
        }
        // The engine thread looks for new jobs, edges and aborted frames.
        if st.job.is_some() || st.edge || offset == CTRL {
            self.shared.wake.notify_all();
        }
    }
}

impl Drop for VencBlock {
    fn drop(&mut self) {
        self.shared.lock().shutdown = true;
        self.shared.wake.notify_all();
        if let Some(engine) = self.engine.take() {
            // Not from the engine thread itself (a handler dropping the last reference).
            if engine.thread().id() != std::thread::current().id() {
                let _ = engine.join();
            }
        }
    }
}
