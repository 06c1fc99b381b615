//! `V4L2_CID_MIN_BUFFERS_FOR_CAPTURE` from the stream's SPS, as Linux's stateful decoders
//! announce it: the stream's DPB needs, the larger of `max_num_ref_frames` and
//! `max_num_reorder_frames`, plus one (the picture being placed), 2 to 17.
//!
//! This node copies every decoded picture out of OpenH264's own buffers, so it never holds
//! a CAPTURE buffer as a reference, and the streams it decodes have no B slices: a client
//! holding the reorder depth plus one buffers would never stall it. The value follows the
//! stream's declared needs all the same, as the libavcodec nodes' does, so that an
//! application sizing its CAPTURE queue for a decoder that keeps references in CAPTURE
//! buffers gets the same count for the same stream on every node.
//!
//! Without the VUI's bitstream restriction, `max_num_reorder_frames` is what Annex E.2.1
//! infers: 0 for the intra profiles, else the level's MaxDpbFrames = min(MaxDpbMbs /
//! (PicWidthInMbs × FrameHeightInMbs), 16) with MaxDpbMbs from Table A-1
//! ([`h264_levels::inferred_reorder`], which the libavcodec driver shares).

use crate::bitstream::SpsInfo;
use crate::MIN_CAPTURE_BUFFERS;

/// The largest `V4L2_CID_MIN_BUFFERS_FOR_CAPTURE`: a 16-frame DPB plus one.
pub const MAX_CAPTURE_BUFFERS: u32 = 17;

/// The CAPTURE buffers the stream of `sps` asks for.
pub fn min_capture_buffers(sps: &SpsInfo) -> u32 {
    let needs = sps.max_num_ref_frames.max(sps.max_num_reorder_frames).saturating_add(1);
    needs.clamp(MIN_CAPTURE_BUFFERS, MAX_CAPTURE_BUFFERS)
}
