//! The memory-to-memory codec layer: [`CodecDevice`] (one per registered node) and its
//! per-open codec files, each with an OUTPUT and a CAPTURE queue, formats, controls and
//! events; the stateful codec rules (commit points, drain, seek, source change); and the
//! job scheduler through which one engine serves many files, one job at a time.
//!
//! Each state machine has a module of pure, unit-tested transitions, which this module
//! and `ioctls` apply inside the file's critical section: `drain` (STOP/START), `source`
//! (a decoder's source change), `sched` (the ready ring and the running job), `files`
//! (one file's state, its slot in the file table, the poll rules) and `meta` (OUTPUT
//! frame metadata found again by timestamp).

mod drain;
mod files;
mod ioctls;
mod meta;
mod sched;
mod source;

use core::cell::RefCell;
use core::sync::atomic::{AtomicU32, Ordering};

use critical_section::{CriticalSection, Mutex};

use self::files::{FileSlot, FileState};
use self::sched::Scheduler;
use crate::ctrl::ControlSet;
use crate::driver::{
    ActiveBuffer, CodecOps, Completion, ContextHandle, DeviceInfo, DoneFlags, FrameMeta, Job, JobPort, JobStatus,
    QueueStatus, Timestamp,
};
use crate::error::{Errno, Result};
use crate::event::Event;
use crate::fmt::debug;
use crate::format::{Direction, Formats, PixFormat, Rect, MAX_PLANES};
use crate::memory::{ArenaRegion, BufferArena};
use crate::node::{FileId, Mapping, OpenFlags, PollEvents, VideoNode};
use crate::os::OsGlue;

/// Regions still mapped by applications after their buffers were freed, released at munmap.
const ORPHANS: usize = 64;

/// A memory-to-memory codec device node: the driver `D`, up to `FILES` open files, up to
/// `BUFFERS` buffers per queue, `EVENTS` pending events per subscription, and room for
/// `PLANES` planes per buffer (every format's plane count must fit: REQBUFS and
/// CREATE_BUFS answer `EINVAL` for more). `PLANES` defaults to
/// [`MAX_PLANES`]; a board whose driver only has single-plane
/// formats saves RAM with 1.
///
/// `FRAMES` (default 32) is how many OUTPUT frames each file remembers by timestamp, so
/// that the CAPTURE buffer made from one gets its flags and timecode: the most frames a
/// codec takes in before it emits the CAPTURE buffer of the oldest, plus one. A codec
/// that completes each CAPTURE buffer from the OUTPUT buffer of the same job needs 1; a
/// decoder that reorders needs its reorder depth plus one, and every OUTPUT buffer counts
/// (one holding only stream headers too). The default covers H.264's deepest reorder
/// (16 frames) twice over. A frame no longer remembered gets no flags or timecode.
///
/// Build it in a `static` with [`CodecDevice::new`], register it in a
/// [`Registry`](crate::Registry), and have the board's worker call
/// [`CodecDevice::run_jobs`] whenever [`CodecDevice::job_signal`] changes.
pub struct CodecDevice<
    D: CodecOps,
    const FILES: usize,
    const BUFFERS: usize,
    const EVENTS: usize,
    const PLANES: usize = MAX_PLANES,
    const FRAMES: usize = 32,
> {
    driver: D,
    info: DeviceInfo,
    os: &'static dyn OsGlue,
    arena: &'static dyn BufferArena,
    files: [FileSlot<D::Context, BUFFERS, EVENTS, PLANES, FRAMES>; FILES],
    scheduler: Mutex<RefCell<Scheduler<FILES>>>,
    job_signal: AtomicU32,
    orphans: Mutex<RefCell<[Option<ArenaRegion>; ORPHANS]>>,
}

