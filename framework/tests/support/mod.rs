//! Test harness shared by the `m2m_*` integration tests: a host `OsGlue`, a leaked
//! `MemoryArena`, a loopback "codec" lower half with knobs, a worker thread running
//! `run_jobs`, and helpers that drive the device through the client library (over the
//! node's raw ioctl entry) exactly as an application does.

#![allow(dead_code)]

use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use v4l2m2m::abi::*;
use v4l2m2m::driver::{ControlKind, ControlSpec, InFlight};
use v4l2m2m::driver::{FourCc, PlaneFormat};
use v4l2m2m::{
    ActiveBuffer, ArenaRegion, BufferApi, BufferArena, CodecCommand, CodecDevice, CodecKind, CodecOps, Completion,
    ContextHandle, DeviceInfo, Direction, DoneFlags, Errno, FileId, FormatDesc, Formats, Job, JobStatus, MemoryArena,
    OpenFlags, OsGlue, PixFormat, PollEvents, QueueStatus, UserMemory, VideoNode,
};
use v4l2m2m_client::{Client, CtrlOp, DqBuf, NodeFile, Transport};

/// The client of one open file of a harness's node.
pub type NodeClient = Client<NodeFile<'static, dyn VideoNode>>;

// ------------------------------------------------------------------------------------
// Requests for the fuzzers
// ------------------------------------------------------------------------------------

/// The requests the fuzzers send (m2m_fuzz_args and the cargo-fuzz target): every request
/// the ioctl decoder implements, then some it does not (ENOTTY, the argument untouched).
pub const FUZZ_REQUESTS: &[u32] = &[
    VIDIOC_QUERYCAP,
    VIDIOC_ENUM_FMT,
    VIDIOC_G_FMT,
    VIDIOC_S_FMT,
    VIDIOC_TRY_FMT,
    VIDIOC_REQBUFS,
    VIDIOC_CREATE_BUFS,
    VIDIOC_QUERYBUF,
    VIDIOC_PREPARE_BUF,
    VIDIOC_QBUF,
    VIDIOC_DQBUF,
    VIDIOC_STREAMON,
    VIDIOC_STREAMOFF,
    VIDIOC_G_PARM,
    VIDIOC_S_PARM,
    VIDIOC_G_SELECTION,
    VIDIOC_S_SELECTION,
    VIDIOC_ENUM_FRAMESIZES,
    VIDIOC_ENUM_FRAMEINTERVALS,
    VIDIOC_QUERYCTRL,
    VIDIOC_QUERY_EXT_CTRL,
    VIDIOC_QUERYMENU,
    VIDIOC_G_CTRL,
    VIDIOC_S_CTRL,
    VIDIOC_G_EXT_CTRLS,
    VIDIOC_S_EXT_CTRLS,
    VIDIOC_TRY_EXT_CTRLS,
    VIDIOC_SUBSCRIBE_EVENT,
    VIDIOC_UNSUBSCRIBE_EVENT,
    VIDIOC_DQEVENT,
    VIDIOC_ENCODER_CMD,
    VIDIOC_TRY_ENCODER_CMD,
    VIDIOC_DECODER_CMD,
    VIDIOC_TRY_DECODER_CMD,
    VIDIOC_G_PRIORITY,
    VIDIOC_S_PRIORITY,
    // Not implemented.
    VIDIOC_EXPBUF,
    VIDIOC_G_INPUT,
    VIDIOC_ENUMINPUT,
    VIDIOC_CROPCAP,
    VIDIOC_G_CROP,
    VIDIOC_LOG_STATUS,
    VIDIOC_G_STD,
    VIDIOC_G_TUNER,
];

// ------------------------------------------------------------------------------------
// OS glue
// ------------------------------------------------------------------------------------

/// A host `OsGlue`: one global mutex + condition variable. `wait` re-checks the word
/// under the mutex, and `wake_all` notifies under it, so no wake-up is lost; waits are
/// bounded (spurious returns are allowed by the contract).
pub struct HostGlue {
    lock: Mutex<()>,
    cv: Condvar,
}

pub static GLUE: HostGlue = HostGlue { lock: Mutex::new(()), cv: Condvar::new() };

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

impl OsGlue for HostGlue {
    fn wait(&self, word: &AtomicU32, expected: u32) {
        let guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        if word.load(Ordering::Acquire) == expected {
            let _ = self.cv.wait_timeout(guard, Duration::from_millis(50));
        }
    }

    fn wake_all(&self, _word: &AtomicU32) {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.cv.notify_all();
    }

    fn monotonic_ns(&self) -> u64 {
        epoch().elapsed().as_nanos() as u64
    }
}

/// Application memory with fences: ranges the board's copies refuse (unreadable, or only
/// unwritable), the rest copied directly. A device built with [`FENCED_GLUE`] reaches
/// application memory through it, as a board with memory protection does.
pub struct Fences {
    /// (start, end, readable) ranges the copies refuse; a readable one refuses writes only.
    ranges: Mutex<Vec<(usize, usize, bool)>>,
    /// When set, the only application memory: everything outside is refused.
    confined: Mutex<Option<(usize, usize)>>,
}

pub static FENCES: Fences = Fences { ranges: Mutex::new(Vec::new()), confined: Mutex::new(None) };

impl Fences {
    /// Fences `len` bytes at `addr`: no access, or read-only when `readable`.
    pub fn fence(&self, addr: usize, len: usize, readable: bool) {
        self.ranges.lock().unwrap_or_else(|e| e.into_inner()).push((addr, addr + len, readable));
    }

    /// Makes `len` bytes at `addr` the only application memory (for random pointers).
    pub fn confine(&self, addr: usize, len: usize) {
        *self.confined.lock().unwrap_or_else(|e| e.into_inner()) = Some((addr, addr + len));
    }

