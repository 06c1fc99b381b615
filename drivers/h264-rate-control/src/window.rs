//! The one-second windows of CBR: the bits of the last frames in a fixed ring (no heap), and
//! the rules that keep every window of one second of frames near one second of the bit rate:
//! a QP choice that looks at the windows the next frame will be part of, and a re-encode for
//! a frame that would take the window ending with it out of its band.

use crate::model::{scale_down, scale_up, Model};
use crate::{FrameType, Mode, Pending, RateControl};

/// The most frames a window holds. Above this frame rate a window is the last `CAPACITY`
/// frames (a fraction of a second) against their share of the bit rate.
pub(crate) const CAPACITY: usize = 64;

/// How far (in 1/1024 of the window's bits) the QP choice lets a predicted window stray:
/// `PLAN_BAND` for the window that ends a whole window after the next frame, widening
/// linearly to `NEAR_BAND` for the window that ends with the next frame. The near windows
/// are mostly made of frames already coded: holding them tightly would copy every burst of
/// the last second into the next one.
const PLAN_BAND: i64 = 61;
const NEAR_BAND: i64 = 112;

/// How far (in 1/1024) a coded frame may take the window ending with it before it is coded
/// again at another QP.
const REENCODE_BAND: i64 = 128;

/// The most QP a re-encode for a window goes down at once.
const MAX_DOWN: u8 = 3;

/// Marks an IDR frame in [`History`]'s QPs.
const NOT_P: u8 = u8::MAX;

/// Marks a scene cut (a P frame mostly intra, or an IDR frame of a new complexity) in
/// [`History`]'s QPs: the P frames before it are of other content.
const CUT: u8 = u8::MAX - 1;

/// The bits of the last frames, newest last, and the QP of those that were P frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct History {
    bits: [u32; CAPACITY],
    qps: [u8; CAPACITY],
    /// Frames stored (at most `CAPACITY`).
    len: usize,
    /// Frames pushed since the start (saturating).
    seen: u32,
    /// Where the next frame goes.
    next: usize,
}

impl History {
    /// No frames yet.
    pub const fn new() -> Self {
        History { bits: [0; CAPACITY], qps: [NOT_P; CAPACITY], len: 0, next: 0, seen: 0 }
    }

    /// Stores a frame of `bits`, a P frame coded at (average) `p_qp` or another frame
    /// (`None`; `cut` if it was a scene cut), dropping the oldest if full.
    pub fn push(&mut self, bits: u32, p_qp: Option<u8>, cut: bool) {
        self.bits[self.next] = bits;
        self.qps[self.next] = match (p_qp, cut) {
            (_, true) => CUT,
            (Some(q), false) => q,
            (None, false) => NOT_P,
        };
        self.next = (self.next + 1) % CAPACITY;
        self.len = (self.len + 1).min(CAPACITY);
        self.seen = self.seen.saturating_add(1);
    }

    /// Frames pushed since the start.
    pub fn seen(&self) -> u32 {
        self.seen
    }

    /// Frames stored.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The bits of the frame `age` frames back (0: the newest), `age < len`.
    fn get(&self, age: usize) -> u64 {
        self.bits[(self.next + CAPACITY - 1 - age) % CAPACITY].into()
    }

    /// The mean complexity (bits at QP 0, see [`Model`](crate::model::Model)) of the P
    /// frames among the newest `n` (`n <= len`) since the last scene cut, if any.
    pub fn p_complexity(&self, n: usize) -> Option<u64> {
        let (mut sum, mut count) = (0u64, 0u64);
        for age in 0..n {
            let q = self.qps[(self.next + CAPACITY - 1 - age) % CAPACITY];
            if q == CUT {
                break;
            }
            if q != NOT_P {
                sum = sum.saturating_add(scale_up(self.get(age), q));
                count += 1;
            }
        }
        (count > 0).then(|| sum / count)
    }

