//! The ioctl decoder: the only code that reads or writes application memory.
//!
//! For each request it checks the argument pointer, copies the argument in, validates
//! every type, memory, index, count and nested pointer, calls the typed
//! [`DeviceIoctls`] method, and copies the answer back. Unknown requests get `ENOTTY`
//! and the argument is left untouched; a NULL argument gets `EFAULT`.

use core::ffi::c_void;

use crate::abi::*;
use crate::ctrl::ControlKind;
use crate::error::{Errno, Result};
use crate::format::{BufferApi, Direction, PixFormat, PlaneFormat, Rect, StreamParm, MAX_PLANES};
use crate::frame::{FrameMeta, Timecode, Timestamp};

use crate::queue::{Memory, QueuePlane, QueueRequest};

use super::convert::*;
use super::reply::BufferReply;
use super::requests::{CommandRequest, DeviceIoctls, ExtControlArray, ExtControlsOp};
use super::user::{User, UserArg, UserSlice};
use super::FileId;
use crate::os::UserMemory;

/// OUTPUT buffer flags an application sets and gets back (and CAPTURE buffers inherit):
/// timecode, timestamp source and frame type.
const APP_BUFFER_FLAGS: u32 = V4L2_BUF_FLAG_TIMECODE
    | V4L2_BUF_FLAG_TSTAMP_SRC_MASK
    | V4L2_BUF_FLAG_KEYFRAME
    | V4L2_BUF_FLAG_PFRAME
    | V4L2_BUF_FLAG_BFRAME;

/// Plane arrays are copied whole; control arrays in chunks of this many elements.
const CONTROL_CHUNK: usize = 16;

