//! Formats, buffer ioctls, memory (MMAP, USERPTR, orphaned mappings) and bad input,
//! all through the raw ioctl entry.

mod support;

use std::ffi::c_void;

use support::*;
use v4l2m2m::abi::*;
use v4l2m2m::{Direction, Errno, FileId, OpenFlags};

const OUT: Direction = Direction::Output;
const CAP: Direction = Direction::Capture;

fn manual() -> Harness {
    Harness::with(Opts { worker: false, ..Opts::default() })
}

fn manual_mp() -> Harness {
    Harness::with(Opts { worker: false, mplane: true, ..Opts::default() })
}

fn cstr(bytes: &[u8]) -> &str {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    std::str::from_utf8(&bytes[..end]).unwrap()
}

#[test]
fn querycap_reports_m2m_capabilities() {
    for (h, cap) in [(manual(), V4L2_CAP_VIDEO_M2M), (manual_mp(), V4L2_CAP_VIDEO_M2M_MPLANE)] {
        let fd = h.open_nb();
        let mut c = v4l2_capability::zeroed();
        c.reserved = [0xaa; 3];
        h.ioctl(fd, VIDIOC_QUERYCAP, &mut c).unwrap();
        assert_eq!(cstr(&c.driver), "loopback");
        assert_eq!(cstr(&c.card), "loopback test codec");
        assert_eq!(cstr(&c.bus_info), "platform:loopback");
        // EXT_PIX_FORMAT is optional here (Linux's core adds it).
        assert_eq!(c.device_caps & !V4L2_CAP_EXT_PIX_FORMAT, cap | V4L2_CAP_STREAMING);
        assert_eq!(c.capabilities, c.device_caps | V4L2_CAP_DEVICE_CAPS);
        assert_eq!(c.reserved, [0; 3]);
    }
}

#[test]
fn enum_fmt_lists_what_the_node_api_can_carry() {
    let enum_fmt = |h: &Harness, fd: FileId, ty: u32, index: u32| {
        let mut d = v4l2_fmtdesc::zeroed();
        d.type_ = ty;
        d.index = index;
        h.ioctl(fd, VIDIOC_ENUM_FMT, &mut d).map(|_| (d.pixelformat, d.flags))
    };
    let h = manual();
    let fd = h.open_nb();
    assert_eq!(enum_fmt(&h, fd, V4L2_BUF_TYPE_VIDEO_OUTPUT, 0), Ok((V4L2_PIX_FMT_H264, V4L2_FMT_FLAG_COMPRESSED)));
    assert_eq!(enum_fmt(&h, fd, V4L2_BUF_TYPE_VIDEO_OUTPUT, 1), Err(Errno::EINVAL));
    // The two-plane NV12M cannot travel through the single-planar API: skipped.
    assert_eq!(enum_fmt(&h, fd, V4L2_BUF_TYPE_VIDEO_CAPTURE, 0), Ok((V4L2_PIX_FMT_NV12, 0)));
    assert_eq!(enum_fmt(&h, fd, V4L2_BUF_TYPE_VIDEO_CAPTURE, 1), Err(Errno::EINVAL));
    assert_eq!(enum_fmt(&h, fd, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, 0), Err(Errno::EINVAL));
    assert_eq!(enum_fmt(&h, fd, 0, 0), Err(Errno::EINVAL));
    let h = manual_mp();
    let fd = h.open_nb();
    assert_eq!(enum_fmt(&h, fd, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, 0), Ok((V4L2_PIX_FMT_NV12M, 0)));
    assert_eq!(enum_fmt(&h, fd, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, 1), Ok((V4L2_PIX_FMT_NV12, 0)));
    assert_eq!(enum_fmt(&h, fd, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, 2), Err(Errno::EINVAL));
    assert_eq!(enum_fmt(&h, fd, V4L2_BUF_TYPE_VIDEO_CAPTURE, 0), Err(Errno::EINVAL));
}

