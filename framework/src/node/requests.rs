//! The typed ioctl interface a device class implements. The ioctl decoder
//! ([`super::ioctl`]) turns raw application memory into these calls and their results back
//! into raw memory; implementations never see a pointer from an application.
//!
//! Every method defaults to `ENOTTY`, so a device class implements what it supports.

use crate::ctrl::ControlSpec;
use crate::error::{Errno, Result};
use crate::event::DequeuedEvent;
use crate::format::{BufferApi, Direction, FormatDesc, FourCc, Fraction, FrameSize, PixFormat, Rect, StreamParm};

use crate::queue::{Memory, QueueRequest};

use super::{BufferReply, FileId};

/// VIDIOC_QUERYCAP's answer.
#[derive(Clone, Copy, Debug)]
pub struct Capability {
    /// Driver name.
    pub driver: &'static str,
    /// Card name.
    pub card: &'static str,
    /// Bus information.
    pub bus_info: &'static str,
    /// Capabilities of the whole device (`V4L2_CAP_*`, with DEVICE_CAPS).
    pub capabilities: u32,
    /// Capabilities of this node.
    pub device_caps: u32,
}

/// Result of REQBUFS / CREATE_BUFS.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Allocation {
    /// Index of the first buffer created (CREATE_BUFS).
    pub index: u32,
    /// Buffers now allocated (REQBUFS) or created (CREATE_BUFS).
    pub count: u32,
    /// `V4L2_BUF_CAP_*` of the queue.
    pub capabilities: u32,
}

/// A codec command, decoded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct CommandRequest {
    /// `V4L2_ENC_CMD_*` or `V4L2_DEC_CMD_*`.
    pub cmd: u32,
    /// Command flags.
    pub flags: u32,
    /// Whether this is the TRY_ form (validate only).
    pub try_only: bool,
    /// Whether it came as ENCODER_CMD (true) or DECODER_CMD (false).
    pub encoder: bool,
}

/// Access to the application's `struct v4l2_ext_control` array, given by the ioctl
/// decoder. Indices are below `len()`.
pub trait ExtControlArray {
    /// Number of controls in the array.
    fn len(&self) -> usize;
    /// Control ID of entry `i`.
    fn id(&self, i: usize) -> u32;
    /// Value of entry `i` (`value64` when `wide`, else `value`).
    fn value(&self, i: usize, wide: bool) -> i64;
    /// Stores a value in entry `i`.
    fn set_value(&mut self, i: usize, wide: bool, value: i64);
}

/// Which operation an extended-controls call performs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ExtControlsOp {
    /// VIDIOC_G_EXT_CTRLS.
    Get,
    /// VIDIOC_TRY_EXT_CTRLS.
    Try,
    /// VIDIOC_S_EXT_CTRLS.
    Set,
}

