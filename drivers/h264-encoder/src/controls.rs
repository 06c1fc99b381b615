//! The encoder's V4L2 controls: their declarations (the framework stores, validates and
//! reports them) and [`Params`], the typed values one open file encodes with.

use v4l2m2m::abi;
use v4l2m2m::driver::ControlSpec;

use crate::gop::{GopConfig, HeaderMode};

/// Default target bitrate (bit/s).
pub const DEFAULT_BITRATE: i64 = 2_000_000;
/// Lowest and highest bitrates the controls accept (bit/s).
pub const BITRATE_RANGE: (i64, i64) = (10_000, 200_000_000);

const PROFILES: &[&str] = &["Baseline", "Constrained Baseline"];
const LEVELS: &[&str] =
    &["1", "1b", "1.1", "1.2", "1.3", "2", "2.1", "2.2", "3", "3.1", "3.2", "4", "4.1", "4.2", "5", "5.1", "5.2"];

/// The controls of every file of the encoder.
pub static CONTROLS: [ControlSpec; 17] = [
    ControlSpec::menu(
        abi::V4L2_CID_MPEG_VIDEO_BITRATE_MODE,
        "Video Bitrate Mode",
        0,
        2,
        0,
        &["Variable Bitrate", "Constant Bitrate", "Constant Quality"],
    ),
    ControlSpec::integer(
        abi::V4L2_CID_MPEG_VIDEO_BITRATE,
        "Video Bitrate",
        BITRATE_RANGE.0,
        BITRATE_RANGE.1,
        1,
        DEFAULT_BITRATE,
    ),
    ControlSpec::integer(
        abi::V4L2_CID_MPEG_VIDEO_BITRATE_PEAK,
        "Video Peak Bitrate",
        BITRATE_RANGE.0,
        BITRATE_RANGE.1,
        1,
        2 * DEFAULT_BITRATE,
    ),
    ControlSpec::boolean(abi::V4L2_CID_MPEG_VIDEO_FRAME_RC_ENABLE, "Frame Level Rate Control Enable", true),
    ControlSpec::integer(abi::V4L2_CID_MPEG_VIDEO_GOP_SIZE, "Video GOP Size", 0, 32767, 1, 30),
    ControlSpec::integer(abi::V4L2_CID_MPEG_VIDEO_H264_I_PERIOD, "H264 I-Frame Period", 0, 32767, 1, 0),
    ControlSpec::button(abi::V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME, "Force Key Frame"),
    ControlSpec::menu(
        abi::V4L2_CID_MPEG_VIDEO_HEADER_MODE,
        "Sequence Header Mode",
        0,
        1,
        1,
        &["Separate Buffer", "Joined With 1st Frame"],
    ),
    ControlSpec::boolean(abi::V4L2_CID_MPEG_VIDEO_REPEAT_SEQ_HEADER, "Repeat Sequence Header", false),
    ControlSpec::menu(abi::V4L2_CID_MPEG_VIDEO_H264_PROFILE, "H264 Profile", 0, 1, 1, PROFILES),
    ControlSpec::menu(abi::V4L2_CID_MPEG_VIDEO_H264_LEVEL, "H264 Level", 0, 16, 16, LEVELS)
        .with_flags(abi::V4L2_CTRL_FLAG_READ_ONLY),
    ControlSpec::integer(abi::V4L2_CID_MPEG_VIDEO_B_FRAMES, "Number of B-Frames", 0, 0, 1, 0),
    ControlSpec::integer(abi::V4L2_CID_MPEG_VIDEO_H264_MIN_QP, "H264 Minimum QP Value", 0, 51, 1, 0),
    ControlSpec::integer(abi::V4L2_CID_MPEG_VIDEO_H264_MAX_QP, "H264 Maximum QP Value", 0, 51, 1, 51),
    ControlSpec::integer(abi::V4L2_CID_MPEG_VIDEO_H264_I_FRAME_QP, "H264 I-Frame QP Value", 0, 51, 1, 26),
    ControlSpec::integer(abi::V4L2_CID_MPEG_VIDEO_H264_P_FRAME_QP, "H264 P-Frame QP Value", 0, 51, 1, 28),
    ControlSpec::integer(abi::V4L2_CID_MPEG_VIDEO_H264_CPB_SIZE, "H264 CPB Buffer Size", 0, 1 << 20, 1, 0),
];

// Every control is offered: the table fits the framework's control storage.
const _: () = assert!(v4l2m2m::driver::controls_fit(&CONTROLS));

/// How the encoder chooses QPs (`V4L2_CID_MPEG_VIDEO_BITRATE_MODE`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BitrateMode {
    /// Variable bitrate: the average follows `bitrate`, short-term peaks up to `peak`.
    Vbr,
    /// Constant bitrate through a buffer model.
    Cbr,
    /// Constant quality: the I and P frame QPs.
    Cq,
}

