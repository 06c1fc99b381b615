//! The VENC H.264 encoder nodes of the simulator board (`/dev/video2` multi-planar,
//! `/dev/video4` single-planar), driven as an application drives them: through the codec
//! tool's session (`codec_tool::run`) or its `Device` helpers, with raw V4L2 ioctls on the
//! board's VFS. The bitstreams are checked with ffmpeg and ffprobe (which must be
//! installed: `scripts/setup.sh`) and with the tool's own slice-header reader.
//!
//! Faults are injected into the block of one node: a test that injects takes that node's
//! lock for writing, every other test takes it for reading, so no other stream runs on a
//! block while a fault is armed there.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use codec_tool::device::{Dequeued, Device, Format};
use codec_tool::h264::{self, Unit};
use codec_tool::{run, Options, Sink, Summary, ToolError};
use h264_encoder_block::Fault;
use sim_board::vfs;
use v4l2m2m::{abi, Errno};

const MP: &str = "/dev/video2";
const SP: &str = "/dev/video4";
const NODES: [&str; 2] = [MP, SP];
const STALL: Duration = Duration::from_secs(20);

static LOCKS: [RwLock<()>; 2] = [RwLock::new(()), RwLock::new(())];

fn lock_index(path: &str) -> usize {
    NODES.iter().position(|&n| n == path).expect("an encoder node")
}

/// Shared use of a node's block (no fault will be injected meanwhile).
fn shared(path: &str) -> RwLockReadGuard<'static, ()> {
    LOCKS[lock_index(path)].read().unwrap_or_else(|e| e.into_inner())
}

/// Exclusive use of a node's block (to inject faults).
fn exclusive(path: &str) -> RwLockWriteGuard<'static, ()> {
    LOCKS[lock_index(path)].write().unwrap_or_else(|e| e.into_inner())
}

// ------------------------------------------------------------------------------------
// Clips and layouts

/// `frames` frames of `w`x`h` I420: a moving gradient, a bouncing bright square and
/// textured chroma, different for each `seed`.
fn clip(w: usize, h: usize, frames: usize, seed: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(w * h * 3 / 2 * frames);
    for n in 0..frames {
        let t = n + seed * 17;
        let (bx, by) = ((t * 5) % (w - w / 4), (t * 3) % (h - h / 4));
        for r in 0..h {
            for c in 0..w {
                let inside = c >= bx && c < bx + w / 4 && r >= by && r < by + h / 4;
                let v = if inside { 220 - (c + r) % 16 } else { (c * (seed + 2) + r * 2 + 3 * t) % 180 + 30 };
                out.push(v as u8);
            }
        }
        for plane in 0..2 {
            for r in 0..h / 2 {
                for c in 0..w / 2 {
                    let v = if plane == 0 { (c * 2 + t) % 120 + 60 } else { (r * 3 + 2 * t + seed * 9) % 120 + 70 };
                    out.push(v as u8);
                }
            }
        }
    }
    out
}

fn i420_size(w: usize, h: usize) -> usize {
    w * h + 2 * w.div_ceil(2) * h.div_ceil(2)
}

/// One I420 frame as planes (Y, U, V).
fn planes(frame: &[u8], w: usize, h: usize) -> (&[u8], &[u8], &[u8]) {
    let (y, uv) = frame.split_at(w * h);
    let (u, v) = uv.split_at(w * h / 4);
    (y, u, v)
}

/// Writes `rows` rows of `width` bytes from `src` with `stride` bytes per row (padding
/// filled with a pattern that must not reach the bitstream).
fn put_rows(out: &mut Vec<u8>, src: &[u8], width: usize, rows: usize, stride: usize) {
    for r in 0..rows {
        out.extend_from_slice(&src[r * width..(r + 1) * width]);
        out.extend((width..stride).map(|x| (x * 37 + r * 11) as u8 | 1));
    }
}

/// The frames of an I420 clip in the layout of `fourcc` with a luma line of `stride`
/// bytes (YUYV: of `stride` bytes per packed line), as the OUTPUT buffers take them.
fn layout(clip: &[u8], w: usize, h: usize, fourcc: u32, stride: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for frame in clip.chunks(i420_size(w, h)) {
        let (y, u, v) = planes(frame, w, h);
        match fourcc {
            abi::V4L2_PIX_FMT_NV12 | abi::V4L2_PIX_FMT_NV12M => {
                put_rows(&mut out, y, w, h, stride);
                let uv: Vec<u8> = u.iter().zip(v).flat_map(|(&a, &b)| [a, b]).collect();
                put_rows(&mut out, &uv, w, h / 2, stride);
            }
            abi::V4L2_PIX_FMT_YUV420 | abi::V4L2_PIX_FMT_YUV420M => {
                put_rows(&mut out, y, w, h, stride);
                put_rows(&mut out, u, w / 2, h / 2, stride / 2);
                put_rows(&mut out, v, w / 2, h / 2, stride / 2);
            }
            abi::V4L2_PIX_FMT_YUYV => {
                // 4:2:2 with both rows of a pair carrying the 4:2:0 chroma: the block's
                // conversion (the average of the pair) gives back the same picture.
                let mut packed = Vec::with_capacity(2 * w * h);
                for r in 0..h {
                    for c in (0..w).step_by(2) {
                        let ci = (r / 2) * (w / 2) + c / 2;
                        packed.extend_from_slice(&[y[r * w + c], u[ci], y[r * w + c + 1], v[ci]]);
                    }
                }
                put_rows(&mut out, &packed, 2 * w, h, stride);
            }
            other => panic!("no layout for {}", codec_tool::fourcc_name(other)),
        }
    }
    out
}

/// The top-left `cw`x`ch` of every frame of an I420 clip, in I420.
fn crop_clip(clip: &[u8], w: usize, h: usize, cw: usize, ch: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for frame in clip.chunks(i420_size(w, h)) {
        let (y, u, v) = planes(frame, w, h);
        for r in 0..ch {
            out.extend_from_slice(&y[r * w..r * w + cw]);
        }
        for p in [u, v] {
            for r in 0..ch.div_ceil(2) {
                out.extend_from_slice(&p[r * (w / 2)..r * (w / 2) + cw.div_ceil(2)]);
            }
        }
    }
    out
}

// ------------------------------------------------------------------------------------
// ffmpeg, ffprobe

