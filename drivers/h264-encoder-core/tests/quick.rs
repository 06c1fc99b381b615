//! A small bit-exactness matrix against ffmpeg's decoder, fast enough for debug builds.
mod common;
use common::*;

#[test]
fn qcif_ippp() {
    let mut c = Case::new(176, 144, 5, 26);
    c.gop = Gop::Ippp;
    check(&c);
}

#[test]
fn scratch_nodeblock() {
    let mut c = Case::new(176, 144, 1, 26);
    c.deblock = false;
    check(&c);
}
