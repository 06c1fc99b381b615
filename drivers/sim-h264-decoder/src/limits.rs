//! What the OpenH264 backend decodes exactly, and the reason a stream is refused.
//!
//! OpenH264 (2.x) decodes 8-bit 4:2:0 progressive Baseline, Main and High streams without
//! B slices exactly. For anything else it either produces nothing (more than 8 bits per
//! sample, 4:0:0, 4:2:2 and 4:4:4 chroma, interlaced coding, lossless coding) or pictures
//! that differ from the standard's (B slices: 70–79 dB PSNR against a spec-exact decoder; a
//! stream whose first picture is not an IDR, decoded from its recovery point). The driver
//! refuses such a stream at its first access unit instead of producing either.

use core::fmt;

use crate::bitstream::SpsInfo;

/// A stream feature the backend does not decode exactly.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Unsupported {
    /// Samples wider than 8 bits (High 10 and the higher profiles).
    BitDepth {
        /// The SPS's `profile_idc`.
        profile_idc: u8,
        /// Bits per luma sample.
        luma: u8,
        /// Bits per chroma sample.
        chroma: u8,
    },
    /// Chroma other than 4:2:0 (`chroma_format_idc` 0: 4:0:0, 2: 4:2:2, 3: 4:4:4).
    ChromaFormat {
        /// The SPS's `profile_idc`.
        profile_idc: u8,
        /// The SPS's `chroma_format_idc`.
        chroma_format_idc: u8,
    },
    /// Interlaced coding: field pictures or MBAFF (`frame_mbs_only_flag` 0).
    Interlaced {
        /// The SPS's `profile_idc`.
        profile_idc: u8,
    },
    /// Lossless coding (`qpprime_y_zero_transform_bypass_flag` 1: High 4:4:4 Predictive).
    Lossless {
        /// The SPS's `profile_idc`.
        profile_idc: u8,
    },
    /// The stream's first picture is not an IDR picture (it starts at a recovery point).
    NoIdrStart,
    /// B slices (`slice_type` 1 or 6).
    BSlices,
    /// SP or SI slices (Extended profile; `slice_type` 3, 4, 8 or 9).
    SwitchingSlices,
}

/// The name of an H.264 profile (Annex A), by `profile_idc`.
pub fn profile_name(profile_idc: u8) -> &'static str {
    match profile_idc {
        66 => "Baseline",
        77 => "Main",
        88 => "Extended",
        100 => "High",
        110 => "High 10",
        122 => "High 4:2:2",
        244 => "High 4:4:4 Predictive",
        44 => "CAVLC 4:4:4 Intra",
        83 => "Scalable Baseline",
        86 => "Scalable High",
        118 => "Multiview High",
        128 => "Stereo High",
        _ => "unknown",
    }
}

fn chroma_name(chroma_format_idc: u8) -> &'static str {
    match chroma_format_idc {
        0 => "4:0:0 (monochrome)",
        2 => "4:2:2",
        3 => "4:4:4",
        _ => "4:2:0",
    }
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let profile =
            |f: &mut fmt::Formatter<'_>, idc: u8| write!(f, "{} profile (profile_idc {idc})", profile_name(idc));
        match *self {
            Unsupported::BitDepth { profile_idc, luma, chroma } => {
                profile(f, profile_idc)?;
                write!(f, ", {luma}-bit luma, {chroma}-bit chroma")
            }
            Unsupported::ChromaFormat { profile_idc, chroma_format_idc } => {
                profile(f, profile_idc)?;
                write!(f, ", {} chroma", chroma_name(chroma_format_idc))
            }
            Unsupported::Interlaced { profile_idc } => {
                profile(f, profile_idc)?;
                write!(f, ", interlaced (frame_mbs_only_flag 0)")
            }
            Unsupported::Lossless { profile_idc } => {
                profile(f, profile_idc)?;
                write!(f, ", lossless coding (qpprime_y_zero_transform_bypass_flag 1)")
            }
            Unsupported::NoIdrStart => write!(f, "no IDR picture at the start (it begins at a recovery point)"),
            Unsupported::BSlices => write!(f, "B slices"),
            Unsupported::SwitchingSlices => write!(f, "SP/SI slices"),
        }
    }
}

