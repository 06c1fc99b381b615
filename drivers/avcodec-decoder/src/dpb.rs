//! What a sequence asks of CAPTURE: `V4L2_CID_MIN_BUFFERS_FOR_CAPTURE` from the stream's
//! own sequence header, not from libavcodec's context. libavcodec's `has_b_frames` is
//! the stream's reorder depth only when the stream states it (an HEVC SPS always does; an
//! H.264 SPS only in its VUI's bitstream restriction); without it libavcodec starts low
//! and raises its guess as pictures arrive out of order, which is not what the stream may
//! need. And neither an HEVC SPS's `sps_max_dec_pic_buffering` nor VP9's reference slots
//! reach the public context at all.
//!
//! The value is the larger of the pictures the decoder keeps as references and the
//! pictures it may hold back for display order, plus one (the picture being placed):
//! - H.264: `max_num_ref_frames` and `max_num_reorder_frames`. Without the VUI's bitstream
//!   restriction, `max_num_reorder_frames` is inferred as Annex E.2.1 says: 0 for the intra
//!   profiles, else the level's MaxDpbFrames = min(MaxDpbMbs / (PicWidthInMbs ×
//!   FrameHeightInMbs), 16), Table A-1 (level 1b: `level_idc` 9, or 11 with
//!   `constraint_set3_flag` in Baseline, Main and Extended).
//! - HEVC: `sps_max_dec_pic_buffering_minus1` (the reference pictures beside the current
//!   one) and `sps_max_num_reorder_pics`, of the highest sub-layer: that is
//!   `sps_max_dec_pic_buffering`.
//! - VP9: its eight reference slots (a frame may refresh any of them), no reordering: 9.

use crate::ffi::Codec;
use crate::probe::is_slice;

/// VP9's reference slots.
const VP9_REFERENCE_SLOTS: u32 = 8;
/// The CAPTURE buffers the last sequence header of `unit` (an access unit, Annex B for
/// H.264 and HEVC) asks for, before any clamp; `None` if it holds none that parses. Only
/// the NAL units before the first slice are looked at (parameter sets precede it).
pub fn min_buffers(codec: Codec, unit: &[u8]) -> Option<u32> {
    match codec {
        Codec::Vp9 => Some(VP9_REFERENCE_SLOTS + 1),
        Codec::H264 => headers(codec, unit).filter(|n| n[0] & 0x1f == 7).filter_map(|n| h264(&n[1..])).last(),
        Codec::Hevc => headers(codec, unit)
            .filter(|n| n.len() > 2 && (n[0] >> 1) & 0x3f == 33)
            .filter_map(|n| hevc(&n[2..]))
            .last(),
    }
}

/// The NAL units of an Annex B byte stream (header byte first, start codes removed) up to
/// the first coded slice of `codec`.
fn headers(codec: Codec, data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let start_after = |from: usize| data.get(from..)?.windows(3).position(|w| w == [0, 0, 1]).map(|i| from + i + 3);
    let mut next = start_after(0);
    core::iter::from_fn(move || {
        let start = next?;
        next = start_after(start);
        // Trailing zero bytes belong to the next start code (a four-byte one).
        let mut end = next.map_or(data.len(), |n| n - 3);
        while end > start && data[end - 1] == 0 {
            end -= 1;
        }
        Some(&data[start..end])
    })
    .take_while(move |nal| nal.first().is_some_and(|&h| !is_slice(codec, h)))
}

/// An RBSP read MSB first, emulation prevention bytes (00 00 03) removed.
struct Bits {
    data: Vec<u8>,
    pos: usize,
}