/// Decodes and performs ioctl `request` for `file`, reaching application memory through
/// `board` (the board's fault-safe copies) or, when it is `None`, directly.
///
/// # Safety
///
/// With `board` `None`: `arg` is NULL or valid for reads and writes of `ioc_size(request)`
/// bytes, and nested pointers (plane and control arrays) are, when not NULL, valid for
/// their declared element counts. With a board, any address is accepted: what cannot be
/// copied is `EFAULT`.
pub(crate) unsafe fn dispatch<T: DeviceIoctls + ?Sized>(
    dev: &T,
    file: FileId,
    request: u32,
    arg: *mut c_void,
    board: Option<&dyn UserMemory>,
) -> Result<i32> {
    if ioc_dir(request) != IOC_NONE && arg.is_null() {
        return Err(Errno::EFAULT);
    }
    if !dev.supports(request) {
        return Err(Errno::ENOTTY);
    }
    let api = dev.api();
    // SAFETY: without a board, the caller guarantees every address this ioctl reaches
    // valid, which is `User::new`'s contract.
    let user = unsafe { User::new(board) };
    let arg = UserArg::new(user, arg as usize, request);
    match request {
        VIDIOC_QUERYCAP => arg.write(&encode_capability(&dev.querycap(file)?))?,
        VIDIOC_ENUM_FMT => arg.update(|desc| enum_fmt(dev, file, desc))?,
        VIDIOC_G_FMT | VIDIOC_S_FMT | VIDIOC_TRY_FMT => arg.update(|fmt| format(dev, file, request, fmt))?,
        VIDIOC_REQBUFS => arg.update(|req| reqbufs(dev, file, req))?,
        VIDIOC_CREATE_BUFS => arg.update(|create| create_bufs(dev, file, create))?,
        VIDIOC_QUERYBUF | VIDIOC_QBUF | VIDIOC_PREPARE_BUF | VIDIOC_DQBUF => {
            buffer_ioctl(dev, file, request, &arg, user)?
        }
        VIDIOC_STREAMON => dev.streamon(file, direction(api, arg.read::<i32>()? as u32)?)?,
        VIDIOC_STREAMOFF => dev.streamoff(file, direction(api, arg.read::<i32>()? as u32)?)?,
        VIDIOC_G_PARM | VIDIOC_S_PARM => arg.update(|parm| stream_parm(dev, file, request, parm))?,
        VIDIOC_G_SELECTION | VIDIOC_S_SELECTION => arg.update(|sel| selection(dev, file, request, sel))?,
        VIDIOC_ENUM_FRAMESIZES => arg.update(|fse: &mut v4l2_frmsizeenum| {
            encode_frame_size(fse, dev.enum_framesizes(file, fse.pixel_format, fse.index)?);
            Ok(())
        })?,
        VIDIOC_ENUM_FRAMEINTERVALS => arg.update(|fie: &mut v4l2_frmivalenum| {
            let ival = dev.enum_frameintervals(file, fie.pixel_format, fie.width, fie.height, fie.index)?;
            fie.type_ = V4L2_FRMIVAL_TYPE_DISCRETE;
            fie.u = v4l2_frmivalenum_u {
                discrete: v4l2_fract { numerator: ival.numerator, denominator: ival.denominator },
            };
            fie.reserved = [0; 2];
            Ok(())
        })?,
        VIDIOC_QUERYCTRL => arg.update(|q: &mut v4l2_queryctrl| {
            let spec = dev.query_control(file, q.id)?;
            encode_queryctrl(q, &spec);
            Ok(())
        })?,
        VIDIOC_QUERY_EXT_CTRL => arg.update(|q: &mut v4l2_query_ext_ctrl| {
            let spec = dev.query_control(file, q.id)?;
            encode_query_ext_ctrl(q, &spec);
            Ok(())
        })?,
        VIDIOC_QUERYMENU => arg.update(|q: &mut v4l2_querymenu| {
            let name = dev.querymenu(file, q.id, q.index)?;
            let mut bytes = [0u8; 32];
            copy_str(&mut bytes, name);
            q.u = v4l2_querymenu_u { name: bytes };
            q.reserved = 0;
            Ok(())
        })?,
        VIDIOC_G_CTRL | VIDIOC_S_CTRL => arg.update(|c| control(dev, file, request, c))?,
        VIDIOC_G_EXT_CTRLS | VIDIOC_S_EXT_CTRLS | VIDIOC_TRY_EXT_CTRLS => ext_controls(dev, file, request, &arg, user)?,
        VIDIOC_SUBSCRIBE_EVENT => {
            let sub: v4l2_event_subscription = arg.read()?;
            dev.subscribe_event(file, sub.type_, sub.id, sub.flags)?
        }
        VIDIOC_UNSUBSCRIBE_EVENT => {
            let sub: v4l2_event_subscription = arg.read()?;
            dev.unsubscribe_event(file, sub.type_, sub.id)?
        }
        VIDIOC_DQEVENT => {
            // An event about to be taken is not lost to an argument that cannot be
            // written (Linux loses it): the argument is probed first.
            let mut probe = || arg.update(|_: &mut v4l2_event| Ok(()));
            let got = dev.dqevent(file, &mut probe)?;
            arg.write(&encode_event(&got))?
        }
        VIDIOC_ENCODER_CMD | VIDIOC_TRY_ENCODER_CMD => arg.update(|ec: &mut v4l2_encoder_cmd| {
            let try_only = request == VIDIOC_TRY_ENCODER_CMD;
            ec.flags =
                dev.codec_command(file, CommandRequest { cmd: ec.cmd, flags: ec.flags, try_only, encoder: true })?;
            Ok(())
        })?,
        VIDIOC_DECODER_CMD | VIDIOC_TRY_DECODER_CMD => arg.update(|dc| decoder_command(dev, file, request, dc))?,
        VIDIOC_G_PRIORITY => arg.write(&dev.g_priority(file)?)?,
        VIDIOC_S_PRIORITY => dev.s_priority(file, arg.read()?)?,
        _ => return Err(Errno::ENOTTY),
    }
    Ok(0)
}

fn enum_fmt<T: DeviceIoctls + ?Sized>(dev: &T, file: FileId, desc: &mut v4l2_fmtdesc) -> Result<()> {
    let found = dev.enum_fmt(file, direction(dev.api(), desc.type_)?, desc.index)?;
    desc.flags = found.flags;
    desc.description = [0; 32];
    copy_str(&mut desc.description, found.description);
    desc.pixelformat = found.pixelformat;
    desc.mbus_code = 0;
    desc.reserved = [0; 3];
    Ok(())
}

