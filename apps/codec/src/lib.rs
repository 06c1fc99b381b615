//! `m2m-codec`: the codec tool (the role of NuttX's nxcodec). It drives a V4L2
//! memory-to-memory codec node of the simulator board through the board's VFS file
//! descriptors and raw V4L2 ioctls, exactly as a firmware application does: formats,
//! MMAP buffers, a poll loop with events (SOURCE_CHANGE with CAPTURE re-setup, EOS), a
//! proper drain (DECODER_CMD / ENCODER_CMD STOP), and a summary.
//!
//! The loop is the same for decoders (bitstream in, frames out) and encoders (frames in,
//! bitstream out): the device's OUTPUT format decides which it is.

#![deny(missing_docs)]

pub mod demo;
pub mod device;
pub mod h264;
pub mod refusal;
pub mod select;
pub mod sys;

use std::io::Write;
use std::time::{Duration, Instant};

use v4l2m2m::{abi, Errno};

use device::{Device, Format};

/// What went wrong, with a message for the user.
#[derive(Debug)]
pub enum ToolError {
    /// Bad command line, missing file, unknown format, device that refuses a format.
    Usage(String),
    /// A V4L2 call failed unexpectedly.
    Device(String),
    /// The input held nothing the device could decode.
    NothingDecoded(String),
    /// The device refused the stream with a fatal stream error (`EIO`, `POLLERR`): it
    /// cannot decode it. The message says what in the stream is unsupported.
    Refused(String),
    /// Input/output file error.
    Io(String),
}

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ToolError::Usage(m)
            | ToolError::Device(m)
            | ToolError::NothingDecoded(m)
            | ToolError::Refused(m)
            | ToolError::Io(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ToolError {}

/// How the input is cut into OUTPUT buffers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chunking {
    /// One H.264 access unit per buffer (decoders), one raw frame per buffer (encoders).
    Frame,
    /// Fixed-size byte chunks (a continuous bytestream), the last one shorter.
    Bytes(usize),
}

/// Where decoded/encoded data goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sink {
    /// Written to this file.
    File(std::path::PathBuf),
    /// Kept in [`Summary::data`].
    Memory,
    /// Only checksummed ([`Summary::checksum`]).
    Checksum,
    /// Only counted (no copy at all: benchmarks).
    Discard,
}

/// Everything a run needs.
#[derive(Clone, Debug)]
pub struct Options {
    /// Device node path.
    pub device: String,
    /// OUTPUT pixel format (`None`: the device's default).
    pub output_fourcc: Option<u32>,
    /// CAPTURE pixel format (`None`: the device's default).
    pub capture_fourcc: Option<u32>,
    /// Frame size (required for raw input, a hint for decoders).
    pub size: Option<(u32, u32)>,
    /// Input data.
    pub input: Vec<u8>,
    /// Output destination.
    pub sink: Sink,
    /// Input chunking.
    pub chunking: Chunking,
    /// OUTPUT buffers to request.
    pub output_buffers: u32,
    /// CAPTURE buffers to request (at least the device's minimum is used).
    pub capture_buffers: u32,
    /// Show a progress bar on stderr.
    pub progress: bool,
    /// Give up if nothing happens for this long (a hung device).
    pub stall_timeout: Duration,
    /// Encoders: controls set with one VIDIOC_S_EXT_CTRLS before streaming, as
    /// (`V4L2_CID_*`, value) pairs; a refused or adjusted value is an error.
    pub controls: Vec<(u32, i32)>,
    /// Encoders: frames per second (numerator, denominator), set with S_PARM on OUTPUT.
    pub frame_rate: Option<(u32, u32)>,
    /// Encoders: indices of the input frames to encode as key frames
    /// (`V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME`, set when no frame is queued, before the
    /// frame is queued).
    pub force_key_frames: Vec<usize>,
    /// Encoders: the raw input's luma line length in bytes, if padded (`None`: packed).
    pub output_bytesperline: Option<u32>,
    /// Encoders: the visible picture size, a crop of the OUTPUT frame (S_SELECTION).
    pub crop: Option<(u32, u32)>,
    /// Encoders: set the CAPTURE (coded) format before the OUTPUT one, the order of
    /// dev-encoder.rst; otherwise OUTPUT first, then CAPTURE with only the size.
    pub capture_format_first: bool,
}

