//! The frame loop: parameter sets, slices of whole macroblock rows (clause 7.3.4), the
//! macroblocks of each slice in raster order with `mb_skip_run` in P slices, and the
//! deblocking of each macroblock row once the row below it no longer needs its unfiltered
//! samples for intra prediction. The caller's frame buffer holds the reconstruction (the
//! next frame's reference) and the per-macroblock side information.

use crate::bitstream::BitWriter;
use crate::deblock::{deblock_row, Planes};
use crate::headers::{write_pps, write_slice_header, write_sps, SliceHeader};
use crate::inter::RefPic;
use crate::mbinfo::{MbStore, Neighbours, MB_INFO_BYTES};
use crate::source::{Source, SrcMb};
use crate::{Config, Error, FrameParams, FrameStats, FrameType};

/// Bytes of one frame buffer for a picture of `width` x `height` luma samples: the 4:2:0
/// planes of the macroblock-aligned picture followed by the side information of its
/// macroblocks. Both the reconstruction and the reference buffer have this size.
pub const fn frame_buffer_len(width: u32, height: u32) -> usize {
    let mbs = (width.div_ceil(16) * height.div_ceil(16)) as usize;
    mbs * (384 + MB_INFO_BYTES)
}

/// The planes of a frame buffer: the macroblock-aligned (coded) picture, of which the
/// top-left `Config::width` x `Config::height` samples are visible.
#[derive(Clone, Copy, Debug)]
pub struct ReconPlanes<'a> {
    /// Luma, `y_stride` bytes per row.
    pub y: &'a [u8],
    /// Cb, `c_stride` bytes per row.
    pub u: &'a [u8],
    /// Cr, `c_stride` bytes per row.
    pub v: &'a [u8],
    /// Luma row length (coded width).
    pub y_stride: usize,
    /// Chroma row length (half the coded width).
    pub c_stride: usize,
    /// Coded height in luma rows.
    pub coded_height: usize,
}

/// The planes of a frame buffer written by [`encode_frame`].
pub fn recon_planes<'a>(cfg: &Config, buf: &'a [u8]) -> Result<ReconPlanes<'a>, Error> {
    cfg.validate()?;
    let (w, h) = ((cfg.mb_width() * 16) as usize, (cfg.mb_height() * 16) as usize);
    if buf.len() < frame_buffer_len(cfg.width, cfg.height) {
        return Err(Error::FrameBufferTooSmall);
    }
    let (y, rest) = buf.split_at(w * h);
    let (u, rest) = rest.split_at(w * h / 4);
    let v = &rest[..w * h / 4];
    Ok(ReconPlanes { y, u, v, y_stride: w, c_stride: w / 2, coded_height: h })
}

/// Writes SPS and PPS alone. Returns the number of bytes written.
pub fn encode_headers(cfg: &Config, out: &mut [u8]) -> Result<usize, Error> {
    cfg.validate()?;
    let mut bw = BitWriter::new(out);
    write_sps(&mut bw, cfg);
    write_pps(&mut bw);
    if bw.overflowed() {
        return Err(Error::OutputTooSmall);
    }
    Ok(bw.bytes())
}

/// The state of one frame being encoded.
pub(crate) struct Enc<'a> {
    pub src: &'a Source<'a>,
    pub rf: Option<RefPic<'a>>,
    pub y: &'a mut [u8],
    pub u: &'a mut [u8],
    pub v: &'a mut [u8],
    pub store: MbStore<'a>,
    /// Coded luma width and height.
    pub w: usize,
    pub h: usize,
    pub mbw: usize,
    /// Visible size.
    pub vis_w: usize,
    pub vis_h: usize,
    pub p_slice: bool,
    pub range: i32,
    pub stats: FrameStats,
}

/// Per-macroblock inputs of the macroblock layer.
pub(crate) struct MbCtx {
    pub mbx: usize,
    pub mby: usize,
    pub mb: usize,
    pub n: Neighbours,
    /// QP the macroblock is coded with when it carries mb_qp_delta.
    pub qp: u8,
}

/// Running state of a slice.
pub(crate) struct SliceState {
    pub qp_pred: u8,
    pub skip_run: u32,
}

fn check_params(cfg: &Config, p: &FrameParams, reference: Option<&[u8]>) -> Result<(), Error> {
    cfg.validate()?;
    if p.qp > 51 {
        return Err(Error::InvalidParams);
    }
    let mbs = (cfg.mb_width() * cfg.mb_height()) as usize;
    if p.mb_qp_delta.is_some_and(|d| d.len() != mbs) {
        return Err(Error::InvalidParams);
    }
    if p.frame_type == FrameType::P && reference.is_none() {
        return Err(Error::InvalidParams);
    }
    if reference.is_some_and(|r| r.len() < frame_buffer_len(cfg.width, cfg.height)) {
        return Err(Error::FrameBufferTooSmall);
    }
    Ok(())
}

