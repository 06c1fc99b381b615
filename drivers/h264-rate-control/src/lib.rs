//! Rate control for stateless H.264 encoder blocks: `no_std`, no heap, integer arithmetic only
//! (it runs on FPU-less Cortex-M0 cores).
//!
//! A stateless block encodes one frame of the type and QP it is told and reports what it spent
//! (bits, QP sum, SAD, intra and skipped macroblocks). The driver owns the group of pictures
//! and asks this crate, before each frame, which QP to use; after each frame it passes the
//! block's statistics back. The modes follow the V4L2 controls a driver exposes:
//!
//! * [`Mode::Cq`] (`V4L2_MPEG_VIDEO_BITRATE_MODE_CQ`, or `FRAME_RC_ENABLE` off): the constant
//!   QPs `H264_I_FRAME_QP` and `H264_P_FRAME_QP`, clamped to `H264_MIN_QP..=H264_MAX_QP`.
//! * [`Mode::Cbr`]: `BITRATE` through a coded picture buffer of `VBV_SIZE`/`H264_CPB_SIZE` bits
//!   (one second by default) that never runs dry at the decoder, and every one-second window
//!   of frames near one second of the rate.
//! * [`Mode::Vbr`]: `BITRATE` on average, at most `BITRATE_PEAK` through the buffer.
//!
//! ```
//! use h264_rate_control::*;
//! let cfg = Config::new(Mode::Cbr, 1_000_000, 30, 1, 300);
//! let mut rc = RateControl::new(cfg).unwrap();
//! for n in 0..60u32 {
//!     let ft = if n % cfg.gop_size == 0 { FrameType::Idr } else { FrameType::P };
//!     let mut qp = rc.frame_qp(ft);
//!     loop {
//!         // Encode the frame at `qp`; here a made-up block that spends 2^(-qp/6) bits.
//!         let bits = (20_000_000u32 >> (qp / 6)) / if ft == FrameType::Idr { 1 } else { 5 };
//!         let stats = FrameStats { bits, qp_sum: u32::from(qp) * 300, mbs: 300, ..FrameStats::default() };
//!         match rc.frame_done(&stats) {
//!             Verdict::Accepted => break,
//!             Verdict::Reencode { qp: higher } => qp = higher,
//!         }
//!     }
//! }
//! assert!(rc.status().frames == 60);
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bucket;
mod model;
mod plan;
mod window;

use bucket::{Bucket, Share};
use model::{steps_to_fit, Model};
use window::History;

/// The largest QP of H.264 (8-bit samples).
pub const QP_LIMIT: u8 = 51;

/// How many QP an IDR frame is coded below the P frames around it.
pub const IDR_QP_OFFSET: u8 = 2;

/// Rate control mode (`V4L2_CID_MPEG_VIDEO_BITRATE_MODE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Constant QP: [`Config::i_qp`] for IDR frames, [`Config::p_qp`] for P frames. Also the
    /// mode to use when `V4L2_CID_MPEG_VIDEO_FRAME_RC_ENABLE` is off.
    Cq,
    /// Constant bit rate [`Config::bitrate`] through a buffer of [`Config::buffer_bits`].
    Cbr,
    /// Variable bit rate: [`Config::bitrate`] on average, at most [`Config::peak`] through a
    /// buffer of [`Config::buffer_bits`].
    Vbr,
}

/// The type of the next frame, as the driver's GOP decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameType {
    /// An IDR frame (intra only; starts a GOP).
    Idr,
    /// A P frame predicted from the previous frame.
    P,
}

