//! How the tool reaches a node: the simulator VFS's `ioctl` on a descriptor, as the
//! client library's transport. Every V4L2 call goes through `v4l2m2m_client::Client`
//! over it, with `v4l2m2m::abi` structs exactly as a firmware (or Linux) application.

use std::ffi::c_void;

use sim_board::vfs;
use v4l2m2m::Errno;
use v4l2m2m_client::Transport;

/// A VFS descriptor of an open node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VfsFile(pub vfs::RawFd);

impl Transport for VfsFile {
    unsafe fn ioctl(&self, request: u32, arg: *mut c_void) -> Result<i32, Errno> {
        // SAFETY: the caller guarantees `arg` as the VFS (the node's ioctl) asks.
        unsafe { vfs::ioctl(self.0, request, arg) }
    }
}
