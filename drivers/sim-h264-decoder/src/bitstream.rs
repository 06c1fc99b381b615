//! Annex-B bytestream handling: an accumulator that turns arbitrary byte chunks into
//! complete access units, a minimal SPS parser (profile, chroma format, bit depths,
//! frame/field coding, coded size and cropping) and the slice type of slice headers,
//! with which each unit says whether the backend can decode it ([`crate::limits`]).

use std::collections::VecDeque;

use v4l2m2m::Timestamp;

use crate::limits::{self, Unsupported};

/// NAL unit types that matter for access-unit boundaries (H.264 7.4.1.2.3).
mod nal {
    pub const SLICE: u8 = 1;
    pub const IDR: u8 = 5;
    pub const SEI: u8 = 6;
    pub const SPS: u8 = 7;
    pub const PPS: u8 = 8;
    pub const AUD: u8 = 9;
}

/// One complete access unit: Annex-B bytes (start codes included) of every NAL of one
/// primary picture with its preceding parameter sets and SEI.
#[derive(Debug)]
pub struct AccessUnit {
    /// The bytes, starting with a start code.
    pub data: Vec<u8>,
    /// Timestamp of the OUTPUT buffer in which the unit's first byte arrived.
    pub timestamp: Timestamp,
    /// The last SPS found in the unit, if any.
    pub sps: Option<SpsInfo>,
    /// Whether the unit holds an IDR picture.
    pub idr: bool,
    /// The first reason the backend cannot decode the unit exactly (its SPS, or a slice).
    pub refusal: Option<Unsupported>,
}

/// Collects a continuous Annex-B bytestream and cuts it into access units.
///
/// Bytes may arrive in chunks of any size (one byte, one NAL, one access unit, a whole
/// file): the units produced are the same. A unit is complete when the first NAL of the
/// next one has been seen, or at [`Accumulator::finish`].
#[derive(Default)]
pub struct Accumulator {
    /// Bytes not yet cut into units.
    buf: Vec<u8>,
    /// How far `buf` has been scanned for start codes.
    scanned: usize,
    /// Offset in `buf` of the current unit's first NAL start code, and of the NAL being
    /// collected (its start code position).
    au_start: Option<usize>,
    nal_start: Option<usize>,
    /// Whether the current unit already holds a VCL NAL (a slice).
    au_has_vcl: bool,
    /// (offset in `buf` where a chunk starts, its timestamp), oldest first.
    chunks: VecDeque<(usize, Timestamp)>,
    /// Units cut and waiting to be decoded.
    ready: VecDeque<AccessUnit>,
    /// The last SPS of the unit being collected.
    pending_sps: Option<SpsInfo>,
    /// Whether the unit being collected holds an IDR slice.
    pending_idr: bool,
    /// Why the unit being collected cannot be decoded, from its complete NALs.
    pending_refusal: Option<Unsupported>,
    /// An SPS was parsed since the stream started.
    sps_seen: bool,
    /// A slice was seen since the stream started (a seek does not restart the stream).
    vcl_seen: bool,
}

impl Accumulator {
    /// Appends a chunk of the stream that arrived with `timestamp`.
    pub fn push(&mut self, data: &[u8], timestamp: Timestamp) {
        if data.is_empty() {
            return;
        }
        self.chunks.push_back((self.buf.len(), timestamp));
        self.buf.extend_from_slice(data);
        self.scan(false);
    }

    /// Declares the end of the stream (a drain): the pending unit is complete.
    pub fn finish(&mut self) {
        self.scan(true);
    }

    /// Drops everything (a seek). The stream goes on: what follows need not start with an
    /// IDR picture.
    pub fn clear(&mut self) {
        let (sps_seen, vcl_seen) = (self.sps_seen, self.vcl_seen);
        *self = Self::default();
        (self.sps_seen, self.vcl_seen) = (sps_seen, vcl_seen);
    }

    /// The next complete unit, without removing it.
    pub fn peek(&self) -> Option<&AccessUnit> {
        self.ready.front()
    }

    /// The first SPS seen in the units not yet taken, complete or not: headers are known
    /// as soon as the SPS NAL ends, before its access unit is complete.
    pub fn known_sps(&self) -> Option<SpsInfo> {
        self.ready.iter().find_map(|u| u.sps).or(self.pending_sps)
    }

