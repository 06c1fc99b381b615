//! Decode benchmark of the libavcodec backend (not a test): each stream decoded in one
//! run, in interleaved rounds (the best of each kind is kept, so that load from other
//! jobs on the machine, which only slows a round down, weighs as little as it can):
//! - by the backend's decoder called directly (libavcodec's frame splitter and decoder
//!   through the driver's shim, pictures not copied): the reference of the ratio;
//! - the same, each picture also copied once into an application buffer with the shim's
//!   copy, as the driver does into a CAPTURE buffer: what the copy costs;
//! - through the framework (the codec tool's poll loop, MMAP buffers, /dev/video5,
//!   pictures copied into the CAPTURE buffers by the driver).
//!
//! Prints, for each, the frame rate (wall clock) and the processor time per frame (user
//! and system time of the whole process, every thread: a figure other jobs on the machine
//! disturb far less than the wall clock), and the framework's ratios to both direct
//! figures.
//!
//! `scripts/bench-avcodec-decoder.sh` generates the streams (1080p High with B-frames,
//! 1080p HEVC) and runs it; `BENCH_STREAMS` lists `PATH:H264` or `PATH:HEVC` entries,
//! comma-separated; `BENCH_ROUNDS` the rounds (default 3).
//!
//! With `BENCH_ONLY=direct`, `copy` or `framework` it instead decodes each stream once,
//! that way only, and prints the frames: the script runs that under callgrind, whose
//! instruction counts (every thread of the process) repeat from run to run where the
//! clocks of a shared machine do not.

use std::time::Instant;

use avcodec_decoder::ffi::{Codec, Component, Decoder, Picture, Received};
use codec_tool::{run, Chunking, Options, Sink};
use v4l2m2m::abi;

/// Copies the three planes of `pic` into `dst` (I420 at the decoded size).
fn copy_out(pic: &Picture, dst: &mut Vec<u8>) {
    let (w, h) = (pic.info.width as usize, pic.info.height as usize);
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    dst.resize(w * h + 2 * cw * ch, 0);
    let (y, chroma) = dst.split_at_mut(w * h);
    let (u, v) = chroma.split_at_mut(cw * ch);
    for (component, plane, stride) in [(Component::Y, y, w), (Component::U, u, cw), (Component::V, v, cw)] {
        pic.copy_to(component, plane, stride).expect("8-bit 4:2:0 picture");
    }
}

