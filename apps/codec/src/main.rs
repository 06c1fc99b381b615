//! `m2m-codec`: command-line front end of the codec tool (see `--help`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use v4l2m2m::abi;

use codec_tool::{fourcc_name, parse_fourcc, run, Chunking, Options, Sink, Summary, ToolError};

const HELP: &str = "\
m2m-codec: drive a V4L2 memory-to-memory codec node of the simulator board

USAGE:
    m2m-codec -d DEVICE -i INPUT -o OUTPUT [-f FOURCC] [-F FOURCC] [-s WxH] [options]
    m2m-codec -d /dev/video2 -i in.yuv -f NV12 -s 1280x720 -o out.h264 [encoder options]
    m2m-codec demo [-s WxH] [-n FRAMES] [-d DEVICE] [-F FOURCC]

OPTIONS:
    -d, --device PATH     device node (default: the first decoder node whose OUTPUT formats
                          list the input's format, H.264 or HEVC, recognised from its first
                          NAL unit or given with -f: /dev/video1, OpenH264, multi-planar, for
                          H.264; /dev/video3 is the same decoder, single-planar API; with
                          the board's avcodec feature /dev/video5 and /dev/video6 are the
                          libavcodec decoder, which also decodes HEVC)
    -i, --input FILE      input: H.264 Annex-B for a decoder, raw frames for an encoder
    -o, --output FILE     output: the visible area of every decoded frame (raw, in the
                          CAPTURE format's plane order: YU12/YM12 -> I420, NV12/NM12 -> NV12,
                          P010 -> P010, 422P/YM16 -> planar 4:2:2, NV16 -> NV16);
                          the bitstream for an encoder. '-' or omitted: no output file
    -f, --output-format   OUTPUT queue FourCC (default: the device's, e.g. H264)
    -F, --capture-format  CAPTURE queue FourCC: YU12 (I420), NV12, YM12, NM12, P010, 422P, YM16,
                          NV16 (default: device's, for the stream after SOURCE_CHANGE)
    -s, --size WxH        frame size (required for raw input; a hint for decoders)
    -c, --chunk BYTES     feed the input in fixed byte chunks instead of one access unit
                          (or raw frame) per OUTPUT buffer
        --output-buffers N   OUTPUT buffers (default 4)
        --capture-buffers N  CAPTURE buffers (default 4, at least the device's minimum + 2)
    -q, --quiet           no progress bar
    -h, --help            this text

ENCODER OPTIONS (raw frames in, H.264 out: /dev/video2 multi-planar, /dev/video4
single-planar; OUTPUT formats NV12, YU12, YUYV, and NV12M, YM12 on /dev/video2):
        --bitrate BITS    target bitrate in bit/s, with an optional k or M suffix (4M)
        --rc MODE         rate control: vbr, cbr or cq (constant QP; the default with --qp)
        --qp I[,P]        constant QPs (0-51) of I and P frames (P defaults to I)
        --gop N           an IDR every N frames (0: only the first)
        --i-period N      also an IDR every N frames (0: none)
        --fps N[/D]       frame rate (S_PARM on OUTPUT; default the device's, 30)
        --header-mode M   joined (SPS+PPS with the first frame) or separate (their own buffer)
        --force-key LIST  comma-separated input frame numbers (from 0) to make key frames
        --stride BYTES    the input's luma line length, if padded (default: packed lines)
        --crop WxH        encode only the top-left WxH of each frame (S_SELECTION crop)

The tool talks to the device only through the board's VFS file descriptors and raw
V4L2 ioctls (poll loop, SOURCE_CHANGE and EOS events, DECODER_CMD STOP drain), exactly
as a firmware application does. Encoder controls are set with one VIDIOC_S_EXT_CTRLS
(a value the device refuses or adjusts is an error). It prints a summary (frames, fps,
errors, checksum = FNV-1a 64 of the output bytes; for an encoder also the achieved
bitrate, the QP range read from the slice headers and the key frames).

EXIT STATUS:
    0   success
    1   nothing could be decoded, or the device failed
    2   usage error (bad option, missing file, unknown or refused format)
    3   the device refused the stream as one it cannot decode: it returned an OUTPUT buffer
        flagged as an error and ended the stream (EIO, POLLERR). The message names what is
        unsupported, read from the stream's SPS and slice headers, e.g.
        \"unsupported stream: High 10 profile (profile_idc 110, 10-bit luma); /dev/video1
        (OpenH264 decoder (sim)) decodes 8-bit 4:2:0 progressive H.264 without B slices or
        lossless coding, starting with an IDR picture\"
";

fn parse_size(s: &str) -> Result<(u32, u32), ToolError> {
    let bad = || ToolError::Usage(format!("bad size '{s}': expected WIDTHxHEIGHT, e.g. 1280x720"));
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    let (w, h) = (w.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?);
    if w == 0 || h == 0 || w > 8192 || h > 8192 {
        return Err(bad());
    }
    Ok((w, h))
}

/// `4M`, `500k`, `1200000`.
fn parse_bitrate(s: &str) -> Result<u32, ToolError> {
    let bad = || ToolError::Usage(format!("bad bitrate '{s}': expected bits per second, e.g. 4M or 800k"));
    let (digits, scale) = match s.as_bytes().last() {
        Some(b'k' | b'K') => (&s[..s.len() - 1], 1e3),
        Some(b'm' | b'M') => (&s[..s.len() - 1], 1e6),
        _ => (s, 1.0),
    };
    let v: f64 = digits.parse().map_err(|_| bad())?;
    let bits = v * scale;
    if !(1.0..=f64::from(u32::MAX)).contains(&bits) {
        return Err(bad());
    }
    Ok(bits.round() as u32)
}

fn parse_qp(s: &str) -> Result<(i32, i32), ToolError> {
    let bad = || ToolError::Usage(format!("bad QP '{s}': expected I[,P], each 0 to 51"));
    let one = |v: &str| v.parse::<i32>().ok().filter(|q| (0..=51).contains(q)).ok_or_else(bad);
    match s.split_once(',') {
        Some((i, p)) => Ok((one(i)?, one(p)?)),
        None => one(s).map(|q| (q, q)),
    }
}

fn parse_fps(s: &str) -> Result<(u32, u32), ToolError> {
    let bad = || ToolError::Usage(format!("bad frame rate '{s}': expected N or N/D, e.g. 30 or 30000/1001"));
    let (n, d) = s.split_once('/').unwrap_or((s, "1"));
    let (n, d): (u32, u32) = (n.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    if n == 0 || d == 0 {
        return Err(bad());
    }
    Ok((n, d))
}

fn print_summary(s: &Summary, device: &str, backend: &str, encoder: bool) {
    if encoder {
        let qps = |intra| s.qp_range(intra).map_or("-".to_string(), |(lo, hi)| format!("{lo}-{hi}"));
        let (num, den) = s.frame_rate;
        println!("device:          {device}");
        println!("backend:         {backend}");
        println!("frames:          {}", s.frames);
        println!("time:            {:.3} s", s.elapsed.as_secs_f64());
        println!("fps:             {:.1}", s.fps());
        println!("frame rate:      {}", if den == 1 { format!("{num}") } else { format!("{num}/{den}") });
        println!("bitrate:         {:.1} kbit/s", s.bitrate() / 1000.0);
        println!("qp:              I {}, P {}", qps(true), qps(false));
        println!("key frames:      {}", s.key_frames);
        println!("header buffers:  {}", s.header_buffers);
        println!("errors:          {} OUTPUT, {} CAPTURE", s.output_errors, s.capture_errors);
        println!("output bytes:    {}", s.bytes);
        println!("checksum:        {:016x}", s.checksum);
        return;
    }
    let res: Vec<String> = s.resolutions.iter().map(|(w, h)| format!("{w}x{h}")).collect();
    println!("device:          {device}");
    println!("backend:         {backend}");
    println!("capture format:  {}", fourcc_name(s.capture_fourcc));
    println!("resolution:      {}", res.join(" -> "));
    println!("frames:          {}", s.frames);
    println!("time:            {:.3} s", s.elapsed.as_secs_f64());
    println!("fps:             {:.1}", s.fps());
    println!("source changes:  {}", s.source_changes);
    let mins: Vec<String> = s.min_capture_buffers.iter().map(u32::to_string).collect();
    println!("min buffers:     {}", mins.join(" -> "));
    println!("errors:          {} OUTPUT, {} CAPTURE", s.output_errors, s.capture_errors);
    println!("output bytes:    {}", s.bytes);
    println!("checksum:        {:016x}", s.checksum);
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match real_main(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("m2m-codec: error: {e}");
            match e {
                ToolError::Usage(_) | ToolError::Io(_) => ExitCode::from(2),
                ToolError::Refused(_) => ExitCode::from(3),
                _ => ExitCode::from(1),
            }
        }
    }
}

fn real_main(args: &[String]) -> Result<(), ToolError> {
    let demo = args.first().is_some_and(|a| a == "demo");
    let args = if demo { &args[1..] } else { args };
    let mut device = None::<String>;
    let (mut input, mut output) = (None::<String>, None::<String>);
    let (mut out_fourcc, mut cap_fourcc, mut size) = (None, None, None);
    let mut chunk = None;
    let (mut out_bufs, mut cap_bufs) = (4u32, 4u32);
    let mut quiet = false;
    let mut frames = 120usize;
    let mut controls: Vec<(u32, i32)> = Vec::new();
    let (mut rc, mut qp, mut fps, mut force, mut stride, mut crop) = (None, None, None, Vec::new(), None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| -> Result<String, ToolError> {
            it.next().cloned().ok_or_else(|| ToolError::Usage(format!("{name} needs a value (see --help)")))
        };
        let num = |v: String, name: &str| -> Result<usize, ToolError> {
            v.parse().map_err(|_| ToolError::Usage(format!("{name}: '{v}' is not a number")))
        };
        match a.as_str() {
            "-h" | "--help" => {
                print!("{HELP}");
                return Ok(());
            }
            "-d" | "--device" => device = Some(value(a)?),
            "-i" | "--input" => input = Some(value(a)?),
            "-o" | "--output" => output = Some(value(a)?),
            "-f" | "--output-format" => out_fourcc = Some(parse_fourcc(&value(a)?)?),
            "-F" | "--capture-format" => cap_fourcc = Some(parse_fourcc(&value(a)?)?),
            "-s" | "--size" => size = Some(parse_size(&value(a)?)?),
            "-c" | "--chunk" => chunk = Some(num(value(a)?, a)?.max(1)),
            "-n" | "--frames" => frames = num(value(a)?, a)?.max(1),
            "--output-buffers" => out_bufs = num(value(a)?, a)?.clamp(1, 32) as u32,
            "--capture-buffers" => cap_bufs = num(value(a)?, a)?.clamp(1, 32) as u32,
            "-q" | "--quiet" => quiet = true,
            "--bitrate" => controls.push((abi::V4L2_CID_MPEG_VIDEO_BITRATE, parse_bitrate(&value(a)?)? as i32)),
            "--rc" => {
                rc = Some(match value(a)?.to_ascii_lowercase().as_str() {
                    "vbr" => abi::V4L2_MPEG_VIDEO_BITRATE_MODE_VBR,
                    "cbr" => abi::V4L2_MPEG_VIDEO_BITRATE_MODE_CBR,
                    "cq" => abi::V4L2_MPEG_VIDEO_BITRATE_MODE_CQ,
                    other => return Err(ToolError::Usage(format!("--rc: '{other}' is not vbr, cbr or cq"))),
                })
            }
            "--qp" => qp = Some(parse_qp(&value(a)?)?),
            "--gop" => {
                controls.push((abi::V4L2_CID_MPEG_VIDEO_GOP_SIZE, num(value(a)?, a)?.min(i32::MAX as usize) as i32))
            }
            "--i-period" => controls
                .push((abi::V4L2_CID_MPEG_VIDEO_H264_I_PERIOD, num(value(a)?, a)?.min(i32::MAX as usize) as i32)),
            "--fps" => fps = Some(parse_fps(&value(a)?)?),
            "--header-mode" => {
                let mode = match value(a)?.to_ascii_lowercase().as_str() {
                    "separate" => abi::V4L2_MPEG_VIDEO_HEADER_MODE_SEPARATE,
                    "joined" => abi::V4L2_MPEG_VIDEO_HEADER_MODE_JOINED_WITH_1ST_FRAME,
                    other => {
                        return Err(ToolError::Usage(format!("--header-mode: '{other}' is not separate or joined")))
                    }
                };
                controls.push((abi::V4L2_CID_MPEG_VIDEO_HEADER_MODE, mode as i32));
            }
            "--force-key" => {
                let list = value(a)?;
                force = list.split(',').map(|v| num(v.trim().to_string(), a)).collect::<Result<Vec<_>, _>>()?;
                force.sort_unstable();
                force.dedup();
            }
            "--stride" => stride = Some(num(value(a)?, a)?.min(u32::MAX as usize) as u32),
            "--crop" => crop = Some(parse_size(&value(a)?)?),
            other => return Err(ToolError::Usage(format!("unknown option '{other}' (see --help)"))),
        }
    }
    if qp.is_some() && rc.is_none() {
        rc = Some(abi::V4L2_MPEG_VIDEO_BITRATE_MODE_CQ);
    }
    if let Some(mode) = rc {
        controls.insert(0, (abi::V4L2_CID_MPEG_VIDEO_BITRATE_MODE, mode as i32));
        if mode != abi::V4L2_MPEG_VIDEO_BITRATE_MODE_CQ && qp.is_some() {
            return Err(ToolError::Usage("--qp sets constant QPs: use it with --rc cq".into()));
        }
    }
    if let Some((i, p)) = qp {
        controls.push((abi::V4L2_CID_MPEG_VIDEO_H264_I_FRAME_QP, i));
        controls.push((abi::V4L2_CID_MPEG_VIDEO_H264_P_FRAME_QP, p));
    }
    let encoder_options =
        !controls.is_empty() || fps.is_some() || !force.is_empty() || stride.is_some() || crop.is_some();
    let data = if demo {
        let (w, h) = size.unwrap_or((640, 360));
        eprintln!("m2m-codec demo: synthesising {frames} frames of {w}x{h} H.264 in-process (OpenH264 encoder)...");
        size = None;
        codec_tool::demo::synthesise(w as usize, h as usize, frames)?
    } else {
        let path = input.ok_or_else(|| ToolError::Usage("no input: -i FILE (see --help)".into()))?;
        std::fs::read(&path).map_err(|e| ToolError::Usage(format!("cannot read input '{path}': {e}")))?
    };
    // A stream's format, unless given, is recognised from its first NAL unit; without -d
    // it chooses the node.
    let out_fourcc = out_fourcc.or_else(|| codec_tool::select::sniff_format(&data));
    let device = match device {
        Some(d) => d,
        None => out_fourcc
            .and_then(codec_tool::select::decoder_for)
            .unwrap_or_else(|| codec_tool::select::DEFAULT_NODE.to_string()),
    };
    let mut opts = Options::new(&device, data);
    opts.output_fourcc = out_fourcc;
    opts.capture_fourcc = cap_fourcc;
    opts.size = size;
    opts.chunking = chunk.map_or(Chunking::Frame, Chunking::Bytes);
    opts.output_buffers = out_bufs;
    opts.capture_buffers = cap_bufs;
    opts.sink = match output.as_deref() {
        None | Some("-") => Sink::Checksum,
        Some(p) => Sink::File(PathBuf::from(p)),
    };
    opts.progress = !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()) && opts.input.len() > 1 << 20;
    opts.stall_timeout = Duration::from_secs(5);
    opts.controls = controls;
    opts.frame_rate = fps;
    opts.force_key_frames = force;
    opts.output_bytesperline = stride;
    opts.crop = crop;
    if demo {
        eprintln!("m2m-codec demo: decoding {} bytes through {device}...", opts.input.len());
    }
    let summary = run(&opts)?;
    let encoder = summary.frame_rate.0 != 0;
    if encoder_options && !encoder {
        return Err(ToolError::Usage(format!("{device} is not an encoder: the encoder options do not apply")));
    }
    let backend = codec_tool::device::Device::open(&device).map(|d| d.card.clone()).unwrap_or_default();
    print_summary(&summary, &device, &backend, encoder);
    Ok(())
}
