//! Parameter sets and slice headers: `seq_parameter_set_rbsp` with VUI (clauses 7.3.2.1.1
//! and E.1.1), `pic_parameter_set_rbsp` (clause 7.3.2.2) and `slice_header` (clause 7.3.3),
//! for the Constrained Baseline profile (A.2.1.1) and a level chosen from Table A-1.

use crate::bitstream::BitWriter;
use crate::Config;

/// NAL unit types (Table 7-1).
pub(crate) const NAL_SLICE: u8 = 1;
pub(crate) const NAL_IDR: u8 = 5;
const NAL_SPS: u8 = 7;
const NAL_PPS: u8 = 8;

/// log2_max_frame_num: frame_num is coded on this many bits.
pub(crate) const LOG2_MAX_FRAME_NUM: u32 = 8;

/// Table A-1: level_idc, MaxMBPS, MaxFS, MaxDpbMbs.
const LEVELS: [(u8, u64, u32, u32); 19] = [
    (10, 1_485, 99, 396),
    (11, 3_000, 396, 900),
    (12, 6_000, 396, 2_376),
    (13, 11_880, 396, 2_376),
    (20, 11_880, 396, 2_376),
    (21, 19_800, 792, 4_752),
    (22, 20_250, 1_620, 8_100),
    (30, 40_500, 1_620, 8_100),
    (31, 108_000, 3_600, 18_000),
    (32, 216_000, 5_120, 20_480),
    (40, 245_760, 8_192, 32_768),
    (41, 245_760, 8_192, 32_768),
    (42, 522_240, 8_704, 34_816),
    (50, 589_824, 22_080, 110_400),
    (51, 983_040, 36_864, 184_320),
    (52, 2_073_600, 36_864, 184_320),
    (60, 4_177_920, 139_264, 696_320),
    (61, 8_355_840, 139_264, 696_320),
    (62, 16_711_680, 139_264, 696_320),
];

/// The lowest level whose frame size, macroblock rate and DPB size limits (A.3.1) hold for
/// `cfg` with one reference frame. Bit rate limits are the caller's (it chooses the QP).
pub(crate) fn level_idc(cfg: &Config) -> u8 {
    let (w, h) = (cfg.mb_width(), cfg.mb_height());
    let fs = w * h;
    let mbps = (u64::from(fs) * u64::from(cfg.fps_num)).div_ceil(u64::from(cfg.fps_den));
    for &(idc, max_mbps, max_fs, max_dpb) in LEVELS.iter() {
        // A.3.1 (f): PicWidthInMbs and FrameHeightInMbs at most Sqrt(MaxFS * 8).
        let side_ok = u64::from(w) * u64::from(w) <= u64::from(max_fs) * 8
            && u64::from(h) * u64::from(h) <= u64::from(max_fs) * 8;
        if fs <= max_fs && mbps <= max_mbps && fs <= max_dpb && side_ok {
            return idc;
        }
    }
    62
}

/// Writes the sequence parameter set NAL unit.
pub(crate) fn write_sps(bw: &mut BitWriter, cfg: &Config) {
    bw.start_nal(3, NAL_SPS);
    bw.put(8, 66); // profile_idc: Baseline
    bw.put(8, 0b1100_0000); // constraint_set0_flag, constraint_set1_flag (Constrained Baseline)
    bw.put(8, u32::from(level_idc(cfg)));
    bw.ue(0); // seq_parameter_set_id
    bw.ue(LOG2_MAX_FRAME_NUM - 4);
    bw.ue(2); // pic_order_cnt_type
    bw.ue(1); // max_num_ref_frames
    bw.flag(false); // gaps_in_frame_num_value_allowed_flag
    bw.ue(cfg.mb_width() - 1);
    bw.ue(cfg.mb_height() - 1);
    bw.flag(true); // frame_mbs_only_flag
    bw.flag(true); // direct_8x8_inference_flag
    let crop_right = (cfg.mb_width() * 16 - cfg.width) / 2;
    let crop_bottom = (cfg.mb_height() * 16 - cfg.height) / 2;
    let crop = crop_right != 0 || crop_bottom != 0;
    bw.flag(crop);
    if crop {
        // Offsets in units of two luma samples (CropUnitX = CropUnitY = 2 for 4:2:0 frames).
        bw.ue(0);
        bw.ue(crop_right);
        bw.ue(0);
        bw.ue(crop_bottom);
    }
    bw.flag(true); // vui_parameters_present_flag
    write_vui(bw, cfg);
    bw.trailing_bits();
}

