//! A host stateful decoder lower half for the `v4l2-m2m` framework, backed by libavcodec
//! (Debian's libavcodec, linked dynamically through a small C shim, `shim/avd.c`): the
//! reference decoder of the simulator, exact to the H.264 and HEVC specifications.
//!
//! It behaves as a stateful decoder of Linux's dev-decoder.rst:
//! - OUTPUT: `V4L2_PIX_FMT_H264` and `V4L2_PIX_FMT_HEVC` (Annex B, in buffers of any
//!   size: libavcodec's frame splitter cuts the byte stream into access units, so a whole
//!   file in one buffer and one byte per buffer decode alike), and `V4L2_PIX_FMT_VP9` (one
//!   frame, or superframe, per buffer).
//! - CAPTURE: for 8-bit 4:2:0 streams YUV420 and NV12, for 10-bit 4:2:0 (High 10, HEVC
//!   Main 10) P010, for 8-bit 4:2:2 (High 4:2:2) YUV422P and NV16, plus YUV420M, NV12M and
//!   YUV422M on a multi-planar node; sized as the decoded picture (macroblock or
//!   coding-block aligned), the visible area, cropped on any edge, being the COMPOSE
//!   rectangle. Before the stream is known ENUM_FMT lists them all, after SOURCE_CHANGE
//!   only those of the stream's sampling.
//! - A stream whose pictures no V4L2 format of the node holds (4:4:4, 10-bit 4:2:2,
//!   12-bit, 4:0:0) is refused: the OUTPUT buffer that revealed it comes back flagged
//!   `V4L2_BUF_FLAG_ERROR` and [`ContextHandle::stream_error`] puts both queues into the
//!   error state (QBUF and DQBUF `EIO`, poll `POLLERR`) until STREAMOFF.
//! - The decoder instance is created at STREAMON(OUTPUT), for the OUTPUT format chosen.
//! - Header parsing without CAPTURE buffers: once a sequence header was decoded, the first
//!   picture's exact geometry (found by [`probe`]) is announced, before the OUTPUT buffer
//!   that completed it is returned, with `V4L2_EVENT_SOURCE_CHANGE`, the
//!   COMPOSE rectangle and `V4L2_CID_MIN_BUFFERS_FOR_CAPTURE` (the sequence's reference
//!   frames or reorder depth, whichever is larger, plus one, read from the stream's own
//!   sequence header with the level's limit where H.264 leaves the reorder depth out: see
//!   [`dpb`]). A later picture of another
//!   geometry is announced the same way, after every picture of the old one was returned.
//! - CAPTURE buffers come in display order (B-frames reordered), each with the timestamp
//!   of the OUTPUT buffer in which its own access unit began.
//! - Drain (DECODER_CMD STOP): the last access unit is completed, every picture held for
//!   reordering is returned, then the framework emits the empty LAST buffer and EOS.
//! - Seek (STREAMOFF(OUTPUT)): buffered bytes and held pictures are dropped; the parameter
//!   sets stay known.
//! - Damaged input: libavcodec's error concealment is on, so a damaged picture still
//!   yields a CAPTURE buffer, flagged `V4L2_BUF_FLAG_ERROR`; an access unit libavcodec
//!   refuses flags the OUTPUT buffer being consumed. Nothing hangs and no buffer is kept.
//!
//! Modules: [`ffi`] (the shim and its safe wrapper), [`stream`] (OUTPUT bytes to access
//! units), [`probe`] (the geometry before CAPTURE is set up), [`capture`] (CAPTURE formats
//! and the picture copy); this file holds the
//! [`CodecOps`] implementation and the job loop.

#![deny(missing_docs)]

pub mod capture;
pub mod dpb;
pub mod ffi;
pub mod probe;
pub mod stream;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};

use v4l2m2m::abi;
use v4l2m2m::driver::{FourCc, PlaneFormat};
use v4l2m2m::{
    BufferApi, CodecOps, Completion, ContextHandle, Direction, DoneFlags, Errno, FormatDesc, Formats, FrameSize, Job,
    JobStatus, PixFormat, QueueStatus, Result, Timestamp,
};

