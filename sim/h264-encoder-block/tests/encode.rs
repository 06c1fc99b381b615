//! Clips encoded through the registers as the driver does (IDR and P frames, REF and
//! RECON swapped after each frame): ffmpeg decodes them to exactly the block's
//! reconstructions, every slice carries the programmed type and QP, and the bitstream and
//! statistics registers equal what the encoder core gives for the same input.

mod support;

use h264_encoder::regs::*;
use h264_encoder_core::{encode_frame, encode_headers, frame_buffer_len, FrameParams, FrameStats, FrameType};
use support::*;

/// One frame of a clip.
#[derive(Clone, Copy)]
struct Frame {
    idr: bool,
    qp: u8,
}

const fn idr(qp: u8) -> Frame {
    Frame { idr: true, qp }
}

const fn p(qp: u8) -> Frame {
    Frame { idr: false, qp }
}

/// A clip's settings.
struct Clip {
    stream: Stream,
    format: u32,
    /// Bytes of padding after every source row.
    pad: usize,
    frames: Vec<Frame>,
    qp_map: bool,
}

/// The per-macroblock QP offsets of frame `t`.
fn qp_map(mbs: usize, t: usize) -> Vec<i8> {
    (0..mbs).map(|i| ((i * 5 + t * 3) % 13) as i8 - 6).collect()
}

/// The statistics registers as the core's FrameStats.
fn stat_regs(rig: &Rig) -> (u32, u32, u32, u32, u32, u32) {
    let r = |o| rig.read(o);
    (r(STAT_BITS), r(STAT_HEADER_BITS), r(STAT_QP_SUM), r(STAT_SAD), r(STAT_INTRA_MBS), r(STAT_SKIP_MBS))
}

fn core_stats(st: &FrameStats) -> (u32, u32, u32, u32, u32, u32) {
    let sat = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    (sat(st.total_bits), sat(st.header_bits), st.qp_sum, sat(st.sad), st.intra_mbs, st.skip_mbs)
}

/// Every slice of a frame carries the programmed type, QP and numbering (`frame_num`,
/// `idr_pic_id`), and an IDR frame starts with SPS and PPS.
fn check_slices(s: &Stream, f: &Frame, numbering: (u32, u16), bits: &[u8], init_qp: &mut Option<i32>, what: &str) {
    let (frame_num, idr_pic_id) = numbering;
    let slices = slices(bits, init_qp);
    let rows_per_slice = if s.slice_rows == 0 { s.h.div_ceil(16) } else { s.slice_rows };
    assert_eq!(slices.len() as u32, s.h.div_ceil(16).div_ceil(rows_per_slice), "{what}: slices");
    for sl in &slices {
        assert_eq!(sl.qp, i32::from(f.qp), "{what}: slice QP");
        assert_eq!(sl.idr, f.idr, "{what}: NAL unit type");
        assert_eq!(sl.slice_type, if f.idr { 7 } else { 5 }, "{what}: slice_type");
        assert_eq!(sl.frame_num, frame_num % 256, "{what}: frame_num");
        assert_eq!(sl.idr_pic_id, f.idr.then_some(u32::from(idr_pic_id)), "{what}: idr_pic_id");
    }
    assert_eq!(nal_types(bits).starts_with(&[7, 8]), f.idr, "{what}: parameter sets");
}

