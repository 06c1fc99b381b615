//! A driver that panics in its worker: the board prints which device it was and aborts
//! the process (instead of leaving every application of the device hanging).
//!
//! The panic happens in a child process: this test binary run again with
//! `SIM_BOARD_PANIC_CHILD` set, filtered to this test. The child builds a small device of
//! its own whose driver panics in `device_run`, starts its worker with
//! [`sim_board::spawn_worker`], and queues one OUTPUT buffer so that a job runs.

use std::ffi::c_void;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::time::Duration;

use sim_board::{spawn_worker, HostGlue, MemfdArena};
use v4l2m2m::{
    abi, BufferApi, CodecDevice, CodecKind, CodecOps, DeviceInfo, Direction, Errno, FormatDesc, Formats, Job,
    JobStatus, OpenFlags, PixFormat, PlaneFormat, QueueStatus, Result, VideoNode,
};

const CHILD: &str = "SIM_BOARD_PANIC_CHILD";
const PATH: &str = "/dev/panic0";
const PANIC: &str = "test driver panics in device_run";

/// A decoder-shaped driver whose every job panics.
struct PanicDriver;

fn format(fourcc: u32, sizeimage: u32) -> PixFormat {
    let mut f = PixFormat::empty();
    f.width = 64;
    f.height = 64;
    f.pixelformat = fourcc;
    f.num_planes = 1;
    f.planes[0] = PlaneFormat { bytesperline: 0, sizeimage };
    f
}

impl CodecOps for PanicDriver {
    type Context = ();

    fn open(&self) -> Result<()> {
        Ok(())
    }

    fn default_formats(&self) -> Formats {
        Formats {
            output: format(abi::V4L2_PIX_FMT_H264, 4096),
            capture: format(abi::V4L2_PIX_FMT_YUV420, 64 * 64 * 3 / 2),
        }
    }

    fn enum_fmt(&self, dir: Direction, index: u32) -> Result<FormatDesc> {
        let d = match dir {
            Direction::Output => FormatDesc {
                pixelformat: abi::V4L2_PIX_FMT_H264,
                flags: abi::V4L2_FMT_FLAG_COMPRESSED,
                description: "H.264",
            },
            Direction::Capture => {
                FormatDesc { pixelformat: abi::V4L2_PIX_FMT_YUV420, flags: 0, description: "YUV 4:2:0" }
            }
        };
        if index == 0 {
            Ok(d)
        } else {
            Err(Errno::EINVAL)
        }
    }

    fn try_fmt(&self, _ctx: &(), formats: &Formats, dir: Direction, fmt: &mut PixFormat) -> Result<()> {
        *fmt = match dir {
            Direction::Output => formats.output,
            Direction::Capture => formats.capture,
        };
        Ok(())
    }

    fn job_ready(&self, status: &QueueStatus) -> bool {
        status.output_streaming && status.output_queued > 0
    }

    fn device_run(&self, _ctx: &mut (), _job: Job<'_>) -> JobStatus {
        panic!("{PANIC}");
    }
}

/// Performs `request` on the node with `arg`.
fn ioctl<T>(dev: &dyn VideoNode, file: v4l2m2m::FileId, request: u32, arg: &mut T) -> Result<i32> {
    assert_eq!(((request >> 16) & 0x3fff) as usize, core::mem::size_of::<T>());
    // SAFETY: `arg` is a valid, exclusive value of the size `request` encodes, the
    // videodev2.h struct of that request (single-planar: no pointers inside).
    unsafe { dev.ioctl(file, request, (arg as *mut T).cast::<c_void>()) }
}

/// The child: a job of the panicking driver runs; the process must abort.
fn child() -> ! {
    static GLUE: HostGlue = HostGlue::new();
    let arena: &'static MemfdArena = Box::leak(Box::new(MemfdArena::new(16 << 20).expect("arena")));
    let info = DeviceInfo {
        driver: "panic",
        card: "panicking test driver",
        bus_info: "platform:panic",
        kind: CodecKind::Decoder,
        api: BufferApi::SinglePlanar,
        userptr: false,
        min_output_buffers: 1,
        min_capture_buffers: 1,
    };
    let dev: &'static CodecDevice<PanicDriver, 2, 4, 4> =
        Box::leak(Box::new(CodecDevice::new(PanicDriver, info, &GLUE, &arena.arena)));
    spawn_worker(PATH, dev, &GLUE);
    let file = dev.open(OpenFlags::NONBLOCK).expect("open");
    let mut req = abi::v4l2_requestbuffers::zeroed();
    req.count = 1;
    req.type_ = abi::V4L2_BUF_TYPE_VIDEO_OUTPUT;
    req.memory = abi::V4L2_MEMORY_MMAP;
    ioctl(dev, file, abi::VIDIOC_REQBUFS, &mut req).expect("REQBUFS");
    let mut b = abi::v4l2_buffer::zeroed();
    b.index = 0;
    b.type_ = abi::V4L2_BUF_TYPE_VIDEO_OUTPUT;
    b.memory = abi::V4L2_MEMORY_MMAP;
    b.bytesused = 16;
    ioctl(dev, file, abi::VIDIOC_QBUF, &mut b).expect("QBUF");
    let mut t = abi::V4L2_BUF_TYPE_VIDEO_OUTPUT;
    ioctl(dev, file, abi::VIDIOC_STREAMON, &mut t).expect("STREAMON");
    // The worker runs the job now and aborts the process.
    std::thread::sleep(Duration::from_secs(20));
    eprintln!("child: still alive 20 s after the driver panicked");
    std::process::exit(0);
}

#[test]
fn driver_panic_in_worker_aborts_with_the_device_path() {
    if std::env::var_os(CHILD).is_some() {
        child();
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "driver_panic_in_worker_aborts_with_the_device_path", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .expect("running the child");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGABRT),
        "the child was not aborted ({}); stderr:\n{stderr}",
        out.status
    );
    assert!(
        stderr.contains(&format!("sim-board: the driver of {PATH} panicked in the device's worker: {PANIC}")),
        "no panic report on stderr:\n{stderr}"
    );
}
