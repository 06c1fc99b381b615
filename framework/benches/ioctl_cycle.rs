//! Cost of one frame's trip through the raw ioctl entry: QBUF on OUTPUT and CAPTURE, the
//! job, DQBUF on both, with a lower half that does no work. Prints nanoseconds per
//! cycle; `scripts/bench-ioctl.sh` runs it under callgrind for instruction counts.
//!
//! Usage: `cargo bench -p v4l2-m2m --bench ioctl_cycle -- [CYCLES]`

use std::ffi::c_void;
use std::hint::black_box;
use std::sync::atomic::AtomicU32;
use std::time::Instant;

use v4l2m2m::abi::*;
use v4l2m2m::{
    BufferApi, CodecDevice, CodecKind, CodecOps, Completion, DeviceInfo, Direction, Errno, FileId, FormatDesc, Formats,
    Job, JobStatus, MemoryArena, OpenFlags, OsGlue, PixFormat, PlaneFormat, VideoNode,
};

struct NullCodec;

fn format() -> PixFormat {
    let mut fmt = PixFormat::empty();
    fmt.width = 16;
    fmt.height = 16;
    fmt.pixelformat = V4L2_PIX_FMT_GREY;
    fmt.num_planes = 1;
    fmt.planes[0] = PlaneFormat { bytesperline: 16, sizeimage: 256 };
    fmt
}

impl CodecOps for NullCodec {
    type Context = ();
    fn open(&self) -> v4l2m2m::Result<()> {
        Ok(())
    }
    fn default_formats(&self) -> Formats {
        Formats { output: format(), capture: format() }
    }
    fn enum_fmt(&self, _: Direction, index: u32) -> v4l2m2m::Result<FormatDesc> {
        (index == 0)
            .then_some(FormatDesc { pixelformat: V4L2_PIX_FMT_GREY, flags: 0, description: "grey" })
            .ok_or(Errno::EINVAL)
    }
    fn try_fmt(&self, _: &(), _: &Formats, _: Direction, fmt: &mut PixFormat) -> v4l2m2m::Result<()> {
        *fmt = format();
        Ok(())
    }
    fn device_run(&self, _: &mut (), job: Job<'_>) -> JobStatus {
        let handle = job.handle();
        if let (Some(src), Some(dst)) = (handle.get_buf(Direction::Output), handle.get_buf(Direction::Capture)) {
            let stamp = src.timestamp();
            let _ = handle.put_buf(src, Completion::default());
            let _ = handle.put_buf(dst, Completion::done(256, stamp));
        }
        JobStatus::Finished
    }
}

struct NoWait;
impl OsGlue for NoWait {
    fn wait(&self, _: &AtomicU32, _: u32) {}
    fn wake_all(&self, _: &AtomicU32) {}
    fn monotonic_ns(&self) -> u64 {
        0
    }
}

static GLUE: NoWait = NoWait;

fn ioctl<T>(dev: &dyn VideoNode, file: FileId, request: u32, arg: &mut T) {
    // SAFETY: `arg` is an exclusive reference to the struct the request encodes.
    unsafe { dev.ioctl(file, request, arg as *mut T as *mut c_void) }.expect("ioctl");
}

fn main() {
    let cycles: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let pool: &'static mut [u8] = Box::leak(vec![0u8; 1 << 20].into_boxed_slice());
    // SAFETY: the leaked pool lives for the program and is used only by this arena.
    let arena: &'static MemoryArena<16> =
        Box::leak(Box::new(unsafe { MemoryArena::new(pool.as_mut_ptr(), pool.len(), 0, 64) }));
    let info = DeviceInfo {
        driver: "null",
        card: "null codec",
        bus_info: "platform:null",
        kind: CodecKind::Encoder,
        api: BufferApi::SinglePlanar,
        userptr: false,
        min_output_buffers: 1,
        min_capture_buffers: 1,
    };
    let dev: &'static CodecDevice<NullCodec, 4, 8, 4> =
        Box::leak(Box::new(CodecDevice::new(NullCodec, info, &GLUE, arena)));
    let file = dev.open(OpenFlags::NONBLOCK).expect("open");
    for buf_type in [V4L2_BUF_TYPE_VIDEO_OUTPUT, V4L2_BUF_TYPE_VIDEO_CAPTURE] {
        let mut req = v4l2_requestbuffers::zeroed();
        req.type_ = buf_type;
        req.memory = V4L2_MEMORY_MMAP;
        req.count = 1;
        ioctl(dev, file, VIDIOC_REQBUFS, &mut req);
        let mut on = buf_type as i32;
        ioctl(dev, file, VIDIOC_STREAMON, &mut on);
    }
    let mut buf = v4l2_buffer::zeroed();
    buf.memory = V4L2_MEMORY_MMAP;
    let start = Instant::now();
    for cycle in 0..cycles {
        for buf_type in [V4L2_BUF_TYPE_VIDEO_CAPTURE, V4L2_BUF_TYPE_VIDEO_OUTPUT] {
            buf.type_ = buf_type;
            buf.index = 0;
            buf.bytesused = 256;
            buf.timestamp.tv_sec = cycle as _;
            ioctl(dev, file, VIDIOC_QBUF, &mut buf);
        }
        dev.run_jobs();
        for buf_type in [V4L2_BUF_TYPE_VIDEO_OUTPUT, V4L2_BUF_TYPE_VIDEO_CAPTURE] {
            buf.type_ = buf_type;
            ioctl(dev, file, VIDIOC_DQBUF, &mut buf);
        }
        black_box(&buf);
    }
    let elapsed = start.elapsed();
    println!(
        "ioctl_cycle: {cycles} cycles (2 QBUF + job + 2 DQBUF each), {:.0} ns/cycle, {:.0} ns/ioctl",
        elapsed.as_nanos() as f64 / cycles as f64,
        elapsed.as_nanos() as f64 / (4 * cycles) as f64
    );
    dev.close(file).expect("close");
}
