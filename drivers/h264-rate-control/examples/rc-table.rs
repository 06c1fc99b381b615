//! The rate control's target table: synthetic content encoded by the encoder core at the QPs
//! the rate control picks, 300 frames at 30 fps with an IDR every 30 frames, for each mode,
//! content and bit rate; prints a markdown table and exits non-zero if a target is missed.
//! Run in release mode (scripts/test-rate-control.sh); `RC_JOBS` sets the threads (2),
//! `RC_QUICK=1` runs a reduced set.

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
    size: (u32, u32),
    mode: Mode,
    bitrate: u32,
}

fn jobs(quick: bool) -> Vec<Job> {
    let mut v = Vec::new();
    let small = (320, 240);
    let job = |content, size, mode, bitrate| Job { content, size, mode, bitrate };
    let rates: &[u32] = if quick { &[1_000_000] } else { &[200_000, 1_000_000, 4_000_000] };
    for &c in &Content::ALL {
        for &r in rates {
            v.push(job(c, small, Mode::Cbr, r));
        }
    }
    for &c in &Content::ALL {
        let vbr_rates: &[u32] = if matches!(c, Content::Natural | Content::Pan) { rates } else { &[1_000_000] };
        for &r in vbr_rates {
            v.push(job(c, small, Mode::Vbr, r));
        }
    }
    v.push(job(Content::Natural, small, Mode::Cq, 0));
    v.push(job(Content::Natural, small, Mode::Cbr, 10_000));
    v.push(job(Content::Natural, small, Mode::Cbr, 200_000_000));
    if !quick {
        v.push(job(Content::Pan, small, Mode::Vbr, 10_000));
        v.push(job(Content::Natural, (640, 360), Mode::Cbr, 1_000_000));
        v.push(job(Content::Natural, (640, 360), Mode::Cbr, 4_000_000));
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
                let cfg = config(j.mode, j.bitrate, j.size.0, j.size.1);
                let r = run(j.content, j.size.0, j.size.1, cfg, frames, None);
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