impl Options {
    /// Defaults for `device` and `input`.
    pub fn new(device: &str, input: Vec<u8>) -> Options {
        Options {
            device: device.to_string(),
            output_fourcc: None,
            capture_fourcc: None,
            size: None,
            input,
            sink: Sink::Checksum,
            chunking: Chunking::Frame,
            output_buffers: 4,
            capture_buffers: 4,
            progress: false,
            stall_timeout: Duration::from_secs(20),
            controls: Vec::new(),
            frame_rate: None,
            force_key_frames: Vec::new(),
            output_bytesperline: None,
            crop: None,
            capture_format_first: true,
        }
    }
}

/// What a run did.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// CAPTURE buffers with data (frames for a decoder, bitstream buffers for an encoder).
    pub frames: u64,
    /// OUTPUT buffers queued.
    pub output_buffers: u64,
    /// OUTPUT buffers returned with V4L2_BUF_FLAG_ERROR.
    pub output_errors: u64,
    /// CAPTURE buffers returned with V4L2_BUF_FLAG_ERROR.
    pub capture_errors: u64,
    /// SOURCE_CHANGE events handled.
    pub source_changes: u64,
    /// `V4L2_EVENT_EOS` events received, including any still pending when the stream
    /// ended (a drain sends exactly one).
    pub eos_events: u32,
    /// Visible sizes of the CAPTURE stream, in order (one per source change).
    pub resolutions: Vec<(u32, u32)>,
    /// CAPTURE pixel format used.
    pub capture_fourcc: u32,
    /// `V4L2_CID_MIN_BUFFERS_FOR_CAPTURE` read at each CAPTURE setup, in order.
    pub min_capture_buffers: Vec<u32>,
    /// Timestamp (µs) of each CAPTURE buffer with data.
    pub timestamps: Vec<u64>,
    /// Bytes written to the sink.
    pub bytes: u64,
    /// FNV-1a 64 checksum of everything written to the sink.
    pub checksum: u64,
    /// Wall time of the streaming part.
    pub elapsed: Duration,
    /// The output, with [`Sink::Memory`].
    pub data: Vec<u8>,
    /// `V4L2_BUF_FLAG_*` of each CAPTURE buffer with data, in order.
    pub flags: Vec<u32>,
    /// Encoders: CAPTURE buffers flagged `V4L2_BUF_FLAG_KEYFRAME`.
    pub key_frames: u64,
    /// Encoders: CAPTURE buffers that held parameter sets but no picture (header mode
    /// SEPARATE).
    pub header_buffers: u64,
    /// Encoders: every slice of the bitstream, in order.
    pub slices: Vec<h264::Slice>,
    /// Encoders: the frame rate of the stream (numerator, denominator), from G_PARM.
    pub frame_rate: (u32, u32),
}