#[test]
fn try_and_set_format_adjust_and_commit_points_answer_ebusy() {
    let h = manual();
    let fd = h.open_nb();
    let mut f = h.g_fmt(fd, CAP);
    f.fmt.pix.width = 100;
    f.fmt.pix.height = 50;
    f.fmt.pix.pixelformat = v4l2_fourcc(b'X', b'X', b'X', b'X');
    h.ioctl(fd, VIDIOC_TRY_FMT, &mut f).unwrap();
    assert_eq!(h.fmt_info(&f), (112, 64, V4L2_PIX_FMT_NV12, 1, vec![112 * 64 * 3 / 2]));
    assert_eq!(h.fmt_info(&h.g_fmt(fd, CAP)).0, W, "TRY_FMT changes nothing");
    // S_FMT(OUTPUT): the decoder's CAPTURE size follows.
    let f = h.set_fmt(fd, OUT, 320, 240).unwrap();
    assert_eq!(h.fmt_info(&f).0, 320);
    assert_eq!(h.fmt_info(&h.g_fmt(fd, CAP)).0, 320);
    // Commit point: buffers allocated on OUTPUT.
    assert_eq!(h.reqbufs(fd, OUT, 2), Ok(2));
    assert_eq!(h.set_fmt(fd, OUT, 640, 480).err(), Some(Errno::EBUSY));
    let mut t = h.g_fmt(fd, OUT);
    t.fmt.pix.width = 640;
    assert_eq!(h.ioctl(fd, VIDIOC_TRY_FMT, &mut t), Ok(0), "TRY_FMT is never busy");
    assert_eq!(h.set_fmt(fd, CAP, 160, 128).map(|f| h.fmt_info(&f).0), Ok(160));
    assert_eq!(h.reqbufs(fd, CAP, 2), Ok(2));
    assert_eq!(h.set_fmt(fd, CAP, 320, 240).err(), Some(Errno::EBUSY));
    assert_eq!(h.fmt_info(&h.g_fmt(fd, OUT)).0, 320, "failed S_FMT left the format alone");
    // Releasing the buffers reopens the commit point.
    assert_eq!(h.reqbufs(fd, OUT, 0), Ok(0));
    h.set_fmt(fd, OUT, 640, 480).unwrap();
    assert_eq!(h.fmt_info(&h.g_fmt(fd, CAP)).0, 160, "CAPTURE with buffers does not follow");
    // Bad type.
    let mut f = h.g_fmt(fd, OUT);
    f.type_ = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
    assert_eq!(h.ioctl(fd, VIDIOC_S_FMT, &mut f).err(), Some(Errno::EINVAL));
    f.type_ = 42;
    assert_eq!(h.ioctl(fd, VIDIOC_G_FMT, &mut f).err(), Some(Errno::EINVAL));
}

#[test]
fn multi_planar_formats() {
    let h = manual_mp();
    let fd = h.open_nb();
    let f = h.g_fmt(fd, CAP);
    assert_eq!(h.fmt_info(&f), (W, H, V4L2_PIX_FMT_NV12M, 2, vec![W * H, W * H / 2]));
    let mut f = h.g_fmt(fd, CAP);
    f.fmt.pix_mp.pixelformat = V4L2_PIX_FMT_NV12;
    h.ioctl(fd, VIDIOC_S_FMT, &mut f).unwrap();
    assert_eq!(h.fmt_info(&f).3, 1);
    assert_eq!(h.reqbufs(fd, CAP, 1), Ok(1));
    let b = h.querybuf(fd, CAP, 0).unwrap();
    assert_eq!(b.b.length, 1, "one plane");
}

#[test]
fn reqbufs_counts_memory_types_and_busy() {
    let h = Harness::with(Opts { worker: false, userptr: false, ..Opts::default() });
    let fd = h.open_nb();
    let r = h.reqbufs_mem(fd, OUT, V4L2_MEMORY_MMAP, 100).unwrap();
    assert_eq!(r.count, BUFFERS as u32, "clamped to the queue capacity");
    assert_eq!(r.capabilities & V4L2_BUF_CAP_SUPPORTS_MMAP, V4L2_BUF_CAP_SUPPORTS_MMAP);
    assert_ne!(r.capabilities & V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS, 0);
    assert_eq!(r.capabilities & V4L2_BUF_CAP_SUPPORTS_USERPTR, 0);
    for memory in [0, V4L2_MEMORY_OVERLAY, V4L2_MEMORY_DMABUF, 99, V4L2_MEMORY_USERPTR] {
        assert_eq!(h.reqbufs_mem(fd, OUT, memory, 1).err(), Some(Errno::EINVAL), "memory {memory}");
    }
    let mut r = v4l2_requestbuffers::zeroed();
    r.count = 1;
    r.memory = V4L2_MEMORY_MMAP;
    for ty in [0, V4L2_BUF_TYPE_VIDEO_OVERLAY, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, 1000] {
        r.type_ = ty;
        assert_eq!(h.ioctl(fd, VIDIOC_REQBUFS, &mut r).err(), Some(Errno::EINVAL), "type {ty}");
    }
    assert_eq!(h.reqbufs(fd, OUT, 2), Ok(2));
    h.streamon(fd, OUT).unwrap();
    assert_eq!(h.reqbufs(fd, OUT, 4).err(), Some(Errno::EBUSY));
    assert_eq!(h.reqbufs(fd, OUT, 0).err(), Some(Errno::EBUSY));
    h.streamoff(fd, OUT).unwrap();
    assert_eq!(h.reqbufs(fd, OUT, 0), Ok(0));
    assert_eq!(h.querybuf(fd, OUT, 0).err(), Some(Errno::EINVAL));
    assert_eq!(h.arena.allocated(), 0);
    let h = manual();
    let fd = h.open_nb();
    let r = h.reqbufs_mem(fd, CAP, V4L2_MEMORY_USERPTR, 3).unwrap();
    assert_eq!(r.count, 3);
    assert_ne!(r.capabilities & V4L2_BUF_CAP_SUPPORTS_USERPTR, 0);
    assert_eq!(h.arena.allocated(), 0, "USERPTR allocates no arena memory");
}

