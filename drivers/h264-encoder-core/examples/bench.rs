//! Benchmarks of the encoder core (run by scripts/bench-encoder-core.sh, release build):
//!
//! * `quality`: PSNR against the source at the bit rate a fixed QP gives, compared in the same
//!   run with libx264 `-preset ultrafast -profile:v baseline` at the same bit rate (x264 runs at
//!   constant QPs around that rate; its PSNR is interpolated linearly in log(bit rate)).
//!   `BENCH_CLIP=name` runs one clip.
//! * `speed`: 720p and 1080p encode frames per second on one thread.
//! * `frames W H N`: encodes N frames of testsrc2 (the callgrind target; the script counts
//!   the instructions inside `encode_frame` only).

#[path = "../tests/common/mod.rs"]
mod common;
use common::*;
use h264_encoder_core::*;
use std::process::{Command, Stdio};
use std::time::Instant;

fn psnr(a: &[u8], b: &[u8]) -> f64 {
    let se: u64 = a.iter().zip(b).map(|(&x, &y)| (i64::from(x) - i64::from(y)).pow(2) as u64).sum();
    if se == 0 {
        return 99.0;
    }
    10.0 * (255.0f64 * 255.0 * a.len() as f64 / se as f64).log10()
}

/// Luma PSNR and YUV (6:1:1 weighted) PSNR of a clip, averaged over frames.
fn clip_psnr(src: &[u8], rec: &[u8], w: u32, h: u32) -> (f64, f64) {
    let fl = frame_len(w, h);
    let yl = (w * h) as usize;
    let frames = src.len() / fl;
    let (mut y, mut all) = (0.0, 0.0);
    for f in 0..frames {
        let (s, r) = (&src[f * fl..(f + 1) * fl], &rec[f * fl..(f + 1) * fl]);
        let py = psnr(&s[..yl], &r[..yl]);
        let c = (fl - yl) / 2;
        let pu = psnr(&s[yl..yl + c], &r[yl..yl + c]);
        let pv = psnr(&s[yl + c..], &r[yl + c..]);
        y += py;
        all += (6.0 * py + pu + pv) / 8.0;
    }
    (y / frames as f64, all / frames as f64)
}

