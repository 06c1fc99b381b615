//! The answer of QUERYBUF, QBUF, PREPARE_BUF and DQBUF, written in place: the queue hands
//! each plane and then the buffer-wide state to a [`BufferReply`], which encodes them
//! straight into the decoder's copy of the application's `v4l2_buffer` (and plane array),
//! so no intermediate status with room for every plane is built and moved.

use crate::abi::*;
use crate::frame::FrameMeta;
use crate::queue::{BufState, BufferStatus, Memory, PlaneStatus};

use super::ioctl::timeval_of;

/// Where a buffer ioctl's answer goes: the decoder's copy of the application's
/// `v4l2_buffer` and, for a multi-planar buffer, of its plane array (the entries the
/// application provided, at most `MAX_PLANES` of them).
pub struct BufferReply<'a> {
    buf: &'a mut v4l2_buffer,
    planes: Option<&'a mut [v4l2_plane]>,
}

impl<'a> BufferReply<'a> {
    /// A reply into `buf`, with `planes` for a multi-planar buffer.
    pub(crate) fn new(buf: &'a mut v4l2_buffer, planes: Option<&'a mut [v4l2_plane]>) -> Self {
        Self { buf, planes }
    }

    /// How many planes the answer can describe: the plane entries the application gave
    /// (1 for the single-planar API). A buffer with more is refused before anything is
    /// written.
    pub fn room(&self) -> usize {
        self.planes.as_ref().map_or(1, |planes| planes.len())
    }

    /// Writes plane `i` (below [`room`](Self::room); others are ignored) of a buffer of
    /// `memory`.
    pub fn plane(&mut self, i: usize, memory: Memory, plane: &PlaneStatus) {
        match self.planes.as_deref_mut() {
            Some(planes) => {
                let Some(out) = planes.get_mut(i) else { return };
                *out = v4l2_plane::zeroed();
                out.bytesused = plane.bytesused;
                out.length = plane.length;
                out.data_offset = plane.data_offset;
                out.m = match memory {
                    Memory::Mmap => v4l2_plane_m { mem_offset: plane.mem_offset },
                    Memory::UserPtr => v4l2_plane_m { userptr: plane.userptr as _ },
                };
            }
            None if i == 0 => {
                self.buf.bytesused = plane.bytesused;
                self.buf.length = plane.length;
                self.buf.m = match memory {
                    Memory::Mmap => v4l2_buffer_m { offset: plane.mem_offset },
                    Memory::UserPtr => v4l2_buffer_m { userptr: plane.userptr as _ },
                };
            }
            None => {}
        }
    }

    /// Writes the buffer-wide fields (the planes are written with [`plane`](Self::plane)).
    pub fn buffer(&mut self, status: &BufferStatus) {
        let buf = &mut *self.buf;
        buf.index = status.index;
        buf.flags = buffer_flags(status);
        buf.field = V4L2_FIELD_NONE;
        buf.timestamp = timeval_of(status.timestamp);
        buf.timecode = timecode(&status.meta);
        buf.sequence = status.sequence;
        buf.memory = match status.memory {
            Memory::Mmap => V4L2_MEMORY_MMAP,
            Memory::UserPtr => V4L2_MEMORY_USERPTR,
        };
        buf.reserved2 = 0;
        buf.request_fd = 0;
        if self.planes.is_some() {
            buf.bytesused = 0;
            buf.length = status.num_planes as u32;
        }
    }
}

/// The `flags` of a buffer in `status`.
fn buffer_flags(status: &BufferStatus) -> u32 {
    let mut flags = V4L2_BUF_FLAG_TIMESTAMP_COPY | status.meta.flags;
    match status.state {
        BufState::Queued | BufState::Active => flags |= V4L2_BUF_FLAG_QUEUED,
        BufState::Done => flags |= V4L2_BUF_FLAG_DONE | status.done_flags.bits(),
        BufState::Dequeued => flags |= status.done_flags.bits(),
    }
    if status.mapped {
        flags |= V4L2_BUF_FLAG_MAPPED;
    }
    if status.prepared {
        flags |= V4L2_BUF_FLAG_PREPARED;
    }
    flags
}

/// The timecode a buffer carries when it is flagged with one, else zero.
fn timecode(meta: &FrameMeta) -> v4l2_timecode {
    if meta.flags & V4L2_BUF_FLAG_TIMECODE == 0 {
        return v4l2_timecode::zeroed();
    }
    let tc = &meta.timecode;
    v4l2_timecode {
        type_: u32::from(tc.kind),
        flags: u32::from(tc.flags),
        frames: tc.frames,
        seconds: tc.seconds,
        minutes: tc.minutes,
        hours: tc.hours,
        userbits: tc.userbits,
    }
}