/// G_FMT, S_FMT and TRY_FMT.
fn format<T: DeviceIoctls + ?Sized>(dev: &T, file: FileId, request: u32, fmt: &mut v4l2_format) -> Result<()> {
    let api = dev.api();
    let dir = direction(api, fmt.type_)?;
    let result = if request == VIDIOC_G_FMT {
        dev.g_fmt(file, dir)?
    } else {
        dev.s_fmt(file, dir, decode_format(api, fmt), request == VIDIOC_S_FMT)?
    };
    encode_format(api, fmt, &result);
    Ok(())
}

fn reqbufs<T: DeviceIoctls + ?Sized>(dev: &T, file: FileId, req: &mut v4l2_requestbuffers) -> Result<()> {
    let done = dev.reqbufs(file, direction(dev.api(), req.type_)?, memory(req.memory)?, req.count)?;
    req.count = done.count;
    req.capabilities = done.capabilities;
    req.flags = 0;
    req.reserved = [0; 3];
    Ok(())
}

fn create_bufs<T: DeviceIoctls + ?Sized>(dev: &T, file: FileId, create: &mut v4l2_create_buffers) -> Result<()> {
    let api = dev.api();
    let dir = direction(api, create.format.type_)?;
    let memory = memory(create.memory)?;
    let done = dev.create_bufs(file, dir, memory, create.count, decode_format(api, &create.format))?;
    create.index = done.index;
    create.count = done.count;
    create.capabilities = done.capabilities;
    create.flags = 0;
    create.reserved = [0; 6];
    Ok(())
}

/// G_PARM and S_PARM: the frame interval of either direction.
fn stream_parm<T: DeviceIoctls + ?Sized>(
    dev: &T,
    file: FileId,
    request: u32,
    parm: &mut v4l2_streamparm,
) -> Result<()> {
    let dir = any_direction(parm.type_)?;
    // SAFETY: plain-old-data union members; the buffer type selects which one.
    let given = unsafe {
        match dir {
            Direction::Output => parm.parm.output.timeperframe,
            Direction::Capture => parm.parm.capture.timeperframe,
        }
    };
    let result = if request == VIDIOC_G_PARM {
        dev.g_parm(file, dir)?
    } else {
        let asked = crate::format::Fraction { numerator: given.numerator, denominator: given.denominator };
        dev.s_parm(file, dir, StreamParm { timeperframe: asked })?
    };
    let tpf = v4l2_fract { numerator: result.timeperframe.numerator, denominator: result.timeperframe.denominator };
    parm.parm = v4l2_streamparm_parm::zeroed();
    match dir {
        Direction::Output => {
            // SAFETY: a reference to a plain-old-data union member, all zero bytes now.
            let out = unsafe { &mut parm.parm.output };
            out.capability = V4L2_CAP_TIMEPERFRAME;
            out.timeperframe = tpf;
        }
        Direction::Capture => {
            // SAFETY: as above, for `capture`.
            let cap = unsafe { &mut parm.parm.capture };
            cap.capability = V4L2_CAP_TIMEPERFRAME;
            cap.timeperframe = tpf;
        }
    }
    Ok(())
}

/// G_SELECTION and S_SELECTION.
fn selection<T: DeviceIoctls + ?Sized>(dev: &T, file: FileId, request: u32, sel: &mut v4l2_selection) -> Result<()> {
    let dir = any_direction(sel.type_)?;
    let rect = if request == VIDIOC_G_SELECTION {
        dev.g_selection(file, dir, sel.target)?
    } else {
        let asked = Rect { left: sel.r.left, top: sel.r.top, width: sel.r.width, height: sel.r.height };
        dev.s_selection(file, dir, sel.target, sel.flags, asked)?
    };
    sel.r = v4l2_rect { left: rect.left, top: rect.top, width: rect.width, height: rect.height };
    sel.reserved = [0; 9];
    Ok(())
}