    fn allowed(&self, addr: usize, len: usize, write: bool) -> bool {
        let Some(end) = addr.checked_add(len) else { return false };
        if let Some((s, e)) = *self.confined.lock().unwrap_or_else(|e| e.into_inner()) {
            if addr < s || end > e {
                return false;
            }
        }
        let ranges = self.ranges.lock().unwrap_or_else(|e| e.into_inner());
        addr >= 4096 && !ranges.iter().any(|&(s, e, readable)| addr < e && s < end && (write || !readable))
    }
}

impl UserMemory for Fences {
    unsafe fn copy_from_user(&self, dst: *mut u8, src: usize, len: usize) -> bool {
        if !self.allowed(src, len, false) {
            return false;
        }
        // SAFETY: the tests fence every address they pass that is not their own memory.
        unsafe { std::ptr::copy_nonoverlapping(src as *const u8, dst, len) };
        true
    }

    unsafe fn copy_to_user(&self, dst: usize, src: *const u8, len: usize) -> bool {
        if !self.allowed(dst, len, true) {
            return false;
        }
        // SAFETY: as above.
        unsafe { std::ptr::copy_nonoverlapping(src, dst as *mut u8, len) };
        true
    }
}

/// [`GLUE`] whose application memory is [`FENCES`].
pub struct FencedGlue;

pub static FENCED_GLUE: FencedGlue = FencedGlue;

impl OsGlue for FencedGlue {
    fn wait(&self, word: &AtomicU32, expected: u32) {
        GLUE.wait(word, expected)
    }

    fn wake_all(&self, word: &AtomicU32) {
        GLUE.wake_all(word)
    }

    fn monotonic_ns(&self) -> u64 {
        GLUE.monotonic_ns()
    }

    fn user_memory(&self) -> Option<&dyn UserMemory> {
        Some(&FENCES)
    }

    fn user_memory_accessible(&self, addr: usize, len: usize, write: bool) -> bool {
        FENCES.allowed(addr, len, write)
    }
}

// ------------------------------------------------------------------------------------
// The loopback codec
// ------------------------------------------------------------------------------------

/// Byte transform applied to plane 0 of every frame.
pub fn transform(b: u8) -> u8 {
    b ^ 0x5a
}

pub const W: u32 = 64;
pub const H: u32 = 64;
/// OUTPUT (bitstream) buffer size.
pub const OUT_SIZE: u32 = 4096;
/// The resolution the decoder mode "finds" in the stream.
pub const DEC_W: u32 = 128;
pub const DEC_H: u32 = 96;

pub const GOP: u32 = V4L2_CID_MPEG_VIDEO_GOP_SIZE;
pub const MODE: u32 = V4L2_CID_MPEG_VIDEO_BITRATE_MODE;
pub const RC: u32 = V4L2_CID_MPEG_VIDEO_FRAME_RC_ENABLE;
pub const PEAK: u32 = V4L2_CID_MPEG_VIDEO_BITRATE_PEAK;
pub const KEYFRAME: u32 = V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME;
pub const BFRAMES: u32 = V4L2_CID_MPEG_VIDEO_B_FRAMES;

pub static CONTROLS: [ControlSpec; 6] = [
    ControlSpec::integer(GOP, "GOP Size", 0, 10, 3, 3),
    ControlSpec::menu(MODE, "Bitrate Mode", 0, 2, 0, &["Variable Bitrate", "", "Constant Quality"]),
    ControlSpec::boolean(RC, "Frame Level Rate Control", true),
    ControlSpec {
        id: PEAK,
        name: "Peak Bitrate",
        kind: ControlKind::Integer64,
        min: 0,
        max: 1 << 40,
        step: 1,
        default: 1 << 33,
        flags: 0,
        menu: &[],
    },
    ControlSpec::button(KEYFRAME, "Force Key Frame"),
    ControlSpec::integer(BFRAMES, "B Frames", 0, 4, 1, 0).with_flags(V4L2_CTRL_FLAG_READ_ONLY),
];

/// A job the delayed mode left running on the "engine".
pub struct Pending {
    pub handle: ContextHandle,
    pub out: ActiveBuffer,
    pub cap: ActiveBuffer,
    pub done: Completion,
}

#[derive(Default)]
pub struct Knobs {
    /// `device_run` returns `Running`; the test (or an "IRQ" thread) completes later.
    pub delayed: AtomicBool,
    /// `job_abort` completes pending jobs at once (a well-behaved engine).
    pub abort_completes: AtomicBool,
    /// Decoder mode: the first job parses "headers" and emits a source change; a payload
    /// starting with `RES` triggers a mid-stream resolution change. In every mode a
    /// payload starting with `ERR` is a fatal error: that OUTPUT buffer comes back flagged
    /// as an error and the driver calls `stream_error`.
    pub decoder: AtomicBool,
    /// Lose the CAPTURE buffer (never `put_buf` it) to test the framework's reclaim.
    pub lose_capture: AtomicBool,
    /// With `delayed`: the "interrupt" fires at once, on another thread, and completes the
    /// job before `device_run` has returned `Running`.
    pub complete_early: AtomicBool,
    /// Process OUTPUT buffers for as long as `get_buf` hands them out (the framework's
    /// per-job bound is what stops it).
    pub greedy: AtomicBool,
    /// Refuse `s_ctrl` for this control ID with EBUSY.
    pub refuse_ctrl: AtomicU32,

    pub opens: AtomicU32,
    pub closes: AtomicU32,
    /// Counts "heavy" set-up work: only `streamon(OUTPUT)` does it.
    pub heavy_inits: AtomicU32,
    pub streamoffs: [AtomicU32; 2],
    pub runs: AtomicU32,
    pub aborts: AtomicU32,
    /// The job the "engine" is working on (the framework runs one per device at a time).
    pub pending: InFlight<Pending>,
    /// First payload byte of every OUTPUT buffer processed, in order.
    pub run_log: Mutex<Vec<u8>>,
    pub handles: Mutex<Vec<ContextHandle>>,
    pub commands: Mutex<Vec<CodecCommand>>,
    pub ctrl_log: Mutex<Vec<(u32, i64)>>,
}