use capture::{Geometry, Sampling};
use ffi::{Codec, Decoder, Picture, Received};
use probe::Probe;
use stream::{Bitstream, Unit};

/// Largest decoded width or height accepted.
pub const MAX_DIMENSION: u32 = 8192;
/// Smallest decoded width or height.
pub const MIN_DIMENSION: u32 = 16;
/// Default `sizeimage` of an OUTPUT (bitstream) buffer when the application gives none.
pub const DEFAULT_OUTPUT_SIZE: u32 = 1 << 20;
/// Largest `sizeimage` of an OUTPUT buffer.
pub const MAX_OUTPUT_SIZE: u32 = 64 << 20;
/// CAPTURE buffers needed before the stream is known (pictures are copied out of
/// libavcodec's own buffers, so no CAPTURE buffer is ever held as a reference).
pub const MIN_CAPTURE_BUFFERS: u32 = 2;
/// The most `V4L2_CID_MIN_BUFFERS_FOR_CAPTURE` announces (a 16-frame DPB plus one).
pub const MAX_CAPTURE_BUFFERS: u32 = 17;

/// The coded formats of the OUTPUT queue.
const CODED: &[(FormatDesc, Codec)] = &[
    (
        FormatDesc {
            pixelformat: abi::V4L2_PIX_FMT_H264,
            flags: abi::V4L2_FMT_FLAG_COMPRESSED
                | abi::V4L2_FMT_FLAG_DYN_RESOLUTION
                | abi::V4L2_FMT_FLAG_CONTINUOUS_BYTESTREAM,
            description: "H.264",
        },
        Codec::H264,
    ),
    (
        FormatDesc {
            pixelformat: abi::V4L2_PIX_FMT_HEVC,
            flags: abi::V4L2_FMT_FLAG_COMPRESSED
                | abi::V4L2_FMT_FLAG_DYN_RESOLUTION
                | abi::V4L2_FMT_FLAG_CONTINUOUS_BYTESTREAM,
            description: "HEVC",
        },
        Codec::Hevc,
    ),
    (
        FormatDesc {
            pixelformat: abi::V4L2_PIX_FMT_VP9,
            flags: abi::V4L2_FMT_FLAG_COMPRESSED | abi::V4L2_FMT_FLAG_DYN_RESOLUTION,
            description: "VP9",
        },
        Codec::Vp9,
    ),
];

fn codec_of(fourcc: FourCc) -> Option<Codec> {
    CODED.iter().find(|(d, _)| d.pixelformat == fourcc).map(|&(_, c)| c)
}

/// Counters shared by every context of one decoder device (for diagnostics and tests).
#[derive(Debug, Default)]
pub struct DecoderStats {
    /// Pictures written to CAPTURE buffers.
    pub frames: AtomicU64,
    /// Of those, pictures libavcodec reported damaged (concealed).
    pub concealed: AtomicU64,
    /// Access units libavcodec refused.
    pub decode_errors: AtomicU64,
    /// Decoder instances created (one per STREAMON(OUTPUT) without a live instance).
    pub instances: AtomicU64,
}

/// The decoder lower half. One value serves every open file of a device node.
pub struct AvcodecDecoder {
    api: BufferApi,
    stats: DecoderStats,
}

impl AvcodecDecoder {
    /// A decoder for a node speaking `api` (single- or multi-planar).
    pub const fn new(api: BufferApi) -> Self {
        Self {
            api,
            stats: DecoderStats {
                frames: AtomicU64::new(0),
                concealed: AtomicU64::new(0),
                decode_errors: AtomicU64::new(0),
                instances: AtomicU64::new(0),
            },
        }
    }

    /// The device-wide counters.
    pub fn stats(&self) -> &DecoderStats {
        &self.stats
    }
}