/// Encodes `clip` through the block and, alongside, through the core; checks each frame and
/// the whole stream.
fn run_clip(clip: &Clip, name: &str) {
    let s = clip.stream;
    let (w, h) = (s.w as usize, s.h as usize);
    let cfg = s.config();
    let mbs = (s.w.div_ceil(16) * s.h.div_ceil(16)) as usize;
    let rig = Rig::new(16 << 20);
    rig.program_stream(&s);
    let ws = rig.work_size(s.w, s.h);
    assert_eq!(ws, frame_buffer_len(s.w, s.h));
    let mut bufs = [rig.alloc(ws, 0), rig.alloc(ws, 0)];
    let out = rig.alloc(64 << 10, 0);
    let laid0 = lay_out(&picture(w, h, 0), clip.format, clip.pad);
    let src = rig.alloc(laid0.bytes.len(), 0);
    let map = rig.alloc(mbs, 0);
    let (mut core_ref, mut core_recon) = (vec![0u8; ws], vec![0u8; ws]);
    let mut core_out = vec![0u8; 64 << 10];

    let (mut stream, mut recons) = (Vec::new(), Vec::new());
    let (mut frame_num, mut idr_pic_id, mut init_qp) = (0u32, 0u16, None);
    for (t, f) in clip.frames.iter().enumerate() {
        if f.idr {
            frame_num = 0;
            idr_pic_id = idr_pic_id.wrapping_add(u16::from(t > 0));
        }
        let laid = lay_out(&picture(w, h, t), clip.format, clip.pad);
        rig.put(src, 0, &laid.bytes);
        rig.program_source(&laid, src);
        let offsets = clip.qp_map.then(|| qp_map(mbs, t));
        if let Some(m) = &offsets {
            rig.put(map, 0, &m.iter().map(|&d| d as u8).collect::<Vec<_>>());
        }
        rig.write(QP_MAP, if offsets.is_some() { map.addr } else { 0 });
        rig.write(FRAME_TYPE, if f.idr { FRAME_IDR } else { FRAME_P });
        rig.write(QP, u32::from(f.qp));
        rig.write(HEADERS, if f.idr { HEADERS_BEFORE_IDR } else { HEADERS_NONE });
        rig.write(FRAME_NUM, frame_num);
        rig.write(IDR_PIC_ID, u32::from(idr_pic_id));
        rig.write(REF_ADDR, bufs[0].addr);
        rig.write(RECON_ADDR, bufs[1].addr);
        rig.write(OUT_ADDR, out.addr);
        rig.write(OUT_SIZE, out.len as u32);

        assert_eq!(rig.run(), IRQ_FRAME_DONE, "{name}: frame {t}");
        assert_eq!(rig.read(ERROR), ERROR_NONE);
        let bytes = rig.read(OUT_BYTES) as usize;
        let bits = rig.get(out)[..bytes].to_vec();

        // The core, given the same input and parameters, gives the same frame.
        let params = FrameParams {
            frame_type: if f.idr { FrameType::Idr } else { FrameType::P },
            qp: f.qp,
            frame_num,
            idr_pic_id,
            headers: f.idr,
            mb_qp_delta: offsets.as_deref(),
        };
        let reference = (!f.idr).then_some(&core_ref[..]);
        let st = encode_frame(&cfg, &params, &laid.source(h), reference, &mut core_recon, &mut core_out).unwrap();
        assert_eq!(bits, core_out[..st.bytes], "{name}: bitstream of frame {t}");
        assert_eq!(stat_regs(&rig), core_stats(&st), "{name}: statistics of frame {t}");
        assert_eq!(rig.read(STAT_BITS), 8 * bytes as u32);
        let recon = rig.get(bufs[1]);
        assert!(recon == core_recon, "{name}: reconstruction of frame {t}");

        let numbering = (frame_num, idr_pic_id);
        check_slices(&s, f, numbering, &bits, &mut init_qp, &format!("{name}: frame {t}"));
        stream.extend_from_slice(&bits);
        recons.extend_from_slice(&visible(&cfg, &recon));
        bufs.swap(0, 1);
        std::mem::swap(&mut core_ref, &mut core_recon);
        frame_num += 1;
    }
    let decoded = ffmpeg_decode(&stream, name);
    let frame_len = w * h * 3 / 2;
    assert_eq!(decoded.len(), clip.frames.len() * frame_len, "{name}: ffmpeg's frame count");
    for t in 0..clip.frames.len() {
        let range = t * frame_len..(t + 1) * frame_len;
        assert!(decoded[range.clone()] == recons[range], "{name}: ffmpeg's frame {t} differs from the reconstruction");
    }
}

#[test]
fn nv12_clip_decodes_and_every_slice_has_the_programmed_qp() {
    let clip = Clip {
        stream: Stream::new(64, 48),
        format: INPUT_NV12,
        pad: 0,
        frames: vec![idr(26), p(30), p(22), p(35), p(18), p(44), p(28), p(51)],
        qp_map: false,
    };
    run_clip(&clip, "nv12");
}