impl Knobs {
    /// Completes the job left running, as an interrupt handler does (both buffers and the
    /// job in one call). Returns how many jobs it completed (0 or 1).
    pub fn complete_pending(&self) -> usize {
        let Some(job) = self.pending.take() else { return 0 };
        let _ = job.handle.buf_done_and_job_finish(job.out, Completion::default(), job.cap, job.done);
        1
    }

    pub fn pending_count(&self) -> usize {
        usize::from(!self.pending.is_empty())
    }

    pub fn last_handle(&self) -> ContextHandle {
        *self.handles.lock().unwrap().last().expect("a job ran")
    }
}

pub struct TestCodec {
    pub mplane: bool,
    pub k: Knobs,
}

pub struct Ctx {
    pub parsed: bool,
    pub frames: u32,
}

fn capture_format(mplane: bool, pixelformat: FourCc, w: u32, h: u32) -> PixFormat {
    let mut f = PixFormat::empty();
    f.width = w;
    f.height = h;
    f.field = V4L2_FIELD_NONE;
    if mplane && pixelformat == V4L2_PIX_FMT_NV12M {
        f.pixelformat = V4L2_PIX_FMT_NV12M;
        f.num_planes = 2;
        f.planes[0] = PlaneFormat { bytesperline: w, sizeimage: w * h };
        f.planes[1] = PlaneFormat { bytesperline: w, sizeimage: w * h / 2 };
    } else {
        f.pixelformat = V4L2_PIX_FMT_NV12;
        f.num_planes = 1;
        f.planes[0] = PlaneFormat { bytesperline: w, sizeimage: w * h * 3 / 2 };
    }
    f
}

fn output_format(w: u32, h: u32, sizeimage: u32) -> PixFormat {
    let mut f = PixFormat::empty();
    f.width = w;
    f.height = h;
    f.pixelformat = V4L2_PIX_FMT_H264;
    f.field = V4L2_FIELD_NONE;
    f.num_planes = 1;
    f.planes[0] = PlaneFormat { bytesperline: 0, sizeimage: sizeimage.clamp(OUT_SIZE, 1 << 20) };
    f
}

fn align16(v: u32) -> u32 {
    (v.clamp(16, 1920) + 15) & !15
}

impl TestCodec {
    pub fn decoded_format(&self) -> PixFormat {
        let pf = if self.mplane { V4L2_PIX_FMT_NV12M } else { V4L2_PIX_FMT_NV12 };
        capture_format(self.mplane, pf, DEC_W, DEC_H)
    }
}

impl CodecOps for TestCodec {
    type Context = Ctx;

    fn open(&self) -> Result<Ctx, Errno> {
        self.k.opens.fetch_add(1, Ordering::SeqCst);
        Ok(Ctx { parsed: false, frames: 0 })
    }

    fn close(&self, _ctx: Ctx) {
        self.k.closes.fetch_add(1, Ordering::SeqCst);
    }

    fn default_formats(&self) -> Formats {
        let pf = if self.mplane { V4L2_PIX_FMT_NV12M } else { V4L2_PIX_FMT_NV12 };
        Formats { output: output_format(W, H, OUT_SIZE), capture: capture_format(self.mplane, pf, W, H) }
    }

    fn enum_fmt(&self, dir: Direction, index: u32) -> Result<FormatDesc, Errno> {
        let list: &[FormatDesc] = match dir {
            Direction::Output => {
                &[FormatDesc { pixelformat: V4L2_PIX_FMT_H264, flags: V4L2_FMT_FLAG_COMPRESSED, description: "H.264" }]
            }
            Direction::Capture => &[
                FormatDesc { pixelformat: V4L2_PIX_FMT_NV12M, flags: 0, description: "Y/UV 4:2:0 (N-C)" },
                FormatDesc { pixelformat: V4L2_PIX_FMT_NV12, flags: 0, description: "Y/UV 4:2:0" },
            ],
        };
        list.get(index as usize).copied().ok_or(Errno::EINVAL)
    }

    fn try_fmt(&self, _ctx: &Ctx, _formats: &Formats, dir: Direction, fmt: &mut PixFormat) -> Result<(), Errno> {
        let (w, h) = (align16(fmt.width), align16(fmt.height));
        *fmt = match dir {
            Direction::Output => output_format(w, h, fmt.planes[0].sizeimage),
            Direction::Capture => capture_format(self.mplane, fmt.pixelformat, w, h),
        };
        Ok(())
    }

    fn s_fmt(&self, _ctx: &mut Ctx, dir: Direction, formats: &mut Formats) -> Result<(), Errno> {
        if dir == Direction::Output {
            // A decoder's CAPTURE size follows the coded size on OUTPUT.
            let pf = formats.capture.pixelformat;
            formats.capture = capture_format(self.mplane, pf, formats.output.width, formats.output.height);
        }
        Ok(())
    }

