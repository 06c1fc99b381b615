//! The rate control in closed loop with the encoder core on small pictures (a smoke test
//! fast enough for a debug build); the target table at 176x144 is examples/rc-table.rs.

mod common;
use common::content::Content;
use common::*;
use h264_rate_control::{Config, Limit, Mode};

const W: u32 = 64;
const H: u32 = 48;

fn check(content: Content, mode: Mode, bitrate: u32) {
    // Two GOPs: the average within 10%, the QP steps and CQ exactness as in the table (the
    // one-second windows and the first GOP are the table's, on larger pictures).
    let r = run(content, W, H, config(mode, bitrate, W, H), 60, None);
    let m = measure(&r);
    let miss: Vec<_> = misses(&r, &m)
        .into_iter()
        .filter(|s| !s.contains("window") && !s.contains("average") && !s.contains("first GOP"))
        .collect();
    assert!(miss.is_empty(), "{}\n{}: {miss:?}", HEADER, row(&r, &m));
    assert!(mode == Mode::Cq || m.average_err.abs() <= 100, "{}\n{}", HEADER, row(&r, &m));
}

#[test]
fn cbr_natural() {
    check(Content::Natural, Mode::Cbr, 80_000);
}

#[test]
fn vbr_pan() {
    check(Content::Pan, Mode::Vbr, 150_000);
}

#[test]
fn cq_is_constant() {
    check(Content::Cuts, Mode::Cq, 0);
}

#[test]
fn unreachable_rates_are_reported() {
    let low = run(Content::Natural, W, H, config(Mode::Cbr, 1_000, W, H), 60, None);
    assert_eq!(low.status.unreachable, Some(Limit::MaxQp));
    assert!(low.frames[30..].iter().all(|f| f.qp == 51));
    let high = run(Content::Static, W, H, config(Mode::Cbr, 100_000_000, W, H), 60, None);
    assert_eq!(high.status.unreachable, Some(Limit::MinQp));
    assert!(high.frames[30..].iter().all(|f| f.qp == 10));
}

#[test]
fn bitrate_change_while_streaming() {
    let cfg = config(Mode::Cbr, 150_000, W, H);
    let new = Config { bitrate: 50_000, ..cfg };
    let r = run(Content::Natural, W, H, cfg, 120, Some((60, new)));
    let after: u64 = r.frames[90..].iter().map(|f| f.bits).sum();
    let e = err_permille(after, 50_000);
    assert!(e.abs() <= 200, "second second after the change: {}", pct(e));
    assert!(r.frames[110].qp > r.frames[50].qp + 4, "{} -> {}", r.frames[50].qp, r.frames[110].qp);
}