/// Rate control settings, one per stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// The mode.
    pub mode: Mode,
    /// Target bits per second (CBR) or average bits per second (VBR); unused in CQ.
    pub bitrate: u32,
    /// VBR peak bits per second (`BITRATE_PEAK`); 0 means twice `bitrate`, and a peak below
    /// `bitrate` counts as `bitrate`. Unused in CBR and CQ.
    pub peak: u32,
    /// Coded picture buffer size in bits (`VBV_SIZE`, `H264_CPB_SIZE`); 0 means one second of
    /// the channel rate (`bitrate` in CBR, the peak in VBR).
    pub buffer_bits: u32,
    /// Frame rate numerator: frames per `fps_den` seconds (from `VIDIOC_S_PARM`).
    pub fps_num: u32,
    /// Frame rate denominator.
    pub fps_den: u32,
    /// Lowest QP the rate control picks (`H264_MIN_QP`).
    pub min_qp: u8,
    /// Highest QP the rate control picks (`H264_MAX_QP`), at most [`QP_LIMIT`].
    pub max_qp: u8,
    /// QP of IDR frames in CQ mode (`H264_I_FRAME_QP`).
    pub i_qp: u8,
    /// QP of P frames in CQ mode (`H264_P_FRAME_QP`).
    pub p_qp: u8,
    /// Frames from one IDR to the next (`GOP_SIZE`); 0 means an IDR only at the start. The
    /// driver decides the frame types; this is only the plan for the bits of IDR frames ahead.
    pub gop_size: u32,
    /// Macroblocks per frame (for the QP of the first frame, before anything is measured).
    pub mbs: u32,
}

impl Config {
    /// `mode` at `bitrate` bits per second, `fps_num / fps_den` frames per second, frames of
    /// `mbs` macroblocks; the other fields: no explicit peak, a one-second buffer, QPs
    /// 10..=51, CQ QPs 26 (IDR) and 28 (P), a GOP of 30 frames.
    pub const fn new(mode: Mode, bitrate: u32, fps_num: u32, fps_den: u32, mbs: u32) -> Self {
        Config {
            mode,
            bitrate,
            peak: 0,
            buffer_bits: 0,
            fps_num,
            fps_den,
            min_qp: 10,
            max_qp: QP_LIMIT,
            i_qp: 26,
            p_qp: 28,
            gop_size: 30,
            mbs,
        }
    }

    /// Checks the fields: a frame rate, macroblocks, `min_qp <= max_qp <= 51`, CQ QPs up to 51,
    /// and a bit rate above zero unless the mode is CQ.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.fps_num == 0 || self.fps_den == 0 {
            return Err(ConfigError::FrameRate);
        }
        if self.mbs == 0 {
            return Err(ConfigError::Macroblocks);
        }
        if self.min_qp > self.max_qp || self.max_qp > QP_LIMIT || self.i_qp > QP_LIMIT || self.p_qp > QP_LIMIT {
            return Err(ConfigError::QpRange);
        }
        if self.mode != Mode::Cq && self.bitrate == 0 {
            return Err(ConfigError::Bitrate);
        }
        Ok(())
    }

    /// The peak rate VBR uses (see [`Config::peak`]); the bitrate in other modes.
    pub fn effective_peak(&self) -> u32 {
        match self.mode {
            Mode::Vbr if self.peak == 0 => self.bitrate.saturating_mul(2),
            Mode::Vbr => self.peak.max(self.bitrate),
            _ => self.bitrate,
        }
    }

    /// The buffer size used (see [`Config::buffer_bits`]).
    pub fn effective_buffer_bits(&self) -> u32 {
        if self.buffer_bits != 0 {
            return self.buffer_bits;
        }
        self.effective_peak()
    }

    /// Frames per second, rounded, at least 1.
    fn fps_frames(&self) -> u32 {
        ((self.fps_num + self.fps_den / 2) / self.fps_den.max(1)).max(1)
    }
}

/// Why a [`Config`] was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// `fps_num` or `fps_den` is 0.
    FrameRate,
    /// `mbs` is 0.
    Macroblocks,
    /// `min_qp > max_qp`, or a QP above 51.
    QpRange,
    /// No bit rate in CBR or VBR mode.
    Bitrate,
}

impl core::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            ConfigError::FrameRate => "frame rate is zero",
            ConfigError::Macroblocks => "frame has no macroblocks",
            ConfigError::QpRange => "QP range is empty or above 51",
            ConfigError::Bitrate => "bit rate is zero",
        })
    }
}

