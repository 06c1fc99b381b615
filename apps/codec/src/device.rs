//! A codec device node opened through the VFS: capabilities, formats, MMAP buffer queues,
//! events and commands, each one V4L2 ioctl.

use sim_board::vfs;
use v4l2m2m::{abi, Errno};
use v4l2m2m_client::{Client, CtrlOp, DqBuf};

use crate::sys::VfsFile;
use crate::ToolError;

/// One mapped plane of a buffer.
pub struct Plane {
    /// Where it is mapped.
    pub ptr: *mut u8,
    /// Its length.
    pub len: usize,
}

/// One MMAP buffer of a queue.
pub struct Buffer {
    /// Mapped planes.
    pub planes: Vec<Plane>,
    /// Whether the device holds it.
    pub queued: bool,
}

/// A buffer dequeued from a queue.
#[derive(Clone, Copy, Debug)]
pub struct Dequeued {
    /// Buffer index.
    pub index: usize,
    /// `V4L2_BUF_FLAG_*`.
    pub flags: u32,
    /// Bytes used per plane.
    pub bytesused: [u32; 4],
    /// Timestamp in microseconds.
    pub timestamp_us: u64,
}

/// A queue (OUTPUT or CAPTURE) of the device.
pub struct Queue {
    /// The V4L2 buffer type.
    pub type_: u32,
    /// Its buffers.
    pub buffers: Vec<Buffer>,
    /// Whether it streams.
    pub streaming: bool,
}

/// An open codec node.
pub struct Device {
    /// The VFS descriptor.
    pub fd: vfs::RawFd,
    /// The client making every ioctl on `fd`.
    pub client: Client<VfsFile>,
    /// Whether the node speaks the multi-planar API.
    pub mplane: bool,
    /// The card name VIDIOC_QUERYCAP gives (which backend the node is).
    pub card: String,
    /// The driver name VIDIOC_QUERYCAP gives.
    pub driver: String,
    /// OUTPUT queue.
    pub output: Queue,
    /// CAPTURE queue.
    pub capture: Queue,
}

fn err(what: &str, e: Errno) -> ToolError {
    ToolError::Device(format!("{what}: {e}"))
}

impl Device {
    /// Opens `path` (non-blocking) and checks it is a memory-to-memory device.
    pub fn open(path: &str) -> Result<Device, ToolError> {
        let fd = vfs::open(path, vfs::O_RDWR | vfs::O_NONBLOCK).map_err(|e| {
            ToolError::Usage(format!("cannot open device {path}: {e} (nodes: {})", vfs::node_paths().join(", ")))
        })?;
        let client = Client::new(VfsFile(fd));
        let cap = client.querycap().map_err(|e| err("VIDIOC_QUERYCAP", e))?;
        let caps = cap.device_caps;
        let mplane = if caps & abi::V4L2_CAP_VIDEO_M2M_MPLANE != 0 {
            true
        } else if caps & abi::V4L2_CAP_VIDEO_M2M != 0 {
            false
        } else {
            let _ = vfs::close(fd);
            return Err(ToolError::Usage(format!("{path} is not a memory-to-memory device")));
        };
        let (out_t, cap_t) = if mplane {
            (abi::V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, abi::V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE)
        } else {
            (abi::V4L2_BUF_TYPE_VIDEO_OUTPUT, abi::V4L2_BUF_TYPE_VIDEO_CAPTURE)
        };
        let len = cap.card.iter().position(|&b| b == 0).unwrap_or(cap.card.len());
        let card = String::from_utf8_lossy(&cap.card[..len]).into_owned();
        let len = cap.driver.iter().position(|&b| b == 0).unwrap_or(cap.driver.len());
        let driver = String::from_utf8_lossy(&cap.driver[..len]).into_owned();
        Ok(Device {
            fd,
            client,
            mplane,
            card,
            driver,
            output: Queue { type_: out_t, buffers: Vec::new(), streaming: false },
            capture: Queue { type_: cap_t, buffers: Vec::new(), streaming: false },
        })
    }

    fn queue(&mut self, output: bool) -> &mut Queue {
        if output {
            &mut self.output
        } else {
            &mut self.capture
        }
    }

