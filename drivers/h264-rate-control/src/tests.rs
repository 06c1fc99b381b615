//! Unit tests against a model block: a frame of complexity `c` costs `c / 2^(qp / 6)` bits
//! (P frames a fifth of an IDR frame), optionally with scene cuts and bursts.

use super::*;
use crate::model::scale_down;

const MBS: u32 = 300;

/// A block whose frames cost `scale * 2^(-qp/6)` bits, IDR frames five times more.
struct Block {
    scale: u64,
}

impl Block {
    fn encode(&self, ft: FrameType, qp: u8) -> FrameStats {
        let c = if ft == FrameType::Idr { self.scale * 5 } else { self.scale };
        let bits = scale_down(c, qp).min(u64::from(u32::MAX)) as u32;
        FrameStats { bits, qp_sum: u32::from(qp) * MBS, mbs: MBS, ..FrameStats::default() }
    }
}

/// Codes one frame, re-encoding as asked; returns (final QP, bits, re-encodes). Checks that
/// an accepted frame fits the buffer unless it is already at `max_qp`.
fn code(rc: &mut RateControl, block: &Block, ft: FrameType) -> (u8, u32, u32) {
    let mut qp = rc.frame_qp(ft);
    let mut n = 0;
    loop {
        assert!((rc.config().min_qp..=rc.config().max_qp).contains(&qp), "qp {qp} out of range");
        let room = rc.max_frame_bits();
        let st = block.encode(ft, qp);
        match rc.frame_done(&st) {
            Verdict::Accepted => {
                assert!(st.bits <= room || qp == rc.config().max_qp, "accepted {} > room {room}", st.bits);
                return (qp, st.bits, n);
            }
            Verdict::Reencode { qp: q } => {
                assert!(q != qp && (rc.config().min_qp..=rc.config().max_qp).contains(&q));
                qp = q;
                n += 1;
                assert!(n < 60, "re-encode loop");
            }
        }
    }
}

fn frame_type(n: u32, gop: u32) -> FrameType {
    if n % gop == 0 {
        FrameType::Idr
    } else {
        FrameType::P
    }
}

#[test]
fn config_validation() {
    let ok = Config::new(Mode::Cbr, 1_000_000, 30, 1, MBS);
    assert_eq!(ok.validate(), Ok(()));
    assert_eq!(Config { fps_den: 0, ..ok }.validate(), Err(ConfigError::FrameRate));
    assert_eq!(Config { fps_num: 0, ..ok }.validate(), Err(ConfigError::FrameRate));
    assert_eq!(Config { mbs: 0, ..ok }.validate(), Err(ConfigError::Macroblocks));
    assert_eq!(Config { min_qp: 40, max_qp: 30, ..ok }.validate(), Err(ConfigError::QpRange));
    assert_eq!(Config { max_qp: 52, ..ok }.validate(), Err(ConfigError::QpRange));
    assert_eq!(Config { i_qp: 52, ..ok }.validate(), Err(ConfigError::QpRange));
    assert_eq!(Config { bitrate: 0, ..ok }.validate(), Err(ConfigError::Bitrate));
    assert_eq!(Config { bitrate: 0, mode: Mode::Cq, ..ok }.validate(), Ok(()));
    assert!(RateControl::new(Config { mbs: 0, ..ok }).is_err());
    assert_eq!(ok.effective_buffer_bits(), 1_000_000);
    let vbr = Config { mode: Mode::Vbr, ..ok };
    assert_eq!(vbr.effective_peak(), 2_000_000);
    assert_eq!(Config { peak: 500_000, ..vbr }.effective_peak(), 1_000_000);
    assert_eq!(Config { peak: 3_000_000, ..vbr }.effective_buffer_bits(), 3_000_000);
    assert_eq!(Config { buffer_bits: 123, ..vbr }.effective_buffer_bits(), 123);
}

#[test]
fn cq_is_exact_and_clamped() {
    let cfg = Config { i_qp: 22, p_qp: 31, ..Config::new(Mode::Cq, 0, 30, 1, MBS) };
    let mut rc = RateControl::new(cfg).unwrap();
    assert_eq!(rc.max_frame_bits(), u32::MAX);
    let block = Block { scale: 1 << 40 };
    for n in 0..100 {
        let ft = frame_type(n, 30);
        let (qp, _, re) = code(&mut rc, &block, ft);
        assert_eq!(qp, if ft == FrameType::Idr { 22 } else { 31 });
        assert_eq!(re, 0);
    }
    assert_eq!(rc.status().frames, 100);
    assert_eq!(rc.status().unreachable, None);
    let clamped = Config { min_qp: 25, max_qp: 30, ..cfg };
    let mut rc = RateControl::new(clamped).unwrap();
    assert_eq!(rc.frame_qp(FrameType::Idr), 25);
    assert_eq!(rc.frame_done(&block.encode(FrameType::Idr, 25)), Verdict::Accepted);
    assert_eq!(rc.frame_qp(FrameType::P), 30);
}