/// What the encoder block reported for one encoded frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameStats {
    /// All bits of the frame as it goes to the stream (parameter sets included).
    pub bits: u32,
    /// Bits outside coefficient data (headers, modes, motion vectors). Informative only.
    pub header_bits: u32,
    /// Sum of the QP of every macroblock: with `mbs`, the frame's average QP. 0 means "the
    /// QP the rate control asked for".
    pub qp_sum: u32,
    /// Sum of absolute differences between source and prediction. Informative only.
    pub sad: u64,
    /// Macroblocks in the frame (0: [`Config::mbs`]).
    pub mbs: u32,
    /// Intra-coded macroblocks: more than half of them in a P frame marks a scene cut.
    pub intra_mbs: u32,
    /// Skipped macroblocks. Informative only.
    pub skip_mbs: u32,
}

/// The answer to [`RateControl::frame_done`].
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The frame is counted: send it.
    Accepted,
    /// Drop this encoding, encode the same frame again at `qp` and call
    /// [`frame_done`](RateControl::frame_done) again with the new statistics. Either the
    /// frame does not fit the buffer (the decoder's buffer would run dry; `qp` is higher), or
    /// it is the first frame of the stream and missed its size by more than a factor of 3/2
    /// (`qp` may be lower; at most three such attempts, as nothing was measured before it), or
    /// it is the first P frame and missed its guessed size by more than a factor of two (once,
    /// within the QP step limits), or (CBR) it takes the one-second window ending with it
    /// more than 12.5% off its rate and another QP within the step limits brings it nearer
    /// (at most twice).
    Reencode {
        /// The QP for the new attempt, within `min_qp..=max_qp`.
        qp: u8,
    },
}

/// Which QP limit holds the stream back from its bit rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Even [`Config::max_qp`] gives more bits than the bit rate allows.
    MaxQp,
    /// Even [`Config::min_qp`] gives fewer bits than the bit rate asks for.
    MinQp,
}

/// What the rate control has seen so far (for logs and V4L2 status controls).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Status {
    /// Frames accepted.
    pub frames: u32,
    /// Bits of the accepted frames.
    pub total_bits: u64,
    /// Buffer fullness in bits before the next frame (0 in CQ mode).
    pub buffer_level: u32,
    /// Buffer size in bits (0 in CQ mode).
    pub buffer_size: u32,
    /// Frames accepted although they did not fit the buffer (already at `max_qp`).
    pub overflows: u32,
    /// [`Verdict::Reencode`] answers given.
    pub reencodes: u32,
    /// The QP of the last accepted frame.
    pub last_qp: u8,
    /// `Some` when the QP has been held at a limit for a second or longer because the bit
    /// rate cannot be reached with this content: the target is unreachable.
    pub unreachable: Option<Limit>,
}

/// The frame between [`RateControl::frame_qp`] and an accepted [`RateControl::frame_done`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pending {
    frame_type: FrameType,
    qp: u8,
    /// The bits predicted for the frame at `qp`.
    target: u64,
    /// The planned bits per frame over the horizon when the frame was planned (CBR, VBR).
    budget: i64,
    /// Encodings of this frame already thrown away.
    tries: u8,
    /// The QP and bits of the last encoding thrown away.
    tried: Option<(u8, u64)>,
}

/// The rate control of one stream.
#[derive(Clone, Debug)]
pub struct RateControl {
    cfg: Config,
    /// CBR: the coded picture buffer. VBR: the same at the peak rate.
    bucket: Bucket,
    /// The per-frame share of the (average) bit rate.
    avg: Share,
    /// VBR: bits spent minus the average's shares, never below minus one buffer.
    debt: i64,
    i_model: Model,
    p_model: Model,
    last_i_bits: u64,
    /// Frames accepted since the last IDR, that IDR included.
    since_idr: u32,
    last_p_qp: Option<u8>,
    /// Evidence (0..=3) that bits fall much faster with the QP than the model says.
    steep: u8,
    /// The last P frame's QP and bits.
    last_p: Option<(u8, u64)>,
    last_i_qp: Option<u8>,
    /// The last accepted frame was an IDR.
    after_idr: bool,
    /// The last accepted frame was a scene cut (a P frame mostly intra, or an IDR of a
    /// complexity far from the previous IDR's).
    after_cut: bool,
    /// Frames in a row held at max_qp (positive) or min_qp (negative) by the limits.
    pinned: i32,
    /// The bits of the last frames (CBR's one-second windows).
    history: History,
    pending: Option<Pending>,
    status: Status,
}

