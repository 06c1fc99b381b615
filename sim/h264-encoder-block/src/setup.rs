//! What `CTRL.START` checks and samples: the frame the registers describe, or `None` when
//! a register holds a value out of range (`CONFIG_ERROR`).

use h264_encoder::regs::*;
use h264_encoder_core::{frame_buffer_len, Config, FrameType, MAX_SEARCH_RANGE};

use crate::regfile::{frame_size, size_ok, RegFile};

/// A source plane on the bus: `len` bytes from `addr`, `stride` bytes per row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PlaneAt {
    pub addr: u32,
    pub stride: usize,
    pub len: usize,
}

/// The source picture's layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Input {
    Nv12,
    I420,
    Yuyv,
}

/// The picture part of a frame (everything but `HEADERS` = 2 has one).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Picture {
    pub frame_type: FrameType,
    pub qp: u8,
    pub frame_num: u32,
    pub idr_pic_id: u16,
    /// SPS and PPS in front of the slices.
    pub headers: bool,
    pub input: Input,
    /// The planes `input` uses, in the core's order (Y, then Cb/CbCr, then Cr).
    pub planes: [Option<PlaneAt>; 3],
    /// The QP offset map, one byte per macroblock.
    pub qp_map: Option<u32>,
    pub ref_addr: u32,
    pub recon_addr: u32,
    /// Bytes of the reference and of the reconstruction.
    pub work_size: usize,
}

/// Everything one `START` does, sampled from the registers.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FrameSetup {
    pub cfg: Config,
    pub out_addr: u32,
    pub out_size: usize,
    /// `None` for `HEADERS` = 2 (parameter sets alone).
    pub picture: Option<Picture>,
}

impl FrameSetup {
    /// Macroblocks of the picture (what the frame time grows with).
    pub(crate) fn mbs(&self) -> u32 {
        self.cfg.mb_width() * self.cfg.mb_height()
    }
}

/// The frame the registers describe, or `None` for `CONFIG_ERROR`.
pub(crate) fn frame_setup(regs: &RegFile) -> Option<FrameSetup> {
    let cfg = stream_config(regs)?;
    let out_addr = regs.get(OUT_ADDR);
    let out_size = regs.get(OUT_SIZE) as usize;
    let picture = match regs.get(HEADERS) {
        HEADERS_ONLY => None,
        h @ (HEADERS_NONE | HEADERS_BEFORE_IDR) => Some(picture(regs, &cfg, h == HEADERS_BEFORE_IDR)?),
        _ => return None,
    };
    Some(FrameSetup { cfg, out_addr, out_size, picture })
}

/// The per-stream registers as the encoder core's configuration.
fn stream_config(regs: &RegFile) -> Option<Config> {
    let (width, height) = frame_size(regs.get(FRAME_SIZE));
    if !size_ok(width, height) {
        return None;
    }
    let coding = regs.get(CODING);
    let search_range = match (coding >> CODING_SEARCH_SHIFT) & 0xFF {
        0 => 16,
        r if r <= MAX_SEARCH_RANGE => r,
        _ => return None,
    };
    let cfg = Config {
        width,
        height,
        fps_num: regs.get(FPS_NUM),
        fps_den: regs.get(FPS_DEN),
        slice_rows: regs.get(SLICE_ROWS),
        deblock: coding & CODING_NO_DEBLOCK == 0,
        search_range,
    };
    cfg.validate().ok()?;
    Some(cfg)
}

/// The per-frame registers of a picture.
fn picture(regs: &RegFile, cfg: &Config, headers: bool) -> Option<Picture> {
    let frame_type = match regs.get(FRAME_TYPE) {
        FRAME_IDR => FrameType::Idr,
        FRAME_P => FrameType::P,
        _ => return None,
    };
    let qp = u8::try_from(regs.get(QP)).ok().filter(|&qp| qp <= 51)?;
    let input = match regs.get(INPUT_FORMAT) {
        INPUT_NV12 => Input::Nv12,
        INPUT_I420 => Input::I420,
        INPUT_YUYV => Input::Yuyv,
        _ => return None,
    };
    let planes = planes(regs, input, cfg.width as usize, cfg.height as usize)?;
    let qp_map = Some(regs.get(QP_MAP)).filter(|&a| a != 0);
    Some(Picture {
        frame_type,
        qp,
        frame_num: regs.get(FRAME_NUM),
        idr_pic_id: regs.get(IDR_PIC_ID) as u16,
        headers,
        input,
        planes,
        qp_map,
        ref_addr: regs.get(REF_ADDR),
        recon_addr: regs.get(RECON_ADDR),
        work_size: frame_buffer_len(cfg.width, cfg.height),
    })
}

/// The source planes of a `w` x `h` picture: `None` if a stride is shorter than its line.
fn planes(regs: &RegFile, input: Input, w: usize, h: usize) -> Option<[Option<PlaneAt>; 3]> {
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let plane = |addr: usize, stride: usize, line: usize, rows: usize| {
        let stride = regs.get(stride) as usize;
        (stride >= line).then(|| PlaneAt { addr: regs.get(addr), stride, len: stride * (rows - 1) + line })
    };
    Some(match input {
        Input::Nv12 => [Some(plane(SRC_Y, SRC_Y_STRIDE, w, h)?), Some(plane(SRC_CB, SRC_C_STRIDE, 2 * cw, ch)?), None],
        Input::I420 => [
            Some(plane(SRC_Y, SRC_Y_STRIDE, w, h)?),
            Some(plane(SRC_CB, SRC_C_STRIDE, cw, ch)?),
            Some(plane(SRC_CR, SRC_C_STRIDE, cw, ch)?),
        ],
        Input::Yuyv => [Some(plane(SRC_Y, SRC_Y_STRIDE, 4 * cw, h)?), None, None],
    })
}