fn tool(name: &str) -> Command {
    let probe = Command::new(name).arg("-version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    assert!(probe.is_ok_and(|s| s.success()), "{name} is required by the encoder tests (scripts/setup.sh installs it)");
    Command::new(name)
}

/// A stream written to a file of its own, removed when dropped.
struct TempStream(std::path::PathBuf);

impl std::ops::Deref for TempStream {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempStream {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn temp_file(tag: &str, data: &[u8]) -> TempStream {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name: String = tag.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let path = std::env::temp_dir().join(format!("m2m-codec-encoder-{}-{n}-{name}.h264", std::process::id()));
    std::fs::File::create(&path).and_then(|mut f| f.write_all(data)).unwrap();
    TempStream(path)
}

/// Decodes `stream` with ffmpeg's own H.264 decoder to I420; returns (frames, width,
/// height). Fails the test on any message ffmpeg prints at `-v error`.
fn ffmpeg_decode(tag: &str, stream: &[u8]) -> (Vec<u8>, usize, usize) {
    let path = temp_file(tag, stream);
    let (w, h) = probe_size(&path);
    let out = tool("ffmpeg")
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(&*path)
        .args(["-f", "rawvideo", "-pix_fmt", "yuv420p", "-fps_mode", "passthrough", "-"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.is_empty(), "{tag}: ffmpeg failed to decode:\n{stderr}");
    (out.stdout, w, h)
}

fn probe_size(path: &std::path::Path) -> (usize, usize) {
    let out = tool("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let (w, h) = text.trim().split_once(',').unwrap_or_else(|| panic!("ffprobe: no size in '{text}'"));
    (w.parse().unwrap(), h.parse().unwrap())
}

/// ffprobe's view of every frame: (key_frame, pict_type).
fn ffprobe_frames(tag: &str, stream: &[u8]) -> Vec<(bool, char)> {
    let path = temp_file(tag, stream);
    let out = tool("ffprobe")
        .args(["-v", "error", "-show_frames", "-show_entries", "frame=pict_type,key_frame", "-of", "csv"])
        .arg(&*path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.is_empty(), "{tag}: ffprobe:\n{stderr}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 3, "ffprobe line '{l}'");
            (f[1] == "1", f[2].chars().next().unwrap_or('?'))
        })
        .collect()
}

/// The frame numbers ffprobe reports as key frames (checking they are I pictures and
/// that all others are P pictures).
fn key_frames_of(tag: &str, stream: &[u8]) -> Vec<usize> {
    let frames = ffprobe_frames(tag, stream);
    for (i, &(key, t)) in frames.iter().enumerate() {
        assert_eq!(t, if key { 'I' } else { 'P' }, "{tag}: frame {i}");
    }
    frames.iter().enumerate().filter(|(_, f)| f.0).map(|(i, _)| i).collect()
}

/// PSNR (dB) of `got` against `want`, both I420 clips of the same size.
fn psnr(want: &[u8], got: &[u8]) -> f64 {
    assert_eq!(want.len(), got.len(), "decoded size differs from the source");
    let se: f64 = want.iter().zip(got).map(|(&a, &b)| f64::from(i32::from(a) - i32::from(b)).powi(2)).sum();
    let mse = se / want.len() as f64;
    if mse == 0.0 {
        return 99.0;
    }
    10.0 * (255.0f64 * 255.0 / mse).log10()
}

/// Decodes `stream`, checks it holds `frames` pictures of `w`x`h` with a PSNR of at least
/// `floor` dB against `source` (I420), and returns the PSNR.
fn check_decodes(tag: &str, stream: &[u8], source: &[u8], w: usize, h: usize, floor: f64) -> f64 {
    let (decoded, dw, dh) = ffmpeg_decode(tag, stream);
    assert_eq!((dw, dh), (w, h), "{tag}: decoded size");
    let frames = source.len() / i420_size(w, h);
    assert_eq!(decoded.len() / i420_size(w, h), frames, "{tag}: decoded frame count");
    let db = psnr(source, &decoded);
    eprintln!("{tag}: {frames} frames {w}x{h}, PSNR {db:.2} dB");
    assert!(db >= floor, "{tag}: PSNR {db:.2} dB below {floor} dB");
    db
}

// ------------------------------------------------------------------------------------
// Sessions

const CQ: [(u32, i32); 3] = [
    (abi::V4L2_CID_MPEG_VIDEO_BITRATE_MODE, abi::V4L2_MPEG_VIDEO_BITRATE_MODE_CQ as i32),
    (abi::V4L2_CID_MPEG_VIDEO_H264_I_FRAME_QP, 26),
    (abi::V4L2_CID_MPEG_VIDEO_H264_P_FRAME_QP, 28),
];

fn options(path: &str, fourcc: u32, size: (u32, u32), input: Vec<u8>) -> Options {
    let mut o = Options::new(path, input);
    o.output_fourcc = Some(fourcc);
    o.size = Some(size);
    o.sink = Sink::Memory;
    o.controls = CQ.to_vec();
    o
}

fn encode(o: &Options) -> Summary {
    let _guard = shared(&o.device);
    run(o).unwrap_or_else(|e| panic!("{}: {e}", o.device))
}

/// NAL unit types of one buffer.
fn nal_types(data: &[u8]) -> Vec<u8> {
    h264::nal_units(data).iter().map(|&(s, _)| data[s] & 0x1f).collect()
}

// ------------------------------------------------------------------------------------
// Tests through the tool's session

#[test]
fn every_layout_on_both_nodes_encodes_the_same_picture_and_decodes_with_ffmpeg() {
    let (w, h, n) = (176usize, 144usize, 8usize);
    let src = clip(w, h, n, 1);
    let mut cases = Vec::new();
    for path in NODES {
        let mut fourccs = vec![abi::V4L2_PIX_FMT_NV12, abi::V4L2_PIX_FMT_YUV420, abi::V4L2_PIX_FMT_YUYV];
        if path == MP {
            fourccs.extend([abi::V4L2_PIX_FMT_NV12M, abi::V4L2_PIX_FMT_YUV420M]);
        }
        for fourcc in fourccs {
            let packed = if fourcc == abi::V4L2_PIX_FMT_YUYV { 2 * w } else { w };
            // Packed lines, and lines padded to a stride the application chose.
            for stride in [packed, packed + 64] {
                let mut o = options(path, fourcc, (w as u32, h as u32), layout(&src, w, h, fourcc, stride));
                o.output_bytesperline = (stride != packed).then_some(stride as u32);
                let s = encode(&o);
                let tag = format!("{path} {} stride {stride}", codec_tool::fourcc_name(fourcc));
                assert_eq!((s.frames, s.capture_errors, s.output_errors), (n as u64, 0, 0), "{tag}");
                cases.push((tag, s.data));
            }
        }
    }
    // Same pixels, same controls: the same bitstream, whatever the layout, padding or node.
    let (first_tag, first) = &cases[0];
    for (tag, data) in &cases[1..] {
        assert!(data == first, "{tag}: bitstream differs from {first_tag}'s");
    }
    check_decodes(first_tag, first, &src, w, h, 34.0);
}

#[test]
fn idr_frames_are_where_gop_size_i_period_and_forced_key_frames_put_them() {
    let (w, h, n) = (176usize, 144usize, 40usize);
    let src = clip(w, h, n, 2);
    let input = layout(&src, w, h, abi::V4L2_PIX_FMT_NV12, w);
    // (what, GOP_SIZE, I_PERIOD, forced frames, IDR frames)
    type Case<'a> = (&'a str, i32, i32, &'a [usize], Vec<usize>);
    let cases: [Case<'_>; 5] = [
        ("gop 12", 12, 0, &[], vec![0, 12, 24, 36]),
        ("gop 0", 0, 0, &[], vec![0]),
        ("gop 10, i-period 4", 10, 4, &[], vec![0, 4, 8, 10, 12, 16, 20, 24, 28, 30, 32, 36]),
        ("gop 0, forced 5 and 17", 0, 0, &[5, 17], vec![0, 5, 17]),
        // A forced key frame is one more IDR: the GOP keeps its cadence from the start.
        ("gop 10, forced 5 and 23", 10, 0, &[5, 23], vec![0, 5, 10, 20, 23, 30]),
    ];
    for (i, (tag, gop, period, forced, want)) in cases.into_iter().enumerate() {
        let path = NODES[i % 2];
        let mut o = options(path, abi::V4L2_PIX_FMT_NV12, (w as u32, h as u32), input.clone());
        o.controls.push((abi::V4L2_CID_MPEG_VIDEO_GOP_SIZE, gop));
        o.controls.push((abi::V4L2_CID_MPEG_VIDEO_H264_I_PERIOD, period));
        o.force_key_frames = forced.to_vec();
        let s = encode(&o);
        let tag = format!("{path} {tag}");
        assert_eq!(key_frames_of(&tag, &s.data), want, "{tag}: ffprobe's key frames");
        let flagged: Vec<usize> =
            s.flags.iter().enumerate().filter(|(_, &f)| f & abi::V4L2_BUF_FLAG_KEYFRAME != 0).map(|(i, _)| i).collect();
        assert_eq!(flagged, want, "{tag}: CAPTURE buffers flagged KEYFRAME");
        let idr: Vec<usize> = s.slices.iter().enumerate().filter(|(_, s)| s.nal_type == 5).map(|(i, _)| i).collect();
        assert_eq!(idr, want, "{tag}: IDR slices");
        assert_eq!(s.key_frames, want.len() as u64, "{tag}");
    }
}

#[test]
fn constant_qp_slices_carry_the_asked_i_and_p_qps() {
    let (w, h, n) = (176usize, 144usize, 12usize);
    let src = clip(w, h, n, 3);
    let input = layout(&src, w, h, abi::V4L2_PIX_FMT_YUV420, w);
    let cq = abi::V4L2_MPEG_VIDEO_BITRATE_MODE_CQ as i32;
    let vbr = abi::V4L2_MPEG_VIDEO_BITRATE_MODE_VBR as i32;
    // (mode, frame rc enabled, I QP, P QP)
    for (path, mode, rc, iqp, pqp) in
        [(MP, cq, 1, 22, 31), (SP, vbr, 0, 35, 40), (MP, cq, 1, 51, 0), (SP, cq, 0, 0, 51)]
    {
        let mut o = options(path, abi::V4L2_PIX_FMT_YUV420, (w as u32, h as u32), input.clone());
        o.controls = vec![
            (abi::V4L2_CID_MPEG_VIDEO_BITRATE_MODE, mode),
            (abi::V4L2_CID_MPEG_VIDEO_FRAME_RC_ENABLE, rc),
            (abi::V4L2_CID_MPEG_VIDEO_H264_I_FRAME_QP, iqp),
            (abi::V4L2_CID_MPEG_VIDEO_H264_P_FRAME_QP, pqp),
            (abi::V4L2_CID_MPEG_VIDEO_GOP_SIZE, 5),
        ];
        let s = encode(&o);
        let tag = format!("{path} mode {mode} rc {rc} QP {iqp}/{pqp}");
        let qps: Vec<(u32, i32)> = s.slices.iter().map(|s| (s.slice_type, s.qp)).collect();
        let want: Vec<(u32, i32)> = (0..n).map(|i| if i % 5 == 0 { (2, iqp) } else { (0, pqp) }).collect();
        assert_eq!(qps, want, "{tag}: (slice type, QP) of every slice");
        assert_eq!((s.qp_range(true), s.qp_range(false)), (Some((iqp, iqp)), Some((pqp, pqp))), "{tag}");
        if iqp > 0 && pqp > 0 {
            check_decodes(&tag, &s.data, &src, w, h, if iqp > 40 { 20.0 } else { 30.0 });
        }
    }
}

#[test]
fn header_modes_joined_separate_and_repeated() {
    let (w, h, n) = (176usize, 144usize, 7usize);
    let src = clip(w, h, n, 4);
    let input = layout(&src, w, h, abi::V4L2_PIX_FMT_NV12, w);
    let separate = abi::V4L2_MPEG_VIDEO_HEADER_MODE_SEPARATE as i32;
    let joined = abi::V4L2_MPEG_VIDEO_HEADER_MODE_JOINED_WITH_1ST_FRAME as i32;
    // (node, header mode or the default, repeat, NAL types of each CAPTURE buffer)
    type Case<'a> = (&'a str, Option<i32>, i32, Vec<Vec<u8>>);
    let cases: [Case<'_>; 4] = [
        (MP, None, 0, vec![vec![7, 8, 5], vec![1], vec![1], vec![5], vec![1], vec![1], vec![5]]),
        (SP, Some(separate), 0, vec![vec![7, 8], vec![5], vec![1], vec![1], vec![5], vec![1], vec![1], vec![5]]),
        (SP, Some(joined), 1, vec![vec![7, 8, 5], vec![1], vec![1], vec![7, 8, 5], vec![1], vec![1], vec![7, 8, 5]]),
        (
            MP,
            Some(separate),
            1,
            vec![vec![7, 8], vec![5], vec![1], vec![1], vec![7, 8], vec![5], vec![1], vec![1], vec![7, 8], vec![5]],
        ),
    ];
    for (path, mode, repeat, want) in cases {
        let tag = format!("{path} header mode {mode:?} repeat {repeat}");
        let mut o = options(path, abi::V4L2_PIX_FMT_NV12, (w as u32, h as u32), input.clone());
        o.controls.push((abi::V4L2_CID_MPEG_VIDEO_GOP_SIZE, 3));
        o.controls.push((abi::V4L2_CID_MPEG_VIDEO_REPEAT_SEQ_HEADER, repeat));
        if let Some(m) = mode {
            o.controls.push((abi::V4L2_CID_MPEG_VIDEO_HEADER_MODE, m));
        }
        let buffers = encode_buffers(&o);
        let got: Vec<Vec<u8>> = buffers.iter().map(|(_, data)| nal_types(data)).collect();
        assert_eq!(got, want, "{tag}: NAL unit types of each CAPTURE buffer");
        let headers = want.iter().filter(|t| t[..] == [7, 8]).count() as u64;
        let s = encode(&o);
        assert_eq!((s.frames, s.header_buffers), (n as u64, headers), "{tag}");
        check_decodes(&tag, &s.data, &src, w, h, 34.0);
    }
}

/// Runs `o` through the device and returns each CAPTURE buffer with data separately:
/// (flags, bytes). Uses [`Session`] with every frame queued at once.
fn encode_buffers(o: &Options) -> Vec<(u32, Vec<u8>)> {
    let _guard = shared(&o.device);
    let mut s = Session::new(&o.device, o.output_fourcc.unwrap(), o.size.unwrap(), &o.controls, 8, 8);
    let frame = s.frame_len();
    let frames: Vec<&[u8]> = o.input.chunks(frame).collect();
    let mut out = Vec::new();
    for (i, f) in frames.iter().enumerate() {
        s.queue(f, i as u64 * 1000);
        s.collect(&mut out, false);
    }
    s.dev.encoder_cmd(abi::V4L2_ENC_CMD_STOP).unwrap();
    s.collect(&mut out, true);
    out.into_iter().map(|b| (b.flags, b.data)).collect()
}

#[test]
fn both_s_fmt_orders_give_the_same_stream() {
    let (w, h, n) = (320usize, 240usize, 4usize);
    let src = clip(w, h, n, 5);
    for path in NODES {
        let mut runs = Vec::new();
        for capture_first in [true, false] {
            let mut o = options(
                path,
                abi::V4L2_PIX_FMT_NV12,
                (w as u32, h as u32),
                layout(&src, w, h, abi::V4L2_PIX_FMT_NV12, w),
            );
            o.capture_format_first = capture_first;
            runs.push(encode(&o).data);
        }
        assert!(runs[0] == runs[1], "{path}: CAPTURE-first and OUTPUT-first streams differ");
        check_decodes(path, &runs[0], &src, w, h, 34.0);
        // The formats each order leaves.
        let _guard = shared(path);
        let dev = Device::open(path).unwrap();
        let mut c = dev.g_fmt(false).unwrap();
        (c.width, c.height, c.sizeimage) = (640, 360, [0; 4]);
        dev.s_fmt(false, &c).unwrap();
        let out = dev.g_fmt(true).unwrap();
        assert_eq!((out.width, out.height, out.bytesperline[0]), (640, 360, 640), "{path}: OUTPUT follows CAPTURE");
        let mut out = Format { width: 320, height: 240, bytesperline: [0; 4], sizeimage: [0; 4], ..out };
        out = dev.s_fmt(true, &out).unwrap();
        assert_eq!((out.width, out.height), (320, 240));
        let c = dev.g_fmt(false).unwrap();
        assert_eq!(
            (c.pixelformat, c.width, c.height),
            (abi::V4L2_PIX_FMT_H264, 320, 240),
            "{path}: CAPTURE follows OUTPUT"
        );
    }
}

#[test]
fn an_output_crop_sets_the_coded_visible_size() {
    let (w, h, n) = (320usize, 240usize, 5usize);
    let (cw, ch) = (318usize, 238usize);
    let src = clip(w, h, n, 6);
    for (path, fourcc) in [(MP, abi::V4L2_PIX_FMT_NV12M), (SP, abi::V4L2_PIX_FMT_YUV420)] {
        let mut o = options(path, fourcc, (w as u32, h as u32), layout(&src, w, h, fourcc, w));
        o.crop = Some((cw as u32, ch as u32));
        let s = encode(&o);
        assert_eq!(s.frames, n as u64);
        check_decodes(&format!("{path} crop {cw}x{ch}"), &s.data, &crop_clip(&src, w, h, cw, ch), cw, ch, 34.0);
    }
}

#[test]
fn two_contexts_share_a_block_and_each_gets_its_single_context_stream() {
    let (w, h, n) = (176usize, 144usize, 20usize);
    let a = options(
        MP,
        abi::V4L2_PIX_FMT_NV12,
        (w as u32, h as u32),
        layout(&clip(w, h, n, 7), w, h, abi::V4L2_PIX_FMT_NV12, w),
    );
    let mut b =
        options(MP, abi::V4L2_PIX_FMT_YUV420, (176, 144), layout(&clip(w, h, n, 8), w, h, abi::V4L2_PIX_FMT_YUV420, w));
    b.controls.push((abi::V4L2_CID_MPEG_VIDEO_GOP_SIZE, 7));
    b.output_buffers = 2;
    let alone = [encode(&a).data, encode(&b).data];
    assert!(alone[0] != alone[1]);
    let together = std::thread::scope(|scope| {
        let ta = scope.spawn(|| encode(&a).data);
        let tb = scope.spawn(|| encode(&b).data);
        [ta.join().unwrap(), tb.join().unwrap()]
    });
    assert!(together[0] == alone[0], "context A's stream changed when it shared the block");
    assert!(together[1] == alone[1], "context B's stream changed when it shared the block");
}

#[test]
fn refused_and_adjusted_control_values() {
    let _guard = shared(MP);
    let dev = Device::open(MP).unwrap();
    let gop = abi::V4L2_CID_MPEG_VIDEO_GOP_SIZE;
    let mode = abi::V4L2_CID_MPEG_VIDEO_BITRATE_MODE;
    let iqp = abi::V4L2_CID_MPEG_VIDEO_H264_I_FRAME_QP;
    let header = abi::V4L2_CID_MPEG_VIDEO_HEADER_MODE;
    // A menu value out of range in the middle: TRY names it, S (a validation error, nothing
    // set) answers error_idx = count, as Linux does.
    let list = [(gop, 10), (mode, 3), (iqp, 20)];
    assert_eq!(dev.try_controls(&list), Err((Errno::ERANGE, 1)));
    assert_eq!(dev.set_controls(&list), Err((Errno::ERANGE, 3)));
    assert_eq!(dev.get_controls(&[gop, mode, iqp]), Ok(vec![30, 0, 26]), "nothing was set");
    let list = [(gop, 10), (iqp, 20), (header, 2)];
    assert_eq!(dev.try_controls(&list), Err((Errno::ERANGE, 2)));
    assert_eq!(dev.set_controls(&list), Err((Errno::ERANGE, 3)));
    // Unknown control, read-only level.
    let list = [(gop, 10), (abi::V4L2_CID_MPEG_VIDEO_H264_I_PERIOD + 1000, 0), (iqp, 20)];
    assert_eq!(dev.try_controls(&list), Err((Errno::EINVAL, 1)));
    let list = [(gop, 10), (iqp, 20), (abi::V4L2_CID_MPEG_VIDEO_H264_LEVEL, 3)];
    assert_eq!(dev.try_controls(&list), Err((Errno::EACCES, 2)));
    assert_eq!(dev.set_controls(&list), Err((Errno::EACCES, 3)));
    assert_eq!(dev.get_controls(&[gop, iqp]), Ok(vec![30, 26]), "nothing was set");
    // Integers are clamped as Linux's ROUND_TO_RANGE does: no B-frames, QP at most 51,
    // the bitrate within its range.
    let b = abi::V4L2_CID_MPEG_VIDEO_B_FRAMES;
    let pqp = abi::V4L2_CID_MPEG_VIDEO_H264_P_FRAME_QP;
    let rate = abi::V4L2_CID_MPEG_VIDEO_BITRATE;
    let list = [(b, 1), (iqp, 52), (pqp, -3), (rate, 5)];
    assert_eq!(dev.try_controls(&list), Ok(vec![0, 51, 0, 10_000]));
    assert_eq!(dev.set_controls(&list), Ok(()));
    assert_eq!(dev.get_controls(&[b, iqp, pqp, rate]), Ok(vec![0, 51, 0, 10_000]));
    drop(dev);
    // The tool names what the device refused or adjusted, as a usage error.
    let cases = [
        ((mode, 3), "/dev/video2 refused V4L2_CID_MPEG_VIDEO_BITRATE_MODE = 3: ERANGE"),
        ((b, 2), "/dev/video2 does not support V4L2_CID_MPEG_VIDEO_B_FRAMES = 2 (it applied 0)"),
    ];
    for (control, want) in cases {
        let mut o = options(MP, abi::V4L2_PIX_FMT_NV12, (176, 144), vec![0; 176 * 144 * 3 / 2]);
        o.controls = vec![(gop, 10), control, (iqp, 20)];
        match run(&o) {
            Err(ToolError::Usage(m)) => assert!(m.starts_with(want), "message: {m}"),
            other => panic!("{control:?}: expected a usage error, got {other:?}"),
        }
    }
}

/// Encodes two seconds of 320x240 video at 30 fps with `mode` and `target` bit/s on each
/// `(node, target)` and checks the achieved bitrate is within 10% of the target.
fn check_bitrates(mode: u32, cases: &[(&str, i32)]) {
    let (w, h, n) = (320usize, 240usize, 60usize);
    let src = clip(w, h, n, 9);
    let input = layout(&src, w, h, abi::V4L2_PIX_FMT_NV12, w);
    for &(path, target) in cases {
        let mut o = options(path, abi::V4L2_PIX_FMT_NV12, (w as u32, h as u32), input.clone());
        o.controls = vec![
            (abi::V4L2_CID_MPEG_VIDEO_BITRATE_MODE, mode as i32),
            (abi::V4L2_CID_MPEG_VIDEO_BITRATE, target),
            (abi::V4L2_CID_MPEG_VIDEO_GOP_SIZE, 30),
        ];
        o.frame_rate = Some((30, 1));
        let s = encode(&o);
        let got = s.bitrate();
        let tag = format!("{path} mode {mode} target {target}");
        eprintln!("{tag}: {got:.0} bit/s, QP I {:?} P {:?}", s.qp_range(true), s.qp_range(false));
        assert_eq!(s.frame_rate, (30, 1));
        assert!((got - f64::from(target)).abs() <= 0.1 * f64::from(target), "{tag}: achieved {got:.0} bit/s");
        check_decodes(&tag, &s.data, &src, w, h, 25.0);
    }
}

#[test]
fn cbr_reaches_the_target_bitrate() {
    check_bitrates(abi::V4L2_MPEG_VIDEO_BITRATE_MODE_CBR, &[(MP, 400_000), (SP, 1_500_000)]);
}

#[test]
fn vbr_reaches_the_target_bitrate() {
    check_bitrates(abi::V4L2_MPEG_VIDEO_BITRATE_MODE_VBR, &[(SP, 800_000), (MP, 1_500_000)]);
}

// ------------------------------------------------------------------------------------
// Sessions by hand: drain, reset, flags and timestamps, faults

struct Got {
    flags: u32,
    timestamp_us: u64,
    data: Vec<u8>,
}

/// An encoder file set up by hand: NV12-family or YUYV OUTPUT frames, H.264 CAPTURE.
struct Session {
    dev: Device,
    fmt: Format,
    eos: u32,
    last_seen: bool,
    /// Frames queued, and CAPTURE buffers that carried one (a picture, or an error).
    queued: usize,
    returned: usize,
}

impl Session {
    fn new(path: &str, fourcc: u32, size: (u32, u32), controls: &[(u32, i32)], outputs: u32, captures: u32) -> Session {
        let mut dev = Device::open(path).unwrap();
        let mut c = dev.g_fmt(false).unwrap();
        (c.width, c.height, c.sizeimage) = (size.0, size.1, [0; 4]);
        dev.s_fmt(false, &c).unwrap();
        let mut f = dev.g_fmt(true).unwrap();
        (f.pixelformat, f.width, f.height, f.bytesperline) = (fourcc, size.0, size.1, [0; 4]);
        let fmt = dev.s_fmt(true, &f).unwrap();
        assert_eq!(fmt.pixelformat, fourcc);
        dev.set_controls(controls).unwrap();
        dev.subscribe(abi::V4L2_EVENT_EOS).unwrap();
        dev.setup_buffers(true, outputs).unwrap();
        let n = dev.setup_buffers(false, captures).unwrap();
        for i in 0..n {
            dev.qbuf(false, i, &[], 0).unwrap();
        }
        dev.stream(true, true).unwrap();
        dev.stream(false, true).unwrap();
        Session { dev, fmt, eos: 0, last_seen: false, queued: 0, returned: 0 }
    }

    fn frame_len(&self) -> usize {
        self.fmt.sizeimage[..self.fmt.num_planes].iter().sum::<u32>() as usize
    }

    /// Waits for a free OUTPUT buffer (dequeuing done ones) and queues `frame` in it.
    fn queue(&mut self, frame: &[u8], timestamp_us: u64) {
        let deadline = Instant::now() + STALL;
        loop {
            while self.dev.dqbuf(true).unwrap().is_some() {}
            if let Some(i) = self.dev.output.buffers.iter().position(|b| !b.queued) {
                let fmt = self.fmt;
                self.dev.queue_frame(i, &fmt, frame, timestamp_us).unwrap();
                self.queued += 1;
                return;
            }
            assert!(Instant::now() < deadline, "no OUTPUT buffer came back");
            self.poll(50);
        }
    }

    /// Waits until the device gave every OUTPUT buffer back.
    fn wait_outputs(&mut self) {
        let deadline = Instant::now() + STALL;
        loop {
            while self.dev.dqbuf(true).unwrap().is_some() {}
            if self.dev.output.buffers.iter().all(|b| !b.queued) {
                return;
            }
            assert!(Instant::now() < deadline, "OUTPUT buffers never came back");
            self.poll(20);
        }
    }

    fn poll(&self, ms: i32) {
        let mut fds = [vfs::PollFd { fd: self.dev.fd, events: vfs::POLLIN | vfs::POLLOUT | vfs::POLLPRI, revents: 0 }];
        vfs::poll(&mut fds, ms).unwrap();
    }

    fn take(&self, b: &Dequeued) -> Vec<u8> {
        let p = &self.dev.capture.buffers[b.index].planes[0];
        let n = (b.bytesused[0] as usize).min(p.len);
        // SAFETY: a live mapping of `p.len` bytes the device filled and no longer touches
        // (the buffer is dequeued); `n` is clamped to it.
        unsafe { std::slice::from_raw_parts(p.ptr, n) }.to_vec()
    }

    /// Collects CAPTURE buffers (requeuing each): until the LAST one when `drain`, else
    /// until every frame queued so far came back on CAPTURE.
    fn collect(&mut self, out: &mut Vec<Got>, drain: bool) {
        let deadline = Instant::now() + STALL;
        loop {
            while self.dev.dqbuf(true).unwrap().is_some() {}
            while let Some(ev) = self.dev.dqevent() {
                assert_eq!(ev.type_, abi::V4L2_EVENT_EOS);
                self.eos += 1;
            }
            while let Some(b) = self.dev.dqbuf(false).unwrap() {
                let data = self.take(&b);
                let last = b.flags & abi::V4L2_BUF_FLAG_LAST != 0;
                let error = b.flags & abi::V4L2_BUF_FLAG_ERROR != 0;
                if error || nal_types(&data).iter().any(|&t| t == 1 || t == 5) {
                    self.returned += 1;
                }
                if !data.is_empty() || error {
                    out.push(Got { flags: b.flags, timestamp_us: b.timestamp_us, data });
                }
                if last {
                    self.last_seen = true;
                    // EOS comes with the LAST buffer; give a duplicate time to show.
                    std::thread::sleep(Duration::from_millis(30));
                    while let Some(ev) = self.dev.dqevent() {
                        assert_eq!(ev.type_, abi::V4L2_EVENT_EOS);
                        self.eos += 1;
                    }
                    return;
                }
                self.dev.qbuf(false, b.index, &[], 0).unwrap();
            }
            if !drain && self.returned == self.queued {
                return;
            }
            assert!(Instant::now() < deadline, "the encoder stopped ({} buffers so far)", out.len());
            self.poll(20);
        }
    }

    /// Queues `frames` one at a time (each timestamp `ts0 + 40000 * i`), collecting what
    /// comes out.
    fn encode(&mut self, frames: &[&[u8]], ts0: u64, out: &mut Vec<Got>) {
        for (i, f) in frames.iter().enumerate() {
            self.queue(f, ts0 + 40_000 * i as u64);
            self.collect(out, false);
        }
    }
}

fn concat(got: &[Got]) -> Vec<u8> {
    got.iter().filter(|g| g.flags & abi::V4L2_BUF_FLAG_ERROR == 0).flat_map(|g| g.data.clone()).collect()
}

/// Checks the flags and timestamps of the CAPTURE buffers of frames queued with
/// timestamps `ts0 + 40000 * i`: exactly one of KEYFRAME and PFRAME, KEYFRAME on IDR
/// pictures, the OUTPUT buffer's timestamp.
fn check_flags_and_timestamps(tag: &str, got: &[Got], ts0: u64) {
    for (i, g) in got.iter().enumerate() {
        let key = g.flags & abi::V4L2_BUF_FLAG_KEYFRAME != 0;
        let p = g.flags & abi::V4L2_BUF_FLAG_PFRAME != 0;
        assert!(key != p, "{tag}: buffer {i}: flags {:#x}", g.flags);
        assert_eq!(key, nal_types(&g.data).contains(&5), "{tag}: buffer {i}: KEYFRAME on an IDR only");
        assert_eq!(g.timestamp_us, ts0 + 40_000 * i as u64, "{tag}: buffer {i}: timestamp");
    }
}

#[test]
fn drains_with_nothing_one_or_many_frames_queued_then_start_and_reset() {
    let (w, h) = (176usize, 144usize);
    let src = clip(w, h, 12, 10);
    let nv12 = layout(&src, w, h, abi::V4L2_PIX_FMT_NV12, w);
    let frames: Vec<&[u8]> = nv12.chunks(w * h * 3 / 2).collect();
    for path in NODES {
        let _guard = shared(path);
        for queued in [0usize, 1, 5] {
            let tag = format!("{path} drain with {queued} queued");
            let mut s = Session::new(path, abi::V4L2_PIX_FMT_NV12, (w as u32, h as u32), &CQ, 6, 8);
            // Nothing runs until both queues have buffers: queue the frames, then STOP.
            let ts0 = 1_000_000;
            for (i, f) in frames[..queued].iter().enumerate() {
                s.queue(f, ts0 + 40_000 * i as u64);
            }
            s.dev.encoder_cmd(abi::V4L2_ENC_CMD_STOP).unwrap();
            let mut got = Vec::new();
            s.collect(&mut got, true);
            assert!(s.last_seen, "{tag}");
            assert_eq!(got.len(), queued, "{tag}: every frame before the LAST buffer");
            assert_eq!(s.eos, 1, "{tag}: one EOS");
            assert_eq!(s.dev.dqbuf(false).err(), Some(Errno::EPIPE), "{tag}: DQBUF after LAST");
            check_flags_and_timestamps(&tag, &got, ts0);
            // START: the stream goes on (P frames referring to the frames before).
            s.dev.encoder_cmd(abi::V4L2_ENC_CMD_START).unwrap();
            for i in 0..s.dev.capture.buffers.len() {
                if !s.dev.capture.buffers[i].queued {
                    s.dev.qbuf(false, i, &[], 0).unwrap();
                }
            }
            let ts1 = ts0 + 40_000 * queued as u64;
            let mut more = Vec::new();
            s.encode(&frames[queued..queued + 3], ts1, &mut more);
            assert_eq!(more.len(), 3, "{tag}: frames after START");
            check_flags_and_timestamps(&tag, &more, ts1);
            assert_eq!(more[0].flags & abi::V4L2_BUF_FLAG_KEYFRAME != 0, queued == 0, "{tag}: P after a drain");
            got.extend(more);
            let all = concat(&got);
            check_decodes(&tag, &all, &src[..(queued + 3) * i420_size(w, h)], w, h, 34.0);
            // Reset: STREAMOFF/STREAMON of CAPTURE; what follows decodes on its own.
            s.dev.stream(false, false).unwrap();
            for i in 0..s.dev.capture.buffers.len() {
                s.dev.qbuf(false, i, &[], 0).unwrap();
            }
            s.dev.stream(false, true).unwrap();
            let ts2 = 5_000_000;
            let mut after = Vec::new();
            let start = queued + 3;
            s.encode(&frames[start..start + 4], ts2, &mut after);
            assert_eq!(after.len(), 4, "{tag}: frames after the reset");
            assert_eq!(nal_types(&after[0].data), [7, 8, 5], "{tag}: the reset starts with SPS, PPS, IDR");
            check_flags_and_timestamps(&tag, &after, ts2);
            let src_after = &src[start * i420_size(w, h)..(start + 4) * i420_size(w, h)];
            check_decodes(&format!("{tag}, after the reset"), &concat(&after), src_after, w, h, 34.0);
        }
    }
}

#[test]
fn a_frame_queued_after_stop_waits_for_start_and_wastes_no_capture_buffer() {
    let (w, h) = (176usize, 144usize);
    let src = clip(w, h, 4, 11);
    let nv12 = layout(&src, w, h, abi::V4L2_PIX_FMT_NV12, w);
    let frames: Vec<&[u8]> = nv12.chunks(w * h * 3 / 2).collect();
    for path in NODES {
        let _guard = shared(path);
        let tag = format!("{path} frame after STOP");
        let mut s = Session::new(path, abi::V4L2_PIX_FMT_NV12, (w as u32, h as u32), &CQ, 6, 8);
        let ts0 = 2_000_000;
        s.queue(frames[0], ts0);
        s.queue(frames[1], ts0 + 40_000);
        s.dev.encoder_cmd(abi::V4L2_ENC_CMD_STOP).unwrap();
        // Queued after STOP: it belongs to the stream after START (dev-encoder.rst).
        s.queue(frames[2], ts0 + 80_000);
        let mut got = Vec::new();
        s.collect(&mut got, true);
        assert_eq!(got.len(), 2, "{tag}: the two frames before STOP, then LAST, and no error buffer");
        assert!(got.iter().all(|g| g.flags & abi::V4L2_BUF_FLAG_ERROR == 0), "{tag}: no CAPTURE buffer lost");
        assert_eq!(s.eos, 1, "{tag}: one EOS");
        s.dev.encoder_cmd(abi::V4L2_ENC_CMD_START).unwrap();
        for i in 0..s.dev.capture.buffers.len() {
            if !s.dev.capture.buffers[i].queued {
                s.dev.qbuf(false, i, &[], 0).unwrap();
            }
        }
        let mut more = Vec::new();
        s.collect(&mut more, false);
        assert_eq!(more.len(), 1, "{tag}: the frame queued after STOP, encoded after START");
        assert_eq!(more[0].timestamp_us, ts0 + 80_000, "{tag}");
        got.extend(more);
        check_decodes(&tag, &concat(&got), &src[..3 * i420_size(w, h)], w, h, 34.0);
    }
}

/// Encodes `frames` on `enc`'s node one at a time, injecting `fault` just before frame
/// `at` is queued (nothing else queued, so it hits that frame). Returns what came out.
fn encode_with_fault(
    enc: &sim_board::Encoder,
    frames: &[&[u8]],
    controls: &[(u32, i32)],
    at: usize,
    fault: Fault,
) -> Vec<Got> {
    let (w, h) = (176, 144);
    let mut s = Session::new(enc.path, abi::V4L2_PIX_FMT_NV12, (w, h), controls, 2, 4);
    let mut got = Vec::new();
    for (i, f) in frames.iter().enumerate() {
        if i == at {
            s.wait_outputs();
            enc.block.inject(fault);
        }
        s.queue(f, 40_000 * i as u64);
        s.collect(&mut got, false);
        if i == at {
            assert!(enc.block.pending_fault().is_none(), "the fault was not used by frame {at}");
        }
    }
    s.dev.encoder_cmd(abi::V4L2_ENC_CMD_STOP).unwrap();
    s.collect(&mut got, true);
    got
}

/// A block that works slower than the watchdog's timeout per frame, but keeps advancing
/// its `PROGRESS` register, is never taken for hung: every frame arrives, none flagged
/// ERROR (the watchdog judges progress, not the length of a frame). A frame that stops
/// advancing is still reset (`block_faults_hang_overflow_and_bus_error`).
#[test]
fn a_slow_block_that_makes_progress_is_not_reset() {
    let (w, h, n) = (176usize, 144usize, 2usize);
    let src = clip(w, h, n, 5);
    let nv12 = layout(&src, w, h, abi::V4L2_PIX_FMT_NV12, w);
    let frames: Vec<&[u8]> = nv12.chunks(w * h * 3 / 2).collect();
    let enc = &sim_board::board().encoders()[0];
    let _guard = exclusive(enc.path);
    let normal = enc.block.timing();
    // Each job (the headers, then each frame) takes a quarter longer than the timeout.
    let mbs = (w / 16 * (h / 16)) as u32;
    let per_mb = sim_board::WATCHDOG_TICK * sim_board::TIMEOUT_TICKS * 5 / 4 / mbs;
    enc.block.set_timing(h264_encoder_block::Timing { per_mb, ..normal });
    let mut s = Session::new(enc.path, abi::V4L2_PIX_FMT_NV12, (w as u32, h as u32), &CQ, 2, 4);
    let mut got = Vec::new();
    s.encode(&frames, 0, &mut got);
    s.dev.encoder_cmd(abi::V4L2_ENC_CMD_STOP).unwrap();
    s.collect(&mut got, true);
    enc.block.set_timing(normal);
    let tag = format!("{} slowed to {per_mb:?} per macroblock", enc.path);
    assert_eq!(got.len(), n, "{tag}: every frame");
    assert!(got.iter().all(|g| g.flags & abi::V4L2_BUF_FLAG_ERROR == 0), "{tag}: no frame cut off");
    check_decodes(&tag, &concat(&got), &src, w, h, 34.0);
}

#[test]
fn block_faults_hang_overflow_and_bus_error() {
    let (w, h, n) = (176usize, 144usize, 8usize);
    let src = clip(w, h, n, 11);
    let nv12 = layout(&src, w, h, abi::V4L2_PIX_FMT_NV12, w);
    let frames: Vec<&[u8]> = nv12.chunks(w * h * 3 / 2).collect();
    let frame = i420_size(w, h);
    let at = 3;
    // The source without frame `at` (lost to the fault).
    let mut src_lost = src[..at * frame].to_vec();
    src_lost.extend_from_slice(&src[(at + 1) * frame..]);
    for enc in sim_board::board().encoders() {
        let _guard = exclusive(enc.path);
        let tag = |what: &str| format!("{} {what}", enc.path);

        // A hang: the watchdog (TIMEOUT_TICKS x WATCHDOG_TICK) ends the frame, its CAPTURE
        // buffer comes back flagged ERROR, the block is reset and the next frame is an IDR.
        let started = Instant::now();
        let got = encode_with_fault(enc, &frames, &CQ, at, Fault::Hang);
        let timeout = sim_board::WATCHDOG_TICK * sim_board::TIMEOUT_TICKS;
        assert!(started.elapsed() >= timeout, "{}: ended before the watchdog timeout", tag("hang"));
        check_lost_frame(&tag("hang"), &got, n, at);
        check_decodes(&tag("hang"), &concat(&got), &src_lost, w, h, 34.0);

        // A bus error: the same recovery, without the wait.
        let got = encode_with_fault(enc, &frames, &CQ, at, Fault::BusError);
        check_lost_frame(&tag("bus error"), &got, n, at);
        check_decodes(&tag("bus error"), &concat(&got), &src_lost, w, h, 34.0);

        // An overflow: encoded once more at a higher QP (45 + the driver's step, at most
        // 51), so the frame still arrives and the stream goes on with P frames.
        let qp45 = [CQ[0], (CQ[1].0, 45), (CQ[2].0, 45)];
        let got = encode_with_fault(enc, &frames, &qp45, at, Fault::Overflow);
        assert_eq!(got.len(), n, "{}", tag("overflow"));
        assert!(got.iter().all(|g| g.flags & abi::V4L2_BUF_FLAG_ERROR == 0), "{}", tag("overflow"));
        let mut parser = h264::Parser::new();
        let qps: Vec<i32> = got
            .iter()
            .flat_map(|g| parser.parse(&g.data).unwrap())
            .filter_map(|u| if let Unit::Slice(s) = u { Some(s.qp) } else { None })
            .collect();
        let want: Vec<i32> = (0..n).map(|i| if i == at { 51 } else { 45 }).collect();
        assert_eq!(qps, want, "{}: slice QPs", tag("overflow"));
        check_flags_and_timestamps(&tag("overflow"), &got, 0);
        check_decodes(&tag("overflow"), &concat(&got), &src, w, h, 20.0);

        // An overflow at the highest QP allowed: nothing higher to try, the frame is lost.
        let qp51 = [CQ[0], (CQ[1].0, 51), (CQ[2].0, 51)];
        let got = encode_with_fault(enc, &frames, &qp51, at, Fault::Overflow);
        check_lost_frame(&tag("overflow at QP 51"), &got, n, at);
        check_decodes(&tag("overflow at QP 51"), &concat(&got), &src_lost, w, h, 15.0);
    }
}

/// Frame `at` of `n` came back flagged ERROR (and empty); the frame after it is an IDR;
/// all the others are fine and in order.
fn check_lost_frame(tag: &str, got: &[Got], n: usize, at: usize) {
    assert_eq!(got.len(), n, "{tag}: one CAPTURE buffer per frame");
    for (i, g) in got.iter().enumerate() {
        let error = g.flags & abi::V4L2_BUF_FLAG_ERROR != 0;
        assert_eq!(error, i == at, "{tag}: buffer {i} flags {:#x}", g.flags);
        if i == at {
            assert!(g.data.is_empty(), "{tag}: a failed frame carries no data");
            continue;
        }
        assert_eq!(g.timestamp_us, 40_000 * i as u64, "{tag}: buffer {i} timestamp");
        let idr = i == 0 || i == at + 1;
        assert_eq!(nal_types(&g.data).contains(&5), idr, "{tag}: buffer {i}: IDR only at 0 and after the fault");
        assert_eq!(g.flags & abi::V4L2_BUF_FLAG_KEYFRAME != 0, idr, "{tag}: buffer {i} KEYFRAME");
    }
}

/// ffprobe's `r_frame_rate` of a stream (from the SPS's VUI timing).
fn probe_frame_rate(tag: &str, stream: &[u8]) -> String {
    let path = temp_file(tag, stream);
    let out = tool("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=r_frame_rate", "-of", "csv=p=0"])
        .arg(&*path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn frame_rates_stay_between_1_and_240_fps_and_reach_the_sps() {
    let (w, h, n) = (176usize, 144usize, 3usize);
    let input = layout(&clip(w, h, n, 12), w, h, abi::V4L2_PIX_FMT_NV12, w);
    // (asked fps as numerator/denominator, applied, ffprobe's frame rate)
    let cases = [
        ((25, 1), (25, 1), "25/1"),
        ((30000, 1001), (30000, 1001), "30000/1001"),
        ((1000, 1), (240, 1), "240/1"),
        ((1, 1000), (1, 1), "1/1"),
        // Terms too large for the SPS's 32-bit time_scale (twice the numerator): reduced.
        ((4_000_000_000, 20_000_000), (200, 1), "200/1"),
        ((4_000_000_001, 20_000_000), (200, 1), "200/1"),
    ];
    for (i, (asked, applied, probed)) in cases.into_iter().enumerate() {
        let mut o = options(NODES[i % 2], abi::V4L2_PIX_FMT_NV12, (w as u32, h as u32), input.clone());
        o.frame_rate = Some(asked);
        let s = encode(&o);
        let tag = format!("{} {asked:?} fps", o.device);
        assert_eq!(s.frame_rate, applied, "{tag}: G_PARM");
        assert_eq!(probe_frame_rate(&tag, &s.data), probed, "{tag}: the stream's frame rate");
    }
}