    /// The pixel formats the device lists for a queue.
    pub fn enum_formats(&self, output: bool) -> Vec<(u32, u32)> {
        let type_ = if output { self.output.type_ } else { self.capture.type_ };
        (0..64).map_while(|index| self.client.enum_fmt(type_, index).ok().map(|d| (d.pixelformat, d.flags))).collect()
    }

    /// G_FMT of a queue.
    pub fn g_fmt(&self, output: bool) -> Result<Format, ToolError> {
        let type_ = if output { self.output.type_ } else { self.capture.type_ };
        let f = self.client.g_fmt(type_).map_err(|e| err("VIDIOC_G_FMT", e))?;
        Ok(Format::from_abi(&f, self.mplane))
    }

    /// S_FMT of a queue; returns what the device applied.
    pub fn s_fmt(&self, output: bool, want: &Format) -> Result<Format, ToolError> {
        let mut f = abi::v4l2_format::zeroed();
        f.type_ = if output { self.output.type_ } else { self.capture.type_ };
        want.to_abi(&mut f, self.mplane);
        self.client.s_fmt(&mut f).map_err(|e| err("VIDIOC_S_FMT", e))?;
        Ok(Format::from_abi(&f, self.mplane))
    }

    /// G_SELECTION of the CAPTURE queue's COMPOSE rectangle (decoders).
    pub fn compose(&self) -> Option<abi::v4l2_rect> {
        // Selection uses the single-planar types.
        self.client.g_selection(abi::V4L2_BUF_TYPE_VIDEO_CAPTURE, abi::V4L2_SEL_TGT_COMPOSE).ok()
    }

    /// Subscribes to an event type.
    pub fn subscribe(&self, type_: u32) -> Result<(), ToolError> {
        self.client.subscribe_event(type_, 0, 0).map_err(|e| err("VIDIOC_SUBSCRIBE_EVENT", e))
    }

    /// Dequeues a pending event.
    pub fn dqevent(&self) -> Option<abi::v4l2_event> {
        self.client.dqevent().ok()
    }

    /// REQBUFS + QUERYBUF + mmap of every plane; `count` 0 frees the buffers.
    pub fn setup_buffers(&mut self, output: bool, count: u32) -> Result<usize, ToolError> {
        self.release_buffers(output)?;
        let (fd, client, mplane) = (self.fd, self.client, self.mplane);
        let q = self.queue(output);
        let req = client.reqbufs(q.type_, abi::V4L2_MEMORY_MMAP, count).map_err(|e| err("VIDIOC_REQBUFS", e))?;
        for index in 0..req.count {
            let mut b = abi::v4l2_buffer::zeroed();
            b.index = index;
            b.type_ = q.type_;
            b.memory = abi::V4L2_MEMORY_MMAP;
            let mut planes = [abi::v4l2_plane::zeroed(); 4];
            client.querybuf(&mut b, mplane.then_some(&mut planes[..])).map_err(|e| err("VIDIOC_QUERYBUF", e))?;
            let layout: Vec<(usize, u64)> = if mplane {
                planes[..b.length as usize]
                    .iter()
                    // SAFETY: a union read: QUERYBUF on an MMAP buffer fills `mem_offset`.
                    .map(|p| (p.length as usize, u64::from(unsafe { p.m.mem_offset })))
                    .collect()
            } else {
                // SAFETY: a union read: QUERYBUF on an MMAP buffer fills `offset`.
                vec![(b.length as usize, u64::from(unsafe { b.m.offset }))]
            };
            let mut mapped = Vec::new();
            for (len, offset) in layout {
                let ptr = vfs::mmap(fd, len, offset).map_err(|e| err("mmap", e))?;
                mapped.push(Plane { ptr, len });
            }
            q.buffers.push(Buffer { planes: mapped, queued: false });
        }
        Ok(q.buffers.len())
    }

    /// Unmaps and frees a queue's buffers (REQBUFS 0).
    pub fn release_buffers(&mut self, output: bool) -> Result<(), ToolError> {
        let client = self.client;
        let q = self.queue(output);
        if q.buffers.is_empty() {
            return Ok(());
        }
        for b in q.buffers.drain(..) {
            for p in b.planes {
                let _ = vfs::munmap(p.ptr, p.len);
            }
        }
        client.reqbufs(q.type_, abi::V4L2_MEMORY_MMAP, 0).map_err(|e| err("VIDIOC_REQBUFS(0)", e))?;
        Ok(())
    }

