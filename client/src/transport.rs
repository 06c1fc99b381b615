//! How an ioctl reaches a device: the [`Transport`] trait, and [`NodeFile`], the
//! transport of a firmware application that calls the framework's node directly.

use core::ffi::c_void;

use v4l2m2m::{Errno, FileId, VideoNode};

/// One open file of a V4L2 device, as the client reaches it.
///
/// A firmware application calls the framework's [`VideoNode`] ([`NodeFile`]); a host
/// program calls `ioctl(2)` on a file descriptor, or a simulator's VFS.
pub trait Transport {
    /// Performs `request` on the file with `arg` and returns the ioctl's value.
    ///
    /// # Safety
    /// `arg` must be valid for reads and writes of the struct `request` takes (the size
    /// its number encodes), and every pointer inside that struct (plane and control
    /// arrays) must be valid for the lengths the struct gives, for the whole call.
    unsafe fn ioctl(&self, request: u32, arg: *mut c_void) -> Result<i32, Errno>;
}

/// An open file of a framework node reached by direct calls (a firmware application, or
/// a test harness): the node and the file id its `open` returned.
#[derive(Clone, Copy)]
pub struct NodeFile<'a, N: ?Sized> {
    node: &'a N,
    file: FileId,
}

impl<'a, N: VideoNode + ?Sized> NodeFile<'a, N> {
    /// The transport of `file`, opened on `node`.
    pub const fn new(node: &'a N, file: FileId) -> Self {
        NodeFile { node, file }
    }

    /// The file id.
    pub const fn file(&self) -> FileId {
        self.file
    }
}

impl<N: VideoNode + ?Sized> Transport for NodeFile<'_, N> {
    unsafe fn ioctl(&self, request: u32, arg: *mut c_void) -> Result<i32, Errno> {
        // SAFETY: the caller guarantees `arg` as the node's ioctl contract asks.
        unsafe { self.node.ioctl(self.file, request, arg) }
    }
}

impl<T: Transport + ?Sized> Transport for &T {
    unsafe fn ioctl(&self, request: u32, arg: *mut c_void) -> Result<i32, Errno> {
        // SAFETY: the caller's contract is passed on unchanged.
        unsafe { (**self).ioctl(request, arg) }
    }
}