impl Summary {
    /// Frames per second.
    pub fn fps(&self) -> f64 {
        self.frames as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Encoders: the achieved bitrate in bit/s, bits / (frames / frame rate).
    pub fn bitrate(&self) -> f64 {
        let (num, den) = self.frame_rate;
        if self.frames == 0 || num == 0 || den == 0 {
            return 0.0;
        }
        let seconds = self.frames as f64 * f64::from(den) / f64::from(num);
        self.bytes as f64 * 8.0 / seconds
    }

    /// Encoders: the lowest and highest slice QP of the intra (`true`) or the predicted
    /// (`false`) slices.
    pub fn qp_range(&self, intra: bool) -> Option<(i32, i32)> {
        let qps = self.slices.iter().filter(|s| (s.slice_type == 2) == intra).map(|s| s.qp);
        qps.fold(None, |acc, qp| Some(acc.map_or((qp, qp), |(lo, hi): (i32, i32)| (lo.min(qp), hi.max(qp)))))
    }
}

/// The names of the encoder controls the tool sets, for messages.
pub fn control_name(id: u32) -> String {
    let name = match id {
        abi::V4L2_CID_MPEG_VIDEO_BITRATE => "V4L2_CID_MPEG_VIDEO_BITRATE",
        abi::V4L2_CID_MPEG_VIDEO_BITRATE_MODE => "V4L2_CID_MPEG_VIDEO_BITRATE_MODE",
        abi::V4L2_CID_MPEG_VIDEO_FRAME_RC_ENABLE => "V4L2_CID_MPEG_VIDEO_FRAME_RC_ENABLE",
        abi::V4L2_CID_MPEG_VIDEO_GOP_SIZE => "V4L2_CID_MPEG_VIDEO_GOP_SIZE",
        abi::V4L2_CID_MPEG_VIDEO_H264_I_PERIOD => "V4L2_CID_MPEG_VIDEO_H264_I_PERIOD",
        abi::V4L2_CID_MPEG_VIDEO_H264_I_FRAME_QP => "V4L2_CID_MPEG_VIDEO_H264_I_FRAME_QP",
        abi::V4L2_CID_MPEG_VIDEO_H264_P_FRAME_QP => "V4L2_CID_MPEG_VIDEO_H264_P_FRAME_QP",
        abi::V4L2_CID_MPEG_VIDEO_HEADER_MODE => "V4L2_CID_MPEG_VIDEO_HEADER_MODE",
        abi::V4L2_CID_MPEG_VIDEO_REPEAT_SEQ_HEADER => "V4L2_CID_MPEG_VIDEO_REPEAT_SEQ_HEADER",
        abi::V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME => "V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME",
        abi::V4L2_CID_MPEG_VIDEO_B_FRAMES => "V4L2_CID_MPEG_VIDEO_B_FRAMES",
        _ => return format!("control {id:#x}"),
    };
    name.to_string()
}

/// Sets `controls` on an encoder: TRY_EXT_CTRLS first (its `error_idx` names a refused
/// control), then S_EXT_CTRLS, then G_EXT_CTRLS to check that nothing was adjusted.
fn apply_controls(dev: &Device, path: &str, controls: &[(u32, i32)]) -> Result<(), ToolError> {
    if controls.is_empty() {
        return Ok(());
    }
    let refused = |(e, idx): (Errno, u32)| -> ToolError {
        match controls.get(idx as usize) {
            Some(&(id, value)) => ToolError::Usage(format!("{path} refused {} = {value}: {e}", control_name(id))),
            None => ToolError::Usage(format!("{path} refused the encoder controls: {e}")),
        }
    };
    dev.try_controls(controls).map_err(refused)?;
    dev.set_controls(controls).map_err(refused)?;
    let ids: Vec<u32> = controls.iter().map(|c| c.0).collect();
    let got = dev.get_controls(&ids).map_err(|(e, _)| ToolError::Device(format!("VIDIOC_G_EXT_CTRLS: {e}")))?;
    for (&(id, want), have) in controls.iter().zip(got) {
        if have != want {
            return Err(ToolError::Usage(format!(
                "{path} does not support {} = {want} (it applied {have})",
                control_name(id)
            )));
        }
    }
    Ok(())
}

/// A FourCC as text (`"H264"`).
pub fn fourcc_name(f: u32) -> String {
    f.to_le_bytes().iter().map(|&b| if b.is_ascii_graphic() { b as char } else { '?' }).collect()
}

/// Parses a FourCC: 4 characters, or a common alias (`I420`, `YU12`, `NV12`, `YM12`...).
pub fn parse_fourcc(s: &str) -> Result<u32, ToolError> {
    let up = s.to_ascii_uppercase();
    let name = match up.as_str() {
        "I420" | "YUV420" | "YU12" => "YU12",
        "YUV420M" | "YM12" => "YM12",
        "NV12M" | "NM12" => "NM12",
        "H.264" => "H264",
        other => other,
    };
    let b = name.as_bytes();
    if b.len() != 4 {
        return Err(ToolError::Usage(format!(
            "unknown format '{s}': give a FourCC such as H264, YU12, NV12, YM12, NM12"
        )));
    }
    Ok(abi::v4l2_fourcc(b[0], b[1], b[2], b[3]))
}

struct Writer {
    sink: Sink,
    file: Option<std::io::BufWriter<std::fs::File>>,
    data: Vec<u8>,
    bytes: u64,
    hash: u64,
}

impl Writer {
    fn new(sink: &Sink) -> Result<Writer, ToolError> {
        let file = match sink {
            Sink::File(p) => Some(std::io::BufWriter::with_capacity(
                1 << 20,
                std::fs::File::create(p).map_err(|e| ToolError::Io(format!("cannot create {}: {e}", p.display())))?,
            )),
            _ => None,
        };
        Ok(Writer { sink: sink.clone(), file, data: Vec::new(), bytes: 0, hash: 0xcbf2_9ce4_8422_2325 })
    }