#[test]
fn qp_stays_within_limits_and_steps() {
    for (min, max) in [(0u8, 51u8), (20, 35), (30, 30)] {
        for scale in [1u64 << 16, 1 << 19, 1 << 22] {
            let cfg = Config { min_qp: min, max_qp: max, ..Config::new(Mode::Cbr, 500_000, 30, 1, MBS) };
            let mut rc = RateControl::new(cfg).unwrap();
            let mut last_p: Option<u8> = None;
            for n in 0..200 {
                let ft = frame_type(n, 30);
                let (qp, _, re) = code(&mut rc, &Block { scale }, ft);
                assert!((min..=max).contains(&qp));
                if let (FrameType::P, Some(l), 0) = (ft, last_p, re) {
                    if n % 30 != 1 {
                        assert!(
                            qp.abs_diff(l) <= 2,
                            "P frame {n}: {l} -> {qp} ({min}..={max}, {scale}, {:?})",
                            rc.status()
                        );
                    }
                }
                if ft == FrameType::P {
                    last_p = Some(qp);
                }
            }
        }
    }
}

#[test]
fn cbr_meets_its_rate_on_the_model_block() {
    for rate in [200_000u32, 1_000_000, 4_000_000] {
        let mut rc = RateControl::new(Config::new(Mode::Cbr, rate, 30, 1, MBS)).unwrap();
        let block = Block { scale: 1 << 20 };
        let mut total = 0u64;
        for n in 0..300 {
            let (_, bits, _) = code(&mut rc, &block, frame_type(n, 30));
            if n >= 60 {
                total += u64::from(bits);
            }
        }
        let want = u64::from(rate) * 8;
        assert!(total.abs_diff(want) * 20 < want, "rate {rate}: {total} for {want}");
        assert_eq!(rc.status().unreachable, None);
    }
}

#[test]
fn cbr_windows_hold_when_idr_frames_change_cost() {
    // IDR frames cost 8 times a P frame in one GOP and 3 times in the next (content whose
    // intra cost swings while its P frames do not): every one-second window that starts
    // after the first second stays within 15% (with the buffer alone: +26%).
    let rate = 1_000_000u32;
    let mut rc = RateControl::new(Config::new(Mode::Cbr, rate, 30, 1, MBS)).unwrap();
    let mut bits = [0u64; 300];
    for n in 0..300u32 {
        let ft = frame_type(n, 30);
        let c: u64 = match (ft, (n / 30) % 2) {
            (FrameType::P, _) => 1 << 22,
            (FrameType::Idr, 0) => 8 << 22,
            (FrameType::Idr, _) => 3 << 22,
        };
        let mut qp = rc.frame_qp(ft);
        loop {
            let b = scale_down(c, qp).min(u64::from(u32::MAX)) as u32;
            let st = FrameStats { bits: b, qp_sum: u32::from(qp) * MBS, mbs: MBS, ..FrameStats::default() };
            match rc.frame_done(&st) {
                Verdict::Accepted => break bits[n as usize] = u64::from(b),
                Verdict::Reencode { qp: q } => qp = q,
            }
        }
    }
    let want = u64::from(rate);
    for start in 30..=270 {
        let w: u64 = bits[start..start + 30].iter().sum();
        assert!(w.abs_diff(want) * 100 <= want * 15, "window from {start}: {w} for {want}");
    }
}

#[test]
fn history_keeps_the_newest_frames() {
    let mut h = window::History::new();
    for b in 1..=(window::CAPACITY as u32 + 5) {
        h.push(b, Some(30), false);
    }
    assert_eq!(h.len(), window::CAPACITY);
    assert_eq!(h.newest(3), u64::from(3 * window::CAPACITY as u32 + 12));
    assert!(h.p_complexity(4).is_some());
    h.push(7, None, true);
    // A scene cut hides the P frames before it.
    assert_eq!(h.p_complexity(10), None);
}

#[test]
fn buffer_never_underflows() {
    // Bursts: every 17th frame is 10 times more complex, every 45th 40 times.
    for mode in [Mode::Cbr, Mode::Vbr] {
        let cfg = Config { buffer_bits: 400_000, ..Config::new(mode, 1_000_000, 30, 1, MBS) };
        let mut rc = RateControl::new(cfg).unwrap();
        for n in 0..400u32 {
            let burst = if n % 45 == 44 {
                40
            } else if n % 17 == 16 {
                10
            } else {
                1
            };
            let block = Block { scale: (1 << 20) * burst };
            let before = rc.max_frame_bits();
            let (_, bits, _) = code(&mut rc, &block, frame_type(n, 30));
            assert!(bits <= before, "frame {n}: {bits} bits, room {before}");
            let s = rc.status();
            assert!(s.buffer_level <= s.buffer_size);
        }
        let s = rc.status();
        assert_eq!(s.overflows, 0);
        assert!(s.reencodes > 0, "the bursts must have needed re-encodes");
    }
}

