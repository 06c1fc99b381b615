//! A firmware image in miniature: the framework linked into a `#![no_std]` program with
//! a device in a `static`, a static buffer arena and no heap, driven by an application
//! through V4L2 ioctls (the client library calling the node directly) from a superloop.
//!
//! The codec is a byte inverter (every OUTPUT byte comes back complemented on CAPTURE),
//! enough to exercise formats, buffers, the job scheduler and the drain sequence on a
//! Cortex-M4 under QEMU. The same code also builds and runs on the host.

#![no_std]
#![deny(missing_docs)]

use core::cell::Cell;
use core::sync::atomic::AtomicU32;

use critical_section::Mutex;
use static_cell::StaticCell;

use v4l2m2m::abi::*;
use v4l2m2m::{
    BufferApi, CodecDevice, CodecKind, CodecOps, Completion, DeviceInfo, Direction, Errno, FormatDesc, Formats, Job,
    JobStatus, MemoryArena, OpenFlags, OsGlue, PixFormat, PlaneFormat, VideoNode,
};
use v4l2m2m_client::{Client, DqBuf, NodeFile};

/// Bytes per buffer.
pub const FRAME_BYTES: u32 = 4096;

/// The byte-inverting codec.
pub struct InvertCodec;

fn frame_format() -> PixFormat {
    let mut fmt = PixFormat::empty();
    fmt.width = 64;
    fmt.height = 64;
    fmt.pixelformat = V4L2_PIX_FMT_GREY;
    fmt.num_planes = 1;
    fmt.planes[0] = PlaneFormat { bytesperline: 64, sizeimage: FRAME_BYTES };
    fmt
}

impl CodecOps for InvertCodec {
    type Context = ();

    fn open(&self) -> v4l2m2m::Result<()> {
        Ok(())
    }

    fn default_formats(&self) -> Formats {
        Formats { output: frame_format(), capture: frame_format() }
    }

    fn enum_fmt(&self, _dir: Direction, index: u32) -> v4l2m2m::Result<FormatDesc> {
        match index {
            0 => Ok(FormatDesc { pixelformat: V4L2_PIX_FMT_GREY, flags: 0, description: "8-bit greyscale" }),
            _ => Err(Errno::EINVAL),
        }
    }

    fn try_fmt(&self, _ctx: &(), _formats: &Formats, _dir: Direction, fmt: &mut PixFormat) -> v4l2m2m::Result<()> {
        *fmt = frame_format();
        Ok(())
    }

    fn device_run(&self, _ctx: &mut (), job: Job<'_>) -> JobStatus {
        let handle = job.handle();
        if job.status().output_queued == 0 && job.status().draining {
            let _ = handle.drained();
            return JobStatus::Finished;
        }
        let (Some(src), Some(mut dst)) = (handle.get_buf(Direction::Output), handle.get_buf(Direction::Capture)) else {
            return JobStatus::Finished;
        };
        let n = src.payload(0).len().min(dst.plane_len(0));
        for (out, byte) in dst.plane_mut(0).iter_mut().zip(src.payload(0)) {
            *out = !*byte;
        }
        let stamp = src.timestamp();
        let _ = handle.put_buf(src, Completion::default());
        let _ = handle.put_buf(dst, Completion::done(n as u32, stamp));
        JobStatus::Finished
    }
}

/// OS glue for a single-threaded superloop: nothing ever blocks (files are opened
/// non-blocking and jobs run from the loop), so waiting returns at once, which the
/// [`OsGlue`] contract allows, and waking has nobody to wake.
pub struct SuperloopGlue {
    ticks: Mutex<Cell<u32>>,
}

impl OsGlue for SuperloopGlue {
    fn wait(&self, _word: &AtomicU32, _expected: u32) {}

    fn wake_all(&self, _word: &AtomicU32) {}

    fn monotonic_ns(&self) -> u64 {
        // A critical section rather than an atomic add: Armv6-M cores have none.
        let tick =
            critical_section::with(|cs| self.ticks.borrow(cs).replace(self.ticks.borrow(cs).get().wrapping_add(1)));
        u64::from(tick) * 1000
    }
}

