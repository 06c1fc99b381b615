//! Cutting an H.264 Annex-B file into access units (one per OUTPUT buffer), as an
//! application does when it feeds a decoder frame by frame.

/// Byte ranges of the access units of `data` (H.264 7.4.1.2.3: a unit starts at an AUD,
/// SPS, PPS or SEI, or at a slice with `first_mb_in_slice == 0`, after a slice).
pub fn access_units(data: &[u8]) -> Vec<(usize, usize)> {
    let mut starts = Vec::new();
    let mut seen_vcl = false;
    let mut unit_start: Option<usize> = None;
    let mut i = 0;
    while i + 3 < data.len() {
        if data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 {
            let sc = if i > 0 && data[i - 1] == 0 { i - 1 } else { i };
            let header = data[i + 3];
            let kind = header & 0x1f;
            let new_unit = match kind {
                6..=9 | 14..=18 => seen_vcl,
                1 | 5 => seen_vcl && data.get(i + 4).is_some_and(|b| b & 0x80 != 0),
                _ => false,
            };
            if new_unit || unit_start.is_none() {
                if let Some(s) = unit_start {
                    starts.push((s, sc));
                }
                unit_start = Some(sc);
                seen_vcl = false;
            }
            if kind == 1 || kind == 5 {
                seen_vcl = true;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    match unit_start {
        Some(s) => starts.push((s, data.len())),
        None if !data.is_empty() => starts.push((0, data.len())),
        None => {}
    }
    starts
}

/// Size of the largest access unit of `data`.
pub fn largest_unit(data: &[u8]) -> usize {
    access_units(data).iter().map(|(s, e)| e - s).max().unwrap_or(0)
}

/// Byte ranges of the NAL units of an Annex-B stream (after the start code, from the NAL
/// header to the next start code, trailing zero bytes dropped).
pub fn nal_units(data: &[u8]) -> Vec<(usize, usize)> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 2 < data.len() {
        if data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 {
            starts.push((i, i + 3));
            i += 3;
        } else {
            i += 1;
        }
    }
    let mut units = Vec::with_capacity(starts.len());
    for (n, &(_, begin)) in starts.iter().enumerate() {
        let mut end = starts.get(n + 1).map_or(data.len(), |&(sc, _)| sc);
        while end > begin && data[end - 1] == 0 {
            end -= 1;
        }
        if end > begin {
            units.push((begin, end));
        }
    }
    units
}

/// A NAL unit's payload with the emulation prevention bytes (00 00 03) removed.
fn rbsp(nal: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(nal.len());
    let mut zeros = 0;
    for &b in nal {
        if zeros >= 2 && b == 3 {
            zeros = 0;
            continue;
        }
        zeros = if b == 0 { zeros + 1 } else { 0 };
        out.push(b);
    }
    out
}

/// Exp-Golomb and fixed-length reads over an RBSP.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn bit(&mut self) -> Result<u32, String> {
        let byte = self.data.get(self.pos / 8).ok_or("truncated NAL unit")?;
        let b = (byte >> (7 - self.pos % 8)) & 1;
        self.pos += 1;
        Ok(u32::from(b))
    }

    fn u(&mut self, n: u32) -> Result<u32, String> {
        (0..n).try_fold(0, |v, _| Ok((v << 1) | self.bit()?))
    }

    fn ue(&mut self) -> Result<u32, String> {
        let mut zeros = 0;
        while self.bit()? == 0 {
            zeros += 1;
            if zeros > 31 {
                return Err("bad Exp-Golomb code".into());
            }
        }
        Ok(((1u64 << zeros) - 1 + u64::from(self.u(zeros)?)) as u32)
    }

    fn se(&mut self) -> Result<i32, String> {
        let k = self.ue()?;
        Ok(if k % 2 == 1 { k.div_ceil(2) as i32 } else { -((k / 2) as i32) })
    }
}

/// What a slice header says (the fields before `slice_qp_delta`, and the QP).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slice {
    /// `nal_unit_type`: 5 IDR, 1 non-IDR.
    pub nal_type: u8,
    /// `first_mb_in_slice`.
    pub first_mb: u32,
    /// `slice_type` modulo 5: 0 P, 1 B, 2 I, 3 SP, 4 SI.
    pub slice_type: u32,
    /// `frame_num`.
    pub frame_num: u32,
    /// `idr_pic_id` of an IDR slice.
    pub idr_pic_id: Option<u32>,
    /// SliceQPY = 26 + pic_init_qp_minus26 + slice_qp_delta.
    pub qp: i32,
}

