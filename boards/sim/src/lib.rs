//! The host simulator board (the role of NuttX's `sim`): it gives the framework what a
//! firmware board gives it, on a plain Linux process.
//!
//! - [`HostGlue`]: the [`OsGlue`](v4l2m2m::OsGlue) (futex wait/wake, plus eventfd wake-ups
//!   for open files so that `poll(2)` works on them).
//! - A buffer arena in ONE memfd ([`Board::arena_fd`], [`Board::arena_base`]), page-aligned
//!   regions so any buffer can be mapped by offset.
//! - One worker thread per device, running the framework's job loop.
//! - The device nodes in a [`Registry`]: the OpenH264 decoder at `/dev/video1`
//!   (multi-planar API) and the same driver at `/dev/video3` (single-planar API).
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
//! # Configuration (environment, read once at start-up)
//!
//! | variable | default | meaning |
//! | --- | --- | --- |
//! | `SIM_BOARD_DECODER` | `/dev/video1` | path of the multi-planar decoder node |
//! | `SIM_BOARD_DECODER_SP` | `/dev/video3` | path of the single-planar decoder node |
//! | `SIM_BOARD_ARENA_MB` | `512` | size of the buffer arena in MiB (virtual; pages are committed on use) |

#![deny(missing_docs)]

mod arena;
mod glue;
pub mod vfs;

use std::sync::atomic::Ordering;
use std::sync::OnceLock;

use sim_h264_decoder::SimH264Decoder;
use v4l2m2m::{BufferApi, CodecDevice, CodecKind, DeviceInfo, Registry, VideoNode};

pub use arena::{MemfdArena, ARENA_ALIGN, ARENA_REGIONS};
pub use glue::HostGlue;

/// Open files per device node (V4L2 tools open a node 100 times at once).
pub const FILES: usize = 128;
/// Buffers per queue.
pub const BUFFERS: usize = 32;
/// Pending events per subscription.
pub const EVENTS: usize = 16;
/// Device nodes the registry can hold.
pub const NODES: usize = 8;

/// The decoder device type of this board.
pub type DecoderDevice = CodecDevice<SimH264Decoder, FILES, BUFFERS, EVENTS>;

/// The board: glue, arena, devices and registry.
pub struct Board {
    glue: &'static HostGlue,
    arena: &'static MemfdArena,
    registry: Registry<NODES>,
    decoders: Vec<(&'static str, &'static DecoderDevice)>,
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

fn env_path(var: &str, default: &'static str) -> &'static str {
    match std::env::var(var) {
        Ok(p) if !p.is_empty() => Box::leak(p.into_boxed_str()),
        _ => default,
    }
}

impl Board {
    fn start() -> Result<Board, String> {
        let arena_mb: usize = std::env::var("SIM_BOARD_ARENA_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(512);
        let arena: &'static MemfdArena =
            Box::leak(Box::new(MemfdArena::new(arena_mb << 20).map_err(|e| format!("arena of {arena_mb} MiB: {e}"))?));
        let mut board = Board { glue: &GLUE, arena, registry: Registry::new(), decoders: Vec::new() };
        let nodes = [
            (env_path("SIM_BOARD_DECODER", "/dev/video1"), BufferApi::MultiPlanar),
            (env_path("SIM_BOARD_DECODER_SP", "/dev/video3"), BufferApi::SinglePlanar),
        ];
        for (path, api) in nodes {
            let dev = board.new_decoder(api);
            board.registry.register(path, dev).map_err(|e| format!("registering {path}: {e}"))?;
            board.decoders.push((path, dev));
            spawn_worker(path, dev, board.glue);
        }
        Ok(board)
    }

    fn new_decoder(&self, api: BufferApi) -> &'static DecoderDevice {
        let info = DeviceInfo {
            driver: "sim-h264dec",
            card: "OpenH264 decoder (sim)",
            bus_info: "platform:sim-h264dec",
            kind: CodecKind::Decoder,
            api,
            userptr: true,
            min_output_buffers: 2,
            min_capture_buffers: sim_h264_decoder::MIN_CAPTURE_BUFFERS,
        };
        let glue: &'static HostGlue = self.glue;
        let arena: &'static v4l2m2m::MemoryArena<ARENA_REGIONS> = &self.arena.arena;
        // The device is a large value (files x buffers): build it on a thread with a stack
        // big enough for unoptimised builds, straight into a leaked box.
        std::thread::Builder::new()
            .name("sim-board-init".into())
            .stack_size(256 << 20)
            .spawn(move || -> &'static DecoderDevice {
                Box::leak(Box::new(DecoderDevice::new(SimH264Decoder::new(api), info, glue, arena)))
            })
            .expect("sim-board: init thread")
            .join()
            .expect("sim-board: building a device")
    }

    /// The board's OS glue.
    pub fn glue(&self) -> &'static HostGlue {
        self.glue
    }

    /// The registry of device nodes.
    pub fn registry(&self) -> &Registry<NODES> {
        &self.registry
    }

    /// The node registered at `path`.
    pub fn node(&self, path: &str) -> Option<&'static dyn VideoNode> {
        self.registry.find(path)
    }

    /// Every registered node path, in registration order.
    pub fn node_paths(&self) -> Vec<&'static str> {
        self.registry.paths().collect()
    }

    /// The decoder devices, with their paths (for statistics).
    pub fn decoders(&self) -> &[(&'static str, &'static DecoderDevice)] {
        &self.decoders
    }

    /// The memfd behind the buffer arena: map a buffer region with
    /// `mmap(arena_fd(), region.len, ..., MAP_SHARED, region.offset)`.
    pub fn arena_fd(&self) -> libc::c_int {
        self.arena.fd
    }

    /// Where the board itself mapped the arena (region `r` is at `arena_base() + r.offset`).
    pub fn arena_base(&self) -> *mut u8 {
        self.arena.base
    }

    /// Size of the arena in bytes.
    pub fn arena_size(&self) -> usize {
        self.arena.size
    }

    /// Bytes of the arena currently allocated to buffers.
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