impl RateControl {
    /// A rate control for a new stream.
    pub fn new(cfg: Config) -> Result<Self, ConfigError> {
        cfg.validate()?;
        let size = cfg.effective_buffer_bits();
        let mut bucket = Bucket::new(size, cfg.effective_peak(), cfg.fps_num, cfg.fps_den);
        bucket.level = plan::idr_level(bucket.size);
        let mbs = u64::from(cfg.mbs);
        Ok(RateControl {
            cfg,
            bucket,
            avg: Share::new(cfg.bitrate, cfg.fps_num, cfg.fps_den),
            debt: 0,
            i_model: Model::guessed(mbs * 120, 26),
            p_model: Model::guessed(mbs * 20, 26),
            last_i_bits: 0,
            since_idr: 0,
            last_p_qp: None,
            steep: 0,
            last_p: None,
            last_i_qp: None,
            after_idr: false,
            after_cut: false,
            pinned: 0,
            history: History::new(),
            pending: None,
            status: Status { buffer_size: size, ..Status::default() },
        })
    }

    /// Forgets the stream (a new one starts with the next frame, an IDR), keeping the config.
    pub fn reset(&mut self) {
        // The config was validated by `new` or `reconfigure`.
        if let Ok(fresh) = RateControl::new(self.cfg) {
            *self = fresh;
        }
    }

    /// Changes the settings while streaming (a new `BITRATE`, `BITRATE_PEAK`, buffer size,
    /// frame rate, QP limits or mode); they apply from the next [`frame_qp`](Self::frame_qp)
    /// on. What was learnt about the content is kept; the buffer keeps its fullness (at most
    /// the new size). On error nothing changes.
    pub fn reconfigure(&mut self, cfg: Config) -> Result<(), ConfigError> {
        cfg.validate()?;
        self.cfg = cfg;
        let size = cfg.effective_buffer_bits();
        let level = self.bucket.level.min(size.into());
        self.bucket.size = size.into();
        self.bucket.level = level;
        self.bucket.drain.set(cfg.effective_peak(), cfg.fps_num, cfg.fps_den);
        self.avg.set(cfg.bitrate, cfg.fps_num, cfg.fps_den);
        self.debt = self.debt.clamp(-i64::from(size), i64::from(size));
        self.status.buffer_size = size;
        self.pinned = 0;
        // Windows start again at the new rate.
        self.history = History::new();
        Ok(())
    }

    /// The settings in use.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The QP for the next frame, of type `frame_type`; within `min_qp..=max_qp`. Call it once
    /// before each frame, then [`frame_done`](Self::frame_done) with what the block reported.
    pub fn frame_qp(&mut self, frame_type: FrameType) -> u8 {
        let (min, max) = (self.cfg.min_qp, self.cfg.max_qp);
        let budget = self.frame_budget(if frame_type == FrameType::Idr { 0 } else { self.since_idr });
        let first = frame_type == FrameType::Idr && self.status.frames == 0;
        let (qp, target) = match self.cfg.mode {
            Mode::Cq => {
                let q = if frame_type == FrameType::Idr { self.cfg.i_qp } else { self.cfg.p_qp };
                (q.clamp(min, max), 0)
            }
            Mode::Cbr | Mode::Vbr if first => {
                let target = self.first_idr_target(budget);
                let q = (min..=max).find(|&q| self.i_model.bits_at(q) <= target).unwrap_or(max);
                (q, target)
            }
            Mode::Cbr | Mode::Vbr => {
                let q = self.planned_qp(frame_type);
                (q, self.model(frame_type).bits_at(q))
            }
        };
        self.pending = Some(Pending { frame_type, qp, target, budget, tries: 0, tried: None });
        qp
    }

    /// The most bits the next frame may have without making the decoder's buffer run dry
    /// (`u32::MAX` in CQ mode). A driver can size the block's output limit with it: a frame
    /// that stops at the limit is reported to [`frame_done`](Self::frame_done) with
    /// `bits = max_frame_bits() + 1`, which asks for a re-encode.
    pub fn max_frame_bits(&self) -> u32 {
        match self.cfg.mode {
            Mode::Cq => u32::MAX,
            _ => self.bucket.room().min(u64::from(u32::MAX)) as u32,
        }
    }