/// One NAL unit, as far as the tool reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A sequence parameter set.
    Sps,
    /// A picture parameter set, with its `pic_init_qp` (26 + `pic_init_qp_minus26`).
    Pps {
        /// `26 + pic_init_qp_minus26`.
        pic_init_qp: i32,
    },
    /// A coded slice.
    Slice(Slice),
    /// Anything else (`nal_unit_type`).
    Other(u8),
}

#[derive(Clone, Copy, Debug)]
struct Sps {
    profile_idc: u32,
    chroma_format_idc: u32,
    bit_depth_luma: u32,
    bit_depth_chroma: u32,
    log2_max_frame_num: u32,
    poc_type: u32,
    log2_max_poc_lsb: u32,
    delta_pic_order_always_zero: bool,
    frame_mbs_only: bool,
    transform_bypass: bool,
}

#[derive(Clone, Copy, Debug)]
struct Pps {
    sps_id: u32,
    cabac: bool,
    bottom_field_pic_order: bool,
    weighted_pred: bool,
    redundant_pic_cnt: bool,
    pic_init_qp: i32,
}

/// Reads parameter sets and slice headers of an H.264 stream, enough for the QP and the
/// type of every slice: progressive streams without slice groups or weighted prediction
/// (Constrained Baseline, and most Main and High streams with CAVLC or CABAC).
#[derive(Default)]
pub struct Parser {
    sps: std::collections::HashMap<u32, Sps>,
    pps: std::collections::HashMap<u32, Pps>,
}

impl Parser {
    /// A parser that has seen no parameter set yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads every NAL unit of `data` (Annex-B), in order. Parameter sets are remembered
    /// for the slices of later calls.
    pub fn parse(&mut self, data: &[u8]) -> Result<Vec<Unit>, String> {
        nal_units(data).into_iter().map(|(s, e)| self.unit(&data[s..e])).collect()
    }

    fn unit(&mut self, nal: &[u8]) -> Result<Unit, String> {
        let header = nal[0];
        let (ref_idc, kind) = (header >> 5 & 3, header & 0x1f);
        let payload = rbsp(&nal[1..]);
        let mut r = Bits { data: &payload, pos: 0 };
        match kind {
            7 => {
                let (sps_id, sps) = read_sps(&mut r)?;
                self.sps.insert(sps_id, sps);
                Ok(Unit::Sps)
            }
            8 => {
                let (pps_id, pps) = read_pps(&mut r)?;
                self.pps.insert(pps_id, pps);
                Ok(Unit::Pps { pic_init_qp: pps.pic_init_qp })
            }
            1 | 5 => self.slice(&mut r, kind, ref_idc).map(Unit::Slice),
            other => Ok(Unit::Other(other)),
        }
    }