    /// The bits of the newest `n` frames (`n <= len`).
    pub fn newest(&self, n: usize) -> u64 {
        (0..n).map(|a| self.get(a)).sum()
    }
}

/// The window the next frames are measured in: its length in frames, its bits (one share
/// of the bit rate per frame), and the bits the windows are steered to.
#[derive(Clone, Copy, Debug)]
struct Span {
    frames: usize,
    bits: i64,
    /// `bits` less half the buffer's deviation from its plan (at most half the planning band
    /// either way), so that the buffer, and with it the average, comes back to its plan.
    centre: i64,
    /// The mean complexity of the P frames of the last window (since the last scene cut):
    /// with the P model, whichever is lower, what the P frames beyond the next one are
    /// predicted with. The P model follows the last few frames; on content whose P frames
    /// cost almost nothing until one refines the picture it stays far above what a second of
    /// them costs.
    p_x: Option<u64>,
}

impl RateControl {
    /// The window, if the windows apply: CBR, and at least one window of frames seen. Only
    /// windows that start after the first window of the stream count (see
    /// [`counts`](Self::counts)).
    fn span(&self) -> Option<Span> {
        if self.cfg.mode != Mode::Cbr {
            return None;
        }
        let frames = (self.cfg.fps_frames() as usize).clamp(2, CAPACITY);
        if self.history.len() < frames {
            return None;
        }
        let share = i64::try_from(self.bucket.drain.per_frame()).unwrap_or(i64::MAX);
        let bits = share.saturating_mul(frames as i64);
        let most = bits / 1024 * PLAN_BAND;
        let centre = bits - self.deviation(self.since_idr).clamp(-most, most);
        let p_x = self.history.p_complexity(frames);
        Some(Span { frames, bits, centre, p_x })
    }

    /// Whether the window ending `ahead` frames after the next one counts: it starts after
    /// the first window of frames of the stream (or since the last reconfiguration), which
    /// is the start-up, planned before anything was measured.
    fn counts(&self, span: Span, ahead: usize) -> bool {
        self.history.seen() as usize + ahead + 1 >= 2 * span.frames
    }

    /// The predicted bits of the frame `ahead` frames after the next one (0: the next one),
    /// the next one of type `ft` coded at `qp` (P frames at `qp`, or `qp + IDR_QP_OFFSET`
    /// when the next frame is an IDR; IDR frames where the GOP puts them).
    fn predicted_frame(&self, span: Span, ft: FrameType, qp: u8, ahead: u32) -> u64 {
        let p_qp = match ft {
            FrameType::Idr => qp.saturating_add(crate::IDR_QP_OFFSET).min(crate::QP_LIMIT),
            FrameType::P => qp,
        };
        let phase = if ft == FrameType::Idr { 0 } else { self.since_idr } + ahead;
        let gop = self.cfg.gop_size;
        let idr = if ahead == 0 { ft == FrameType::Idr } else { gop > 0 && phase % gop == 0 };
        if idr {
            return self.i_model.bits_at(p_qp.saturating_sub(crate::IDR_QP_OFFSET));
        }
        let model = match span.p_x {
            Some(x) if ahead > 0 => Model { x: x.min(self.p_model.x), guess: false },
            _ => self.p_model,
        };
        match self.last_p_qp {
            // Where the bits have been seen to change with the QP much faster than the model
            // says, three times the model's slope away from the last P frame's QP.
            Some(last) if self.steep >= 2 && last != p_qp => {
                let base = model.bits_at(last);
                let d = p_qp.abs_diff(last).saturating_mul(3).min(crate::QP_LIMIT);
                if p_qp > last {
                    scale_down(base, d)
                } else {
                    scale_up(base, d)
                }
            }
            _ => model.bits_at(p_qp),
        }
    }

