//! The closed loop used by the tests and the target table: synthetic content encoded by the
//! project's encoder core at the QPs the rate control picks, and the measures of the result.
//! Integer arithmetic only (errors in tenths of a percent).
#![allow(dead_code)]

pub mod content;

use content::{frame, Content};
use h264_encoder_core as core_enc;
use h264_rate_control::{Config, FrameStats, FrameType, Limit, Mode, RateControl, Status, Verdict};

/// One coded frame as the stream has it.
#[derive(Clone, Copy, Debug)]
pub struct Coded {
    /// IDR or P.
    pub idr: bool,
    /// The QP the frame was finally coded at.
    pub qp: u8,
    /// Bits of the frame.
    pub bits: u64,
    /// More than half of its macroblocks intra (a scene cut in a P frame).
    pub cut: bool,
    /// Encodings thrown away for this frame.
    pub reencodes: u32,
}

/// A stream: its settings and frames.
#[derive(Clone, Debug)]
pub struct Run {
    /// The content.
    pub content: Content,
    /// Picture size.
    pub width: u32,
    /// Picture height.
    pub height: u32,
    /// The rate control settings.
    pub cfg: Config,
    /// Every frame.
    pub frames: Vec<Coded>,
    /// The rate control's status at the end.
    pub status: Status,
}

/// The rate control settings of the table: `mode` at `bitrate`, 30 fps, GOP 30.
pub fn config(mode: Mode, bitrate: u32, width: u32, height: u32) -> Config {
    let mbs = width.div_ceil(16) * height.div_ceil(16);
    Config::new(mode, bitrate, 30, 1, mbs)
}

/// Encodes `n` frames of `content` at `width` x `height` with the rate control `cfg`
/// (IDR every `cfg.gop_size` frames), changing to `change.1` at frame `change.0` if given.
pub fn run(content: Content, width: u32, height: u32, cfg: Config, n: u32, change: Option<(u32, Config)>) -> Run {
    let enc = core_enc::Config { fps_num: cfg.fps_num, fps_den: cfg.fps_den, ..core_enc::Config::new(width, height) };
    let len = core_enc::frame_buffer_len(width, height);
    let (mut cur, mut rf) = (vec![0u8; len], vec![0u8; len]);
    let mut out = vec![0u8; (width * height * 4) as usize + 4096];
    let mut pix = vec![0u8; (width * height * 3 / 2) as usize];
    let mut rc = RateControl::new(cfg).expect("valid rate control config");
    let mut frames = Vec::with_capacity(n as usize);
    let (mut idr_id, mut since_idr) = (0u16, 0u32);
    for t in 0..n {
        if let Some((at, new)) = change {
            if t == at {
                rc.reconfigure(new).expect("valid new config");
            }
        }
        frame(content, t, width, height, &mut pix);
        let (y, c) = pix.split_at((width * height) as usize);
        let (u, v) = c.split_at((width * height / 4) as usize);
        let cw = (width / 2) as usize;
        let src = core_enc::Source::I420 {
            y: core_enc::Plane::new(y, width as usize),
            u: core_enc::Plane::new(u, cw),
            v: core_enc::Plane::new(v, cw),
        };
        let gop = rc.config().gop_size;
        let idr = t == 0 || (gop > 0 && since_idr >= gop);
        let ft = if idr { FrameType::Idr } else { FrameType::P };
        let mut qp = rc.frame_qp(ft);
        let mut reencodes = 0;
        loop {
            let params =
                if idr { core_enc::FrameParams::idr(qp, idr_id) } else { core_enc::FrameParams::p(qp, since_idr) };
            let reference = if idr { None } else { Some(&rf[..]) };
            let st = core_enc::encode_frame(&enc, &params, &src, reference, &mut cur, &mut out).expect("encode");
            let stats = FrameStats {
                bits: st.total_bits as u32,
                header_bits: st.header_bits as u32,
                qp_sum: st.qp_sum,
                sad: st.sad,
                mbs: enc.mb_width() * enc.mb_height(),
                intra_mbs: st.intra_mbs,
                skip_mbs: st.skip_mbs,
            };
            match rc.frame_done(&stats) {
                Verdict::Accepted => {
                    let cut = !idr && st.intra_mbs * 2 > stats.mbs;
                    frames.push(Coded { idr, qp, bits: st.total_bits, cut, reencodes });
                    break;
                }
                Verdict::Reencode { qp: higher } => {
                    assert!(higher != qp, "a re-encode must change the QP");
                    qp = higher;
                    reencodes += 1;
                }
            }
        }
        if idr {
            idr_id = idr_id.wrapping_add(1);
            since_idr = 0;
        }
        since_idr += 1;
        core::mem::swap(&mut cur, &mut rf);
    }
    Run { content, width, height, cfg: change.map_or(cfg, |c| c.1), frames, status: rc.status() }
}