/// G_CTRL and S_CTRL (32-bit controls only).
fn control<T: DeviceIoctls + ?Sized>(dev: &T, file: FileId, request: u32, c: &mut v4l2_control) -> Result<()> {
    if dev.query_control(file, c.id)?.kind == ControlKind::Integer64 {
        return Err(Errno::EINVAL);
    }
    c.value = if request == VIDIOC_G_CTRL {
        dev.g_ctrl(file, c.id)? as i32
    } else {
        dev.s_ctrl(file, c.id, i64::from(c.value))? as i32
    };
    Ok(())
}

/// DECODER_CMD and TRY_DECODER_CMD.
fn decoder_command<T: DeviceIoctls + ?Sized>(
    dev: &T,
    file: FileId,
    request: u32,
    dc: &mut v4l2_decoder_cmd,
) -> Result<()> {
    let try_only = request == VIDIOC_TRY_DECODER_CMD;
    dc.flags = dev.codec_command(file, CommandRequest { cmd: dc.cmd, flags: dc.flags, try_only, encoder: false })?;
    if dc.cmd == V4L2_DEC_CMD_STOP {
        dc.u.stop = v4l2_decoder_cmd_stop { pts: 0 };
    } else {
        dc.u.start = v4l2_decoder_cmd_start { speed: 0, format: V4L2_DEC_START_FMT_NONE };
    }
    Ok(())
}

fn direction(api: BufferApi, buf_type: u32) -> Result<Direction> {
    api.direction_of(buf_type).ok_or(Errno::EINVAL)
}

/// Buffer types of either API, for ioctls where Linux accepts both (selection, parm).
fn any_direction(buf_type: u32) -> Result<Direction> {
    match buf_type {
        V4L2_BUF_TYPE_VIDEO_OUTPUT | V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE => Ok(Direction::Output),
        V4L2_BUF_TYPE_VIDEO_CAPTURE | V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE => Ok(Direction::Capture),
        _ => Err(Errno::EINVAL),
    }
}

fn memory(value: u32) -> Result<Memory> {
    match value {
        V4L2_MEMORY_MMAP => Ok(Memory::Mmap),
        V4L2_MEMORY_USERPTR => Ok(Memory::UserPtr),
        _ => Err(Errno::EINVAL),
    }
}

fn decode_format(api: BufferApi, fmt: &v4l2_format) -> PixFormat {
    let mut out = PixFormat::empty();
    match api {
        BufferApi::SinglePlanar => {
            // SAFETY: every member of the union is plain old data; reading `pix` of any bit
            // pattern is defined.
            let pix = unsafe { &fmt.fmt.pix };
            out.width = pix.width;
            out.height = pix.height;
            out.pixelformat = pix.pixelformat;
            out.field = pix.field;
            out.colorspace = pix.colorspace;
            out.xfer_func = pix.xfer_func;
            out.ycbcr_enc = pix.ycbcr_enc;
            out.quantization = pix.quantization;
            out.num_planes = 1;
            out.planes[0] = PlaneFormat { bytesperline: pix.bytesperline, sizeimage: pix.sizeimage };
        }
        BufferApi::MultiPlanar => {
            // SAFETY: as above, for `pix_mp`.
            let mp = unsafe { &fmt.fmt.pix_mp };
            out.width = mp.width;
            out.height = mp.height;
            out.pixelformat = mp.pixelformat;
            out.field = mp.field;
            out.colorspace = mp.colorspace;
            out.xfer_func = u32::from(mp.xfer_func);
            out.ycbcr_enc = u32::from(mp.ycbcr_enc);
            out.quantization = u32::from(mp.quantization);
            out.flags = u32::from(mp.flags);
            out.num_planes = mp.num_planes.min(MAX_PLANES as u8);
            for (dst, src) in out.planes.iter_mut().zip(mp.plane_fmt.iter()).take(usize::from(out.num_planes)) {
                *dst = PlaneFormat { bytesperline: src.bytesperline, sizeimage: src.sizeimage };
            }
        }
    }
    out
}

