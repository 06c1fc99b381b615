//! A host H.264 decoder lower half for the `v4l2-m2m` framework, backed by Cisco's
//! OpenH264 (through the `openh264` crate, built from its bundled source).
//!
//! It behaves as a stateful decoder of Linux's dev-decoder.rst:
//! - OUTPUT: `V4L2_PIX_FMT_H264` (Annex B), flagged COMPRESSED and DYN_RESOLUTION.
//!   Buffers may hold whole access units or arbitrary byte chunks of the stream: an
//!   accumulator ([`bitstream::Accumulator`]) cuts the continuous bytestream into access
//!   units, so both decode identically.
//! - CAPTURE: YUV420 (I420) and NV12, plus YUV420M and NV12M on a multi-planar node. The
//!   CAPTURE format has the *coded* size (macroblock aligned); the visible rectangle is the
//!   COMPOSE selection. Only the visible area of each buffer is written.
//! - Deferred initialisation: the OpenH264 instance is created at STREAMON(OUTPUT).
//! - Header parsing without CAPTURE buffers, then `V4L2_EVENT_SOURCE_CHANGE` (also on a
//!   mid-stream resolution change, after every frame of the old resolution was returned),
//!   `V4L2_CID_MIN_BUFFERS_FOR_CAPTURE`, and the COMPOSE rectangle.
//! - Each frame carries the timestamp of the OUTPUT buffer in which its access unit began.
//! - Drain (DECODER_CMD STOP): every pending unit is decoded and OpenH264's internal frames
//!   are flushed, then the framework emits the empty LAST buffer and EOS.
//! - Corrupt input: the OUTPUT buffer being consumed when a unit failed to decode is
//!   returned with `V4L2_BUF_FLAG_ERROR`; nothing hangs and no buffer is kept.
//!
//! - Streams the backend cannot decode exactly are refused ([`limits`]): see below.
//!
//! Error attribution: an access unit is known to be complete only when the next one
//! starts, so a decoding error is flagged on the OUTPUT buffer whose data completed the
//! failing unit (with one access unit per buffer: the buffer after it). Errors found while
//! draining, when no OUTPUT buffer is left, are counted in [`DecoderStats`] only.
//!
//! # What the backend decodes
//!
//! OpenH264 decodes 8-bit 4:2:0 progressive Baseline, Main and High streams without B
//! slices exactly (bit for bit as the standard's decoding process). It produces nothing
//! for more than 8 bits per sample (High 10), 4:0:0, 4:2:2 or 4:4:4 chroma (High 4:2:2,
//! High 4:4:4) and interlaced coding (`frame_mbs_only_flag` 0: field pictures, MBAFF), and
//! near-miss pictures for B slices. The driver reads the SPS (profile, chroma format, bit
//! depths, frame/field coding, lossless coding), the slice type of every slice header and
//! whether the stream starts with an IDR picture, and the first access unit it cannot
//! decode exactly ends the stream, the documented V4L2 way:
//!
//! - [`ContextHandle::stream_error`] puts both queues into the error state: QBUF and
//!   DQBUF answer `EIO` and poll reports `POLLERR`, until the application stops both
//!   queues (the stream cannot be decoded, so there is nothing to resume);
//! - then the OUTPUT buffer that brought the unit (as soon as its SPS or slice header is
//!   there) is returned flagged `V4L2_BUF_FLAG_ERROR`;
//! - the reason goes to the board's log (see [`SimH264Decoder::with_log`]) and is
//!   counted in [`DecoderStats::refused`].
//!
//! Pictures of earlier access units that the application has dequeued are valid. From
//! the refusal on, DQBUF answers `EIO` even for pictures already waiting in the CAPTURE
//! queue (videobuf2 checks its error state before its done list), and pictures OpenH264
//! still holds are dropped: the stream is refused as a whole rather than delivered with a
//! silent gap, so that no application takes a partial decode for a complete one. A
//! refusal found only at the end of a drain (the last unit's header arrived incomplete
//! until then) has no OUTPUT buffer left to flag; the error state is the same.

#![deny(missing_docs)]

pub mod bitstream;
pub mod dpb;
pub mod limits;
mod openh264_raw;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};

use v4l2m2m::abi;
use v4l2m2m::driver::{FourCc, PlaneFormat};
use v4l2m2m::{
    BufferApi, CodecOps, Completion, ContextHandle, Direction, DoneFlags, Errno, FormatDesc, Formats, FrameSize, Job,
    JobStatus, PixFormat, QueueStatus, Rect, Result, Timestamp,
};