    fn controls(&self) -> &'static [ControlSpec] {
        &CONTROLS
    }

    fn s_ctrl(&self, _ctx: &mut Ctx, id: u32, value: i64) -> Result<(), Errno> {
        if self.k.refuse_ctrl.load(Ordering::SeqCst) == id {
            return Err(Errno::EBUSY);
        }
        self.k.ctrl_log.lock().unwrap().push((id, value));
        Ok(())
    }

    fn streamon(&self, _ctx: &mut Ctx, dir: Direction, _formats: &Formats) -> Result<(), Errno> {
        if dir == Direction::Output {
            self.k.heavy_inits.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    }

    fn streamoff(&self, _ctx: &mut Ctx, dir: Direction) {
        self.k.streamoffs[dir.index()].fetch_add(1, Ordering::SeqCst);
    }

    fn command(&self, _ctx: &mut Ctx, cmd: CodecCommand) -> Result<(), Errno> {
        self.k.commands.lock().unwrap().push(cmd);
        Ok(())
    }

    fn job_ready(&self, s: &QueueStatus) -> bool {
        if self.k.decoder.load(Ordering::SeqCst) {
            if s.capture_setup_pending {
                return false;
            }
            if s.output_streaming && s.output_queued > 0 && !s.capture_streaming {
                return true;
            }
        }
        s.has_input_and_output()
    }

    fn device_run(&self, ctx: &mut Ctx, job: Job<'_>) -> JobStatus {
        self.k.runs.fetch_add(1, Ordering::SeqCst);
        let h = job.handle();
        self.k.handles.lock().unwrap().push(h);
        let decoder = self.k.decoder.load(Ordering::SeqCst);
        let Some(out) = h.get_buf(Direction::Output) else {
            if job.status().draining {
                h.drained().expect("drained");
            }
            return JobStatus::Finished;
        };
        if out.payload(0).starts_with(b"ERR") {
            h.put_buf(out, Completion::error()).expect("put output");
            h.stream_error().expect("stream error");
            return JobStatus::Finished;
        }
        if decoder && (!ctx.parsed || out.payload(0).starts_with(b"RES")) {
            ctx.parsed = true;
            h.put_buf(out, Completion::default()).expect("put output");
            h.source_change(self.decoded_format()).expect("source change");
            return JobStatus::Finished;
        }
        let mut out = out;
        loop {
            match self.process(ctx, &h, out) {
                Some(status) => return status,
                None if self.k.greedy.load(Ordering::SeqCst) => match h.get_buf(Direction::Output) {
                    Some(next) => out = next,
                    None => return JobStatus::Finished,
                },
                None => return JobStatus::Finished,
            }
        }
    }

    fn job_abort(&self, _ctx: &mut Ctx) {
        self.k.aborts.fetch_add(1, Ordering::SeqCst);
        if self.k.abort_completes.load(Ordering::SeqCst) {
            self.k.complete_pending();
        }
    }
}

impl TestCodec {
    /// Processes one OUTPUT buffer into one CAPTURE buffer; `Some` ends the job with that
    /// status, `None` means the pair was completed and the job may go on.
    fn process(&self, ctx: &mut Ctx, h: &ContextHandle, out: ActiveBuffer) -> Option<JobStatus> {
        self.k.run_log.lock().unwrap().push(out.payload(0).first().copied().unwrap_or(0));
        let Some(mut cap) = h.get_buf(Direction::Capture) else {
            h.put_buf(out, Completion::error()).expect("put output");
            return Some(JobStatus::Finished);
        };
        let payload = out.payload(0).to_vec();
        let n = payload.len().min(cap.plane_len(0));
        for (d, s) in cap.plane_mut(0)[..n].iter_mut().zip(&payload) {
            *d = transform(*s);
        }
        let mut done = Completion::done(n as u32, out.timestamp()).with_flags(DoneFlags::KEYFRAME);
        if cap.num_planes() > 1 {
            // Plane 1: the payload reversed.
            let m = payload.len().min(cap.plane_len(1));
            for (d, s) in cap.plane_mut(1)[..m].iter_mut().zip(payload.iter().rev()) {
                *d = *s;
            }
            done = done.with_plane(1, m as u32);
        }
        ctx.frames += 1;
        if h.status().map(|s| s.draining).unwrap_or(false) {
            done = done.with_flags(DoneFlags::LAST);
        }
        if self.k.lose_capture.load(Ordering::SeqCst) {
            let _lost_by_the_driver = cap;
            h.put_buf(out, Completion::default()).expect("put output");
            return Some(JobStatus::Finished);
        }
        if self.k.delayed.load(Ordering::SeqCst) {
            if self.k.pending.park(Pending { handle: *h, out, cap, done }).is_err() {
                panic!("the framework started a second job while one was running");
            }
            if self.k.complete_early.load(Ordering::SeqCst) {
                std::thread::scope(|irq| {
                    irq.spawn(|| self.k.complete_pending());
                });
            }
            return Some(JobStatus::Running);
        }
        h.put_buf(out, Completion::default()).expect("put output");
        h.put_buf(cap, done).expect("put capture");
        None
    }
}

// ------------------------------------------------------------------------------------
// The device and its worker
// ------------------------------------------------------------------------------------

pub const FILES: usize = 8;
pub const BUFFERS: usize = 32;
pub const EVENTS: usize = 3;
pub type Dev = CodecDevice<TestCodec, FILES, BUFFERS, EVENTS>;
pub type Arena = MemoryArena<512>;

/// A test's observer of the arena's cache hook.
pub type SyncHook = Box<dyn Fn(Direction)>;

std::thread_local! {
    /// Called from [`TestArena::sync_for_cpu`] on the thread handing a buffer back: lets a
    /// test look at the device at that exact point of a completion.
    pub static SYNC_FOR_CPU_HOOK: std::cell::RefCell<Option<SyncHook>> =
        const { std::cell::RefCell::new(None) };
}

/// The harness's arena: a [`MemoryArena`] whose CPU cache hook can be observed.
pub struct TestArena(pub Arena);

impl std::ops::Deref for TestArena {
    type Target = Arena;
    fn deref(&self) -> &Arena {
        &self.0
    }
}

impl BufferArena for TestArena {
    fn alloc(&self, len: usize) -> Option<ArenaRegion> {
        self.0.alloc(len)
    }
    fn free(&self, region: ArenaRegion) {
        self.0.free(region)
    }
    fn cpu_ptr(&self, region: ArenaRegion) -> *mut u8 {
        self.0.cpu_ptr(region)
    }
    fn bus_addr(&self, region: ArenaRegion) -> u64 {
        self.0.bus_addr(region)
    }
    fn sync_for_cpu(&self, _region: ArenaRegion, dir: Direction) {
        SYNC_FOR_CPU_HOOK.with(|hook| {
            if let Some(hook) = hook.borrow().as_ref() {
                hook(dir)
            }
        });
    }
}