    /// How far the windows ending at the next frame and at the frames after it would leave
    /// the planning band if the next frame (of type `ft`) were coded at `qp` and the frames
    /// after it at the same P frame QP: the largest excess, in bits per frame of the window
    /// still to come (an excess the coming frames can share is less urgent). 0: all in band.
    fn window_excess(&self, span: Span, ft: FrameType, qp: u8) -> i64 {
        let unit = span.bits / 1024;
        let last = span.frames as i64 - 1;
        let mut known = self.history.newest(span.frames - 1) as i64;
        let mut coming = 0i64;
        let mut worst = 0i64;
        for ahead in 0..span.frames {
            coming += self.predicted_frame(span, ft, qp, ahead as u32) as i64;
            if self.counts(span, ahead) {
                let band = unit * (PLAN_BAND + (NEAR_BAND - PLAN_BAND) * (last - ahead as i64) / last.max(1));
                let off = (known + coming - span.centre).abs();
                worst = worst.max((off - band).max(0) / (ahead as i64 + 1));
            }
            if ahead + 1 < span.frames {
                known -= self.history.get(span.frames - 2 - ahead) as i64;
            }
        }
        worst
    }

    /// The QP within `lo..=hi` nearest to `q` among those whose predicted windows stray the
    /// least from the band (`q` itself when its windows are in the band). CBR only.
    pub(crate) fn fit_windows(&self, ft: FrameType, q: u8, (lo, hi): (u8, u8)) -> u8 {
        let Some(span) = self.span() else { return q };
        let mut best = (self.window_excess(span, ft, q), 0u8, q);
        if best.0 == 0 {
            return q;
        }
        for c in lo..=hi {
            let cand = (self.window_excess(span, ft, c), c.abs_diff(q), c);
            if (cand.0, cand.1) < (best.0, best.1) {
                best = cand;
            }
        }
        best.2
    }

    /// The QP to code the pending frame, `bits` at its QP, again at, if it takes the window
    /// ending with it out of the re-encode band and another QP within the step limits
    /// `lo..=hi` brings it back in (or nearer: as far as the limits allow). Up, the model's
    /// curve through the measurement says how far; down (more bits, where content may grow
    /// much faster than the model says) at most `MAX_DOWN` QP. After an attempt on the other
    /// side of the window's goal the next one lies between the two.
    pub(crate) fn window_retry(&self, pending: &Pending, bits: u64, (lo, hi): (u8, u8)) -> Option<u8> {
        let span = self.span().filter(|&s| self.counts(s, 0))?;
        let (ft, qp) = (pending.frame_type, pending.qp);
        let band = span.bits / 1024 * REENCODE_BAND;
        let known = self.history.newest(span.frames - 1) as i64;
        let total = known + bits as i64;
        let model = if ft == FrameType::Idr { &self.i_model } else { &self.p_model };
        // The measured frame scales the model's curve: bits at c ~ bits * model(c) / model(qp).
        let at = |c: u8| bits.saturating_mul(model.bits_at(c)) / model.bits_at(qp).max(1);
        let goal = span.centre - known;
        let (mut lo, mut hi) = (lo, hi);
        if let Some((q, b)) = pending.tried {
            // Between this attempt and the last if they lie either side of the goal.
            let (b, g) = (b as i64, goal);
            if (b - g).signum() != (bits as i64 - g).signum() {
                (lo, hi) = (lo.max(q.min(qp)), hi.min(q.max(qp)));
            }
        }
        let q = if total > span.bits + band && qp < hi {
            (qp + 1..=hi).find(|&c| at(c) as i64 <= goal).unwrap_or(hi)
        } else if total < span.bits - band && qp > lo {
            // Not below what still fits the buffer, nor more than MAX_DOWN at once.
            let room = self.bucket.room() / 8 * 7;
            let floor = lo.max(qp.saturating_sub(MAX_DOWN));
            let fits = (floor..qp).find(|&c| at(c) <= room).unwrap_or(qp);
            (fits..qp).rev().find(|&c| at(c) as i64 >= goal).unwrap_or(fits)
        } else {
            return None;
        };
        (q != qp).then_some(q)
    }
}