/// x264 ultrafast baseline at constant `qp`: (bytes, luma PSNR, YUV PSNR).
fn x264(src: &[u8], w: u32, h: u32, frames: usize, qp: u32) -> (usize, f64, f64) {
    let gop = if std::env::var("BENCH_ALL_I").is_ok() { 1 } else { frames };
    let d = tmpdir("x264");
    let (fin, fout) = (d.join("in.yuv"), d.join("out.h264"));
    std::fs::write(&fin, src).unwrap();
    let size = format!("{w}x{h}");
    let st = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", &size, "-r", "25", "-i"])
        .arg(&fin)
        .args(["-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "baseline", "-qp", &qp.to_string()])
        .args(["-g", &gop.to_string(), "-threads", "1", "-y"])
        .arg(&fout)
        .stderr(Stdio::inherit())
        .status()
        .expect("ffmpeg with libx264 is required");
    assert!(st.success(), "x264 encode failed");
    let stream = std::fs::read(&fout).unwrap();
    let dec = decode(&stream, "x264");
    let _ = std::fs::remove_dir_all(&d);
    let (py, pa) = clip_psnr(src, &dec, w, h);
    (stream.len(), py, pa)
}

fn quality() {
    let (w, h, frames, qp) = (640u32, 360u32, 40usize, 28u8);
    println!("quality: {w}x{h}, {frames} frames at 25 fps, IDR (QP {}) then P frames (QP {qp}); x264 -preset ultrafast -profile:v baseline at the same bit rate", qp - 3);
    println!(
        "| clip | our kbit/s | our PSNR Y / YUV (dB) | x264 PSNR Y / YUV at that rate (dB) | difference Y / YUV (dB) |"
    );
    println!("|---|---|---|---|---|");
    for (name, filter) in [
        ("testsrc2", "testsrc2"),
        ("mandelbrot", "mandelbrot"),
        // lavfi's sierpinski draws a random pattern unless seeded.
        ("sierpinski", "sierpinski=seed=1"),
        ("testsrc2 + noise", "testsrc2,noise=alls=12:allf=t"),
    ] {
        if std::env::var("BENCH_CLIP").is_ok_and(|c| c != name) {
            continue;
        }
        let src = lavfi_filter(filter, w, h, frames);
        // The IDR frame 3 QP below the P frames, as x264's default ipratio of 1.4 does.
        let mut case = Case { idr_qp_offset: -3, ..Case::new(w, h, frames, qp) };
        if std::env::var("BENCH_ALL_I").is_ok() {
            case.gop = Gop::AllIdr;
            case.idr_qp_offset = 0;
        }
        let mut cfg = Config::new(w, h);
        cfg.deblock = std::env::var("BENCH_NO_DEBLOCK").is_err();
        let enc = encode(&case, &cfg, src.clone());
        let ours = enc.stream.len();
        let (oy, oa) = clip_psnr(&src, &enc.recon, w, h);
        // x264 at constant QPs bracketing our size; interpolate in log(size).
        let mut pts: Vec<(usize, f64, f64)> = Vec::new();
        let mut q = u32::from(qp);
        loop {
            let p = x264(&src, w, h, frames, q);
            if std::env::var("BENCH_VERBOSE").is_ok() {
                eprintln!("  x264 qp {q}: {} bytes, {:.2} dB (ours {ours} bytes)", p.0, p.1);
            }
            pts.push(p);
            let have_lo = pts.iter().any(|p| p.0 <= ours);
            let have_hi = pts.iter().any(|p| p.0 >= ours);
            if have_lo && have_hi || pts.len() > 12 {
                break;
            }
            q = if p.0 > ours { (q + 2).min(51) } else { q.saturating_sub(2) };
        }
        let lo = pts.iter().filter(|p| p.0 <= ours).max_by_key(|p| p.0).copied();
        let hi = pts.iter().filter(|p| p.0 >= ours).min_by_key(|p| p.0).copied();
        let (xy, xa) = match (lo, hi) {
            (Some(l), Some(hh)) if hh.0 != l.0 => {
                let t = ((ours as f64).ln() - (l.0 as f64).ln()) / ((hh.0 as f64).ln() - (l.0 as f64).ln());
                (l.1 + t * (hh.1 - l.1), l.2 + t * (hh.2 - l.2))
            }
            (Some(l), _) => (l.1, l.2),
            (_, Some(hh)) => (hh.1, hh.2),
            _ => (0.0, 0.0),
        };
        let kbps = ours as f64 * 8.0 * 25.0 / frames as f64 / 1000.0;
        println!("| {name} | {kbps:.0} | {oy:.2} / {oa:.2} | {xy:.2} / {xa:.2} | {:+.2} / {:+.2} |", oy - xy, oa - xa);
    }
}

/// Raw I420 frames of an arbitrary lavfi filter chain.
fn lavfi_filter(chain: &str, w: u32, h: u32, frames: usize) -> Vec<u8> {
    let (src, rest) = chain.split_once(',').map_or((chain, None), |(a, b)| (a, Some(b)));
    let sep = if src.contains('=') { ':' } else { '=' };
    let mut spec = format!("{src}{sep}size={w}x{h}:rate=25");
    if let Some(r) = rest {
        spec = format!("{spec},{r}");
    }
    let out = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-f", "lavfi", "-i", &spec, "-frames:v", &frames.to_string()])
        .args(["-pix_fmt", "yuv420p", "-f", "rawvideo", "-"])
        .output()
        .expect("ffmpeg is required");
    assert!(out.status.success() && out.stdout.len() == frame_len(w, h) * frames, "lavfi {spec}");
    out.stdout
}

/// Encodes `frames` frames (IDR then P) of testsrc2 at QP 28; returns seconds spent in encode_frame.
fn run_frames(w: u32, h: u32, frames: usize) -> (f64, usize) {
    let src = lavfi("testsrc2", w, h, frames);
    let cfg = Config::new(w, h);
    let fl = frame_len(w, h);
    let len = frame_buffer_len(w, h);
    let (mut cur, mut refb) = (vec![0u8; len], vec![0u8; len]);
    let mut out = vec![0u8; fl * 2];
    let (mut secs, mut bytes) = (0.0, 0);
    for i in 0..frames {
        let laid = Laid::new(Layout::I420, &src[i * fl..(i + 1) * fl], w, h);
        let p = if i == 0 { FrameParams::idr(28, 0) } else { FrameParams::p(28, i as u32) };
        let reference = (i > 0).then_some(&refb[..]);
        let t = Instant::now();
        let st = encode_frame(&cfg, &p, &laid.src(), reference, &mut cur, &mut out).unwrap();
        secs += t.elapsed().as_secs_f64();
        bytes += st.bytes;
        std::mem::swap(&mut cur, &mut refb);
    }
    (secs, bytes)
}

fn speed() {
    println!("speed: testsrc2, QP 28, IDR then P frames, one thread");
    println!("| size | frames | fps | ms per frame |");
    println!("|---|---|---|---|");
    for (w, h, n) in [(1280u32, 720u32, 30usize), (1920, 1080, 20)] {
        let (s, _) = run_frames(w, h, n);
        println!("| {w}x{h} | {n} | {:.1} | {:.1} |", n as f64 / s, 1000.0 * s / n as f64);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("quality") => quality(),
        Some("speed") => speed(),
        Some("frames") => {
            let n = |i: usize| args[i].parse::<u32>().unwrap();
            let (s, b) = run_frames(n(1), n(2), n(3) as usize);
            println!("{} frames in {s:.2} s, {b} bytes", n(3));
        }
        _ => {
            quality();
            speed();
        }
    }
}
