//! The driver's side of rate control: the V4L2 controls turned into a
//! [`h264_rate_control::Config`], the block's report turned into its
//! [`FrameStats`](h264_rate_control::FrameStats), and the answers (the QP of the next
//! frame, or "encode this frame again at a higher QP") handed back to the job path.

use h264_rate_control::{Config, FrameStats, FrameType, Mode, RateControl, Verdict};

use crate::block::FrameReport;
use crate::controls::{BitrateMode, Params};

/// QP steps added when a frame overflowed its CAPTURE buffer (about a quarter of the bits).
const OVERFLOW_QP_STEP: u8 = 12;

/// The rate state of one stream.
pub struct Rate {
    rc: RateControl,
    mbs: u32,
}

/// The rate-control settings of `params` for frames of `mbs` macroblocks at `fps`.
fn config(params: &Params, fps: (u32, u32), mbs: u32) -> Config {
    let mode = match (params.rc_enabled, params.mode) {
        (false, _) | (true, BitrateMode::Cq) => Mode::Cq,
        (true, BitrateMode::Cbr) => Mode::Cbr,
        (true, BitrateMode::Vbr) => Mode::Vbr,
    };
    let (min_qp, max_qp) = params.qp_bounds();
    let idr_period = match (params.gop.gop_size, params.gop.i_period) {
        (0, period) | (period, 0) => period,
        (gop, period) => gop.min(period),
    };
    Config {
        mode,
        bitrate: params.bitrate,
        peak: params.peak,
        buffer_bits: params.cpb_bits,
        fps_num: fps.0.max(1),
        fps_den: fps.1.max(1),
        min_qp,
        max_qp,
        i_qp: params.i_qp,
        p_qp: params.p_qp,
        gop_size: idr_period,
        mbs: mbs.max(1),
    }
}

/// The settings the controls allow are always valid; should one not be, constant QP is
/// the safe reading of them.
fn rate_control(cfg: Config) -> RateControl {
    RateControl::new(cfg).unwrap_or_else(|_| {
        let cq = Config { mode: Mode::Cq, ..Config::new(Mode::Cq, 0, 30, 1, cfg.mbs) };
        RateControl::new(cq).unwrap_or_else(|_| unreachable!("the constant-QP defaults are valid"))
    })
}

impl Rate {
    /// Rate control for a stream of `mbs` macroblocks per picture at `fps` frames per second.
    pub fn new(params: &Params, fps: (u32, u32), mbs: u32) -> Self {
        Self { rc: rate_control(config(params, fps, mbs)), mbs }
    }

    /// New controls or frame rate, from the next frame on (a refused combination keeps the
    /// previous settings).
    pub fn reconfigure(&mut self, params: &Params, fps: (u32, u32)) {
        let _ = self.rc.reconfigure(config(params, fps, self.mbs));
    }

    /// The QP of the next frame.
    pub fn qp(&mut self, idr: bool) -> u8 {
        self.rc.frame_qp(if idr { FrameType::Idr } else { FrameType::P })
    }

    /// The QP to encode a frame that overflowed its CAPTURE buffer at `qp` once more with,
    /// if a higher one is allowed.
    pub fn retry_qp(&self, qp: u8) -> Option<u8> {
        let max = self.rc.config().max_qp;
        (qp < max).then(|| qp.saturating_add(OVERFLOW_QP_STEP).min(max))
    }

    /// The block finished a frame: `None` when it is counted, or the higher QP to encode the
    /// same frame again with (it does not fit the coded picture buffer).
    pub fn done(&mut self, report: &FrameReport) -> Option<u8> {
        let stats = FrameStats {
            bits: report.bits,
            header_bits: report.header_bits,
            qp_sum: report.qp_sum,
            sad: u64::from(report.sad),
            mbs: self.mbs,
            intra_mbs: report.intra_mbs,
            skip_mbs: report.skip_mbs,
        };
        match self.rc.frame_done(&stats) {
            Verdict::Accepted => None,
            Verdict::Reencode { qp } => Some(qp),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gop::{GopConfig, HeaderMode};

    #[test]
    fn controls_become_the_rate_control_settings() {
        let gop = GopConfig { gop_size: 30, i_period: 12, header_mode: HeaderMode::Joined, repeat_headers: false };
        let mut params = Params { gop, ..Params::default() };
        let cfg = config(&params, (25, 1), 396);
        assert_eq!(
            (cfg.mode, cfg.bitrate, cfg.peak, cfg.gop_size, cfg.mbs),
            (Mode::Vbr, 2_000_000, 4_000_000, 12, 396)
        );
        params.rc_enabled = false;
        assert_eq!(config(&params, (25, 1), 396).mode, Mode::Cq);
    }

    #[test]
    fn constant_qp_mode_gives_the_asked_qps_and_overflow_retries_go_up() {
        let params = Params { mode: BitrateMode::Cq, i_qp: 20, p_qp: 33, ..Params::default() };
        let mut rate = Rate::new(&params, (30, 1), 99);
        assert_eq!((rate.qp(true), rate.qp(false)), (20, 33));
        assert_eq!(rate.retry_qp(33), Some(45));
        assert_eq!(rate.retry_qp(45), Some(51));
        assert_eq!(rate.retry_qp(51), None);
        assert_eq!(rate.done(&FrameReport { bits: 8000, qp_sum: 33 * 99, ..FrameReport::default() }), None);
    }
}