#[test]
fn streamon_needs_buffers_and_a_valid_type() {
    let h = manual();
    let fd = h.open_nb();
    assert_eq!(h.streamon(fd, OUT).err(), Some(Errno::EINVAL));
    assert_eq!(h.streamoff(fd, OUT), Ok(0), "STREAMOFF of an idle queue is fine");
    for ty in [0i32, 3, 9, -1] {
        let mut t = ty;
        assert_eq!(h.ioctl(fd, VIDIOC_STREAMON, &mut t).err(), Some(Errno::EINVAL));
        assert_eq!(h.ioctl(fd, VIDIOC_STREAMOFF, &mut t).err(), Some(Errno::EINVAL));
    }
}

#[test]
fn create_bufs_appends_and_checks_the_format() {
    let h = manual();
    let fd = h.open_nb();
    assert_eq!(h.reqbufs(fd, CAP, 2), Ok(2));
    let mut c = v4l2_create_buffers::zeroed();
    c.memory = V4L2_MEMORY_MMAP;
    c.format = h.g_fmt(fd, CAP);
    c.count = 0;
    h.ioctl(fd, VIDIOC_CREATE_BUFS, &mut c).unwrap();
    assert_eq!((c.index, c.count), (2, 0));
    assert_ne!(c.capabilities & V4L2_BUF_CAP_SUPPORTS_MMAP, 0);
    c.count = 3;
    // SAFETY: plain-old-data union member.
    c.format.fmt.pix.sizeimage = unsafe { c.format.fmt.pix.sizeimage } * 2;
    h.ioctl(fd, VIDIOC_CREATE_BUFS, &mut c).unwrap();
    assert_eq!((c.index, c.count), (2, 3));
    let b = h.querybuf(fd, CAP, 4).unwrap();
    assert_eq!(b.plane_length(0), W * H * 3, "created with the given (larger) size");
    assert_eq!(h.querybuf(fd, CAP, 5).err(), Some(Errno::EINVAL));
    // Too small for the current format.
    c.format.fmt.pix.sizeimage = 16;
    c.count = 1;
    assert_eq!(h.ioctl(fd, VIDIOC_CREATE_BUFS, &mut c).err(), Some(Errno::EINVAL));
    // Another memory type than the queue's.
    c.format = h.g_fmt(fd, CAP);
    c.memory = V4L2_MEMORY_USERPTR;
    assert_eq!(h.ioctl(fd, VIDIOC_CREATE_BUFS, &mut c).err(), Some(Errno::EINVAL));
    c.memory = 7;
    assert_eq!(h.ioctl(fd, VIDIOC_CREATE_BUFS, &mut c).err(), Some(Errno::EINVAL));
    c.memory = V4L2_MEMORY_MMAP;
    c.format.type_ = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
    assert_eq!(h.ioctl(fd, VIDIOC_CREATE_BUFS, &mut c).err(), Some(Errno::EINVAL));
    // Past capacity: clamped.
    c.format = h.g_fmt(fd, CAP);
    c.count = 1000;
    h.ioctl(fd, VIDIOC_CREATE_BUFS, &mut c).unwrap();
    assert_eq!((c.index, c.count), (5, BUFFERS as u32 - 5));
    // CREATE_BUFS on an empty queue works like REQBUFS.
    let mut c = v4l2_create_buffers::zeroed();
    c.memory = V4L2_MEMORY_MMAP;
    c.format = h.g_fmt(fd, OUT);
    c.count = 2;
    h.ioctl(fd, VIDIOC_CREATE_BUFS, &mut c).unwrap();
    assert_eq!((c.index, c.count), (0, 2));
}

#[test]
fn querybuf_offsets_are_unique_and_mappable() {
    for h in [manual(), manual_mp()] {
        let fd = h.open_nb();
        assert_eq!(h.reqbufs(fd, OUT, 3), Ok(3));
        assert_eq!(h.reqbufs(fd, CAP, 3), Ok(3));
        let mut offsets = Vec::new();
        for dir in [OUT, CAP] {
            let planes = h.num_planes(fd, dir);
            for i in 0..3 {
                let b = h.querybuf(fd, dir, i).unwrap();
                assert_eq!(b.index(), i);
                assert_eq!(b.b.type_, h.ty(dir));
                assert_eq!(b.b.memory, V4L2_MEMORY_MMAP);
                assert_eq!(b.flags() & (V4L2_BUF_FLAG_QUEUED | V4L2_BUF_FLAG_DONE | V4L2_BUF_FLAG_MAPPED), 0);
                if h.mp() {
                    assert_eq!(b.b.length as usize, planes);
                }
                for p in 0..planes {
                    let off = b.mem_offset(p);
                    assert_eq!(off % 4096, 0);
                    offsets.push(off);
                    let m = h.node.mmap(fd, u64::from(off), b.plane_length(p) as usize).unwrap();
                    assert!(!m.ptr.is_null());
                    let q = h.querybuf(fd, dir, i).unwrap();
                    assert_ne!(q.flags() & V4L2_BUF_FLAG_MAPPED, 0);
                    h.node.munmap(m.region);
                }
            }
        }
        let n = offsets.len();
        offsets.sort();
        offsets.dedup();
        assert_eq!(offsets.len(), n, "offsets unique across both queues");
        for bad in [1u64, 4095, 3 * 4 * 4096 + (1 << 20), 1 << 40, u64::MAX, (1 << 30) + 64 * 4096 * 4] {
            assert_eq!(h.node.mmap(fd, bad, 4096).err(), Some(Errno::EINVAL), "offset {bad:#x}");
        }
        let b = h.querybuf(fd, OUT, 0).unwrap();
        let off = u64::from(b.mem_offset(0));
        assert_eq!(h.node.mmap(fd, off, 0).err(), Some(Errno::EINVAL));
        assert_eq!(h.node.mmap(fd, off, 1 << 20).err(), Some(Errno::EINVAL), "longer than the plane");
        assert_eq!(h.querybuf(fd, OUT, 3).err(), Some(Errno::EINVAL));
        assert_eq!(h.querybuf(fd, OUT, u32::MAX).err(), Some(Errno::EINVAL));
    }
}

