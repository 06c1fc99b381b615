//! Shared helpers of the integration tests: source generation with ffmpeg's lavfi sources
//! (and a seeded noise generator), the encoder driven with a GOP pattern, and the check that
//! ffmpeg's H.264 decoder reconstructs exactly what the encoder reconstructed.
#![allow(dead_code, clippy::needless_range_loop)]

use h264_encoder_core::*;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Group of pictures.
#[derive(Clone, Copy, Debug)]
pub enum Gop {
    AllIdr,
    Ippp,
    IdrEvery(u32),
}

/// How the source is laid out in memory.
#[derive(Clone, Copy, Debug)]
pub enum Layout {
    I420,
    Nv12,
    Yuyv,
    /// I420 with row padding and an offset start.
    PaddedI420,
}

/// Content of the clip.
#[derive(Clone, Copy, Debug)]
pub enum Content {
    Testsrc2,
    Mandelbrot,
    Noise,
    Static,
    SceneCut,
    /// Black, white, a pixel checkerboard and stripes in turn: the largest residuals.
    Extreme,
}

#[derive(Clone, Copy, Debug)]
pub struct Case {
    pub w: u32,
    pub h: u32,
    pub frames: usize,
    pub qp: u8,
    pub gop: Gop,
    pub slice_rows: u32,
    pub deblock: bool,
    pub layout: Layout,
    pub content: Content,
    pub mb_qp_delta: bool,
    /// QP offset of IDR frames (the driver's I/P QP ratio; 0 in the matrix).
    pub idr_qp_offset: i8,
}

impl Case {
    pub fn new(w: u32, h: u32, frames: usize, qp: u8) -> Self {
        Case {
            w,
            h,
            frames,
            qp,
            gop: Gop::Ippp,
            slice_rows: 0,
            deblock: true,
            layout: Layout::I420,
            content: Content::Testsrc2,
            mb_qp_delta: false,
            idr_qp_offset: 0,
        }
    }
}

pub fn tmpdir(tag: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d = std::env::temp_dir().join(format!("h264enc-{}-{}-{}", tag, std::process::id(), n));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn ffmpeg() -> Command {
    let mut c = Command::new("ffmpeg");
    c.args(["-nostdin", "-hide_banner", "-v", "error"]);
    c
}

/// Raw I420 frames from an ffmpeg lavfi source.
pub fn lavfi(src: &str, w: u32, h: u32, frames: usize) -> Vec<u8> {
    let spec = format!("{src}=size={w}x{h}:rate=25");
    let out = ffmpeg()
        .args([
            "-f",
            "lavfi",
            "-i",
            &spec,
            "-frames:v",
            &frames.to_string(),
            "-pix_fmt",
            "yuv420p",
            "-f",
            "rawvideo",
            "-",
        ])
        .stderr(Stdio::piped())
        .output()
        .expect("ffmpeg must be installed (scripts/setup.sh installs it)");
    assert!(out.status.success(), "ffmpeg lavfi failed: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout.len(), frame_len(w, h) * frames, "lavfi frame count");
    out.stdout
}

pub fn frame_len(w: u32, h: u32) -> usize {
    let (w, h) = (w as usize, h as usize);
    w * h + 2 * w.div_ceil(2) * h.div_ceil(2)
}

pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 16) as u32
    }
}

/// The I420 frames of a clip.
pub fn content(c: Content, w: u32, h: u32, frames: usize) -> Vec<u8> {
    match c {
        Content::Testsrc2 => lavfi("testsrc2", w, h, frames),
        Content::Mandelbrot => lavfi("mandelbrot", w, h, frames),
        Content::Noise => {
            let mut r = Rng(0x9e37_79b9_7f4a_7c15 ^ u64::from(w * 7919 + h));
            (0..frame_len(w, h) * frames).map(|_| r.next() as u8).collect()
        }
        Content::Static => lavfi("testsrc2", w, h, 1).repeat(frames),
        Content::Extreme => {
            let n = frame_len(w, h);
            let wu = w as usize;
            (0..frames * n)
                .map(|i| {
                    let (f, k) = (i / n, i % n);
                    match f % 4 {
                        0 => 0,
                        1 => 255,
                        2 => {
                            if (k % wu + k / wu) % 2 == 0 {
                                0
                            } else {
                                255
                            }
                        }
                        _ => {
                            if (k / wu / 3) % 2 == 0 {
                                255
                            } else {
                                0
                            }
                        }
                    }
                })
                .collect()
        }
        Content::SceneCut => {
            let a = frames / 2;
            let mut v = lavfi("testsrc2", w, h, a);
            v.extend(lavfi("mandelbrot", w, h, frames - a));
            v
        }
    }
}