/// The OUTPUT format of `fourcc` (a coded one) at `width` x `height`.
fn bitstream_format(fourcc: FourCc, width: u32, height: u32, sizeimage: u32) -> PixFormat {
    let mut fmt = PixFormat::empty();
    fmt.width = width;
    fmt.height = height;
    fmt.pixelformat = fourcc;
    fmt.colorspace = abi::V4L2_COLORSPACE_REC709;
    fmt.num_planes = 1;
    // A buffer must hold the largest access unit of the size: about a raw picture (a
    // lossless or PCM-coded one), whatever the application asked for.
    let raw = width.saturating_mul(height).saturating_mul(3) / 2;
    let minimum = if raw > 0 { raw.saturating_add(raw / 16).saturating_add(4096) } else { 4096 };
    let asked = if sizeimage == 0 { DEFAULT_OUTPUT_SIZE } else { sizeimage };
    let size = asked.max(minimum).min(MAX_OUTPUT_SIZE);
    fmt.planes[0] = PlaneFormat { bytesperline: 0, sizeimage: size };
    fmt
}

fn align16(v: u32) -> u32 {
    v.clamp(MIN_DIMENSION, MAX_DIMENSION).div_ceil(16) * 16
}

/// Per-open decoder state.
pub struct DecoderContext {
    decoder: Option<Decoder>,
    stream: Bitstream,
    /// Pictures decoded and not yet placed in a CAPTURE buffer, in display order.
    pictures: VecDeque<Picture>,
    /// The geometry announced to the application (or accepted as pre-configured).
    announced: Option<Geometry>,
    /// The units decoded while no geometry was announced.
    probe: Probe,
    /// The drain sent the end of the stream to libavcodec.
    drain_sent: bool,
    /// A unit was refused since the last OUTPUT buffer was returned.
    error_pending: bool,
    /// The stream's pictures have a sampling no CAPTURE format holds: it is refused.
    unsupported: bool,
    /// `V4L2_CID_MIN_BUFFERS_FOR_CAPTURE` as the last sequence header decoded asks it
    /// (see [`dpb`]), before the clamp.
    sequence_min: Option<u32>,
}

impl DecoderContext {
    /// Whether the decoder instance exists (STREAMON(OUTPUT) happened).
    pub fn initialised(&self) -> bool {
        self.decoder.is_some()
    }

    /// Whether another access unit may be decoded now: none of its pictures would wait
    /// for long. Before the stream is known, units are decoded until the first picture.
    fn may_decode(&self, status: &QueueStatus) -> bool {
        self.pictures.is_empty() && (self.announced.is_none() || status.capture_streaming)
    }
}

impl CodecOps for AvcodecDecoder {
    type Context = DecoderContext;

    fn open(&self) -> Result<DecoderContext> {
        Ok(DecoderContext {
            decoder: None,
            stream: Bitstream::default(),
            pictures: VecDeque::new(),
            announced: None,
            probe: Probe::default(),
            drain_sent: false,
            error_pending: false,
            unsupported: false,
            sequence_min: None,
        })
    }

    fn default_formats(&self) -> Formats {
        let capture = capture::formats(self.api)[0].pixelformat;
        Formats {
            output: bitstream_format(abi::V4L2_PIX_FMT_H264, 1280, 720, 0),
            capture: capture::raw_format(self.api, None, capture, 1280, 720),
        }
    }

    fn enum_fmt(&self, dir: Direction, index: u32) -> Result<FormatDesc> {
        let index = index as usize;
        match dir {
            Direction::Output => CODED.get(index).map(|&(d, _)| d),
            Direction::Capture => capture::formats(self.api).get(index).copied(),
        }
        .ok_or(Errno::EINVAL)
    }

    fn try_fmt(&self, ctx: &DecoderContext, _formats: &Formats, dir: Direction, fmt: &mut PixFormat) -> Result<()> {
        match dir {
            Direction::Output => {
                let fourcc = if codec_of(fmt.pixelformat).is_some() { fmt.pixelformat } else { CODED[0].0.pixelformat };
                let (w, h) = if fmt.width == 0 || fmt.height == 0 {
                    (0, 0)
                } else {
                    (fmt.width.clamp(MIN_DIMENSION, MAX_DIMENSION), fmt.height.clamp(MIN_DIMENSION, MAX_DIMENSION))
                };
                *fmt = bitstream_format(fourcc, w, h, fmt.planes[0].sizeimage);
            }
            Direction::Capture => {
                // Once the stream is known, its decoded size is the only one possible.
                // Once the stream is known, only the formats of its sampling hold it.
                let (w, h) = match ctx.announced {
                    Some(g) => (g.width, g.height),
                    None => (align16(fmt.width), align16(fmt.height)),
                };
                let sampling = ctx.announced.map(|g| g.sampling);
                let stride = fmt.planes[0].bytesperline;
                let mut adjusted = capture::raw_format(self.api, sampling, fmt.pixelformat, w, h);
                if stride > adjusted.planes[0].bytesperline {
                    adjusted.planes[0].bytesperline = stride;
                    v4l2m2m::driver::fill_pix_format(&mut adjusted, self.api)?;
                }
                *fmt = adjusted;
            }
        }
        Ok(())
    }