use bitstream::{Accumulator, SpsInfo};
use limits::Unsupported;
use openh264_raw::{DecodeOutcome, Frame, RawDecoder};

/// Largest coded width or height accepted.
pub const MAX_DIMENSION: u32 = 4096;
/// Smallest coded width or height.
pub const MIN_DIMENSION: u32 = 16;
/// Default `sizeimage` of an OUTPUT (bitstream) buffer when the application gives none.
pub const DEFAULT_OUTPUT_SIZE: u32 = 1 << 20;
/// CAPTURE buffers the decoder needs to make progress (it copies frames out of OpenH264's
/// own picture buffers, so it keeps none of them as references): the
/// `V4L2_CID_MIN_BUFFERS_FOR_CAPTURE` before the stream is known, and the least one
/// announced for a stream ([`dpb`]).
pub const MIN_CAPTURE_BUFFERS: u32 = 2;

/// Counters shared by every context of one decoder device (for diagnostics and tests).
#[derive(Debug, Default)]
pub struct DecoderStats {
    /// Frames written to CAPTURE buffers.
    pub frames: AtomicU64,
    /// Access units OpenH264 refused (corrupt or missing references).
    pub decode_errors: AtomicU64,
    /// OpenH264 instances created (one per STREAMON(OUTPUT) without a live instance).
    pub instances: AtomicU64,
    /// Streams refused because the backend cannot decode them exactly.
    pub refused: AtomicU64,
}

/// The decoder lower half. One value serves every open file of a device node.
pub struct SimH264Decoder {
    api: BufferApi,
    stats: DecoderStats,
    log: fn(&str),
}

impl SimH264Decoder {
    /// A decoder for a node speaking `api` (single- or multi-planar), logging nowhere.
    pub const fn new(api: BufferApi) -> Self {
        Self {
            api,
            stats: DecoderStats {
                frames: AtomicU64::new(0),
                decode_errors: AtomicU64::new(0),
                instances: AtomicU64::new(0),
                refused: AtomicU64::new(0),
            },
            log: |_| {},
        }
    }

    /// The same decoder, writing one line through `log` (the board's log) for each
    /// stream it refuses, with the reason.
    pub const fn with_log(self, log: fn(&str)) -> Self {
        Self { log, ..self }
    }

    /// The device-wide counters.
    pub fn stats(&self) -> &DecoderStats {
        &self.stats
    }

    fn capture_formats(&self) -> &'static [FormatDesc] {
        const SP: &[FormatDesc] = &[
            FormatDesc { pixelformat: abi::V4L2_PIX_FMT_YUV420, flags: 0, description: "Planar YUV 4:2:0" },
            FormatDesc { pixelformat: abi::V4L2_PIX_FMT_NV12, flags: 0, description: "Y/UV 4:2:0" },
        ];
        const MP: &[FormatDesc] = &[
            FormatDesc { pixelformat: abi::V4L2_PIX_FMT_YUV420M, flags: 0, description: "Planar YUV 4:2:0 (N-C)" },
            FormatDesc { pixelformat: abi::V4L2_PIX_FMT_NV12M, flags: 0, description: "Y/UV 4:2:0 (N-C)" },
            FormatDesc { pixelformat: abi::V4L2_PIX_FMT_YUV420, flags: 0, description: "Planar YUV 4:2:0" },
            FormatDesc { pixelformat: abi::V4L2_PIX_FMT_NV12, flags: 0, description: "Y/UV 4:2:0" },
        ];
        match self.api {
            BufferApi::SinglePlanar => SP,
            BufferApi::MultiPlanar => MP,
        }
    }
}

/// The layout of a raw CAPTURE format: planes, and for each plane which picture
/// components it holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Layout {
    /// Y, U, V in one plane (YUV420).
    I420,
    /// Y, interleaved UV in one plane (NV12).
    Nv12,
    /// Y, U, V in three planes (YUV420M).
    I420M,
    /// Y and UV in two planes (NV12M).
    Nv12M,
}

