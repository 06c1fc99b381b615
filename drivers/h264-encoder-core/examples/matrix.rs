//! The bit-exactness matrix against ffmpeg's H.264 decoder (run in release by
//! scripts/test-encoder-core.sh): every value of every axis (size, QP, GOP pattern, slices,
//! deblocking, input layout, content, per-macroblock QP) appears in at least one case. For
//! each case ffmpeg must decode the stream without a message, give exactly the number of
//! frames encoded, and every frame must equal the encoder's reconstruction. Exits non-zero
//! if any case fails.

#[path = "../tests/common/mod.rs"]
mod common;
use common::*;
use std::time::Instant;

fn cases() -> Vec<Case> {
    use Content::*;
    use Gop::*;
    use Layout::*;
    let c = |w, h, frames, qp, gop, slice_rows, deblock, layout, content, mb_qp_delta| Case {
        w,
        h,
        frames,
        qp,
        gop,
        slice_rows,
        deblock,
        layout,
        content,
        mb_qp_delta,
        idr_qp_offset: 0,
    };
    vec![
        c(16, 16, 6, 26, Ippp, 0, true, I420, Testsrc2, false),
        c(16, 16, 4, 0, AllIdr, 0, true, I420, Noise, false),
        c(16, 16, 5, 51, Ippp, 1, false, Yuyv, Static, true),
        c(176, 144, 7, 10, IdrEvery(3), 2, true, Nv12, Mandelbrot, false),
        c(176, 144, 6, 40, Ippp, 0, false, Yuyv, Testsrc2, false),
        c(176, 144, 5, 51, Ippp, 0, true, PaddedI420, Static, false),
        c(176, 144, 5, 0, Ippp, 0, true, I420, Testsrc2, false),
        c(176, 144, 6, 26, Ippp, 1, true, I420, SceneCut, true),
        c(320, 240, 8, 26, Ippp, 1, true, I420, SceneCut, true),
        c(320, 240, 3, 0, Ippp, 0, true, Nv12, Noise, false),
        c(320, 240, 6, 10, Ippp, 4, false, I420, Mandelbrot, true),
        c(320, 240, 5, 40, IdrEvery(2), 0, true, PaddedI420, Testsrc2, false),
        c(98, 66, 6, 26, IdrEvery(2), 3, true, PaddedI420, Testsrc2, false),
        c(98, 66, 3, 51, AllIdr, 0, false, Yuyv, Noise, false),
        c(98, 66, 5, 10, Ippp, 1, true, Nv12, Mandelbrot, true),
        c(1280, 720, 4, 26, Ippp, 5, true, I420, Testsrc2, false),
        c(1280, 720, 2, 51, Ippp, 0, false, Nv12, Noise, true),
        c(1918, 1078, 3, 40, Ippp, 0, false, Nv12, Mandelbrot, false),
        c(1918, 1078, 2, 10, AllIdr, 17, true, Yuyv, Testsrc2, false),
        c(48, 32, 8, 0, Ippp, 0, true, I420, Extreme, false),
        c(48, 32, 8, 0, AllIdr, 0, false, I420, Extreme, false),
        c(64, 64, 8, 10, IdrEvery(3), 1, true, Nv12, Extreme, true),
    ]
}

fn main() {
    let filter = std::env::args().nth(1);
    let mut failed = 0;
    let all = cases();
    let start = Instant::now();
    for (i, case) in all.iter().enumerate() {
        if filter.as_ref().is_some_and(|f| *f != i.to_string()) {
            continue;
        }
        let t = Instant::now();
        let r = std::panic::catch_unwind(|| check(case));
        match r {
            Ok(enc) => {
                let bytes: usize = enc.stats.iter().map(|s| s.bytes).sum();
                println!("case {i:2} ok   {:6.2} s  {bytes:9} bytes  {case:?}", t.elapsed().as_secs_f64());
            }
            Err(_) => {
                failed += 1;
                println!("case {i:2} FAILED  {case:?}");
            }
        }
    }
    println!("matrix: {} cases, {failed} failed, {:.1} s", all.len(), start.elapsed().as_secs_f64());
    std::process::exit(i32::from(failed > 0));
}