/// Encodes one frame of `frame_type` and `qp` from `src` into `out` (Annex B NAL units:
/// SPS and PPS first when `params.headers`, then the slices).
///
/// `recon` ([`frame_buffer_len`] bytes) receives the reconstruction, which is what a decoder
/// reconstructs, bit for bit; it is the `reference` of the next P frame (the caller swaps the
/// two buffers). A P frame needs `reference`; an IDR frame ignores it. The reference is only
/// read, so after [`Error::OutputTooSmall`] the same frame can be encoded again.
pub fn encode_frame(
    cfg: &Config,
    params: &FrameParams,
    src: &Source,
    reference: Option<&[u8]>,
    recon: &mut [u8],
    out: &mut [u8],
) -> Result<FrameStats, Error> {
    check_params(cfg, params, reference)?;
    let (vis_w, vis_h) = (cfg.width as usize, cfg.height as usize);
    src.validate(vis_w, vis_h)?;
    let len = frame_buffer_len(cfg.width, cfg.height);
    if recon.len() < len {
        return Err(Error::FrameBufferTooSmall);
    }
    let (mbw, mbh) = (cfg.mb_width() as usize, cfg.mb_height() as usize);
    let (w, h) = (mbw * 16, mbh * 16);
    let (y, rest) = recon[..len].split_at_mut(w * h);
    let (u, rest) = rest.split_at_mut(w * h / 4);
    let (v, info) = rest.split_at_mut(w * h / 4);
    let p_slice = params.frame_type == FrameType::P;
    let rf = match reference {
        Some(r) if p_slice => {
            let (ry, rest) = r.split_at(w * h);
            let (ru, rest) = rest.split_at(w * h / 4);
            let (rv, info) = rest.split_at(w * h / 4);
            Some(RefPic { y: ry, u: ru, v: rv, w, h, info })
        }
        _ => None,
    };
    let mut enc = Enc {
        src,
        rf,
        y,
        u,
        v,
        store: MbStore::new(info),
        w,
        h,
        mbw,
        vis_w,
        vis_h,
        p_slice,
        range: cfg.search_range as i32,
        stats: FrameStats::default(),
    };
    let mut bw = BitWriter::new(out);
    if params.headers {
        write_sps(&mut bw, cfg);
        write_pps(&mut bw);
    }
    enc.encode_slices(cfg, params, &mut bw)?;
    if bw.overflowed() {
        return Err(Error::OutputTooSmall);
    }
    let mut st = enc.stats;
    st.bytes = bw.bytes();
    st.total_bits = 8 * st.bytes as u64;
    st.header_bits = st.total_bits - st.residual_bits;
    Ok(st)
}

impl Enc<'_> {
    fn encode_slices(&mut self, cfg: &Config, params: &FrameParams, bw: &mut BitWriter) -> Result<(), Error> {
        let mbh = self.h / 16;
        let rows = if cfg.slice_rows == 0 { mbh } else { cfg.slice_rows as usize };
        let mut src_mb = SrcMb { y: [0; 256], u: [0; 64], v: [0; 64] };
        let mut st = SliceState { qp_pred: params.qp, skip_run: 0 };
        for mby in 0..mbh {
            let slice_top = mby - mby % rows;
            if mby == slice_top {
                let sh = SliceHeader {
                    first_mb: (mby * self.mbw) as u32,
                    idr: !self.p_slice,
                    frame_num: params.frame_num,
                    idr_pic_id: params.idr_pic_id,
                    qp: params.qp,
                    deblock: cfg.deblock,
                };
                write_slice_header(bw, &sh);
                st = SliceState { qp_pred: params.qp, skip_run: 0 };
            }
            for mbx in 0..self.mbw {
                let mb = mby * self.mbw + mbx;
                let delta = params.mb_qp_delta.map_or(0, |d| i32::from(d[mb]));
                let qp = (i32::from(params.qp) + delta).clamp(0, 51) as u8;
                let n = self.neighbours(mbx, mby, slice_top);
                self.src.load(self.vis_w, self.vis_h, mbx, mby, &mut src_mb);
                let ctx = MbCtx { mbx, mby, mb, n, qp };
                self.encode_mb(bw, &ctx, &src_mb, &mut st);
                if bw.overflowed() {
                    return Err(Error::OutputTooSmall);
                }
            }
            if mby + 1 == mbh || (mby + 1) % rows == 0 {
                if self.p_slice && st.skip_run > 0 {
                    bw.ue(st.skip_run);
                }
                bw.trailing_bits();
            }
            if cfg.deblock && mby > 0 {
                self.deblock(mby - 1);
            }
        }
        if cfg.deblock {
            self.deblock(mbh - 1);
        }
        Ok(())
    }

    fn deblock(&mut self, row: usize) {
        let mut pl = Planes { y: self.y, u: self.u, v: self.v, w: self.w };
        deblock_row(&mut pl, &self.store, self.mbw, row);
    }

    fn neighbours(&self, mbx: usize, mby: usize, slice_top: usize) -> Neighbours {
        let mb = mby * self.mbw + mbx;
        let up = mby > slice_top;
        let get = |ok: bool, dx: usize, dy: usize| ok.then(|| self.store.get(mb + dx - dy));
        Neighbours {
            a: get(mbx > 0, 0, 1),
            b: get(up, 0, self.mbw),
            c: get(up && mbx + 1 < self.mbw, 1, self.mbw),
            d: get(up && mbx > 0, 0, self.mbw + 1),
        }
    }
}