impl<
        D: CodecOps,
        const FILES: usize,
        const BUFFERS: usize,
        const EVENTS: usize,
        const PLANES: usize,
        const FRAMES: usize,
    > CodecDevice<D, FILES, BUFFERS, EVENTS, PLANES, FRAMES>
{
    /// A device with no open files; usable in a `static` initialiser.
    pub const fn new(driver: D, info: DeviceInfo, os: &'static dyn OsGlue, arena: &'static dyn BufferArena) -> Self {
        assert!(FILES > 0 && FILES <= u16::MAX as usize, "FILES must be between 1 and 65535");
        assert!(EVENTS > 0, "EVENTS must be at least 1");
        Self {
            driver,
            info,
            os,
            arena,
            files: [const { FileSlot::new() }; FILES],
            scheduler: Mutex::new(RefCell::new(Scheduler::new())),
            job_signal: AtomicU32::new(0),
            orphans: Mutex::new(RefCell::new([None; ORPHANS])),
        }
    }

    /// The driver (lower half).
    pub fn driver(&self) -> &D {
        &self.driver
    }

    /// The device's static description.
    pub fn info(&self) -> &DeviceInfo {
        &self.info
    }

    /// The word the board's worker waits on: bumped whenever a job may be ready.
    pub fn job_signal(&self) -> &AtomicU32 {
        &self.job_signal
    }

    /// Number of files open now.
    pub fn open_files(&self) -> usize {
        self.files
            .iter()
            .filter(|f| critical_section::with(|cs| f.state_in(cs).is_some_and(|state| state.open)))
            .count()
    }

    fn controls(&self) -> ControlSet {
        ControlSet::new(self.driver.controls())
    }

    fn slot(&self, file: FileId) -> Result<&FileSlot<D::Context, BUFFERS, EVENTS, PLANES, FRAMES>> {
        self.files.get(usize::from(file.slot)).ok_or(Errno::EBADF)
    }

    /// Runs `f` on the state of `file` inside a critical section; `EBADF` for a file that
    /// is not open (or a stale id), `EBUSY` if the state is already borrowed (re-entry from
    /// inside a driver callback, a framework bug that must not panic the firmware).
    fn with_state<R>(
        &self,
        file: FileId,
        f: impl FnOnce(&mut FileState<BUFFERS, EVENTS, PLANES, FRAMES>, CriticalSection<'_>) -> R,
    ) -> Result<R> {
        let slot = self.slot(file)?;
        critical_section::with(|cs| {
            let mut state = slot.state_in(cs).ok_or(Errno::EBUSY)?;
            if !state.open || state.generation != file.generation {
                return Err(Errno::EBADF);
            }
            Ok(f(&mut state, cs))
        })
    }

    /// `EBADF` unless `file` is open: the check most ioctls start with, kept out of line
    /// so that each of them calls it rather than carrying its own copy.
    #[inline(never)]
    fn check_open(&self, file: FileId) -> Result<()> {
        self.with_state(file, |_, _| ())
    }

    /// The OUTPUT and CAPTURE formats of `file` (out of line, as [`Self::check_open`]).
    #[inline(never)]
    fn file_formats(&self, file: FileId) -> Result<Formats> {
        self.with_state(file, |state, _| state.formats)
    }

    /// Marks an active buffer done in its queue (inside the caller's critical section).
    fn complete_buffer(
        &self,
        state: &mut FileState<BUFFERS, EVENTS, PLANES, FRAMES>,
        buf: &ActiveBuffer,
        done: &Completion,
    ) -> Result<()> {
        let source = match buf.dir {
            Direction::Capture => state.sources.find(done.timestamp),
            Direction::Output => FrameMeta::NONE,
        };
        state.queue(buf.dir).complete(usize::from(buf.index), buf.epoch, done, source)?;
        if buf.dir == Direction::Capture && done.flags.contains(DoneFlags::LAST) {
            // The clock is read only for the end-of-stream event a LAST buffer may send.
            Self::last_buffer_done(state, self.os_now());
        }
        Ok(())
    }

    /// Tells waiters and pollers of `slot` that its readiness may have changed.
    fn notify(&self, slot: u16) {
        if let Some(file) = self.files.get(usize::from(slot)) {
            crate::atomic::increment(&file.wake, Ordering::Release);
            self.os.wake_all(&file.wake);
        }
    }

    fn signal_worker(&self) {
        crate::atomic::increment(&self.job_signal, Ordering::Release);
        self.os.wake_all(&self.job_signal);
    }

    /// Queues `slot` for a job if it is ready (inside the caller's critical section).
    fn try_schedule(
        &self,
        slot: u16,
        state: &mut FileState<BUFFERS, EVENTS, PLANES, FRAMES>,
        cs: CriticalSection<'_>,
    ) -> bool {
        if !state.job.can_queue() || state.jobs_held() || !self.driver.job_ready(&state.status()) {
            return false;
        }
        let Ok(mut scheduler) = self.scheduler.borrow(cs).try_borrow_mut() else { return false };
        state.job.queued = true;
        scheduler.enqueue(slot);
        true
    }

    /// The LAST CAPTURE buffer was completed: the one a source change owed only clears its
    /// mark (a drain in progress goes on across the resolution change); otherwise it ends
    /// the drain with EOS.
    fn last_buffer_done(state: &mut FileState<BUFFERS, EVENTS, PLANES, FRAMES>, now: u64) {
        let resolution_change = state.source_change.last_pending();
        state.source_change = state.source_change.last_buffer_done();
        let (drain, eos) = state.drain.last_buffer_done(resolution_change);
        state.drain = drain;
        if eos {
            state.events.queue(Event::Eos, now);
        }
    }

    /// Completes the next queued CAPTURE buffer as an empty LAST one if one is queued.
    fn complete_pending_last(&self, state: &mut FileState<BUFFERS, EVENTS, PLANES, FRAMES>) -> bool {
        let pending = state.drain.last_pending() || state.source_change.last_pending();
        if pending && state.queue(Direction::Capture).complete_next_empty(DoneFlags::LAST, Timestamp(0)) {
            Self::last_buffer_done(state, self.os_now());
            true
        } else {
            false
        }
    }

    fn os_now(&self) -> u64 {
        self.os.monotonic_ns()
    }

    /// Runs jobs until none is ready or a job is left running on the engine. Call it from
    /// the board's worker (never from an interrupt handler: it takes sleeping locks).
    pub fn run_jobs(&'static self) {
        loop {
            let next = critical_section::with(|cs| self.scheduler.borrow(cs).try_borrow_mut().ok()?.next());
            let Some(slot) = next else { return };
            let file = &self.files[usize::from(slot)];
            let mut context = file.context.lock(self.os);
            // Re-check under the context lock: the file may have stopped or closed.
            let job = critical_section::with(|cs| {
                let mut state = file.state_in(cs)?;
                state.job.queued = false;
                let status = state.status();
                if !state.open || state.jobs_held() || !self.driver.job_ready(&status) {
                    return None;
                }
                state.job.start();
                Some((state.generation, state.formats, status))
            });
            let outcome = match (job, context.as_mut()) {
                (Some((generation, formats, status)), Some(ctx)) => {
                    let handle = ContextHandle { port: self, slot, generation };
                    let job = Job { handle, formats: &formats, status };
                    Some((generation, self.driver.device_run(ctx, job)))
                }
                _ => None,
            };
            drop(context);
            match outcome {
                // Nothing ready when the job ended: a job that becomes ready later signals
                // the worker, so no critical section is spent asking the scheduler again.
                Some((generation, JobStatus::Finished)) => {
                    if !self.finish_job(slot, generation) {
                        return;
                    }
                }
                Some((_, JobStatus::Running)) => {}
                None => {
                    critical_section::with(|cs| {
                        if let Some(mut state) = file.state_in(cs) {
                            state.job.running = false;
                        }
                        if let Ok(mut scheduler) = self.scheduler.borrow(cs).try_borrow_mut() {
                            scheduler.abandon();
                        }
                    });
                    self.notify(slot);
                }
            }
        }
    }

    /// Ends the job of `slot` (if it is that context's running job); returns whether a
    /// job is ready to run, for which it signalled the worker.
    fn finish_job(&self, slot: u16, generation: u32) -> bool {
        let Some(file) = self.files.get(usize::from(slot)) else { return false };
        // Whether a job is ready now, this file's or another's (one critical section).
        let ready = critical_section::with(|cs| {
            // Only the job of this very context may end it: a stale handle (a closed
            // context whose slot was reused) or a second job_finish must not free the
            // engine under a job that is still running.
            let Some(mut state) = file.state_in(cs) else { return false };
            let Ok(mut sched) = self.scheduler.borrow(cs).try_borrow_mut() else { return false };
            if state.generation != generation || !state.job.running || !sched.finish(slot) {
                return sched.has_ready();
            }
            drop(sched);
            state.job.running = false;
            for dir in [Direction::Output, Direction::Capture] {
                let reclaimed = state.queue(dir).reclaim_active();
                if reclaimed > 0 {
                    debug!("job ended with {} buffers still held by the driver", reclaimed);
                }
            }
            self.try_schedule(slot, &mut state, cs)
                || self.scheduler.borrow(cs).try_borrow().is_ok_and(|s| s.has_ready())
        });
        self.notify(slot);
        if ready {
            self.signal_worker();
        }
        ready
    }

    /// Stops queue `dir` of `file`: no new jobs, the running one aborted and waited for,
    /// then every queued and done buffer returns to the application.
    fn stop_queue(&self, file: FileId, dir: Direction) -> Result<()> {
        let slot = self.slot(file)?;
        // The queue is halted in the first look at the job; a running job is aborted
        // once, then waited for.
        let mut halted = false;
        loop {
            let seen = slot.wake.load(Ordering::Acquire);
            let running = self.with_state(file, |state, _| {
                if !halted {
                    state.queue(dir).halt();
                }
                state.job.running
            })?;
            if !running {
                break;
            }
            if halted {
                self.os.wait(&slot.wake, seen);
            } else {
                halted = true;
                // A file without a driver context has no job to abort.
                let _ = self.in_context(file, &mut |ctx| {
                    self.driver.job_abort(ctx);
                    Ok(())
                });
            }
        }
        self.with_state(file, |state, _| {
            let queue = state.queue(dir);
            queue.reclaim_active();
            queue.stream_off();
            state.failed[dir.index()] = false;
            // STREAMOFF(CAPTURE) while the application sets CAPTURE up again after a
            // resolution change keeps a drain going; any other STREAMOFF ends it.
            let reconfigured = dir == Direction::Capture && state.source_change.setup_pending();
            state.drain = state.drain.stream_stopped(reconfigured);
            state.source_change = state.source_change.stream_stopped();
        })?;
        let _ = self.in_context(file, &mut |ctx| {
            self.driver.streamoff(ctx, dir);
            Ok(())
        });
        self.wake(file, false);
        Ok(())
    }

    /// Keeps a region the application still maps until its munmap.
    fn orphan(&self, region: ArenaRegion) {
        let kept = critical_section::with(|cs| {
            let mut orphans = self.orphans.borrow_ref_mut(cs);
            orphans.iter_mut().find(|o| o.is_none()).map(|slot| *slot = Some(region)).is_some()
        });
        if !kept {
            // No room to remember it: never reuse the region rather than risk aliasing.
            crate::fmt::warning!("orphan table full; leaking a still-mapped buffer region");
        }
    }

    /// Releases the buffers of one queue of a file, orphaning regions still mapped.
    fn release_queue(&self, state: &mut FileState<BUFFERS, EVENTS, PLANES, FRAMES>, dir: Direction) {
        state.queue(dir).release(self.arena, &mut |region| self.orphan(region));
    }
}

impl<
        D: CodecOps,
        const FILES: usize,
        const BUFFERS: usize,
        const EVENTS: usize,
        const PLANES: usize,
        const FRAMES: usize,
    > VideoNode for CodecDevice<D, FILES, BUFFERS, EVENTS, PLANES, FRAMES>
{
    fn open(&'static self, flags: OpenFlags) -> Result<FileId> {
        let defaults = self.driver.default_formats();
        let controls = self.controls().defaults(self.info.min_output_buffers, self.info.min_capture_buffers);
        let claimed = critical_section::with(|cs| {
            self.files.iter().enumerate().find_map(|(i, file)| {
                let mut state = file.state_in(cs)?;
                if state.open || state.job.running {
                    return None;
                }
                // Never 0: `FileSlot::open_id` uses 0 for a closed slot.
                let generation = state.generation.wrapping_add(1).max(1);
                *state = FileState::new();
                state.open = true;
                state.generation = generation;
                state.nonblocking = flags.contains(OpenFlags::NONBLOCK);
                state.formats = defaults;
                state.controls = controls;
                Some(FileId { slot: i as u16, generation })
            })
        });
        let file = claimed.ok_or(Errno::EMFILE)?;
        let slot = self.slot(file)?;
        match self.driver.open() {
            Ok(ctx) => {
                *slot.context.lock(self.os) = Some(ctx);
                slot.open_id.store(file.generation, Ordering::Release);
                debug!("open slot {} generation {}", file.slot, file.generation);
                Ok(file)
            }
            Err(err) => {
                let _ = self.with_state(file, |state, _| state.open = false);
                Err(err)
            }
        }
    }

    fn close(&self, file: FileId) -> Result<()> {
        let slot = self.slot(file)?;
        let _serial = slot.ioctl_lock.lock(self.os);
        self.stop_queue(file, Direction::Output)?;
        self.stop_queue(file, Direction::Capture)?;
        self.with_state(file, |state, _| {
            self.release_queue(state, Direction::Output);
            self.release_queue(state, Direction::Capture);
        })?;
        slot.open_id.store(0, Ordering::Release);
        if let Some(ctx) = slot.context.lock(self.os).take() {
            self.driver.close(ctx);
        }
        // Only now may an open claim the slot: before, this close would still mark the
        // new file closed and close its driver context.
        self.with_state(file, |state, _| state.open = false)?;
        self.notify(file.slot);
        Ok(())
    }

    fn set_flags(&self, file: FileId, flags: OpenFlags) -> Result<()> {
        self.with_state(file, |state, _| state.nonblocking = flags.contains(OpenFlags::NONBLOCK))
    }

    unsafe fn ioctl(&self, file: FileId, request: u32, arg: *mut core::ffi::c_void) -> Result<i32> {
        let slot = self.slot(file)?;
        // Without a critical section: every request that touches the file's state checks
        // it again inside one.
        if slot.open_id.load(Ordering::Acquire) != file.generation {
            return Err(Errno::EBADF);
        }
        let _serial = slot.ioctl_lock.lock(self.os);
        // SAFETY: the caller guarantees `arg` is NULL or valid for the size `request`
        // encodes (or the board copies fault-safely), which is exactly what the decoder
        // requires.
        unsafe { crate::node::ioctl::dispatch(self, file, request, arg, self.os.user_memory()) }
    }

    fn mmap(&self, file: FileId, offset: u64, len: usize) -> Result<Mapping> {
        let region = self.with_state(file, |state, _| {
            for queue in state.queues.iter_mut() {
                if let Some((index, plane)) = queue.plane_for_offset(offset) {
                    return queue.map(index, plane, len);
                }
            }
            Err(Errno::EINVAL)
        })??;
        Ok(Mapping { region, ptr: self.arena.cpu_ptr(region) })
    }

    fn munmap(&self, region: ArenaRegion) {
        // One critical section: a region a file still maps is unmapped there; otherwise an
        // orphan it was is dropped from the table and freed.
        let orphan = critical_section::with(|cs| {
            let found = self.files.iter().any(|file| {
                file.state_in(cs)
                    .is_some_and(|mut state| state.open && state.queues.iter_mut().any(|q| q.unmap(region)))
            });
            if found {
                return false;
            }
            // Nothing inside this critical section calls out, so the borrow cannot fail.
            let Ok(mut orphans) = self.orphans.borrow(cs).try_borrow_mut() else { return false };
            orphans.iter_mut().find(|o| **o == Some(region)).map(|o| o.take()).is_some()
        });
        if orphan {
            self.arena.free(region);
        }
    }

    fn poll(&self, file: FileId, requested: PollEvents) -> Result<PollEvents> {
        self.with_state(file, |state, _| state.poll(requested))
    }

    fn holds_user_memory(&self, start: usize, len: usize) -> bool {
        self.files.iter().any(|slot| {
            critical_section::with(|cs| {
                // A state that cannot be looked at is assumed to hold the memory.
                slot.state_in(cs).is_none_or(|state| {
                    state.open && state.queues.iter().any(|q| q.userptr_in_flight_overlaps(start, len))
                })
            })
        })
    }

    fn wait_word(&self, file: FileId) -> Result<&AtomicU32> {
        self.check_open(file)?;
        Ok(&self.slot(file)?.wake)
    }
}

impl<
        D: CodecOps,
        const FILES: usize,
        const BUFFERS: usize,
        const EVENTS: usize,
        const PLANES: usize,
        const FRAMES: usize,
    > JobPort for CodecDevice<D, FILES, BUFFERS, EVENTS, PLANES, FRAMES>
{
    fn get_buf(&self, slot: u16, generation: u32, dir: Direction) -> Option<ActiveBuffer> {
        let file = FileId { slot, generation };
        // Filled in place: the token is moved only to the caller.
        let mut taken = None;
        let _ = self.with_state(file, |state, _| {
            if !state.queue(dir).is_streaming() {
                return;
            }
            let output = dir == Direction::Output;
            if output && !(state.drain.accepts_output() && state.job.output_allowed(D::JOB_OUTPUT_BUFFERS)) {
                return;
            }
            let Some(index) = state.queue(dir).take(self.arena, slot, generation, &mut taken) else { return };
            if output {
                state.job.output_taken();
                if let Some((timestamp, meta)) = state.queue(dir).frame_meta(index) {
                    state.sources.record(timestamp, meta);
                }
                state.drain = state.drain.output_taken();
            }
        });
        if let Some(buf) = &taken {
            buf.regions().for_each(|region| self.arena.sync_for_device(region, dir));
        }
        taken
    }

    fn put_buf(&self, buf: ActiveBuffer, done: Completion) -> Result<()> {
        let file = FileId { slot: buf.slot, generation: buf.generation };
        buf.regions().for_each(|region| self.arena.sync_for_cpu(region, buf.dir));
        self.with_state(file, |state, _| self.complete_buffer(state, &buf, &done))??;
        self.notify(buf.slot);
        Ok(())
    }

    fn put_pair(
        &self,
        output: ActiveBuffer,
        output_done: Completion,
        capture: ActiveBuffer,
        capture_done: Completion,
    ) -> Result<()> {
        let same_file = output.slot == capture.slot && output.generation == capture.generation;
        if !same_file {
            let first = self.put_buf(output, output_done);
            return first.and(self.put_buf(capture, capture_done));
        }
        let file = FileId { slot: output.slot, generation: output.generation };
        output.regions().for_each(|region| self.arena.sync_for_cpu(region, output.dir));
        capture.regions().for_each(|region| self.arena.sync_for_cpu(region, capture.dir));
        // One critical section for both, so a poller never sees the OUTPUT buffer done
        // while its CAPTURE buffer is not.
        let result = self.with_state(file, |state, _| {
            let first = self.complete_buffer(state, &output, &output_done);
            first.and(self.complete_buffer(state, &capture, &capture_done))
        });
        self.notify(output.slot);
        result?
    }

    fn drained(&self, slot: u16, generation: u32) -> Result<()> {
        let file = FileId { slot, generation };
        self.with_state(file, |state, _| {
            let drain = state.drain.driver_drained();
            if drain != state.drain {
                state.drain = drain;
                self.complete_pending_last(state);
            }
        })?;
        self.notify(slot);
        Ok(())
    }

    fn source_change(&self, slot: u16, generation: u32, capture: PixFormat) -> Result<()> {
        let file = FileId { slot, generation };
        let now = self.os_now();
        self.with_state(file, |state, _| {
            state.formats.capture = capture;
            state.compose = None;
            let capturing = state.queues[Direction::Capture.index()].is_streaming();
            state.source_change = state.source_change.detected(capturing);
            if capturing {
                self.complete_pending_last(state);
            }
            state.events.queue(Event::SourceChange { changes: crate::abi::V4L2_EVENT_SRC_CH_RESOLUTION }, now);
        })?;
        self.notify(slot);
        Ok(())
    }

    fn stream_error(&self, slot: u16, generation: u32) -> Result<()> {
        self.with_state(FileId { slot, generation }, |state, _| state.failed = [true; 2])?;
        // Every waiter returns: a blocked DQBUF answers EIO, pollers see POLLERR.
        self.notify(slot);
        Ok(())
    }

    fn set_control(&self, slot: u16, generation: u32, id: u32, value: i64) -> Result<()> {
        let file = FileId { slot, generation };
        let (spec, Some(index)) = self.controls().find(id).ok_or(Errno::EINVAL)? else {
            return Err(Errno::EINVAL);
        };
        let value = spec.validate(value)?;
        let now = self.os_now();
        self.with_state(file, |state, _| {
            if state.controls.get(index) != value {
                state.controls.set(index, value);
                let payload = spec.event(crate::abi::V4L2_EVENT_CTRL_CH_VALUE, value);
                state.events.queue(Event::Ctrl { id, payload }, now);
            }
        })?;
        self.notify(slot);
        Ok(())
    }

    fn set_compose(&self, slot: u16, generation: u32, rect: Rect) -> Result<()> {
        self.with_state(FileId { slot, generation }, |state, _| state.compose = Some(rect))
    }

    fn queue_event(&self, slot: u16, generation: u32, event: Event) -> Result<()> {
        let now = self.os_now();
        // EOS and SOURCE_CHANGE follow from the drain and source-change rules, which the
        // framework owns: a driver sending its own would duplicate or contradict them.
        let framework_owned = matches!(event, Event::Eos | Event::SourceChange { .. });
        self.with_state(FileId { slot, generation }, |state, _| {
            if framework_owned {
                return Err(Errno::EINVAL);
            }
            state.events.queue(event, now);
            Ok(())
        })??;
        self.notify(slot);
        Ok(())
    }

    fn status(&self, slot: u16, generation: u32) -> Result<QueueStatus> {
        self.with_state(FileId { slot, generation }, |state, _| state.status())
    }

    fn control(&self, slot: u16, generation: u32, id: u32) -> Result<i64> {
        let (_, index) = self.controls().find(id).ok_or(Errno::EINVAL)?;
        let index = index.ok_or(Errno::EACCES)?;
        self.with_state(FileId { slot, generation }, |state, _| state.controls.get(index))
    }

    fn job_finish(&self, slot: u16, generation: u32) {
        self.finish_job(slot, generation);
    }
}