fn write_vui(bw: &mut BitWriter, cfg: &Config) {
    bw.flag(false); // aspect_ratio_info_present_flag
    bw.flag(false); // overscan_info_present_flag
    bw.flag(false); // video_signal_type_present_flag
    bw.flag(false); // chroma_loc_info_present_flag
    bw.flag(true); // timing_info_present_flag
    bw.put(32, cfg.fps_den); // num_units_in_tick
    bw.put(32, cfg.fps_num * 2); // time_scale: two ticks per frame
    bw.flag(true); // fixed_frame_rate_flag
    bw.flag(false); // nal_hrd_parameters_present_flag
    bw.flag(false); // vcl_hrd_parameters_present_flag
    bw.flag(false); // pic_struct_present_flag
    bw.flag(true); // bitstream_restriction_flag
    bw.flag(true); // motion_vectors_over_pic_boundaries_flag
    bw.ue(0); // max_bytes_per_pic_denom
    bw.ue(0); // max_bits_per_mb_denom
    bw.ue(15); // log2_max_mv_length_horizontal
    bw.ue(15); // log2_max_mv_length_vertical
    bw.ue(0); // max_num_reorder_frames: output order is decoding order
    bw.ue(1); // max_dec_frame_buffering
}

/// Writes the picture parameter set NAL unit.
pub(crate) fn write_pps(bw: &mut BitWriter) {
    bw.start_nal(3, NAL_PPS);
    bw.ue(0); // pic_parameter_set_id
    bw.ue(0); // seq_parameter_set_id
    bw.flag(false); // entropy_coding_mode_flag: CAVLC
    bw.flag(false); // bottom_field_pic_order_in_frame_present_flag
    bw.ue(0); // num_slice_groups_minus1
    bw.ue(0); // num_ref_idx_l0_default_active_minus1
    bw.ue(0); // num_ref_idx_l1_default_active_minus1
    bw.flag(false); // weighted_pred_flag
    bw.put(2, 0); // weighted_bipred_idc
    bw.se(0); // pic_init_qp_minus26
    bw.se(0); // pic_init_qs_minus26
    bw.se(0); // chroma_qp_index_offset
    bw.flag(true); // deblocking_filter_control_present_flag
    bw.flag(false); // constrained_intra_pred_flag
    bw.flag(false); // redundant_pic_cnt_present_flag
    bw.trailing_bits();
}

/// What a slice header says.
pub(crate) struct SliceHeader {
    pub first_mb: u32,
    pub idr: bool,
    pub frame_num: u32,
    pub idr_pic_id: u16,
    pub qp: u8,
    pub deblock: bool,
}

/// Starts a slice NAL unit and writes its header.
pub(crate) fn write_slice_header(bw: &mut BitWriter, sh: &SliceHeader) {
    bw.start_nal(3, if sh.idr { NAL_IDR } else { NAL_SLICE });
    bw.ue(sh.first_mb);
    bw.ue(if sh.idr { 7 } else { 5 }); // slice_type: I or P, the same for the whole picture
    bw.ue(0); // pic_parameter_set_id
    bw.put(LOG2_MAX_FRAME_NUM, sh.frame_num % (1 << LOG2_MAX_FRAME_NUM));
    if sh.idr {
        bw.ue(u32::from(sh.idr_pic_id));
    } else {
        bw.flag(false); // num_ref_idx_active_override_flag
        bw.flag(false); // ref_pic_list_modification_flag_l0
    }
    // dec_ref_pic_marking (nal_ref_idc != 0)
    if sh.idr {
        bw.flag(false); // no_output_of_prior_pics_flag
        bw.flag(false); // long_term_reference_flag
    } else {
        bw.flag(false); // adaptive_ref_pic_marking_mode_flag: sliding window
    }
    bw.se(i32::from(sh.qp) - 26); // slice_qp_delta
    bw.ue(if sh.deblock { 0 } else { 1 }); // disable_deblocking_filter_idc
    if sh.deblock {
        bw.se(0); // slice_alpha_c0_offset_div2
        bw.se(0); // slice_beta_offset_div2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_table_a1() {
        let mut c = Config::new(176, 144);
        c.fps_num = 15;
        assert_eq!(level_idc(&c), 10);
        c.fps_num = 30;
        assert_eq!(level_idc(&c), 11);
        assert_eq!(level_idc(&Config::new(1280, 720)), 31);
        let mut c = Config::new(1920, 1080);
        c.fps_num = 30;
        assert_eq!(level_idc(&c), 40);
        c.fps_num = 60;
        assert_eq!(level_idc(&c), 42);
        assert_eq!(level_idc(&Config::new(16, 16)), 10);
    }
}