pub const ARENA_SIZE: usize = 4 << 20;

#[derive(Clone, Copy)]
pub struct Opts {
    pub kind: CodecKind,
    pub mplane: bool,
    pub userptr: bool,
    pub worker: bool,
    /// Application memory through [`FENCES`] instead of direct copies.
    pub fenced: bool,
}

impl Default for Opts {
    fn default() -> Self {
        Self { kind: CodecKind::Decoder, mplane: false, userptr: true, worker: true, fenced: false }
    }
}

pub struct Harness {
    pub dev: &'static Dev,
    pub node: &'static dyn VideoNode,
    pub arena: &'static TestArena,
    pub api: BufferApi,
    stop: Arc<AtomicBool>,
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.dev.job_signal().fetch_add(1, Ordering::SeqCst);
        GLUE.wake_all(self.dev.job_signal());
    }
}

/// Addresses of everything the harness leaks on purpose ('static devices, arenas, user
/// memory): kept reachable from a global so LeakSanitizer does not report them.
static KEEP: Mutex<Vec<usize>> = Mutex::new(Vec::new());

pub fn keep<T: ?Sized>(p: *const T) {
    KEEP.lock().unwrap_or_else(|e| e.into_inner()).push(p as *const u8 as usize);
}

pub fn leak_bytes(len: usize) -> &'static mut [u8] {
    let layout = std::alloc::Layout::from_size_align(len, 4096).unwrap();
    // SAFETY: non-zero size; the memory is leaked on purpose (it backs a 'static arena).
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    assert!(!ptr.is_null());
    keep(ptr);
    // SAFETY: freshly allocated, `len` bytes, never freed.
    unsafe { std::slice::from_raw_parts_mut(ptr, len) }
}

impl Harness {
    pub fn new() -> Self {
        Self::with(Opts::default())
    }

    pub fn mplane() -> Self {
        Self::with(Opts { mplane: true, ..Opts::default() })
    }

    pub fn encoder() -> Self {
        Self::with(Opts { kind: CodecKind::Encoder, ..Opts::default() })
    }