const ARENA_BYTES: usize = 64 * 1024;
static mut POOL: [u8; ARENA_BYTES] = [0; ARENA_BYTES];
static GLUE: SuperloopGlue = SuperloopGlue { ticks: Mutex::new(Cell::new(0)) };
// SAFETY: POOL is used by nothing but this arena.
static ARENA: MemoryArena<16> = unsafe { MemoryArena::new(&raw mut POOL as *mut u8, ARENA_BYTES, 0x2000_0000, 32) };

const INFO: DeviceInfo = DeviceInfo {
    driver: "invert",
    card: "byte inverter",
    bus_info: "platform:invert",
    kind: CodecKind::Encoder,
    api: BufferApi::SinglePlanar,
    userptr: false,
    min_output_buffers: 1,
    min_capture_buffers: 1,
};

/// The device type: 2 files, 4 buffers per queue, 2 events each, one plane per buffer
/// (the codec's only format is single-plane), and one remembered OUTPUT frame per file
/// (the codec completes each CAPTURE buffer from the OUTPUT buffer of the same job).
pub type Device = CodecDevice<InvertCodec, 2, 4, 2, 1, 1>;

/// Where the device lives: a cell in `.bss`, filled once at start-up by [`device`]. A
/// device holds references (the OS glue, the arena, its description), so a `static` of
/// the device itself would sit in `.data` with a flash copy of its whole initialiser;
/// the cell costs no flash, and since a closed file slot is all zero bytes, filling it
/// is a memset and a few stores.
static DEVICE: StaticCell<Device> = StaticCell::new();

/// The device, built on the first call; `None` on later calls (one owner registers it).
pub fn device() -> Option<&'static Device> {
    DEVICE.try_init_with(|| CodecDevice::new(InvertCodec, INFO, &GLUE, &ARENA)).map(|dev| &*dev)
}

/// What a device costs in RAM on this target, from `size_of` of devices with other
/// capacities (the differences isolate each term; nothing is instantiated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RamModel {
    /// Bytes of a [`Device`].
    pub device: usize,
    /// Bytes independent of the capacities.
    pub fixed: usize,
    /// Bytes per open-file slot, without its buffer and event slots.
    pub per_file: usize,
    /// Bytes per buffer slot of one queue (each file has two queues of BUFFERS slots).
    pub per_buffer: usize,
    /// Bytes per stored-event slot (EVENTS).
    pub per_event: usize,
}

const fn device_size<const F: usize, const B: usize, const E: usize>() -> usize {
    core::mem::size_of::<CodecDevice<InvertCodec, F, B, E, 1, 1>>()
}

/// The RAM model of this device type on the target it was built for.
pub const fn ram_model() -> RamModel {
    let file = device_size::<2, 4, 2>() - device_size::<1, 4, 2>();
    // Over eight more slots per queue or file, so that alignment padding averages out.
    let per_buffer = (device_size::<2, 12, 2>() - device_size::<2, 4, 2>()) / 32;
    let per_event = (device_size::<2, 4, 10>() - device_size::<2, 4, 2>()) / 16;
    RamModel {
        device: core::mem::size_of::<Device>(),
        fixed: device_size::<1, 4, 2>() - file,
        per_file: file - 8 * per_buffer - 2 * per_event,
        per_buffer,
        per_event,
    }
}

/// The application's view of an open file of a [`Device`].
type App = Client<NodeFile<'static, Device>>;

fn buffer(buf_type: u32, index: u32) -> v4l2_buffer {
    let mut buf = v4l2_buffer::zeroed();
    buf.type_ = buf_type;
    buf.memory = V4L2_MEMORY_MMAP;
    buf.index = index;
    buf
}

/// What the demo observed.
#[derive(Debug, PartialEq, Eq)]
pub struct DemoReport {
    /// Frames that came back inverted.
    pub frames: u32,
    /// Sum of every byte of every CAPTURE payload.
    pub checksum: u32,
    /// Whether the drain ended with an empty LAST buffer and then EPIPE.
    pub drained: bool,
}

/// Encodes `frames` frames through `dev` with a full drain, as a firmware application
/// would.
pub fn run_demo(dev: &'static Device, frames: u32) -> Result<DemoReport, Errno> {
    let file = dev.open(OpenFlags::NONBLOCK)?;
    let result = drive(dev, &Client::new(NodeFile::new(dev, file)), frames);
    dev.close(file)?;
    result
}