#[test]
fn reqbufs_zero_while_mapped_orphans_the_memory_until_munmap() {
    let h = manual();
    let fd = h.open_nb();
    assert_eq!(h.reqbufs(fd, CAP, 2), Ok(2));
    let b = h.querybuf(fd, CAP, 1).unwrap();
    let m = h.node.mmap(fd, u64::from(b.mem_offset(0)), b.plane_length(0) as usize).unwrap();
    let before = h.arena.allocated();
    assert_eq!(h.reqbufs(fd, CAP, 0), Ok(0), "REQBUFS(0) while mapped succeeds (orphaned buffers)");
    assert_eq!(h.arena.allocated(), before / 2, "only the mapped region stays allocated");
    // The application may still touch its mapping.
    // SAFETY: the orphaned region stays allocated until munmap.
    unsafe { std::ptr::write_bytes(m.ptr, 0x11, b.plane_length(0) as usize) };
    // New buffers never alias the orphaned region.
    assert_eq!(h.reqbufs(fd, CAP, 4), Ok(4));
    for i in 0..4 {
        let q = h.querybuf(fd, CAP, i).unwrap();
        let n = h.node.mmap(fd, u64::from(q.mem_offset(0)), q.plane_length(0) as usize).unwrap();
        let (a, l) = (n.region.offset, n.region.len);
        assert!(a + l <= m.region.offset || a >= m.region.offset + m.region.len, "aliasing an orphan");
        h.node.munmap(n.region);
    }
    assert_eq!(h.reqbufs(fd, CAP, 0), Ok(0));
    assert_eq!(h.arena.allocated(), before / 2);
    h.node.munmap(m.region);
    assert_eq!(h.arena.allocated(), 0, "freed at munmap");
    // Unmapping twice is harmless.
    h.node.munmap(m.region);
    assert_eq!(h.arena.allocated(), 0);
}

#[test]
fn close_while_mapped_orphans_the_memory_until_munmap() {
    let h = manual();
    let fd = h.open_nb();
    assert_eq!(h.reqbufs(fd, OUT, 2), Ok(2));
    let b = h.querybuf(fd, OUT, 0).unwrap();
    let m = h.node.mmap(fd, u64::from(b.mem_offset(0)), 4096).unwrap();
    h.node.close(fd).unwrap();
    assert!(h.arena.allocated() > 0);
    h.node.munmap(m.region);
    assert_eq!(h.arena.allocated(), 0);
}

#[test]
fn prepare_buf_then_qbuf() {
    let h = manual();
    let fd = h.open_nb();
    assert_eq!(h.reqbufs(fd, OUT, 2), Ok(2));
    assert_eq!(h.reqbufs(fd, CAP, 2), Ok(2));
    h.streamon(fd, OUT).unwrap();
    let mut b = h.buf(fd, CAP, V4L2_MEMORY_MMAP, 1);
    h.ioctl(fd, VIDIOC_PREPARE_BUF, b.arg()).unwrap();
    assert_ne!(b.flags() & V4L2_BUF_FLAG_PREPARED, 0);
    assert_eq!(b.flags() & V4L2_BUF_FLAG_QUEUED, 0);
    let q = h.querybuf(fd, CAP, 1).unwrap();
    assert_ne!(q.flags() & V4L2_BUF_FLAG_PREPARED, 0);
    let mut b = h.buf(fd, CAP, V4L2_MEMORY_MMAP, 1);
    assert_eq!(h.ioctl(fd, VIDIOC_PREPARE_BUF, b.arg()).err(), Some(Errno::EINVAL), "prepared twice");
    let mut b = h.buf(fd, CAP, V4L2_MEMORY_MMAP, 1);
    h.qbuf(fd, &mut b).unwrap();
    assert_ne!(b.flags() & V4L2_BUF_FLAG_QUEUED, 0);
    assert_eq!(b.flags() & V4L2_BUF_FLAG_PREPARED, 0);
    let mut b = h.buf(fd, CAP, V4L2_MEMORY_MMAP, 1);
    assert_eq!(h.ioctl(fd, VIDIOC_PREPARE_BUF, b.arg()).err(), Some(Errno::EINVAL), "queued buffer");
    let mut b = h.buf(fd, CAP, V4L2_MEMORY_MMAP, 2);
    assert_eq!(h.ioctl(fd, VIDIOC_PREPARE_BUF, b.arg()).err(), Some(Errno::EINVAL), "bad index");
    // An OUTPUT buffer prepared with a payload keeps it through QBUF.
    h.streamon(fd, CAP).unwrap();
    let q = h.querybuf(fd, OUT, 0).unwrap();
    let m = h.node.mmap(fd, u64::from(q.mem_offset(0)), 4096).unwrap();
    // SAFETY: mapped plane of 4096 bytes.
    unsafe { std::ptr::copy_nonoverlapping(b"prep".as_ptr(), m.ptr, 4) };
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, 0);
    b.set_bytesused(0, 4);
    h.ioctl(fd, VIDIOC_PREPARE_BUF, b.arg()).unwrap();
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, 0);
    b.b.timestamp.tv_usec = 77;
    h.qbuf(fd, &mut b).unwrap();
    h.dev.run_jobs();
    let c = h.dqbuf(fd, CAP).unwrap();
    assert_eq!((c.bytesused(0), c.ts_us()), (4, 77));
    assert_eq!(h.read_plane(fd, CAP, c.index(), 0, 4), transformed(b"prep"));
}