    pub fn with(opts: Opts) -> Self {
        let mem = leak_bytes(ARENA_SIZE);
        // SAFETY: `mem` is leaked, so valid for the whole program, and only the arena uses it.
        let arena: &'static TestArena =
            Box::leak(Box::new(TestArena(unsafe { Arena::new(mem.as_mut_ptr(), ARENA_SIZE, 0x8000_0000, 4096) })));
        let api = if opts.mplane { BufferApi::MultiPlanar } else { BufferApi::SinglePlanar };
        let info = DeviceInfo {
            driver: "loopback",
            card: "loopback test codec",
            bus_info: "platform:loopback",
            kind: opts.kind,
            api,
            userptr: opts.userptr,
            min_output_buffers: 2,
            min_capture_buffers: 3,
        };
        let driver = TestCodec { mplane: opts.mplane, k: Knobs::default() };
        let glue: &'static dyn OsGlue = if opts.fenced { &FENCED_GLUE } else { &GLUE };
        let dev: &'static Dev = Box::leak(Box::new(Dev::new(driver, info, glue, arena)));
        keep(arena);
        keep(dev);
        let stop = Arc::new(AtomicBool::new(false));
        if opts.worker {
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let seen = dev.job_signal().load(Ordering::Acquire);
                    dev.run_jobs();
                    GLUE.wait(dev.job_signal(), seen);
                }
            });
        }
        Harness { dev, node: dev, arena, api, stop }
    }

    /// Makes the harness 'static (for tests that share it with threads).
    pub fn leak(self) -> &'static Harness {
        let h: &'static Harness = Box::leak(Box::new(self));
        keep(h);
        h
    }

    pub fn k(&self) -> &'static Knobs {
        &self.dev.driver().k
    }

    pub fn mp(&self) -> bool {
        self.api == BufferApi::MultiPlanar
    }

    pub fn open(&self) -> FileId {
        self.node.open(OpenFlags::empty()).expect("open")
    }

    pub fn open_nb(&self) -> FileId {
        self.node.open(OpenFlags::NONBLOCK).expect("open")
    }

    pub fn ty(&self, dir: Direction) -> u32 {
        self.api.buf_type(dir)
    }

    /// The client library on file `fd`.
    pub fn client(&self, fd: FileId) -> NodeClient {
        Client::new(NodeFile::new(self.node, fd))
    }

    /// The raw ioctl entry (the client's transport) with a typed argument.
    pub fn ioctl<T>(&self, fd: FileId, request: u32, arg: &mut T) -> Result<i32, Errno> {
        assert_eq!(ioc_size(request), std::mem::size_of::<T>(), "test bug: argument size");
        // SAFETY: `arg` is a valid, exclusive `T` of the size the request encodes.
        unsafe { self.client(fd).transport().ioctl(request, arg as *mut T as *mut c_void) }
    }

    pub fn ioctl_raw(&self, fd: FileId, request: u32, arg: *mut c_void) -> Result<i32, Errno> {
        // SAFETY: callers pass NULL or a pointer valid for the request's size.
        unsafe { self.client(fd).transport().ioctl(request, arg) }
    }

    // ---- formats ----

    pub fn g_fmt(&self, fd: FileId, dir: Direction) -> v4l2_format {
        self.client(fd).g_fmt(self.ty(dir)).expect("G_FMT")
    }

    pub fn set_fmt(&self, fd: FileId, dir: Direction, w: u32, h: u32) -> Result<v4l2_format, Errno> {
        let mut f = self.g_fmt(fd, dir);
        if self.mp() {
            f.fmt.pix_mp.width = w;
            f.fmt.pix_mp.height = h;
        } else {
            f.fmt.pix.width = w;
            f.fmt.pix.height = h;
        }
        self.client(fd).s_fmt(&mut f).map(|()| f)
    }

    /// (width, height, pixelformat, num_planes, sizeimage of each plane)
    pub fn fmt_info(&self, f: &v4l2_format) -> (u32, u32, u32, usize, Vec<u32>) {
        // SAFETY: plain-old-data union members.
        unsafe {
            if self.mp() {
                let mp = f.fmt.pix_mp;
                let planes = mp.plane_fmt;
                let sizes = (0..usize::from(mp.num_planes)).map(|i| planes[i].sizeimage).collect();
                (mp.width, mp.height, mp.pixelformat, usize::from(mp.num_planes), sizes)
            } else {
                let p = f.fmt.pix;
                (p.width, p.height, p.pixelformat, 1, vec![p.sizeimage])
            }
        }
    }

    pub fn num_planes(&self, fd: FileId, dir: Direction) -> usize {
        self.fmt_info(&self.g_fmt(fd, dir)).3
    }

    // ---- buffers ----

    pub fn reqbufs_mem(
        &self,
        fd: FileId,
        dir: Direction,
        memory: u32,
        count: u32,
    ) -> Result<v4l2_requestbuffers, Errno> {
        self.client(fd).reqbufs(self.ty(dir), memory, count)
    }

    pub fn reqbufs(&self, fd: FileId, dir: Direction, count: u32) -> Result<u32, Errno> {
        self.reqbufs_mem(fd, dir, V4L2_MEMORY_MMAP, count).map(|r| r.count)
    }

    pub fn buf(&self, fd: FileId, dir: Direction, memory: u32, index: u32) -> Buf {
        let planes = if self.mp() { self.num_planes(fd, dir) as u32 } else { 0 };
        Buf::new(self.ty(dir), memory, index, self.mp(), planes)
    }

    pub fn querybuf(&self, fd: FileId, dir: Direction, index: u32) -> Result<Buf, Errno> {
        let mut b = self.buf(fd, dir, V4L2_MEMORY_MMAP, index);
        let (arg, planes) = b.parts();
        self.client(fd).querybuf(arg, planes).map(|()| b)
    }

    pub fn qbuf(&self, fd: FileId, b: &mut Buf) -> Result<i32, Errno> {
        let client = self.client(fd);
        let userptr = b.b.memory == V4L2_MEMORY_USERPTR;
        let (arg, planes) = b.parts();
        if userptr {
            // SAFETY: the tests' USERPTR memory is leaked (valid for the whole program)
            // or refused by the fenced board's copies.
            unsafe { client.qbuf_userptr(arg, planes) }.map(|()| 0)
        } else {
            client.qbuf(arg, planes).map(|()| 0)
        }
    }

    /// Writes `data` into OUTPUT buffer `index` (mmap, copy, munmap) and queues it with
    /// timestamp `ts_us` microseconds.
    pub fn queue_output(&self, fd: FileId, index: u32, data: &[u8], ts_us: u64) -> Result<Buf, Errno> {
        let q = self.querybuf(fd, Direction::Output, index)?;
        let offset = q.mem_offset(0);
        let len = q.plane_length(0) as usize;
        assert!(data.len() <= len);
        let map = self.node.mmap(fd, u64::from(offset), len).expect("mmap output");
        // SAFETY: the mapping is `len` bytes of arena memory owned by the application now.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), map.ptr, data.len()) };
        self.node.munmap(map.region);
        let mut b = self.buf(fd, Direction::Output, V4L2_MEMORY_MMAP, index);
        b.set_bytesused(0, data.len() as u32);
        b.b.timestamp = timeval { tv_sec: (ts_us / 1_000_000) as _, tv_usec: (ts_us % 1_000_000) as _ };
        self.qbuf(fd, &mut b)?;
        Ok(b)
    }

    pub fn queue_capture(&self, fd: FileId, index: u32) -> Result<Buf, Errno> {
        let mut b = self.buf(fd, Direction::Capture, V4L2_MEMORY_MMAP, index);
        self.qbuf(fd, &mut b)?;
        Ok(b)
    }

    pub fn dqbuf(&self, fd: FileId, dir: Direction) -> Result<Buf, Errno> {
        self.dqbuf_mem(fd, dir, V4L2_MEMORY_MMAP)
    }

    pub fn dqbuf_mem(&self, fd: FileId, dir: Direction, memory: u32) -> Result<Buf, Errno> {
        let mut b = self.buf(fd, dir, memory, 0);
        let (arg, planes) = b.parts();
        dequeued(self.client(fd).dqbuf(arg, planes)).map(|()| b)
    }

    /// Reads plane `plane` of MMAP buffer `index` of `dir` (its `bytesused` bytes).
    pub fn read_plane(&self, fd: FileId, dir: Direction, index: u32, plane: usize, bytesused: u32) -> Vec<u8> {
        let q = self.querybuf(fd, dir, index).expect("QUERYBUF");
        let len = q.plane_length(plane) as usize;
        let map = self.node.mmap(fd, u64::from(q.mem_offset(plane)), len).expect("mmap");
        // SAFETY: `len` bytes of mapped arena memory; `bytesused <= len`.
        let data = unsafe { std::slice::from_raw_parts(map.ptr, bytesused as usize) }.to_vec();
        self.node.munmap(map.region);
        data
    }

    pub fn streamon(&self, fd: FileId, dir: Direction) -> Result<i32, Errno> {
        let mut t = self.ty(dir) as i32;
        self.ioctl(fd, VIDIOC_STREAMON, &mut t)
    }

    pub fn streamoff(&self, fd: FileId, dir: Direction) -> Result<i32, Errno> {
        let mut t = self.ty(dir) as i32;
        self.ioctl(fd, VIDIOC_STREAMOFF, &mut t)
    }

    /// REQBUFS on both queues, queue every CAPTURE buffer, STREAMON both.
    pub fn setup(&self, fd: FileId, outputs: u32, captures: u32) {
        assert_eq!(self.reqbufs(fd, Direction::Output, outputs), Ok(outputs));
        assert_eq!(self.reqbufs(fd, Direction::Capture, captures), Ok(captures));
        for i in 0..captures {
            self.queue_capture(fd, i).expect("queue capture");
        }
        self.streamon(fd, Direction::Output).expect("STREAMON output");
        self.streamon(fd, Direction::Capture).expect("STREAMON capture");
    }

    /// DQBUF on a blocking or non-blocking file, but never waiting more than `secs`.
    pub fn dqbuf_within(&self, fd: FileId, dir: Direction, secs: u64) -> Result<Buf, Errno> {
        let client = self.client(fd);
        let (ty, mp) = (self.ty(dir), self.mp());
        let planes = if mp { self.num_planes(fd, dir) as u32 } else { 0 };
        within(secs, move || {
            let mut b = Buf::new(ty, V4L2_MEMORY_MMAP, 0, mp, planes);
            let (arg, planes) = b.parts();
            dequeued(client.dqbuf(arg, planes)).map(|()| b)
        })
    }

    /// Waits (bounded) until a DQBUF of `dir` succeeds or fails with something other
    /// than EAGAIN; for non-blocking files.
    pub fn dqbuf_poll(&self, fd: FileId, dir: Direction) -> Result<Buf, Errno> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match self.dqbuf(fd, dir) {
                Err(Errno::EAGAIN) if Instant::now() < deadline => {
                    let word = self.node.wait_word(fd).expect("wait word");
                    let seen = word.load(Ordering::Acquire);
                    match self.dqbuf(fd, dir) {
                        Err(Errno::EAGAIN) => GLUE.wait(word, seen),
                        other => return other,
                    }
                }
                Err(Errno::EAGAIN) => panic!("timed out waiting for a {dir:?} buffer"),
                other => return other,
            }
        }
    }

    /// Waits (bounded) until `cond` holds, re-checking on every wake of `fd`.
    pub fn wait_until(&self, fd: FileId, what: &str, mut cond: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(5);
        let word = self.node.wait_word(fd).expect("wait word");
        loop {
            let seen = word.load(Ordering::Acquire);
            if cond() {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            GLUE.wait(word, seen);
        }
    }

    pub fn poll(&self, fd: FileId) -> PollEvents {
        self.node.poll(fd, PollEvents::POLLIN | PollEvents::POLLOUT | PollEvents::POLLPRI).expect("poll")
    }

    // ---- events ----

    pub fn subscribe(&self, fd: FileId, ty: u32, id: u32, flags: u32) -> Result<i32, Errno> {
        self.client(fd).subscribe_event(ty, id, flags).map(|()| 0)
    }

    pub fn unsubscribe(&self, fd: FileId, ty: u32, id: u32) -> Result<i32, Errno> {
        self.client(fd).unsubscribe_event(ty, id).map(|()| 0)
    }

    pub fn dqevent(&self, fd: FileId) -> Result<v4l2_event, Errno> {
        self.client(fd).dqevent()
    }

    // ---- commands ----

    pub fn dec_cmd(&self, fd: FileId, cmd: u32, flags: u32, try_only: bool) -> Result<v4l2_decoder_cmd, Errno> {
        let mut c = v4l2_decoder_cmd::zeroed();
        c.cmd = cmd;
        c.flags = flags;
        self.client(fd).decoder_cmd(&mut c, try_only).map(|()| c)
    }

    pub fn enc_cmd(&self, fd: FileId, cmd: u32, flags: u32, try_only: bool) -> Result<v4l2_encoder_cmd, Errno> {
        let mut c = v4l2_encoder_cmd::zeroed();
        c.cmd = cmd;
        c.flags = flags;
        self.client(fd).encoder_cmd(&mut c, try_only).map(|()| c)
    }

    /// STOP through whichever command ioctl the device kind uses.
    pub fn stop(&self, fd: FileId) -> Result<i32, Errno> {
        match self.dev.info().kind {
            CodecKind::Encoder => self.enc_cmd(fd, V4L2_ENC_CMD_STOP, 0, false).map(|_| 0),
            _ => self.dec_cmd(fd, V4L2_DEC_CMD_STOP, 0, false).map(|_| 0),
        }
    }

    pub fn start(&self, fd: FileId) -> Result<i32, Errno> {
        match self.dev.info().kind {
            CodecKind::Encoder => self.enc_cmd(fd, V4L2_ENC_CMD_START, 0, false).map(|_| 0),
            _ => self.dec_cmd(fd, V4L2_DEC_CMD_START, 0, false).map(|_| 0),
        }
    }

    // ---- controls ----

    pub fn g_ctrl(&self, fd: FileId, id: u32) -> Result<i32, Errno> {
        self.client(fd).g_ctrl(id)
    }

    pub fn s_ctrl(&self, fd: FileId, id: u32, value: i32) -> Result<i32, Errno> {
        self.client(fd).s_ctrl(id, value)
    }

    /// G/S/TRY_EXT_CTRLS on `ctrls`; returns the result and `error_idx`.
    pub fn ext_ctrls(
        &self,
        fd: FileId,
        request: u32,
        which: u32,
        ctrls: &mut [v4l2_ext_control],
    ) -> (Result<i32, Errno>, u32) {
        let op = match request {
            VIDIOC_G_EXT_CTRLS => CtrlOp::Get,
            VIDIOC_S_EXT_CTRLS => CtrlOp::Set,
            VIDIOC_TRY_EXT_CTRLS => CtrlOp::Try,
            other => panic!("test bug: {other:#x} is no extended-control request"),
        };
        let reply = self.client(fd).ext_ctrls(op, which, ctrls);
        (reply.result.map(|()| 0), reply.error_idx)
    }

    pub fn priority(&self, fd: FileId) -> u32 {
        let mut p = 0u32;
        self.ioctl(fd, VIDIOC_G_PRIORITY, &mut p).expect("G_PRIORITY");
        p
    }

    pub fn set_priority(&self, fd: FileId, p: u32) -> Result<i32, Errno> {
        let mut p = p;
        self.ioctl(fd, VIDIOC_S_PRIORITY, &mut p)
    }
}

