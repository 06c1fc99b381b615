//! Decode benchmark of the libavcodec backend (not a test): each stream decoded twice in
//! one run, by the backend's decoder called directly (libavcodec's frame splitter and
//! decoder through the driver's shim, pictures not copied) and through the framework (the
//! codec tool's poll loop, MMAP buffers, /dev/video5, pictures copied into the CAPTURE
//! buffers by the driver). Prints both frame rates and their ratio per stream.
//!
//! `scripts/bench-avcodec-decoder.sh` generates the streams (1080p High with B-frames,
//! 1080p HEVC) and runs it; `BENCH_STREAMS` lists `PATH:H264` or `PATH:HEVC` entries,
//! comma-separated.

use std::time::Instant;

use avcodec_decoder::ffi::{Codec, Decoder, Received};
use codec_tool::{run, Chunking, Options, Sink};
use v4l2m2m::abi;

/// Decodes `input` with the backend's decoder alone, fed in 1 MiB chunks: the frames.
fn direct(input: &[u8], codec: Codec) -> u64 {
    let mut dec = Decoder::new(codec).expect("libavcodec decoder");
    let mut frames = 0u64;
    let mut receive = |dec: &mut Decoder| {
        while let Ok(Received::Picture(_)) = dec.receive() {
            frames += 1;
        }
    };
    for chunk in input.chunks(1 << 20) {
        let mut rest = chunk;
        while !rest.is_empty() {
            let (used, frame) = dec.parse(rest);
            rest = &rest[used..];
            if let Some((data, _)) = frame {
                let _ = dec.send(&data, 0);
                receive(&mut dec);
            }
        }
    }
    while let (_, Some((data, _))) = dec.parse(&[]) {
        let _ = dec.send(&data, 0);
        receive(&mut dec);
    }
    let _ = dec.send(&[], 0);
    receive(&mut dec);
    frames
}

fn bench(path: &str, codec: Codec, fourcc: u32) {
    let input = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e} (run scripts/bench-avcodec-decoder.sh)"));
    let start = Instant::now();
    let frames = direct(&input, codec);
    let direct_fps = frames as f64 / start.elapsed().as_secs_f64();

    let mut opts = Options::new("/dev/video5", input);
    opts.output_fourcc = Some(fourcc);
    opts.chunking = Chunking::Bytes(1 << 20);
    opts.sink = Sink::Discard;
    let sum = run(&opts).expect("framework decode");
    assert_eq!(sum.frames, frames, "{path}: frame counts differ");
    let framework = sum.fps();
    println!("stream:     {path} ({frames} frames)");
    println!("direct:     {direct_fps:.1} fps (libavcodec through the shim, no copy)");
    println!("framework:  {framework:.1} fps (m2m-codec loop, /dev/video5, MMAP, copied to CAPTURE)");
    println!("ratio:      {:.3} (target >= 0.97)", framework / direct_fps);
}

fn main() {
    let streams = std::env::var("BENCH_STREAMS").expect("BENCH_STREAMS=PATH:H264,PATH:HEVC");
    for entry in streams.split(',').filter(|e| !e.is_empty()) {
        let (path, kind) = entry.rsplit_once(':').expect("PATH:H264 or PATH:HEVC");
        match kind {
            "H264" => bench(path, Codec::H264, abi::V4L2_PIX_FMT_H264),
            "HEVC" => bench(path, Codec::Hevc, abi::V4L2_PIX_FMT_HEVC),
            other => panic!("{other}: H264 or HEVC"),
        }
    }
}