    fn write(&mut self, chunk: &[u8]) -> Result<(), ToolError> {
        for &b in chunk {
            self.hash = (self.hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.bytes += chunk.len() as u64;
        match (&self.sink, self.file.as_mut()) {
            (Sink::File(p), Some(f)) => {
                f.write_all(chunk).map_err(|e| ToolError::Io(format!("writing {}: {e}", p.display())))
            }
            (Sink::Memory, _) => {
                self.data.extend_from_slice(chunk);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn finish(&mut self) -> Result<(), ToolError> {
        if let Some(f) = self.file.as_mut() {
            f.flush().map_err(|e| ToolError::Io(format!("writing output: {e}")))?;
        }
        Ok(())
    }
}

/// How a raw format the tool can crop and write stores a picture.
#[derive(Clone, Copy)]
struct RawLayout {
    /// Bytes per sample (2 for P010's 16-bit words).
    sample: usize,
    /// Vertical chroma subsampling (2 for 4:2:0, 1 for 4:2:2).
    chroma_rows: usize,
    /// Cb and Cr interleaved in one plane (NV12, NV16, P010).
    interleaved: bool,
}

/// The layout of `fourcc`, if the tool can write it.
fn raw_layout(fourcc: u32) -> Option<RawLayout> {
    let (sample, chroma_rows, interleaved) = match fourcc {
        abi::V4L2_PIX_FMT_YUV420 | abi::V4L2_PIX_FMT_YUV420M => (1, 2, false),
        abi::V4L2_PIX_FMT_NV12 | abi::V4L2_PIX_FMT_NV12M => (1, 2, true),
        abi::V4L2_PIX_FMT_P010 => (2, 2, true),
        abi::V4L2_PIX_FMT_YUV422P | abi::V4L2_PIX_FMT_YUV422M => (1, 1, false),
        abi::V4L2_PIX_FMT_NV16 => (1, 1, true),
        _ => return None,
    };
    Some(RawLayout { sample, chroma_rows, interleaved })
}

/// Writes the visible rectangle of a raw frame held in `planes` (one per memory plane).
fn write_visible(
    w: &mut Writer,
    fmt: &Format,
    rect: abi::v4l2_rect,
    planes: &[&[u8]],
    scratch: &mut Vec<u8>,
) -> Result<(), ToolError> {
    let RawLayout { sample, chroma_rows: sub, interleaved } =
        raw_layout(fmt.pixelformat).unwrap_or(RawLayout { sample: 1, chroma_rows: 2, interleaved: false });
    let bpl = fmt.bytesperline[0] as usize;
    let height = fmt.height as usize;
    let (l, t, vw, vh) = (rect.left as usize, rect.top as usize, rect.width as usize, rect.height as usize);
    let mut comps: Vec<Component<'_>> = Vec::new();
    let luma = bpl * height;
    // Interleaved chroma spans the luma's bytes per line; planar chroma half of them.
    let (cx, cw) = if interleaved { (l * sample, vw * sample) } else { (l / 2 * sample, vw / 2 * sample) };
    let (ct, ch) = (t / sub, vh / sub);
    if planes.len() == 1 {
        let p = planes[0];
        comps.push((p, bpl, l * sample, t, vw * sample, vh));
        if interleaved {
            comps.push((p.get(luma..).unwrap_or(&[]), bpl, cx, ct, cw, ch));
        } else {
            let c = bpl / 2 * (height / sub);
            comps.push((p.get(luma..).unwrap_or(&[]), bpl / 2, cx, ct, cw, ch));
            comps.push((p.get(luma + c..).unwrap_or(&[]), bpl / 2, cx, ct, cw, ch));
        }
    } else {
        comps.push((planes[0], bpl, l * sample, t, vw * sample, vh));
        for p in &planes[1..planes.len().min(if interleaved { 2 } else { 3 })] {
            comps.push((p, fmt.bytesperline[1].max(1) as usize, cx, ct, cw, ch));
        }
    }
    scratch.clear();
    for (data, stride, x, y, width, rows) in comps {
        for r in 0..rows {
            let start = (y + r) * stride + x;
            let row = data
                .get(start..start + width)
                .ok_or_else(|| ToolError::Device("CAPTURE buffer smaller than its format".into()))?;
            scratch.extend_from_slice(row);
        }
    }
    w.write(scratch)
}

/// One component plane to write: (data, stride, x offset bytes, y offset rows, width
/// bytes, rows).
type Component<'a> = (&'a [u8], usize, usize, usize, usize, usize);

fn progress_line(done: usize, total: usize, frames: u64, start: Instant) {
    let pct = (done * 100).checked_div(total).unwrap_or(100);
    let bar = pct / 4;
    let fps = frames as f64 / start.elapsed().as_secs_f64().max(1e-6);
    eprint!("\r[{}{}] {pct:3}% {frames} frames {fps:.1} fps ", "#".repeat(bar), " ".repeat(25 - bar));
}

/// Runs the whole session (formats, buffers, poll loop, drain) on `opts.device`. A
/// stream the device refuses (a fatal stream error) is [`ToolError::Refused`], with what
/// in the stream is unsupported.
pub fn run(opts: &Options) -> Result<Summary, ToolError> {
    let mut dev = Device::open(&opts.device)?;
    session(opts, &mut dev).map_err(|e| match e {
        ToolError::Refused(call) => {
            let _ = dev.stream(false, false);
            let _ = dev.stream(true, false);
            let decoder = dev.enum_formats(true).iter().any(|&(_, f)| f & abi::V4L2_FMT_FLAG_COMPRESSED != 0);
            if decoder {
                ToolError::Refused(refusal::message(&opts.device, &dev.driver, &dev.card, &opts.input))
            } else {
                ToolError::Device(format!("{} ended the stream with a fatal error ({call})", opts.device))
            }
        }
        other => other,
    })
}

fn session(opts: &Options, dev: &mut Device) -> Result<Summary, ToolError> {
    let out_formats = dev.enum_formats(true);
    let cap_formats = dev.enum_formats(false);
    let decoder = out_formats.iter().any(|&(_, flags)| flags & abi::V4L2_FMT_FLAG_COMPRESSED != 0);
    let check = |want: Option<u32>, list: &[(u32, u32)], side: &str| -> Result<Option<u32>, ToolError> {
        match want {
            Some(f) if !list.iter().any(|&(g, _)| g == f) => Err(ToolError::Usage(format!(
                "{} does not support {} on its {side} queue (supported: {})",
                opts.device,
                fourcc_name(f),
                list.iter().map(|&(g, _)| fourcc_name(g)).collect::<Vec<_>>().join(", ")
            ))),
            other => Ok(other),
        }
    };
    let out_fourcc = check(opts.output_fourcc, &out_formats, "OUTPUT (-f)")?;
    let cap_fourcc = check(opts.capture_fourcc, &cap_formats, "CAPTURE (-F)")?;

    // An encoder's coded format first (dev-encoder.rst), unless asked otherwise.
    let coded_size = opts.size;
    if !decoder && opts.capture_format_first {
        if let Some((w, h)) = opts.size {
            let mut c = dev.g_fmt(false)?;
            c.pixelformat = cap_fourcc.unwrap_or(c.pixelformat);
            (c.width, c.height) = (w, h);
            c.sizeimage = [0; 4];
            dev.s_fmt(false, &c)?;
        }
    }
    // OUTPUT format.
    let mut want = dev.g_fmt(true)?;
    if let Some(f) = out_fourcc {
        want.pixelformat = f;
    }
    if let Some((w, h)) = opts.size {
        want.width = w;
        want.height = h;
        // The input is packed: the device picks the line length (a stale one from G_FMT
        // would ask for padding the input does not have).
        want.bytesperline = [0; 4];
        if let Some(bpl) = opts.output_bytesperline {
            want.bytesperline[0] = bpl;
        }
    }
    if decoder {
        want.num_planes = 1;
        want.sizeimage[0] = match opts.chunking {
            Chunking::Bytes(n) => (n as u32).max(4096),
            Chunking::Frame => h264::largest_unit(&opts.input).max(1 << 20) as u32 + 4096,
        };
        want.bytesperline = [0; 4];
    } else if opts.size.is_none() {
        return Err(ToolError::Usage("raw input needs its frame size: -s WIDTHxHEIGHT".into()));
    }
    let out_fmt = dev.s_fmt(true, &want)?;
    if out_fourcc.is_some_and(|f| f != out_fmt.pixelformat) {
        return Err(ToolError::Usage(format!(
            "{} refused OUTPUT format {}",
            opts.device,
            fourcc_name(want.pixelformat)
        )));
    }
    if let Some(bpl) = opts.output_bytesperline.filter(|_| !decoder) {
        if out_fmt.bytesperline[0] != bpl {
            return Err(ToolError::Usage(format!(
                "{} refused an OUTPUT line length of {bpl} bytes (it chose {})",
                opts.device, out_fmt.bytesperline[0]
            )));
        }
    }
    if !decoder {
        if !opts.capture_format_first {
            // OUTPUT first: CAPTURE gets only the size (the coded format stays).
            if let Some((w, h)) = coded_size {
                let mut c = dev.g_fmt(false)?;
                (c.width, c.height) = (w, h);
                c.sizeimage = [0; 4];
                dev.s_fmt(false, &c)?;
            }
        }
        // The crop last: S_FMT resets it.
        if let Some((w, h)) = opts.crop {
            let r = dev.set_crop(w, h)?;
            if (r.width, r.height) != (w, h) {
                return Err(ToolError::Usage(format!(
                    "{} refused the visible size {w}x{h} (it chose {}x{})",
                    opts.device, r.width, r.height
                )));
            }
        }
        if let Some(fps) = opts.frame_rate {
            dev.set_frame_rate(fps)?;
        }
        apply_controls(dev, &opts.device, &opts.controls)?;
    }
    // CAPTURE format: the wanted FourCC now (for a decoder the size comes with SOURCE_CHANGE).
    let mut cap_want = dev.g_fmt(false)?;
    if let Some(f) = cap_fourcc.filter(|_| decoder || !opts.capture_format_first) {
        cap_want.pixelformat = f;
        let got = dev.s_fmt(false, &cap_want)?;
        if got.pixelformat != f {
            return Err(ToolError::Usage(format!("{} refused CAPTURE format {}", opts.device, fourcc_name(f))));
        }
    }
    if decoder {
        dev.subscribe(abi::V4L2_EVENT_SOURCE_CHANGE)?;
    }
    dev.subscribe(abi::V4L2_EVENT_EOS)?;

    // Input chunks.
    let chunks: Vec<(usize, usize)> = match (decoder, opts.chunking) {
        (_, Chunking::Bytes(n)) => {
            (0..opts.input.len()).step_by(n.max(1)).map(|s| (s, (s + n.max(1)).min(opts.input.len()))).collect()
        }
        (true, Chunking::Frame) => h264::access_units(&opts.input),
        (false, Chunking::Frame) => {
            let frame = out_fmt.sizeimage[..out_fmt.num_planes].iter().sum::<u32>().max(1) as usize;
            (0..opts.input.len() / frame).map(|i| (i * frame, (i + 1) * frame)).collect()
        }
    };
    if chunks.is_empty() {
        return Err(ToolError::NothingDecoded("the input is empty".into()));
    }

    dev.setup_buffers(true, opts.output_buffers)?;
    let out_len: usize = dev.output.buffers[0].planes.iter().map(|p| p.len).sum();
    if let Some(&(s, e)) = chunks.iter().find(|&&(s, e)| e - s > out_len) {
        return Err(ToolError::Device(format!(
            "an input chunk of {} bytes does not fit an OUTPUT buffer of {out_len}",
            e - s
        )));
    }
    dev.stream(true, true)?;

    let mut writer = Writer::new(&opts.sink)?;
    let mut summary = Summary::default();
    let mut parser = h264::Parser::new();
    let mut forced = 0usize;
    if !decoder {
        summary.frame_rate = dev.frame_rate()?;
    }
    let mut scratch = Vec::new();
    let mut next_chunk = 0usize;
    let mut stop_sent = false;
    // A STOP sent while CAPTURE was not streaming is a no-op (dev-decoder.rst, as Linux's
    // m2m helpers): it is sent again once CAPTURE streams.
    let mut stop_again = false;
    let mut reconfig_pending = false;
    let mut capture_fmt = Format::default();
    let mut rect = abi::v4l2_rect::zeroed();
    let mut done = false;
    let start = Instant::now();
    let mut last_progress = start;
    let mut last_activity = Instant::now();

    // An encoder's CAPTURE is ready at once.
    if !decoder {
        capture_fmt = setup_capture(dev, opts, cap_fourcc, &mut summary, &mut rect)?;
    }

    while !done {
        // Feed every free OUTPUT buffer.
        while next_chunk < chunks.len() {
            let Some(index) = dev.output.buffers.iter().position(|b| !b.queued) else { break };
            if !decoder && opts.force_key_frames.get(forced) == Some(&next_chunk) {
                // The next frame encoded is a key frame: ask when none is waiting.
                if dev.output.buffers.iter().any(|b| b.queued) {
                    break;
                }
                dev.set_controls(&[(abi::V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME, 0)]).map_err(|(e, _)| {
                    ToolError::Device(format!("{}: {e}", control_name(abi::V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME)))
                })?;
                forced += 1;
            }
            let (s, e) = chunks[next_chunk];
            if decoder {
                let plane = &dev.output.buffers[index].planes[0];
                // SAFETY: the plane is a live mapping of `plane.len` bytes that the device
                // does not use while the buffer is dequeued; the chunk fits (checked above).
                unsafe { core::ptr::copy_nonoverlapping(opts.input[s..e].as_ptr(), plane.ptr, e - s) };
                dev.qbuf(true, index, &[(e - s) as u32], next_chunk as u64)?;
            } else {
                dev.queue_frame(index, &out_fmt, &opts.input[s..e], next_chunk as u64)?;
            }
            summary.output_buffers += 1;
            next_chunk += 1;
            last_activity = Instant::now();
        }
        if next_chunk == chunks.len() && !stop_sent {
            dev.stop(decoder)?;
            stop_sent = true;
            stop_again = decoder && !dev.capture.streaming;
        }

        let mut fds = [sim_board::vfs::PollFd {
            fd: dev.fd,
            events: sim_board::vfs::POLLIN | sim_board::vfs::POLLOUT | sim_board::vfs::POLLPRI,
            revents: 0,
        }];
        sim_board::vfs::poll(&mut fds, 200).map_err(|e| ToolError::Device(format!("poll: {e}")))?;
        let revents = fds[0].revents;

        if revents & sim_board::vfs::POLLPRI != 0 {
            while let Some(ev) = dev.dqevent() {
                last_activity = Instant::now();
                match ev.type_ {
                    abi::V4L2_EVENT_SOURCE_CHANGE => {
                        summary.source_changes += 1;
                        if dev.capture.streaming {
                            reconfig_pending = true; // after the LAST buffer
                        } else {
                            capture_fmt = setup_capture(dev, opts, cap_fourcc, &mut summary, &mut rect)?;
                            if core::mem::take(&mut stop_again) {
                                dev.stop(decoder)?;
                            }
                        }
                    }
                    abi::V4L2_EVENT_EOS => {
                        summary.eos_events += 1;
                        if !dev.capture.streaming {
                            done = true; // nothing was ever decodable
                        }
                    }
                    _ => {}
                }
            }
        }
        // OUTPUT buffers back; EIO is the device refusing the stream (after the buffer that
        // showed it came back flagged as an error), which poll reports as POLLERR.
        loop {
            match dev.dqbuf(true) {
                Ok(Some(b)) => {
                    last_activity = Instant::now();
                    if b.flags & abi::V4L2_BUF_FLAG_ERROR != 0 {
                        summary.output_errors += 1;
                    }
                }
                Err(Errno::EIO) => return Err(ToolError::Refused("VIDIOC_DQBUF(OUTPUT): EIO".into())),
                Ok(None) | Err(_) => break,
            }
        }
        // A decoder announces the stream (SOURCE_CHANGE) before it returns the buffer that
        // completed its headers: all input back, no event and no CAPTURE queue means the
        // input held nothing decodable.
        if decoder && stop_sent && !dev.capture.streaming && dev.output.buffers.iter().all(|b| !b.queued) {
            let mut changed = false;
            while let Some(ev) = dev.dqevent() {
                if ev.type_ == abi::V4L2_EVENT_SOURCE_CHANGE {
                    summary.source_changes += 1;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
            capture_fmt = setup_capture(dev, opts, cap_fourcc, &mut summary, &mut rect)?;
            if core::mem::take(&mut stop_again) {
                dev.stop(decoder)?;
            }
        }
        // CAPTURE buffers.
        while dev.capture.streaming {
            let b = match dev.dqbuf(false) {
                Ok(Some(b)) => b,
                Ok(None) => break,
                Err(Errno::EPIPE) => {
                    done = !reconfig_pending;
                    break;
                }
                Err(Errno::EIO) => return Err(ToolError::Refused("VIDIOC_DQBUF(CAPTURE): EIO".into())),
                Err(e) => return Err(ToolError::Device(format!("VIDIOC_DQBUF(CAPTURE): {e}"))),
            };
            last_activity = Instant::now();
            let used: u32 = b.bytesused.iter().sum();
            if b.flags & abi::V4L2_BUF_FLAG_ERROR != 0 {
                summary.capture_errors += 1;
            } else if used > 0 {
                let buf = &dev.capture.buffers[b.index];
                let planes: Vec<&[u8]> = buf
                    .planes
                    .iter()
                    .zip(b.bytesused)
                    .map(|(p, n)| {
                        // SAFETY: a live mapping of `p.len` bytes the device filled and no
                        // longer touches (the buffer is dequeued); `n` is clamped to it.
                        unsafe { core::slice::from_raw_parts(p.ptr, (n as usize).min(p.len)) }
                    })
                    .collect();
                let mut picture = true;
                if !decoder {
                    let units = parser.parse(planes[0]).map_err(|e| {
                        ToolError::Device(format!("CAPTURE buffer {}: bad bitstream: {e}", summary.flags.len()))
                    })?;
                    let before = summary.slices.len();
                    summary.slices.extend(units.iter().filter_map(|u| match u {
                        h264::Unit::Slice(s) => Some(*s),
                        _ => None,
                    }));
                    picture = summary.slices.len() > before;
                    if b.flags & abi::V4L2_BUF_FLAG_KEYFRAME != 0 {
                        summary.key_frames += 1;
                    }
                }
                if opts.sink == Sink::Discard {
                    // Counted only.
                } else if decoder {
                    write_visible(&mut writer, &capture_fmt, rect, &planes, &mut scratch)?;
                } else {
                    writer.write(planes[0])?;
                }
                summary.flags.push(b.flags);
                if picture {
                    summary.frames += 1;
                    summary.timestamps.push(b.timestamp_us);
                } else {
                    summary.header_buffers += 1;
                }
            }
            if b.flags & abi::V4L2_BUF_FLAG_LAST != 0 {
                // A LAST buffer ends the drain, or precedes a resolution change whose
                // event may not have been read yet.
                while let Some(ev) = dev.dqevent() {
                    match ev.type_ {
                        abi::V4L2_EVENT_SOURCE_CHANGE => {
                            summary.source_changes += 1;
                            reconfig_pending = true;
                        }
                        abi::V4L2_EVENT_EOS => summary.eos_events += 1,
                        _ => {}
                    }
                }
                if reconfig_pending {
                    reconfig_pending = false;
                    // The drain in progress, if any, goes on across the resolution change
                    // and ends with its own LAST buffer (dev-decoder.rst).
                    capture_fmt = setup_capture(dev, opts, cap_fourcc, &mut summary, &mut rect)?;
                } else {
                    done = true;
                }
                break;
            }
            dev.qbuf(false, b.index, &[], 0)?;
        }
        if opts.progress && last_progress.elapsed() > Duration::from_millis(100) {
            last_progress = Instant::now();
            progress_line(chunks[..next_chunk].last().map_or(0, |c| c.1), opts.input.len(), summary.frames, start);
        }
        if last_activity.elapsed() > opts.stall_timeout {
            return Err(ToolError::Device(format!(
                "the device stopped responding for {:?} ({} of {} chunks queued, STOP {}, {} frames, {} source changes, CAPTURE {})",
                opts.stall_timeout,
                next_chunk,
                chunks.len(),
                if stop_sent { "sent" } else { "not sent" },
                summary.frames,
                summary.source_changes,
                if dev.capture.streaming { "streaming" } else { "not set up" }
            )));
        }
    }
    summary.elapsed = start.elapsed();
    while let Some(ev) = dev.dqevent() {
        if ev.type_ == abi::V4L2_EVENT_EOS {
            summary.eos_events += 1;
        }
    }
    if opts.progress {
        progress_line(opts.input.len(), opts.input.len(), summary.frames, start);
        eprintln!();
    }
    writer.finish()?;
    summary.bytes = writer.bytes;
    summary.checksum = writer.hash;
    summary.data = std::mem::take(&mut writer.data);
    // Orderly shutdown: both queues off, buffers freed.
    let _ = dev.stream(false, false);
    let _ = dev.stream(true, false);
    if summary.frames == 0 {
        return Err(ToolError::NothingDecoded(format!(
            "no frame {}: {} of {} OUTPUT buffers were flagged as errors",
            if decoder { "could be decoded (is the input an H.264 Annex-B stream?)" } else { "was produced" },
            summary.output_errors,
            summary.output_buffers
        )));
    }
    Ok(summary)
}

/// (Re)configures CAPTURE after SOURCE_CHANGE (or at start for an encoder).
fn setup_capture(
    dev: &mut Device,
    opts: &Options,
    fourcc: Option<u32>,
    summary: &mut Summary,
    rect: &mut abi::v4l2_rect,
) -> Result<Format, ToolError> {
    if dev.capture.streaming {
        dev.stream(false, false)?;
    }
    dev.release_buffers(false)?;
    let mut fmt = dev.g_fmt(false)?;
    if let Some(f) = fourcc {
        if fmt.pixelformat != f {
            fmt.pixelformat = f;
            fmt = dev.s_fmt(false, &fmt)?;
        }
    }
    *rect = dev.compose().unwrap_or(abi::v4l2_rect { left: 0, top: 0, width: fmt.width, height: fmt.height });
    summary.resolutions.push((rect.width, rect.height));
    summary.capture_fourcc = fmt.pixelformat;
    if raw_layout(fmt.pixelformat).is_none() && summary.source_changes > 0 {
        return Err(ToolError::Usage(format!("cannot write CAPTURE format {}", fourcc_name(fmt.pixelformat))));
    }
    let min = dev.client.g_ctrl(abi::V4L2_CID_MIN_BUFFERS_FOR_CAPTURE).map_or(0, |v| v.max(0) as u32);
    summary.min_capture_buffers.push(min);
    let count = opts.capture_buffers.max(min + 2);
    let n = dev.setup_buffers(false, count)?;
    for i in 0..n {
        dev.qbuf(false, i, &[], 0)?;
    }
    dev.stream(false, true)?;
    Ok(fmt)
}
