//! Decoder checks through the framework, compared with ffmpeg's own decode.
//!
//! Streams and reference decodes come from `scripts/gen-streams.sh` (ffmpeg + libx264);
//! `STREAMS_DIR` points at them (default: tests/decoder/streams). A missing stream
//! directory is a failure, never a skip.

use std::path::PathBuf;
use std::sync::Arc;

use codec_tool::{run, Chunking, Options, Sink, ToolError};
use v4l2m2m::abi;

struct Stream {
    name: String,
    width: usize,
    height: usize,
    frames: usize,
}

fn dir() -> PathBuf {
    std::env::var_os("STREAMS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/decoder/streams"))
}

fn manifest() -> Vec<Stream> {
    let text = std::fs::read_to_string(dir().join("manifest.txt"))
        .unwrap_or_else(|e| panic!("no streams in {} ({e}): run scripts/gen-streams.sh", dir().display()));
    let streams: Vec<Stream> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            Stream {
                name: f[0].into(),
                width: f[1].parse().unwrap(),
                height: f[2].parse().unwrap(),
                frames: f[3].parse().unwrap(),
            }
        })
        .filter(|s| !s.name.starts_with("bench"))
        .collect();
    assert!(streams.len() >= 5, "expected at least 5 test streams");
    streams
}

fn read(name: &str, ext: &str) -> Vec<u8> {
    std::fs::read(dir().join(format!("{name}.{ext}"))).unwrap_or_else(|e| panic!("{name}.{ext}: {e}"))
}

fn decode(
    device: &str,
    input: Vec<u8>,
    fourcc: u32,
    chunking: Chunking,
    out_bufs: u32,
) -> Result<codec_tool::Summary, ToolError> {
    let mut o = Options::new(device, input);
    o.capture_fourcc = Some(fourcc);
    o.sink = Sink::Memory;
    o.chunking = chunking;
    o.output_buffers = out_bufs;
    run(&o)
}

/// Per-frame comparison (first mismatching frame reported), frame count exact.
fn assert_frames(what: &str, got: &[u8], want: &[u8], frame: usize) {
    assert_eq!(want.len() % frame, 0, "{what}: reference size");
    let (g, w) = (got.len() / frame, want.len() / frame);
    for (i, (a, b)) in got.chunks(frame).zip(want.chunks(frame)).enumerate() {
        assert!(a == b, "{what}: frame {i} differs from ffmpeg's decode");
    }
    assert_eq!(got.len(), want.len(), "{what}: {g} frames decoded, ffmpeg decoded {w}");
}

#[test]
fn bit_exact_every_stream_mplane_i420_and_splane_nv12() {
    let mut frames = 0;
    for s in manifest() {
        let input = read(&s.name, "h264");
        let frame = s.width * s.height * 3 / 2;
        let sum = decode("/dev/video1", input.clone(), abi::V4L2_PIX_FMT_YUV420M, Chunking::Frame, 4).expect(&s.name);
        assert_frames(&format!("{} YM12 /dev/video1", s.name), &sum.data, &read(&s.name, "yuv"), frame);
        assert_eq!(sum.resolutions, vec![(s.width as u32, s.height as u32)], "{}: COMPOSE rectangle", s.name);
        assert_eq!(sum.output_errors + sum.capture_errors, 0);
        // Timestamps: frame n comes from access unit n (one unit per OUTPUT buffer).
        assert_eq!(sum.timestamps, (0..s.frames as u64).collect::<Vec<_>>(), "{}: timestamps", s.name);
        assert_eq!(sum.eos_events, 1, "{} /dev/video1: one EOS per drain", s.name);
        let sum = decode("/dev/video3", input, abi::V4L2_PIX_FMT_NV12, Chunking::Frame, 4).expect(&s.name);
        assert_frames(&format!("{} NV12 /dev/video3", s.name), &sum.data, &read(&s.name, "nv12"), frame);
        assert_eq!(sum.eos_events, 1, "{} /dev/video3: one EOS per drain", s.name);
        frames += 2 * s.frames;
    }
    eprintln!("bit-exact: {frames} frames checked");
}

#[test]
fn other_layouts_single_plane_i420_and_mplane_nv12m() {
    let s = &manifest()[0];
    let frame = s.width * s.height * 3 / 2;
    let sum = decode("/dev/video3", read(&s.name, "h264"), abi::V4L2_PIX_FMT_YUV420, Chunking::Frame, 4).unwrap();
    assert_frames("YU12 /dev/video3", &sum.data, &read(&s.name, "yuv"), frame);
    let sum = decode("/dev/video1", read(&s.name, "h264"), abi::V4L2_PIX_FMT_NV12M, Chunking::Frame, 4).unwrap();
    assert_frames("NM12 /dev/video1", &sum.data, &read(&s.name, "nv12"), frame);
}

