//! [`Client`]: one method per ioctl of a memory-to-memory device, with typed results.
//! Formats, buffer counts and streaming are here; buffers, commands and events, and
//! controls and queue parameters each have a module.

mod buffers;
mod commands;
mod controls;

pub use buffers::DqBuf;
pub use controls::{CtrlOp, CtrlsReply};

use core::ptr;

use v4l2m2m::abi::*;
use v4l2m2m::Errno;

use crate::arg::{self, Plain, Request};
use crate::transport::Transport;

/// An open V4L2 device file, reached through a [`Transport`].
///
/// Methods that take a `v4l2_buffer` take its plane array as a slice (multi-planar
/// types) and point the buffer at it for the call, so the device never sees a stale
/// pointer. USERPTR buffers are queued with [`Client::qbuf_userptr`], whose caller
/// vouches for the memory.
#[derive(Clone, Copy)]
pub struct Client<T> {
    transport: T,
}

impl<T: Transport> Client<T> {
    /// A client of the file `transport` reaches.
    pub const fn new(transport: T) -> Self {
        Client { transport }
    }

    /// The transport.
    pub const fn transport(&self) -> &T {
        &self.transport
    }

    pub(crate) fn call<A: Plain>(&self, request: Request<A>, arg: &mut A) -> Result<i32, Errno> {
        // SAFETY: `arg` is an exclusive `A`, the type `request` takes (its size checked
        // when the request was built), and `A: Plain` holds no pointer the device follows.
        unsafe { self.transport.ioctl(request.number, ptr::from_mut(arg).cast()) }
    }

    /// VIDIOC_QUERYCAP.
    pub fn querycap(&self) -> Result<v4l2_capability, Errno> {
        let mut cap = v4l2_capability::zeroed();
        self.call(arg::QUERYCAP, &mut cap).map(|_| cap)
    }

    /// VIDIOC_ENUM_FMT: format `index` of queue `type_`.
    pub fn enum_fmt(&self, type_: u32, index: u32) -> Result<v4l2_fmtdesc, Errno> {
        let mut d = v4l2_fmtdesc::zeroed();
        d.type_ = type_;
        d.index = index;
        self.call(arg::ENUM_FMT, &mut d).map(|_| d)
    }

    /// VIDIOC_G_FMT of queue `type_`.
    pub fn g_fmt(&self, type_: u32) -> Result<v4l2_format, Errno> {
        let mut f = v4l2_format::zeroed();
        f.type_ = type_;
        self.call(arg::G_FMT, &mut f).map(|_| f)
    }

    /// VIDIOC_S_FMT: `f` is updated to what the device applied.
    pub fn s_fmt(&self, f: &mut v4l2_format) -> Result<(), Errno> {
        self.call(arg::S_FMT, f).map(drop)
    }

    /// VIDIOC_TRY_FMT: `f` is updated to what the device would apply.
    pub fn try_fmt(&self, f: &mut v4l2_format) -> Result<(), Errno> {
        self.call(arg::TRY_FMT, f).map(drop)
    }

    /// VIDIOC_REQBUFS: `count` buffers of `memory` on queue `type_` (0 frees them); the
    /// reply holds the count allocated and the queue's capabilities.
    pub fn reqbufs(&self, type_: u32, memory: u32, count: u32) -> Result<v4l2_requestbuffers, Errno> {
        let mut r = v4l2_requestbuffers::zeroed();
        r.type_ = type_;
        r.memory = memory;
        r.count = count;
        self.call(arg::REQBUFS, &mut r).map(|_| r)
    }

    /// VIDIOC_CREATE_BUFS: `c.index` and `c.count` are updated to the buffers created.
    pub fn create_bufs(&self, c: &mut v4l2_create_buffers) -> Result<(), Errno> {
        self.call(arg::CREATE_BUFS, c).map(drop)
    }

    /// VIDIOC_STREAMON of queue `type_`.
    pub fn streamon(&self, type_: u32) -> Result<(), Errno> {
        self.call(arg::STREAMON, &mut { type_ }).map(drop)
    }

    /// VIDIOC_STREAMOFF of queue `type_`.
    pub fn streamoff(&self, type_: u32) -> Result<(), Errno> {
        self.call(arg::STREAMOFF, &mut { type_ }).map(drop)
    }
}