/// A DQBUF's typed outcome as the errno-style result the tests assert on: "not ready"
/// is `EAGAIN` and "end of stream" `EPIPE`, as the device answered.
fn dequeued(outcome: Result<DqBuf, Errno>) -> Result<(), Errno> {
    match outcome? {
        DqBuf::Buffer | DqBuf::LastBuffer => Ok(()),
        DqBuf::NotReady => Err(Errno::EAGAIN),
        DqBuf::EndOfStream => Err(Errno::EPIPE),
    }
}

pub fn ext(id: u32, value: i32) -> v4l2_ext_control {
    let mut c = v4l2_ext_control::zeroed();
    c.id = id;
    c.value = v4l2_ext_control_value { value };
    c
}

pub fn ext64(id: u32, value64: i64) -> v4l2_ext_control {
    let mut c = v4l2_ext_control::zeroed();
    c.id = id;
    c.value = v4l2_ext_control_value { value64 };
    c
}

pub fn ext_value(c: &v4l2_ext_control) -> i32 {
    let v = c.value;
    // SAFETY: plain-old-data union member.
    unsafe { v.value }
}

pub fn ext_value64(c: &v4l2_ext_control) -> i64 {
    let v = c.value;
    // SAFETY: plain-old-data union member.
    unsafe { v.value64 }
}

