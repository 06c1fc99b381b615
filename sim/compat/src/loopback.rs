//! An interim board for the compat layer: the framework's own loopback test codec
//! (framework/tests/support) as a multi-planar decoder at /dev/video1 and a single-planar
//! one at /dev/video3, over a memfd arena. It exercises the framework through real tools
//! before (or without) the simulator board; the `sim-board` feature serves the real board.

#[allow(dead_code, unused_imports, clippy::all)]
#[path = "../../../framework/tests/support/mod.rs"]
mod support;

use crate::backend::Backend;
use crate::nodes::{EventfdGlue, NodesBackend};
use std::sync::atomic::Ordering;
use v4l2m2m::{BufferApi, CodecDevice, CodecKind, DeviceInfo, MemoryArena, VideoNode};

type Dev = CodecDevice<support::TestCodec, 128, 32, 16>;
const ARENA_SIZE: usize = 64 << 20;

static GLUE: EventfdGlue = EventfdGlue::new();

pub fn backend() -> &'static dyn Backend {
    // SAFETY: memfd_create with a NUL-terminated name literal.
    let fd = unsafe { libc::memfd_create(c"v4l2-sim-loopback-arena".as_ptr(), libc::MFD_CLOEXEC) };
    // SAFETY: resizing the fresh memfd.
    assert!(fd >= 0 && unsafe { libc::ftruncate(fd, ARENA_SIZE as i64) } == 0, "loopback arena");
    // SAFETY: a fresh shared mapping of the whole memfd, leaked on purpose (it backs the arena).
    let p = unsafe {
        libc::mmap(core::ptr::null_mut(), ARENA_SIZE, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED, fd, 0)
    };
    assert!(p != libc::MAP_FAILED);
    let base = p.cast::<u8>();
    // SAFETY: the mapping is valid for ARENA_SIZE bytes for the life of the process.
    let arena: &'static MemoryArena<1024> =
        Box::leak(Box::new(unsafe { MemoryArena::new(base, ARENA_SIZE, 0x8000_0000, 4096) }));
    let mut nodes: Vec<(String, &'static dyn VideoNode)> = Vec::new();
    for (path, api, mplane) in
        [("/dev/video1", BufferApi::MultiPlanar, true), ("/dev/video3", BufferApi::SinglePlanar, false)]
    {
        let info = DeviceInfo {
            driver: "loopback",
            card: "loopback test codec",
            bus_info: "platform:loopback",
            kind: CodecKind::Decoder,
            api,
            userptr: true,
            min_output_buffers: 2,
            min_capture_buffers: 3,
        };
        let driver = support::TestCodec { mplane, k: support::Knobs::default() };
        driver.k.decoder.store(true, Ordering::SeqCst);
        // The device is large (128 files x 32 buffers): build it on a thread with a stack
        // big enough for an unoptimised build's temporaries.
        let dev: &'static Dev = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(move || &*Box::leak(Box::new(Dev::new(driver, info, &GLUE, arena))))
            .expect("thread")
            .join()
            .expect("device");
        std::thread::Builder::new()
            .name(format!("loopback-worker{path}"))
            .spawn(move || {
                let _in = crate::state::Inside::enter();
                loop {
                    let seen = dev.job_signal().load(Ordering::Acquire);
                    dev.run_jobs();
                    v4l2m2m::OsGlue::wait(&GLUE, dev.job_signal(), seen);
                }
            })
            .expect("worker thread");
        nodes.push((path.to_string(), dev));
    }
    Box::leak(Box::new(NodesBackend::new(nodes, &GLUE, fd)))
}