#[test]
fn qbuf_rejects_bad_input() {
    let h = manual();
    let fd = h.open_nb();
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, 0);
    assert_eq!(h.qbuf(fd, &mut b).err(), Some(Errno::EINVAL), "no buffers yet");
    assert_eq!(h.reqbufs(fd, OUT, 2), Ok(2));
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, 2);
    assert_eq!(h.qbuf(fd, &mut b).err(), Some(Errno::EINVAL), "index == count");
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, u32::MAX);
    assert_eq!(h.qbuf(fd, &mut b).err(), Some(Errno::EINVAL), "huge index");
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, 31);
    assert_eq!(h.qbuf(fd, &mut b).err(), Some(Errno::EINVAL), "index inside capacity, past count");
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_USERPTR, 0);
    b.set_userptr(0, leak_bytes(8192).as_mut_ptr(), 8192);
    assert_eq!(h.qbuf(fd, &mut b).err(), Some(Errno::EINVAL), "memory differs from the queue's");
    for memory in [0, 3, 4, 1000] {
        let mut b = h.buf(fd, OUT, memory, 0);
        assert_eq!(h.qbuf(fd, &mut b).err(), Some(Errno::EINVAL), "memory {memory}");
    }
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, 0);
    b.b.type_ = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
    assert_eq!(h.qbuf(fd, &mut b).err(), Some(Errno::EINVAL), "type of the other API");
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, 0);
    b.set_bytesused(0, OUT_SIZE + 1);
    assert_eq!(h.qbuf(fd, &mut b).err(), Some(Errno::EINVAL), "bytesused > length");
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, 0);
    b.set_bytesused(0, 10);
    h.qbuf(fd, &mut b).unwrap();
    assert_eq!(b.bytesused(0), 10);
    assert_eq!(b.flags() & V4L2_BUF_FLAG_QUEUED, V4L2_BUF_FLAG_QUEUED);
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, 0);
    assert_eq!(h.qbuf(fd, &mut b).err(), Some(Errno::EINVAL), "already queued");
    // bytesused 0 on OUTPUT means the whole buffer.
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, 1);
    h.qbuf(fd, &mut b).unwrap();
    assert_eq!(b.bytesused(0), OUT_SIZE);
}

#[test]
fn multi_planar_plane_arrays_are_checked() {
    let h = manual_mp();
    let fd = h.open_nb();
    assert_eq!(h.reqbufs(fd, CAP, 2), Ok(2));
    assert_eq!(h.reqbufs(fd, OUT, 2), Ok(2));
    for request in [VIDIOC_QUERYBUF, VIDIOC_QBUF, VIDIOC_PREPARE_BUF, VIDIOC_DQBUF] {
        // NULL plane array.
        let mut b = h.buf(fd, CAP, V4L2_MEMORY_MMAP, 0);
        b.b.m.planes = std::ptr::null_mut();
        assert_eq!(h.ioctl(fd, request, &mut b.b).err(), Some(Errno::EFAULT), "NULL planes {request:#x}");
        // Longer than VIDEO_MAX_PLANES.
        let mut b = h.buf(fd, CAP, V4L2_MEMORY_MMAP, 0);
        b.b.length = 9;
        assert_eq!(h.ioctl(fd, request, b.arg()).err(), Some(Errno::EINVAL), "9 planes {request:#x}");
        let mut b = h.buf(fd, CAP, V4L2_MEMORY_MMAP, 0);
        b.b.length = u32::MAX;
        assert_eq!(h.ioctl(fd, request, b.arg()).err(), Some(Errno::EINVAL), "u32::MAX planes {request:#x}");
        // Fewer planes than the buffer has (NV12M: 2).
        let mut b = h.buf(fd, CAP, V4L2_MEMORY_MMAP, 0);
        b.b.length = 1;
        assert_eq!(h.ioctl(fd, request, b.arg()).err(), Some(Errno::EINVAL), "1 plane of 2 {request:#x}");
        let mut b = h.buf(fd, CAP, V4L2_MEMORY_MMAP, 0);
        b.b.length = 0;
        assert_eq!(h.ioctl(fd, request, b.arg()).err(), Some(Errno::EINVAL), "0 planes {request:#x}");
    }
    // Up to 8 is accepted; only the buffer's planes are written back.
    let mut b = h.buf(fd, CAP, V4L2_MEMORY_MMAP, 0);
    b.b.length = 8;
    b.planes[2].bytesused = 0xdead;
    h.ioctl(fd, VIDIOC_QUERYBUF, b.arg()).unwrap();
    assert_eq!(b.b.length, 2);
    assert_eq!((b.planes[0].length, b.planes[1].length), (W * H, W * H / 2));
    assert_eq!(b.planes[2].bytesused, 0xdead, "planes past num_planes untouched");
    // OUTPUT data_offset must be below bytesused.
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, 0);
    b.planes[0].bytesused = 10;
    b.planes[0].data_offset = 10;
    assert_eq!(h.qbuf(fd, &mut b).err(), Some(Errno::EINVAL));
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, 0);
    b.planes[0].bytesused = 10;
    b.planes[0].data_offset = 4;
    h.qbuf(fd, &mut b).unwrap();
    assert_eq!((b.planes[0].bytesused, b.planes[0].data_offset), (10, 4));
}