/// A `v4l2_buffer` with its own plane array (multi-planar).
pub struct Buf {
    pub b: v4l2_buffer,
    pub planes: Box<[v4l2_plane; 8]>,
    pub mp: bool,
}

// SAFETY: the only pointer inside is to `planes`, owned by the same value.
unsafe impl Send for Buf {}

impl Buf {
    pub fn new(ty: u32, memory: u32, index: u32, mp: bool, num_planes: u32) -> Self {
        let mut b = v4l2_buffer::zeroed();
        b.type_ = ty;
        b.memory = memory;
        b.index = index;
        if mp {
            b.length = num_planes;
        }
        Buf { b, planes: Box::new([v4l2_plane::zeroed(); 8]), mp }
    }

    /// The argument to pass to the ioctl (plane pointer refreshed).
    pub fn arg(&mut self) -> &mut v4l2_buffer {
        if self.mp {
            self.b.m.planes = self.planes.as_mut_ptr();
        }
        &mut self.b
    }

    /// The buffer and, multi-planar, its first `length` planes, for the client's calls.
    pub fn parts(&mut self) -> (&mut v4l2_buffer, Option<&mut [v4l2_plane]>) {
        let n = (self.b.length as usize).min(self.planes.len());
        (&mut self.b, self.mp.then(|| &mut self.planes[..n]))
    }

    pub fn set_bytesused(&mut self, plane: usize, n: u32) {
        if self.mp {
            self.planes[plane].bytesused = n;
        } else {
            self.b.bytesused = n;
        }
    }

    pub fn bytesused(&self, plane: usize) -> u32 {
        if self.mp {
            self.planes[plane].bytesused
        } else {
            self.b.bytesused
        }
    }

    pub fn plane_length(&self, plane: usize) -> u32 {
        if self.mp {
            self.planes[plane].length
        } else {
            self.b.length
        }
    }

    pub fn mem_offset(&self, plane: usize) -> u32 {
        // SAFETY: plain-old-data union members.
        unsafe {
            if self.mp {
                self.planes[plane].m.mem_offset
            } else {
                self.b.m.offset
            }
        }
    }

    pub fn set_userptr(&mut self, plane: usize, ptr: *mut u8, len: u32) {
        if self.mp {
            self.planes[plane].m.userptr = ptr as _;
            self.planes[plane].length = len;
        } else {
            self.b.m.userptr = ptr as _;
            self.b.length = len;
        }
    }

    pub fn userptr(&self, plane: usize) -> usize {
        // SAFETY: plain-old-data union members.
        unsafe {
            if self.mp {
                self.planes[plane].m.userptr as usize
            } else {
                self.b.m.userptr as usize
            }
        }
    }

    pub fn index(&self) -> u32 {
        self.b.index
    }

    pub fn flags(&self) -> u32 {
        self.b.flags
    }

    pub fn ts_us(&self) -> u64 {
        self.b.timestamp.tv_sec as u64 * 1_000_000 + self.b.timestamp.tv_usec as u64
    }
}

/// Runs `f` on another thread and fails the test if it does not finish in `secs`.
pub fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs)).expect("operation did not finish in time (hang)")
}

/// Payload of frame `n` (distinct per context via `tag`).
pub fn frame(tag: u8, n: u32, len: usize) -> Vec<u8> {
    (0..len).map(|i| tag.wrapping_mul(31).wrapping_add(n as u8).wrapping_add(i as u8)).collect()
}

pub fn transformed(data: &[u8]) -> Vec<u8> {
    data.iter().map(|&b| transform(b)).collect()
}

/// A small deterministic generator (xorshift64*), so every failure of a randomized test is
/// reproducible from its seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    pub fn fill(&mut self, bytes: &mut [u8]) {
        for chunk in bytes.chunks_mut(8) {
            let v = self.next().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}
