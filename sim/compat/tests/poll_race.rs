//! Two threads waiting on one open of the simulator board's encoder, as GStreamer's
//! v4l2 elements do: a feeder waits for POLLOUT (an OUTPUT buffer to refill) while a
//! drainer waits for POLLIN (an encoded CAPTURE buffer), both with infinite timeouts, with
//! each of poll, select, level-triggered epoll and edge-triggered epoll. Readiness must be
//! level-triggered for every waiter: a wake-up taken by one thread must never leave the
//! other asleep while its event is pending. A round that does not finish is a lost wake-up
//! (the test fails instead of hanging).
//!
//! The test executable defines the interposed symbols, so the layer serves the board's
//! nodes in-process, as it does for a preloaded program.

use core::ffi::c_int;
use std::sync::mpsc;
use std::time::Duration;
use v4l2_sim_compat::interpose as ip;
use v4l2m2m::abi;

const NODE: &core::ffi::CStr = c"/dev/video4";
const WIDTH: u32 = 64;
const HEIGHT: u32 = 48;
const BUFFERS: u32 = 4;
/// Frames per round and rounds per waiting method: enough for a lost wake-up to show in
/// every run of the test (the old single-eventfd readiness stalled within the first rounds).
const FRAMES: u32 = 60;
const ROUNDS: usize = 12;
/// A round that takes this long has lost a wake-up: each takes milliseconds.
const STALL: Duration = Duration::from_secs(60);

#[derive(Clone, Copy, Debug)]
enum Method {
    Poll,
    Select,
    Epoll,
    EpollEdge,
}

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn ioctl<T>(fd: c_int, request: u32, arg: &mut T) -> Result<(), c_int> {
    // SAFETY: `arg` is the live struct `request` encodes.
    let r = unsafe { ip::ioctl(fd, libc::c_ulong::from(request), (arg as *mut T).cast()) };
    if r < 0 {
        Err(errno())
    } else {
        Ok(())
    }
}

/// Opens the encoder (non-blocking: the threads only dequeue what their wait reported),
/// configures 64x48 NV12 in, H.264 out, allocates and streams both queues; returns the fd
/// and the OUTPUT buffer size.
fn setup() -> (c_int, u32) {
    // SAFETY: a C string path.
    let fd = unsafe { ip::open(NODE.as_ptr(), libc::O_RDWR | libc::O_NONBLOCK, 0) };
    assert!(fd >= 0, "open {NODE:?}: errno {}", errno());
    let mut sizeimage = 0;
    for (type_, pixfmt) in [
        (abi::V4L2_BUF_TYPE_VIDEO_OUTPUT, abi::V4L2_PIX_FMT_NV12),
        (abi::V4L2_BUF_TYPE_VIDEO_CAPTURE, abi::V4L2_PIX_FMT_H264),
    ] {
        let mut f = abi::v4l2_format::zeroed();
        f.type_ = type_;
        f.fmt.pix.width = WIDTH;
        f.fmt.pix.height = HEIGHT;
        f.fmt.pix.pixelformat = pixfmt;
        ioctl(fd, abi::VIDIOC_S_FMT, &mut f).expect("S_FMT");
        if type_ == abi::V4L2_BUF_TYPE_VIDEO_OUTPUT {
            // SAFETY: the driver filled the single-planar member.
            sizeimage = unsafe { f.fmt.pix.sizeimage };
        }
        let mut rb = abi::v4l2_requestbuffers::zeroed();
        rb.count = BUFFERS;
        rb.type_ = type_;
        rb.memory = abi::V4L2_MEMORY_MMAP;
        ioctl(fd, abi::VIDIOC_REQBUFS, &mut rb).expect("REQBUFS");
        assert_eq!(rb.count, BUFFERS);
    }
    for i in 0..BUFFERS {
        qbuf(fd, abi::V4L2_BUF_TYPE_VIDEO_CAPTURE, i, 0);
    }
    for type_ in [abi::V4L2_BUF_TYPE_VIDEO_OUTPUT, abi::V4L2_BUF_TYPE_VIDEO_CAPTURE] {
        let mut t = type_ as c_int;
        ioctl(fd, abi::VIDIOC_STREAMON, &mut t).expect("STREAMON");
    }
    (fd, sizeimage)
}

fn qbuf(fd: c_int, type_: u32, index: u32, bytesused: u32) {
    let mut b = abi::v4l2_buffer::zeroed();
    b.type_ = type_;
    b.memory = abi::V4L2_MEMORY_MMAP;
    b.index = index;
    b.bytesused = bytesused;
    ioctl(fd, abi::VIDIOC_QBUF, &mut b).unwrap_or_else(|e| panic!("QBUF type {type_} index {index}: errno {e}"));
}

/// A dequeued buffer, or `None` for EAGAIN.
fn dqbuf(fd: c_int, type_: u32) -> Option<abi::v4l2_buffer> {
    let mut b = abi::v4l2_buffer::zeroed();
    b.type_ = type_;
    b.memory = abi::V4L2_MEMORY_MMAP;
    match ioctl(fd, abi::VIDIOC_DQBUF, &mut b) {
        Ok(()) => Some(b),
        Err(libc::EAGAIN) => None,
        Err(e) => panic!("DQBUF type {type_}: errno {e}"),
    }
}

/// One thread's way of waiting for `events` on `fd`, with an infinite timeout.
struct Waiter {
    method: Method,
    fd: c_int,
    events: i16,
    epfd: c_int,
}

