//! Why a decoder refused a stream: when a device ends a stream with a fatal error (QBUF or
//! DQBUF answering `EIO`, poll `POLLERR`, after an OUTPUT buffer flagged
//! `V4L2_BUF_FLAG_ERROR`), the tool reads the stream's SPS and slice headers itself and
//! names what in it is beyond a plain 8-bit 4:2:0 progressive stream without B slices.

use crate::h264::{stream_profile, StreamProfile};

/// A backend the tool knows, by the driver name of VIDIOC_QUERYCAP: what it decodes, and
/// whether it also refuses coding tools (B slices, interlacing, lossless coding, a start
/// without an IDR picture) or only picture formats no CAPTURE format holds.
struct Backend {
    decodes: &'static str,
    refuses_coding_tools: bool,
}

fn known_backend(driver: &str) -> Option<Backend> {
    match driver {
        "sim-h264dec" => Some(Backend {
            decodes: "8-bit 4:2:0 progressive H.264 without B slices or lossless coding, starting with an IDR picture",
            refuses_coding_tools: true,
        }),
        "sim-avdec" => Some(Backend {
            decodes:
                "H.264, HEVC and VP9 in the picture formats of its CAPTURE formats (8- and 10-bit 4:2:0, 8-bit 4:2:2)",
            refuses_coding_tools: false,
        }),
        _ => None,
    }
}

/// The name of an H.264 profile (Annex A), by `profile_idc` (an 8-bit field).
fn profile_name(profile_idc: u32) -> &'static str {
    u8::try_from(profile_idc).map_or("unknown", sim_h264_decoder::limits::profile_name)
}

/// The picture format of `p` when it is beyond 8-bit 4:2:0, named for a user.
fn format_feature(p: &StreamProfile) -> Option<String> {
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
    (!format.is_empty()).then(|| {
        format!("{} profile (profile_idc {}, {})", profile_name(p.profile_idc), p.profile_idc, format.join(", "))
    })
}

/// The coding tools of `p` beyond progressive, lossy coding without B slices that starts
/// with an IDR picture, each named for a user.
fn coding_tools(p: &StreamProfile) -> Vec<String> {
    let named = [
        (p.interlaced, "interlaced coding (frame_mbs_only_flag 0)"),
        (p.lossless, "lossless coding (qpprime_y_zero_transform_bypass_flag 1)"),
        (p.starts_without_idr, "no IDR picture at the start (it begins at a recovery point)"),
        (p.b_slices, "B slices"),
        (p.switching_slices, "SP/SI slices"),
    ];
    named.iter().filter(|(present, _)| *present).map(|(_, name)| name.to_string()).collect()
}

/// The features of `p` beyond 8-bit 4:2:0 progressive coding without B slices, each
/// named for a user (empty if there are none).
pub fn unusual_features(p: &StreamProfile) -> Vec<String> {
    format_feature(p).into_iter().chain(coding_tools(p)).collect()
}

/// The features of `p` that `backend` may have refused: a backend that refuses only
/// picture formats is not refusing the stream's coding tools.
fn refused_features(p: &StreamProfile, backend: Option<&Backend>) -> Vec<String> {
    match backend {
        Some(b) if !b.refuses_coding_tools => format_feature(p).into_iter().collect(),
        _ => unusual_features(p),
    }
}

/// The message for a stream `input` that `device` (whose QUERYCAP gives `driver` and
/// `card`) refused with a fatal stream error.
pub fn message(device: &str, driver: &str, card: &str, input: &[u8]) -> String {
    let profile = stream_profile(input);
    let backend = known_backend(driver);
    let features = profile.as_ref().map(|p| refused_features(p, backend.as_ref())).unwrap_or_default();
    let node = format!("{device} ({card})");
    let what = match &backend {
        Some(b) => format!("{node} decodes {}", b.decodes),
        None => format!("{node} cannot decode it"),
    };
    match (profile, features.is_empty()) {
        (Some(_), false) => format!("unsupported stream: {}; {what}", features.join(", ")),
        (Some(p), true) => format!(
            "{node} refused the stream (a fatal stream error: EIO), although the tool found nothing \
             it knows the node cannot decode in it ({} profile, profile_idc {})",
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
            lossless: false,
            starts_without_idr: false,
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
        let mut p = profile(244, 1, 8);
        p.lossless = true;
        assert_eq!(unusual_features(&p), ["lossless coding (qpprime_y_zero_transform_bypass_flag 1)"]);
        let mut p = profile(100, 1, 8);
        p.starts_without_idr = true;
        assert_eq!(unusual_features(&p), ["no IDR picture at the start (it begins at a recovery point)"]);
        let mut p = profile(244, 3, 10);
        p.bit_depth_chroma = 12;
        assert_eq!(
            unusual_features(&p),
            ["High 4:4:4 Predictive profile (profile_idc 244, 10-bit luma, 12-bit chroma, 4:4:4 chroma)"]
        );
    }

    #[test]
    fn a_format_only_backend_is_not_said_to_refuse_coding_tools() {
        let mut p = profile(244, 3, 8);
        p.b_slices = true;
        let avcodec = known_backend("sim-avdec");
        assert_eq!(
            refused_features(&p, avcodec.as_ref()),
            ["High 4:4:4 Predictive profile (profile_idc 244, 4:4:4 chroma)"]
        );
        let openh264 = known_backend("sim-h264dec");
        assert_eq!(refused_features(&p, openh264.as_ref()).len(), 2);
        assert_eq!(refused_features(&p, None).len(), 2);
    }
}
