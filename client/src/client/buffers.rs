//! QUERYBUF, QBUF and DQBUF, and the typed outcome of a DQBUF.

use core::ptr;

use v4l2m2m::abi::*;
use v4l2m2m::Errno;

use super::Client;
use crate::arg::{self, Request};
use crate::transport::Transport;

/// The outcome of a DQBUF that did not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum DqBuf {
    /// A buffer came back: the `v4l2_buffer` (and its planes) describe it, and the
    /// application owns it again.
    Buffer,
    /// A buffer came back flagged `V4L2_BUF_FLAG_LAST`: the last one of a drain (it may
    /// be empty); the next DQBUF of the queue ends with [`DqBuf::EndOfStream`].
    LastBuffer,
    /// Nothing is done yet on a non-blocking file (`EAGAIN`).
    NotReady,
    /// The queue has ended: its last buffer was already dequeued (`EPIPE`), until the
    /// stream is restarted.
    EndOfStream,
}

impl DqBuf {
    /// Whether a buffer came back (and the `v4l2_buffer` describes it).
    pub const fn has_buffer(self) -> bool {
        matches!(self, DqBuf::Buffer | DqBuf::LastBuffer)
    }

    fn classify(result: Result<i32, Errno>, flags: u32) -> Result<DqBuf, Errno> {
        match result {
            Ok(_) if flags & V4L2_BUF_FLAG_LAST != 0 => Ok(DqBuf::LastBuffer),
            Ok(_) => Ok(DqBuf::Buffer),
            Err(Errno::EAGAIN) => Ok(DqBuf::NotReady),
            Err(Errno::EPIPE) => Ok(DqBuf::EndOfStream),
            Err(e) => Err(e),
        }
    }
}

impl<T: Transport> Client<T> {
    /// Points `buf` at `planes` for a call (multi-planar types: `m.planes` and `length`;
    /// no slice gives a null array, which the device refuses) and makes it.
    ///
    /// # Safety
    /// For a USERPTR buffer of QBUF, the user pointers in `buf` or `planes` must be valid
    /// for their lengths until the buffer is dequeued (or the queue stopped).
    unsafe fn buffer_call(
        &self,
        request: Request<v4l2_buffer>,
        buf: &mut v4l2_buffer,
        planes: Option<&mut [v4l2_plane]>,
    ) -> Result<i32, Errno> {
        if V4L2_TYPE_IS_MULTIPLANAR(buf.type_) {
            let (array, len) = planes.map_or((ptr::null_mut(), 0), |p| (p.as_mut_ptr(), p.len()));
            buf.m.planes = array;
            buf.length = u32::try_from(len).unwrap_or(u32::MAX);
        }
        // SAFETY: `buf` is an exclusive `v4l2_buffer`; a multi-planar one points at
        // `planes`, which is borrowed for the call and holds `length` entries; user
        // pointers are the caller's guarantee.
        unsafe { self.transport().ioctl(request.number, ptr::from_mut(buf).cast()) }
    }

    /// VIDIOC_QUERYBUF: fills `buf` (and `planes`, multi-planar) for buffer `buf.index`.
    pub fn querybuf(&self, buf: &mut v4l2_buffer, planes: Option<&mut [v4l2_plane]>) -> Result<(), Errno> {
        // SAFETY: QUERYBUF only writes the buffer and its planes; it keeps no pointer.
        unsafe { self.buffer_call(arg::QUERYBUF, buf, planes) }.map(drop)
    }

    /// VIDIOC_QBUF of an MMAP or DMABUF buffer. A USERPTR buffer is refused with
    /// `EINVAL` without reaching the device: queue it with [`Client::qbuf_userptr`].
    pub fn qbuf(&self, buf: &mut v4l2_buffer, planes: Option<&mut [v4l2_plane]>) -> Result<(), Errno> {
        if buf.memory == V4L2_MEMORY_USERPTR {
            return Err(Errno::EINVAL);
        }
        // SAFETY: not a USERPTR buffer, so the device keeps no application pointer.
        unsafe { self.buffer_call(arg::QBUF, buf, planes) }.map(drop)
    }

    /// VIDIOC_QBUF of any buffer, USERPTR included.
    ///
    /// # Safety
    /// The user pointers of a USERPTR buffer (`buf.m.userptr`, or each plane's
    /// `m.userptr`) must be valid for their `length` bytes — readable for OUTPUT,
    /// writable for CAPTURE — and not used by the application until the buffer is
    /// dequeued or its queue stopped, since the device accesses them until then.
    pub unsafe fn qbuf_userptr(&self, buf: &mut v4l2_buffer, planes: Option<&mut [v4l2_plane]>) -> Result<(), Errno> {
        // SAFETY: the caller vouches for the user memory.
        unsafe { self.buffer_call(arg::QBUF, buf, planes) }.map(drop)
    }

    /// VIDIOC_DQBUF of queue `buf.type_` (`buf.memory` set): on [`DqBuf::Buffer`] or
    /// [`DqBuf::LastBuffer`], `buf` and `planes` describe the buffer that came back.
    pub fn dqbuf(&self, buf: &mut v4l2_buffer, planes: Option<&mut [v4l2_plane]>) -> Result<DqBuf, Errno> {
        // SAFETY: DQBUF only writes the buffer and its planes; it keeps no pointer.
        let result = unsafe { self.buffer_call(arg::DQBUF, buf, planes) };
        DqBuf::classify(result, buf.flags)
    }
}