#[test]
fn multi_planar_dqbuf_with_too_few_planes_keeps_the_buffer() {
    let h = manual_mp();
    let fd = h.open_nb();
    h.setup(fd, 1, 1);
    h.queue_output(fd, 0, b"abc", 1).unwrap();
    h.dev.run_jobs();
    let mut b = h.buf(fd, CAP, V4L2_MEMORY_MMAP, 0);
    b.b.length = 1;
    assert_eq!(h.ioctl(fd, VIDIOC_DQBUF, b.arg()).err(), Some(Errno::EINVAL));
    let c = h.dqbuf(fd, CAP).expect("the buffer is still done");
    assert_eq!((c.bytesused(0), c.bytesused(1)), (3, 3));
}

#[test]
fn null_argument_is_efault_and_unknown_ioctl_is_enotty_untouched() {
    let h = manual();
    let fd = h.open_nb();
    for request in [
        VIDIOC_QUERYCAP,
        VIDIOC_G_FMT,
        VIDIOC_S_FMT,
        VIDIOC_REQBUFS,
        VIDIOC_QUERYBUF,
        VIDIOC_QBUF,
        VIDIOC_DQBUF,
        VIDIOC_STREAMON,
        VIDIOC_G_CTRL,
        VIDIOC_G_EXT_CTRLS,
        VIDIOC_DQEVENT,
        VIDIOC_SUBSCRIBE_EVENT,
        VIDIOC_DECODER_CMD,
        VIDIOC_G_PRIORITY,
    ] {
        assert_eq!(h.ioctl_raw(fd, request, std::ptr::null_mut()).err(), Some(Errno::EFAULT), "{request:#x}");
    }
    let mut junk = [0xabu8; 256];
    for request in [
        VIDIOC_G_TUNER,
        VIDIOC_ENUMINPUT,
        VIDIOC_G_STD,
        VIDIOC_EXPBUF,
        VIDIOC_G_CROP,
        iowr(b'V', 250, 64),
        iowr(b'X', 1, 16),
        ior(b'V', 200, 16),
        iow(b'v', 5, 8),
    ] {
        if ioc_size(request) > junk.len() {
            continue;
        }
        let r = h.ioctl_raw(fd, request, junk.as_mut_ptr() as *mut c_void);
        assert_eq!(r.err(), Some(Errno::ENOTTY), "{request:#x}");
        assert!(junk.iter().all(|&b| b == 0xab), "argument of {request:#x} touched");
    }
    // IOC_NONE ioctls take no argument; unknown ones are still ENOTTY.
    assert_eq!(h.ioctl_raw(fd, VIDIOC_LOG_STATUS, std::ptr::null_mut()).err(), Some(Errno::ENOTTY));
}

fn user_mem(len: usize) -> &'static mut [u8] {
    leak_bytes(len)
}