/// The measures of a run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Measures {
    /// Average bits per second over the whole run.
    pub average: u64,
    /// Error of the average against the target, in tenths of a percent.
    pub average_err: i64,
    /// The one-second window (after the first GOP) furthest from the target, in tenths of a
    /// percent (CBR only; 0 otherwise).
    pub worst_window: i64,
    /// The same among the windows whose miss is not explained by a QP limit (see
    /// [`limited`]).
    pub worst_free_window: i64,
    /// Windows out of the tolerance only because of a QP limit (see [`limited`]).
    pub limited_windows: u32,
    /// Error of the first GOP (first second) against the target, in tenths of a percent.
    pub first_gop_err: i64,
    /// Largest |dQP| between consecutive P frames, the one after a scene cut excluded.
    pub dqp_p: u8,
    /// Largest |dQP| next to an IDR frame or after a scene cut (P frames either side of an
    /// IDR, the IDR against both, a P frame against the cut before it).
    pub dqp_idr_cut: u8,
    /// Lowest and highest QP.
    pub qp_range: (u8, u8),
    /// Frames re-encoded at a higher QP.
    pub reencodes: u32,
}

/// `(bits - target) / target` in tenths of a percent.
pub fn err_permille(bits: u64, target: u64) -> i64 {
    (bits as i64 - target as i64) * 1000 / target.max(1) as i64
}

/// Measures `run` against the bit rate of its (final) configuration.
pub fn measure(run: &Run) -> Measures {
    let f = &run.frames;
    let fps = u64::from(run.cfg.fps_num / run.cfg.fps_den);
    let rate = u64::from(run.cfg.bitrate);
    let total: u64 = f.iter().map(|c| c.bits).sum();
    let average = total * fps / f.len() as u64;
    let w = fps as usize;
    let first: u64 = f.iter().take(w).map(|c| c.bits).sum();
    let (mut worst, mut worst_free, mut limited_windows) = (0i64, 0i64, 0u32);
    if run.cfg.mode == Mode::Cbr {
        for s in w..=f.len().saturating_sub(w) {
            let e = err_permille(f[s..s + w].iter().map(|c| c.bits).sum(), rate);
            if e.abs() > worst.abs() {
                worst = e;
            }
            if e.abs() > WINDOW_TOLERANCE && limited(run, &f[s..s + w], e) {
                limited_windows += 1;
            } else if e.abs() > worst_free.abs() {
                worst_free = e;
            }
        }
    }
    let (mut dqp_p, mut dqp_x) = (0u8, 0u8);
    let mut last_p: Option<(usize, u8)> = None;
    for (i, c) in f.iter().enumerate() {
        if i > 0 {
            let d = c.qp.abs_diff(f[i - 1].qp);
            if !c.idr && !f[i - 1].idr && !f[i - 1].cut {
                dqp_p = dqp_p.max(d);
            } else {
                dqp_x = dqp_x.max(d);
            }
        }
        if !c.idr {
            if let Some((j, q)) = last_p {
                if j + 1 != i {
                    dqp_x = dqp_x.max(c.qp.abs_diff(q));
                }
            }
            last_p = Some((i, c.qp));
        }
    }
    let qp_range = f.iter().fold((u8::MAX, 0), |(lo, hi), c| (lo.min(c.qp), hi.max(c.qp)));
    Measures {
        average,
        average_err: err_permille(average, rate),
        worst_window: worst,
        worst_free_window: worst_free,
        limited_windows,
        first_gop_err: err_permille(first * fps / w.min(f.len()) as u64, rate),
        dqp_p,
        dqp_idr_cut: dqp_x,
        qp_range,
        reencodes: f.iter().map(|c| c.reencodes).sum(),
    }
}

/// How far (tenths of a percent) a CBR one-second window may be off.
pub const WINDOW_TOLERANCE: i64 = 150;

/// Whether a CBR window `frames`, off by `err` (tenths of a percent) beyond the tolerance, is
/// off only because of a QP limit: its frames coded at `min_qp` (for a window under the rate;
/// `max_qp` for one over it) fell short of (went over) their shares of the rate by so much
/// that its other frames, on their own, were within the tolerance. Those frames could not
/// have had more (fewer) bits at any allowed QP; only the others could have made up for
/// them, ahead of content the rate control could not know.
pub fn limited(run: &Run, frames: &[Coded], err: i64) -> bool {
    let limit = if err < 0 { run.cfg.min_qp } else { run.cfg.max_qp };
    let share = i64::from(run.cfg.bitrate) * i64::from(run.cfg.fps_den) / i64::from(run.cfg.fps_num);
    let at_limit: i64 = frames.iter().filter(|c| c.qp == limit).map(|c| c.bits as i64 - share).sum();
    let window = share * frames.len() as i64;
    let total: i64 = frames.iter().map(|c| c.bits as i64).sum();
    let rest = (total - at_limit - window) * 1000 / window.max(1);
    at_limit.signum() == err.signum() && rest.abs() <= WINDOW_TOLERANCE
}