    /// The first reason found in the units not yet taken, complete or not, that the
    /// backend cannot decode the stream exactly: the NAL still arriving counts as soon as
    /// enough of its header is there, so a refusal is known in the buffer that brought it.
    pub fn refusal(&self) -> Option<Unsupported> {
        self.ready.iter().find_map(|u| u.refusal).or(self.pending_refusal).or_else(|| {
            let start = self.nal_start?;
            self.nal_refusal(start, self.buf.len())
        })
    }

    /// Removes and returns the next complete unit.
    pub fn pop(&mut self) -> Option<AccessUnit> {
        self.ready.pop_front()
    }

    /// Bytes held that are not yet part of a complete unit.
    pub fn pending_bytes(&self) -> usize {
        self.buf.len() - self.au_start.unwrap_or(self.buf.len())
    }

    fn timestamp_at(&self, offset: usize) -> Timestamp {
        self.chunks.iter().rev().find(|(start, _)| *start <= offset).map(|c| c.1).unwrap_or_default()
    }

    /// Finds start codes in the unscanned part; every NAL whose end is known is classified.
    fn scan(&mut self, at_end: bool) {
        let mut i = self.scanned;
        let len = self.buf.len();
        while i + 3 <= len {
            // A start code is 00 00 01; a preceding 00 (4-byte form) belongs to it.
            if self.buf[i + 2] > 1 {
                i += 3;
                continue;
            }
            if self.buf[i] == 0 && self.buf[i + 1] == 0 && self.buf[i + 2] == 1 {
                let sc = if i > 0 && self.buf[i - 1] == 0 && self.nal_start != Some(i - 1) { i - 1 } else { i };
                // The NAL header byte and the one after it (first_mb_in_slice starts
                // there) must be present to classify the new NAL.
                if i + 4 >= len {
                    break;
                }
                self.nal_boundary(sc);
                i += 3;
            } else {
                i += 1;
            }
        }
        self.scanned = i.min(len);
        if at_end {
            if let Some(start) = self.nal_start.take() {
                self.classify_nal(start, len);
            }
            if let Some(start) = self.au_start.take() {
                self.cut(start, len);
            }
            self.scanned = len;
        }
        self.compact();
    }

    /// A new NAL starts at `sc`: the previous one (if any) ends there.
    fn nal_boundary(&mut self, sc: usize) {
        if let Some(prev) = self.nal_start {
            self.classify_nal(prev, sc);
        }
        // Decide whether the NAL starting at `sc` opens a new access unit.
        let header = self.nal_header_at(sc);
        let kind = header & 0x1f;
        let first_of_au = match kind {
            nal::AUD | nal::SPS | nal::PPS | nal::SEI | 14..=18 => self.au_has_vcl,
            nal::SLICE | nal::IDR => {
                // first_mb_in_slice == 0 (ue(v) '1' bit) starts a new primary picture.
                let first_mb_zero = self.buf.get(self.payload_at(sc) + 1).is_some_and(|b| b & 0x80 != 0);
                self.au_has_vcl && first_mb_zero
            }
            _ => false,
        };
        if first_of_au {
            if let Some(start) = self.au_start.take() {
                self.cut(start, sc);
            }
        }
        if self.au_start.is_none() {
            self.au_start = Some(sc);
        }
        if matches!(kind, nal::SLICE | nal::IDR) {
            self.au_has_vcl = true;
        }
        self.nal_start = Some(sc);
    }

    fn payload_at(&self, sc: usize) -> usize {
        // Skip 00 00 01 or 00 00 00 01.
        if self.buf[sc + 2] == 1 {
            sc + 3
        } else {
            sc + 4
        }
    }

    fn nal_header_at(&self, sc: usize) -> u8 {
        self.buf.get(self.payload_at(sc)).copied().unwrap_or(0)
    }

    /// Records what the unit needs to know about the complete NAL `buf[start..end]`.
    fn classify_nal(&mut self, start: usize, end: usize) {
        let kind = self.nal_header_at(start) & 0x1f;
        if kind == nal::SPS {
            let payload = self.payload_at(start) + 1;
            if payload < end {
                let sps = parse_sps(&self.buf[payload..end]);
                self.sps_seen |= sps.is_some();
                self.pending_sps = sps.or(self.pending_sps);
            }
        }
        if kind == nal::IDR {
            self.pending_idr = true;
        }
        self.pending_refusal = self.pending_refusal.or_else(|| self.nal_refusal(start, end));
        self.vcl_seen |= matches!(kind, nal::SLICE | nal::IDR);
    }

