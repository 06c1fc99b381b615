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
    /// The RBSP with its stop bit, emulation prevention added, behind a start code and
    /// the NAL header bytes `header`.
    fn nal(self, header: &[u8]) -> Vec<u8> {
        let mut bits = self.bits;
        bits.push(true);
        while bits.len() % 8 != 0 {
            bits.push(false);
        }
        let rbsp: Vec<u8> = bits.chunks(8).map(|c| c.iter().fold(0u8, |a, &b| a << 1 | u8::from(b))).collect();
        let mut out = vec![0, 0, 0, 1];
        out.extend_from_slice(header);
        let mut zeros = 0;
        for byte in rbsp {
            if zeros >= 2 && byte <= 3 {
                out.push(3);
                zeros = 0;
            }
            zeros = if byte == 0 { zeros + 1 } else { 0 };
            out.push(byte);
        }
        out
    }
}

/// An H.264 SPS: profile, constraint_set3, level, max_num_ref_frames, size in
/// macroblocks, frame_mbs_only and the VUI's max_num_reorder_frames (None: no VUI).
struct Sps {
    profile: u32,
    set3: bool,
    level: u32,
    refs: u32,
    mbs: (u32, u32),
    frames: bool,
    reorder: Option<u32>,
}

impl Sps {
    fn bytes(&self) -> Vec<u8> {
        let mut w = Writer::default().u(8, self.profile).u(8, if self.set3 { 0x10 } else { 0 }).u(8, self.level).ue(0);
        if self.profile == 100 || self.profile == 110 {
            w = w.ue(1).ue(0).ue(0).u(1, 0).u(1, 0);
        }
        let map_units = if self.frames { self.mbs.1 } else { self.mbs.1 / 2 };
        w = w.ue(0).ue(0).ue(4).ue(self.refs).u(1, 0).ue(self.mbs.0 - 1).ue(map_units - 1);
        w = w.u(1, u32::from(self.frames));
        if !self.frames {
            w = w.u(1, 0);
        }
        // direct_8x8_inference, cropping (2 lines at the bottom).
        w = w.u(1, 1).u(1, 1).ue(0).ue(0).ue(0).ue(1);
        match self.reorder {
            None => w.u(1, 0),
            Some(reorder) => {
                // VUI: SAR 255 (extended), video signal with colour description, timing,
                // a NAL HRD, then the bitstream restriction.
                w = w.u(1, 1).u(1, 1).u(8, 255).u(16, 1).u(16, 1).u(1, 0);
                w = w.u(1, 1).u(3, 5).u(1, 0).u(1, 1).u(24, 0x01_0101).u(1, 0);
                w = w.u(1, 1).u(32, 1).u(32, 50).u(1, 1);
                w = w.u(1, 1).ue(0).u(4, 0).u(4, 0).ue(1000).ue(2000).u(1, 0).u(20, 0xfffff);
                w = w.u(1, 0).u(1, 0).u(1, 0);
                w.u(1, 1).u(1, 1).ue(2).ue(1).ue(16).ue(16).ue(reorder).ue(self.refs.max(reorder))
            }
        }
        .nal(&[0x67])
    }
}

fn sps(level: u32, mbs: (u32, u32), refs: u32, reorder: Option<u32>) -> Sps {
    Sps { profile: 100, set3: false, level, refs, mbs, frames: true, reorder }
}

#[test]
fn an_h264_sps_with_a_bitstream_restriction_gives_refs_or_reorder_plus_one() {
    for (refs, reorder, want) in [(4, 2, 5), (1, 0, 2), (2, 4, 5), (16, 2, 17), (0, 0, 1)] {
        let unit = sps(40, (120, 68), refs, Some(reorder)).bytes();
        assert_eq!(min_buffers(Codec::H264, &unit), Some(want), "refs {refs} reorder {reorder}");
    }
}

#[test]
fn without_a_bitstream_restriction_the_level_gives_max_dpb_frames_plus_one() {
    // (level_idc, constraint_set3, profile, size in macroblocks, MaxDpbFrames)
    let table = [
        (30, false, 100, (45, 36), 8100 / (45 * 36)),        // 720x576 at 3: 5
        (31, false, 100, (80, 45), 18000 / (80 * 45)),       // 1280x720 at 3.1: 5
        (40, false, 100, (120, 68), 32768 / (120 * 68)),     // 1920x1088 at 4: 4
        (51, false, 100, (120, 68), 16),                     // 184320 / 8160 = 22, capped at 16
        (10, false, 66, (11, 9), 396 / 99),                  // QCIF at 1: 4
        (11, true, 66, (11, 9), 396 / 99),                   // level 1b (Baseline, constraint_set3)
        (11, false, 66, (11, 9), 900 / 99),                  // level 1.1: 9
        (9, false, 77, (11, 9), 396 / 99),                   // level 1b written as 9
        (62, false, 100, (256, 135), 696_320 / (256 * 135)), // 4096x2160 at 6.2: 20 -> 16
        (99, false, 100, (120, 68), 16),                     // an unknown level: the largest DPB
    ];
    for (level, set3, profile, mbs, frames) in table {
        let unit = Sps { profile, set3, level, refs: 1, mbs, frames: true, reorder: None }.bytes();
        let want = frames.clamp(1, 16) + 1;
        assert_eq!(min_buffers(Codec::H264, &unit), Some(want), "level {level} set3 {set3} {mbs:?}");
    }
}