impl Bits {
    fn new(payload: &[u8]) -> Self {
        let mut data = Vec::with_capacity(payload.len());
        let mut zeros = 0;
        for &byte in payload {
            if zeros >= 2 && byte == 3 {
                zeros = 0;
                continue;
            }
            zeros = if byte == 0 { zeros + 1 } else { 0 };
            data.push(byte);
        }
        Self { data, pos: 0 }
    }
    fn bit(&mut self) -> Option<u32> {
        let byte = *self.data.get(self.pos / 8)?;
        self.pos += 1;
        Some(u32::from(byte >> (7 - (self.pos - 1) % 8) & 1))
    }
    fn bits(&mut self, n: u32) -> Option<u32> {
        (0..n).try_fold(0u32, |acc, _| Some(acc << 1 | self.bit()?))
    }
    fn skip(&mut self, n: usize) -> Option<()> {
        self.pos += n;
        (self.pos <= self.data.len() * 8).then_some(())
    }
    fn ue(&mut self) -> Option<u32> {
        let mut zeros = 0;
        while self.bit()? == 0 {
            zeros += 1;
            if zeros > 31 {
                return None;
            }
        }
        u32::try_from((1u64 << zeros) - 1 + u64::from(self.bits(zeros)?)).ok()
    }
    fn se(&mut self) -> Option<i32> {
        let v = self.ue()?;
        let magnitude = i32::try_from(v.div_ceil(2)).ok()?;
        Some(if v & 1 == 1 { magnitude } else { -magnitude })
    }
}

/// The H.264 SPS fields the DPB needs depend on.
#[derive(Debug, PartialEq, Eq)]
struct H264Sps {
    profile_idc: u32,
    constraint_set3: bool,
    level_idc: u32,
    max_num_ref_frames: u32,
    /// PicWidthInMbs × FrameHeightInMbs.
    frame_mbs: u32,
    /// The VUI's `max_num_reorder_frames`, when its bitstream restriction is present.
    max_num_reorder_frames: Option<u32>,
}

/// `min_buffers` of an H.264 SPS (the bytes after the NAL header).
fn h264(payload: &[u8]) -> Option<u32> {
    let sps = parse_h264_sps(&mut Bits::new(payload))?;
    let reorder = sps.max_num_reorder_frames.unwrap_or_else(|| inferred_reorder(&sps));
    Some(sps.max_num_ref_frames.max(reorder) + 1)
}

/// Annex E.2.1: `max_num_reorder_frames` when the VUI does not give it.
fn inferred_reorder(sps: &H264Sps) -> u32 {
    h264_levels::inferred_reorder(sps.profile_idc, sps.constraint_set3, sps.level_idc, sps.frame_mbs)
}