    fn slice(&self, r: &mut Bits<'_>, nal_type: u8, ref_idc: u8) -> Result<Slice, String> {
        let first_mb = r.ue()?;
        let slice_type = r.ue()? % 5;
        let pps_id = r.ue()?;
        let pps = *self.pps.get(&pps_id).ok_or_else(|| format!("slice refers to unknown PPS {pps_id}"))?;
        let sps = *self.sps.get(&pps.sps_id).ok_or_else(|| format!("PPS refers to unknown SPS {}", pps.sps_id))?;
        let frame_num = r.u(sps.log2_max_frame_num)?;
        if !sps.frame_mbs_only && r.bit()? == 1 {
            r.bit()?; // bottom_field_flag
        }
        let idr = nal_type == 5;
        let idr_pic_id = if idr { Some(r.ue()?) } else { None };
        if sps.poc_type == 0 {
            r.u(sps.log2_max_poc_lsb)?;
            if pps.bottom_field_pic_order {
                r.se()?;
            }
        } else if sps.poc_type == 1 && !sps.delta_pic_order_always_zero {
            r.se()?;
            if pps.bottom_field_pic_order {
                r.se()?;
            }
        }
        if pps.redundant_pic_cnt {
            r.ue()?;
        }
        if slice_type == 1 {
            r.bit()?; // direct_spatial_mv_pred_flag
        }
        if matches!(slice_type, 0 | 1 | 3) {
            if r.bit()? == 1 {
                r.ue()?; // num_ref_idx_l0_active_minus1
                if slice_type == 1 {
                    r.ue()?;
                }
            }
            for _ in 0..if slice_type == 1 { 2 } else { 1 } {
                if r.bit()? == 1 {
                    // ref_pic_list_modification
                    loop {
                        match r.ue()? {
                            3 => break,
                            0..=2 => {
                                r.ue()?;
                            }
                            op => return Err(format!("bad modification_of_pic_nums_idc {op}")),
                        }
                    }
                }
            }
            if pps.weighted_pred && slice_type != 1 {
                return Err("weighted prediction is not supported".into());
            }
        }
        if ref_idc != 0 {
            if idr {
                r.u(2)?;
            } else if r.bit()? == 1 {
                // adaptive_ref_pic_marking: operations until 0.
                loop {
                    match r.ue()? {
                        0 => break,
                        3 => {
                            r.ue()?;
                            r.ue()?;
                        }
                        5 => {}
                        1 | 2 | 4 | 6 => {
                            r.ue()?;
                        }
                        op => return Err(format!("bad memory_management_control_operation {op}")),
                    }
                }
            }
        }
        if pps.cabac && slice_type != 2 && slice_type != 4 {
            r.ue()?; // cabac_init_idc
        }
        let qp = pps.pic_init_qp + r.se()?;
        Ok(Slice { nal_type, first_mb, slice_type, frame_num, idr_pic_id, qp })
    }
}

fn read_sps(r: &mut Bits<'_>) -> Result<(u32, Sps), String> {
    let profile = r.u(8)?;
    r.u(16)?; // constraint flags, level_idc
    let sps_id = r.ue()?;
    let (mut chroma, mut bit_depth_luma, mut bit_depth_chroma) = (1, 8, 8);
    let mut transform_bypass = false;
    if matches!(profile, 100 | 110 | 122 | 244 | 44 | 83 | 86 | 118 | 128 | 138 | 139 | 134 | 135) {
        chroma = r.ue()?;
        if chroma == 3 {
            r.bit()?;
        }
        bit_depth_luma = r.ue()?.saturating_add(8);
        bit_depth_chroma = r.ue()?.saturating_add(8);
        transform_bypass = r.bit()? == 1;
        if r.bit()? == 1 {
            // seq_scaling_matrix_present_flag: skip the lists.
            for i in 0..if chroma == 3 { 12 } else { 8 } {
                if r.bit()? == 1 {
                    let size = if i < 6 { 16 } else { 64 };
                    let (mut last, mut next) = (8i32, 8i32);
                    for _ in 0..size {
                        if next != 0 {
                            next = (last + r.se()? + 256) % 256;
                        }
                        last = if next == 0 { last } else { next };
                    }
                }
            }
        }
    }
    let log2_max_frame_num = r.ue()? + 4;
    let poc_type = r.ue()?;
    let (mut log2_max_poc_lsb, mut delta_pic_order_always_zero) = (0, false);
    match poc_type {
        0 => log2_max_poc_lsb = r.ue()? + 4,
        1 => {
            delta_pic_order_always_zero = r.bit()? == 1;
            r.se()?;
            r.se()?;
            for _ in 0..r.ue()? {
                r.se()?;
            }
        }
        _ => {}
    }
    r.ue()?; // max_num_ref_frames
    r.bit()?; // gaps_in_frame_num_value_allowed_flag
    r.ue()?; // pic_width_in_mbs_minus1
    r.ue()?; // pic_height_in_map_units_minus1
    let frame_mbs_only = r.bit()? == 1;
    let sps = Sps {
        profile_idc: profile,
        chroma_format_idc: chroma,
        bit_depth_luma,
        bit_depth_chroma,
        log2_max_frame_num,
        poc_type,
        log2_max_poc_lsb,
        delta_pic_order_always_zero,
        frame_mbs_only,
        transform_bypass,
    };
    Ok((sps_id, sps))
}

