//! Benchmark (not a test): the sim board's wake-up path with a lower half that does no
//! work, registered on the board with its worker thread. Per frame the application queues
//! a CAPTURE and an OUTPUT buffer, then dequeues both, blocking (`block`) or after a
//! `vfs::poll` for POLLIN (`poll`); the worker thread runs the job. Prints the median and
//! 90th percentile of the QBUF(OUTPUT) → DQBUF(CAPTURE) latency, and, for scale, the same
//! figures for a bare futex round trip between two threads.
//!
//! `scripts/bench-wake.sh` runs it under `strace -c -f` for the system calls per frame.
//!
//! Usage: `cargo bench -p sim-board --no-default-features --bench wake -- [block|poll|futex] [FRAMES]`

use std::ffi::c_void;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use sim_board::vfs;
use v4l2m2m::abi::*;
use v4l2m2m::{
    BufferApi, CodecDevice, CodecKind, CodecOps, Completion, DeviceInfo, Direction, Errno, FormatDesc, Formats, Job,
    JobStatus, PixFormat, PlaneFormat,
};

const PATH: &str = "/dev/video-bench";

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

fn ioctl<T>(fd: vfs::RawFd, request: u32, arg: &mut T) {
    // SAFETY: `arg` is an exclusive reference to the struct the request encodes.
    unsafe { vfs::ioctl(fd, request, arg as *mut T as *mut c_void) }.expect("ioctl");
}

/// Registers the null device on the board and opens it, both queues streaming.
fn open_null_device() -> vfs::RawFd {
    let board = sim_board::board();
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
    let dev: &'static CodecDevice<NullCodec, 2, 4, 4> =
        Box::leak(Box::new(CodecDevice::new(NullCodec, info, board.glue(), &board.arena().arena)));
    board.register(PATH, dev, board.arena().memory()).expect("register");
    let fd = vfs::open(PATH, vfs::O_RDWR).expect("open");
    for buf_type in [V4L2_BUF_TYPE_VIDEO_OUTPUT, V4L2_BUF_TYPE_VIDEO_CAPTURE] {
        let mut req = v4l2_requestbuffers::zeroed();
        req.type_ = buf_type;
        req.memory = V4L2_MEMORY_MMAP;
        req.count = 1;
        ioctl(fd, VIDIOC_REQBUFS, &mut req);
        let mut on = buf_type as i32;
        ioctl(fd, VIDIOC_STREAMON, &mut on);
    }
    fd
}

/// One frame; returns the QBUF(OUTPUT) → DQBUF(CAPTURE) latency.
fn frame(fd: vfs::RawFd, n: u64, poll: bool) -> Duration {
    let mut buf = v4l2_buffer::zeroed();
    buf.memory = V4L2_MEMORY_MMAP;
    buf.index = 0;
    buf.bytesused = 256;
    buf.timestamp.tv_sec = n as _;
    buf.type_ = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    ioctl(fd, VIDIOC_QBUF, &mut buf);
    buf.type_ = V4L2_BUF_TYPE_VIDEO_OUTPUT;
    ioctl(fd, VIDIOC_QBUF, &mut buf);
    let start = Instant::now();
    if poll {
        let mut fds = [vfs::PollFd { fd, events: vfs::POLLIN, revents: 0 }];
        vfs::poll(&mut fds, -1).expect("poll");
    }
    buf.type_ = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    ioctl(fd, VIDIOC_DQBUF, &mut buf);
    let latency = start.elapsed();
    buf.type_ = V4L2_BUF_TYPE_VIDEO_OUTPUT;
    ioctl(fd, VIDIOC_DQBUF, &mut buf);
    latency
}

fn futex(word: &AtomicU32, op: i32, val: u32) {
    // SAFETY: FUTEX_WAIT/FUTEX_WAKE on a valid, aligned word, no timeout.
    unsafe {
        libc::syscall(libc::SYS_futex, word.as_ptr(), op | libc::FUTEX_PRIVATE_FLAG, val, core::ptr::null::<u8>());
    }
}

/// A bare futex round trip: a thread waits on a word, the main thread bumps it and wakes
/// it; the latency is from before the wake to the waiter's return.
fn futex_round_trips(frames: u64) -> Vec<Duration> {
    static WORD: AtomicU32 = AtomicU32::new(0);
    static BACK: AtomicU32 = AtomicU32::new(0);
    static STAMP: std::sync::Mutex<Option<Instant>> = std::sync::Mutex::new(None);
    let waiter = std::thread::spawn(move || {
        let mut out = Vec::with_capacity(frames as usize);
        for i in 0..frames as u32 {
            while WORD.load(Ordering::Acquire) == i {
                futex(&WORD, libc::FUTEX_WAIT, i);
            }
            let woke = Instant::now();
            let sent = STAMP.lock().unwrap().expect("stamped");
            out.push(woke - sent);
            BACK.store(i + 1, Ordering::Release);
            futex(&BACK, libc::FUTEX_WAKE, 1);
        }
        out
    });
    for i in 0..frames as u32 {
        // Let the waiter go to sleep first.
        std::thread::sleep(Duration::from_micros(50));
        *STAMP.lock().unwrap() = Some(Instant::now());
        WORD.store(i + 1, Ordering::Release);
        futex(&WORD, libc::FUTEX_WAKE, 1);
        while BACK.load(Ordering::Acquire) == i {
            futex(&BACK, libc::FUTEX_WAIT, i);
        }
    }
    waiter.join().expect("waiter")
}

fn report(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e6;
    println!("wake: {what}: {} samples, median {:.1} us, p90 {:.1} us", samples.len(), at(0.5), at(0.9));
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "block".into());
    let frames: u64 = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    if mode == "futex" {
        report("bare futex round trip", futex_round_trips(frames));
        return;
    }
    let fd = open_null_device();
    let poll = mode == "poll";
    let samples: Vec<Duration> = (0..frames).map(|n| frame(fd, n, poll)).collect();
    report(&format!("QBUF(OUTPUT) -> DQBUF(CAPTURE), {mode}"), samples);
    vfs::close(fd).expect("close");
}