/// The typed ioctls of a device node. Each method answers for the file `file`.
#[allow(unused_variables)]
pub trait DeviceIoctls {
    /// The buffer API of the node (decides which buffer types are valid).
    fn api(&self) -> BufferApi;
    /// Whether the device implements ioctl `request` at all. An unsupported ioctl answers
    /// `ENOTTY` before its argument is looked at, as Linux's table of valid ioctls does.
    fn supports(&self, request: u32) -> bool {
        let _ = request;
        true
    }
    /// Whether a DQEVENT would take an event now. The ioctl decoder then checks that the
    /// answer can be written before it takes it, so that a fault (EFAULT) loses nothing.
    /// The default always checks.
    fn event_ready(&self, file: FileId) -> bool {
        true
    }
    /// VIDIOC_QUERYCAP.
    fn querycap(&self, file: FileId) -> Result<Capability> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_ENUM_FMT.
    fn enum_fmt(&self, file: FileId, dir: Direction, index: u32) -> Result<FormatDesc> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_G_FMT.
    fn g_fmt(&self, file: FileId, dir: Direction) -> Result<PixFormat> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_TRY_FMT (`set == false`) or VIDIOC_S_FMT.
    fn s_fmt(&self, file: FileId, dir: Direction, fmt: PixFormat, set: bool) -> Result<PixFormat> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_REQBUFS.
    fn reqbufs(&self, file: FileId, dir: Direction, memory: Memory, count: u32) -> Result<Allocation> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_CREATE_BUFS (`count == 0` only reports).
    fn create_bufs(
        &self,
        file: FileId,
        dir: Direction,
        memory: Memory,
        count: u32,
        fmt: PixFormat,
    ) -> Result<Allocation> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_QUERYBUF: answers in `out`.
    fn querybuf(&self, file: FileId, dir: Direction, index: u32, out: &mut BufferReply<'_>) -> Result<()> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_PREPARE_BUF: answers in `out`.
    fn prepare_buf(&self, file: FileId, dir: Direction, req: &QueueRequest, out: &mut BufferReply<'_>) -> Result<()> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_QBUF: answers in `out`.
    fn qbuf(&self, file: FileId, dir: Direction, req: &QueueRequest, out: &mut BufferReply<'_>) -> Result<()> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_DQBUF: answers in `out`. A blocking file waits until a buffer is done (the
    /// device releases the file's ioctl lock meanwhile; a signal ends the wait with
    /// `EINTR`); a non-blocking one gets `EAGAIN`. A done buffer with more planes than
    /// `out` has room for is refused with `EINVAL` and stays done, as in Linux. The
    /// `memory` field of the application's buffer is not checked (Linux ignores it on
    /// DQBUF).
    fn dqbuf(&self, file: FileId, dir: Direction, out: &mut BufferReply<'_>) -> Result<()> {
        Err(Errno::ENOTTY)
    }
    /// The answer of a DQBUF that returned buffer `index` could not be written back
    /// (`EFAULT`): the buffer goes back to the front of its done queue, as if it had not
    /// been dequeued. Called with the file's ioctl still in progress, so nothing else
    /// dequeued in between.
    fn undo_dqbuf(&self, file: FileId, dir: Direction, index: u32) {}
    /// VIDIOC_STREAMON.
    fn streamon(&self, file: FileId, dir: Direction) -> Result<()> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_STREAMOFF.
    fn streamoff(&self, file: FileId, dir: Direction) -> Result<()> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_G_PARM.
    fn g_parm(&self, file: FileId, dir: Direction) -> Result<StreamParm> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_S_PARM.
    fn s_parm(&self, file: FileId, dir: Direction, parm: StreamParm) -> Result<StreamParm> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_G_SELECTION.
    fn g_selection(&self, file: FileId, dir: Direction, target: u32) -> Result<Rect> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_S_SELECTION.
    fn s_selection(&self, file: FileId, dir: Direction, target: u32, flags: u32, rect: Rect) -> Result<Rect> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_ENUM_FRAMESIZES.
    fn enum_framesizes(&self, file: FileId, pixelformat: FourCc, index: u32) -> Result<FrameSize> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_ENUM_FRAMEINTERVALS.
    fn enum_frameintervals(
        &self,
        file: FileId,
        pixelformat: FourCc,
        width: u32,
        height: u32,
        index: u32,
    ) -> Result<Fraction> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_QUERYCTRL / QUERY_EXT_CTRL: the control `id` (with `V4L2_CTRL_FLAG_NEXT_*`
    /// bits honoured) and its current flags.
    fn query_control(&self, file: FileId, id: u32) -> Result<ControlSpec> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_QUERYMENU: the name of entry `index` of menu control `id`.
    fn querymenu(&self, file: FileId, id: u32, index: u32) -> Result<&'static str> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_G_CTRL.
    fn g_ctrl(&self, file: FileId, id: u32) -> Result<i64> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_S_CTRL: returns the value applied.
    fn s_ctrl(&self, file: FileId, id: u32, value: i64) -> Result<i64> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_G/TRY/S_EXT_CTRLS. On failure, returns the errno and the `error_idx`.
    fn ext_ctrls(
        &self,
        file: FileId,
        op: ExtControlsOp,
        which: u32,
        controls: &mut dyn ExtControlArray,
    ) -> core::result::Result<(), (Errno, u32)> {
        Err((Errno::ENOTTY, controls.len() as u32))
    }
    /// VIDIOC_SUBSCRIBE_EVENT.
    fn subscribe_event(&self, file: FileId, event_type: u32, id: u32, flags: u32) -> Result<()> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_UNSUBSCRIBE_EVENT.
    fn unsubscribe_event(&self, file: FileId, event_type: u32, id: u32) -> Result<()> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_DQEVENT: a blocking file waits for an event as DQBUF waits for a buffer; a
    /// non-blocking one gets `ENOENT` when nothing is pending. When an event is there to be
    /// taken ([`event_ready`](Self::event_ready)), `probe` runs first: the decoder checks
    /// that the answer can be written, and its error ends the call with the event kept.
    fn dqevent(&self, file: FileId, probe: &mut dyn FnMut() -> Result<()>) -> Result<DequeuedEvent> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_(TRY_)ENCODER_CMD / (TRY_)DECODER_CMD; returns the flags to write back.
    fn codec_command(&self, file: FileId, cmd: CommandRequest) -> Result<u32> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_G_PRIORITY.
    fn g_priority(&self, file: FileId) -> Result<u32> {
        Err(Errno::ENOTTY)
    }
    /// VIDIOC_S_PRIORITY.
    fn s_priority(&self, file: FileId, priority: u32) -> Result<()> {
        Err(Errno::ENOTTY)
    }
}