fn drive(dev: &'static Device, app: &App, frames: u32) -> Result<DemoReport, Errno> {
    let (out_t, cap_t) = (V4L2_BUF_TYPE_VIDEO_OUTPUT, V4L2_BUF_TYPE_VIDEO_CAPTURE);
    let file = app.transport().file();
    for buf_type in [out_t, cap_t] {
        let req = app.reqbufs(buf_type, V4L2_MEMORY_MMAP, 2)?;
        for index in 0..req.count {
            let mut buf = buffer(buf_type, index);
            app.querybuf(&mut buf, None)?;
            // SAFETY: reading the plain-old-data union member QUERYBUF filled in.
            let offset = unsafe { buf.m.offset };
            dev.mmap(file, u64::from(offset), FRAME_BYTES as usize)?;
            if buf_type == cap_t {
                app.qbuf(&mut buf, None)?;
            }
        }
    }
    app.streamon(out_t)?;
    app.streamon(cap_t)?;

    let mut report = DemoReport { frames: 0, checksum: 0, drained: false };
    let mut sent = 0;
    let mut free_outputs = [true, true];
    loop {
        // Feed OUTPUT while there is room and input left.
        for (index, free) in free_outputs.iter_mut().enumerate() {
            if sent < frames && *free {
                feed(dev, app, index as u32, sent)?;
                *free = false;
                sent += 1;
                if sent == frames {
                    let mut cmd = v4l2_encoder_cmd::zeroed();
                    cmd.cmd = V4L2_ENC_CMD_STOP;
                    app.encoder_cmd(&mut cmd, false)?;
                }
            }
        }
        dev.run_jobs();
        let mut done = buffer(out_t, 0);
        while app.dqbuf(&mut done, None)?.has_buffer() {
            free_outputs[done.index as usize] = true;
        }
        let mut cap = buffer(cap_t, 0);
        match app.dqbuf(&mut cap, None)? {
            DqBuf::LastBuffer if cap.bytesused == 0 => {
                report.drained = app.dqbuf(&mut buffer(cap_t, 0), None) == Ok(DqBuf::EndOfStream);
                return Ok(report);
            }
            DqBuf::Buffer | DqBuf::LastBuffer => {
                check(dev, app, &cap, &mut report)?;
                app.qbuf(&mut cap, None)?;
            }
            DqBuf::NotReady => {}
            DqBuf::EndOfStream => return Err(Errno::EPIPE),
        }
    }
}

/// Fills OUTPUT buffer `index` with frame `n` and queues it.
fn feed(dev: &Device, app: &App, index: u32, n: u32) -> Result<(), Errno> {
    let file = app.transport().file();
    let mut buf = buffer(V4L2_BUF_TYPE_VIDEO_OUTPUT, index);
    app.querybuf(&mut buf, None)?;
    // SAFETY: reading the plain-old-data union member QUERYBUF filled in.
    let offset = unsafe { buf.m.offset };
    let map = dev.mmap(file, u64::from(offset), FRAME_BYTES as usize)?;
    // SAFETY: the mapping covers FRAME_BYTES of a buffer the application owns
    // (dequeued); the framework hands its address out for exactly this.
    let data = unsafe { core::slice::from_raw_parts_mut(map.ptr, FRAME_BYTES as usize) };
    data.iter_mut().enumerate().for_each(|(i, b)| *b = (i as u32 + n) as u8);
    dev.munmap(map.region);
    buf.bytesused = FRAME_BYTES;
    buf.timestamp.tv_sec = n as _;
    app.qbuf(&mut buf, None)
}

/// Checks a dequeued CAPTURE buffer holds its frame inverted, and adds it to `report`.
fn check(dev: &Device, app: &App, cap: &v4l2_buffer, report: &mut DemoReport) -> Result<(), Errno> {
    // SAFETY: reading the plain-old-data union member DQBUF filled in.
    let offset = unsafe { cap.m.offset };
    let map = dev.mmap(app.transport().file(), u64::from(offset), FRAME_BYTES as usize)?;
    // SAFETY: the buffer was just dequeued: the application owns it.
    let data = unsafe { core::slice::from_raw_parts(map.ptr, cap.bytesused as usize) };
    let expected = data.iter().enumerate().all(|(i, b)| *b == !((i as u32 + cap.timestamp.tv_sec as u32) as u8));
    if expected {
        report.frames += 1;
    }
    report.checksum = data.iter().fold(report.checksum, |sum, b| sum.wrapping_add(u32::from(*b)));
    dev.munmap(map.region);
    Ok(())
}