#[test]
fn unreachable_targets_clamp_and_report() {
    // Far too few bits: even QP 51 is too big. The QP sits at max_qp, frames are accepted.
    let mut rc = RateControl::new(Config::new(Mode::Cbr, 10_000, 30, 1, MBS)).unwrap();
    let block = Block { scale: 1 << 36 };
    for n in 0..120 {
        let (qp, _, _) = code(&mut rc, &block, frame_type(n, 30));
        if n >= 30 {
            assert_eq!(qp, 51, "frame {n}");
        }
    }
    assert_eq!(rc.status().unreachable, Some(Limit::MaxQp));
    assert!(rc.status().overflows > 0);
    // Far too many bits: QP min_qp throughout, no windup once content gets harder.
    let mut rc = RateControl::new(Config::new(Mode::Vbr, 200_000_000, 30, 1, MBS)).unwrap();
    for n in 0..120 {
        let (qp, _, _) = code(&mut rc, &Block { scale: 1 << 24 }, frame_type(n, 30));
        if n >= 30 {
            assert_eq!(qp, 10, "frame {n}");
        }
    }
    assert_eq!(rc.status().unreachable, Some(Limit::MinQp));
    let mut last = 10;
    for n in 120..200 {
        let (qp, _, _) = code(&mut rc, &Block { scale: 1 << 30 }, frame_type(n, 30));
        last = qp;
    }
    assert!(last > 30, "harder content must raise the QP (last {last})");
    assert_eq!(rc.status().unreachable, None);
}

#[test]
fn reconfigure_changes_the_rate() {
    let cfg = Config::new(Mode::Cbr, 2_000_000, 30, 1, MBS);
    let mut rc = RateControl::new(cfg).unwrap();
    let block = Block { scale: 1 << 20 };
    for n in 0..90 {
        code(&mut rc, &block, frame_type(n, 30));
    }
    let q_before = rc.status().last_qp;
    assert_eq!(rc.reconfigure(Config { fps_num: 0, ..cfg }), Err(ConfigError::FrameRate));
    assert_eq!(rc.config().bitrate, 2_000_000);
    rc.reconfigure(Config { bitrate: 500_000, ..cfg }).unwrap();
    assert_eq!(rc.status().buffer_size, 500_000);
    let mut total = 0u64;
    for n in 90..300 {
        let (_, bits, _) = code(&mut rc, &block, frame_type(n, 30));
        if n >= 150 {
            total += u64::from(bits);
        }
    }
    assert!(rc.status().last_qp > q_before + 6, "a quarter of the rate is 12 QP up");
    let want = 500_000u64 * 5;
    assert!(total.abs_diff(want) * 20 < want, "{total} for {want}");
    // Back to CQ while streaming.
    rc.reconfigure(Config { mode: Mode::Cq, ..cfg }).unwrap();
    assert_eq!(rc.frame_qp(FrameType::P), cfg.p_qp);
}

#[test]
fn reset_forgets_the_stream() {
    let cfg = Config::new(Mode::Cbr, 300_000, 25, 1, MBS);
    let mut rc = RateControl::new(cfg).unwrap();
    let first = rc.clone().frame_qp(FrameType::Idr);
    for n in 0..50 {
        code(&mut rc, &Block { scale: 1 << 36 }, frame_type(n, 25));
    }
    rc.reset();
    assert_eq!(rc.status(), RateControl::new(cfg).unwrap().status());
    assert_eq!(rc.frame_qp(FrameType::Idr), first);
}

#[test]
fn fractional_frame_rates() {
    // 30000/1001 fps: the buffer drains exactly the bit rate over 30000 frames' time.
    let cfg = Config::new(Mode::Cbr, 1_000_000, 30_000, 1001, MBS);
    let mut rc = RateControl::new(cfg).unwrap();
    let block = Block { scale: 1 << 20 };
    let mut total = 0u64;
    for n in 0..600 {
        let (_, bits, _) = code(&mut rc, &block, frame_type(n, 30));
        if n >= 300 {
            total += u64::from(bits);
        }
    }
    let want = 1_000_000u64 * 300 * 1001 / 30_000;
    assert!(total.abs_diff(want) * 20 < want, "{total} for {want}");
}