/// The control values one open file encodes with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Params {
    /// Rate control mode.
    pub mode: BitrateMode,
    /// `FRAME_RC_ENABLE`: off means constant QP whatever the mode.
    pub rc_enabled: bool,
    /// Target bitrate, bit/s.
    pub bitrate: u32,
    /// Peak bitrate for VBR, bit/s.
    pub peak: u32,
    /// Coded picture buffer size in bits (0: one second of `bitrate`).
    pub cpb_bits: u32,
    /// QP bounds.
    pub min_qp: u8,
    /// QP bounds.
    pub max_qp: u8,
    /// Constant QPs.
    pub i_qp: u8,
    /// Constant QPs.
    pub p_qp: u8,
    /// GOP and headers.
    pub gop: GopConfig,
}

impl Default for Params {
    fn default() -> Self {
        let mut params = Params {
            mode: BitrateMode::Vbr,
            rc_enabled: false,
            bitrate: 0,
            peak: 0,
            cpb_bits: 0,
            min_qp: 0,
            max_qp: 0,
            i_qp: 0,
            p_qp: 0,
            gop: GopConfig { gop_size: 0, i_period: 0, header_mode: HeaderMode::Joined, repeat_headers: false },
        };
        for spec in &CONTROLS {
            params.apply(spec.id, spec.default);
        }
        params
    }
}

impl Params {
    /// Applies control `id` = `value` (validated by the framework). Returns whether the
    /// rate control must be reconfigured.
    pub fn apply(&mut self, id: u32, value: i64) -> bool {
        let qp = value.clamp(0, 51) as u8;
        let bits = value.clamp(0, i64::from(u32::MAX)) as u32;
        match id {
            abi::V4L2_CID_MPEG_VIDEO_BITRATE_MODE => {
                self.mode = match value as u32 {
                    abi::V4L2_MPEG_VIDEO_BITRATE_MODE_CBR => BitrateMode::Cbr,
                    abi::V4L2_MPEG_VIDEO_BITRATE_MODE_CQ => BitrateMode::Cq,
                    _ => BitrateMode::Vbr,
                }
            }
            abi::V4L2_CID_MPEG_VIDEO_BITRATE => self.bitrate = bits,
            abi::V4L2_CID_MPEG_VIDEO_BITRATE_PEAK => self.peak = bits,
            abi::V4L2_CID_MPEG_VIDEO_FRAME_RC_ENABLE => self.rc_enabled = value != 0,
            abi::V4L2_CID_MPEG_VIDEO_H264_CPB_SIZE => self.cpb_bits = bits.saturating_mul(8 * 1024),
            abi::V4L2_CID_MPEG_VIDEO_H264_MIN_QP => self.min_qp = qp,
            abi::V4L2_CID_MPEG_VIDEO_H264_MAX_QP => self.max_qp = qp,
            abi::V4L2_CID_MPEG_VIDEO_H264_I_FRAME_QP => self.i_qp = qp,
            abi::V4L2_CID_MPEG_VIDEO_H264_P_FRAME_QP => self.p_qp = qp,
            abi::V4L2_CID_MPEG_VIDEO_GOP_SIZE => self.gop.gop_size = bits,
            abi::V4L2_CID_MPEG_VIDEO_H264_I_PERIOD => self.gop.i_period = bits,
            abi::V4L2_CID_MPEG_VIDEO_HEADER_MODE => {
                self.gop.header_mode = if value as u32 == abi::V4L2_MPEG_VIDEO_HEADER_MODE_SEPARATE {
                    HeaderMode::Separate
                } else {
                    HeaderMode::Joined
                }
            }
            abi::V4L2_CID_MPEG_VIDEO_REPEAT_SEQ_HEADER => self.gop.repeat_headers = value != 0,
            _ => return false,
        }
        true
    }

    /// The QP bounds, ordered even if the application set them crosswise.
    pub fn qp_bounds(&self) -> (u8, u8) {
        (self.min_qp.min(self.max_qp), self.max_qp.max(self.min_qp))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_control_table() {
        let p = Params::default();
        assert_eq!((p.mode, p.rc_enabled, p.bitrate, p.peak), (BitrateMode::Vbr, true, 2_000_000, 4_000_000));
        assert_eq!((p.i_qp, p.p_qp, p.qp_bounds()), (26, 28, (0, 51)));
        assert_eq!(
            p.gop,
            GopConfig { gop_size: 30, i_period: 0, header_mode: HeaderMode::Joined, repeat_headers: false }
        );
    }

    #[test]
    fn values_apply_and_crossed_qp_bounds_are_ordered() {
        let mut p = Params::default();
        assert!(p.apply(abi::V4L2_CID_MPEG_VIDEO_BITRATE_MODE, i64::from(abi::V4L2_MPEG_VIDEO_BITRATE_MODE_CBR)));
        assert!(p.apply(abi::V4L2_CID_MPEG_VIDEO_H264_MIN_QP, 40));
        assert!(p.apply(abi::V4L2_CID_MPEG_VIDEO_H264_MAX_QP, 30));
        assert!(p.apply(abi::V4L2_CID_MPEG_VIDEO_H264_CPB_SIZE, 100));
        assert!(!p.apply(abi::V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME, 1));
        assert_eq!((p.mode, p.qp_bounds(), p.cpb_bits), (BitrateMode::Cbr, (30, 40), 100 * 8 * 1024));
    }
}