/// What a stream asks of a decoder: its first SPS's profile, chroma format, bit depths
/// and frame/field coding, and which slice types its slices use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamProfile {
    /// `profile_idc` (66 Baseline, 77 Main, 100 High, 110 High 10, 122 High 4:2:2, ...).
    pub profile_idc: u32,
    /// `chroma_format_idc`: 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4.
    pub chroma_format_idc: u32,
    /// Bits per luma sample.
    pub bit_depth_luma: u32,
    /// Bits per chroma sample.
    pub bit_depth_chroma: u32,
    /// Interlaced coding (`frame_mbs_only_flag` 0: field pictures or MBAFF).
    pub interlaced: bool,
    /// Some slice is a B slice.
    pub b_slices: bool,
    /// Some slice is an SP or SI slice (Extended profile).
    pub switching_slices: bool,
    /// Lossless macroblocks may occur (`qpprime_y_zero_transform_bypass_flag` 1).
    pub lossless: bool,
    /// The first slice is not an IDR slice: the stream starts at a recovery point.
    pub starts_without_idr: bool,
}

/// Reads the first SPS of an Annex-B stream and the slice type of each of its slices;
/// `None` if it has no readable SPS.
pub fn stream_profile(data: &[u8]) -> Option<StreamProfile> {
    let mut profile: Option<StreamProfile> = None;
    let mut first_slice_seen = false;
    for (s, e) in nal_units(data) {
        let Some((&header, body)) = data[s..e].split_first() else { continue };
        // The fields read are near the start: a few hundred bytes hold them.
        let payload = rbsp(&body[..body.len().min(512)]);
        let mut r = Bits { data: &payload, pos: 0 };
        match (header & 0x1f, profile.as_mut()) {
            (7, None) => {
                profile = read_sps(&mut r).ok().map(|(_, sps)| StreamProfile {
                    profile_idc: sps.profile_idc,
                    chroma_format_idc: sps.chroma_format_idc,
                    bit_depth_luma: sps.bit_depth_luma,
                    bit_depth_chroma: sps.bit_depth_chroma,
                    interlaced: !sps.frame_mbs_only,
                    b_slices: false,
                    switching_slices: false,
                    lossless: sps.transform_bypass,
                    starts_without_idr: false,
                })
            }
            (kind @ (1 | 5), Some(p)) => {
                if !first_slice_seen {
                    first_slice_seen = true;
                    p.starts_without_idr = kind == 1;
                }
                let slice_type = r.ue().and_then(|_| r.ue());
                match slice_type.map(|t| t % 5) {
                    Ok(1) => p.b_slices = true,
                    Ok(3 | 4) => p.switching_slices = true,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    profile
}

fn read_pps(r: &mut Bits<'_>) -> Result<(u32, Pps), String> {
    let pps_id = r.ue()?;
    let sps_id = r.ue()?;
    let cabac = r.bit()? == 1;
    let bottom_field_pic_order = r.bit()? == 1;
    if r.ue()? != 0 {
        return Err("slice groups are not supported".into());
    }
    r.ue()?; // num_ref_idx_l0_default_active_minus1
    r.ue()?; // num_ref_idx_l1_default_active_minus1
    let weighted_pred = r.bit()? == 1;
    r.u(2)?; // weighted_bipred_idc
    let pic_init_qp = 26 + r.se()?;
    r.se()?; // pic_init_qs_minus26
    r.se()?; // chroma_qp_index_offset
    r.bit()?; // deblocking_filter_control_present_flag
    r.bit()?; // constrained_intra_pred_flag
    let redundant_pic_cnt = r.bit()? == 1;
    Ok((pps_id, Pps { sps_id, cabac, bottom_field_pic_order, weighted_pred, redundant_pic_cnt, pic_init_qp }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes bits MSB first, with Exp-Golomb codes, into RBSP bytes with emulation
    /// prevention, as an encoder does.
    #[derive(Default)]
    struct W {
        bits: Vec<u8>,
    }

    impl W {
        fn u(&mut self, n: u32, v: u32) -> &mut Self {
            for i in (0..n).rev() {
                self.bits.push((v >> i & 1) as u8);
            }
            self
        }
        fn ue(&mut self, v: u32) -> &mut Self {
            let len = 32 - (v + 1).leading_zeros();
            self.u(len - 1, 0).u(len, v + 1)
        }
        fn se(&mut self, v: i32) -> &mut Self {
            self.ue(if v > 0 { 2 * v as u32 - 1 } else { (-2 * v) as u32 })
        }
        fn nal(&mut self, header: u8) -> Vec<u8> {
            self.bits.push(1);
            while self.bits.len() % 8 != 0 {
                self.bits.push(0);
            }
            let bytes: Vec<u8> = self.bits.chunks(8).map(|c| c.iter().fold(0, |a, &b| a << 1 | b)).collect();
            let mut out = vec![0, 0, 0, 1, header];
            let mut zeros = 0;
            for b in bytes {
                if zeros >= 2 && b <= 3 {
                    out.push(3);
                    zeros = 0;
                }
                zeros = if b == 0 { zeros + 1 } else { 0 };
                out.push(b);
            }
            self.bits.clear();
            out
        }
    }

    /// SPS and PPS as the VENC block writes them (drivers/h264-encoder-core headers.rs),
    /// with `pic_init_qp_minus26` = `init - 26`.
    fn parameter_sets(init: i32) -> Vec<u8> {
        let mut w = W::default();
        w.u(8, 66).u(8, 0xc0).u(8, 30).ue(0).ue(4).ue(2).ue(1).u(1, 0).ue(19).ue(14).u(1, 1).u(1, 1).u(1, 0).u(1, 0);
        let mut out = w.nal(0x67);
        w.ue(0).ue(0).u(1, 0).u(1, 0).ue(0).ue(0).ue(0).u(1, 0).u(2, 0).se(init - 26).se(0).se(0).u(1, 1);
        w.u(1, 0).u(1, 0);
        out.extend(w.nal(0x68));
        out
    }

    fn slice(idr: bool, frame_num: u32, qp_delta: i32) -> Vec<u8> {
        let mut w = W::default();
        w.ue(0).ue(if idr { 7 } else { 5 }).ue(0).u(8, frame_num);
        if idr {
            w.ue(3).u(2, 0);
        } else {
            w.u(1, 0).u(1, 0).u(1, 0);
        }
        w.se(qp_delta).ue(0).se(0).se(0).u(1, 1).u(7, 0x55);
        w.nal(if idr { 0x65 } else { 0x61 })
    }

    #[test]
    fn slice_qps_follow_the_pps_and_the_slice_delta() {
        let mut stream = parameter_sets(30);
        stream.extend(slice(true, 0, -8));
        stream.extend(slice(false, 1, 21));
        stream.extend(slice(false, 2, -30));
        let units = Parser::new().parse(&stream).unwrap();
        assert_eq!(units[..2], [Unit::Sps, Unit::Pps { pic_init_qp: 30 }]);
        let slices: Vec<(u8, u32, u32, Option<u32>, i32)> = units[2..]
            .iter()
            .map(|u| match u {
                Unit::Slice(s) => (s.nal_type, s.slice_type, s.frame_num, s.idr_pic_id, s.qp),
                other => panic!("not a slice: {other:?}"),
            })
            .collect();
        assert_eq!(slices, [(5, 2, 0, Some(3), 22), (1, 0, 1, None, 51), (1, 0, 2, None, 0)]);
    }

    #[test]
    fn emulation_prevention_bytes_are_removed() {
        assert_eq!(rbsp(&[0, 0, 3, 1, 0, 0, 3, 0, 3]), [0, 0, 1, 0, 0, 0, 3]);
        // A slice whose header bits contain 00 00 0x: its frame_num (8 bits) is 0 and the
        // next fields are zero bits, which the writer escapes.
        let mut stream = parameter_sets(26);
        stream.extend(slice(false, 0, 0));
        let units = Parser::new().parse(&stream).unwrap();
        assert!(matches!(units[2], Unit::Slice(Slice { frame_num: 0, qp: 26, .. })), "{units:?}");
    }

    #[test]
    fn a_slice_without_its_parameter_sets_is_an_error() {
        assert!(Parser::new().parse(&slice(true, 0, 0)).is_err());
        assert_eq!(nal_units(&[0, 0, 1]), []);
        assert_eq!(nal_units(&[0, 0, 0, 1, 9, 0x10, 0, 0, 1, 0x68, 0]), [(4, 6), (9, 10)]);
    }
}
