//! Prints the frames of one closed-loop run: `rc-trace CONTENT MODE BITRATE [FRAMES] [WxH]`
//! (content: natural, pan, noise, static, cuts; mode: cq, cbr, vbr).

#[path = "../tests/common/mod.rs"]
mod common;
use common::content::Content;
use common::*;
use h264_rate_control::Mode;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let content = Content::ALL.into_iter().find(|c| c.name() == a[1]).expect("content");
    let mode = match a[2].as_str() {
        "cq" => Mode::Cq,
        "cbr" => Mode::Cbr,
        _ => Mode::Vbr,
    };
    let bitrate: u32 = a[3].parse().expect("bitrate");
    let n: u32 = a.get(4).map_or(300, |v| v.parse().expect("frames"));
    let (w, h) = a.get(5).map_or((320, 240), |s| {
        let (w, h) = s.split_once('x').expect("WxH");
        (w.parse().unwrap(), h.parse().unwrap())
    });
    let mut cfg = config(mode, bitrate, w, h);
    if let Ok(q) = std::env::var("RC_QP") {
        (cfg.i_qp, cfg.p_qp, cfg.min_qp) = (q.parse().unwrap(), q.parse().unwrap(), 0);
    }
    let r = run(content, w, h, cfg, n, None);
    for (i, c) in r.frames.iter().enumerate() {
        let kind = if c.idr {
            "IDR"
        } else if c.cut {
            "cut"
        } else {
            "P"
        };
        println!("{i:4} {kind:3} qp {:2} bits {:8} re-encodes {}", c.qp, c.bits, c.reencodes);
    }
    let m = measure(&r);
    println!("{HEADER}\n{}", row(&r, &m));
    println!("{:?}", r.status);
}
