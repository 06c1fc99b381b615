//! The host simulator board (the role of NuttX's `sim`): it gives the framework what a
//! firmware board gives it, on a plain Linux process.
//!
//! - [`HostGlue`]: the [`OsGlue`](v4l2m2m::OsGlue) (futex wait/wake, plus eventfd wake-ups
//!   for open files so that `poll(2)` works on them), whose application memory is
//!   [`ProcessMemory`]: fault-safe copies, so a bad ioctl pointer is `EFAULT`.
//! - A buffer arena in ONE memfd ([`Board::arena_fd`], [`Board::arena_base`]), page-aligned
//!   regions so any buffer can be mapped by offset.
//! - One worker thread per device, running the framework's job loop.
//! - The device nodes in a [`Registry`]: with the `openh264` feature (on by default) the
//!   OpenH264 decoder at `/dev/video1` (multi-planar API) and the same driver at
//!   `/dev/video3` (single-planar API); with the `encoder` feature (on by default) the VENC
//!   H.264 encoder (the `h264-encoder` driver over a model of its block, one block per
//!   node) at `/dev/video2` (multi-planar) and `/dev/video4` (single-planar); with the
//!   `avcodec` feature (off by default) the libavcodec decoder (H.264, HEVC, VP9) at
//!   `/dev/video5` (multi-planar) and `/dev/video6` (single-planar); devices of
//!   other crates join them through
//!   [`Board::register`] (see [below](#devices-from-other-crates)).
//! - [`vfs`]: a small POSIX-like layer (`open`/`close`/`ioctl`/`mmap`/`munmap`/`poll`) in
//!   which every open file is a real kernel fd (an eventfd), as applications use on NuttX.
//!
//! The board is a lazily started process-wide singleton: [`board()`].
//!
//! # A driver that panics
//!
//! A driver runs its jobs on the device's worker thread ([`spawn_worker`]). If it panics
//! there, the worker catches the panic, prints
//! `sim-board: the driver of <path> panicked in the device's worker: <message>` and a
//! second line with the reason to stderr, and **aborts the process**
//! ([`std::process::abort`], SIGABRT). It does not try to keep the device running: the
//! panic may have left the device half-way through a job (the engine marked busy, the
//! file's context lock held, buffers owned by the driver, a codec instance in an unknown
//! state), so nothing the device does afterwards can be trusted, and without a worker
//! every application waiting on the node (DQBUF, poll, STREAMOFF) would hang silently.
//! A loud, immediate end is the only honest outcome, as on a firmware board whose panic
//! handler stops the system (boards/qemu-mps2 prints the panic and exits QEMU).
//!
//! # Devices from other crates
//!
//! A vendor's driver, built outside this tree, runs on the simulator like the in-tree ones:
//! build its [`CodecDevice`] with the board's glue and either the board's arena
//! ([`Board::arena`]) or an arena of its own (a [`MemfdArena`], or any other
//! [`BufferArena`](v4l2m2m::BufferArena)), and register it with [`Board::register`], saying
//! which memory backs its buffers ([`NodeMemory`]). Registration starts the device's
//! worker; it may happen at any time after [`board()`] returned.
//!
//! ```no_run
//! # use v4l2m2m::{CodecDevice, CodecOps, DeviceInfo};
//! # fn example<D: CodecOps + Send + 'static>(driver: D, info: DeviceInfo) {
//! let board = sim_board::board();
//! let dev = sim_board::leak_device(move || {
//!     CodecDevice::<D, 16, 16, 8>::new(driver, info, sim_board::board().glue(), &sim_board::board().arena().arena)
//! });
//! board.register("/dev/video10", dev, board.arena().memory()).expect("register");
//! # }
//! ```
//!
//! Mapping a buffer into an application ([`vfs::mmap`], and the LD_PRELOAD compat layer)
//! maps the memory of the node being mapped: the file offset is the buffer's CPU address
//! minus the base of the node's memfd. A node whose memory is
//! [`NodeMemory::Unmappable`] (a static array, heap memory), or a buffer outside the memfd
//! the node was registered with, is refused (`ENXIO`, with a message on stderr) rather
//! than mapped to other memory.
//!
//! # Configuration (environment, read once at start-up)
//!
//! | variable | default | meaning |
//! | --- | --- | --- |
//! | `SIM_BOARD_DECODER` | `/dev/video1` | path of the multi-planar decoder node |
//! | `SIM_BOARD_DECODER_SP` | `/dev/video3` | path of the single-planar decoder node |
//! | `SIM_BOARD_ENCODER` | `/dev/video2` | path of the multi-planar encoder node |
//! | `SIM_BOARD_ENCODER_SP` | `/dev/video4` | path of the single-planar encoder node |
//! | `SIM_BOARD_AVCODEC` | `/dev/video5` | path of the multi-planar libavcodec decoder node |
//! | `SIM_BOARD_AVCODEC_SP` | `/dev/video6` | path of the single-planar libavcodec decoder node |
//! | `SIM_BOARD_ARENA_MB` | `512` | size of the buffer arena in MiB (virtual; pages are committed on use) |