fn skip_scaling_list(b: &mut Bits, size: usize) -> Option<()> {
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

/// From `chroma_format_idc` to the scaling matrices (High profiles' part of the SPS).
fn skip_h264_high_fields(b: &mut Bits) -> Option<()> {
    let chroma_format_idc = b.ue()?;
    if chroma_format_idc == 3 {
        b.bit()?; // separate_colour_plane_flag
    }
    b.ue()?; // bit_depth_luma_minus8
    b.ue()?; // bit_depth_chroma_minus8
    b.bit()?; // qpprime_y_zero_transform_bypass_flag
    if b.bit()? == 1 {
        let count = if chroma_format_idc == 3 { 12 } else { 8 };
        for i in 0..count {
            if b.bit()? == 1 {
                skip_scaling_list(b, if i < 6 { 16 } else { 64 })?;
            }
        }
    }
    Some(())
}

fn parse_h264_sps(b: &mut Bits) -> Option<H264Sps> {
    let profile_idc = b.bits(8)?;
    let constraint_set3 = b.bits(8)? & 0x10 != 0;
    let level_idc = b.bits(8)?;
    b.ue()?; // seq_parameter_set_id
    if matches!(profile_idc, 100 | 110 | 122 | 244 | 44 | 83 | 86 | 118 | 128 | 138 | 139 | 134 | 135) {
        skip_h264_high_fields(b)?;
    }
    b.ue()?; // log2_max_frame_num_minus4
    match b.ue()? {
        0 => {
            b.ue()?;
        }
        1 => {
            b.bit()?;
            b.se()?;
            b.se()?;
            for _ in 0..b.ue()?.min(256) {
                b.se()?;
            }
        }
        _ => {}
    }
    let max_num_ref_frames = b.ue()?;
    b.bit()?; // gaps_in_frame_num_value_allowed_flag
    let width_mbs = b.ue()?.checked_add(1)?;
    let map_units = b.ue()?.checked_add(1)?;
    let frame_mbs_only = b.bit()?;
    if frame_mbs_only == 0 {
        b.bit()?; // mb_adaptive_frame_field_flag
    }
    b.bit()?; // direct_8x8_inference_flag
    if b.bit()? == 1 {
        (0..4).try_for_each(|_| b.ue().map(drop))?; // frame cropping offsets
    }
    let frame_mbs = width_mbs.checked_mul(map_units)?.checked_mul(2 - frame_mbs_only)?;
    let max_num_reorder_frames = if b.bit()? == 1 { h264_vui_reorder(b)? } else { None };
    Some(H264Sps { profile_idc, constraint_set3, level_idc, max_num_ref_frames, frame_mbs, max_num_reorder_frames })
}

/// Reads the VUI up to its bitstream restriction: `max_num_reorder_frames` if present.
fn h264_vui_reorder(b: &mut Bits) -> Option<Option<u32>> {
    if b.bit()? == 1 && b.bits(8)? == 255 {
        b.skip(32)?; // sar_width, sar_height
    }
    if b.bit()? == 1 {
        b.bit()?; // overscan_appropriate_flag
    }
    if b.bit()? == 1 {
        b.skip(4)?; // video_format, video_full_range_flag
        if b.bit()? == 1 {
            b.skip(24)?; // colour description
        }
    }
    if b.bit()? == 1 {
        b.ue()?;
        b.ue()?; // chroma sample locations
    }
    if b.bit()? == 1 {
        b.skip(65)?; // timing info
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
    (0..4).try_for_each(|_| b.ue().map(drop))?; // byte and bit limits, motion vector lengths
    b.ue().map(Some)
}

fn skip_hrd(b: &mut Bits) -> Option<()> {
    let count = b.ue()?.checked_add(1)?;
    b.skip(8)?; // bit_rate_scale, cpb_size_scale
    for _ in 0..count.min(32) {
        b.ue()?;
        b.ue()?;
        b.bit()?;
    }
    b.skip(20) // the four delay and length fields
}

/// `min_buffers` of an HEVC SPS (the bytes after the two-byte NAL header).
fn hevc(payload: &[u8]) -> Option<u32> {
    let b = &mut Bits::new(payload);
    b.skip(4)?; // sps_video_parameter_set_id
    let sub_layers = b.bits(3)? as usize; // sps_max_sub_layers_minus1
    b.bit()?; // sps_temporal_id_nesting_flag
    b.skip(96)?; // general profile, tier and level
    let present: Vec<(bool, bool)> =
        (0..sub_layers).map(|_| Some((b.bit()? == 1, b.bit()? == 1))).collect::<Option<_>>()?;
    if sub_layers > 0 {
        b.skip(2 * (8 - sub_layers))?;
    }
    for (profile, level) in present {
        b.skip(if profile { 88 } else { 0 } + if level { 8 } else { 0 })?;
    }
    b.ue()?; // sps_seq_parameter_set_id
    if b.ue()? == 3 {
        b.bit()?; // separate_colour_plane_flag
    }
    b.ue()?;
    b.ue()?; // picture size
    if b.bit()? == 1 {
        (0..4).try_for_each(|_| b.ue().map(drop))?; // conformance window
    }
    b.ue()?;
    b.ue()?; // bit depths
    b.ue()?; // log2_max_pic_order_cnt_lsb_minus4
    let first = if b.bit()? == 1 { 0 } else { sub_layers };
    let mut needs = None;
    for _ in first..=sub_layers {
        let buffering_minus1 = b.ue()?;
        let reorder = b.ue()?;
        b.ue()?; // sps_max_latency_increase_plus1
        needs = Some(buffering_minus1.max(reorder) + 1);
    }
    needs
}

#[cfg(test)]
mod tests;