    /// Queues buffer `index` with `bytesused` per plane and a timestamp.
    pub fn qbuf(&mut self, output: bool, index: usize, bytesused: &[u32], timestamp_us: u64) -> Result<(), ToolError> {
        let (client, mplane) = (self.client, self.mplane);
        let q = self.queue(output);
        let mut b = abi::v4l2_buffer::zeroed();
        b.index = index as u32;
        b.type_ = q.type_;
        b.memory = abi::V4L2_MEMORY_MMAP;
        b.timestamp.tv_sec = (timestamp_us / 1_000_000) as _;
        b.timestamp.tv_usec = (timestamp_us % 1_000_000) as _;
        let n = q.buffers[index].planes.len();
        let mut planes = [abi::v4l2_plane::zeroed(); 4];
        for (i, p) in planes[..n].iter_mut().enumerate() {
            p.bytesused = bytesused.get(i).copied().unwrap_or(0);
            p.length = q.buffers[index].planes[i].len as u32;
        }
        if !mplane {
            b.bytesused = bytesused.first().copied().unwrap_or(0);
        }
        client.qbuf(&mut b, mplane.then_some(&mut planes[..n])).map_err(|e| match e {
            // The queue is in the error state: the device ended the stream (the caller
            // says why).
            Errno::EIO => ToolError::Refused(format!("VIDIOC_QBUF: {e}")),
            e => err("VIDIOC_QBUF", e),
        })?;
        q.buffers[index].queued = true;
        Ok(())
    }

    /// Dequeues a done buffer: `Ok(None)` when none is ready, `Err(EPIPE)` after LAST.
    pub fn dqbuf(&mut self, output: bool) -> Result<Option<Dequeued>, Errno> {
        let (client, mplane) = (self.client, self.mplane);
        let q = self.queue(output);
        let mut b = abi::v4l2_buffer::zeroed();
        b.type_ = q.type_;
        b.memory = abi::V4L2_MEMORY_MMAP;
        let mut planes = [abi::v4l2_plane::zeroed(); 4];
        let n = q.buffers.first().map_or(1, |b| b.planes.len());
        match client.dqbuf(&mut b, mplane.then_some(&mut planes[..n]))? {
            DqBuf::Buffer | DqBuf::LastBuffer => {}
            DqBuf::NotReady => return Ok(None),
            DqBuf::EndOfStream => return Err(Errno::EPIPE),
        }
        let mut bytesused = [0u32; 4];
        if mplane {
            for (i, p) in planes[..(b.length as usize).min(4)].iter().enumerate() {
                bytesused[i] = p.bytesused;
            }
        } else {
            bytesused[0] = b.bytesused;
        }
        let index = b.index as usize;
        if let Some(buf) = q.buffers.get_mut(index) {
            buf.queued = false;
        }
        let timestamp_us = b.timestamp.tv_sec as u64 * 1_000_000 + b.timestamp.tv_usec as u64;
        Ok(Some(Dequeued { index, flags: b.flags, bytesused, timestamp_us }))
    }

    /// STREAMON / STREAMOFF.
    pub fn stream(&mut self, output: bool, on: bool) -> Result<(), ToolError> {
        let client = self.client;
        let q = self.queue(output);
        if on {
            client.streamon(q.type_).map_err(|e| err("VIDIOC_STREAMON", e))?;
        } else {
            client.streamoff(q.type_).map_err(|e| err("VIDIOC_STREAMOFF", e))?;
        }
        q.streaming = on;
        if !on {
            for b in &mut q.buffers {
                b.queued = false;
            }
        }
        Ok(())
    }

    /// DECODER_CMD or ENCODER_CMD STOP (drain).
    pub fn stop(&self, decoder: bool) -> Result<(), ToolError> {
        if decoder {
            let mut c = abi::v4l2_decoder_cmd::zeroed();
            c.cmd = abi::V4L2_DEC_CMD_STOP;
            self.client.decoder_cmd(&mut c, false).map_err(|e| err("VIDIOC_DECODER_CMD(STOP)", e))?;
        } else {
            let mut c = abi::v4l2_encoder_cmd::zeroed();
            c.cmd = abi::V4L2_ENC_CMD_STOP;
            self.client.encoder_cmd(&mut c, false).map_err(|e| err("VIDIOC_ENCODER_CMD(STOP)", e))?;
        }
        Ok(())
    }
}

