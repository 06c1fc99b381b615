//! The framework's typed answers as `videodev2.h` structs: capability, frame sizes,
//! control descriptions and events, built in place for the ioctl decoder to copy out.

use crate::abi::*;
use crate::ctrl::{ControlKind, ControlSpec};
use crate::event::{DequeuedEvent, Event};
use crate::format::FrameSize;

use super::requests::Capability;

/// The V4L2 API version reported by QUERYCAP: the Linux UAPI this implementation follows.
const API_VERSION: u32 = (6 << 16) | (1 << 8);

/// Copies `src` into `dst`, truncated and NUL-terminated, the rest zeroed (out of line:
/// one copy for the seven name fields the decoder fills).
#[inline(never)]
pub(super) fn copy_str(dst: &mut [u8], src: &str) {
    let n = src.len().min(dst.len().saturating_sub(1));
    dst[..n].copy_from_slice(&src.as_bytes()[..n]);
    dst[n..].fill(0);
}

/// `v` saturated to the 32-bit range of the older control fields (out of line: the range
/// and event encoders clamp seven values).
#[inline(never)]
pub(super) fn clamp_i32(v: i64) -> i32 {
    v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

pub(super) fn encode_capability(cap: &Capability) -> v4l2_capability {
    let mut out = v4l2_capability::zeroed();
    copy_str(&mut out.driver, cap.driver);
    copy_str(&mut out.card, cap.card);
    copy_str(&mut out.bus_info, cap.bus_info);
    out.version = API_VERSION;
    out.capabilities = cap.capabilities;
    out.device_caps = cap.device_caps;
    out
}

pub(super) fn encode_frame_size(fse: &mut v4l2_frmsizeenum, size: FrameSize) {
    fse.u = v4l2_frmsizeenum_u::zeroed();
    match size {
        FrameSize::Discrete { width, height } => {
            fse.type_ = V4L2_FRMSIZE_TYPE_DISCRETE;
            fse.u.discrete = v4l2_frmsize_discrete { width, height };
        }
        FrameSize::Stepwise { min_width, max_width, step_width, min_height, max_height, step_height } => {
            let continuous = step_width == 1 && step_height == 1;
            fse.type_ = if continuous { V4L2_FRMSIZE_TYPE_CONTINUOUS } else { V4L2_FRMSIZE_TYPE_STEPWISE };
            fse.u.stepwise =
                v4l2_frmsize_stepwise { min_width, max_width, step_width, min_height, max_height, step_height };
        }
    }
    fse.reserved = [0; 2];
}

pub(super) fn encode_queryctrl(out: &mut v4l2_queryctrl, spec: &ControlSpec) {
    *out = v4l2_queryctrl::zeroed();
    out.id = spec.id;
    out.type_ = spec.kind.v4l2_type();
    copy_str(&mut out.name, spec.name);
    // Linux fills the range only for types whose values fit the 32-bit fields (integer,
    // boolean, menu); others report zeros.
    if matches!(spec.kind, ControlKind::Integer | ControlKind::Boolean | ControlKind::Menu) {
        out.minimum = clamp_i32(spec.min);
        out.maximum = clamp_i32(spec.max);
        out.step = spec.step.min(i32::MAX as u64) as i32;
        out.default_value = clamp_i32(spec.default);
    }
    out.flags = spec.flags;
}

pub(super) fn encode_query_ext_ctrl(out: &mut v4l2_query_ext_ctrl, spec: &ControlSpec) {
    *out = v4l2_query_ext_ctrl::zeroed();
    out.id = spec.id;
    out.type_ = spec.kind.v4l2_type();
    copy_str(&mut out.name, spec.name);
    out.minimum = spec.min;
    out.maximum = spec.max;
    out.step = spec.step;
    out.default_value = spec.default;
    out.flags = spec.flags;
    out.elem_size = match spec.kind {
        ControlKind::Integer | ControlKind::Boolean | ControlKind::Menu => 4,
        ControlKind::Integer64 => 8,
        ControlKind::Button | ControlKind::Class => 0,
    };
    out.elems = 1;
}

pub(super) fn encode_event(got: &DequeuedEvent) -> v4l2_event {
    let mut ev = v4l2_event::zeroed();
    ev.type_ = got.event.event_type();
    ev.id = got.event.id();
    ev.pending = got.pending;
    ev.sequence = got.sequence;
    ev.timestamp =
        timespec { tv_sec: (got.timestamp_ns / 1_000_000_000) as _, tv_nsec: (got.timestamp_ns % 1_000_000_000) as _ };
    match got.event {
        Event::Eos => {}
        Event::SourceChange { changes } => ev.u.src_change = v4l2_event_src_change { changes },
        Event::Ctrl { payload, .. } => {
            let mut ctrl = v4l2_event_ctrl::zeroed();
            ctrl.changes = payload.changes;
            ctrl.type_ = payload.ctrl_type;
            ctrl.value = if payload.ctrl_type == V4L2_CTRL_TYPE_INTEGER64 {
                v4l2_event_ctrl_value { value64: payload.value }
            } else {
                v4l2_event_ctrl_value { value: payload.value as i32 }
            };
            ctrl.flags = payload.flags;
            ctrl.minimum = clamp_i32(payload.minimum);
            ctrl.maximum = clamp_i32(payload.maximum);
            ctrl.step = clamp_i32(payload.step);
            ctrl.default_value = clamp_i32(payload.default_value);
            ev.u.ctrl = ctrl;
        }
    }
    ev
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_truncated_and_terminated() {
        let mut dst = [0xffu8; 4];
        copy_str(&mut dst, "abcdef");
        assert_eq!(&dst, b"abc\0");
    }
}
