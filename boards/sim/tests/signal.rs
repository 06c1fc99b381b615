//! Signals and blocking calls, as on Linux: a thread blocked in DQBUF or DQEVENT whose
//! signal handler runs returns EINTR, unless the handler was installed with SA_RESTART,
//! in which case the call goes on and completes when its buffer is done.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use sim_board::vfs;
use v4l2m2m::{abi, Errno};

/// The encoder's single-planar node: it blocks only on what the test feeds it.
const NODE: &str = "/dev/video4";
/// Signals are tested one at a time (the handler is process-wide).
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
static HANDLED: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_signal(_: libc::c_int) {
    HANDLED.fetch_add(1, Ordering::SeqCst);
}

fn install(restart: bool) {
    // SAFETY: a zeroed sigaction is valid; the handler only touches an atomic.
    unsafe {
        let mut sa: libc::sigaction = core::mem::zeroed();
        sa.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
        sa.sa_flags = if restart { libc::SA_RESTART } else { 0 };
        libc::sigemptyset(&mut sa.sa_mask);
        assert_eq!(libc::sigaction(libc::SIGUSR1, &sa, core::ptr::null_mut()), 0);
    }
}

fn ioctl<T>(fd: vfs::RawFd, request: u32, arg: &mut T) -> Result<i32, Errno> {
    // SAFETY: `arg` is the live struct `request` encodes.
    unsafe { vfs::ioctl(fd, request, (arg as *mut T).cast()) }
}

/// A blocking open of the encoder, 64x48 NV12 to H.264, two buffers per queue, both
/// streaming, every CAPTURE buffer queued: a DQBUF(CAPTURE) then blocks until an OUTPUT
/// frame is queued. Returns the fd and the OUTPUT buffer size.
fn streaming_encoder() -> (vfs::RawFd, u32) {
    let fd = vfs::open(NODE, vfs::O_RDWR).expect("open");
    let mut sizeimage = 0;
    for (type_, pixfmt) in [
        (abi::V4L2_BUF_TYPE_VIDEO_OUTPUT, abi::V4L2_PIX_FMT_NV12),
        (abi::V4L2_BUF_TYPE_VIDEO_CAPTURE, abi::V4L2_PIX_FMT_H264),
    ] {
        let mut f = abi::v4l2_format::zeroed();
        f.type_ = type_;
        f.fmt.pix.width = 64;
        f.fmt.pix.height = 48;
        f.fmt.pix.pixelformat = pixfmt;
        ioctl(fd, abi::VIDIOC_S_FMT, &mut f).expect("S_FMT");
        // SAFETY: the driver filled the single-planar member.
        sizeimage = sizeimage.max(unsafe { f.fmt.pix.sizeimage } * u32::from(type_ == abi::V4L2_BUF_TYPE_VIDEO_OUTPUT));
        let mut rb = abi::v4l2_requestbuffers::zeroed();
        rb.count = 2;
        rb.type_ = type_;
        rb.memory = abi::V4L2_MEMORY_MMAP;
        ioctl(fd, abi::VIDIOC_REQBUFS, &mut rb).expect("REQBUFS");
    }
    for i in 0..2 {
        qbuf(fd, abi::V4L2_BUF_TYPE_VIDEO_CAPTURE, i, 0);
    }
    for type_ in [abi::V4L2_BUF_TYPE_VIDEO_OUTPUT, abi::V4L2_BUF_TYPE_VIDEO_CAPTURE] {
        let mut t = type_ as i32;
        ioctl(fd, abi::VIDIOC_STREAMON, &mut t).expect("STREAMON");
    }
    (fd, sizeimage)
}

fn qbuf(fd: vfs::RawFd, type_: u32, index: u32, bytesused: u32) {
    let mut b = abi::v4l2_buffer::zeroed();
    b.type_ = type_;
    b.memory = abi::V4L2_MEMORY_MMAP;
    b.index = index;
    b.bytesused = bytesused;
    ioctl(fd, abi::VIDIOC_QBUF, &mut b).expect("QBUF");
}

fn dqbuf_capture(fd: vfs::RawFd) -> Result<i32, Errno> {
    let mut b = abi::v4l2_buffer::zeroed();
    b.type_ = abi::V4L2_BUF_TYPE_VIDEO_CAPTURE;
    b.memory = abi::V4L2_MEMORY_MMAP;
    ioctl(fd, abi::VIDIOC_DQBUF, &mut b)
}

fn dqevent(fd: vfs::RawFd) -> Result<i32, Errno> {
    let mut e = abi::v4l2_event::zeroed();
    ioctl(fd, abi::VIDIOC_DQEVENT, &mut e)
}

/// What an ioctl of the VFS answers.
type Answer = Result<i32, Errno>;

/// Runs `call` on a new thread and signals that thread every few milliseconds until it
/// returns or `signals` were handled; returns the result (or `None` if the call is still
/// blocked) and the thread's result channel.
fn signal_while_blocked(
    call: fn(vfs::RawFd) -> Answer,
    fd: vfs::RawFd,
    signals: usize,
) -> (Option<Answer>, mpsc::Receiver<Answer>) {
    let (tx, rx) = mpsc::channel();
    let (tid_tx, tid_rx) = mpsc::channel();
    std::thread::spawn(move || {
        // SAFETY: pthread_self has no preconditions.
        tid_tx.send(unsafe { libc::pthread_self() }).unwrap();
        let _ = tx.send(call(fd));
    });
    let tid = tid_rx.recv().unwrap();
    let start = HANDLED.load(Ordering::SeqCst);
    while HANDLED.load(Ordering::SeqCst) - start < signals {
        std::thread::sleep(Duration::from_millis(10));
        if let Ok(r) = rx.try_recv() {
            return (Some(r), rx);
        }
        // SAFETY: `tid` is a live thread (it has not sent its result yet).
        assert_eq!(unsafe { libc::pthread_kill(tid, libc::SIGUSR1) }, 0);
    }
    (rx.recv_timeout(Duration::from_millis(50)).ok(), rx)
}

#[test]
fn a_signal_interrupts_a_blocking_dqbuf_and_dqevent_with_eintr() {
    let _s = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    install(false);
    let (fd, _) = streaming_encoder();
    let (r, _) = signal_while_blocked(dqbuf_capture, fd, 1000);
    assert_eq!(r, Some(Err(Errno::EINTR)), "DQBUF");
    let mut sub = abi::v4l2_event_subscription::zeroed();
    sub.type_ = abi::V4L2_EVENT_EOS;
    ioctl(fd, abi::VIDIOC_SUBSCRIBE_EVENT, &mut sub).expect("SUBSCRIBE_EVENT");
    let (r, _) = signal_while_blocked(dqevent, fd, 1000);
    assert_eq!(r, Some(Err(Errno::EINTR)), "DQEVENT");
    vfs::close(fd).expect("close");
}

#[test]
fn with_sa_restart_a_blocking_dqbuf_goes_on_and_completes() {
    let _s = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    install(true);
    let (fd, sizeimage) = streaming_encoder();
    let (r, rx) = signal_while_blocked(dqbuf_capture, fd, 5);
    assert_eq!(r, None, "DQBUF returned while signalled: {r:?}");
    qbuf(fd, abi::V4L2_BUF_TYPE_VIDEO_OUTPUT, 0, sizeimage);
    assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok(Ok(0)), "DQBUF after the frame was encoded");
    vfs::close(fd).expect("close");
}