    /// Takes the statistics of the frame just encoded at the QP [`frame_qp`](Self::frame_qp)
    /// (or the last [`Verdict::Reencode`]) gave. Returns [`Verdict::Reencode`] when the frame
    /// does not fit the buffer and a higher QP is left, when the first IDR or P frame of the
    /// stream missed its size by far, or when the frame takes its one-second window far off
    /// (CBR); otherwise the frame is counted.
    pub fn frame_done(&mut self, stats: &FrameStats) -> Verdict {
        let last = self.status.last_qp;
        let pending = self.pending.unwrap_or(Pending {
            frame_type: FrameType::P,
            qp: last,
            target: 0,
            budget: 0,
            tries: 0,
            tried: None,
        });
        let bits = u64::from(stats.bits);
        if self.cfg.mode != Mode::Cq {
            if let Some(qp) = self.reencode_qp(&pending, bits) {
                self.pending =
                    Some(Pending { qp, tries: pending.tries + 1, tried: Some((pending.qp, bits)), ..pending });
                self.status.reencodes += 1;
                return Verdict::Reencode { qp };
            }
            if self.bucket.push(bits) > 0 {
                self.status.overflows += 1;
            }
            let share = i64::try_from(self.avg.next()).unwrap_or(i64::MAX);
            let floor = -i64::try_from(self.bucket.size).unwrap_or(i64::MAX);
            self.debt = (self.debt + bits as i64 - share).max(floor);
        }
        let p_qp = self.learn(pending, stats);
        self.history.push(stats.bits, p_qp, self.after_cut);
        self.pending = None;
        self.status.frames += 1;
        self.status.total_bits += bits;
        self.status.last_qp = pending.qp;
        self.status.buffer_level = self.bucket.level.min(u64::from(u32::MAX)) as u32;
        Verdict::Accepted
    }

    /// Counters and the state of the buffer.
    pub fn status(&self) -> Status {
        let mut s = self.status;
        if self.cfg.mode == Mode::Cq {
            s.buffer_level = 0;
            s.buffer_size = 0;
        }
        let second = i32::try_from(self.cfg.fps_frames()).unwrap_or(i32::MAX);
        s.unreachable = match self.pinned {
            p if p >= second => Some(Limit::MaxQp),
            p if p <= -second => Some(Limit::MinQp),
            _ => None,
        };
        s
    }

    /// The model of `frame_type`.
    fn model(&self, frame_type: FrameType) -> &Model {
        match frame_type {
            FrameType::Idr => &self.i_model,
            FrameType::P => &self.p_model,
        }
    }

    /// The QP to encode the pending frame of `bits` again at, if any: a frame that does not
    /// fit the buffer goes up (while below `max_qp`); the first frame of a stream, coded
    /// before anything was measured, goes to the QP that meets its target if it missed it by
    /// more than a factor of 3/2 (at most three times); the first P frame of a stream goes to
    /// the QP its own measurement asks for if it missed its prediction by more than a factor
    /// of two (once, within the step limits).
    fn reencode_qp(&self, pending: &Pending, bits: u64) -> Option<u8> {
        let max = self.cfg.max_qp;
        let room = self.bucket.room();
        if bits > room && pending.qp < max {
            let n = steps_to_fit(bits, room / 16 * 15, max - pending.qp).max(1);
            return Some(pending.qp + n);
        }
        let qp = match (pending.frame_type, self.status.frames) {
            (FrameType::Idr, 0) if pending.tries < 3 => self.first_idr_retry(pending, bits, room),
            (FrameType::P, _) if self.p_model.guess && self.last_p_qp.is_none() && pending.tries == 0 => {
                self.first_p_retry(pending, bits)
            }
            _ if pending.tries < 2 => {
                let bounds = self.step_bounds(pending.frame_type);
                self.window_retry(pending, bits, bounds).unwrap_or(pending.qp)
            }
            _ => pending.qp,
        };
        (qp != pending.qp).then_some(qp)
    }