fn userptr_flow(h: &Harness) {
    let fd = h.open_nb();
    let out_planes = h.num_planes(fd, OUT);
    assert_eq!(out_planes, 1);
    let cap_sizes = h.fmt_info(&h.g_fmt(fd, CAP)).4;
    assert_eq!(h.reqbufs_mem(fd, OUT, V4L2_MEMORY_USERPTR, 2).map(|r| r.count), Ok(2));
    assert_eq!(h.reqbufs_mem(fd, CAP, V4L2_MEMORY_USERPTR, 2).map(|r| r.count), Ok(2));
    assert_eq!(h.arena.allocated(), 0);
    // mmap makes no sense for USERPTR queues.
    assert_eq!(h.node.mmap(fd, 0, 4096).err(), Some(Errno::EINVAL));
    let caps: Vec<Vec<&'static mut [u8]>> =
        (0..2).map(|_| cap_sizes.iter().map(|&s| user_mem(s as usize)).collect()).collect();
    let mut cap_ptrs = Vec::new();
    for (i, planes) in caps.into_iter().enumerate() {
        let mut b = h.buf(fd, CAP, V4L2_MEMORY_USERPTR, i as u32);
        let mut ptrs = Vec::new();
        for (p, mem) in planes.into_iter().enumerate() {
            b.set_userptr(p, mem.as_mut_ptr(), mem.len() as u32);
            ptrs.push((mem.as_mut_ptr() as usize, mem.len()));
        }
        h.qbuf(fd, &mut b).unwrap();
        cap_ptrs.push(ptrs);
    }
    h.streamon(fd, OUT).unwrap();
    h.streamon(fd, CAP).unwrap();
    let input = user_mem(OUT_SIZE as usize);
    input[..6].copy_from_slice(b"userpt");
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_USERPTR, 0);
    b.set_userptr(0, input.as_mut_ptr(), OUT_SIZE);
    b.set_bytesused(0, 6);
    b.b.timestamp.tv_sec = 3;
    h.qbuf(fd, &mut b).unwrap();
    let c = h.dqbuf_poll(fd, CAP).unwrap();
    assert_eq!(h.dqbuf_mem(fd, CAP, V4L2_MEMORY_USERPTR).err(), Some(Errno::EAGAIN));
    let c = if c.b.memory == V4L2_MEMORY_USERPTR { c } else { panic!("memory {}", c.b.memory) };
    assert_eq!(c.ts_us(), 3_000_000);
    let (ptr, len) = cap_ptrs[c.index() as usize][0];
    assert_eq!((c.userptr(0), c.plane_length(0) as usize), (ptr, len));
    // SAFETY: our own leaked memory; the buffer is dequeued.
    let got = unsafe { std::slice::from_raw_parts(ptr as *const u8, c.bytesused(0) as usize) };
    assert_eq!(got, transformed(b"userpt").as_slice());
    let o = h.dqbuf_poll(fd, OUT).unwrap();
    assert_eq!(o.userptr(0), input.as_ptr() as usize);
    // Bad USERPTR buffers.
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_USERPTR, 0);
    b.set_userptr(0, std::ptr::null_mut(), OUT_SIZE);
    // Linux fails to pin address 0: EFAULT.
    assert_eq!(h.qbuf(fd, &mut b).err(), Some(Errno::EFAULT), "NULL userptr");
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_USERPTR, 0);
    b.set_userptr(0, input.as_mut_ptr(), OUT_SIZE - 1);
    assert_eq!(h.qbuf(fd, &mut b).err(), Some(Errno::EINVAL), "shorter than sizeimage");
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, 0);
    assert_eq!(h.qbuf(fd, &mut b).err(), Some(Errno::EINVAL), "MMAP on a USERPTR queue");
    // Memory the device already holds cannot be queued again (the driver gets exclusive
    // views of every plane): an OUTPUT buffer over a queued CAPTURE plane is refused.
    let (held, held_len) = {
        let mut b = h.buf(fd, CAP, V4L2_MEMORY_USERPTR, c.index());
        for (p, &(ptr, len)) in cap_ptrs[c.index() as usize].iter().enumerate() {
            b.set_userptr(p, ptr as *mut u8, len as u32);
        }
        h.qbuf(fd, &mut b).unwrap();
        cap_ptrs[c.index() as usize][0]
    };
    assert!(held_len >= OUT_SIZE as usize);
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_USERPTR, 0);
    b.set_userptr(0, held as *mut u8, OUT_SIZE);
    b.set_bytesused(0, 6);
    assert_eq!(h.qbuf(fd, &mut b).err(), Some(Errno::EINVAL), "overlaps a queued CAPTURE plane");
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_USERPTR, 0);
    b.set_userptr(0, input.as_mut_ptr(), OUT_SIZE);
    b.set_bytesused(0, 6);
    assert_eq!(h.qbuf(fd, &mut b), Ok(0), "its own memory is fine");
    h.node.close(fd).unwrap();
}

#[test]
fn userptr_single_planar() {
    userptr_flow(&Harness::new());
}

#[test]
fn userptr_multi_planar() {
    userptr_flow(&Harness::mplane());
}

#[test]
fn ioctls_on_a_foreign_or_stale_file_are_ebadf() {
    let h = manual();
    let fd = h.open_nb();
    let bogus = FileId { slot: 999, generation: 1 };
    let mut c = v4l2_capability::zeroed();
    assert_eq!(h.ioctl(bogus, VIDIOC_QUERYCAP, &mut c).err(), Some(Errno::EBADF));
    let stale = FileId { slot: fd.slot, generation: fd.generation.wrapping_add(1) };
    assert_eq!(h.ioctl(stale, VIDIOC_QUERYCAP, &mut c).err(), Some(Errno::EBADF));
    assert_eq!(h.node.mmap(stale, 0, 4096).err(), Some(Errno::EBADF));
    assert_eq!(h.node.set_flags(stale, OpenFlags::NONBLOCK).err(), Some(Errno::EBADF));
    h.ioctl(fd, VIDIOC_QUERYCAP, &mut c).unwrap();
}