    /// Why the NAL at `buf[start..end]` (complete or the start of one) makes its unit
    /// undecodable, as far as its bytes tell.
    fn nal_refusal(&self, start: usize, end: usize) -> Option<Unsupported> {
        let payload = self.payload_at(start) + 1;
        let bytes = self.buf.get(payload..end)?;
        match self.nal_header_at(start) & 0x1f {
            nal::SPS => parse_sps(bytes).as_ref().and_then(limits::check_sps),
            // The stream's first picture is not an IDR: decoding would start at a recovery
            // point, which the backend does not do exactly.
            nal::SLICE if self.sps_seen && !self.vcl_seen => Some(Unsupported::NoIdrStart),
            nal::SLICE | nal::IDR => parse_slice_type(bytes).and_then(limits::check_slice_type),
            _ => None,
        }
    }

    /// Cuts `buf[start..end]` as a complete unit.
    fn cut(&mut self, start: usize, end: usize) {
        if end > start {
            let timestamp = self.timestamp_at(start);
            self.ready.push_back(AccessUnit {
                data: self.buf[start..end].to_vec(),
                timestamp,
                sps: self.pending_sps.take(),
                idr: core::mem::take(&mut self.pending_idr),
                refusal: self.pending_refusal.take(),
            });
        }
        self.au_has_vcl = false;
    }

    /// Drops bytes before the current unit so the buffer does not grow without bound.
    fn compact(&mut self) {
        let keep_from =
            self.au_start.unwrap_or(self.scanned.saturating_sub(3)).min(self.nal_start.unwrap_or(usize::MAX));
        if keep_from < 1 << 20 && keep_from < self.buf.len() / 2 {
            return;
        }
        let keep_from = keep_from.min(self.buf.len());
        // Keep the timestamp of the chunk the kept bytes start in.
        let ts = self.timestamp_at(keep_from);
        self.buf.drain(..keep_from);
        self.scanned -= keep_from.min(self.scanned);
        self.au_start = self.au_start.map(|s| s - keep_from);
        self.nal_start = self.nal_start.map(|s| s - keep_from);
        let mut chunks: VecDeque<(usize, Timestamp)> =
            self.chunks.iter().filter(|(s, _)| *s > keep_from).map(|&(s, t)| (s - keep_from, t)).collect();
        chunks.push_front((0, ts));
        self.chunks = chunks;
    }
}

/// What the decoder needs from a sequence parameter set.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SpsInfo {
    /// Coded width in pixels (macroblock aligned).
    pub coded_width: u32,
    /// Coded height in pixels (macroblock aligned).
    pub coded_height: u32,
    /// Visible rectangle inside the coded frame: left, top, width, height.
    pub crop: (u32, u32, u32, u32),
    /// `max_num_ref_frames`: a lower bound on the frames the decoder keeps.
    pub max_num_ref_frames: u32,
    /// `max_num_reorder_frames`: the VUI's, or what Annex E.2.1 infers without its
    /// bitstream restriction ([`h264_levels::inferred_reorder`]).
    pub max_num_reorder_frames: u32,
    /// `profile_idc` (Annex A: 66 Baseline, 77 Main, 100 High, 110 High 10, ...).
    pub profile_idc: u8,
    /// `chroma_format_idc`: 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4.
    pub chroma_format_idc: u8,
    /// Bits per luma sample.
    pub bit_depth_luma: u8,
    /// Bits per chroma sample.
    pub bit_depth_chroma: u8,
    /// `frame_mbs_only_flag`: false for interlaced coding (field pictures or MBAFF).
    pub frame_mbs_only: bool,
    /// `qpprime_y_zero_transform_bypass_flag`: lossless macroblocks (qP 0) may occur.
    pub transform_bypass: bool,
}

struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn bit(&mut self) -> Option<u32> {
        let byte = *self.data.get(self.pos / 8)?;
        let bit = (byte >> (7 - self.pos % 8)) & 1;
        self.pos += 1;
        Some(u32::from(bit))
    }
    fn bits(&mut self, n: u32) -> Option<u32> {
        (0..n).try_fold(0u32, |acc, _| Some(acc << 1 | self.bit()?))
    }
    fn ue(&mut self) -> Option<u32> {
        let mut zeros = 0;
        while self.bit()? == 0 {
            zeros += 1;
            if zeros > 31 {
                return None;
            }
        }
        Some(((1u64 << zeros) - 1 + u64::from(self.bits(zeros)?)) as u32)
    }
    fn se(&mut self) -> Option<i32> {
        let v = self.ue()?;
        Some(if v & 1 == 1 { v.div_ceil(2) as i32 } else { -((v / 2) as i32) })
    }
}

fn skip_scaling_list(b: &mut Bits<'_>, size: usize) -> Option<()> {
    let (mut last, mut next) = (8i32, 8i32);
    for _ in 0..size {
        if next != 0 {
            next = (last + b.se()? + 256) % 256;
        }
        if next != 0 {
            last = next;
        }
    }
    Some(())
}

/// The first `max` bytes of a NAL payload without its emulation prevention bytes
/// (00 00 03 becomes 00 00).
fn unescape(nal_payload: &[u8], max: usize) -> Vec<u8> {
    let mut rbsp = Vec::with_capacity(nal_payload.len().min(max));
    let mut zeros = 0;
    for &byte in nal_payload.iter().take(max) {
        if zeros >= 2 && byte == 3 {
            zeros = 0;
            continue;
        }
        zeros = if byte == 0 { zeros + 1 } else { 0 };
        rbsp.push(byte);
    }
    rbsp
}

/// The `slice_type` of a slice header (the bytes after the NAL header), if enough bytes
/// are there.
pub fn parse_slice_type(nal_payload: &[u8]) -> Option<u32> {
    let rbsp = unescape(nal_payload, 16);
    let b = &mut Bits { data: &rbsp, pos: 0 };
    b.ue()?; // first_mb_in_slice
    b.ue()
}

/// Reads the VUI up to its bitstream restriction: `max_num_reorder_frames` if present.
fn vui_reorder(b: &mut Bits<'_>) -> Option<Option<u32>> {
    if b.bit()? == 1 && b.bits(8)? == 255 {
        b.bits(32)?; // sar_width, sar_height
    }
    if b.bit()? == 1 {
        b.bit()?; // overscan_appropriate_flag
    }
    if b.bit()? == 1 {
        b.bits(4)?; // video_format, video_full_range_flag
        if b.bit()? == 1 {
            b.bits(24)?; // colour description
        }
    }
    if b.bit()? == 1 {
        b.ue()?;
        b.ue()?; // chroma sample locations
    }
    if b.bit()? == 1 {
        b.bits(32)?;
        b.bits(32)?;
        b.bit()?; // timing info
    }
    let nal_hrd = b.bit()? == 1;
    if nal_hrd {
        skip_hrd(b)?;
    }
    let vcl_hrd = b.bit()? == 1;
    if vcl_hrd {
        skip_hrd(b)?;
    }
    if nal_hrd || vcl_hrd {
        b.bit()?; // low_delay_hrd_flag
    }
    b.bit()?; // pic_struct_present_flag
    if b.bit()? == 0 {
        return Some(None);
    }
    b.bit()?; // motion_vectors_over_pic_boundaries_flag
    for _ in 0..4 {
        b.ue()?; // byte and bit limits, motion vector lengths
    }
    b.ue().map(Some)
}

fn skip_hrd(b: &mut Bits<'_>) -> Option<()> {
    let count = b.ue()?.checked_add(1)?;
    b.bits(8)?; // bit_rate_scale, cpb_size_scale
    for _ in 0..count.min(32) {
        b.ue()?;
        b.ue()?;
        b.bit()?;
    }
    b.bits(20).map(drop) // the four delay and length fields
}

