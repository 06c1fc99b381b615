//! A small bit-exactness check against ffmpeg's decoder, fast enough for debug builds (the
//! full matrix is examples/matrix.rs, run in release by scripts/test-encoder-core.sh).
mod common;
use common::*;

#[test]
fn qcif_ippp_matches_ffmpeg() {
    check(&Case::new(176, 144, 4, 26));
}

#[test]
fn cropped_sliced_nv12_without_deblocking_matches_ffmpeg() {
    let mut c = Case::new(98, 66, 3, 30);
    c.deblock = false;
    c.slice_rows = 2;
    c.layout = Layout::Nv12;
    c.mb_qp_delta = true;
    check(&c);
}
