//! Per-frame statistics of one lavfi clip (a tuning aid): bytes, luma PSNR, intra and skipped
//! macroblocks per frame, and the clip's average. `clipstats FILTER [W H FRAMES QP]`.

#[path = "../tests/common/mod.rs"]
mod common;
use common::*;
use h264_encoder_core::*;
use std::process::Command;

fn psnr(a: &[u8], b: &[u8]) -> f64 {
    let se: u64 = a.iter().zip(b).map(|(&x, &y)| (i64::from(x) - i64::from(y)).pow(2) as u64).sum();
    if se == 0 {
        return 99.0;
    }
    10.0 * (255.0f64 * 255.0 * a.len() as f64 / se as f64).log10()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filter = args.first().map_or("sierpinski", String::as_str);
    let n = |i: usize, d: u32| args.get(i).map_or(d, |s| s.parse().unwrap());
    let (w, h, frames, qp) = (n(1, 640), n(2, 360), n(3, 40) as usize, n(4, 28) as u8);
    let sep = if filter.contains('=') { ':' } else { '=' };
    let spec = format!("{filter}{sep}size={w}x{h}:rate=25");
    let out = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-f", "lavfi", "-i", &spec, "-frames:v", &frames.to_string()])
        .args(["-pix_fmt", "yuv420p", "-f", "rawvideo", "-"])
        .output()
        .expect("ffmpeg is required");
    let src = out.stdout;
    let case = Case { idr_qp_offset: -3, ..Case::new(w, h, frames, qp) };
    let mut cfg = Config::new(w, h);
    cfg.deblock = std::env::var("NO_DEBLOCK").is_err();
    let enc = encode(&case, &cfg, src.clone());
    if let Ok(f) = std::env::var("STREAM_OUT") {
        std::fs::write(f, &enc.stream).unwrap();
    }
    let (fl, yl) = (frame_len(w, h), (w * h) as usize);
    let mut tot = 0.0;
    for (i, st) in enc.stats.iter().enumerate() {
        let p = psnr(&src[i * fl..i * fl + yl], &enc.recon[i * fl..i * fl + yl]);
        tot += p;
        println!(
            "frame {i:2}: {:7} bytes  Y {p:6.2} dB  intra {:4}  skip {:4}  res {:7} hdr {:6}",
            st.bytes, st.intra_mbs, st.skip_mbs, st.residual_bits, st.header_bits
        );
    }
    println!("total {} bytes, Y {:.2} dB", enc.stream.len(), tot / frames as f64);
}