fn encode_format(api: BufferApi, out: &mut v4l2_format, fmt: &PixFormat) {
    out.fmt = v4l2_format_fmt::zeroed();
    match api {
        BufferApi::SinglePlanar => {
            // SAFETY: a reference to a plain-old-data union member, all zero bytes now.
            let pix = unsafe { &mut out.fmt.pix };
            pix.width = fmt.width;
            pix.height = fmt.height;
            pix.pixelformat = fmt.pixelformat;
            pix.field = fmt.field;
            pix.bytesperline = fmt.planes[0].bytesperline;
            pix.sizeimage = fmt.planes[0].sizeimage;
            pix.colorspace = fmt.colorspace;
            pix.priv_ = V4L2_PIX_FMT_PRIV_MAGIC;
            pix.flags = fmt.flags;
            pix.ycbcr_enc = fmt.ycbcr_enc;
            pix.quantization = fmt.quantization;
            pix.xfer_func = fmt.xfer_func;
        }
        BufferApi::MultiPlanar => {
            // SAFETY: as above, for `pix_mp`.
            let mp = unsafe { &mut out.fmt.pix_mp };
            mp.width = fmt.width;
            mp.height = fmt.height;
            mp.pixelformat = fmt.pixelformat;
            mp.field = fmt.field;
            mp.colorspace = fmt.colorspace;
            mp.num_planes = fmt.num_planes;
            for (dst, src) in mp.plane_fmt.iter_mut().zip(fmt.active_planes()) {
                dst.bytesperline = src.bytesperline;
                dst.sizeimage = src.sizeimage;
            }
            mp.flags = fmt.flags as u8;
            mp.ycbcr_enc = fmt.ycbcr_enc as u8;
            mp.quantization = fmt.quantization as u8;
            mp.xfer_func = fmt.xfer_func as u8;
        }
    }
}

/// The application's plane array of a multi-planar buffer, copied in whole as Linux does
/// before it looks at the request (`EFAULT` if it cannot be, NULL included), and copied
/// back whole after it.
struct Planes<'a> {
    array: UserSlice<'a, v4l2_plane>,
    items: [v4l2_plane; VIDEO_MAX_PLANES],
}

impl<'a> Planes<'a> {
    /// Whether `buf` comes with a plane array: a multi-planar type and a non-zero length
    /// (otherwise the request decides).
    fn given(buf: &v4l2_buffer) -> bool {
        V4L2_TYPE_IS_MULTIPLANAR(buf.type_) && buf.length != 0
    }

    /// The plane array of `buf` (which [`Planes::given`] accepted); `EINVAL` for more than
    /// `VIDEO_MAX_PLANES`.
    fn copy_in(user: User<'a>, buf: &v4l2_buffer) -> Result<Self> {
        let len = buf.length as usize;
        if len > VIDEO_MAX_PLANES {
            return Err(Errno::EINVAL);
        }
        // SAFETY: `planes` is a pointer member; reading a pointer of any bit pattern is defined.
        let base = unsafe { buf.m.planes } as usize;
        let array = UserSlice::new(user, base, len);
        let items = array.read_all()?;
        Ok(Self { array, items })
    }

    /// The planes the framework considers (it carries at most `MAX_PLANES`).
    fn active_mut(&mut self) -> &mut [v4l2_plane] {
        let len = self.array.len().min(MAX_PLANES);
        &mut self.items[..len]
    }

    fn copy_out(&self) -> Result<()> {
        self.array.write_all(&self.items)
    }
}

