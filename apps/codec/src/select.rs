//! Choosing a device node when none is given: the input's coded format is recognised from
//! its first NAL unit header, and the first registered decoder node whose OUTPUT queue
//! lists that format is used (the OpenH264 node for H.264, as the board registers it
//! first; the libavcodec node for HEVC).

use sim_board::vfs;
use v4l2m2m::abi;

use crate::device::Device;

/// The node used when the input's format is not recognised.
pub const DEFAULT_NODE: &str = "/dev/video1";

/// The coded format of an Annex-B stream (`V4L2_PIX_FMT_H264` or `_HEVC`), from the
/// header of its first NAL unit, or `None` if `data` does not start like either.
pub fn sniff_format(data: &[u8]) -> Option<u32> {
    let start = data.windows(3).take(64).position(|w| w == [0, 0, 1])? + 3;
    let (b0, b1) = (*data.get(start)?, *data.get(start + 1)?);
    if b0 & 0x80 != 0 {
        return None;
    }
    // H.264 (7.3.1): nal_ref_idc(2) nal_unit_type(5). The units a stream starts with:
    // AUD and SEI (reference idc 0), SPS, PPS, IDR and non-IDR slices.
    let h264_type = b0 & 0x1f;
    let h264_ref = b0 >> 5;
    let h264 = match h264_type {
        6 | 9 => h264_ref == 0,
        1 | 5 | 7 | 8 => true,
        _ => false,
    };
    // HEVC (7.3.1.2): nal_unit_type(6) nuh_layer_id(6) nuh_temporal_id_plus1(3), the
    // latter never 0. The units a stream starts with: VPS, SPS, PPS, AUD, prefix SEI.
    let hevc_type = (b0 >> 1) & 0x3f;
    let hevc = matches!(hevc_type, 32..=35 | 39) && b1 & 0x07 != 0;
    match (h264, hevc) {
        (true, false) => Some(abi::V4L2_PIX_FMT_H264),
        (false, true) => Some(abi::V4L2_PIX_FMT_HEVC),
        _ => None,
    }
}

/// Every decoder node (OUTPUT coded, CAPTURE raw), in registration order.
pub fn decoders() -> Vec<String> {
    vfs::node_paths()
        .into_iter()
        .map(String::from)
        .filter(|path| Device::open(path).is_ok_and(|dev| is_decoder(&dev)))
        .collect()
}

/// The first registered decoder node (in registration order) whose OUTPUT queue lists
/// `fourcc`.
pub fn decoder_for(fourcc: u32) -> Option<String> {
    decoders()
        .into_iter()
        .find(|path| Device::open(path).is_ok_and(|dev| dev.enum_formats(true).iter().any(|&(f, _)| f == fourcc)))
}

fn is_decoder(dev: &Device) -> bool {
    let coded = |list: &[(u32, u32)]| list.iter().any(|&(_, flags)| flags & abi::V4L2_FMT_FLAG_COMPRESSED != 0);
    coded(&dev.enum_formats(true)) && !coded(&dev.enum_formats(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h264_and_hevc_streams_are_told_apart_by_their_first_nal_header() {
        assert_eq!(sniff_format(&[0, 0, 0, 1, 0x67, 0x64, 0, 0x1f]), Some(abi::V4L2_PIX_FMT_H264));
        assert_eq!(sniff_format(&[0, 0, 1, 0x09, 0x10]), Some(abi::V4L2_PIX_FMT_H264));
        assert_eq!(sniff_format(&[0, 0, 0, 1, 0x40, 0x01, 0x0c]), Some(abi::V4L2_PIX_FMT_HEVC));
        assert_eq!(sniff_format(&[0, 0, 1, 0x46, 0x01, 0x50]), Some(abi::V4L2_PIX_FMT_HEVC));
        assert_eq!(sniff_format(&[0, 0, 1, 0x40, 0x00]), None);
        assert_eq!(sniff_format(b"no start code here"), None);
        assert_eq!(sniff_format(&[0, 0, 1, 0xe7, 0x01]), None);
    }
}
