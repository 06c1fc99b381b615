//! `m2m-codec`: command-line front end of the codec tool (see `--help`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use codec_tool::{fourcc_name, parse_fourcc, run, Chunking, Options, Sink, Summary, ToolError};

const HELP: &str = "\
m2m-codec: drive a V4L2 memory-to-memory codec node of the simulator board

USAGE:
    m2m-codec -d DEVICE -i INPUT -o OUTPUT [-f FOURCC] [-F FOURCC] [-s WxH] [options]
    m2m-codec demo [-s WxH] [-n FRAMES] [-d DEVICE] [-F FOURCC]

OPTIONS:
    -d, --device PATH     device node (default /dev/video1: H.264 decoder, multi-planar;
                          /dev/video3: the same decoder, single-planar API)
    -i, --input FILE      input: H.264 Annex-B for a decoder, raw frames for an encoder
    -o, --output FILE     output: the visible area of every decoded frame (raw, in the
                          CAPTURE format's plane order: YU12/YM12 -> I420, NV12/NM12 -> NV12);
                          the bitstream for an encoder. '-' or omitted: no output file
    -f, --output-format   OUTPUT queue FourCC (default: the device's, e.g. H264)
    -F, --capture-format  CAPTURE queue FourCC: YU12 (I420), NV12, YM12, NM12 (default: device's)
    -s, --size WxH        frame size (required for raw input; a hint for decoders)
    -c, --chunk BYTES     feed the input in fixed byte chunks instead of one access unit
                          (or raw frame) per OUTPUT buffer
        --output-buffers N   OUTPUT buffers (default 4)
        --capture-buffers N  CAPTURE buffers (default 4, at least the device's minimum + 2)
    -q, --quiet           no progress bar
    -h, --help            this text

The tool talks to the device only through the board's VFS file descriptors and raw
V4L2 ioctls (poll loop, SOURCE_CHANGE and EOS events, DECODER_CMD STOP drain), exactly
as a firmware application does. It prints a summary (frames, fps, errors, checksum =
FNV-1a 64 of the output bytes) and exits with 0 on success, 1 when nothing could be
decoded or the device failed, 2 on usage errors (bad option, missing file, unknown or
refused format).
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

fn print_summary(s: &Summary, device: &str) {
    let res: Vec<String> = s.resolutions.iter().map(|(w, h)| format!("{w}x{h}")).collect();
    println!("device:          {device}");
    println!("capture format:  {}", fourcc_name(s.capture_fourcc));
    println!("resolution:      {}", res.join(" -> "));
    println!("frames:          {}", s.frames);
    println!("time:            {:.3} s", s.elapsed.as_secs_f64());
    println!("fps:             {:.1}", s.fps());
    println!("source changes:  {}", s.source_changes);
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
                _ => ExitCode::from(1),
            }
        }
    }
}

fn real_main(args: &[String]) -> Result<(), ToolError> {
    let demo = args.first().is_some_and(|a| a == "demo");
    let args = if demo { &args[1..] } else { args };
    let mut device = "/dev/video1".to_string();
    let (mut input, mut output) = (None::<String>, None::<String>);
    let (mut out_fourcc, mut cap_fourcc, mut size) = (None, None, None);
    let mut chunk = None;
    let (mut out_bufs, mut cap_bufs) = (4u32, 4u32);
    let mut quiet = false;
    let mut frames = 120usize;
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
            "-d" | "--device" => device = value(a)?,
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
            other => return Err(ToolError::Usage(format!("unknown option '{other}' (see --help)"))),
        }
    }
    let data = if demo {
        let (w, h) = size.unwrap_or((640, 360));
        eprintln!("m2m-codec demo: synthesising {frames} frames of {w}x{h} H.264 in-process (OpenH264 encoder)...");
        size = None;
        codec_tool::demo::synthesise(w as usize, h as usize, frames)?
    } else {
        let path = input.ok_or_else(|| ToolError::Usage("no input: -i FILE (see --help)".into()))?;
        std::fs::read(&path).map_err(|e| ToolError::Usage(format!("cannot read input '{path}': {e}")))?
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
    if demo {
        eprintln!("m2m-codec demo: decoding {} bytes through {device}...", opts.input.len());
    }
    let summary = run(&opts)?;
    print_summary(&summary, &device);
    Ok(())
}
