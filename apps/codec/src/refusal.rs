//! Why a decoder refused a stream: when a device ends a stream with a fatal error (QBUF or
//! DQBUF answering `EIO`, poll `POLLERR`, after an OUTPUT buffer flagged
//! `V4L2_BUF_FLAG_ERROR`), the tool reads the stream's SPS and slice headers itself and
//! names what in it is beyond a plain 8-bit 4:2:0 progressive stream without B slices.

use crate::h264::{stream_profile, StreamProfile};

/// What the backends the tool knows decode, by the driver name of VIDIOC_QUERYCAP.
fn known_backend(driver: &str) -> Option<&'static str> {
    match driver {
        "sim-h264dec" => Some("8-bit 4:2:0 progressive H.264 without B slices"),
        _ => None,
    }
}

/// The name of an H.264 profile (Annex A), by `profile_idc`.
pub fn profile_name(profile_idc: u32) -> &'static str {
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

/// The features of `p` beyond 8-bit 4:2:0 progressive coding without B slices, each
/// named for a user (empty if there are none).
pub fn unusual_features(p: &StreamProfile) -> Vec<String> {
    let mut format = Vec::new();
    if p.bit_depth_luma != 8 {
        format.push(format!("{}-bit luma", p.bit_depth_luma));
    }
    if p.bit_depth_chroma != p.bit_depth_luma {
        format.push(format!("{}-bit chroma", p.bit_depth_chroma));
    }
    match p.chroma_format_idc {
        0 => format.push("4:0:0 (monochrome)".to_string()),
        2 => format.push("4:2:2 chroma".to_string()),
        3 => format.push("4:4:4 chroma".to_string()),
        _ => {}
    }
    let mut features = Vec::new();
    if !format.is_empty() {
        let name = profile_name(p.profile_idc);
        features.push(format!("{name} profile (profile_idc {}, {})", p.profile_idc, format.join(", ")));
    }
    if p.interlaced {
        features.push("interlaced coding (frame_mbs_only_flag 0)".to_string());
    }
    if p.b_slices {
        features.push("B slices".to_string());
    }
    if p.switching_slices {
        features.push("SP/SI slices".to_string());
    }
    features
}

/// The message for a stream `input` that `device` (whose QUERYCAP gives `driver` and
/// `card`) refused with a fatal stream error.
pub fn message(device: &str, driver: &str, card: &str, input: &[u8]) -> String {
    let profile = stream_profile(input);
    let features = profile.as_ref().map(unusual_features).unwrap_or_default();
    let node = format!("{device} ({card})");
    let what = match known_backend(driver) {
        Some(decodes) => format!("{node} decodes {decodes}"),
        None => format!("{node} cannot decode it"),
    };
    match (profile, features.is_empty()) {
        (Some(_), false) => format!("unsupported stream: {}; {what}", features.join(", ")),
        (Some(p), true) => format!(
            "{node} refused the stream (a fatal stream error: EIO), although the tool found nothing \
             unusual in it ({} profile, profile_idc {}, 8-bit 4:2:0 progressive, no B slices)",
            profile_name(p.profile_idc),
            p.profile_idc
        ),
        (None, _) => format!("{node} refused the stream (a fatal stream error: EIO); it has no readable SPS"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(profile_idc: u32, chroma: u32, depth: u32) -> StreamProfile {
        StreamProfile {
            profile_idc,
            chroma_format_idc: chroma,
            bit_depth_luma: depth,
            bit_depth_chroma: depth,
            interlaced: false,
            b_slices: false,
            switching_slices: false,
        }
    }

    #[test]
    fn each_feature_beyond_the_baseline_is_named() {
        assert!(unusual_features(&profile(100, 1, 8)).is_empty());
        assert_eq!(unusual_features(&profile(110, 1, 10)), ["High 10 profile (profile_idc 110, 10-bit luma)"]);
        assert_eq!(unusual_features(&profile(122, 2, 8)), ["High 4:2:2 profile (profile_idc 122, 4:2:2 chroma)"]);
        let mut p = profile(77, 1, 8);
        p.interlaced = true;
        p.b_slices = true;
        assert_eq!(unusual_features(&p), ["interlaced coding (frame_mbs_only_flag 0)", "B slices"]);
        let mut p = profile(244, 3, 10);
        p.bit_depth_chroma = 12;
        assert_eq!(
            unusual_features(&p),
            ["High 4:4:4 Predictive profile (profile_idc 244, 10-bit luma, 12-bit chroma, 4:4:4 chroma)"]
        );
    }
}
