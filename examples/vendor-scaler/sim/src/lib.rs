//! The vendor scaler on the host simulator board: a model of the block (an engine thread
//! that reads and writes buffer memory by bus address, runs [`vendor_scaler::scale`] and
//! raises the interrupt), the registration of two nodes, and, built as a `cdylib`, a
//! compat library that serves them to unmodified Linux tools:
//!
//! - `/dev/video10`: multi-planar API, buffers in the board's arena;
//! - `/dev/video11`: single-planar API, buffers in an arena of the driver's own.
//!
//! ```sh
//! scripts/v4l2-sim-run --lib examples/vendor-scaler/target/release/libvendor_scaler_sim.so -- \
//!     v4l2-compliance -d /dev/video10 -s
//! ```

use std::sync::mpsc;

use sim_board::{Board, MemfdArena};
use v4l2m2m::driver::{BufferApi, CodecKind, DeviceInfo};
use v4l2m2m::{ArenaRegion, BufferArena, CodecDevice};
use vendor_scaler::scale::{self, Dest, Plane, PlaneMut, Source};
use vendor_scaler::{EngineJob, Scaler, Surface};

/// The scaler device on the simulator.
pub type ScalerDevice =
    CodecDevice<Scaler<SimEngine>, { sim_board::FILES }, { sim_board::BUFFERS }, { sim_board::EVENTS }>;

/// The block's register interface on the simulator: starting a job sends it to the engine
/// thread.
pub struct SimEngine {
    jobs: mpsc::Sender<EngineJob>,
}

impl vendor_scaler::Engine for SimEngine {
    fn start(&self, job: &EngineJob) {
        // The engine thread lives as long as the process.
        let _ = self.jobs.send(*job);
    }
}

/// The block's view of memory: bus addresses of one arena, and where the process sees them.
#[derive(Clone, Copy)]
struct Bus {
    bus_base: u64,
    cpu_base: usize,
    size: usize,
}

impl Bus {
    fn of(arena: &MemfdArena) -> Bus {
        let bus_base = arena.arena.bus_addr(ArenaRegion { offset: 0, len: 0 });
        Bus { bus_base, cpu_base: arena.base as usize, size: arena.size }
    }

    /// The CPU address of `s`, if it lies in the arena.
    fn cpu(&self, s: &Surface) -> Option<*mut u8> {
        let offset = usize::try_from(s.addr.checked_sub(self.bus_base)?).ok()?;
        (offset.checked_add(s.len as usize)? <= self.size).then_some((self.cpu_base + offset) as *mut u8)
    }

    /// "DMA": runs the frame of `job` on the memory it addresses.
    fn run(&self, job: &EngineJob) -> Option<()> {
        let src_planes = if job.input == scale::Input::Nv12 { 2 } else { 1 };
        let mut src = [Plane { data: &[], stride: 0 }; 2];
        for (i, s) in job.src.iter().enumerate().take(src_planes) {
            let p = self.cpu(s)?;
            // SAFETY: the driver handed the block this buffer for the job, until the
            // interrupt; nothing writes the OUTPUT buffer meanwhile, and `cpu` checked that
            // the surface lies in the arena's mapping.
            let data = unsafe { core::slice::from_raw_parts(p, s.len as usize) };
            src[i] = Plane { data, stride: s.stride as usize };
        }
        let dst_plane = |s: &Surface| -> Option<PlaneMut<'_>> {
            let p = self.cpu(s)?;
            // SAFETY: as above for the CAPTURE buffer, which only the block touches until
            // the interrupt; the three surfaces are disjoint parts of it.
            let data = unsafe { core::slice::from_raw_parts_mut(p, s.len as usize) };
            Some(PlaneMut { data, stride: s.stride as usize })
        };
        let source =
            Source { input: job.input, width: job.src_size.0 as usize, height: job.src_size.1 as usize, planes: src };
        let mut dest = Dest {
            width: job.dst_size.0 as usize,
            height: job.dst_size.1 as usize,
            planes: [dst_plane(&job.dst[0])?, dst_plane(&job.dst[1])?, dst_plane(&job.dst[2])?],
        };
        scale::scale(&source, &mut dest, job.hflip).ok()
    }
}

fn info(api: BufferApi) -> DeviceInfo {
    DeviceInfo {
        driver: "vendor-scaler",
        card: "Vendor scaler (sim)",
        bus_info: "platform:vendor-scaler",
        kind: CodecKind::Transform,
        api,
        userptr: false,
        min_output_buffers: 1,
        min_capture_buffers: 1,
    }
}

/// Builds a scaler over `arena`, registers it at `path` and starts its engine thread.
///
/// # Panics
///
/// If the path is taken or the board is full.
pub fn register(
    board: &'static Board,
    path: &'static str,
    api: BufferApi,
    arena: &'static MemfdArena,
) -> &'static ScalerDevice {
    let (jobs, engine_jobs) = mpsc::channel::<EngineJob>();
    let dev: &'static ScalerDevice = sim_board::leak_device(move || {
        CodecDevice::new(Scaler::new(SimEngine { jobs }, api), info(api), sim_board::board().glue(), &arena.arena)
    });
    let bus = Bus::of(arena);
    std::thread::Builder::new()
        .name(format!("scaler-engine{}", path.rsplit('/').next().unwrap_or(path)))
        .spawn(move || {
            for job in engine_jobs {
                // A frame the block cannot address is left as it is; the interrupt comes anyway.
                let _ = bus.run(&job);
                dev.driver().irq();
            }
        })
        .expect("scaler engine thread");
    board.register(path, dev, arena.memory()).unwrap_or_else(|e| panic!("registering {path}: {e}"));
    dev
}

/// The board set-up: the multi-planar node over the board's arena, the single-planar one
/// over an arena of its own.
pub fn setup(board: &'static Board) {
    register(board, "/dev/video10", BufferApi::MultiPlanar, board.arena());
    let own: &'static MemfdArena = Box::leak(Box::new(MemfdArena::new(256 << 20).expect("scaler arena")));
    register(board, "/dev/video11", BufferApi::SinglePlanar, own);
}

v4l2_sim_compat::serve!(setup);