    fn s_fmt(&self, ctx: &mut DecoderContext, dir: Direction, formats: &mut Formats) -> Result<()> {
        // Before the stream is known, a coded size given on OUTPUT sizes CAPTURE.
        if dir == Direction::Output && ctx.announced.is_none() && formats.output.width > 0 {
            let (w, h) = (align16(formats.output.width), align16(formats.output.height));
            formats.capture = capture::raw_format(self.api, None, formats.capture.pixelformat, w, h);
        }
        Ok(())
    }

    fn enum_framesizes(&self, pixelformat: FourCc, index: u32) -> Result<FrameSize> {
        // A bitstream format takes any size in the range (a stream is coded in whole blocks
        // and cropped), so an application can match the size it parsed from the stream;
        // the raw formats take any even size (4:2:0).
        let step = match codec_of(pixelformat) {
            Some(_) => 1,
            None if capture::formats(self.api).iter().any(|d| d.pixelformat == pixelformat) => 2,
            None => return Err(Errno::EINVAL),
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

    fn streamon(&self, ctx: &mut DecoderContext, dir: Direction, formats: &Formats) -> Result<()> {
        if dir == Direction::Output && ctx.decoder.is_none() {
            let codec = codec_of(formats.output.pixelformat).ok_or(Errno::EINVAL)?;
            ctx.decoder = Some(Decoder::new(codec).ok_or(Errno::ENOMEM)?);
            ctx.sequence_min = None;
            self.stats.instances.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    fn streamoff(&self, ctx: &mut DecoderContext, dir: Direction) {
        match dir {
            // A seek: drop buffered bytes and held pictures. The decoder keeps the
            // parameter sets, and the announced geometry stays, so resuming the same
            // stream needs no new SOURCE_CHANGE. A decoder that cannot be reset is
            // dropped: the next STREAMON(OUTPUT) opens a fresh one.
            Direction::Output => {
                ctx.stream.clear();
                ctx.pictures.clear();
                ctx.probe.clear();
                ctx.drain_sent = false;
                ctx.error_pending = false;
                ctx.unsupported = false;
                if ctx.decoder.as_mut().is_some_and(|d| d.flush().is_err()) {
                    ctx.decoder = None;
                }
            }
            // CAPTURE is restarted for a new geometry (or more buffers): the pictures
            // decoded and not yet placed stay for the new buffers.
            Direction::Capture => {}
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
        let capture = job.formats().capture;
        // A refused handle means the file is closing: the framework reclaims the buffers.
        let _ = self.run(ctx, job.handle(), capture);
        JobStatus::Finished
    }
}

/// What one step of a job did.
enum Step {
    /// Something happened: look again.
    Again,
    /// Nothing more can be done now (no buffer, waiting for the application).
    Idle,
}

impl AvcodecDecoder {
    /// The body of a job: decode and place pictures as far as the buffers allow.
    fn run(&self, ctx: &mut DecoderContext, h: ContextHandle, capture: PixFormat) -> Result<()> {
        loop {
            if ctx.unsupported {
                // Nothing of the stream can be shown: both queues go into the error state.
                return h.stream_error();
            }
            let status = h.status()?;
            if status.capture_setup_pending {
                return Ok(());
            }
            let step = if !ctx.pictures.is_empty() {
                self.place(ctx, &h, &status, &capture)?
            } else if ctx.stream.has_units() && ctx.may_decode(&status) {
                self.decode_next(ctx);
                Step::Again
            } else if status.draining {
                self.drain(ctx, &h)?
            } else {
                self.consume_output(ctx, &h, &capture)?
            };
            if let Step::Idle = step {
                return Ok(());
            }
        }
    }

    /// Places the oldest decoded picture, announcing its geometry first if it is new.
    fn place(
        &self,
        ctx: &mut DecoderContext,
        h: &ContextHandle,
        status: &QueueStatus,
        capture: &PixFormat,
    ) -> Result<Step> {
        let geom = ctx.pictures.front().and_then(|p| Geometry::of(&p.info));
        let Some(geom) = geom else {
            // A picture without a usable size: nothing can show it.
            ctx.pictures.pop_front();
            self.stats.decode_errors.fetch_add(1, Ordering::Relaxed);
            return Ok(Step::Again);
        };
        if ctx.announced != Some(geom) {
            let needs = ctx.decoder.as_ref().map_or((0, 0), Decoder::stream_needs);
            let go_on = self.adopt(ctx, h, status, capture, geom, needs)? || ctx.unsupported;
            return Ok(if go_on { Step::Again } else { Step::Idle });
        }
        if !status.capture_streaming {
            return Ok(Step::Idle);
        }
        let Some(mut cap) = h.get_buf(Direction::Capture) else { return Ok(Step::Idle) };
        let Some(pic) = ctx.pictures.pop_front() else {
            h.put_buf(cap, Completion::error())?;
            return Ok(Step::Again);
        };
        let done = match capture::write(capture, &pic, &mut cap) {
            Some(used) => {
                let kind = if pic.info.key != 0 { DoneFlags::KEYFRAME } else { DoneFlags::PFRAME };
                let mut done = Completion { bytesused: used, timestamp: Timestamp(pic.info.pts as u64), flags: kind };
                if pic.info.corrupt != 0 {
                    done.flags |= DoneFlags::ERROR;
                    self.stats.concealed.fetch_add(1, Ordering::Relaxed);
                }
                done
            }
            // A buffer too small for the picture.
            None => Completion { timestamp: Timestamp(pic.info.pts as u64), ..Completion::error() },
        };
        h.put_buf(cap, done)?;
        self.stats.frames.fetch_add(1, Ordering::Relaxed);
        Ok(Step::Again)
    }

    /// Makes `geom` the stream's geometry: kept as it is if CAPTURE was set up before any
    /// header at exactly that size (true: decoding goes on), else announced to the
    /// application (false: wait for it to set CAPTURE up again).
    fn adopt(
        &self,
        ctx: &mut DecoderContext,
        h: &ContextHandle,
        status: &QueueStatus,
        capture: &PixFormat,
        geom: Geometry,
        (refs, reorder): (u32, u32),
    ) -> Result<bool> {
        ctx.probe.clear();
        if geom.sampling == Sampling::Unsupported {
            // Refused: by `consume_output` with the OUTPUT buffer being consumed, else by
            // `run`.
            ctx.unsupported = true;
            ctx.pictures.clear();
            return Ok(false);
        }
        if status.capture_streaming && ctx.announced.is_none() && capture::fits(self.api, capture, geom) {
            h.set_compose(geom.visible)?;
            ctx.announced = Some(geom);
            return Ok(true);
        }
        let fmt = capture::raw_format(self.api, Some(geom.sampling), capture.pixelformat, geom.width, geom.height);
        h.source_change(fmt)?;
        h.set_compose(geom.visible)?;
        // libavcodec's own figures only if no sequence header parsed.
        let min = ctx.sequence_min.unwrap_or(refs.max(reorder) + 1);
        let min = min.clamp(MIN_CAPTURE_BUFFERS, MAX_CAPTURE_BUFFERS);
        h.set_control(abi::V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, i64::from(min))?;
        ctx.announced = Some(geom);
        Ok(false)
    }

    /// Before any geometry was announced: finds the first picture's (from a decoded
    /// picture, or by a probe once a sequence header was read) and adopts it.
    fn find_geometry(
        &self,
        ctx: &mut DecoderContext,
        h: &ContextHandle,
        status: &QueueStatus,
        capture: &PixFormat,
    ) -> Result<()> {
        if ctx.announced.is_some() {
            return Ok(());
        }
        let Some(dec) = ctx.decoder.as_ref() else { return Ok(()) };
        let found = match ctx.pictures.front() {
            Some(p) => Geometry::of(&p.info).map(|g| (g, dec.stream_needs())),
            None if dec.has_sequence() => ctx.probe.run(dec.codec()).map(|f| (f.geometry, f.needs)),
            None => None,
        };
        if let Some((geom, needs)) = found {
            self.adopt(ctx, h, status, capture, geom, needs)?;
        }
        Ok(())
    }

    /// Decodes the next access unit; its pictures join the queue.
    fn decode_next(&self, ctx: &mut DecoderContext) {
        let Some(Unit { data, timestamp }) = ctx.stream.pop() else { return };
        let Some(dec) = ctx.decoder.as_mut() else { return };
        if ctx.announced.is_none() {
            ctx.probe.record(&data);
        }
        if let Some(min) = dpb::min_buffers(dec.codec(), &data) {
            ctx.sequence_min = Some(min);
        }
        let mut failed = dec.send(&data, timestamp.0 as i64).is_err();
        failed |= receive_all(dec, &mut ctx.pictures).is_err();
        if failed {
            ctx.error_pending = true;
            self.stats.decode_errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The stream ended: complete the last unit, return every held picture, then report
    /// the drain done.
    fn drain(&self, ctx: &mut DecoderContext, h: &ContextHandle) -> Result<Step> {
        let Some(dec) = ctx.decoder.as_mut() else {
            h.drained()?;
            return Ok(Step::Idle);
        };
        if !ctx.drain_sent {
            ctx.stream.finish(dec);
            if ctx.stream.has_units() {
                // Decoded as capture buffers allow (`run` picks them up first).
                while ctx.stream.has_units() && ctx.pictures.is_empty() {
                    self.decode_next(ctx);
                }
                return Ok(Step::Again);
            }
            ctx.drain_sent = true;
            let failed = dec.send(&[], 0).is_err() || receive_all(dec, &mut ctx.pictures).is_err();
            if failed {
                self.stats.decode_errors.fetch_add(1, Ordering::Relaxed);
            }
            return Ok(Step::Again);
        }
        // Every picture is out: ready the decoder for a restart (START), keeping the
        // parameter sets, and end the drain.
        if dec.flush().is_err() {
            ctx.decoder = None;
        }
        ctx.drain_sent = false;
        ctx.error_pending = false;
        h.drained()?;
        Ok(Step::Idle)
    }

    /// Takes the next OUTPUT buffer, cuts it into units, decodes what it completed (so
    /// that a refused unit flags it), announces the stream if its geometry became known,
    /// and returns it.
    fn consume_output(&self, ctx: &mut DecoderContext, h: &ContextHandle, capture: &PixFormat) -> Result<Step> {
        let Some(out) = h.get_buf(Direction::Output) else { return Ok(Step::Idle) };
        if let Some(dec) = ctx.decoder.as_mut() {
            ctx.stream.push(dec, out.payload(0), out.timestamp());
        }
        let status = h.status()?;
        while ctx.stream.has_units() && ctx.may_decode(&status) {
            self.decode_next(ctx);
        }
        // Announce the stream before the buffer that completed its headers goes back.
        self.find_geometry(ctx, h, &status, capture)?;
        if ctx.unsupported {
            // The error state first: an application that sees this buffer come back
            // flagged ERROR then finds the queues refusing (EIO), not a stream that merely
            // held nothing decodable.
            h.stream_error()?;
            h.put_buf(out, Completion::error())?;
            return Ok(Step::Idle);
        }
        let done = if core::mem::take(&mut ctx.error_pending) { Completion::error() } else { Completion::default() };
        h.put_buf(out, done)?;
        Ok(Step::Again)
    }
}

/// Moves every picture libavcodec has ready into `pictures`. Drain's end (`Eof`) and
/// "more input needed" both end the loop.
fn receive_all(dec: &mut Decoder, pictures: &mut VecDeque<Picture>) -> core::result::Result<(), ffi::AvError> {
    loop {
        match dec.receive()? {
            Received::Picture(p) => pictures.push_back(p),
            Received::Again | Received::Eof => return Ok(()),
        }
    }
}