impl Layout {
    fn of(fourcc: FourCc) -> Option<Layout> {
        match fourcc {
            abi::V4L2_PIX_FMT_YUV420 => Some(Layout::I420),
            abi::V4L2_PIX_FMT_NV12 => Some(Layout::Nv12),
            abi::V4L2_PIX_FMT_YUV420M => Some(Layout::I420M),
            abi::V4L2_PIX_FMT_NV12M => Some(Layout::Nv12M),
            _ => None,
        }
    }
}

/// A raw CAPTURE format of `fourcc` at coded size `width`x`height` (even numbers).
pub fn raw_format(fourcc: FourCc, width: u32, height: u32) -> PixFormat {
    let mut fmt = PixFormat::empty();
    fmt.width = width;
    fmt.height = height;
    fmt.pixelformat = fourcc;
    fmt.colorspace = abi::V4L2_COLORSPACE_REC709;
    let luma = width * height;
    let planes: &[(u32, u32)] = match Layout::of(fourcc) {
        Some(Layout::I420) | Some(Layout::Nv12) | None => &[(width, luma * 3 / 2)],
        Some(Layout::I420M) => &[(width, luma), (width / 2, luma / 4), (width / 2, luma / 4)],
        Some(Layout::Nv12M) => &[(width, luma), (width, luma / 2)],
    };
    for (i, &(bytesperline, sizeimage)) in planes.iter().enumerate() {
        fmt.planes[i] = PlaneFormat { bytesperline, sizeimage };
    }
    fmt.num_planes = planes.len() as u8;
    fmt
}

fn bitstream_format(width: u32, height: u32, sizeimage: u32) -> PixFormat {
    let mut fmt = PixFormat::empty();
    fmt.width = width;
    fmt.height = height;
    fmt.pixelformat = abi::V4L2_PIX_FMT_H264;
    fmt.colorspace = abi::V4L2_COLORSPACE_REC709;
    fmt.num_planes = 1;
    let default = DEFAULT_OUTPUT_SIZE.max(width * height * 3 / 4);
    let size = if sizeimage == 0 { default } else { sizeimage.clamp(4096, 64 << 20) };
    fmt.planes[0] = PlaneFormat { bytesperline: 0, sizeimage: size };
    fmt
}

fn align16(v: u32) -> u32 {
    v.clamp(MIN_DIMENSION, MAX_DIMENSION).div_ceil(16) * 16
}

/// Per-open decoder state.
pub struct DecoderContext {
    decoder: Option<RawDecoder>,
    acc: Accumulator,
    /// Stream geometry announced to the application (with SOURCE_CHANGE or accepted as
    /// pre-configured), if any.
    announced: Option<SpsInfo>,
    /// Frames decoded while no CAPTURE buffer was available.
    stash: VecDeque<Frame>,
    /// Set when a decode error must be flagged on the next OUTPUT buffer returned.
    error_pending: bool,
}

impl DecoderContext {
    /// Whether the OpenH264 instance exists (STREAMON(OUTPUT) happened).
    pub fn initialised(&self) -> bool {
        self.decoder.is_some()
    }
}

impl CodecOps for SimH264Decoder {
    type Context = DecoderContext;

    fn open(&self) -> Result<DecoderContext> {
        Ok(DecoderContext {
            decoder: None,
            acc: Accumulator::default(),
            announced: None,
            stash: VecDeque::new(),
            error_pending: false,
        })
    }

    fn default_formats(&self) -> Formats {
        let capture = match self.api {
            BufferApi::SinglePlanar => abi::V4L2_PIX_FMT_YUV420,
            BufferApi::MultiPlanar => abi::V4L2_PIX_FMT_YUV420M,
        };
        Formats { output: bitstream_format(1280, 720, 0), capture: raw_format(capture, 1280, 720) }
    }

    fn enum_fmt(&self, dir: Direction, index: u32) -> Result<FormatDesc> {
        const H264: FormatDesc = FormatDesc {
            pixelformat: abi::V4L2_PIX_FMT_H264,
            flags: abi::V4L2_FMT_FLAG_COMPRESSED | abi::V4L2_FMT_FLAG_DYN_RESOLUTION,
            description: "H.264",
        };
        let list: &[FormatDesc] = match dir {
            Direction::Output => &[H264],
            Direction::Capture => self.capture_formats(),
        };
        list.get(index as usize).copied().ok_or(Errno::EINVAL)
    }