#[test]
fn set_flags_switches_dqbuf_to_non_blocking() {
    let h = manual();
    let fd = h.open();
    h.setup(fd, 1, 1);
    h.node.set_flags(fd, OpenFlags::NONBLOCK).unwrap();
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EAGAIN));
}

#[test]
fn prepare_buf_leaves_the_timestamp_to_qbuf() {
    let h = manual();
    let fd = h.open_nb();
    h.reqbufs(fd, OUT, 1).unwrap();
    let mut b = h.buf(fd, OUT, V4L2_MEMORY_MMAP, 0);
    b.set_bytesused(0, 16);
    b.b.timestamp = timeval { tv_sec: 7, tv_usec: 1 };
    h.ioctl(fd, VIDIOC_PREPARE_BUF, b.arg()).unwrap();
    let q = h.querybuf(fd, OUT, 0).unwrap();
    assert_ne!(q.b.flags & V4L2_BUF_FLAG_PREPARED, 0);
    assert_eq!((q.b.timestamp.tv_sec, q.b.timestamp.tv_usec), (0, 0), "PREPARE_BUF does not take the timestamp");
    b.b.timestamp = timeval { tv_sec: 9, tv_usec: 5 };
    h.qbuf(fd, &mut b).unwrap();
    let q = h.querybuf(fd, OUT, 0).unwrap();
    assert_eq!((q.b.timestamp.tv_sec, q.b.timestamp.tv_usec), (9, 5), "QBUF does");
    assert_eq!(q.bytesused(0), 16, "the prepared planes are kept");
}

#[test]
fn capture_colorimetry_follows_output() {
    let h = manual();
    let fd = h.open_nb();
    let mut out = h.g_fmt(fd, OUT);
    // Writing a union member is safe; reading one is not.
    out.fmt.pix.colorspace = V4L2_COLORSPACE_REC709;
    out.fmt.pix.xfer_func = V4L2_XFER_FUNC_SRGB;
    out.fmt.pix.ycbcr_enc = V4L2_YCBCR_ENC_601;
    out.fmt.pix.quantization = V4L2_QUANTIZATION_FULL_RANGE;
    h.ioctl(fd, VIDIOC_S_FMT, &mut out).unwrap();
    let cap = h.g_fmt(fd, CAP);
    // SAFETY: plain-old-data union member of a single-planar node's format.
    let (o, c) = unsafe { (out.fmt.pix, cap.fmt.pix) };
    assert_eq!(
        (o.colorspace, o.xfer_func, o.ycbcr_enc, o.quantization),
        (V4L2_COLORSPACE_REC709, V4L2_XFER_FUNC_SRGB, V4L2_YCBCR_ENC_601, V4L2_QUANTIZATION_FULL_RANGE)
    );
    assert_eq!(
        (c.colorspace, c.xfer_func, c.ycbcr_enc, c.quantization),
        (o.colorspace, o.xfer_func, o.ycbcr_enc, o.quantization)
    );
    // Out-of-range values are replaced by the driver's, never stored.
    let mut bad = h.g_fmt(fd, OUT);
    bad.fmt.pix.colorspace = 0xdead;
    h.ioctl(fd, VIDIOC_TRY_FMT, &mut bad).unwrap();
    // SAFETY: as above.
    assert!(unsafe { bad.fmt.pix.colorspace } <= V4L2_COLORSPACE_DCI_P3);
}

#[test]
fn ioctls_a_codec_kind_lacks_answer_enotty_whatever_the_argument() {
    let dec = manual();
    let fd = dec.open_nb();
    for ty in [V4L2_BUF_TYPE_VIDEO_OUTPUT, 0xff] {
        let mut parm = v4l2_streamparm::zeroed();
        parm.type_ = ty;
        assert_eq!(dec.ioctl(fd, VIDIOC_G_PARM, &mut parm).err(), Some(Errno::ENOTTY), "no G_PARM on a decoder");
        assert_eq!(dec.ioctl(fd, VIDIOC_S_PARM, &mut parm).err(), Some(Errno::ENOTTY), "no S_PARM on a decoder");
    }
    let mut enc_cmd = v4l2_encoder_cmd::zeroed();
    assert_eq!(dec.ioctl(fd, VIDIOC_ENCODER_CMD, &mut enc_cmd).err(), Some(Errno::ENOTTY));
    assert_eq!(
        dec.ioctl_raw(fd, VIDIOC_G_PARM, std::ptr::null_mut()).err(),
        Some(Errno::EFAULT),
        "NULL is checked first"
    );

    let enc = Harness::with(Opts { kind: v4l2m2m::CodecKind::Encoder, worker: false, ..Opts::default() });
    let fd = enc.open_nb();
    let mut dec_cmd = v4l2_decoder_cmd::zeroed();
    assert_eq!(enc.ioctl(fd, VIDIOC_TRY_DECODER_CMD, &mut dec_cmd).err(), Some(Errno::ENOTTY));
    let mut parm = v4l2_streamparm::zeroed();
    parm.type_ = 0xff;
    assert_eq!(
        enc.ioctl(fd, VIDIOC_G_PARM, &mut parm).err(),
        Some(Errno::EINVAL),
        "an encoder has G_PARM: bad type is EINVAL"
    );
}
