//! How the QP of the next frame is chosen (see docs/rate-control.md): the QP of the P frames
//! over a planning horizon of about a second whose predicted bits meet the budget of that
//! horizon, corrected by how far the buffer is from where it should be at this point of the
//! GOP; then limited in its change from frame to frame, and raised if the frame would not fit
//! the buffer.

use crate::{FrameType, Mode, RateControl, IDR_QP_OFFSET, QP_LIMIT};

/// The buffer level aimed at just before an IDR frame (and where a stream starts): an
/// eighth of the buffer, which leaves the rest for the IDR frame.
pub(crate) fn idr_level(size: u64) -> u64 {
    size / 8
}

/// `2^(1/12)` in Q16: the geometric middle between two neighbouring QPs.
const HALF_STEP_Q16: u64 = 69_433;

impl RateControl {
    /// The QP for a frame of type `ft` in CBR or VBR mode.
    pub(crate) fn planned_qp(&mut self, ft: FrameType) -> u8 {
        let (min, max) = (self.cfg.min_qp, self.cfg.max_qp);
        let phase = if ft == FrameType::Idr { 0 } else { self.since_idr };
        let budget = self.frame_budget(phase);
        let want = self.solve(ft, budget).clamp(min, max);
        let q = match (ft, self.last_p_qp) {
            (FrameType::Idr, _) => self.idr_qp(want),
            // Down (more bits) half the way, rounded towards the last QP: bits may rise faster
            // with a lower QP than the model says, and a frame over budget costs buffer room
            // that a burst may need. Up the whole way. Half the way either way on content
            // where the bits have been seen to change several times faster than the model
            // says. At a limit it still moves one step, so that it reaches the limit.
            (FrameType::P, Some(last)) => {
                let d = i16::from(want) - i16::from(last);
                let at_limit = d.abs() == 1 && (want == min || want == max);
                let step = match d.abs() {
                    1 if !at_limit => 0,
                    2 if self.steep >= 2 => d / 2,
                    _ => d,
                };
                (i16::from(last) + step) as u8
            }
            (FrameType::P, _) => want,
        };
        let q = self.fit_windows(ft, self.limit_step(ft, q), self.step_bounds(ft));
        let q = self.fit_buffer(ft, q);
        let budget = u64::try_from(budget).unwrap_or(0);
        self.pinned = if q == max && self.planned_bits(ft, max) > budget {
            self.pinned.max(0).saturating_add(1)
        } else if q == min && self.planned_bits(ft, min).saturating_mul(9) / 8 < budget {
            self.pinned.min(0).saturating_sub(1)
        } else {
            0
        };
        q
    }

    /// Frames the budget is planned over: the GOP, but at least one second and at most four.
    pub(crate) fn horizon(&self) -> u32 {
        let second = self.cfg.fps_frames();
        match self.cfg.gop_size {
            0 => second,
            g => g.clamp(second, second.saturating_mul(4)),
        }
    }

    /// How much of the last IDR frame's excess over one frame share `share` is still to be
    /// paid back by the P frames at `phase` frames after it (paid back evenly over the GOP).
    fn ramp(&self, phase: u32, share: u64) -> u64 {
        let gop = if self.cfg.gop_size == 0 { self.horizon() } else { self.cfg.gop_size };
        if phase == 0 || gop <= 1 {
            return 0;
        }
        self.last_i_bits.saturating_sub(share) * u64::from(gop.saturating_sub(phase)) / u64::from(gop - 1)
    }

    /// The bits of the last IDR frame's excess that the P frame at `phase` pays back.
    fn payback(&self, phase: u32, share: u64) -> u64 {
        self.ramp(phase, share).saturating_sub(self.ramp(phase + 1, share))
    }

    /// How far the buffer is above where it should be `phase` frames after the last IDR
    /// frame: an eighth of it, plus what is left of the last IDR frame's excess.
    pub(crate) fn deviation(&self, phase: u32) -> i64 {
        let goal = idr_level(self.bucket.size) + self.ramp(phase, self.bucket.drain.per_frame());
        self.bucket.level as i64 - goal as i64
    }

    /// The bit budget of the next frame, `phase` frames after the last IDR. For an IDR
    /// (`phase` 0): bits per frame the frames of the horizon (IDR frames included) may have on
    /// average. For a P frame: the bits of that P frame, one share less its part of the last
    /// IDR frame's excess. Both corrected by the deviation from the plan, spread over the
    /// horizon. May be negative when far over budget.
    pub(crate) fn frame_budget(&self, phase: u32) -> i64 {
        let w = i64::from(self.horizon());
        let r = self.bucket.drain.per_frame();
        let deviation = self.deviation(phase);
        // The buffer's deviation over three quarters of the horizon: it is back on its plan
        // well within a second.
        let channel = r as i64 - deviation / (w * 3 / 4).max(1) - self.payback(phase, r) as i64;
        if self.cfg.mode != Mode::Vbr {
            return channel;
        }
        // VBR: the average over the same horizon (strictly: what was spent over it is paid
        // back), within what the peak allows.
        let ra = self.avg.per_frame();
        let deviation = self.debt - self.ramp(phase, ra) as i64;
        let average = ra as i64 - deviation / w - self.payback(phase, ra) as i64;
        average.min(channel)
    }