#[test]
fn chunked_input_equals_per_access_unit() {
    for s in manifest().iter().filter(|s| s.width <= 854) {
        let input = read(&s.name, "h264");
        let frame = s.width * s.height * 3 / 2;
        let want = read(&s.name, "yuv");
        for chunk in [4096, 4093] {
            let sum =
                decode("/dev/video1", input.clone(), abi::V4L2_PIX_FMT_YUV420M, Chunking::Bytes(chunk), 8).unwrap();
            assert_frames(&format!("{} {chunk}-byte chunks", s.name), &sum.data, &want, frame);
        }
    }
    // Byte-sized chunks on the start of a stream (every byte is one OUTPUT buffer).
    let s = &manifest()[0];
    let input = read(&s.name, "h264")[..24_000].to_vec();
    let per_au = decode("/dev/video1", input.clone(), abi::V4L2_PIX_FMT_YUV420M, Chunking::Frame, 4).unwrap();
    assert!(per_au.frames >= 5);
    for chunk in [1, 7] {
        let sum = decode("/dev/video3", input.clone(), abi::V4L2_PIX_FMT_YUV420, Chunking::Bytes(chunk), 32).unwrap();
        assert_eq!(sum.frames, per_au.frames, "{chunk}-byte chunks");
        assert!(sum.data == per_au.data, "{chunk}-byte chunks differ from per-AU input");
    }
}

#[test]
fn resolution_change_mid_stream() {
    let streams = manifest();
    let (a, b) = (&streams[0], streams.iter().find(|s| s.width != streams[0].width && s.width <= 854).unwrap());
    let mut input = read(&a.name, "h264");
    input.extend(read(&b.name, "h264"));
    for (device, fourcc, chunking) in [
        ("/dev/video1", abi::V4L2_PIX_FMT_YUV420M, Chunking::Frame),
        ("/dev/video3", abi::V4L2_PIX_FMT_YUV420, Chunking::Bytes(4093)),
    ] {
        let sum = decode(device, input.clone(), fourcc, chunking, 4).unwrap();
        assert_eq!(sum.source_changes, 2, "{device}: SOURCE_CHANGE at start and at the change");
        assert_eq!(sum.resolutions, vec![(a.width as u32, a.height as u32), (b.width as u32, b.height as u32)]);
        let split = a.frames * a.width * a.height * 3 / 2;
        assert!(sum.data.len() >= split, "{device}: first half short");
        assert_frames("first half", &sum.data[..split], &read(&a.name, "yuv"), a.width * a.height * 3 / 2);
        assert_frames("second half", &sum.data[split..], &read(&b.name, "yuv"), b.width * b.height * 3 / 2);
    }
}

/// A resolution change in the last access units, while the drain (STOP) is already in
/// progress: the drain goes on across the change and ends with one EOS after every frame
/// of the new resolution (the tool sends STOP exactly once).
#[test]
fn resolution_change_during_the_drain() {
    let streams = manifest();
    let (a, b) = (&streams[0], streams.iter().find(|s| s.width != streams[0].width && s.width <= 854).unwrap());
    let tail = 2;
    let mut input = read(&a.name, "h264");
    let second = read(&b.name, "h264");
    let units = codec_tool::h264::access_units(&second);
    input.extend_from_slice(&second[..units[tail - 1].1]);
    let b_frame = b.width * b.height * 3 / 2;
    let want_b = &read(&b.name, "yuv")[..tail * b_frame];
    for device in ["/dev/video1", "/dev/video3"] {
        // Four OUTPUT buffers: STOP follows the last unit while the change is still queued.
        let sum = decode(device, input.clone(), abi::V4L2_PIX_FMT_YUV420, Chunking::Frame, 4).unwrap();
        assert_eq!(sum.source_changes, 2, "{device}");
        assert_eq!(sum.eos_events, 1, "{device}: one drain, one EOS");
        let split = a.frames * a.width * a.height * 3 / 2;
        assert!(sum.data.len() >= split, "{device}: first part short");
        assert_frames("before the change", &sum.data[..split], &read(&a.name, "yuv"), a.width * a.height * 3 / 2);
        assert_frames("after the change", &sum.data[split..], want_b, b_frame);
    }
}

/// Streams the OpenH264 nodes cannot decode exactly (scripts/gen-streams.sh lists them in
/// unsupported.txt with the feature): refused, with a message naming the feature.
#[test]
fn unsupported_streams_are_refused_with_the_reason() {
    let list = std::fs::read_to_string(dir().join("unsupported.txt")).expect("unsupported.txt: run gen-streams.sh");
    let entries: Vec<(&str, &str)> = list.lines().filter_map(|l| l.split_once(' ')).collect();
    assert!(entries.len() >= 4, "{entries:?}");
    for (name, feature) in entries {
        for device in ["/dev/video1", "/dev/video3"] {
            match decode(device, read(name, "h264"), abi::V4L2_PIX_FMT_YUV420, Chunking::Frame, 4) {
                Err(ToolError::Refused(msg)) => {
                    assert!(msg.starts_with("unsupported stream: ") && msg.contains(feature), "{name} {device}: {msg}");
                    assert!(msg.contains("without B slices"), "{name} {device}: {msg}");
                }
                other => panic!("{name} on {device}: {:?}", other.map(|s| s.frames)),
            }
        }
    }
}