#![deny(missing_docs)]

mod arena;
#[cfg(feature = "avcodec")]
mod avcodec;
#[cfg(feature = "encoder")]
mod encoder;
mod glue;
mod usercopy;
pub mod vfs;

use std::sync::atomic::Ordering;
use std::sync::{Mutex, OnceLock};

use v4l2m2m::{CodecDevice, CodecOps, Errno, Mapping, Registry, VideoNode};

pub use arena::{MemfdArena, ARENA_ALIGN, ARENA_REGIONS};
#[cfg(feature = "avcodec")]
pub use avcodec::AvcodecDevice;
#[cfg(feature = "encoder")]
pub use encoder::{Encoder, EncoderDevice, EncoderDriver, HostDelay, TIMEOUT_TICKS, WATCHDOG_TICK};
pub use glue::{HostGlue, Watch};
pub use usercopy::ProcessMemory;

/// Open files per device node (V4L2 tools open a node 100 times at once).
pub const FILES: usize = 128;
/// Buffers per queue.
pub const BUFFERS: usize = 32;
/// Pending events per subscription.
pub const EVENTS: usize = 16;
/// Device nodes the registry can hold.
pub const NODES: usize = 16;

/// The decoder device type of this board.
#[cfg(feature = "openh264")]
pub type DecoderDevice = CodecDevice<sim_h264_decoder::SimH264Decoder, FILES, BUFFERS, EVENTS>;

/// What backs a node's MMAP buffers, so that they can be mapped into an application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeMemory {
    /// A memfd that this process mapped at `base` for `size` bytes: the buffer whose CPU
    /// address is `p` is at file offset `p - base` (a [`MemfdArena`]: [`MemfdArena::memory`]).
    Memfd {
        /// The memfd.
        fd: libc::c_int,
        /// Address of the process's mapping of the whole memfd.
        base: usize,
        /// Size of that mapping in bytes.
        size: usize,
    },
    /// Memory that cannot be mapped into an application (a static array, heap memory):
    /// every mmap of the node's buffers is refused with `ENXIO`.
    Unmappable,
}

impl NodeMemory {
    /// Where the plane of `mapping` (from [`VideoNode::mmap`]) lies: the memfd and the page
    /// aligned file offset to map. `ENXIO` when the node's memory is not a memfd, `EINVAL`
    /// when the plane is not inside the memfd (the device does not use the memory it was
    /// registered with) or not page aligned.
    pub fn locate(&self, mapping: &Mapping) -> Result<(libc::c_int, u64), Errno> {
        let NodeMemory::Memfd { fd, base, size } = *self else { return Err(Errno::ENXIO) };
        let addr = mapping.ptr as usize;
        let offset = addr.checked_sub(base).ok_or(Errno::EINVAL)?;
        let end = offset.checked_add(mapping.region.len).ok_or(Errno::EINVAL)?;
        if end > size || offset % ARENA_ALIGN != 0 {
            return Err(Errno::EINVAL);
        }
        Ok((fd, offset as u64))
    }
}

/// One registered node.
#[derive(Clone, Copy)]
struct Node {
    path: &'static str,
    memory: NodeMemory,
}

/// The board: glue, arena, devices and registry.
pub struct Board {
    glue: &'static HostGlue,
    arena: &'static MemfdArena,
    registry: Registry<NODES>,
    nodes: Mutex<Vec<Node>>,
    #[cfg(feature = "openh264")]
    decoders: Vec<(&'static str, &'static DecoderDevice)>,
    #[cfg(feature = "encoder")]
    encoders: Vec<Encoder>,
    #[cfg(feature = "avcodec")]
    avcodec_decoders: Vec<(&'static str, &'static AvcodecDevice)>,
}

static BOARD: OnceLock<Board> = OnceLock::new();
static GLUE: HostGlue = HostGlue::new();

/// The process-wide board, started on first use.
///
/// # Panics
///
/// If the arena cannot be created (out of memory) or a node path is registered twice
/// (misconfigured environment).
pub fn board() -> &'static Board {
    BOARD.get_or_init(|| Board::start().unwrap_or_else(|e| panic!("sim-board: cannot start: {e}")))
}

