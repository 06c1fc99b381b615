//! The rate control's target table: synthetic content at 176x144 encoded by the encoder core
//! at the QPs the rate control picks, 300 frames at 30 fps with an IDR every 30 frames, for
//! each mode, content and bit rate (plus CQ, the extremes, and 25 fps with a GOP of 12 as
//! ffmpeg asks for); prints a markdown table and exits non-zero if a target is missed. Run in
//! release mode (scripts/test-rate-control.sh); `RC_JOBS` sets the threads (2), `RC_QUICK=1`
//! runs a reduced set, `RC_FRAMES` the frames per row.

#[path = "../tests/common/mod.rs"]
mod common;
use common::content::Content;
use common::*;
use h264_rate_control::Mode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

struct Job {
    content: Content,
    mode: Mode,
    bitrate: u32,
    /// Frame rate and GOP, if not the table's 30 fps and 30 frames.
    timing: Option<(u32, u32)>,
}

/// The picture size of the table: the targets are about the controller, not the picture.
const SIZE: (u32, u32) = (176, 144);

fn jobs(quick: bool) -> Vec<Job> {
    let mut v = Vec::new();
    let job = |content, mode, bitrate| Job { content, mode, bitrate, timing: None };
    let rates: &[u32] = if quick { &[250_000] } else { &[100_000, 250_000, 400_000] };
    let contents = [Content::Natural, Content::Pan, Content::Noise, Content::Cuts];
    for mode in [Mode::Cbr, Mode::Vbr] {
        for &c in &contents {
            for &r in rates {
                v.push(job(c, mode, r));
            }
        }
        v.push(job(Content::Static, mode, 40_000));
    }
    v.push(job(Content::Natural, Mode::Cq, 0));
    v.push(job(Content::Natural, Mode::Cbr, 5_000));
    v.push(job(Content::Natural, Mode::Cbr, 200_000_000));
    v.push(job(Content::Pan, Mode::Vbr, 5_000));
    // What ffmpeg's h264_v4l2m2m asks for by default: VBR, 25 fps, a GOP of 12.
    for mode in [Mode::Vbr, Mode::Cbr] {
        v.push(Job { timing: Some((25, 12)), ..job(Content::Natural, mode, 250_000) });
    }
    v
}

fn main() {
    let quick = std::env::var("RC_QUICK").is_ok_and(|v| v == "1");
    let threads: usize = std::env::var("RC_JOBS").ok().and_then(|v| v.parse().ok()).unwrap_or(2).max(1);
    let frames: u32 = std::env::var("RC_FRAMES").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let list = jobs(quick);
    let next = AtomicUsize::new(0);
    let results = Mutex::new(vec![None; list.len()]);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(j) = list.get(i) else { break };
                let mut cfg = config(j.mode, j.bitrate, SIZE.0, SIZE.1);
                if let Some((fps, gop)) = j.timing {
                    (cfg.fps_num, cfg.gop_size) = (fps, gop);
                }
                let r = run(j.content, SIZE.0, SIZE.1, cfg, frames, None);
                let m = measure(&r);
                eprintln!("{}", row(&r, &m));
                results.lock().unwrap()[i] = Some((r, m));
            });
        }
    });
    println!("{HEADER}");
    let mut failed = 0;
    for (r, m) in results.into_inner().unwrap().into_iter().flatten() {
        println!("{}", row(&r, &m));
        for miss in misses(&r, &m) {
            failed += 1;
            eprintln!("MISSED: {} {:?} {}: {miss}", r.content.name(), r.cfg.mode, rate_text(r.cfg.bitrate.into()));
        }
    }
    eprintln!("{} runs of {frames} frames in {} s; {failed} targets missed", list.len(), start.elapsed().as_secs());
    std::process::exit(i32::from(failed > 0));
}