    fn try_fmt(&self, ctx: &DecoderContext, _formats: &Formats, dir: Direction, fmt: &mut PixFormat) -> Result<()> {
        match dir {
            Direction::Output => {
                let (w, h) = if fmt.width == 0 || fmt.height == 0 {
                    (0, 0)
                } else {
                    (fmt.width.clamp(MIN_DIMENSION, MAX_DIMENSION), fmt.height.clamp(MIN_DIMENSION, MAX_DIMENSION))
                };
                *fmt = bitstream_format(w, h, fmt.planes[0].sizeimage);
            }
            Direction::Capture => {
                let fourcc = if self.capture_formats().iter().any(|d| d.pixelformat == fmt.pixelformat) {
                    fmt.pixelformat
                } else {
                    self.capture_formats()[0].pixelformat
                };
                // Once the stream is known, its coded size is the only one possible.
                let (w, h) = match ctx.announced {
                    Some(sps) => (sps.coded_width, sps.coded_height),
                    None => (align16(fmt.width), align16(fmt.height)),
                };
                *fmt = raw_format(fourcc, w, h);
            }
        }
        Ok(())
    }

    fn s_fmt(&self, ctx: &mut DecoderContext, dir: Direction, formats: &mut Formats) -> Result<()> {
        // Before the stream is parsed, a coded size given on OUTPUT sizes CAPTURE.
        if dir == Direction::Output && ctx.announced.is_none() && formats.output.width > 0 {
            formats.capture =
                raw_format(formats.capture.pixelformat, align16(formats.output.width), align16(formats.output.height));
        }
        Ok(())
    }

    /// Sizes as Linux's stateful decoders report them, so that an application can match
    /// the size it parsed from the stream (1920x1080, 318x238) against them: the bitstream
    /// format takes any size in the range, step 1 (`V4L2_FRMSIZE_TYPE_CONTINUOUS`: a stream
    /// is coded in whole macroblocks and cropped); the raw formats any even size, the
    /// visible picture of a 4:2:0 stream (buffers are still padded to whole macroblocks, the
    /// COMPOSE rectangle saying which part is the picture).
    fn enum_framesizes(&self, pixelformat: FourCc, index: u32) -> Result<FrameSize> {
        let step = if pixelformat == abi::V4L2_PIX_FMT_H264 {
            1
        } else if self.capture_formats().iter().any(|d| d.pixelformat == pixelformat) {
            2
        } else {
            return Err(Errno::EINVAL);
        };
        if index > 0 {
            return Err(Errno::EINVAL);
        }
        Ok(FrameSize::Stepwise {
            min_width: MIN_DIMENSION,
            max_width: MAX_DIMENSION,
            step_width: step,
            min_height: MIN_DIMENSION,
            max_height: MAX_DIMENSION,
            step_height: step,
        })
    }

