//! Controls (G/S_CTRL, G/S/TRY_EXT_CTRLS), selection rectangles and stream parameters.

use core::ptr;

use v4l2m2m::abi::*;
use v4l2m2m::Errno;

use super::Client;
use crate::arg;
use crate::transport::Transport;

/// Which of the three extended-control ioctls [`Client::ext_ctrls`] makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CtrlOp {
    /// `VIDIOC_G_EXT_CTRLS`.
    Get,
    /// `VIDIOC_S_EXT_CTRLS`.
    Set,
    /// `VIDIOC_TRY_EXT_CTRLS`.
    Try,
}

/// What G/S/TRY_EXT_CTRLS answered: the result and the `error_idx` the device wrote
/// back (which V4L2 sets on success too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub struct CtrlsReply {
    /// The ioctl's result.
    pub result: Result<(), Errno>,
    /// The index of the control that failed, or the count (or the count on a failure
    /// before any control was looked at), as `videodev2.h` documents.
    pub error_idx: u32,
}

impl CtrlsReply {
    /// The result with the failing index attached to the error.
    pub fn ok(self) -> Result<(), (Errno, u32)> {
        self.result.map_err(|e| (e, self.error_idx))
    }
}

impl<T: Transport> Client<T> {
    /// VIDIOC_G_CTRL of control `id`.
    pub fn g_ctrl(&self, id: u32) -> Result<i32, Errno> {
        let mut c = v4l2_control { id, value: 0 };
        self.call(arg::G_CTRL, &mut c).map(|_| c.value)
    }

    /// VIDIOC_S_CTRL of control `id`; returns the value the device applied.
    pub fn s_ctrl(&self, id: u32, value: i32) -> Result<i32, Errno> {
        let mut c = v4l2_control { id, value };
        self.call(arg::S_CTRL, &mut c).map(|_| c.value)
    }

    /// G/S/TRY_EXT_CTRLS of `controls` (of class or `V4L2_CTRL_WHICH_*` value `which`):
    /// values are read into or from `controls`.
    ///
    /// Only value controls (`size` 0) are passed on: a compound control, whose payload
    /// is a pointer the device would follow, is refused with `EINVAL` and its index
    /// without reaching the device.
    pub fn ext_ctrls(&self, op: CtrlOp, which: u32, controls: &mut [v4l2_ext_control]) -> CtrlsReply {
        if let Some(bad) = controls.iter().position(|c| c.size != 0) {
            return CtrlsReply { result: Err(Errno::EINVAL), error_idx: u32::try_from(bad).unwrap_or(u32::MAX) };
        }
        let request = match op {
            CtrlOp::Get => arg::G_EXT_CTRLS,
            CtrlOp::Set => arg::S_EXT_CTRLS,
            CtrlOp::Try => arg::TRY_EXT_CTRLS,
        };
        let mut c = v4l2_ext_controls::zeroed();
        c.which = which;
        c.count = u32::try_from(controls.len()).unwrap_or(u32::MAX);
        c.controls = if controls.is_empty() { ptr::null_mut() } else { controls.as_mut_ptr() };
        // SAFETY: `c` is an exclusive `v4l2_ext_controls` whose array is `controls`,
        // borrowed for the call and `count` entries long; every control carries its
        // value inline (`size` 0, checked above), so the device follows no other pointer.
        let result = unsafe { self.transport().ioctl(request.number, ptr::from_mut(&mut c).cast()) };
        CtrlsReply { result: result.map(drop), error_idx: c.error_idx }
    }

    /// VIDIOC_G_SELECTION of rectangle `target` on queue `type_` (a single-planar type,
    /// as the selection API asks).
    pub fn g_selection(&self, type_: u32, target: u32) -> Result<v4l2_rect, Errno> {
        let mut s = v4l2_selection::zeroed();
        s.type_ = type_;
        s.target = target;
        self.call(arg::G_SELECTION, &mut s).map(|_| s.r)
    }

    /// VIDIOC_S_SELECTION: `s.r` is updated to the rectangle the device applied.
    pub fn s_selection(&self, s: &mut v4l2_selection) -> Result<(), Errno> {
        self.call(arg::S_SELECTION, s).map(drop)
    }

    /// VIDIOC_G_PARM of queue `type_`.
    pub fn g_parm(&self, type_: u32) -> Result<v4l2_streamparm, Errno> {
        let mut p = v4l2_streamparm::zeroed();
        p.type_ = type_;
        self.call(arg::G_PARM, &mut p).map(|_| p)
    }

    /// VIDIOC_S_PARM: `p` is updated to the parameters the device applied.
    pub fn s_parm(&self, p: &mut v4l2_streamparm) -> Result<(), Errno> {
        self.call(arg::S_PARM, p).map(drop)
    }
}
