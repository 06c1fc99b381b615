//! The typed ioctls of a codec file: what each V4L2 request does to a file's state, with
//! Linux's rules (commit points, priorities, drain commands, control semantics).

use core::sync::atomic::Ordering;

use crate::abi;
use crate::ctrl::{ControlKind, ControlSlot, ControlSpec};
use crate::driver::{CodecCommand, CodecKind, CodecOps};
use crate::error::{Errno, Result};
use crate::event::{DequeuedEvent, Event};
use crate::format::{self, BufferApi, Direction, FormatDesc, FourCc, Fraction, FrameSize, PixFormat, Rect, StreamParm};
use crate::node::{
    Allocation, BufferReply, Capability, CommandRequest, DeviceIoctls, ExtControlArray, ExtControlsOp, FileId,
};
use crate::os::WaitOutcome;
use crate::queue::{plane_sizes, Memory, QueueRequest};

use super::drain::CommandEffect;
use super::CodecDevice;

/// Most formats asked of a driver's `enum_fmt` before giving up on its list.
const MAX_DRIVER_FORMATS: u32 = 256;

impl<
        D: CodecOps,
        const FILES: usize,
        const BUFFERS: usize,
        const EVENTS: usize,
        const PLANES: usize,
        const FRAMES: usize,
    > CodecDevice<D, FILES, BUFFERS, EVENTS, PLANES, FRAMES>
{
    /// `EBUSY` if another open file holds a higher priority (Linux's priority rule for
    /// ioctls that change state).
    fn check_priority(&self, file: FileId) -> Result<()> {
        let mine = self.with_state(file, |state, _| state.priority)?;
        let highest = self.highest_priority();
        if mine < highest {
            Err(Errno::EBUSY)
        } else {
            Ok(())
        }
    }

    fn highest_priority(&self) -> u32 {
        critical_section::with(|cs| {
            self.files
                .iter()
                .filter_map(|f| {
                    let state = f.state_in(cs)?;
                    state.open.then_some(state.priority)
                })
                .max()
                .unwrap_or(abi::V4L2_PRIORITY_DEFAULT)
        })
    }

    fn buffer_caps(&self) -> u32 {
        let mut caps = abi::V4L2_BUF_CAP_SUPPORTS_MMAP | abi::V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS;
        if self.info.userptr {
            caps |= abi::V4L2_BUF_CAP_SUPPORTS_USERPTR;
        }
        caps
    }

    fn check_memory(&self, memory: Memory) -> Result<()> {
        match memory {
            Memory::Mmap => Ok(()),
            Memory::UserPtr if self.info.userptr => Ok(()),
            Memory::UserPtr => Err(Errno::EINVAL),
        }
    }

    /// Runs `attempt` on the file's state (DQBUF, DQEVENT) and, while it answers `again`
    /// and the file is blocking, sleeps until the file's readiness changes, with the
    /// file's ioctl lock released so that other threads (STREAMOFF, QBUF) can proceed. A
    /// signal that interrupts the sleep ends the call with `EINTR`. Called only from an
    /// ioctl, which holds that lock. With a `probe` (DQEVENT), when an event is there to be
    /// taken the probe runs first (the decoder checks that the answer can be written, so
    /// that a fault loses nothing; a buffer DQBUF took is put back instead).
    fn blocking<R>(
        &self,
        file: FileId,
        again: Errno,
        mut probe: Option<&mut dyn FnMut() -> Result<()>>,
        mut attempt: impl FnMut(&mut super::FileState<BUFFERS, EVENTS, PLANES, FRAMES>) -> Result<R>,
    ) -> Result<R> {
        let slot = self.slot(file)?;
        loop {
            // Read before trying, so that a change in between is never missed.
            let seen = slot.wake.load(Ordering::Acquire);
            if let Some(probe) = probe.as_deref_mut().filter(|_| self.event_ready(file)) {
                probe()?;
            }
            let (result, nonblocking) = self.with_state(file, |state, _| (attempt(state), state.nonblocking))?;
            match result {
                Err(errno) if errno == again && !nonblocking => {
                    let outcome = slot.ioctl_lock.released(self.os, || self.os.wait_interruptible(&slot.wake, seen));
                    if outcome == WaitOutcome::Interrupted {
                        return Err(Errno::EINTR);
                    }
                }
                other => return other,
            }
        }
    }

    /// `EFAULT` for a USERPTR plane the board says the application cannot reach (or at
    /// address 0): the device reads OUTPUT planes and writes CAPTURE ones. Checked after
    /// everything else about the request (index, memory type, plane count, lengths,
    /// bytesused, data_offset: `EINVAL` first), as Linux pins the memory last. A buffer
    /// PREPARE_BUF recorded keeps its planes, which were checked then.
    ///
    /// Only a USERPTR request needs it; the checks of any other request that must come
    /// before the error state are made in the ioctl's own critical section
    /// ([`Self::refuse_if_failed`]).
    fn check_user_memory(&self, file: FileId, dir: Direction, req: &QueueRequest) -> Result<()> {
        if req.memory != Memory::UserPtr {
            return Ok(());
        }
        let checked = self.with_state(file, |state, _| Self::check_request(state, dir, req))??;
        if !checked {
            return Ok(());
        }
        let write = dir == Direction::Capture;
        let planes = &req.planes[..req.num_planes.min(req.planes.len())];
        let bad = planes
            .iter()
            .any(|p| p.userptr == 0 || !self.os.user_memory_accessible(p.userptr, p.length as usize, write));
        if bad {
            Err(Errno::EFAULT)
        } else {
            Ok(())
        }
    }

    /// The checks of a QBUF/PREPARE_BUF request that come before the queue's error state
    /// (none for a buffer PREPARE_BUF recorded: it was checked then). True if the request
    /// has USERPTR planes whose memory is checked next.
    fn check_request(
        state: &super::FileState<BUFFERS, EVENTS, PLANES, FRAMES>,
        dir: Direction,
        req: &QueueRequest,
    ) -> Result<bool> {
        let queue = &state.queues[dir.index()];
        if queue.is_prepared(req.index as usize) {
            return Ok(false);
        }
        let (sizes, planes) = plane_sizes(state.formats.get(dir));
        queue.check(req, &sizes[..planes]).map(|()| req.memory == Memory::UserPtr)
    }

    /// QBUF and PREPARE_BUF on a queue in the error state: `EIO` once the request names a
    /// buffer of the queue with its memory type (a malformed request is still `EINVAL`,
    /// as videobuf2 checks it before its error state; a USERPTR request was checked
    /// before the critical section, with its memory).
    fn refuse_if_failed(
        state: &mut super::FileState<BUFFERS, EVENTS, PLANES, FRAMES>,
        dir: Direction,
        req: &QueueRequest,
    ) -> Result<()> {
        if !state.failed(dir) {
            return Ok(());
        }
        if req.memory != Memory::UserPtr {
            Self::check_request(state, dir, req)?;
        }
        let queue = state.queue(dir);
        if req.index as usize >= queue.count() || queue.memory() != Some(req.memory) {
            return Err(Errno::EINVAL);
        }
        Err(Errno::EIO)
    }

    /// `EINVAL` when a USERPTR plane about to be queued overlaps memory of a buffer the
    /// device already holds: the driver is given exclusive access to each plane, so two
    /// planes in flight must never share bytes (for instance an OUTPUT and a CAPTURE
    /// buffer queued at the same address).
    fn check_userptr_overlap(
        state: &super::FileState<BUFFERS, EVENTS, PLANES, FRAMES>,
        dir: Direction,
        req: &QueueRequest,
    ) -> Result<()> {
        if req.memory != Memory::UserPtr {
            return Ok(());
        }
        let queue = &state.queues[dir.index()];
        let ranges = queue
            .prepared_user_memory(req.index as usize)
            .unwrap_or_else(|| core::array::from_fn(|p| (req.planes[p].userptr, req.planes[p].length as usize)));
        let count = req.num_planes.min(ranges.len());
        for (i, &(start, len)) in ranges[..count].iter().enumerate() {
            let self_overlap = ranges[..i]
                .iter()
                .any(|&(s, l)| l > 0 && len > 0 && start < s.saturating_add(l) && s < start.saturating_add(len));
            if self_overlap || state.queues.iter().any(|q| q.userptr_in_flight_overlaps(start, len)) {
                return Err(Errno::EINVAL);
            }
        }
        Ok(())
    }

    /// Runs `f` with the driver context of `file` locked.
    fn with_context<R>(&self, file: FileId, f: impl FnOnce(&mut D::Context) -> Result<R>) -> Result<R> {
        let mut f = Some(f);
        let mut out = None;
        self.in_context(file, &mut |ctx| {
            if let Some(f) = f.take() {
                out = Some(f(ctx)?);
            }
            Ok(())
        })?;
        out.ok_or(Errno::EBADF)
    }

    /// Wakes the worker if `worker` (a job was scheduled) and then the waiters and pollers
    /// of `file`: the end of STREAMON, STREAMOFF and a codec command, out of line.
    #[inline(never)]
    pub(super) fn wake(&self, file: FileId, worker: bool) {
        if worker {
            self.signal_worker();
        }
        self.notify(file.slot);
    }

    /// The lock of [`Self::with_context`], out of line so that its callers share one copy
    /// of the lock and unlock: `f` runs once with the driver context of `file` locked and
    /// its answer is returned; `EBADF` if the file has none. Callers whose operation
    /// answers nothing but success call it directly.
    #[inline(never)]
    pub(super) fn in_context(&self, file: FileId, f: &mut dyn FnMut(&mut D::Context) -> Result<()>) -> Result<()> {
        let slot = self.slot(file)?;
        let mut context = slot.context.lock(self.os);
        f(context.as_mut().ok_or(Errno::EBADF)?)
    }

    /// `fmt` as the driver adjusts it (TRY_FMT), in place.
    fn tried_format(&self, file: FileId, dir: Direction, fmt: &mut PixFormat) -> Result<()> {
        let formats = self.file_formats(file)?;
        let api = self.info.api;
        let requested = Colorimetry::of(fmt);
        self.in_context(file, &mut |ctx| self.driver.try_fmt(ctx, &formats, dir, fmt))?;
        if usize::from(fmt.num_planes) == 0 || usize::from(fmt.num_planes) > api.max_planes() {
            // A driver offered a format this buffer API cannot carry.
            return Err(Errno::EINVAL);
        }
        // A codec does not change colours: the application describes the OUTPUT data and
        // CAPTURE reports the same (a decoder's source change may later say otherwise).
        match dir {
            Direction::Output if requested.is_valid() => requested.apply(fmt),
            Direction::Output => {}
            Direction::Capture => Colorimetry::of(&formats.output).apply(fmt),
        }
        Ok(())
    }

    fn default_selection(&self, file: FileId, dir: Direction, target: u32) -> Result<Rect> {
        let kind = self.info.kind;
        // Read in place: the formats are not copied out of the file's state for two sizes.
        self.with_state(file, |state, _| {
            let full = |fmt: &PixFormat| Rect { left: 0, top: 0, width: fmt.width, height: fmt.height };
            match (kind, dir, target) {
                (CodecKind::Decoder, Direction::Capture, abi::V4L2_SEL_TGT_COMPOSE_PADDED) => {
                    Ok(full(&state.formats.capture))
                }
                (
                    CodecKind::Decoder,
                    Direction::Capture,
                    abi::V4L2_SEL_TGT_COMPOSE | abi::V4L2_SEL_TGT_COMPOSE_DEFAULT | abi::V4L2_SEL_TGT_COMPOSE_BOUNDS,
                ) => Ok(state.compose.unwrap_or(full(&state.formats.capture))),
                (
                    CodecKind::Encoder,
                    Direction::Output,
                    abi::V4L2_SEL_TGT_CROP | abi::V4L2_SEL_TGT_CROP_DEFAULT | abi::V4L2_SEL_TGT_CROP_BOUNDS,
                ) => Ok(state.compose.unwrap_or(full(&state.formats.output))),
                _ => Err(Errno::EINVAL),
            }
        })?
    }

    /// G_SELECTION (`asked` `None`) and S_SELECTION: the driver's rectangle, or without
    /// driver support the default one, which is also the only rectangle a settable
    /// target accepts (as drivers that cannot crop or compose answer it); other targets
    /// cannot be set.
    fn selection_of(&self, file: FileId, dir: Direction, target: u32, asked: Option<Rect>) -> Result<Rect> {
        let formats = self.file_formats(file)?;
        let answer = self.with_context(file, |ctx| match asked {
            None => self.driver.g_selection(ctx, &formats, dir, target),
            Some(mut rect) => self.driver.s_selection(ctx, &formats, dir, target, &mut rect).map(|()| rect),
        });
        match answer {
            Err(Errno::ENOTTY) => {
                let settable = matches!(
                    (self.info.kind, dir, target),
                    (CodecKind::Decoder, Direction::Capture, abi::V4L2_SEL_TGT_COMPOSE)
                        | (CodecKind::Encoder, Direction::Output, abi::V4L2_SEL_TGT_CROP)
                );
                if asked.is_some() && !settable {
                    return Err(Errno::EINVAL);
                }
                self.default_selection(file, dir, target)
            }
            other => other,
        }
    }

    fn ctrl_event_payload(spec: &ControlSpec, changes: u32, value: i64) -> Event {
        Event::Ctrl { id: spec.id, payload: spec.event(changes, value) }
    }

    /// Stores a validated control value set by the application in `slot` (the one the
    /// control set's look-up answered) and sends a control event to the file if it asked
    /// for feedback.
    fn store_control(&self, file: FileId, spec: &ControlSpec, slot: Option<ControlSlot>, value: i64) -> Result<()> {
        if spec.kind == ControlKind::Button {
            return Ok(());
        }
        let Some(index) = slot else {
            return Err(Errno::EACCES);
        };
        let now = self.os_now();
        let queued = self.with_state(file, |state, _| {
            if state.controls.get(index) == value {
                return false;
            }
            state.controls.set(index, value);
            let feedback = state
                .events
                .subscription_flags(abi::V4L2_EVENT_CTRL, spec.id)
                .is_some_and(|flags| flags & abi::V4L2_EVENT_SUB_FL_ALLOW_FEEDBACK != 0);
            if feedback {
                state.events.queue(Self::ctrl_event_payload(spec, abi::V4L2_EVENT_CTRL_CH_VALUE, value), now);
            }
            feedback
        })?;
        if queued {
            self.notify(file.slot);
        }
        Ok(())
    }

    /// The value of `file` in `slot` (0 for a class control, which has none).
    fn control_value(&self, file: FileId, slot: Option<ControlSlot>) -> Result<i64> {
        match slot {
            Some(index) => self.with_state(file, |state, _| state.controls.get(index)),
            None => Ok(0),
        }
    }

    fn current_control(&self, file: FileId, id: u32) -> Result<(ControlSpec, i64)> {
        let (spec, slot) = self.controls().find(id).ok_or(Errno::EINVAL)?;
        let value = self.control_value(file, slot)?;
        Ok((spec, value))
    }
}

