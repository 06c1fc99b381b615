//! Devices registered from outside the board ([`sim_board::Board::register`]): a device
//! with its own memfd arena is mapped from that arena, never from the board's; a device
//! whose memory cannot be mapped is refused.

#![cfg(feature = "openh264")]

use sim_board::{vfs, MemfdArena, NodeMemory};
use v4l2m2m::{abi, BufferApi, CodecKind, DeviceInfo};

fn info() -> DeviceInfo {
    DeviceInfo {
        driver: "sim-h264dec",
        card: "registered decoder",
        bus_info: "platform:registered",
        kind: CodecKind::Decoder,
        api: BufferApi::SinglePlanar,
        userptr: false,
        min_output_buffers: 1,
        min_capture_buffers: sim_h264_decoder::MIN_CAPTURE_BUFFERS,
    }
}

/// Registers a decoder over `arena` at `path` with `memory`.
fn register(path: &'static str, arena: &'static MemfdArena, memory: NodeMemory) {
    let board = sim_board::board();
    let dev = sim_board::leak_device(move || {
        sim_board::DecoderDevice::new(
            sim_h264_decoder::SimH264Decoder::new(BufferApi::SinglePlanar),
            info(),
            sim_board::board().glue(),
            &arena.arena,
        )
    });
    board.register(path, dev, memory).expect("register");
}

/// REQBUFS(1) and QUERYBUF on the OUTPUT queue of `fd`: the buffer's mmap offset and length.
fn one_output_buffer(fd: vfs::RawFd) -> (u64, usize) {
    let mut req = abi::v4l2_requestbuffers::zeroed();
    req.type_ = abi::V4L2_BUF_TYPE_VIDEO_OUTPUT;
    req.memory = abi::V4L2_MEMORY_MMAP;
    req.count = 1;
    // SAFETY: `req` is a valid v4l2_requestbuffers for REQBUFS.
    unsafe { vfs::ioctl(fd, abi::VIDIOC_REQBUFS, (&mut req as *mut abi::v4l2_requestbuffers).cast()) }
        .expect("reqbufs");
    let mut buf = abi::v4l2_buffer::zeroed();
    buf.type_ = abi::V4L2_BUF_TYPE_VIDEO_OUTPUT;
    buf.memory = abi::V4L2_MEMORY_MMAP;
    // SAFETY: `buf` is a valid single-planar v4l2_buffer for QUERYBUF.
    unsafe { vfs::ioctl(fd, abi::VIDIOC_QUERYBUF, (&mut buf as *mut abi::v4l2_buffer).cast()) }.expect("querybuf");
    // SAFETY: a union read: QUERYBUF on a single-planar MMAP buffer fills `offset`.
    (u64::from(unsafe { buf.m.offset }), buf.length as usize)
}

#[test]
fn a_device_with_its_own_arena_is_mapped_from_that_arena() {
    let arena: &'static MemfdArena = Box::leak(Box::new(MemfdArena::new(16 << 20).expect("arena")));
    register("/dev/video20", arena, arena.memory());
    assert!(vfs::node_paths().contains(&"/dev/video20"));
    let fd = vfs::open("/dev/video20", vfs::O_RDWR | vfs::O_NONBLOCK).expect("open");
    let (offset, len) = one_output_buffer(fd);
    let board_before = sim_board::board().arena_allocated();
    let p = vfs::mmap(fd, len, offset).expect("mmap");
    // SAFETY: `p` maps `len` >= 4 writable bytes.
    unsafe { p.cast::<u32>().write(0x5a5a_1234) };
    // The write shows in the device's own arena (its only allocation starts at offset 0)...
    // SAFETY: the arena's mapping covers its first page, which holds the buffer.
    assert_eq!(unsafe { arena.base.cast::<u32>().read() }, 0x5a5a_1234);
    assert_eq!(sim_board::board().arena_allocated(), board_before, "nothing taken from the board's arena");
    let m = vfs::mmap_region(fd, len, offset).expect("mmap_region");
    assert_eq!((m.fd, m.file_offset), (arena.fd, 0));
    vfs::munmap_region(&m);
    vfs::munmap(p, len).expect("munmap");
    vfs::close(fd).expect("close");
}

#[test]
fn a_device_with_unmappable_memory_is_refused_not_mapped_elsewhere() {
    let arena: &'static MemfdArena = Box::leak(Box::new(MemfdArena::new(16 << 20).expect("arena")));
    register("/dev/video21", arena, NodeMemory::Unmappable);
    let fd = vfs::open("/dev/video21", vfs::O_RDWR | vfs::O_NONBLOCK).expect("open");
    let (offset, len) = one_output_buffer(fd);
    assert_eq!(vfs::mmap(fd, len, offset), Err(v4l2m2m::Errno::ENXIO));
    assert_eq!(vfs::mmap_region(fd, len, offset), Err(v4l2m2m::Errno::ENXIO));
    // Registered with the board's memory while it uses another arena: refused as well.
    let other: &'static MemfdArena = Box::leak(Box::new(MemfdArena::new(16 << 20).expect("arena")));
    register("/dev/video22", other, sim_board::board().arena().memory());
    let fd2 = vfs::open("/dev/video22", vfs::O_RDWR | vfs::O_NONBLOCK).expect("open");
    let (offset, len) = one_output_buffer(fd2);
    let refused = vfs::mmap(fd2, len, offset);
    // The other arena's base is far from the board's: the plane is outside the board memfd.
    assert_eq!(refused, Err(v4l2m2m::Errno::EINVAL));
    vfs::close(fd).expect("close");
    vfs::close(fd2).expect("close");
}

#[test]
fn a_taken_path_is_refused() {
    let arena: &'static MemfdArena = Box::leak(Box::new(MemfdArena::new(1 << 20).expect("arena")));
    let board = sim_board::board();
    let dev = sim_board::leak_device(move || {
        sim_board::DecoderDevice::new(
            sim_h264_decoder::SimH264Decoder::new(BufferApi::SinglePlanar),
            info(),
            sim_board::board().glue(),
            &arena.arena,
        )
    });
    assert_eq!(board.register("/dev/video1", dev, arena.memory()), Err(v4l2m2m::Errno::EBUSY));
}