/// Memory for one source frame in a layout; `src()` views it.
pub struct Laid {
    pub layout: Layout,
    pub buf: Vec<u8>,
    pub w: usize,
    pub h: usize,
}

impl Laid {
    pub fn new(layout: Layout, i420: &[u8], w: u32, h: u32) -> Laid {
        let (w, h) = (w as usize, h as usize);
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        let (y, c) = i420.split_at(w * h);
        let (u, v) = c.split_at(cw * ch);
        let buf = match layout {
            Layout::I420 => i420.to_vec(),
            Layout::Nv12 => {
                let mut b = y.to_vec();
                for i in 0..cw * ch {
                    b.push(u[i]);
                    b.push(v[i]);
                }
                b
            }
            Layout::Yuyv => {
                let mut b = vec![0u8; cw * 4 * h];
                for r in 0..h {
                    for x in 0..cw {
                        let o = r * cw * 4 + x * 4;
                        b[o] = y[r * w + 2 * x];
                        b[o + 1] = u[(r / 2) * cw + x];
                        b[o + 2] = y[r * w + (2 * x + 1).min(w - 1)];
                        b[o + 3] = v[(r / 2) * cw + x];
                    }
                }
                b
            }
            Layout::PaddedI420 => {
                let (ys, cs) = (w + 37, cw + 13);
                let mut b = vec![0xa5u8; 3 + ys * h + cs * ch * 2];
                for r in 0..h {
                    b[3 + r * ys..3 + r * ys + w].copy_from_slice(&y[r * w..r * w + w]);
                }
                let uo = 3 + ys * h;
                for r in 0..ch {
                    b[uo + r * cs..uo + r * cs + cw].copy_from_slice(&u[r * cw..r * cw + cw]);
                    let vo = uo + cs * ch;
                    b[vo + r * cs..vo + r * cs + cw].copy_from_slice(&v[r * cw..r * cw + cw]);
                }
                b
            }
        };
        Laid { layout, buf, w, h }
    }

    pub fn src(&self) -> Source<'_> {
        let (w, h) = (self.w, self.h);
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        match self.layout {
            Layout::I420 => {
                let (y, c) = self.buf.split_at(w * h);
                let (u, v) = c.split_at(cw * ch);
                Source::I420 { y: Plane::new(y, w), u: Plane::new(u, cw), v: Plane::new(v, cw) }
            }
            Layout::Nv12 => {
                let (y, uv) = self.buf.split_at(w * h);
                Source::Nv12 { y: Plane::new(y, w), uv: Plane::new(uv, cw * 2) }
            }
            Layout::Yuyv => Source::Yuyv(Plane::new(&self.buf, cw * 4)),
            Layout::PaddedI420 => {
                let (ys, cs) = (w + 37, cw + 13);
                let b = &self.buf[3..];
                let (y, c) = b.split_at(ys * h);
                let (u, v) = c.split_at(cs * ch);
                Source::I420 { y: Plane::new(y, ys), u: Plane::new(u, cs), v: Plane::new(v, cs) }
            }
        }
    }
}

/// Visible I420 of a reconstruction.
pub fn visible(cfg: &Config, buf: &[u8]) -> Vec<u8> {
    let p = recon_planes(cfg, buf).unwrap();
    let (w, h) = (cfg.width as usize, cfg.height as usize);
    let mut v = Vec::with_capacity(frame_len(cfg.width, cfg.height));
    for r in 0..h {
        v.extend_from_slice(&p.y[r * p.y_stride..r * p.y_stride + w]);
    }
    for plane in [p.u, p.v] {
        for r in 0..h.div_ceil(2) {
            v.extend_from_slice(&plane[r * p.c_stride..r * p.c_stride + w.div_ceil(2)]);
        }
    }
    v
}

/// Result of encoding a clip.
pub struct Encoded {
    pub stream: Vec<u8>,
    pub recon: Vec<u8>,
    pub stats: Vec<FrameStats>,
    pub source: Vec<u8>,
}

pub fn frame_type(gop: Gop, i: usize) -> FrameType {
    match gop {
        Gop::AllIdr => FrameType::Idr,
        Gop::Ippp if i == 0 => FrameType::Idr,
        Gop::Ippp => FrameType::P,
        Gop::IdrEvery(n) if i % n as usize == 0 => FrameType::Idr,
        Gop::IdrEvery(_) => FrameType::P,
    }
}