/// The targets a run misses (an empty list: all met). A run that the rate control reports
/// as unreachable must sit at the QP limit and miss in the direction of that limit.
pub fn misses(run: &Run, m: &Measures) -> Vec<String> {
    let mut out = Vec::new();
    if run.cfg.mode == Mode::Cq {
        let (i, p) =
            (run.cfg.i_qp.clamp(run.cfg.min_qp, run.cfg.max_qp), run.cfg.p_qp.clamp(run.cfg.min_qp, run.cfg.max_qp));
        if run.frames.iter().any(|c| c.qp != if c.idr { i } else { p }) {
            out.push("CQ frame not at its constant QP".into());
        }
        return out;
    }
    let tol = if run.content.hard() { 100 } else { 50 };
    let (lo, hi) = (run.cfg.min_qp, run.cfg.max_qp);
    match run.status.unreachable {
        Some(Limit::MaxQp) => {
            if m.qp_range.1 != hi || m.average_err <= 0 {
                out.push(format!(
                    "reported unreachable (max QP) but QP max {} / error {}",
                    m.qp_range.1, m.average_err
                ));
            }
        }
        Some(Limit::MinQp) => {
            if m.qp_range.0 != lo || m.average_err >= 0 {
                out.push(format!(
                    "reported unreachable (min QP) but QP min {} / error {}",
                    m.qp_range.0, m.average_err
                ));
            }
        }
        None => {
            if m.average_err.abs() > tol {
                out.push(format!("average {} off by more than {}", pct(m.average_err), pct(tol)));
            }
            if m.worst_free_window.abs() > WINDOW_TOLERANCE {
                out.push(format!("a one-second window {} off", pct(m.worst_free_window)));
            }
            if m.first_gop_err.abs() > 200 {
                out.push(format!("first GOP {} off", pct(m.first_gop_err)));
            }
        }
    }
    if m.dqp_p > 2 {
        out.push(format!("dQP {} between P frames", m.dqp_p));
    }
    if m.dqp_idr_cut > 4 {
        out.push(format!("dQP {} at an IDR or scene cut", m.dqp_idr_cut));
    }
    out
}

/// Tenths of a percent as text: `-12.3%`.
pub fn pct(permille: i64) -> String {
    let sign = if permille < 0 { "-" } else { "+" };
    format!("{sign}{}.{}%", permille.abs() / 10, permille.abs() % 10)
}

/// Bits per second as text: `200k`, `1M`, `1.5M`.
pub fn rate_text(bps: u64) -> String {
    if bps >= 1_000_000 {
        let m = bps / 100_000;
        if m % 10 == 0 {
            format!("{}M", m / 10)
        } else {
            format!("{}.{}M", m / 10, m % 10)
        }
    } else {
        format!("{}k", bps / 1000)
    }
}

/// One table row (markdown).
pub fn row(run: &Run, m: &Measures) -> String {
    let mode = match run.cfg.mode {
        Mode::Cq => "CQ",
        Mode::Cbr => "CBR",
        Mode::Vbr => "VBR",
    };
    let window = if run.cfg.mode == Mode::Cbr { pct(m.worst_window) } else { "-".into() };
    let mut note = match run.status.unreachable {
        Some(Limit::MaxQp) => "unreachable (max QP)",
        Some(Limit::MinQp) => "unreachable (min QP)",
        None => "",
    }
    .to_string();
    if run.status.unreachable.is_none() && m.limited_windows > 0 {
        let limit = if m.worst_window < 0 { "min" } else { "max" };
        note = format!(
            "{} windows unreachable ({limit} QP; the rest within {})",
            m.limited_windows,
            pct(m.worst_free_window)
        );
    }
    let timing = if (run.cfg.fps_num, run.cfg.fps_den, run.cfg.gop_size) == (30, 1, 30) {
        String::new()
    } else {
        format!(" {} fps GOP {}", run.cfg.fps_num / run.cfg.fps_den.max(1), run.cfg.gop_size)
    };
    format!(
        "| {} {}x{}{timing} | {mode} | {} | {} ({}) | {window} | {} | {} / {} | {}-{} | {} | {note} |",
        run.content.name(),
        run.width,
        run.height,
        rate_text(run.cfg.bitrate.into()),
        rate_text(m.average),
        pct(m.average_err),
        pct(m.first_gop_err),
        m.dqp_p,
        m.dqp_idr_cut,
        m.qp_range.0,
        m.qp_range.1,
        m.reencodes,
    )
}

/// The table header (markdown).
pub const HEADER: &str = "| content | mode | target | achieved (error) | worst 1-s window | first GOP | max dQP P-P / IDR,cut | QP range | re-encodes | note |\n|---|---|---|---|---|---|---|---|---|---|";