    /// The QP to code the first IDR frame again at after `bits` at `pending.qp`.
    fn first_idr_retry(&self, pending: &Pending, bits: u64, room: u64) -> u8 {
        let (min, max) = (self.cfg.min_qp, self.cfg.max_qp);
        let target = pending.target.min(room / 8 * 7).max(1);
        if bits * 2 > target * 3 {
            pending.qp + steps_to_fit(bits, target, max - pending.qp.min(max))
        } else if bits * 3 < target * 2 {
            pending.qp.saturating_sub(steps_to_fit(target, bits.max(1), pending.qp)).max(min)
        } else {
            pending.qp
        }
    }

    /// The QP to code the first P frame again at after `bits` at `pending.qp`, if its
    /// prediction (a guess from the IDR frame) was off by more than a factor of two.
    fn first_p_retry(&self, pending: &Pending, bits: u64) -> u8 {
        let predicted = self.p_model.bits_at(pending.qp).max(1);
        if bits <= predicted * 2 && bits * 2 >= predicted {
            return pending.qp;
        }
        let mut measured = self.clone();
        measured.p_model.update(bits, pending.qp);
        let want = measured.solve(FrameType::P, pending.budget).clamp(self.cfg.min_qp, self.cfg.max_qp);
        self.limit_step(FrameType::P, want)
    }

    /// Updates the models and the GOP position with an accepted frame. Returns the frame's
    /// (average) QP if it was a P frame of the content (not a scene cut).
    fn learn(&mut self, pending: Pending, stats: &FrameStats) -> Option<u8> {
        let mbs = if stats.mbs == 0 { self.cfg.mbs } else { stats.mbs };
        let qp = match stats.qp_sum {
            0 => pending.qp,
            sum => ((sum + mbs / 2) / mbs).min(u32::from(QP_LIMIT)) as u8,
        };
        let bits = u64::from(stats.bits);
        match pending.frame_type {
            FrameType::Idr => {
                let old = self.i_model;
                let mut fresh = Model::guessed(bits, qp);
                fresh.guess = false;
                let (a, b) = (fresh.x, old.x);
                let cut = !old.guess && (a > 2 * b || 2 * a < b);
                if cut && !self.p_model.guess {
                    self.p_model.rescale(a, b);
                }
                if self.p_model.guess {
                    // Cautious: half the IDR frame at its QP (the first P frame corrects it).
                    self.p_model = Model::guessed(fresh.bits_at(qp) / 2, qp);
                }
                self.i_model = fresh;
                self.last_i_bits = bits;
                self.last_i_qp = Some(pending.qp);
                self.since_idr = 1;
                self.after_idr = true;
                self.after_cut = cut;
                None
            }
            FrameType::P => {
                let intra = u64::from(stats.intra_mbs.min(mbs));
                let cut = intra * 2 > u64::from(mbs);
                if cut {
                    // A mostly intra frame: the cost of the new scene coded as intra.
                    let x = model::scale_up(bits, qp) * u64::from(mbs) / intra;
                    if self.after_cut {
                        // Cuts in a row: P frames of this content cost what intra frames do.
                        self.p_model.update(bits, qp);
                    } else {
                        self.p_model.rescale(x, self.i_model.x);
                        self.p_model.guess = true;
                    }
                    self.i_model.x = x.max(1);
                } else {
                    self.p_model.update(bits, qp);
                    if let Some((lq, lb)) = self.last_p {
                        // Bits falling (or rising) more than three times what the model says.
                        if lq != qp {
                            let (hi, lo) = if lq < qp { (lb, bits) } else { (bits, lb) };
                            let d = lq.abs_diff(qp).min(8) * 3;
                            let steep = model::scale_down(hi, d) > lo.max(1);
                            self.steep = if steep { (self.steep + 1).min(3) } else { self.steep.saturating_sub(1) };
                        }
                    }
                    self.last_p = Some((qp, bits));
                }
                self.last_p_qp = Some(pending.qp);
                self.since_idr = self.since_idr.saturating_add(1);
                self.after_idr = false;
                self.after_cut = cut;
                (!cut).then_some(qp)
            }
        }
    }
}

#[cfg(test)]
mod tests;