impl<
        D: CodecOps,
        const FILES: usize,
        const BUFFERS: usize,
        const EVENTS: usize,
        const PLANES: usize,
        const FRAMES: usize,
    > DeviceIoctls for CodecDevice<D, FILES, BUFFERS, EVENTS, PLANES, FRAMES>
{
    fn api(&self) -> BufferApi {
        self.info.api
    }

    fn supports(&self, request: u32) -> bool {
        let kind = self.info.kind;
        match request {
            // Streaming parameters (frame rate) exist on stateful encoders only.
            abi::VIDIOC_G_PARM | abi::VIDIOC_S_PARM => kind == CodecKind::Encoder,
            abi::VIDIOC_ENCODER_CMD | abi::VIDIOC_TRY_ENCODER_CMD => kind == CodecKind::Encoder,
            abi::VIDIOC_DECODER_CMD | abi::VIDIOC_TRY_DECODER_CMD => kind == CodecKind::Decoder,
            _ => true,
        }
    }

    fn querycap(&self, file: FileId) -> Result<Capability> {
        self.check_open(file)?;
        let device_caps = abi::V4L2_CAP_STREAMING
            | abi::V4L2_CAP_EXT_PIX_FORMAT
            | match self.info.api {
                BufferApi::SinglePlanar => abi::V4L2_CAP_VIDEO_M2M,
                BufferApi::MultiPlanar => abi::V4L2_CAP_VIDEO_M2M_MPLANE,
            };
        Ok(Capability {
            driver: self.info.driver,
            card: self.info.card,
            bus_info: self.info.bus_info,
            capabilities: device_caps | abi::V4L2_CAP_DEVICE_CAPS,
            device_caps,
        })
    }

    fn enum_fmt(&self, file: FileId, dir: Direction, index: u32) -> Result<FormatDesc> {
        self.check_open(file)?;
        // Formats with more planes than the node's API carries are skipped. Known formats
        // get Linux's description and compressed flag, as its ioctl core fills them in.
        let mut seen = 0;
        for i in 0..MAX_DRIVER_FORMATS {
            let mut desc = match self.driver.enum_fmt(dir, i) {
                Ok(desc) => desc,
                Err(_) => return Err(Errno::EINVAL),
            };
            if let Some(description) = format::kernel_description(desc.pixelformat) {
                desc.description = description;
            }
            if format::is_compressed(desc.pixelformat) {
                desc.flags |= abi::V4L2_FMT_FLAG_COMPRESSED;
            }
            // A format TRY_FMT would replace is not offered now (a decoder lists only the
            // CAPTURE formats of the stream it parsed).
            let mut probe = PixFormat::empty();
            probe.pixelformat = desc.pixelformat;
            let formats = self.file_formats(file)?;
            let usable = self.in_context(file, &mut |ctx| self.driver.try_fmt(ctx, &formats, dir, &mut probe)).is_ok()
                && probe.pixelformat == desc.pixelformat
                && (self.info.api == BufferApi::MultiPlanar || probe.num_planes == 1);
            if usable {
                if seen == index {
                    return Ok(desc);
                }
                seen += 1;
            }
        }
        Err(Errno::EINVAL)
    }

    fn g_fmt(&self, file: FileId, dir: Direction) -> Result<PixFormat> {
        self.with_state(file, |state, _| *state.formats.get(dir))
    }

    fn s_fmt(&self, file: FileId, dir: Direction, mut fmt: PixFormat, set: bool) -> Result<PixFormat> {
        if set {
            self.check_priority(file)?;
        }
        self.tried_format(file, dir, &mut fmt)?;
        if !set {
            return Ok(fmt);
        }
        let (busy, mut formats) = self.with_state(file, |state, _| (state.queue(dir).count() > 0, state.formats))?;
        if busy {
            return Err(Errno::EBUSY);
        }
        let kind = self.info.kind;
        *formats.get_mut(dir) = fmt;
        self.in_context(file, &mut |ctx| self.driver.s_fmt(ctx, dir, &mut formats))?;
        self.with_state(file, |state, _| {
            // The other queue's format may only follow if it has no buffers yet.
            let other = dir.other();
            if state.queue(other).count() > 0 {
                *formats.get_mut(other) = *state.formats.get(other);
            }
            if dir == Direction::Output {
                Colorimetry::of(&formats.output).apply(&mut formats.capture);
            }
            state.formats = formats;
            if dir == Direction::Capture {
                state.compose = None;
            } else if kind == CodecKind::Decoder && formats.output.width > 0 && state.queue(other).count() == 0 {
                // A decoder told the picture size before the stream is parsed shows it as
                // the visible (compose) rectangle of the CAPTURE buffers it sized from it, as
                // Linux decoders do; the stream's own crop replaces it once parsed.
                state.compose = Some(Rect {
                    left: 0,
                    top: 0,
                    width: formats.output.width.min(formats.capture.width),
                    height: formats.output.height.min(formats.capture.height),
                });
            }
        })?;
        Ok(*formats.get(dir))
    }

    fn reqbufs(&self, file: FileId, dir: Direction, memory: Memory, count: u32) -> Result<Allocation> {
        self.check_priority(file)?;
        self.check_memory(memory)?;
        let caps = self.buffer_caps();
        let made = self.with_state(file, |state, _| {
            if state.queue(dir).is_streaming() {
                return Err(Errno::EBUSY);
            }
            let (sizes, planes) = plane_sizes(state.formats.get(dir));
            // Freeing buffers cancels the queue, which ends its error state (as videobuf2
            // does: REQBUFS(0), or REQBUFS on a queue that has buffers).
            if count == 0 || state.queue(dir).count() > 0 {
                state.failed[dir.index()] = false;
            }
            self.release_queue(state, dir);
            if count == 0 {
                return Ok(0);
            }
            let (_, made) = state.queue(dir).allocate(memory, count as usize, &sizes[..planes], self.arena)?;
            Ok(made)
        })??;
        Ok(Allocation { index: 0, count: made as u32, capabilities: caps })
    }

    fn create_bufs(
        &self,
        file: FileId,
        dir: Direction,
        memory: Memory,
        count: u32,
        fmt: PixFormat,
    ) -> Result<Allocation> {
        self.check_priority(file)?;
        self.check_memory(memory)?;
        let caps = self.buffer_caps();
        let fmt_given = fmt;
        self.with_state(file, |state, _| {
            let queue_memory = state.queue(dir).memory();
            let first = state.queue(dir).count() as u32;
            if count == 0 {
                return Ok(Allocation { index: first, count: 0, capabilities: caps });
            }
            if queue_memory.is_some_and(|m| m != memory) {
                return Err(Errno::EINVAL);
            }
            let current = *state.formats.get(dir);
            let (needed, planes) = plane_sizes(&current);
            let (given, given_planes) = plane_sizes(&fmt_given);
            if given_planes != planes || given.iter().zip(&needed).take(planes).any(|(g, n)| g < n) {
                return Err(Errno::EINVAL);
            }
            let (index, made) = state.queue(dir).allocate(memory, count as usize, &given[..planes], self.arena)?;
            Ok(Allocation { index: index as u32, count: made as u32, capabilities: caps })
        })?
    }

    fn querybuf(&self, file: FileId, dir: Direction, index: u32, out: &mut BufferReply<'_>) -> Result<()> {
        self.with_state(file, |state, _| state.queue(dir).status_into(index as usize, out))?
    }

    fn prepare_buf(&self, file: FileId, dir: Direction, req: &QueueRequest, out: &mut BufferReply<'_>) -> Result<()> {
        self.check_user_memory(file, dir, req)?;
        self.with_state(file, |state, _| {
            Self::refuse_if_failed(state, dir, req)?;
            let (sizes, planes) = plane_sizes(state.formats.get(dir));
            state.queue(dir).prepare(req, &sizes[..planes], out)
        })?
    }

    fn qbuf(&self, file: FileId, dir: Direction, req: &QueueRequest, out: &mut BufferReply<'_>) -> Result<()> {
        self.check_user_memory(file, dir, req)?;
        let scheduled = self.with_state(file, |state, cs| {
            Self::refuse_if_failed(state, dir, req)?;
            let (sizes, planes) = plane_sizes(state.formats.get(dir));
            Self::check_userptr_overlap(state, dir, req)?;
            state.queue(dir).queue(req, &sizes[..planes], out)?;
            if dir == Direction::Capture {
                self.complete_pending_last(state);
            }
            Ok::<_, Errno>(self.try_schedule(file.slot, state, cs))
        })??;
        if scheduled {
            self.signal_worker();
        }
        self.notify(file.slot);
        Ok(())
    }

    fn event_ready(&self, file: FileId) -> bool {
        self.with_state(file, |state, _| state.events.pending() > 0).unwrap_or(false)
    }

    fn dqbuf(&self, file: FileId, dir: Direction, out: &mut BufferReply<'_>) -> Result<()> {
        self.blocking(file, Errno::EAGAIN, None, |state| {
            // videobuf2's order: not streaming is EINVAL, then the error state is EIO even
            // with buffers done, before EPIPE after the LAST buffer and EAGAIN.
            if state.queue(dir).is_streaming() && state.failed(dir) {
                return Err(Errno::EIO);
            }
            state.queue(dir).dequeue(out)
        })
    }

    fn undo_dqbuf(&self, file: FileId, dir: Direction, index: u32) {
        if self.with_state(file, |state, _| state.queue(dir).undo_dequeue(index as usize)).is_ok() {
            self.notify(file.slot);
        }
    }

    fn streamon(&self, file: FileId, dir: Direction) -> Result<()> {
        self.check_priority(file)?;
        let (already, formats) = self.with_state(file, |state, _| {
            let queue = state.queue(dir);
            if queue.count() == 0 {
                return Err(Errno::EINVAL);
            }
            Ok((queue.is_streaming(), state.formats))
        })??;
        if already {
            return Ok(());
        }
        self.in_context(file, &mut |ctx| self.driver.streamon(ctx, dir, &formats))?;
        let scheduled = self.with_state(file, |state, cs| {
            state.queue(dir).stream_on()?;
            if dir == Direction::Capture {
                state.source_change = state.source_change.capture_started();
            }
            Ok::<_, Errno>(self.try_schedule(file.slot, state, cs))
        })??;
        self.wake(file, scheduled);
        Ok(())
    }

    fn streamoff(&self, file: FileId, dir: Direction) -> Result<()> {
        self.check_priority(file)?;
        self.stop_queue(file, dir)
    }

    fn g_parm(&self, file: FileId, dir: Direction) -> Result<StreamParm> {
        // Only stateful encoders have streaming parameters on a memory-to-memory node.
        if self.info.kind != CodecKind::Encoder {
            return Err(Errno::ENOTTY);
        }
        let mut parm = StreamParm { timeperframe: Fraction { numerator: 0, denominator: 0 } };
        self.in_context(file, &mut |ctx| self.driver.g_parm(ctx, dir).map(|got| parm = got))?;
        Ok(parm)
    }

    fn s_parm(&self, file: FileId, dir: Direction, mut parm: StreamParm) -> Result<StreamParm> {
        if self.info.kind != CodecKind::Encoder {
            return Err(Errno::ENOTTY);
        }
        self.check_priority(file)?;
        self.in_context(file, &mut |ctx| self.driver.s_parm(ctx, dir, &mut parm))?;
        Ok(parm)
    }

    fn g_selection(&self, file: FileId, dir: Direction, target: u32) -> Result<Rect> {
        self.selection_of(file, dir, target, None)
    }

    fn s_selection(&self, file: FileId, dir: Direction, target: u32, _flags: u32, rect: Rect) -> Result<Rect> {
        self.check_priority(file)?;
        self.selection_of(file, dir, target, Some(rect))
    }

    fn enum_framesizes(&self, file: FileId, pixelformat: FourCc, index: u32) -> Result<FrameSize> {
        self.check_open(file)?;
        self.driver.enum_framesizes(pixelformat, index)
    }

    fn enum_frameintervals(
        &self,
        file: FileId,
        pixelformat: FourCc,
        width: u32,
        height: u32,
        index: u32,
    ) -> Result<Fraction> {
        self.check_open(file)?;
        self.driver.enum_frameintervals(pixelformat, width, height, index)
    }

    fn query_control(&self, file: FileId, id: u32) -> Result<ControlSpec> {
        self.check_open(file)?;
        let next = abi::V4L2_CTRL_FLAG_NEXT_CTRL | abi::V4L2_CTRL_FLAG_NEXT_COMPOUND;
        let controls = self.controls();
        let found = if id & next == 0 {
            controls.find(id).map(|(spec, _)| spec)
        } else if id & abi::V4L2_CTRL_FLAG_NEXT_CTRL == 0 {
            // There are no compound controls: NEXT_COMPOUND alone finds nothing.
            None
        } else {
            controls.next_after(id & !next)
        };
        // One copy of the answer, whichever way it was found.
        found.ok_or(Errno::EINVAL)
    }

    fn querymenu(&self, file: FileId, id: u32, index: u32) -> Result<&'static str> {
        let (spec, _) = self.current_control(file, id)?;
        spec.menu_name(i64::from(index)).ok_or(Errno::EINVAL)
    }

    fn g_ctrl(&self, file: FileId, id: u32) -> Result<i64> {
        let (spec, value) = self.current_control(file, id)?;
        if spec.flags & abi::V4L2_CTRL_FLAG_WRITE_ONLY != 0 {
            return Err(Errno::EACCES);
        }
        Ok(value)
    }

    fn s_ctrl(&self, file: FileId, id: u32, value: i64) -> Result<i64> {
        // Linux reads no value here; a file that is not open fails the priority check.
        let (spec, slot) = self.controls().find(id).ok_or(Errno::EINVAL)?;
        self.check_priority(file)?;
        if spec.flags & abi::V4L2_CTRL_FLAG_READ_ONLY != 0 {
            return Err(Errno::EACCES);
        }
        let value = spec.validate(value)?;
        self.with_context(file, |ctx| self.driver.s_ctrl(ctx, id, value))?;
        self.store_control(file, &spec, slot, value)?;
        Ok(value)
    }

    fn ext_ctrls(
        &self,
        file: FileId,
        op: ExtControlsOp,
        which: u32,
        controls: &mut dyn ExtControlArray,
    ) -> core::result::Result<(), (Errno, u32)> {
        let count = controls.len() as u32;
        let fail = |errno| Err((errno, count));
        let set = self.controls();
        // As Linux's v4l2-ctrls-api.c: `which` is a class, DEF_VAL or CUR_VAL (0).
        let class_which = which != 0 && which != abi::V4L2_CTRL_WHICH_DEF_VAL;
        let class = which & 0x0fff_0000;
        if which == abi::V4L2_CTRL_WHICH_REQUEST_VAL {
            return fail(Errno::EINVAL);
        }
        // Default values cannot be changed, whatever the count.
        if op != ExtControlsOp::Get && which == abi::V4L2_CTRL_WHICH_DEF_VAL {
            return fail(Errno::EINVAL);
        }
        if count == 0 {
            // An empty list only checks that the class exists.
            return if class_which && !set.knows_class(class) { fail(Errno::EINVAL) } else { Ok(()) };
        }
        if op == ExtControlsOp::Set {
            if let Err(errno) = self.check_priority(file) {
                return fail(errno);
            }
        }
        // Validate every ID first: nothing is read or changed if one is bad. Linux reports
        // the failing index only for TRY; G and S report `count` ("before any control
        // was touched").
        let report = |i: usize| if op == ExtControlsOp::Try { i as u32 } else { count };
        for i in 0..controls.len() {
            let id = controls.id(i);
            let class_ok = !class_which || id & 0x0fff_0000 == class;
            if set.find(id).is_none() || !class_ok {
                return Err((Errno::EINVAL, report(i)));
            }
        }
        // Then the access rights (G reads no write-only control, TRY and S write no
        // read-only one) and, for TRY and S, the values: TRY answers the adjusted values.
        let forbidden =
            if op == ExtControlsOp::Get { abi::V4L2_CTRL_FLAG_WRITE_ONLY } else { abi::V4L2_CTRL_FLAG_READ_ONLY };
        for i in 0..controls.len() {
            let Some((spec, _)) = set.find(controls.id(i)) else { return fail(Errno::EINVAL) };
            if spec.flags & forbidden != 0 {
                return Err((Errno::EACCES, report(i)));
            }
            if op != ExtControlsOp::Get {
                let wide = spec.kind == ControlKind::Integer64;
                match spec.validate(controls.value(i, wide)) {
                    Ok(value) if op == ExtControlsOp::Try => controls.set_value(i, wide, value),
                    Ok(_) => {}
                    Err(errno) => return Err((errno, report(i))),
                }
            }
        }
        if op == ExtControlsOp::Try {
            return Ok(());
        }
        // G reads and S stores each value in turn; a failure reports its index.
        for i in 0..controls.len() {
            let Some((spec, slot)) = set.find(controls.id(i)) else { return fail(Errno::EINVAL) };
            let wide = spec.kind == ControlKind::Integer64;
            let result = match op {
                ExtControlsOp::Get if which == abi::V4L2_CTRL_WHICH_DEF_VAL => Ok(spec.default),
                ExtControlsOp::Get => self.current_control(file, spec.id).map(|(_, value)| value),
                _ => spec.validate(controls.value(i, wide)).and_then(|value| {
                    self.with_context(file, |ctx| self.driver.s_ctrl(ctx, spec.id, value))?;
                    self.store_control(file, &spec, slot, value)?;
                    Ok(value)
                }),
            };
            match result {
                Ok(value) => controls.set_value(i, wide, value),
                Err(errno) => return Err((errno, i as u32)),
            }
        }
        Ok(())
    }

    fn subscribe_event(&self, file: FileId, event_type: u32, id: u32, flags: u32) -> Result<()> {
        let decoder = self.info.kind == CodecKind::Decoder;
        let codec = self.info.kind != CodecKind::Transform;
        let initial = match event_type {
            // A transform has no drain, so it never ends a stream (vim2m offers control
            // events only).
            abi::V4L2_EVENT_EOS if codec => None,
            abi::V4L2_EVENT_SOURCE_CHANGE if decoder => None,
            abi::V4L2_EVENT_CTRL => {
                let (spec, value) = self.current_control(file, id)?;
                let mut changes = abi::V4L2_EVENT_CTRL_CH_FLAGS;
                if spec.flags & abi::V4L2_CTRL_FLAG_WRITE_ONLY == 0 {
                    changes |= abi::V4L2_EVENT_CTRL_CH_VALUE;
                }
                // Class controls carry no value: Linux sends them no initial event.
                let initial = flags & abi::V4L2_EVENT_SUB_FL_SEND_INITIAL != 0 && spec.kind != ControlKind::Class;
                initial.then(|| Self::ctrl_event_payload(&spec, changes, value))
            }
            _ => return Err(Errno::EINVAL),
        };
        let now = self.os_now();
        self.with_state(file, |state, _| {
            let fresh = state.events.subscription_flags(event_type, id).is_none();
            state.events.subscribe(event_type, id, flags)?;
            if let (true, Some(event)) = (fresh, initial) {
                state.events.queue(event, now);
            }
            Ok::<_, Errno>(())
        })??;
        self.notify(file.slot);
        Ok(())
    }

    fn unsubscribe_event(&self, file: FileId, event_type: u32, id: u32) -> Result<()> {
        self.with_state(file, |state, _| state.events.unsubscribe(event_type, id))
    }

    fn dqevent(&self, file: FileId, probe: &mut dyn FnMut() -> Result<()>) -> Result<DequeuedEvent> {
        let controls = self.controls();
        let payload = |id, changes, value| match controls.find(id) {
            Some((spec, _)) => spec.event(changes, value),
            // A subscription exists only for a known control; nothing else to report.
            None => crate::event::CtrlEvent {
                changes,
                ctrl_type: 0,
                value,
                flags: 0,
                minimum: 0,
                maximum: 0,
                step: 0,
                default_value: 0,
            },
        };
        self.blocking(file, Errno::ENOENT, Some(probe), |state| state.events.dequeue(payload).ok_or(Errno::ENOENT))
    }

    fn codec_command(&self, file: FileId, cmd: CommandRequest) -> Result<u32> {
        let (stop, start) = match (self.info.kind, cmd.encoder) {
            (CodecKind::Encoder, true) => (abi::V4L2_ENC_CMD_STOP, abi::V4L2_ENC_CMD_START),
            (CodecKind::Decoder, false) => (abi::V4L2_DEC_CMD_STOP, abi::V4L2_DEC_CMD_START),
            _ => return Err(Errno::ENOTTY),
        };
        let command = match cmd.cmd {
            c if c == stop => CodecCommand::Stop,
            c if c == start => CodecCommand::Start,
            _ => return Err(Errno::EINVAL),
        };
        if cmd.try_only {
            return Ok(0);
        }
        self.check_priority(file)?;
        let changed = self.with_state(file, |state, _| {
            let [output, capture] = &state.queues;
            if !output.is_streaming() || !capture.is_streaming() {
                return Ok(false);
            }
            let (drain, effect) = state.drain.command(command, output.queued_count())?;
            state.drain = drain;
            if effect == CommandEffect::Resumed {
                state.queue(Direction::Capture).clear_last_dequeued();
            }
            Ok(effect != CommandEffect::None)
        })??;
        if changed {
            self.in_context(file, &mut |ctx| self.driver.command(ctx, command))?;
            let scheduled = self.with_state(file, |state, cs| self.try_schedule(file.slot, state, cs)).unwrap_or(false);
            let pending =
                critical_section::with(|cs| self.scheduler.borrow(cs).try_borrow().is_ok_and(|s| s.has_ready()));
            self.wake(file, scheduled || pending);
        }
        Ok(0)
    }

    fn g_priority(&self, file: FileId) -> Result<u32> {
        // Linux reports the highest priority held by any open file of the device.
        self.check_open(file)?;
        Ok(self.highest_priority())
    }

    fn s_priority(&self, file: FileId, priority: u32) -> Result<()> {
        if !(abi::V4L2_PRIORITY_BACKGROUND..=abi::V4L2_PRIORITY_RECORD).contains(&priority) {
            return Err(Errno::EINVAL);
        }
        // S_PRIORITY is itself a state change: a file below the highest priority may not.
        self.check_priority(file)?;
        self.with_state(file, |state, _| state.priority = priority)
    }
}

/// The colour description of a format.
#[derive(Clone, Copy)]
struct Colorimetry {
    colorspace: u32,
    xfer_func: u32,
    ycbcr_enc: u32,
    quantization: u32,
}

impl Colorimetry {
    fn of(fmt: &PixFormat) -> Self {
        Self {
            colorspace: fmt.colorspace,
            xfer_func: fmt.xfer_func,
            ycbcr_enc: fmt.ycbcr_enc,
            quantization: fmt.quantization,
        }
    }

    /// Whether every field names a value `videodev2.h` defines.
    fn is_valid(&self) -> bool {
        self.colorspace <= abi::V4L2_COLORSPACE_DCI_P3
            && self.xfer_func <= abi::V4L2_XFER_FUNC_SMPTE2084
            && self.ycbcr_enc <= abi::V4L2_YCBCR_ENC_SMPTE240M
            && self.quantization <= abi::V4L2_QUANTIZATION_LIM_RANGE
    }

    fn apply(&self, fmt: &mut PixFormat) {
        fmt.colorspace = self.colorspace;
        fmt.xfer_func = self.xfer_func;
        fmt.ycbcr_enc = self.ycbcr_enc;
        fmt.quantization = self.quantization;
    }
}