/// Decodes `input` with the backend's decoder alone, fed in 1 MiB chunks, copying each
/// picture out if `copy`: the frames.
fn direct(input: &[u8], codec: Codec, copy: bool) -> u64 {
    let mut dec = Decoder::new(codec).expect("libavcodec decoder");
    let mut frames = 0u64;
    let mut out = Vec::new();
    let mut receive = |dec: &mut Decoder| {
        while let Ok(Received::Picture(p)) = dec.receive() {
            if copy {
                copy_out(&p, &mut out);
            }
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

/// Processor time (user + system) the process used so far, in seconds, from
/// `/proc/self/stat` (in clock ticks of 1/100 s, Linux's USER_HZ).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    let fields: Vec<&str> = stat.rsplit_once(')').expect("stat fields").1.split_whitespace().collect();
    let ticks = |i: usize| fields[i].parse::<f64>().expect("stat number");
    (ticks(11) + ticks(12)) / 100.0
}

/// One measured decode: frames, frames per second, processor milliseconds per frame.
#[derive(Clone, Copy)]
struct Figures {
    frames: u64,
    fps: f64,
    cpu_ms: f64,
}

impl Figures {
    /// The better of two rounds of the same decode, figure by figure.
    fn best(self, other: Option<Figures>) -> Figures {
        other.map_or(self, |o| Figures {
            frames: self.frames,
            fps: self.fps.max(o.fps),
            cpu_ms: self.cpu_ms.min(o.cpu_ms),
        })
    }
}

/// Measures `decode` (which returns the frames decoded).
fn timed(decode: impl FnOnce() -> u64) -> Figures {
    let (start, cpu) = (Instant::now(), cpu_seconds());
    let frames = decode();
    let (wall, cpu) = (start.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    Figures { frames, fps: frames as f64 / wall, cpu_ms: cpu * 1000.0 / frames.max(1) as f64 }
}

/// Decodes `input` through the framework: the codec tool on /dev/video5, pictures not
/// written out. The frames.
fn framework(input: &[u8], fourcc: u32) -> u64 {
    let mut opts = Options::new("/dev/video5", input.to_vec());
    opts.output_fourcc = Some(fourcc);
    opts.chunking = Chunking::Bytes(1 << 20);
    opts.sink = Sink::Discard;
    run(&opts).expect("framework decode").frames
}

/// Reads a benchmark stream.
fn read_stream(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e} (run scripts/bench-avcodec-decoder.sh)"))
}

/// One decode of `path`, the way `only` names, for an instruction count.
fn once(path: &str, codec: Codec, fourcc: u32, only: &str) {
    let input = read_stream(path);
    let frames = match only {
        "direct" => direct(&input, codec, false),
        "copy" => direct(&input, codec, true),
        "framework" => framework(&input, fourcc),
        other => panic!("BENCH_ONLY={other}: direct, copy or framework"),
    };
    println!("{path}: {frames} frames ({only})");
}

fn bench(path: &str, codec: Codec, fourcc: u32, rounds: usize) {
    let input = read_stream(path);
    let (mut direct_best, mut copy_best, mut framework_best) = (None, None, None);
    for _ in 0..rounds {
        let plain = timed(|| direct(&input, codec, false)).best(direct_best);
        let copied = timed(|| direct(&input, codec, true)).best(copy_best);
        assert_eq!(copied.frames, plain.frames, "{path}: frame counts differ");
        let framework = timed(|| framework(&input, fourcc)).best(framework_best);
        assert_eq!(framework.frames, plain.frames, "{path}: frame counts differ");
        (direct_best, copy_best, framework_best) = (Some(plain), Some(copied), Some(framework));
    }
    let (Some(d), Some(c), Some(f)) = (direct_best, copy_best, framework_best) else { return };
    println!("stream:        {path} ({} frames, best of {rounds} rounds)", d.frames);
    println!("direct:        {:6.1} fps {:6.2} ms CPU/frame (libavcodec through the shim, no copy)", d.fps, d.cpu_ms);
    println!("direct + copy: {:6.1} fps {:6.2} ms CPU/frame (the same, each picture copied out once)", c.fps, c.cpu_ms);
    println!(
        "framework:     {:6.1} fps {:6.2} ms CPU/frame (m2m-codec, /dev/video5, MMAP, copied to CAPTURE)",
        f.fps, f.cpu_ms
    );
    println!("ratio fps:     {:.3} to direct (target >= 0.97), {:.3} to direct + copy", f.fps / d.fps, f.fps / c.fps);
    println!("ratio CPU:     {:.3} to direct, {:.3} to direct + copy", d.cpu_ms / f.cpu_ms, c.cpu_ms / f.cpu_ms);
}

fn main() {
    let streams = std::env::var("BENCH_STREAMS").expect("BENCH_STREAMS=PATH:H264,PATH:HEVC");
    let rounds = std::env::var("BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(3);
    let only = std::env::var("BENCH_ONLY").ok();
    for entry in streams.split(',').filter(|e| !e.is_empty()) {
        let (path, kind) = entry.rsplit_once(':').expect("PATH:H264 or PATH:HEVC");
        let (codec, fourcc) = match kind {
            "H264" => (Codec::H264, abi::V4L2_PIX_FMT_H264),
            "HEVC" => (Codec::Hevc, abi::V4L2_PIX_FMT_HEVC),
            other => panic!("{other}: H264 or HEVC"),
        };
        match &only {
            Some(only) => once(path, codec, fourcc, only),
            None => bench(path, codec, fourcc, rounds),
        }
    }
}
