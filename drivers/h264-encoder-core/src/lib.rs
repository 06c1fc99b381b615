//! A `no_std` H.264 (ITU-T H.264 | ISO/IEC 14496-10) encoder core for Constrained Baseline
//! streams with CAVLC entropy coding.
//!
//! It is the engine of a stateless hardware-style encoder block and a software encoder for
//! microcontrollers: every call encodes ONE frame of the type and QP it is told and reports
//! the statistics a block reports (bits, QP sum, SAD). Group-of-pictures structure, header
//! placement and rate control belong to the caller.
//!
//! No heap is used. Whole frames live in caller-owned slices ([`frame_buffer_len`] bytes each:
//! the reconstruction of the current frame, its per-macroblock side information, and the
//! reference frame read by P frames); work memory of a macroblock lives on the stack.
//!
//! ```
//! use h264_encoder_core::*;
//! let cfg = Config::new(32, 32);
//! let len = frame_buffer_len(cfg.width, cfg.height);
//! let (mut a, mut b) = ([0u8; 32 * 32 * 2], [0u8; 32 * 32 * 2]);
//! assert!(len <= a.len());
//! let pixels = [128u8; 32 * 32 * 3 / 2];
//! let (y, c) = pixels.split_at(32 * 32);
//! let (u, v) = c.split_at(16 * 16);
//! let src = Source::I420 { y: Plane::new(y, 32), u: Plane::new(u, 16), v: Plane::new(v, 16) };
//! let mut out = [0u8; 4096];
//! let idr = FrameParams::idr(26, 0);
//! let st = encode_frame(&cfg, &idr, &src, None, &mut a[..len], &mut out).unwrap();
//! assert!(st.bytes > 0);
//! // The reconstruction is the next frame's reference.
//! let p = FrameParams::p(26, 1);
//! let st = encode_frame(&cfg, &p, &src, Some(&a[..len]), &mut b[..len], &mut out).unwrap();
//! assert_eq!(st.skip_mbs, 4);
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Index loops over fixed-size sample and coefficient arrays read like the clauses they follow.
#![allow(clippy::needless_range_loop, clippy::too_many_arguments)]

mod bitstream;
mod cavlc;
mod deblock;
mod frame;
mod headers;
mod inter;
mod intra;
mod mb;
mod mbinfo;
mod source;
mod transform;

pub use frame::{encode_frame, encode_headers, frame_buffer_len, recon_planes, ReconPlanes};
pub use source::{Plane, Source};

/// Largest picture width or height in luma samples.
pub const MAX_DIMENSION: u32 = 8192;
/// Largest number of macroblocks in a picture (level 6.2's MaxFS).
pub const MAX_MBS: u32 = 139_264;
/// Largest motion search range in integer luma samples.
pub const MAX_SEARCH_RANGE: u32 = 64;

/// Stream configuration: fixed for a sequence (it determines the SPS and PPS).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Visible width in luma samples: even, 2..=[`MAX_DIMENSION`] (4:2:0 frame cropping works
    /// in units of two samples); cropping removes the rest of the last macroblock column.
    pub width: u32,
    /// Visible height in luma samples: even, 2..=[`MAX_DIMENSION`].
    pub height: u32,
    /// Frame rate numerator (frames per `fps_den` seconds), written to the VUI timing info.
    pub fps_num: u32,
    /// Frame rate denominator.
    pub fps_den: u32,
    /// Macroblock rows per slice; 0 means one slice per picture.
    pub slice_rows: u32,
    /// In-loop deblocking filter on (`disable_deblocking_filter_idc` 0) or off (1).
    pub deblock: bool,
    /// Motion search range in integer luma samples around the zero vector (0..=[`MAX_SEARCH_RANGE`]).
    pub search_range: u32,
}

impl Config {
    /// A configuration with 25 fps, one slice, deblocking on and a search range of 16.
    pub const fn new(width: u32, height: u32) -> Self {
        Config { width, height, fps_num: 25, fps_den: 1, slice_rows: 0, deblock: true, search_range: 16 }
    }

    /// Picture width in macroblocks.
    pub const fn mb_width(&self) -> u32 {
        self.width.div_ceil(16)
    }

    /// Picture height in macroblocks.
    pub const fn mb_height(&self) -> u32 {
        self.height.div_ceil(16)
    }

