//! Robustness without a decoder: random sizes, QPs, frame types, slices, search ranges,
//! per-macroblock QP offsets and content never panic and give consistent statistics; an output
//! slice that is too small gives `OutputTooSmall`, nothing is written past it, and encoding
//! continues exactly as if the failed attempt had not happened; invalid arguments are refused.
mod common;
use common::Rng;
use h264_encoder_core::*;

fn picture(r: &mut Rng, w: usize, h: usize, kind: u32) -> Vec<u8> {
    let n = w * h + 2 * w.div_ceil(2) * h.div_ceil(2);
    let base = r.next();
    (0..n)
        .map(|i| match kind {
            0 => r.next() as u8,
            1 => base as u8,
            2 => ((i % w) * 3 + (i / w) * 5 + base as usize) as u8,
            _ => {
                if r.next() % 7 == 0 {
                    255
                } else {
                    (base >> (i % 8)) as u8
                }
            }
        })
        .collect()
}

fn i420(p: &[u8], w: usize, h: usize) -> Source<'_> {
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let (y, c) = p.split_at(w * h);
    let (u, v) = c.split_at(cw * ch);
    Source::I420 { y: Plane::new(y, w), u: Plane::new(u, cw), v: Plane::new(v, cw) }
}

#[test]
fn random_inputs_never_panic() {
    let mut r = Rng(0x1234_5678_9abc_def1);
    let iterations = if cfg!(debug_assertions) { 60 } else { 400 };
    for it in 0..iterations {
        let w = 2 * (1 + r.next() as usize % 60);
        let h = 2 * (1 + r.next() as usize % 50);
        let mut cfg = Config::new(w as u32, h as u32);
        cfg.slice_rows = r.next() % 4;
        cfg.deblock = r.next() % 2 == 0;
        cfg.search_range = r.next() % (MAX_SEARCH_RANGE + 1);
        cfg.fps_num = 1 + r.next() % 240;
        cfg.fps_den = 1 + r.next() % 1001;
        let len = frame_buffer_len(cfg.width, cfg.height);
        let (mut cur, mut refb) = (vec![0u8; len], vec![0u8; len]);
        let mut out = vec![0u8; 3 * w * h + 4096];
        let mbs = (cfg.mb_width() * cfg.mb_height()) as usize;
        for f in 0..4 {
            let kind = r.next() % 4;
            let pic = picture(&mut r, w, h, kind);
            let qp = (r.next() % 52) as u8;
            let deltas: Vec<i8> = (0..mbs).map(|_| r.next() as i8).collect();
            let p = FrameParams {
                frame_type: if f == 0 || r.next() % 5 == 0 { FrameType::Idr } else { FrameType::P },
                qp,
                frame_num: f,
                idr_pic_id: f as u16,
                headers: r.next() % 2 == 0,
                mb_qp_delta: (r.next() % 2 == 0).then_some(&deltas[..]),
            };
            let reference = (p.frame_type == FrameType::P).then_some(&refb[..]);
            let st = encode_frame(&cfg, &p, &i420(&pic, w, h), reference, &mut cur, &mut out)
                .unwrap_or_else(|e| panic!("iteration {it} frame {f} {cfg:?} qp {qp}: {e}"));
            assert!(st.bytes > 0 && st.total_bits == 8 * st.bytes as u64);
            assert_eq!(st.header_bits + st.residual_bits, st.total_bits);
            assert!(st.qp_sum as usize <= 51 * mbs);
            if p.mb_qp_delta.is_none() {
                // Every macroblock has the slice QP (skipped ones inherit it).
                assert_eq!(st.qp_sum, u32::from(qp) * mbs as u32);
            }
            std::mem::swap(&mut cur, &mut refb);
        }
    }
}

#[test]
fn every_qp_and_type_at_extreme_content() {
    for (w, h) in [(2u32, 2u32), (16, 16), (18, 34), (48, 32)] {
        let cfg = Config::new(w, h);
        let len = frame_buffer_len(w, h);
        let (mut cur, mut refb) = (vec![0u8; len], vec![0u8; len]);
        let mut out = vec![0u8; 4 * (w * h) as usize + 4096];
        let n = common::frame_len(w, h);
        let pics: [Vec<u8>; 3] =
            [vec![0u8; n], vec![255u8; n], (0..n).map(|i| if i % 2 == 0 { 0 } else { 255 }).collect()];
        for qp in 0..=51u8 {
            for (k, pic) in pics.iter().enumerate() {
                let p = if (qp as usize + k) % 3 == 0 { FrameParams::idr(qp, 0) } else { FrameParams::p(qp, 1) };
                let reference = (p.frame_type == FrameType::P).then_some(&refb[..]);
                encode_frame(&cfg, &p, &i420(pic, w as usize, h as usize), reference, &mut cur, &mut out).unwrap();
                std::mem::swap(&mut cur, &mut refb);
            }
        }
    }
}