#[test]
fn field_coding_counts_the_frame_height_in_macroblocks() {
    let progressive = Sps { frames: true, ..sps(40, (120, 68), 1, None) }.bytes();
    let fields = Sps { frames: false, ..sps(40, (120, 68), 1, None) }.bytes();
    assert_eq!(min_buffers(Codec::H264, &progressive), min_buffers(Codec::H264, &fields));
    let half = Sps { frames: false, ..sps(40, (120, 34), 1, None) }.bytes();
    assert_eq!(min_buffers(Codec::H264, &half), Some(32768 / (120 * 34) + 1));
}

#[test]
fn an_intra_profile_without_a_restriction_reorders_nothing() {
    let unit = Sps { profile: 110, set3: true, refs: 0, ..sps(40, (120, 68), 0, None) }.bytes();
    assert_eq!(min_buffers(Codec::H264, &unit), Some(1));
    let not_intra = Sps { profile: 110, set3: false, refs: 0, ..sps(40, (120, 68), 0, None) }.bytes();
    assert_eq!(min_buffers(Codec::H264, &not_intra), Some(32768 / (120 * 68) + 1));
}

#[test]
fn the_last_sps_of_a_unit_counts_and_a_unit_without_one_gives_nothing() {
    let mut unit = sps(40, (120, 68), 4, Some(2)).bytes();
    unit.extend(sps(40, (120, 68), 1, Some(0)).bytes());
    unit.extend([0, 0, 1, 0x65, 0x88, 0x84, 0x10]);
    assert_eq!(min_buffers(Codec::H264, &unit), Some(2));
    assert_eq!(min_buffers(Codec::H264, &[0, 0, 1, 0x65, 0x88, 0x84, 0x10]), None);
    // Past the first slice nothing is read.
    let mut late = vec![0, 0, 1, 0x65, 0x88, 0x84, 0x10];
    late.extend(sps(40, (120, 68), 4, Some(2)).bytes());
    assert_eq!(min_buffers(Codec::H264, &late), None);
}

#[test]
fn a_truncated_sps_gives_nothing() {
    let unit = sps(40, (120, 68), 4, Some(2)).bytes();
    for len in 5..unit.len() - 2 {
        assert_eq!(min_buffers(Codec::H264, &unit[..len]), None, "{len} bytes");
    }
}

/// An HEVC SPS with `sub_layers` sub-layers; `ordering`: (max_dec_pic_buffering_minus1,
/// max_num_reorder_pics) per signalled sub-layer (one: only the highest).
fn hevc_sps(sub_layers: u32, ordering: &[(u32, u32)]) -> Vec<u8> {
    let mut w = Writer::default().u(4, 0).u(3, sub_layers - 1).u(1, 1);
    w = w.u(8, 1).u(32, 0x6000_0000).u(4, 0b1001).u(32, 0).u(12, 0).u(8, 93);
    for i in 0..sub_layers - 1 {
        w = w.u(1, i & 1).u(1, 1);
    }
    if sub_layers > 1 {
        w = w.u(2 * (9 - sub_layers), 0);
    }
    for i in 0..sub_layers - 1 {
        if i & 1 == 1 {
            w = w.u(32, 1).u(32, 0).u(24, 0);
        }
        w = w.u(8, 90);
    }
    w = w.ue(0).ue(1).ue(1920).ue(1080).u(1, 1).ue(0).ue(0).ue(0).ue(4).ue(0).ue(0).ue(4);
    w = w.u(1, u32::from(ordering.len() > 1));
    for &(buffering, reorder) in ordering {
        w = w.ue(buffering).ue(reorder).ue(0);
    }
    w.ue(0).ue(1).nal(&[0x42, 0x01])
}

/// (max_dec_pic_buffering_minus1, max_num_reorder_pics) per signalled sub-layer.
type SubLayers = &'static [(u32, u32)];

#[test]
fn an_hevc_sps_gives_the_highest_sub_layers_dpb() {
    let table: [(u32, SubLayers, u32); 4] =
        [(1, &[(4, 2)], 5), (1, &[(0, 0)], 1), (3, &[(1, 0), (2, 1), (5, 3)], 6), (3, &[(3, 1)], 4)];
    for (sub_layers, ordering, want) in table {
        assert_eq!(min_buffers(Codec::Hevc, &hevc_sps(sub_layers, ordering)), Some(want), "{ordering:?}");
    }
    assert_eq!(min_buffers(Codec::Hevc, &[0, 0, 1, 0x26, 0x01, 0xaf]), None);
}

#[test]
fn vp9_needs_its_reference_slots_and_the_picture_placed() {
    assert_eq!(min_buffers(Codec::Vp9, &[0x82, 0x49, 0x83]), Some(9));
}
