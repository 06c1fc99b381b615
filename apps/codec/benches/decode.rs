//! Decode benchmark (not a test): the same 1080p main-profile stream decoded twice in
//! one run, by OpenH264 directly and through the framework (the codec tool's poll loop,
//! MMAP buffers, /dev/video1). Prints both frame rates and their ratio.
//!
//! `scripts/gen-streams.sh --bench && cargo bench -p codec-tool --bench decode`
//! (`STREAMS_DIR` as for the tests; `BENCH_STREAM` to pick another file).

use std::time::Instant;

use codec_tool::{run, Chunking, Options, Sink};
use openh264::decoder::{DecodeOptions, Decoder, DecoderConfig, Flush};
use openh264::OpenH264API;

fn main() {
    let dir = std::env::var("STREAMS_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/decoder/streams").into());
    let path = std::env::var("BENCH_STREAM").unwrap_or_else(|_| format!("{dir}/bench_1080p.h264"));
    let input = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e} (run scripts/gen-streams.sh --bench)"));
    let units = codec_tool::h264::access_units(&input);

    // Direct: one access unit per call, as the driver does.
    let config = DecoderConfig::new().flush_after_decode(Flush::NoFlush);
    let mut dec = Decoder::with_api_config(OpenH264API::from_source(), config).expect("decoder");
    let start = Instant::now();
    let mut direct_frames = 0u64;
    for &(a, b) in &units {
        if let Ok(Some(_)) = dec.decode_with_options(&input[a..b], DecodeOptions::new()) {
            direct_frames += 1;
        }
    }
    direct_frames += dec.flush_remaining().map(|f| f.len() as u64).unwrap_or(0);
    let direct = direct_frames as f64 / start.elapsed().as_secs_f64();

    // Through the framework: the codec tool's loop, MMAP buffers, frames not written out.
    let mut opts = Options::new("/dev/video1", input.clone());
    opts.chunking = Chunking::Frame;
    opts.sink = Sink::Discard;
    let sum = run(&opts).expect("framework decode");
    let framework = sum.fps();
    assert_eq!(sum.frames, direct_frames, "frame counts differ");
    println!("stream:     {path} ({} frames)", sum.frames);
    println!("direct:     {direct:.1} fps (OpenH264 called directly)");
    println!("framework:  {framework:.1} fps (m2m-codec loop, /dev/video1, MMAP)");
    println!("ratio:      {:.3} (target >= 0.97)", framework / direct);
}