/// QUERYBUF, QBUF, PREPARE_BUF and DQBUF: the argument and its plane array copied in, the
/// operation, and both copied back (the plane array even when the operation failed, as
/// Linux does; a fault there is `EFAULT`). A buffer DQBUF took is not lost to an answer
/// that cannot be written (Linux loses it): it goes back to the front of its done queue.
fn buffer_ioctl<T: DeviceIoctls + ?Sized>(
    dev: &T,
    file: FileId,
    request: u32,
    arg: &UserArg<'_>,
    user: User<'_>,
) -> Result<()> {
    let mut buf = v4l2_buffer::zeroed();
    arg.read_into(&mut buf)?;
    let api = dev.api();
    // As Linux, the plane array is copied in before the request is looked at.
    let mut planes = if Planes::given(&buf) { Some(Planes::copy_in(user, &buf)?) } else { None };
    let dir = direction(api, buf.type_)?;
    if api == BufferApi::MultiPlanar && planes.is_none() {
        // Linux (videobuf2): a multi-planar buffer needs a plane array.
        return Err(Errno::EINVAL);
    }
    let result = buffer_op(dev, file, dir, request, &mut buf, planes.as_mut().map(Planes::active_mut));
    let written = planes.as_ref().map_or(Ok(()), Planes::copy_out).and_then(|()| {
        if result.is_ok() {
            arg.write(&buf)
        } else {
            Ok(())
        }
    });
    if request == VIDIOC_DQBUF && result.is_ok() && written.is_err() {
        dev.undo_dqbuf(file, dir, buf.index);
    }
    written.and(result)
}

/// The typed buffer operation: the request decoded from `buf` (and `planes`), the answer
/// written into them in place.
fn buffer_op<T: DeviceIoctls + ?Sized>(
    dev: &T,
    file: FileId,
    dir: Direction,
    request: u32,
    buf: &mut v4l2_buffer,
    planes: Option<&mut [v4l2_plane]>,
) -> Result<()> {
    match request {
        VIDIOC_QUERYBUF => dev.querybuf(file, dir, buf.index, &mut BufferReply::new(buf, planes)),
        VIDIOC_QBUF | VIDIOC_PREPARE_BUF => {
            let mut req = QueueRequest::EMPTY;
            decode_queue_request(buf, planes.as_deref(), &mut req)?;
            let mut reply = BufferReply::new(buf, planes);
            if request == VIDIOC_QBUF {
                dev.qbuf(file, dir, &req, &mut reply)
            } else {
                dev.prepare_buf(file, dir, &req, &mut reply)
            }
        }
        _ => dev.dqbuf(file, dir, &mut BufferReply::new(buf, planes)),
    }
}

/// G/S/TRY_EXT_CTRLS: the control array is read whole before anything is validated, as
/// Linux copies it in (a bad tail is `EFAULT`, not `EINVAL`), and copied back whole after
/// the operation; the argument is written back even when the operation fails.
#[inline(never)]
fn ext_controls<T: DeviceIoctls + ?Sized>(
    dev: &T,
    file: FileId,
    request: u32,
    arg: &UserArg<'_>,
    user: User<'_>,
) -> Result<()> {
    let mut cs: v4l2_ext_controls = arg.read()?;
    if cs.count > V4L2_CID_MAX_CTRLS {
        return Err(Errno::EINVAL);
    }
    let array = UserSlice::new(user, cs.controls as usize, cs.count as usize);
    array.check_whole::<CONTROL_CHUNK>(false)?;
    let op = match request {
        VIDIOC_G_EXT_CTRLS => ExtControlsOp::Get,
        VIDIOC_TRY_EXT_CTRLS => ExtControlsOp::Try,
        _ => ExtControlsOp::Set,
    };
    let mut raw = RawControls { array, fault: core::cell::Cell::new(false) };
    let result = dev.ext_ctrls(file, op, cs.which, &mut raw);
    cs.error_idx = match result {
        Ok(()) => cs.count,
        Err((_, idx)) => idx,
    };
    let copied_back = raw.array.check_whole::<CONTROL_CHUNK>(true);
    arg.write(&cs)?;
    if raw.fault.get() || copied_back.is_err() {
        return Err(Errno::EFAULT);
    }
    result.map_err(|(errno, _)| errno)
}

fn timestamp_of(tv: &timeval) -> Timestamp {
    let ns = i128::from(tv.tv_sec) * 1_000_000_000 + i128::from(tv.tv_usec) * 1000;
    Timestamp(ns as u64)
}