#[cfg(any(feature = "openh264", feature = "encoder", feature = "avcodec"))]
fn env_path(var: &str, default: &'static str) -> &'static str {
    match std::env::var(var) {
        Ok(p) if !p.is_empty() => Box::leak(p.into_boxed_str()),
        _ => default,
    }
}

/// Builds a value on a thread with a stack large enough for a device (files x buffers x
/// events) even in an unoptimised build, and leaks it: the `&'static` a [`CodecDevice`]
/// registered with [`Board::register`] must be.
///
/// # Panics
///
/// If the thread cannot be started or `build` panics.
pub fn leak_device<T: Send + Sync + 'static>(build: impl FnOnce() -> T + Send + 'static) -> &'static T {
    std::thread::Builder::new()
        .name("sim-board-init".into())
        .stack_size(256 << 20)
        .spawn(move || -> &'static T { Box::leak(Box::new(build())) })
        .expect("sim-board: init thread")
        .join()
        .expect("sim-board: building a device")
}

impl Board {
    fn start() -> Result<Board, String> {
        let arena_mb: usize = std::env::var("SIM_BOARD_ARENA_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(512);
        let arena: &'static MemfdArena =
            Box::leak(Box::new(MemfdArena::new(arena_mb << 20).map_err(|e| format!("arena of {arena_mb} MiB: {e}"))?));
        #[allow(unused_mut)]
        let mut board = Board {
            glue: &GLUE,
            arena,
            registry: Registry::new(),
            nodes: Mutex::new(Vec::new()),
            #[cfg(feature = "openh264")]
            decoders: Vec::new(),
            #[cfg(feature = "encoder")]
            encoders: Vec::new(),
            #[cfg(feature = "avcodec")]
            avcodec_decoders: Vec::new(),
        };
        #[cfg(feature = "openh264")]
        board.start_decoders()?;
        #[cfg(feature = "encoder")]
        board.start_encoders()?;
        #[cfg(feature = "avcodec")]
        board.start_avcodec_decoders()?;
        Ok(board)
    }

    #[cfg(feature = "openh264")]
    fn start_decoders(&mut self) -> Result<(), String> {
        use v4l2m2m::BufferApi;
        let nodes = [
            (env_path("SIM_BOARD_DECODER", "/dev/video1"), BufferApi::MultiPlanar),
            (env_path("SIM_BOARD_DECODER_SP", "/dev/video3"), BufferApi::SinglePlanar),
        ];
        for (path, api) in nodes {
            let dev = self.new_decoder(api);
            self.register(path, dev, self.arena.memory()).map_err(|e| format!("registering {path}: {e}"))?;
            self.decoders.push((path, dev));
        }
        Ok(())
    }

    #[cfg(feature = "openh264")]
    fn new_decoder(&self, api: v4l2m2m::BufferApi) -> &'static DecoderDevice {
        use sim_h264_decoder::SimH264Decoder;
        let info = v4l2m2m::DeviceInfo {
            driver: "sim-h264dec",
            card: "OpenH264 decoder (sim)",
            bus_info: "platform:sim-h264dec",
            kind: v4l2m2m::CodecKind::Decoder,
            api,
            userptr: true,
            min_output_buffers: 2,
            min_capture_buffers: sim_h264_decoder::MIN_CAPTURE_BUFFERS,
        };
        let glue: &'static HostGlue = self.glue;
        let arena: &'static v4l2m2m::MemoryArena<ARENA_REGIONS> = &self.arena.arena;
        let driver = SimH264Decoder::new(api).with_log(log);
        leak_device(move || DecoderDevice::new(driver, info, glue, arena))
    }

    /// Registers the codec device `dev` at `path` and starts its worker thread (which runs
    /// the device's jobs for the life of the process, see [`spawn_worker`]).
    ///
    /// `memory` says what backs the device's MMAP buffers: `board().arena().memory()` for a
    /// device built over the board's arena, [`MemfdArena::memory`] for one with its own
    /// memfd arena, [`NodeMemory::Unmappable`] otherwise. The device must have been built
    /// with the board's glue ([`Board::glue`]), which turns its wake-ups into the eventfd
    /// readiness [`vfs::poll`] and the compat layer wait on.
    ///
    /// `EBUSY` if `path` is taken, `ENOSPC` when the board holds [`NODES`] nodes already.
    pub fn register<D: CodecOps, const F: usize, const B: usize, const E: usize>(
        &self,
        path: &'static str,
        dev: &'static CodecDevice<D, F, B, E>,
        memory: NodeMemory,
    ) -> Result<(), Errno> {
        self.register_node(path, dev, memory)?;
        spawn_worker(path, dev, self.glue);
        Ok(())
    }