#[test]
fn too_small_output_is_an_error_and_harmless() {
    let (w, h) = (64usize, 48usize);
    let mut r = Rng(77);
    let cfg = Config::new(w as u32, h as u32);
    let len = frame_buffer_len(cfg.width, cfg.height);
    let pics: Vec<Vec<u8>> = (0..3).map(|k| picture(&mut r, w, h, if k == 0 { 2 } else { 0 })).collect();
    let params = [FrameParams::idr(20, 0), FrameParams::p(20, 1), FrameParams::p(20, 2)];
    // The reference run: every frame into a large buffer.
    let mut expected = Vec::new();
    let (mut cur, mut refb) = (vec![0u8; len], vec![0u8; len]);
    let mut out = vec![0u8; 100_000];
    for (p, pic) in params.iter().zip(&pics) {
        let reference = (p.frame_type == FrameType::P).then_some(&refb[..]);
        let st = encode_frame(&cfg, p, &i420(pic, w, h), reference, &mut cur, &mut out).unwrap();
        expected.push(out[..st.bytes].to_vec());
        std::mem::swap(&mut cur, &mut refb);
    }
    // Again, with failed attempts into short buffers before each frame.
    let (mut cur, mut refb) = (vec![0u8; len], vec![0u8; len]);
    for (i, (p, pic)) in params.iter().zip(&pics).enumerate() {
        let need = expected[i].len();
        for short in [0, 1, 4, 5, 30, need / 2, need - 1] {
            let mut buf = vec![0xeeu8; short + 64];
            let reference = (p.frame_type == FrameType::P).then_some(&refb[..]);
            let ref_before = refb.clone();
            let e = encode_frame(&cfg, p, &i420(pic, w, h), reference, &mut cur, &mut buf[..short]);
            assert_eq!(e, Err(Error::OutputTooSmall), "frame {i} into {short} of {need} bytes");
            assert!(buf[short..].iter().all(|&b| b == 0xee), "guard bytes overwritten");
            assert_eq!(refb, ref_before);
        }
        let reference = (p.frame_type == FrameType::P).then_some(&refb[..]);
        let mut exact = vec![0u8; need];
        let st = encode_frame(&cfg, p, &i420(pic, w, h), reference, &mut cur, &mut exact).unwrap();
        assert_eq!(st.bytes, need);
        assert_eq!(exact, expected[i], "frame {i} after failed attempts");
        std::mem::swap(&mut cur, &mut refb);
    }
    let mut small = [0u8; 10];
    assert_eq!(encode_headers(&cfg, &mut small), Err(Error::OutputTooSmall));
}

#[test]
fn invalid_arguments_are_refused() {
    let cfg = Config::new(32, 32);
    let len = frame_buffer_len(32, 32);
    let pic = vec![100u8; common::frame_len(32, 32)];
    let mut cur = vec![0u8; len];
    let mut out = vec![0u8; 10_000];
    let src = i420(&pic, 32, 32);
    let enc = |c: &Config, p: &FrameParams, s: &Source, r: Option<&[u8]>, cur: &mut [u8], out: &mut [u8]| {
        encode_frame(c, p, s, r, cur, out)
    };
    for bad in [Config::new(31, 32), Config::new(32, 0), Config::new(8194, 16), Config::new(8192, 8192)] {
        assert_eq!(enc(&bad, &FrameParams::idr(26, 0), &src, None, &mut cur, &mut out), Err(Error::InvalidConfig));
    }
    let mut c = cfg;
    c.search_range = MAX_SEARCH_RANGE + 1;
    assert_eq!(enc(&c, &FrameParams::idr(26, 0), &src, None, &mut cur, &mut out), Err(Error::InvalidConfig));
    c = cfg;
    c.fps_num = 0;
    assert_eq!(encode_headers(&c, &mut out), Err(Error::InvalidConfig));
    assert_eq!(enc(&cfg, &FrameParams::idr(52, 0), &src, None, &mut cur, &mut out), Err(Error::InvalidParams));
    assert_eq!(enc(&cfg, &FrameParams::p(26, 1), &src, None, &mut cur, &mut out), Err(Error::InvalidParams));
    let short_deltas = [0i8; 3];
    let p = FrameParams { mb_qp_delta: Some(&short_deltas), ..FrameParams::idr(26, 0) };
    assert_eq!(enc(&cfg, &p, &src, None, &mut cur, &mut out), Err(Error::InvalidParams));
    let short = i420(&pic[..pic.len() - 1], 32, 32);
    assert!(enc(&cfg, &FrameParams::idr(26, 0), &short, None, &mut cur, &mut out).is_err());
    let bad_stride = Source::Yuyv(Plane::new(&pic, 10));
    assert_eq!(enc(&cfg, &FrameParams::idr(26, 0), &bad_stride, None, &mut cur, &mut out), Err(Error::InvalidSource));
    assert_eq!(
        enc(&cfg, &FrameParams::idr(26, 0), &src, None, &mut cur[..len - 1], &mut out),
        Err(Error::FrameBufferTooSmall)
    );
    let small_ref = vec![0u8; len - 1];
    assert_eq!(
        enc(&cfg, &FrameParams::p(26, 1), &src, Some(&small_ref), &mut cur, &mut out),
        Err(Error::FrameBufferTooSmall)
    );
}

#[test]
fn headers_alone_equal_the_headers_before_an_idr() {
    let cfg = Config::new(1920, 1080);
    let mut h = [0u8; 64];
    let n = encode_headers(&cfg, &mut h).unwrap();
    assert_eq!(&h[..5], &[0, 0, 0, 1, 0x67]);
    let small = Config::new(48, 32);
    let n_small = encode_headers(&small, &mut h).unwrap();
    let pic = vec![50u8; common::frame_len(48, 32)];
    let mut cur = vec![0u8; frame_buffer_len(48, 32)];
    let mut out = vec![0u8; 10_000];
    let st = encode_frame(&small, &FrameParams::idr(30, 0), &i420(&pic, 48, 32), None, &mut cur, &mut out).unwrap();
    assert_eq!(&out[..n_small], &h[..n_small]);
    let no_headers = FrameParams { headers: false, ..FrameParams::idr(30, 0) };
    let st2 = encode_frame(&small, &no_headers, &i420(&pic, 48, 32), None, &mut cur, &mut out).unwrap();
    assert_eq!(st.bytes, st2.bytes + n_small);
    assert!(n > 10);
}