    fn streamon(&self, ctx: &mut DecoderContext, dir: Direction, _formats: &Formats) -> Result<()> {
        if dir == Direction::Output && ctx.decoder.is_none() {
            ctx.decoder = Some(RawDecoder::new().map_err(|_| Errno::ENOMEM)?);
            self.stats.instances.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    fn streamoff(&self, ctx: &mut DecoderContext, dir: Direction) {
        match dir {
            // A seek: drop the buffered bitstream and the decoder's state; the next
            // STREAMON(OUTPUT) starts a fresh instance. The announced geometry stays, so
            // resuming at the same resolution needs no new SOURCE_CHANGE.
            Direction::Output => {
                ctx.acc.clear();
                ctx.decoder = None;
                ctx.stash.clear();
                ctx.error_pending = false;
            }
            Direction::Capture => ctx.stash.clear(),
        }
    }

    fn job_ready(&self, s: &QueueStatus) -> bool {
        if !s.output_streaming || s.capture_setup_pending {
            return false;
        }
        if !s.capture_streaming {
            // Header parsing: bitstream alone is enough.
            return s.output_queued > 0 || s.draining;
        }
        s.capture_queued > 0 && (s.output_queued > 0 || s.draining)
    }

    fn device_run(&self, ctx: &mut DecoderContext, job: Job<'_>) -> JobStatus {
        let h = job.handle();
        let capture = job.formats().capture;
        let _ = self.run(ctx, h, capture);
        JobStatus::Finished
    }
}

/// Why a job stopped.
enum Stop {
    /// Nothing more can be done now (no buffer, waiting for the application).
    Idle,
    /// The handle was refused (the file closed): give up.
    Closed,
}

impl From<Errno> for Stop {
    fn from(_: Errno) -> Self {
        Stop::Closed
    }
}

impl SimH264Decoder {
    /// The body of a job: decode as far as the buffers allow.
    fn run(&self, ctx: &mut DecoderContext, h: ContextHandle, capture: PixFormat) -> core::result::Result<(), Stop> {
        let mut fourcc = capture.pixelformat;
        loop {
            let status = h.status()?;
            if status.capture_setup_pending {
                return Err(Stop::Idle);
            }
            if Layout::of(fourcc).is_none() {
                fourcc = self.capture_formats()[0].pixelformat;
            }
            // 1. Frames decoded earlier and not yet placed.
            if let Some(frame) = ctx.stash.front() {
                let Some(mut cap) = h.get_buf(Direction::Capture) else { return Err(Stop::Idle) };
                let geom = ctx.announced.unwrap_or(frame.geometry());
                let done = write_frame(cap_layout(fourcc), geom, frame, &mut cap);
                h.put_buf(cap, done)?;
                ctx.stash.pop_front();
                self.stats.frames.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            // 2. A complete access unit waiting.
            if let Some(au) = ctx.acc.peek() {
                if let Some(reason) = au.refusal {
                    // Found complete only now (at the end of a drain): no buffer to flag.
                    return self.refuse(&h, None, reason);
                }
                if let Some(sps) = au.sps {
                    if !same_geometry(ctx.announced, sps) {
                        if !status.capture_streaming || ctx.announced.is_some() {
                            // Frames of the old resolution first, then the change.
                            if self.flush_decoder(ctx, &h, fourcc)? {
                                continue;
                            }
                            self.announce(ctx, &h, fourcc, sps)?;
                            return Err(Stop::Idle);
                        }
                        // CAPTURE was set up before any header: accept it if it fits.
                        if fits(&capture, sps) {
                            ctx.announced = Some(sps);
                            h.set_compose(crop_rect(sps))?;
                        } else {
                            self.announce(ctx, &h, fourcc, sps)?;
                            return Err(Stop::Idle);
                        }
                    }
                }
                if ctx.announced.is_none() {
                    // Nothing decodable before the first SPS: skip it.
                    ctx.acc.pop();
                    ctx.error_pending = true;
                    self.stats.decode_errors.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                if !status.capture_streaming || status.capture_queued == 0 {
                    return Err(Stop::Idle);
                }
                let au = ctx.acc.pop().expect("peeked");
                self.decode_unit(ctx, &h, fourcc, &au.data, au.timestamp, au.idr)?;
                continue;
            }
            // 3. More bitstream.
            if !status.draining {
                let Some(out) = h.get_buf(Direction::Output) else { return Err(Stop::Idle) };
                ctx.acc.push(out.payload(0), out.timestamp());
                // Decode what this buffer completed before returning it, so that an error
                // is flagged on it.
                let mut flagged = false;
                loop {
                    let status = h.status()?;
                    let Some(au) = ctx.acc.peek() else { break };
                    let changes = au.sps.is_some_and(|sps| !same_geometry(ctx.announced, sps));
                    if changes
                        || au.refusal.is_some()
                        || ctx.announced.is_none()
                        || !status.capture_streaming
                        || status.capture_queued == 0
                        || !ctx.stash.is_empty()
                    {
                        break;
                    }
                    let au = ctx.acc.pop().expect("peeked");
                    self.decode_unit(ctx, &h, fourcc, &au.data, au.timestamp, au.idr)?;
                    flagged |= core::mem::take(&mut ctx.error_pending);
                }
                flagged |= core::mem::take(&mut ctx.error_pending);
                if let Some(reason) = ctx.acc.refusal() {
                    return self.refuse(&h, Some(out), reason);
                }
                // Header parsing: announce the stream as soon as its SPS is known, before
                // the buffer goes back, so an application that sees every OUTPUT buffer
                // returned without an event knows that nothing decodable was found.
                let headers =
                    if ctx.announced.is_none() && !status.capture_streaming { ctx.acc.known_sps() } else { None };
                let done = if flagged { Completion::error() } else { Completion::default() };
                if let Some(sps) = headers {
                    self.announce(ctx, &h, fourcc, sps)?;
                    h.put_buf(out, done)?;
                    return Err(Stop::Idle);
                }
                h.put_buf(out, done)?;
                continue;
            }
            // 4. Draining: the stream ended; complete the last unit, then flush.
            ctx.acc.finish();
            if ctx.acc.peek().is_some() {
                continue;
            }
            if ctx.announced.is_none() {
                // Nothing decodable at all: the drain ends on the next CAPTURE buffer
                // (empty, LAST), and the framework sends the one EOS.
                h.drained()?;
                return Err(Stop::Idle);
            }
            if self.flush_decoder(ctx, &h, fourcc)? {
                continue;
            }
            if status.capture_queued == 0 && !ctx.stash.is_empty() {
                return Err(Stop::Idle);
            }
            ctx.error_pending = false;
            h.drained()?;
            return Err(Stop::Idle);
        }
    }

    /// Ends the stream the backend cannot decode exactly: `out` (the OUTPUT buffer that
    /// brought the unit, if it is still held) back flagged as an error, the reason logged,
    /// and both queues in the error state. Nothing more is decoded for the context.
    fn refuse(
        &self,
        h: &ContextHandle,
        out: Option<v4l2m2m::ActiveBuffer>,
        reason: Unsupported,
    ) -> core::result::Result<(), Stop> {
        self.stats.refused.fetch_add(1, Ordering::Relaxed);
        (self.log)(&format!(
            "sim-h264-decoder: unsupported stream: {reason}; this decoder decodes {}",
            limits::SUPPORTED
        ));
        // The error state first: an application that dequeues the flagged buffer must
        // already find the queues refusing, not take the stream for merely undecodable.
        h.stream_error()?;
        if let Some(out) = out {
            h.put_buf(out, Completion::error())?;
        }
        Err(Stop::Idle)
    }

    /// Announces a new stream geometry to the application.
    fn announce(
        &self,
        ctx: &mut DecoderContext,
        h: &ContextHandle,
        fourcc: FourCc,
        sps: SpsInfo,
    ) -> core::result::Result<(), Stop> {
        h.source_change(raw_format(fourcc, sps.coded_width, sps.coded_height))?;
        h.set_compose(crop_rect(sps))?;
        let min = dpb::min_capture_buffers(&sps);
        let _ = h.set_control(abi::V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, i64::from(min));
        ctx.announced = Some(sps);
        Ok(())
    }

    /// Moves one frame held inside OpenH264 out (to a CAPTURE buffer or the stash).
    /// Returns whether a frame was moved.
    fn flush_decoder(
        &self,
        ctx: &mut DecoderContext,
        h: &ContextHandle,
        fourcc: FourCc,
    ) -> core::result::Result<bool, Stop> {
        let Some(decoder) = ctx.decoder.as_mut() else { return Ok(false) };
        if decoder.frames_in_buffer() == 0 {
            return Ok(false);
        }
        match decoder.flush_one() {
            Some(frame) => {
                self.place(ctx, h, fourcc, frame)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn decode_unit(
        &self,
        ctx: &mut DecoderContext,
        h: &ContextHandle,
        fourcc: FourCc,
        data: &[u8],
        timestamp: Timestamp,
        idr: bool,
    ) -> core::result::Result<(), Stop> {
        let Some(decoder) = ctx.decoder.as_mut() else { return Ok(()) };
        match decoder.decode(data, timestamp.0) {
            DecodeOutcome::Frame(view) => {
                let Some(mut cap) = h.get_buf(Direction::Capture) else {
                    // Keep a copy until a CAPTURE buffer comes.
                    let frame = view.to_frame(idr);
                    ctx.stash.push_back(frame);
                    return Ok(());
                };
                let geom = ctx.announced.unwrap_or(view.geometry());
                let done = write_view(cap_layout(fourcc), geom, &view, idr, &mut cap);
                h.put_buf(cap, done)?;
                self.stats.frames.fetch_add(1, Ordering::Relaxed);
            }
            DecodeOutcome::NoFrame => {}
            DecodeOutcome::Error => {
                ctx.error_pending = true;
                self.stats.decode_errors.fetch_add(1, Ordering::Relaxed);
            }
        }
        Ok(())
    }

    fn place(
        &self,
        ctx: &mut DecoderContext,
        h: &ContextHandle,
        fourcc: FourCc,
        frame: Frame,
    ) -> core::result::Result<(), Stop> {
        match h.get_buf(Direction::Capture) {
            Some(mut cap) => {
                let geom = ctx.announced.unwrap_or(frame.geometry());
                let done = write_frame(cap_layout(fourcc), geom, &frame, &mut cap);
                h.put_buf(cap, done)?;
                self.stats.frames.fetch_add(1, Ordering::Relaxed);
            }
            None => ctx.stash.push_back(frame),
        }
        Ok(())
    }
}

fn same_geometry(announced: Option<SpsInfo>, sps: SpsInfo) -> bool {
    announced
        .is_some_and(|a| a.coded_width == sps.coded_width && a.coded_height == sps.coded_height && a.crop == sps.crop)
}

fn fits(capture: &PixFormat, sps: SpsInfo) -> bool {
    Layout::of(capture.pixelformat).is_some() && capture.width == sps.coded_width && capture.height == sps.coded_height
}

fn crop_rect(sps: SpsInfo) -> Rect {
    let (left, top, width, height) = sps.crop;
    Rect { left: left as i32, top: top as i32, width, height }
}

fn cap_layout(fourcc: FourCc) -> Layout {
    Layout::of(fourcc).unwrap_or(Layout::I420)
}

/// Writes a decoded picture into a CAPTURE buffer laid out as `layout`.
fn write_view(
    layout: Layout,
    geom: SpsInfo,
    view: &openh264_raw::FrameView<'_>,
    idr: bool,
    cap: &mut v4l2m2m::ActiveBuffer,
) -> Completion {
    let src = [view.y, view.u, view.v];
    let stride = [view.stride_y, view.stride_uv, view.stride_uv];
    write_planes(layout, geom, (view.width, view.height), view.timestamp, idr, src, stride, cap)
}

/// Writes a stashed frame into a CAPTURE buffer laid out as `layout`.
fn write_frame(layout: Layout, geom: SpsInfo, f: &Frame, cap: &mut v4l2m2m::ActiveBuffer) -> Completion {
    let w = f.width;
    let cw = w / 2;
    let (y, rest) = f.data.split_at(w * f.height);
    let (u, v) = rest.split_at(cw * (f.height / 2));
    write_planes(layout, geom, (f.width, f.height), f.timestamp, f.idr, [y, u, v], [w, cw, cw], cap)
}

/// Copies `rows` rows of `w` bytes from `s` (stride `s_stride`) to `dst` (stride
/// `dst_stride`) at (`x0`, `y0`). False if either side is too small.
#[allow(clippy::too_many_arguments)]
fn copy_rows(
    dst: &mut [u8],
    dst_stride: usize,
    x0: usize,
    y0: usize,
    s: &[u8],
    s_stride: usize,
    w: usize,
    rows: usize,
) -> bool {
    for r in 0..rows {
        let d = (y0 + r) * dst_stride + x0;
        let (Some(dst_row), Some(src_row)) = (dst.get_mut(d..d + w), s.get(r * s_stride..r * s_stride + w)) else {
            return false;
        };
        dst_row.copy_from_slice(src_row);
    }
    true
}

/// Interleaves `u` and `v` rows into an NV12 chroma plane.
#[allow(clippy::too_many_arguments)]
fn interleave_rows(
    dst: &mut [u8],
    dst_stride: usize,
    x0: usize,
    y0: usize,
    u: &[u8],
    v: &[u8],
    s_stride: usize,
    w: usize,
    rows: usize,
) -> bool {
    for r in 0..rows {
        let d = (y0 + r) * dst_stride + 2 * x0;
        let (Some(dst_row), Some(ur), Some(vr)) =
            (dst.get_mut(d..d + 2 * w), u.get(r * s_stride..r * s_stride + w), v.get(r * s_stride..r * s_stride + w))
        else {
            return false;
        };
        for (pair, (a, b)) in dst_row.chunks_exact_mut(2).zip(ur.iter().zip(vr)) {
            pair[0] = *a;
            pair[1] = *b;
        }
    }
    true
}

/// Places the visible picture (`size`) at the crop offset of a coded frame of `geom`.
#[allow(clippy::too_many_arguments)]
fn write_planes(
    layout: Layout,
    geom: SpsInfo,
    size: (usize, usize),
    timestamp: u64,
    idr: bool,
    src: [&[u8]; 3],
    stride: [usize; 3],
    cap: &mut v4l2m2m::ActiveBuffer,
) -> Completion {
    let (width, height) = size;
    let cw = geom.coded_width as usize;
    let ch = geom.coded_height as usize;
    let (crop_l, crop_t) = (geom.crop.0 as usize, geom.crop.1 as usize);
    let cw2 = cw / 2;
    let (w2, h2) = (width / 2, height / 2);
    let (l2, t2) = (crop_l / 2, crop_t / 2);
    let flags = if idr { DoneFlags::KEYFRAME } else { DoneFlags::PFRAME };
    let mut done = Completion { timestamp: Timestamp(timestamp), flags, ..Completion::default() };
    let luma = cw * ch;
    let ok = match layout {
        Layout::I420 => {
            let p = cap.plane_mut(0);
            let (py, rest) = p.split_at_mut(luma.min(p.len()));
            let (pu, pv) = rest.split_at_mut((luma / 4).min(rest.len()));
            done.bytesused[0] = (luma * 3 / 2) as u32;
            copy_rows(py, cw, crop_l, crop_t, src[0], stride[0], width, height)
                && copy_rows(pu, cw2, l2, t2, src[1], stride[1], w2, h2)
                && copy_rows(pv, cw2, l2, t2, src[2], stride[2], w2, h2)
        }
        Layout::Nv12 => {
            let p = cap.plane_mut(0);
            let (py, puv) = p.split_at_mut(luma.min(p.len()));
            done.bytesused[0] = (luma * 3 / 2) as u32;
            copy_rows(py, cw, crop_l, crop_t, src[0], stride[0], width, height)
                && interleave_rows(puv, cw, l2, t2, src[1], src[2], stride[1], w2, h2)
        }
        Layout::I420M => {
            done.bytesused[0] = luma as u32;
            done.bytesused[1] = (luma / 4) as u32;
            done.bytesused[2] = (luma / 4) as u32;
            copy_rows(cap.plane_mut(0), cw, crop_l, crop_t, src[0], stride[0], width, height)
                && copy_rows(cap.plane_mut(1), cw2, l2, t2, src[1], stride[1], w2, h2)
                && copy_rows(cap.plane_mut(2), cw2, l2, t2, src[2], stride[2], w2, h2)
        }
        Layout::Nv12M => {
            done.bytesused[0] = luma as u32;
            done.bytesused[1] = (luma / 2) as u32;
            copy_rows(cap.plane_mut(0), cw, crop_l, crop_t, src[0], stride[0], width, height)
                && interleave_rows(cap.plane_mut(1), cw, l2, t2, src[1], src[2], stride[1], w2, h2)
        }
    };
    if !ok {
        // The buffer is smaller than the frame (allocated for an earlier format).
        done = Completion::error();
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size_fits(fs: FrameSize, (w, h): (u32, u32)) -> bool {
        match fs {
            FrameSize::Discrete { width, height } => (width, height) == (w, h),
            FrameSize::Stepwise { min_width, max_width, step_width, min_height, max_height, step_height } => {
                (min_width..=max_width).contains(&w)
                    && (w - min_width) % step_width == 0
                    && (min_height..=max_height).contains(&h)
                    && (h - min_height) % step_height == 0
            }
        }
    }

    #[test]
    fn the_bitstream_format_takes_any_size_and_raw_formats_any_even_size() {
        for api in [BufferApi::SinglePlanar, BufferApi::MultiPlanar] {
            let dec = SimH264Decoder::new(api);
            let h264 = dec.enum_framesizes(abi::V4L2_PIX_FMT_H264, 0).expect("H.264 sizes");
            for size in [(1920, 1080), (1278, 718), (17, 17), (176, 144), (4096, 4096)] {
                assert!(size_fits(h264, size), "{api:?}: H.264 {size:?} in {h264:?}");
            }
            assert!(!size_fits(h264, (15, 16)) && !size_fits(h264, (4097, 16)), "{h264:?}");
            assert_eq!(dec.enum_framesizes(abi::V4L2_PIX_FMT_H264, 1), Err(Errno::EINVAL));
            for desc in dec.capture_formats() {
                let raw = dec.enum_framesizes(desc.pixelformat, 0).expect("raw sizes");
                assert!(size_fits(raw, (1920, 1080)) && size_fits(raw, (318, 238)), "{raw:?}");
                assert!(!size_fits(raw, (317, 238)) && !size_fits(raw, (318, 4098)), "{raw:?}");
            }
            assert_eq!(dec.enum_framesizes(abi::V4L2_PIX_FMT_GREY, 0), Err(Errno::EINVAL));
        }
    }
}