    /// Registers a node whose jobs are run by something else than a board worker (a node
    /// that is not a [`CodecDevice`], or one whose worker the caller runs): as
    /// [`Board::register`] without starting a worker.
    pub fn register_node(
        &self,
        path: &'static str,
        node: &'static dyn VideoNode,
        memory: NodeMemory,
    ) -> Result<(), Errno> {
        let mut nodes = self.nodes.lock().unwrap_or_else(|e| e.into_inner());
        self.registry.register(path, node)?;
        nodes.push(Node { path, memory });
        Ok(())
    }

    /// The board's OS glue.
    pub fn glue(&self) -> &'static HostGlue {
        self.glue
    }

    /// The board's own buffer arena (a memfd): build devices over `&arena().arena` and
    /// register them with `arena().memory()`.
    pub fn arena(&self) -> &'static MemfdArena {
        self.arena
    }

    /// The registry of device nodes.
    pub fn registry(&self) -> &Registry<NODES> {
        &self.registry
    }

    /// The node registered at `path`.
    pub fn node(&self, path: &str) -> Option<&'static dyn VideoNode> {
        self.registry.find(path)
    }

    /// What backs the buffers of the node registered at `path`.
    pub fn node_memory(&self, path: &str) -> Option<NodeMemory> {
        let nodes = self.nodes.lock().unwrap_or_else(|e| e.into_inner());
        nodes.iter().find(|n| n.path == path).map(|n| n.memory)
    }

    /// Every registered node path, in registration order.
    pub fn node_paths(&self) -> Vec<&'static str> {
        self.registry.paths().collect()
    }

    /// The decoder devices, with their paths (for statistics).
    #[cfg(feature = "openh264")]
    pub fn decoders(&self) -> &[(&'static str, &'static DecoderDevice)] {
        &self.decoders
    }

    /// The memfd behind the board's own buffer arena (not necessarily that of every node:
    /// see [`Board::node_memory`]).
    pub fn arena_fd(&self) -> libc::c_int {
        self.arena.fd
    }

    /// Where the board itself mapped its arena (region `r` is at `arena_base() + r.offset`).
    pub fn arena_base(&self) -> *mut u8 {
        self.arena.base
    }

    /// Size of the board's arena in bytes.
    pub fn arena_size(&self) -> usize {
        self.arena.size
    }

    /// Bytes of the board's arena currently allocated to buffers.
    pub fn arena_allocated(&self) -> usize {
        self.arena.arena.allocated()
    }
}

/// Starts the worker thread of `dev` (registered at `path`): it runs the framework's job
/// loop (`run_jobs`, then a wait on `job_signal`) for the life of the process.
///
/// The board starts one for each of its devices; it is public so that tests can run a
/// device of their own. A panic of the driver inside a job aborts the process after a
/// message naming `path` (see [the crate documentation](crate#a-driver-that-panics)).
pub fn spawn_worker<D: v4l2m2m::CodecOps, const F: usize, const B: usize, const E: usize>(
    path: &str,
    dev: &'static CodecDevice<D, F, B, E>,
    glue: &'static HostGlue,
) {
    let owned = path.to_string();
    std::thread::Builder::new()
        .name(format!("sim-worker{}", path.rsplit('/').next().unwrap_or(path)))
        .spawn(move || loop {
            let seen = dev.job_signal().load(Ordering::Acquire);
            // The device is not used again after a panic (the process aborts), so no
            // broken invariant can be observed: asserting unwind safety is sound.
            if let Err(payload) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| dev.run_jobs())) {
                driver_panicked(&owned, payload.as_ref());
            }
            v4l2m2m::OsGlue::wait(glue, dev.job_signal(), seen);
        })
        .expect("sim-board: worker thread");
}

/// The board's log: one line on stderr, for what a driver reports to the user (such as
/// a stream it refuses and why).
pub fn log(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "sim-board: {line}");
}

/// Reports a driver panic caught in the worker of `path`, then aborts the process.
fn driver_panicked(path: &str, payload: &(dyn std::any::Any + Send)) -> ! {
    use std::io::Write;
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    // Straight to the stderr handle, not through `eprintln!`: a test harness capturing
    // output would lose the message when the process aborts, and a failed write must
    // not stop the abort.
    let _ = writeln!(
        std::io::stderr(),
        "sim-board: the driver of {path} panicked in the device's worker: {message}\n\
         sim-board: aborting: the device's state cannot be trusted after a driver panic, and \
         applications waiting on {path} would hang"
    );
    std::process::abort()
}