/// Flips bytes, drops NAL units, truncates: every run ends (no hang: the tool's stall
/// timeout would fail it), every OUTPUT buffer comes back, errors are flagged.
#[test]
fn corrupt_and_truncated_streams_finish() {
    let s = &manifest()[0];
    let clean = read(&s.name, "h264");
    let mut seed = 0x1234_5678u32;
    let mut rnd = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed as usize % n
    };
    let mut flipped = clean.clone();
    for _ in 0..40 {
        let i = 200 + rnd(flipped.len() - 200);
        flipped[i] ^= 0x5a;
    }
    let units = codec_tool::h264::access_units(&clean);
    let mut dropped = Vec::new();
    for (i, &(a, b)) in units.iter().enumerate() {
        if i % 5 != 3 {
            dropped.extend_from_slice(&clean[a..b]);
        }
    }
    let truncated = clean[..clean.len() / 3].to_vec();
    for (what, input) in [("flipped", flipped), ("dropped NALs", dropped), ("truncated", truncated)] {
        for chunking in [Chunking::Frame, Chunking::Bytes(4096)] {
            match decode("/dev/video1", input.clone(), abi::V4L2_PIX_FMT_YUV420M, chunking, 4) {
                Ok(sum) => {
                    assert_eq!(sum.eos_events, 1, "{what}: the drain must end with exactly one EOS");
                    if what != "truncated" {
                        assert!(sum.output_errors + sum.capture_errors > 0, "{what} {chunking:?}: no error flagged");
                    }
                    assert!(sum.frames < s.frames as u64 || what == "truncated");
                }
                Err(ToolError::NothingDecoded(_)) => {}
                Err(e) => panic!("{what}: {e}"),
            }
        }
    }
    // Nothing decodable at all: a clear error.
    let garbage: Vec<u8> = (0..30_000).map(|_| rnd(256) as u8).collect();
    match decode("/dev/video1", garbage, abi::V4L2_PIX_FMT_YUV420M, Chunking::Bytes(4096), 4) {
        Err(ToolError::NothingDecoded(msg)) => assert!(msg.contains("no frame"), "{msg}"),
        other => panic!("garbage input: {other:?}"),
    }
}

fn concurrent(n: usize) {
    let streams: Vec<Arc<Stream>> =
        manifest().into_iter().filter(|s| s.width <= 854 && s.frames <= 90).map(Arc::new).collect();
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let s = streams[i % streams.len()].clone();
            std::thread::spawn(move || {
                let (device, fourcc) = if i % 2 == 0 {
                    ("/dev/video1", abi::V4L2_PIX_FMT_YUV420M)
                } else {
                    ("/dev/video1", abi::V4L2_PIX_FMT_YUV420)
                };
                let chunking = if i % 3 == 0 { Chunking::Bytes(4093) } else { Chunking::Frame };
                let sum = decode(device, read(&s.name, "h264"), fourcc, chunking, 4).unwrap();
                assert_frames(
                    &format!("decoder {i} ({})", s.name),
                    &sum.data,
                    &read(&s.name, "yuv"),
                    s.width * s.height * 3 / 2,
                );
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a concurrent decoder failed");
    }
}

#[test]
fn two_decoders_at_once() {
    concurrent(2);
}

#[test]
fn eight_decoders_at_once() {
    concurrent(8);
}

/// Eight contexts decoding the same stream on one node progress at the same rate: the
/// framework hands the engine to ready contexts in turn, one OUTPUT buffer per job, so
/// none can hold it while its input keeps arriving.
#[test]
fn eight_decoders_on_one_node_get_equal_shares() {
    let s = manifest().into_iter().find(|s| s.name == "main_640x360_long").expect("main_640x360_long stream");
    let input = Arc::new(read(&s.name, "h264"));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let input = input.clone();
            std::thread::spawn(move || {
                let mut o = Options::new("/dev/video1", input.to_vec());
                o.capture_fourcc = Some(abi::V4L2_PIX_FMT_YUV420M);
                o.sink = Sink::Discard;
                o.output_buffers = 4;
                run(&o).expect("decode")
            })
        })
        .collect();
    let sums: Vec<codec_tool::Summary> = threads.into_iter().map(|t| t.join().expect("a decoder failed")).collect();
    let rates: Vec<f64> = sums.iter().map(|sum| sum.frames as f64 / sum.elapsed.as_secs_f64()).collect();
    let mean = rates.iter().sum::<f64>() / rates.len() as f64;
    eprintln!("fps per context: {rates:.1?} (mean {mean:.1})");
    for (i, (sum, rate)) in sums.iter().zip(&rates).enumerate() {
        assert_eq!(sum.frames, s.frames as u64, "context {i}: every frame");
        assert!((rate / mean - 1.0).abs() <= 0.2, "context {i}: {rate:.1} fps against a mean of {mean:.1}");
    }
}