pub(super) fn timeval_of(ts: Timestamp) -> timeval {
    timeval { tv_sec: (ts.0 / 1_000_000_000) as _, tv_usec: ((ts.0 % 1_000_000_000) / 1000) as _ }
}

/// Fills `req` (fresh: one plane, all zero) with the typed QBUF/PREPARE_BUF request of
/// `buf`, with its planes from `planes` (the application's plane array of a multi-planar
/// buffer).
fn decode_queue_request(buf: &v4l2_buffer, planes: Option<&[v4l2_plane]>, req: &mut QueueRequest) -> Result<()> {
    let memory = memory(buf.memory)?;
    req.index = buf.index;
    req.memory = memory;
    req.timestamp = timestamp_of(&buf.timestamp);
    let flags = buf.flags & APP_BUFFER_FLAGS;
    let tc = &buf.timecode;
    let timecode = if flags & V4L2_BUF_FLAG_TIMECODE == 0 {
        Timecode::default()
    } else {
        // A type or flags V4L2 gives no meaning to, too wide to be kept exactly.
        let (Ok(kind), Ok(tc_flags)) = (u8::try_from(tc.type_), u8::try_from(tc.flags)) else {
            return Err(Errno::EINVAL);
        };
        Timecode {
            kind,
            flags: tc_flags,
            frames: tc.frames,
            seconds: tc.seconds,
            minutes: tc.minutes,
            hours: tc.hours,
            userbits: tc.userbits,
        }
    };
    req.meta = FrameMeta { flags, timecode };
    match planes {
        Some(array) => {
            req.num_planes = array.len();
            for (out, plane) in req.planes.iter_mut().zip(array) {
                *out = QueuePlane {
                    bytesused: plane.bytesused,
                    length: plane.length,
                    // SAFETY: plain-old-data union member.
                    userptr: if memory == Memory::UserPtr { (unsafe { plane.m.userptr }) as usize } else { 0 },
                    data_offset: plane.data_offset,
                };
            }
        }
        None => {
            req.planes[0] = QueuePlane {
                bytesused: buf.bytesused,
                length: buf.length,
                // SAFETY: plain-old-data union member.
                userptr: if memory == Memory::UserPtr { (unsafe { buf.m.userptr }) as usize } else { 0 },
                data_offset: 0,
            };
        }
    }
    Ok(())
}

/// The application's `struct v4l2_ext_control` array, read and written element by
/// element; a fault (memory the application changed during the call) is remembered and
/// makes the ioctl `EFAULT`.
struct RawControls<'a> {
    array: UserSlice<'a, v4l2_ext_control>,
    fault: core::cell::Cell<bool>,
}

impl RawControls<'_> {
    /// Entry `i`; the framework only asks for indices below `len()`.
    fn entry(&self, i: usize) -> v4l2_ext_control {
        self.array.get(i).unwrap_or_else(|_| {
            self.fault.set(true);
            v4l2_ext_control::zeroed()
        })
    }
}

impl ExtControlArray for RawControls<'_> {
    fn len(&self) -> usize {
        self.array.len()
    }

    fn id(&self, i: usize) -> u32 {
        self.entry(i).id
    }

    fn value(&self, i: usize, wide: bool) -> i64 {
        let entry = self.entry(i);
        // SAFETY: plain-old-data union members.
        unsafe {
            if wide {
                entry.value.value64
            } else {
                i64::from(entry.value.value)
            }
        }
    }

    fn set_value(&mut self, i: usize, wide: bool, value: i64) {
        let mut entry = self.entry(i);
        entry.value = if wide {
            v4l2_ext_control_value { value64: value }
        } else {
            v4l2_ext_control_value { value: value as i32 }
        };
        if self.array.set(i, entry).is_err() {
            self.fault.set(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_through_timeval() {
        let tv = timeval { tv_sec: 12, tv_usec: 345_678 };
        let back = timeval_of(timestamp_of(&tv));
        assert_eq!((back.tv_sec, back.tv_usec), (12, 345_678));
    }
}