#[test]
fn i420_clip_with_padding_cropping_a_qp_map_and_a_second_idr() {
    let clip = Clip {
        stream: Stream::new(50, 34),
        format: INPUT_I420,
        pad: 7,
        frames: vec![idr(30), p(32), p(27), idr(24), p(36), p(20)],
        qp_map: true,
    };
    run_clip(&clip, "i420");
}

#[test]
fn yuyv_clip_with_slices_no_deblocking_and_a_short_search() {
    let stream = Stream { w: 48, h: 64, slice_rows: 1, coding: CODING_NO_DEBLOCK | (8 << CODING_SEARCH_SHIFT) };
    let clip =
        Clip { stream, format: INPUT_YUYV, pad: 4, frames: vec![idr(28), p(28), p(33), p(25), p(0)], qp_map: false };
    run_clip(&clip, "yuyv");
}

#[test]
fn headers_register_selects_parameter_sets_and_picture() {
    let s = Stream::new(32, 32);
    let rig = Rig::new(4 << 20);
    rig.program_stream(&s);
    let ws = rig.work_size(s.w, s.h);
    let (refb, recon, out) = (rig.alloc(ws, 0), rig.alloc(ws, 0x5A), rig.alloc(8192, 0xEE));
    let laid = lay_out(&picture(32, 32, 0), INPUT_I420, 0);
    let src = rig.alloc(laid.bytes.len(), 0);
    rig.put(src, 0, &laid.bytes);
    rig.program_source(&laid, src);
    rig.write(OUT_ADDR, out.addr);
    rig.write(OUT_SIZE, out.len as u32);
    rig.write(REF_ADDR, refb.addr);
    rig.write(RECON_ADDR, recon.addr);

    // 2: SPS and PPS alone; the picture registers are not looked at, nor is the
    // reconstruction written.
    rig.write(HEADERS, HEADERS_ONLY);
    rig.write(FRAME_TYPE, 7);
    rig.write(QP, 99);
    assert_eq!(rig.run(), IRQ_FRAME_DONE);
    let n = rig.read(OUT_BYTES) as usize;
    let mut expect = vec![0u8; 256];
    let len = encode_headers(&s.config(), &mut expect).unwrap();
    assert_eq!(rig.get(out)[..n], expect[..len]);
    assert_eq!(rig.read(STAT_BITS), 8 * n as u32);
    assert_eq!(rig.read(STAT_HEADER_BITS), 8 * n as u32);
    assert_eq!(rig.read(STAT_QP_SUM), 0);
    assert!(rig.get(recon).iter().all(|&b| b == 0x5A), "HEADERS = 2 wrote the reconstruction");
    assert!(rig.get(out)[n..].iter().all(|&b| b == 0xEE));
    let headers = rig.get(out)[..n].to_vec();

    // 1: SPS, PPS, then the IDR picture.
    rig.write(FRAME_TYPE, FRAME_IDR);
    rig.write(QP, 30);
    rig.write(HEADERS, HEADERS_BEFORE_IDR);
    assert_eq!(rig.run(), IRQ_FRAME_DONE);
    let joined = rig.get(out)[..rig.read(OUT_BYTES) as usize].to_vec();
    assert_eq!(nal_types(&joined), [7, 8, 5]);
    assert_eq!(joined[..n], headers[..]);

    // 0: the picture alone (here a P frame after that IDR).
    rig.write(REF_ADDR, recon.addr);
    rig.write(RECON_ADDR, refb.addr);
    rig.write(FRAME_TYPE, FRAME_P);
    rig.write(FRAME_NUM, 1);
    rig.write(HEADERS, HEADERS_NONE);
    assert_eq!(rig.run(), IRQ_FRAME_DONE);
    let picture_only = rig.get(out)[..rig.read(OUT_BYTES) as usize].to_vec();
    assert_eq!(nal_types(&picture_only), [1]);

    // The parameter sets alone, then the two pictures: a stream ffmpeg decodes.
    let mut stream = headers.clone();
    stream.extend_from_slice(&joined[n..]);
    stream.extend_from_slice(&picture_only);
    assert_eq!(ffmpeg_decode(&stream, "headers").len(), 2 * 32 * 32 * 3 / 2);
}