/// What the backend decodes, for messages.
pub const SUPPORTED: &str =
    "8-bit 4:2:0 progressive H.264 without B slices or lossless coding, starting with an IDR picture";

/// Why the stream of `sps` cannot be decoded exactly, if it cannot.
pub fn check_sps(sps: &SpsInfo) -> Option<Unsupported> {
    let profile_idc = sps.profile_idc;
    if sps.bit_depth_luma != 8 || sps.bit_depth_chroma != 8 {
        return Some(Unsupported::BitDepth { profile_idc, luma: sps.bit_depth_luma, chroma: sps.bit_depth_chroma });
    }
    if sps.chroma_format_idc != 1 {
        return Some(Unsupported::ChromaFormat { profile_idc, chroma_format_idc: sps.chroma_format_idc });
    }
    if !sps.frame_mbs_only {
        return Some(Unsupported::Interlaced { profile_idc });
    }
    if sps.transform_bypass {
        return Some(Unsupported::Lossless { profile_idc });
    }
    None
}

/// Why a slice of `slice_type` (7.4.3) cannot be decoded exactly, if it cannot.
pub fn check_slice_type(slice_type: u32) -> Option<Unsupported> {
    match slice_type % 5 {
        1 => Some(Unsupported::BSlices),
        3 | 4 => Some(Unsupported::SwitchingSlices),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sps(profile_idc: u8, chroma_format_idc: u8, depth: u8, frame_mbs_only: bool) -> SpsInfo {
        SpsInfo {
            coded_width: 64,
            coded_height: 64,
            crop: (0, 0, 64, 64),
            max_num_ref_frames: 1,
            max_num_reorder_frames: 0,
            profile_idc,
            chroma_format_idc,
            bit_depth_luma: depth,
            bit_depth_chroma: depth,
            frame_mbs_only,
            transform_bypass: false,
        }
    }

    #[test]
    fn eight_bit_progressive_420_is_decoded_and_the_rest_refused() {
        for profile in [66, 77, 100] {
            assert_eq!(check_sps(&sps(profile, 1, 8, true)), None);
        }
        let high10 = check_sps(&sps(110, 1, 10, true)).unwrap();
        assert_eq!(high10.to_string(), "High 10 profile (profile_idc 110), 10-bit luma, 10-bit chroma");
        let high422 = check_sps(&sps(122, 2, 8, true)).unwrap();
        assert_eq!(high422.to_string(), "High 4:2:2 profile (profile_idc 122), 4:2:2 chroma");
        let mono = check_sps(&sps(100, 0, 8, true)).unwrap();
        assert_eq!(mono, Unsupported::ChromaFormat { profile_idc: 100, chroma_format_idc: 0 });
        let interlaced = check_sps(&sps(77, 1, 8, false)).unwrap();
        assert_eq!(interlaced.to_string(), "Main profile (profile_idc 77), interlaced (frame_mbs_only_flag 0)");
        let lossless = SpsInfo { transform_bypass: true, ..sps(244, 1, 8, true) };
        assert_eq!(check_sps(&lossless), Some(Unsupported::Lossless { profile_idc: 244 }));
    }

    #[test]
    fn b_and_switching_slices_are_refused() {
        for (slice_type, expected) in [
            (0, None),
            (2, None),
            (5, None),
            (7, None),
            (1, Some(Unsupported::BSlices)),
            (6, Some(Unsupported::BSlices)),
            (3, Some(Unsupported::SwitchingSlices)),
            (9, Some(Unsupported::SwitchingSlices)),
        ] {
            assert_eq!(check_slice_type(slice_type), expected, "slice_type {slice_type}");
        }
    }
}