impl Device {
    /// S_EXT_CTRLS of `(id, value)` pairs in one call (32-bit values). On failure, the
    /// errno and the `error_idx` the device reported.
    pub fn set_controls(&self, controls: &[(u32, i32)]) -> Result<(), (Errno, u32)> {
        self.ext_ctrls(CtrlOp::Set, controls).map(|_| ())
    }

    /// TRY_EXT_CTRLS: the values the device would apply, or the errno and `error_idx`.
    pub fn try_controls(&self, controls: &[(u32, i32)]) -> Result<Vec<i32>, (Errno, u32)> {
        self.ext_ctrls(CtrlOp::Try, controls)
    }

    /// G_EXT_CTRLS of `ids`.
    pub fn get_controls(&self, ids: &[u32]) -> Result<Vec<i32>, (Errno, u32)> {
        let pairs: Vec<(u32, i32)> = ids.iter().map(|&id| (id, 0)).collect();
        self.ext_ctrls(CtrlOp::Get, &pairs)
    }

    fn ext_ctrls(&self, op: CtrlOp, controls: &[(u32, i32)]) -> Result<Vec<i32>, (Errno, u32)> {
        let mut list: Vec<abi::v4l2_ext_control> = controls
            .iter()
            .map(|&(id, value)| {
                let mut c = abi::v4l2_ext_control::zeroed();
                c.id = id;
                c.value.value = value;
                c
            })
            .collect();
        let which = controls.first().map_or(abi::V4L2_CTRL_CLASS_CODEC, |&(id, _)| abi::V4L2_CTRL_ID2WHICH(id));
        self.client.ext_ctrls(op, which, &mut list).ok()?;
        // SAFETY: a union read: every control the tool uses has a 32-bit value.
        Ok(list.iter().map(|c| unsafe { c.value.value }).collect())
    }

    /// S_PARM on OUTPUT: `fps` = (numerator, denominator) frames per second; returns the
    /// frame rate the device applied.
    pub fn set_frame_rate(&self, fps: (u32, u32)) -> Result<(u32, u32), ToolError> {
        let mut p = abi::v4l2_streamparm::zeroed();
        p.type_ = self.output.type_;
        // A union field write (safe): OUTPUT types use `output`.
        p.parm.output.timeperframe = abi::v4l2_fract { numerator: fps.1, denominator: fps.0 };
        self.client.s_parm(&mut p).map_err(|e| err("VIDIOC_S_PARM", e))?;
        // SAFETY: a union read: S_PARM on an OUTPUT type fills `output`.
        let t = unsafe { p.parm.output.timeperframe };
        Ok((t.denominator, t.numerator))
    }

    /// G_PARM on OUTPUT: the frame rate as (numerator, denominator) frames per second.
    pub fn frame_rate(&self) -> Result<(u32, u32), ToolError> {
        let p = self.client.g_parm(self.output.type_).map_err(|e| err("VIDIOC_G_PARM", e))?;
        // SAFETY: a union read: G_PARM on an OUTPUT type fills `output`.
        let t = unsafe { p.parm.output.timeperframe };
        Ok((t.denominator, t.numerator))
    }

    /// S_SELECTION of the OUTPUT queue's CROP rectangle (encoders: the visible size);
    /// returns the rectangle the device applied.
    pub fn set_crop(&self, width: u32, height: u32) -> Result<abi::v4l2_rect, ToolError> {
        let mut s = abi::v4l2_selection::zeroed();
        s.type_ = abi::V4L2_BUF_TYPE_VIDEO_OUTPUT; // selection uses the single-planar types
        s.target = abi::V4L2_SEL_TGT_CROP;
        s.r = abi::v4l2_rect { left: 0, top: 0, width, height };
        self.client.s_selection(&mut s).map_err(|e| err("VIDIOC_S_SELECTION", e))?;
        Ok(s.r)
    }

