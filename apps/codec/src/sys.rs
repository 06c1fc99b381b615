//! The one place where the tool performs raw V4L2 ioctls on the simulator's VFS, with
//! `v4l2m2m::abi` structs exactly as a firmware (or Linux) application would.

use std::ffi::c_void;

use sim_board::vfs;
use v4l2m2m::{abi, Errno};

/// A V4L2 argument struct: `#[repr(C)]`, plain data, valid for its ioctl's size.
///
/// # Safety
/// Implementors must be the exact `videodev2.h` struct of the ioctls they are used with.
pub unsafe trait IoctlArg {}

// SAFETY: each is the `abi` mirror of the videodev2.h struct its ioctls take.
unsafe impl IoctlArg for abi::v4l2_capability {}
// SAFETY: see above.
unsafe impl IoctlArg for abi::v4l2_format {}
// SAFETY: see above.
unsafe impl IoctlArg for abi::v4l2_requestbuffers {}
// SAFETY: see above.
unsafe impl IoctlArg for abi::v4l2_buffer {}
// SAFETY: see above.
unsafe impl IoctlArg for abi::v4l2_event {}
// SAFETY: see above.
unsafe impl IoctlArg for abi::v4l2_event_subscription {}
// SAFETY: see above.
unsafe impl IoctlArg for abi::v4l2_decoder_cmd {}
// SAFETY: see above.
unsafe impl IoctlArg for abi::v4l2_encoder_cmd {}
// SAFETY: see above.
unsafe impl IoctlArg for abi::v4l2_selection {}
// SAFETY: see above.
unsafe impl IoctlArg for abi::v4l2_fmtdesc {}
// SAFETY: see above.
unsafe impl IoctlArg for abi::v4l2_streamparm {}
// SAFETY: see above.
unsafe impl IoctlArg for abi::v4l2_ext_controls {}
// SAFETY: STREAMON/STREAMOFF take a plain int (the buffer type).
unsafe impl IoctlArg for u32 {}

/// Performs `request` on `fd` with `arg`.
///
/// The request number must be one whose argument type is `T` (checked by the size
/// encoded in the number).
pub fn ioctl<T: IoctlArg>(fd: vfs::RawFd, request: u32, arg: &mut T) -> Result<i32, Errno> {
    let size = ((request >> 16) & 0x3fff) as usize;
    assert_eq!(size, core::mem::size_of::<T>(), "ioctl {request:#x} used with a wrong argument type");
    // SAFETY: `arg` is a valid, exclusive `T`, and `T` is the struct `request` expects
    // (size checked above, type guaranteed by `IoctlArg`).
    unsafe { vfs::ioctl(fd, request, (arg as *mut T).cast::<c_void>()) }
}

/// QBUF/DQBUF/QUERYBUF on the multi-planar API: `buf.m.planes` points at `planes`.
pub fn ioctl_buf(
    fd: vfs::RawFd,
    request: u32,
    buf: &mut abi::v4l2_buffer,
    planes: Option<&mut [abi::v4l2_plane]>,
) -> Result<i32, Errno> {
    if let Some(planes) = planes {
        buf.m.planes = planes.as_mut_ptr();
        buf.length = planes.len() as u32;
    }
    // The plane array (if any) outlives the call and holds `buf.length` entries.
    ioctl(fd, request, buf)
}

// SAFETY: the `abi` mirror of `struct v4l2_control`.
unsafe impl IoctlArg for abi::v4l2_control {}

/// VIDIOC_G_CTRL.
pub fn ioctl_ctrl(fd: vfs::RawFd, c: &mut abi::v4l2_control) -> Result<(), Errno> {
    ioctl(fd, abi::VIDIOC_G_CTRL, c).map(|_| ())
}

/// VIDIOC_G/S/TRY_EXT_CTRLS on `controls` (of class `which`): the result and the
/// `error_idx` the device wrote back.
pub fn ioctl_ext_ctrls(
    fd: vfs::RawFd,
    request: u32,
    which: u32,
    controls: &mut [abi::v4l2_ext_control],
) -> (Result<(), Errno>, u32) {
    let mut c = abi::v4l2_ext_controls::zeroed();
    c.which = which;
    c.count = controls.len() as u32;
    c.controls = controls.as_mut_ptr();
    // The array outlives the call and holds `count` entries.
    let r = ioctl(fd, request, &mut c).map(|_| ());
    (r, c.error_idx)
}