    /// Checks every field against the limits of the core.
    pub fn validate(&self) -> Result<(), Error> {
        let dim_ok = |d: u32| (2..=MAX_DIMENSION).contains(&d) && d % 2 == 0;
        let dims_ok = dim_ok(self.width) && dim_ok(self.height);
        if !dims_ok || self.mb_width() * self.mb_height() > MAX_MBS {
            return Err(Error::InvalidConfig);
        }
        if self.fps_num == 0 || self.fps_den == 0 || self.fps_num > (u32::MAX / 2) {
            return Err(Error::InvalidConfig);
        }
        if self.search_range > MAX_SEARCH_RANGE {
            return Err(Error::InvalidConfig);
        }
        Ok(())
    }
}

/// The type of a frame to encode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameType {
    /// An instantaneous decoding refresh picture (I slices only).
    Idr,
    /// A predicted picture: P slices referring to the previous reconstructed frame.
    P,
}

/// Per-frame parameters chosen by the caller (GOP structure and rate control are its own).
#[derive(Clone, Copy, Debug)]
pub struct FrameParams<'a> {
    /// IDR or P.
    pub frame_type: FrameType,
    /// Slice QP (0..=51).
    pub qp: u8,
    /// Frames since the last IDR (0 for an IDR); written modulo [`MAX_FRAME_NUM`].
    pub frame_num: u32,
    /// `idr_pic_id` of an IDR picture: two consecutive IDR pictures must differ.
    pub idr_pic_id: u16,
    /// Write SPS and PPS before the slices of this frame.
    pub headers: bool,
    /// Optional per-macroblock QP offsets (raster order, one per macroblock) added to `qp`;
    /// the sum is clipped to 0..=51 and coded as `mb_qp_delta`.
    pub mb_qp_delta: Option<&'a [i8]>,
}

impl FrameParams<'static> {
    /// An IDR frame with SPS and PPS in front of it.
    pub const fn idr(qp: u8, idr_pic_id: u16) -> Self {
        FrameParams { frame_type: FrameType::Idr, qp, frame_num: 0, idr_pic_id, headers: true, mb_qp_delta: None }
    }

    /// A P frame, `frame_num` frames after the last IDR.
    pub const fn p(qp: u8, frame_num: u32) -> Self {
        FrameParams { frame_type: FrameType::P, qp, frame_num, idr_pic_id: 0, headers: false, mb_qp_delta: None }
    }
}

/// `frame_num` is written modulo this value (log2_max_frame_num = 8).
pub const MAX_FRAME_NUM: u32 = 256;

/// What the core reports for an encoded frame, as an encoder block does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameStats {
    /// Bytes written to the output slice.
    pub bytes: usize,
    /// Bits of everything but coefficient data: start codes, NAL headers, parameter sets,
    /// slice headers, macroblock types, prediction modes, motion vectors, coded block patterns.
    pub header_bits: u64,
    /// Bits of residual (coefficient) data.
    pub residual_bits: u64,
    /// All bits written: `8 * bytes` = `header_bits + residual_bits`.
    pub total_bits: u64,
    /// Sum of the QP of every macroblock (QP_Y as the decoder derives it).
    pub qp_sum: u32,
    /// Sum of absolute differences between the source luma and its prediction.
    pub sad: u64,
    /// Intra-coded macroblocks.
    pub intra_mbs: u32,
    /// Skipped macroblocks (P_Skip).
    pub skip_mbs: u32,
}

/// Errors of the core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// A [`Config`] field is out of range.
    InvalidConfig,
    /// A [`FrameParams`] field is out of range (QP above 51, a wrong `mb_qp_delta` length, a
    /// P frame without reference).
    InvalidParams,
    /// A source plane is shorter than its stride and the picture size need.
    InvalidSource,
    /// A frame buffer (reconstruction or reference) is shorter than [`frame_buffer_len`].
    FrameBufferTooSmall,
    /// The output slice is full. Nothing was written past its end; the reference frame was
    /// only read, so the caller may encode the same frame again into a larger slice (the
    /// reconstruction buffer holds garbage and must not be used as a reference).
    OutputTooSmall,
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let s = match self {
            Error::InvalidConfig => "invalid encoder configuration",
            Error::InvalidParams => "invalid frame parameters",
            Error::InvalidSource => "source plane too small for its stride and size",
            Error::FrameBufferTooSmall => "frame buffer too small",
            Error::OutputTooSmall => "output buffer too small",
        };
        f.write_str(s)
    }
}