    /// ENCODER_CMD `cmd` (`V4L2_ENC_CMD_START`, `_STOP`...).
    pub fn encoder_cmd(&self, cmd: u32) -> Result<(), Errno> {
        let mut c = abi::v4l2_encoder_cmd::zeroed();
        c.cmd = cmd;
        self.client.encoder_cmd(&mut c, false)
    }

    /// Copies `frame` into OUTPUT buffer `index`, plane after plane (each plane takes its
    /// `sizeimage` of `fmt`; the last one the rest), and queues it with `timestamp_us`.
    pub fn queue_frame(
        &mut self,
        index: usize,
        fmt: &Format,
        frame: &[u8],
        timestamp_us: u64,
    ) -> Result<(), ToolError> {
        let planes = &self.output.buffers[index].planes;
        let mut used = Vec::with_capacity(planes.len());
        let mut rest = frame;
        for (i, plane) in planes.iter().enumerate() {
            let take = if i + 1 == planes.len() { rest.len() } else { (fmt.sizeimage[i] as usize).min(rest.len()) };
            if take > plane.len {
                return Err(ToolError::Device(format!(
                    "{take} bytes of input do not fit OUTPUT plane {i} of {} bytes",
                    plane.len
                )));
            }
            // SAFETY: the plane is a live mapping of `plane.len` bytes that the device does
            // not use while the buffer is dequeued; `take` fits (checked above).
            unsafe { core::ptr::copy_nonoverlapping(rest.as_ptr(), plane.ptr, take) };
            used.push(take as u32);
            rest = &rest[take..];
        }
        self.qbuf(true, index, &used, timestamp_us)
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        for q in [&mut self.output, &mut self.capture] {
            for b in q.buffers.drain(..) {
                for p in b.planes {
                    let _ = vfs::munmap(p.ptr, p.len);
                }
            }
        }
        let _ = vfs::close(self.fd);
    }
}

/// A queue format, single- or multi-planar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Format {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// FourCC.
    pub pixelformat: u32,
    /// Planes in use.
    pub num_planes: usize,
    /// Bytes per line per plane.
    pub bytesperline: [u32; 4],
    /// Size per plane.
    pub sizeimage: [u32; 4],
}

impl Format {
    fn from_abi(f: &abi::v4l2_format, mplane: bool) -> Format {
        let mut out = Format::default();
        if mplane {
            // SAFETY: a union read: G/S_FMT on a multi-planar type fills `pix_mp`.
            let p = unsafe { f.fmt.pix_mp };
            out.width = p.width;
            out.height = p.height;
            out.pixelformat = p.pixelformat;
            out.num_planes = usize::from(p.num_planes).min(4);
            for i in 0..out.num_planes {
                out.bytesperline[i] = p.plane_fmt[i].bytesperline;
                out.sizeimage[i] = p.plane_fmt[i].sizeimage;
            }
        } else {
            // SAFETY: a union read: G/S_FMT on a single-planar type fills `pix`.
            let p = unsafe { f.fmt.pix };
            out.width = p.width;
            out.height = p.height;
            out.pixelformat = p.pixelformat;
            out.num_planes = 1;
            out.bytesperline[0] = p.bytesperline;
            out.sizeimage[0] = p.sizeimage;
        }
        out
    }

    fn to_abi(self, f: &mut abi::v4l2_format, mplane: bool) {
        if mplane {
            let mut p = abi::v4l2_pix_format_mplane::zeroed();
            p.width = self.width;
            p.height = self.height;
            p.pixelformat = self.pixelformat;
            p.field = abi::V4L2_FIELD_NONE;
            p.num_planes = self.num_planes.max(1) as u8;
            for i in 0..self.num_planes.min(4) {
                p.plane_fmt[i].bytesperline = self.bytesperline[i];
                p.plane_fmt[i].sizeimage = self.sizeimage[i];
            }
            f.fmt.pix_mp = p;
        } else {
            let mut p = abi::v4l2_pix_format::zeroed();
            p.width = self.width;
            p.height = self.height;
            p.pixelformat = self.pixelformat;
            p.field = abi::V4L2_FIELD_NONE;
            p.bytesperline = self.bytesperline[0];
            p.sizeimage = self.sizeimage[0];
            f.fmt.pix = p;
        }
    }
}