/// Encodes a case's clip; the reconstruction of every frame is collected (visible part).
pub fn encode(case: &Case, cfg: &Config, source: Vec<u8>) -> Encoded {
    let fl = frame_len(case.w, case.h);
    let len = frame_buffer_len(cfg.width, cfg.height);
    let (mut cur, mut refb) = (vec![0u8; len], vec![0u8; len]);
    let mut out = vec![0u8; fl * 4 + 100_000];
    let (mut stream, mut recon, mut stats) = (Vec::new(), Vec::new(), Vec::new());
    let mbs = (cfg.mb_width() * cfg.mb_height()) as usize;
    let deltas: Vec<i8> = (0..mbs).map(|i| ((i * 7) % 13) as i8 - 6).collect();
    let (mut since_idr, mut idr_id) = (0u32, 0u16);
    for i in 0..case.frames {
        let ft = frame_type(case.gop, i);
        if ft == FrameType::Idr {
            since_idr = 0;
        }
        let laid = Laid::new(case.layout, &source[i * fl..(i + 1) * fl], case.w, case.h);
        let params = FrameParams {
            frame_type: ft,
            qp: if ft == FrameType::Idr {
                (i16::from(case.qp) + i16::from(case.idr_qp_offset)).clamp(0, 51) as u8
            } else {
                case.qp
            },
            frame_num: since_idr,
            idr_pic_id: idr_id,
            headers: ft == FrameType::Idr,
            mb_qp_delta: case.mb_qp_delta.then_some(&deltas[..]),
        };
        let reference = (ft == FrameType::P).then_some(&refb[..]);
        let st = encode_frame(cfg, &params, &laid.src(), reference, &mut cur, &mut out)
            .unwrap_or_else(|e| panic!("frame {i}: {e}"));
        assert_eq!(st.total_bits, st.header_bits + st.residual_bits);
        stream.extend_from_slice(&out[..st.bytes]);
        recon.extend(visible(cfg, &cur));
        stats.push(st);
        std::mem::swap(&mut cur, &mut refb);
        if ft == FrameType::Idr {
            idr_id = idr_id.wrapping_add(1);
        }
        since_idr += 1;
    }
    Encoded { stream, recon, stats, source }
}

/// Decodes an Annex B stream with ffmpeg's H.264 decoder into visible I420 frames; fails on
/// any decoder message.
pub fn decode(stream: &[u8], tag: &str) -> Vec<u8> {
    let d = tmpdir(tag);
    let f = d.join("s.h264");
    std::fs::write(&f, stream).unwrap();
    let out = ffmpeg()
        .args(["-xerror", "-f", "h264", "-i"])
        .arg(&f)
        .args(["-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"])
        .stderr(Stdio::piped())
        .output()
        .expect("ffmpeg must be installed (scripts/setup.sh installs it)");
    let _ = std::fs::remove_dir_all(&d);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.trim().is_empty(), "{tag}: ffmpeg decode failed: {err}");
    out.stdout
}

/// Encodes, decodes and compares a case. Returns the encoded clip.
pub fn check(case: &Case) -> Encoded {
    let mut cfg = Config::new(case.w, case.h);
    cfg.slice_rows = case.slice_rows;
    cfg.deblock = case.deblock;
    let src = content(case.content, case.w, case.h, case.frames);
    let enc = encode(case, &cfg, src);
    let tag = format!("{}x{}-q{}", case.w, case.h, case.qp);
    let dec = decode(&enc.stream, &tag);
    let fl = frame_len(case.w, case.h);
    assert_eq!(dec.len(), fl * case.frames, "{case:?}: decoded frame count {} != {}", dec.len() / fl, case.frames);
    for i in 0..case.frames {
        let (a, b) = (&dec[i * fl..(i + 1) * fl], &enc.recon[i * fl..(i + 1) * fl]);
        if a != b {
            let pos = a.iter().zip(b).position(|(x, y)| x != y).unwrap();
            let w = case.w as usize;
            let plane = if pos < w * case.h as usize {
                format!("luma x {} y {}", pos % w, pos / w)
            } else {
                format!("chroma offset {}", pos - w * case.h as usize)
            };
            panic!(
                "{case:?}: frame {i} differs from the reconstruction first at {plane}: ffmpeg {} core {}",
                a[pos], b[pos]
            );
        }
    }
    enc
}
