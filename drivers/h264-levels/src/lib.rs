//! H.264 level limits and the decoded picture buffer they imply, for the decoder lower
//! halves that announce `V4L2_CID_MIN_BUFFERS_FOR_CAPTURE` from a stream's SPS: Table A-1's
//! MaxDpbMbs per level, MaxDpbFrames (Annex A.3.1 h), and the `max_num_reorder_frames`
//! Annex E.2.1 infers for an SPS whose VUI has no bitstream restriction.
#![no_std]

/// The most frames an H.264 DPB holds (Annex A.3.1 h).
pub const MAX_DPB_FRAMES: u32 = 16;

/// Table A-1: `level_idc` to MaxDpbMbs (level 1b is handled by [`max_dpb_mbs`]).
const MAX_DPB_MBS: &[(u8, u32)] = &[
    (10, 396),
    (11, 900),
    (12, 2376),
    (13, 2376),
    (20, 2376),
    (21, 4752),
    (22, 8100),
    (30, 8100),
    (31, 18000),
    (32, 20480),
    (40, 32768),
    (41, 32768),
    (42, 34816),
    (50, 110_400),
    (51, 184_320),
    (52, 184_320),
    (60, 696_320),
    (61, 696_320),
    (62, 696_320),
];

/// Annex E.2.1: `max_num_reorder_frames` of an SPS whose VUI does not give it, from its
/// `profile_idc`, `constraint_set3_flag`, `level_idc` and frame size in macroblocks
/// (PicWidthInMbs × FrameHeightInMbs): 0 for the intra profiles, else the level's
/// MaxDpbFrames = min(MaxDpbMbs / frame size, 16).
pub fn inferred_reorder(profile_idc: u32, constraint_set3: bool, level_idc: u32, frame_mbs: u32) -> u32 {
    let intra = profile_idc == 44 || (matches!(profile_idc, 86 | 100 | 110 | 122 | 244) && constraint_set3);
    if intra {
        return 0;
    }
    (max_dpb_mbs(profile_idc, constraint_set3, level_idc) / frame_mbs.max(1)).min(MAX_DPB_FRAMES)
}

/// Table A-1's MaxDpbMbs (an unknown level: the largest DPB). Level 1b is `level_idc` 9,
/// or 11 with `constraint_set3_flag` in Baseline, Main and Extended.
pub fn max_dpb_mbs(profile_idc: u32, constraint_set3: bool, level_idc: u32) -> u32 {
    let level_1b = level_idc == 9 || (level_idc == 11 && constraint_set3 && matches!(profile_idc, 66 | 77 | 88));
    let level = if level_1b { 10 } else { level_idc };
    MAX_DPB_MBS.iter().find(|&&(l, _)| u32::from(l) == level).map_or(u32::MAX, |&(_, mbs)| mbs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_gives_max_dpb_frames() {
        // (profile, constraint_set3, level_idc, frame size in macroblocks, MaxDpbFrames)
        let table = [
            (100, false, 30, 45 * 36, 8100 / (45 * 36)),
            (100, false, 31, 80 * 45, 18000 / (80 * 45)),
            (100, false, 40, 120 * 68, 32768 / (120 * 68)),
            (100, false, 51, 120 * 68, 16),
            (66, false, 10, 99, 396 / 99),
            (66, true, 11, 99, 396 / 99),
            (77, true, 11, 99, 396 / 99),
            (100, true, 11, 99, 0), // constraint_set3 in High: the intra constraint, not 1b
            (100, false, 9, 99, 396 / 99),
            (66, false, 11, 99, 900 / 99),
            (77, false, 9, 99, 396 / 99),
            (100, false, 62, 256 * 135, 16),
            (100, false, 99, 120 * 68, 16),
            (110, true, 40, 120 * 68, 0),
            (44, false, 40, 120 * 68, 0),
            (110, false, 40, 120 * 68, 32768 / (120 * 68)),
        ];
        for (profile, set3, level, mbs, frames) in table {
            assert_eq!(
                inferred_reorder(profile, set3, level, mbs),
                frames,
                "profile {profile} level {level} {mbs} MBs"
            );
        }
    }
}