/// Parses an SPS RBSP (the bytes after the NAL header, emulation prevention included).
pub fn parse_sps(nal_payload: &[u8]) -> Option<SpsInfo> {
    // The header fields are short: 256 bytes hold them with any scaling lists.
    let rbsp = unescape(nal_payload, 256);
    let b = &mut Bits { data: &rbsp, pos: 0 };
    let profile_idc = b.bits(8)?;
    let constraint_set3 = b.bits(8)? & 0x10 != 0;
    let level_idc = b.bits(8)?;
    b.ue()?; // seq_parameter_set_id
    let mut chroma_format_idc = 1;
    let (mut bit_depth_luma, mut bit_depth_chroma) = (8, 8);
    let mut transform_bypass = false;
    if matches!(profile_idc, 100 | 110 | 122 | 244 | 44 | 83 | 86 | 118 | 128 | 138 | 139 | 134 | 135) {
        chroma_format_idc = b.ue()?;
        if chroma_format_idc == 3 {
            b.bit()?;
        }
        bit_depth_luma = b.ue()?.saturating_add(8);
        bit_depth_chroma = b.ue()?.saturating_add(8);
        transform_bypass = b.bit()? == 1;
        if b.bit()? == 1 {
            let count = if chroma_format_idc == 3 { 12 } else { 8 };
            for i in 0..count {
                if b.bit()? == 1 {
                    skip_scaling_list(b, if i < 6 { 16 } else { 64 })?;
                }
            }
        }
    }
    b.ue()?; // log2_max_frame_num_minus4
    let poc_type = b.ue()?;
    if poc_type == 0 {
        b.ue()?;
    } else if poc_type == 1 {
        b.bit()?;
        b.se()?;
        b.se()?;
        let n = b.ue()?;
        for _ in 0..n.min(256) {
            b.se()?;
        }
    }
    let max_num_ref_frames = b.ue()?;
    b.bit()?; // gaps_in_frame_num_value_allowed_flag
    let width_mbs = b.ue()? + 1;
    let height_map_units = b.ue()? + 1;
    let frame_mbs_only = b.bit()?;
    if frame_mbs_only == 0 {
        b.bit()?;
    }
    b.bit()?; // direct_8x8_inference_flag
    let coded_width = width_mbs.checked_mul(16)?;
    let coded_height = height_map_units.checked_mul(16 * (2 - frame_mbs_only))?;
    let mut crop = (0, 0, coded_width, coded_height);
    if b.bit()? == 1 {
        let (l, r, t, bo) = (b.ue()?, b.ue()?, b.ue()?, b.ue()?);
        let (cx, cy) = match chroma_format_idc {
            0 => (1, 2 - frame_mbs_only),
            1 => (2, 2 * (2 - frame_mbs_only)),
            2 => (2, 2 - frame_mbs_only),
            _ => (1, 2 - frame_mbs_only),
        };
        let w = coded_width.checked_sub(cx * (l + r))?;
        let h = coded_height.checked_sub(cy * (t + bo))?;
        crop = (cx * l, cy * t, w, h);
    }
    // A VUI that does not parse (cut short) counts as one without the restriction.
    let vui_reorder = if b.bit() == Some(1) { vui_reorder(b).flatten() } else { None };
    let frame_mbs = (coded_width / 16) * (coded_height / 16);
    let max_num_reorder_frames = vui_reorder
        .unwrap_or_else(|| h264_levels::inferred_reorder(profile_idc, constraint_set3, level_idc, frame_mbs));
    if coded_width == 0 || coded_height == 0 || crop.2 == 0 || crop.3 == 0 || coded_width > 8192 || coded_height > 8192
    {
        return None;
    }
    if chroma_format_idc > 3 || bit_depth_luma > 14 || bit_depth_chroma > 14 {
        return None;
    }
    Some(SpsInfo {
        coded_width,
        coded_height,
        crop,
        max_num_ref_frames,
        max_num_reorder_frames,
        profile_idc: profile_idc as u8,
        chroma_format_idc: chroma_format_idc as u8,
        bit_depth_luma: bit_depth_luma as u8,
        bit_depth_chroma: bit_depth_chroma as u8,
        frame_mbs_only: frame_mbs_only == 1,
        transform_bypass,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes fields MSB first, Exp-Golomb codes included, as an encoder does.
    #[derive(Default)]
    struct Writer {
        bits: Vec<bool>,
    }

    impl Writer {
        fn u(mut self, n: u32, v: u32) -> Self {
            self.bits.extend((0..n).rev().map(|i| v >> i & 1 == 1));
            self
        }
        fn ue(self, v: u32) -> Self {
            let code = v + 1;
            let len = 32 - code.leading_zeros();
            self.u(len - 1, 0).u(len, code)
        }
        /// The NAL: start code, header byte, payload with its stop bit (no 00 00 0x runs
        /// occur in these small headers, so no emulation prevention is needed).
        fn nal(self, header: u8) -> Vec<u8> {
            let mut bits = self.u(1, 1).bits;
            while bits.len() % 8 != 0 {
                bits.push(false);
            }
            let mut out = vec![0, 0, 0, 1, header];
            out.extend(bits.chunks(8).map(|b| b.iter().fold(0u8, |a, &x| a << 1 | u8::from(x))));
            out
        }
    }

    /// An SPS of a 176x144 stream: `profile_idc`, bit depth (High profiles only) and
    /// frame/field coding.
    fn sps(profile_idc: u32, depth: u32, frame_mbs_only: bool) -> Vec<u8> {
        let mut w = Writer::default().u(8, profile_idc).u(8, 0).u(8, 30).ue(0);
        if profile_idc >= 100 {
            w = w.ue(1).ue(depth - 8).ue(depth - 8).u(1, 0).u(1, 0);
        }
        w = w.ue(0).ue(2).ue(1).u(1, 0).ue(10).ue(if frame_mbs_only { 8 } else { 4 }).u(1, u32::from(frame_mbs_only));
        if !frame_mbs_only {
            w = w.u(1, 0);
        }
        w.u(1, 1).u(1, 0).u(1, 0).nal(0x67)
    }

    /// A Main SPS of 176x144 at `level_idc` with `constraint_set3_flag`, and a VUI (timing
    /// info, a NAL HRD) with the bitstream restriction's `max_num_reorder_frames` if given.
    fn sps_vui(level_idc: u32, set3: bool, reorder: Option<u32>) -> Vec<u8> {
        let w = Writer::default().u(8, 77).u(8, if set3 { 0x10 } else { 0 }).u(8, level_idc).ue(0);
        let w = w.ue(0).ue(2).ue(1).u(1, 0).ue(10).ue(8).u(1, 1).u(1, 1).u(1, 0).u(1, 1);
        let w = w.u(1, 1).u(8, 255).u(16, 12).u(16, 11).u(1, 0).u(1, 1).u(3, 5).u(1, 0).u(1, 1).u(24, 0x01_0101);
        let w = w.u(1, 0).u(1, 1).u(32, 1).u(32, 50).u(1, 1);
        let w = w.u(1, 1).ue(0).u(4, 0).u(4, 0).ue(1000).ue(2000).u(1, 0).u(20, 0xfffff).u(1, 0).u(1, 0).u(1, 0);
        match reorder {
            Some(r) => w.u(1, 1).u(1, 1).ue(2).ue(1).ue(16).ue(16).ue(r).ue(r.max(1)),
            None => w.u(1, 0),
        }
        .nal(0x67)
    }

    #[test]
    fn the_reorder_depth_comes_from_the_vui_or_the_level() {
        let parsed = |nal: Vec<u8>| parse_sps(&nal[5..]).expect("SPS");
        for reorder in [0, 1, 5] {
            assert_eq!(parsed(sps_vui(30, false, Some(reorder))).max_num_reorder_frames, reorder);
        }
        // 176x144 is 99 macroblocks: level 1b (1.1 with constraint_set3) 396 / 99, level 1.1
        // 900 / 99, level 3 8100 / 99 capped at 16.
        for (level, set3, frames) in [(11, true, 4), (11, false, 9), (10, false, 4), (30, false, 16)] {
            assert_eq!(parsed(sps_vui(level, set3, None)).max_num_reorder_frames, frames, "level {level}");
        }
        assert_eq!(parsed(sps(77, 8, true)).max_num_reorder_frames, 16);
        let intra = parsed(sps(110, 8, true));
        assert_eq!(intra.max_num_reorder_frames, 16, "High 10 without constraint_set3 is not intra");
    }

    #[test]
    fn min_buffers_is_the_larger_of_refs_and_reorder_plus_one() {
        let parsed = |nal: Vec<u8>| parse_sps(&nal[5..]).expect("SPS");
        // sps_vui writes max_num_ref_frames 1.
        assert_eq!(crate::dpb::min_capture_buffers(&parsed(sps_vui(30, false, Some(0)))), 2);
        assert_eq!(crate::dpb::min_capture_buffers(&parsed(sps_vui(30, false, Some(4)))), 5);
        assert_eq!(crate::dpb::min_capture_buffers(&parsed(sps_vui(11, false, None))), 10);
        assert_eq!(crate::dpb::min_capture_buffers(&parsed(sps_vui(30, false, None))), 17);
    }

    /// The start of a slice NAL of `slice_type` (then a few bytes of slice data).
    fn slice(idr: bool, slice_type: u32) -> Vec<u8> {
        let mut nal = Writer::default().ue(0).ue(slice_type).ue(0).u(16, 0xa5a5).nal(if idr { 0x65 } else { 0x41 });
        nal.extend([0x5a; 8]);
        nal
    }

    #[test]
    fn the_sps_gives_profile_chroma_depth_and_field_coding() {
        let parsed = |nal: Vec<u8>| parse_sps(&nal[5..]).expect("SPS");
        let main = parsed(sps(77, 8, true));
        assert_eq!((main.profile_idc, main.chroma_format_idc, main.bit_depth_luma), (77, 1, 8));
        assert!(main.frame_mbs_only && limits::check_sps(&main).is_none());
        assert_eq!((main.coded_width, main.coded_height), (176, 144));
        let high10 = parsed(sps(110, 10, true));
        assert_eq!((high10.bit_depth_luma, high10.bit_depth_chroma), (10, 10));
        let interlaced = parsed(sps(77, 8, false));
        assert_eq!((interlaced.frame_mbs_only, interlaced.coded_height), (false, 160));
        assert_eq!(limits::check_sps(&interlaced), Some(Unsupported::Interlaced { profile_idc: 77 }));
    }

    #[test]
    fn a_refusal_is_known_in_the_chunk_that_brings_its_header() {
        let mut stream = sps(77, 8, true);
        stream.extend(slice(true, 7));
        let clean = stream.len();
        stream.extend(slice(false, 5));
        let b_start = stream.len();
        stream.extend(slice(false, 6));
        // Start code (4 bytes), NAL header, then the first payload byte holds
        // first_mb_in_slice and slice_type: the refusal is known with that byte.
        let known_at = b_start + 5;
        assert!(known_at > clean);
        let mut acc = Accumulator::default();
        for (i, &byte) in stream.iter().enumerate() {
            acc.push(&[byte], Timestamp(i as u64));
            let expected = if i < known_at { None } else { Some(Unsupported::BSlices) };
            assert_eq!(acc.refusal(), expected, "byte {i} (the B slice's header byte is {})", b_start + 4);
        }
        // The B slice's unit, once complete, carries the refusal; the units before do not.
        acc.finish();
        let units: Vec<AccessUnit> = core::iter::from_fn(|| acc.pop()).collect();
        assert_eq!(units.len(), 3);
        assert_eq!(units.iter().map(|u| u.refusal).collect::<Vec<_>>(), [None, None, Some(Unsupported::BSlices)]);
    }

    #[test]
    fn a_stream_that_starts_without_an_idr_is_refused_but_not_after_a_seek() {
        let mut stream = sps(100, 8, true);
        stream.extend(slice(false, 7));
        let mut acc = Accumulator::default();
        acc.push(&stream, Timestamp(0));
        assert_eq!(acc.refusal(), Some(Unsupported::NoIdrStart));

        let mut acc = Accumulator::default();
        let mut start = sps(100, 8, true);
        start.extend(slice(true, 7));
        start.extend(slice(false, 5));
        acc.push(&start, Timestamp(0));
        acc.finish();
        assert_eq!(acc.refusal(), None);
        // A seek lands on a P picture: the stream goes on, nothing is refused.
        acc.clear();
        acc.push(&slice(false, 5), Timestamp(1));
        acc.push(&slice(false, 5), Timestamp(2));
        assert_eq!(acc.refusal(), None);
    }

    #[test]
    fn an_unsupported_sps_refuses_its_unit() {
        let mut stream = sps(110, 10, true);
        stream.extend(slice(true, 7));
        let mut acc = Accumulator::default();
        acc.push(&stream, Timestamp(0));
        let expected = Unsupported::BitDepth { profile_idc: 110, luma: 10, chroma: 10 };
        assert_eq!(acc.refusal(), Some(expected));
        acc.finish();
        assert_eq!(acc.pop().map(|u| u.refusal), Some(Some(expected)));
    }
}
