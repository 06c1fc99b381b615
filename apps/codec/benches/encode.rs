//! Encode benchmark (not a test): the same clip encoded twice in one run at each size, by
//! the encoder core called directly and through the framework (the codec tool's poll loop
//! on /dev/video2: framework, the VENC driver, the model of its block, MMAP buffers), with
//! the same QP sequence (constant QP: IDR frames at QP 26, P frames at QP 28, an IDR every
//! 30 frames, SPS and PPS with the first). Prints both frame rates and their ratio; both
//! bitstreams must be identical byte for byte, which shows the QP sequences were.
//!
//! `cargo bench -p codec-tool --bench encode` (`BENCH_FRAMES` to change the frame count,
//! 30 by default; `BENCH_SIZES=1280x720` to run one size; `BENCH_ONLY=framework` or
//! `BENCH_ONLY=direct` to run one pass, for callgrind: see scripts/bench-encode.sh).

use std::time::Instant;

use codec_tool::{run, Options, Sink};
use h264_encoder_core::{encode_frame, frame_buffer_len, Config, FrameParams, Plane, Source};
use v4l2m2m::abi;

const GOP: u32 = 30;
const I_QP: u8 = 26;
const P_QP: u8 = 28;

/// A moving test picture in NV12: gradients, edges and texture that shift every frame.
fn clip(width: usize, height: usize, frames: usize) -> Vec<u8> {
    let frame = width * height * 3 / 2;
    let mut out = vec![0u8; frame * frames];
    for (n, picture) in out.chunks_mut(frame).enumerate() {
        let (luma, chroma) = picture.split_at_mut(width * height);
        for y in 0..height {
            for x in 0..width {
                let (u, v) = (x + 3 * n, y + 2 * n);
                let edge = if (u / 64 + v / 48) % 2 == 0 { 40 } else { 0 };
                luma[y * width + x] = ((u * 2 + v) % 200 + edge + ((u * v) % 13)) as u8;
            }
        }
        for (i, c) in chroma.iter_mut().enumerate() {
            *c = (96 + (i / 2 + n) % 64) as u8;
        }
    }
    out
}

/// Encodes `input` with the core directly; returns (fps, bitstream).
fn direct(width: u32, height: u32, input: &[u8]) -> (f64, Vec<u8>) {
    let cfg = Config { fps_num: 30, fps_den: 1, ..Config::new(width, height) };
    let len = frame_buffer_len(width, height);
    let (mut reference, mut recon) = (vec![0u8; len], vec![0u8; len]);
    let mut out = vec![0u8; (width * height * 3 / 2 + 4096) as usize];
    let mut stream = Vec::new();
    let frame = (width * height * 3 / 2) as usize;
    let start = Instant::now();
    let (mut since_idr, mut idr_pic_id) = (0u32, 0u16);
    for (n, picture) in input.chunks(frame).enumerate() {
        let (y, uv) = picture.split_at((width * height) as usize);
        let src = Source::Nv12 { y: Plane::new(y, width as usize), uv: Plane::new(uv, width as usize) };
        let idr = n as u32 % GOP == 0;
        let params = if idr {
            FrameParams { headers: n == 0, ..FrameParams::idr(I_QP, idr_pic_id) }
        } else {
            FrameParams::p(P_QP, since_idr)
        };
        let got = encode_frame(&cfg, &params, &src, (!idr).then_some(&reference[..]), &mut recon, &mut out)
            .expect("direct encode");
        stream.extend_from_slice(&out[..got.bytes]);
        std::mem::swap(&mut reference, &mut recon);
        if idr {
            since_idr = 1;
            idr_pic_id = idr_pic_id.wrapping_add(1);
        } else {
            since_idr += 1;
        }
    }
    (input.len() as f64 / frame as f64 / start.elapsed().as_secs_f64(), stream)
}

/// Encodes `input` through /dev/video2; returns (fps, bitstream).
fn framework(width: u32, height: u32, input: &[u8]) -> (f64, Vec<u8>) {
    let mut opts = Options::new("/dev/video2", input.to_vec());
    opts.output_fourcc = Some(abi::V4L2_PIX_FMT_NV12);
    opts.size = Some((width, height));
    opts.sink = Sink::Memory;
    opts.progress = false;
    opts.frame_rate = Some((30, 1));
    opts.controls = vec![
        (abi::V4L2_CID_MPEG_VIDEO_BITRATE_MODE, abi::V4L2_MPEG_VIDEO_BITRATE_MODE_CQ as i32),
        (abi::V4L2_CID_MPEG_VIDEO_H264_I_FRAME_QP, i32::from(I_QP)),
        (abi::V4L2_CID_MPEG_VIDEO_H264_P_FRAME_QP, i32::from(P_QP)),
        (abi::V4L2_CID_MPEG_VIDEO_GOP_SIZE, GOP as i32),
    ];
    let sum = run(&opts).expect("framework encode");
    (sum.fps(), sum.data)
}

fn main() {
    let frames: usize = std::env::var("BENCH_FRAMES").ok().and_then(|v| v.parse().ok()).unwrap_or(30);
    let sizes = std::env::var("BENCH_SIZES").unwrap_or_else(|_| "1280x720,1920x1080".into());
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    for size in sizes.split(',') {
        let (w, h) = size.split_once('x').expect("WIDTHxHEIGHT");
        let (width, height): (u32, u32) = (w.parse().expect("width"), h.parse().expect("height"));
        let input = clip(width as usize, height as usize, frames);
        let fw = (only != "direct").then(|| framework(width, height, &input));
        if let Some((fps, _)) = &fw {
            println!("{size}: framework  {fps:.2} fps (m2m-codec loop, /dev/video2, driver + block model)");
        }
        let dir = (only != "framework").then(|| direct(width, height, &input));
        if let Some((fps, _)) = &dir {
            println!("{size}: direct     {fps:.2} fps (encoder core called directly)");
        }
        if let (Some((fw_fps, fw_stream)), Some((direct_fps, direct_stream))) = (fw, dir) {
            assert!(fw_stream == direct_stream, "{size}: the two bitstreams differ");
            println!("{size}: ratio      {:.3} (target >= 0.95); bitstreams identical", fw_fps / direct_fps);
        }
    }
}