    /// The size the first IDR frame of a stream aims at (before anything is measured): three
    /// frames of the budget `budget` (or the GOP's worth if shorter), at most half the room
    /// in the buffer. Cautious, as P frames may cost almost as much as intra frames.
    pub(crate) fn first_idr_target(&self, budget: i64) -> u64 {
        let frames = match self.cfg.gop_size {
            0 => 3,
            g => g.min(3),
        };
        let b = u64::try_from(budget).unwrap_or(1).max(1);
        (b * u64::from(frames)).min(self.bucket.room() / 2).max(1)
    }

    /// The QP of an IDR frame among P frames of `p_qp`.
    fn idr_qp(&self, p_qp: u8) -> u8 {
        p_qp.saturating_sub(IDR_QP_OFFSET).max(self.cfg.min_qp)
    }

    /// Predicted bits per frame over the horizon with P frames at `qp` (IDR frames in the
    /// proportion of the GOP).
    pub(crate) fn predicted(&self, qp: u8) -> u64 {
        let p = self.p_model.bits_at(qp);
        let i = self.i_model.bits_at(self.idr_qp(qp));
        match self.cfg.gop_size {
            0 => p,
            g => (u64::from(g - 1) * p + i) / u64::from(g),
        }
    }

    /// What [`frame_budget`](Self::frame_budget) plans for with P frames at `qp`: bits per
    /// frame over the horizon for an IDR frame, the P frame's bits for a P frame.
    pub(crate) fn planned_bits(&self, ft: FrameType, qp: u8) -> u64 {
        match ft {
            FrameType::Idr => self.predicted(qp),
            FrameType::P => self.p_model.bits_at(qp),
        }
    }

    /// The P frame QP (0..=51) whose planned bits are nearest to `budget`.
    pub(crate) fn solve(&self, ft: FrameType, budget: i64) -> u8 {
        let Ok(b) = u64::try_from(budget) else { return QP_LIMIT };
        match (0..=QP_LIMIT).find(|&q| self.planned_bits(ft, q) <= b) {
            None => QP_LIMIT,
            Some(0) => 0,
            // Between q - 1 (over) and q (under): the nearer one on a log scale.
            Some(q) if b.saturating_mul(1 << 16) > self.planned_bits(ft, q).saturating_mul(HALF_STEP_Q16) => q - 1,
            Some(q) => q,
        }
    }

    /// Limits the change of QP from frame to frame: 2 between P frames, 4 after a scene cut
    /// and between an IDR frame and the frames around it.
    pub(crate) fn limit_step(&self, ft: FrameType, q: u8) -> u8 {
        let (lo, hi) = self.step_bounds(ft);
        q.clamp(lo, hi)
    }

    /// The QPs the next frame of type `ft` may have under the step limits (the whole range
    /// if they contradict each other).
    pub(crate) fn step_bounds(&self, ft: FrameType) -> (u8, u8) {
        let (mut lo, mut hi) = (self.cfg.min_qp, self.cfg.max_qp);
        let mut narrow = |centre: u8, d: u8| {
            lo = lo.max(centre.saturating_sub(d));
            hi = hi.min(centre.saturating_add(d));
        };
        match ft {
            FrameType::Idr => {
                if let Some(lp) = self.last_p_qp {
                    narrow(lp, 4);
                }
            }
            FrameType::P => {
                if let Some(lp) = self.last_p_qp {
                    narrow(lp, if self.after_cut { 4 } else { 2 });
                }
                if let (true, Some(li)) = (self.after_idr, self.last_i_qp) {
                    narrow(li, 4);
                }
            }
        }
        if lo > hi {
            return (self.cfg.min_qp, self.cfg.max_qp);
        }
        (lo, hi)
    }

    /// Raises `q` until the predicted frame takes at most 7/8 of the room left in the buffer
    /// (the one rule allowed to break the step limits: the decoder's buffer must not run dry).
    fn fit_buffer(&self, ft: FrameType, mut q: u8) -> u8 {
        let model = if ft == FrameType::Idr { &self.i_model } else { &self.p_model };
        let room = self.bucket.room() / 8 * 7;
        while q < self.cfg.max_qp && model.bits_at(q) > room {
            q += 1;
        }
        q
    }
}