impl Waiter {
    fn new(method: Method, fd: c_int, events: i16) -> Self {
        let mut epfd = -1;
        if matches!(method, Method::Epoll | Method::EpollEdge) {
            // SAFETY: plain syscall wrapper.
            epfd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
            assert!(epfd >= 0);
            let edge = if matches!(method, Method::EpollEdge) { libc::EPOLLET as u32 } else { 0 };
            let mut ev = libc::epoll_event { events: events as u16 as u32 | edge, u64: fd as u64 };
            // SAFETY: a live event for an fd of this test.
            assert_eq!(unsafe { ip::epoll_ctl(epfd, libc::EPOLL_CTL_ADD, fd, &mut ev) }, 0);
        }
        Self { method, fd, events, epfd }
    }

    /// Sleeps until the layer reports one of the events (or an error) on the fd.
    fn wait(&self) {
        let n = match self.method {
            Method::Poll => {
                let mut p = libc::pollfd { fd: self.fd, events: self.events, revents: 0 };
                // SAFETY: one live pollfd.
                unsafe { ip::poll(&mut p, 1, -1) }
            }
            Method::Select => {
                // SAFETY: zeroed fd_sets are empty sets; the fd is below FD_SETSIZE.
                unsafe {
                    let mut r: libc::fd_set = core::mem::zeroed();
                    let mut w: libc::fd_set = core::mem::zeroed();
                    let set = if self.events == libc::POLLIN { &mut r } else { &mut w };
                    libc::FD_SET(self.fd, set);
                    ip::select(self.fd + 1, &mut r, &mut w, core::ptr::null_mut(), core::ptr::null_mut())
                }
            }
            Method::Epoll | Method::EpollEdge => {
                let mut out = libc::epoll_event { events: 0, u64: 0 };
                // SAFETY: room for one event.
                unsafe { ip::epoll_wait(self.epfd, &mut out, 1, -1) }
            }
        };
        assert!(n >= 1, "{:?} wait for {:#x}: {n} (errno {})", self.method, self.events, errno());
    }
}

impl Drop for Waiter {
    fn drop(&mut self) {
        if self.epfd >= 0 {
            // SAFETY: the epoll instance this waiter created.
            unsafe { ip::close(self.epfd) };
        }
    }
}

/// Refills OUTPUT buffers as they come back until `FRAMES` frames were queued, then stops
/// the encoder.
fn feeder(method: Method, fd: c_int, sizeimage: u32) {
    let waiter = Waiter::new(method, fd, libc::POLLOUT);
    let mut queued = 0;
    for i in 0..BUFFERS {
        qbuf(fd, abi::V4L2_BUF_TYPE_VIDEO_OUTPUT, i, sizeimage);
        queued += 1;
    }
    while queued < FRAMES {
        while let Some(b) = dqbuf(fd, abi::V4L2_BUF_TYPE_VIDEO_OUTPUT) {
            if queued < FRAMES {
                qbuf(fd, abi::V4L2_BUF_TYPE_VIDEO_OUTPUT, b.index, sizeimage);
                queued += 1;
            }
        }
        if queued < FRAMES {
            waiter.wait();
        }
    }
    let mut cmd = abi::v4l2_encoder_cmd::zeroed();
    cmd.cmd = abi::V4L2_ENC_CMD_STOP;
    ioctl(fd, abi::VIDIOC_ENCODER_CMD, &mut cmd).expect("ENCODER_CMD STOP");
}

/// Takes encoded buffers and gives them back until the last one; returns how many it got.
fn drainer(method: Method, fd: c_int) -> u32 {
    let waiter = Waiter::new(method, fd, libc::POLLIN);
    let mut got = 0;
    loop {
        while let Some(b) = dqbuf(fd, abi::V4L2_BUF_TYPE_VIDEO_CAPTURE) {
            if b.flags & abi::V4L2_BUF_FLAG_LAST != 0 {
                return got + u32::from(b.bytesused > 0);
            }
            got += 1;
            qbuf(fd, abi::V4L2_BUF_TYPE_VIDEO_CAPTURE, b.index, 0);
        }
        waiter.wait();
    }
}

fn round(method: Method, n: usize) {
    let (fd, sizeimage) = setup();
    let (tx, rx) = mpsc::channel();
    let txf = tx.clone();
    std::thread::spawn(move || {
        feeder(method, fd, sizeimage);
        let _ = txf.send(("feeder", 0));
    });
    std::thread::spawn(move || {
        let got = drainer(method, fd);
        let _ = tx.send(("drainer", got));
    });
    let mut encoded = None;
    for _ in 0..2 {
        match rx.recv_timeout(STALL) {
            Ok(("drainer", got)) => encoded = Some(got),
            Ok(_) => {}
            Err(_) => panic!("{method:?} round {n}: a thread never woke up (lost wake-up)"),
        }
    }
    assert_eq!(encoded, Some(FRAMES), "{method:?} round {n}: every frame encoded");
    // SAFETY: the fd this round opened; both threads are done with it.
    assert_eq!(unsafe { ip::close(fd) }, 0);
}

#[test]
fn feeder_and_drainer_threads_never_lose_a_wake_up() {
    for method in [Method::Poll, Method::Select, Method::Epoll, Method::EpollEdge] {
        for n in 0..ROUNDS {
            round(method, n);
        }
    }
}
