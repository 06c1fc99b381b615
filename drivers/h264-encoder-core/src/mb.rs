//! The macroblock layer (clause 7.3.5): mode decision, residual coding and reconstruction,
//! and the macroblock syntax (mb_type, prediction modes, motion vector differences,
//! coded_block_pattern, mb_qp_delta, residual) for I_NxN (Intra_4x4), I_16x16, P_L0_16x16,
//! P_8x8 (four P_L0_8x8 sub-macroblocks) and P_Skip.

use crate::bitstream::BitWriter;
use crate::cavlc::{cbp_code, residual_block};
use crate::frame::{Enc, MbCtx, SliceState};
use crate::inter::{mc_chroma, mc_luma, pred_16x16, pred_8x8, pred_skip, Search};
use crate::intra::{chroma_available, i16_available, i4_available, pred16, pred4, pred_chroma, Edge, Edge4};
use crate::mbinfo::{MbInfo, MbKind, Mv, MB_INFO_BYTES};
use crate::source::SrcMb;
use crate::transform::{
    chroma_qp, copy4x4, decimate_score, dequant4x4, dequant_chroma_dc, dequant_luma_dc, fdct4x4, idct4x4_add, quant4x4,
    quant_chroma_dc, quant_luma_dc, sad, satd,
};

/// Lambda for SATD-domain costs by QP (about 0.85 * 2^((QP - 12) / 6)).
const LAMBDA: [u32; 52] = [
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9, 10, 11, 12, 14,
    15, 17, 19, 22, 24, 27, 31, 34, 38, 43, 48, 54, 61, 69, 77,
];

/// Lambda for SSD-domain costs by QP in 1/16 units (about 0.85 * 2^((QP - 12) / 3)).
const LAMBDA_RD: [u32; 52] = [
    1, 1, 1, 2, 2, 3, 3, 4, 5, 7, 9, 11, 14, 17, 22, 27, 34, 43, 54, 69, 86, 109, 137, 173, 218, 274, 345, 435, 548,
    691, 870, 1097, 1382, 1741, 2193, 2763, 3482, 4387, 5527, 6963, 8773, 11053, 13926, 17546, 22107, 27853, 35092,
    44214, 55706, 70185, 88427, 111411,
];

/// Raster 4x4 block position (x, y) of each luma4x4BlkIdx (6.4.3).
const BLK_XY: [(usize, usize); 16] = [
    (0, 0),
    (1, 0),
    (0, 1),
    (1, 1),
    (2, 0),
    (3, 0),
    (2, 1),
    (3, 1),
    (0, 2),
    (1, 2),
    (0, 3),
    (1, 3),
    (2, 2),
    (3, 2),
    (2, 3),
    (3, 3),
];

/// The prediction a macroblock uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pred {
    I16(u8),
    I4,
    P16(Mv),
    P8([Mv; 4]),
    Skip(Mv),
}

/// Everything needed to write a macroblock and to record it.
struct MbCode {
    pred: Pred,
    modes: [u8; 16],
    chroma_mode: u8,
    cbp: u8,
    dc: [i16; 16],
    ac: [[i16; 16]; 16],
    cdc: [[i16; 4]; 2],
    cac: [[i16; 16]; 8],
    nz: [u8; 16],
    nzc: [u8; 8],
}

/// A coded macroblock candidate of the mode decision.
struct Cand {
    code: MbCode,
    wk: Work,
    /// SAD between the source luma and the candidate's prediction.
    sad: u32,
}

impl Cand {
    fn new() -> Self {
        Cand {
            code: MbCode {
                pred: Pred::I16(0),
                modes: [2; 16],
                chroma_mode: 0,
                cbp: 0,
                dc: [0; 16],
                ac: [[0; 16]; 16],
                cdc: [[0; 4]; 2],
                cac: [[0; 16]; 8],
                nz: [0; 16],
                nzc: [0; 8],
            },
            wk: Work { pred: [0; 256], pu: [0; 64], pv: [0; 64], rec: [0; 256], ru: [0; 64], rv: [0; 64] },
            sad: 0,
        }
    }

    /// Clears the coded state for a new candidate predicted by `pred`.
    fn reset(&mut self, pred: Pred) {
        let c = &mut self.code;
        c.pred = pred;
        c.modes = [2; 16];
        c.chroma_mode = 0;
        c.cbp = 0;
        c.dc = [0; 16];
        c.ac = [[0; 16]; 16];
        c.cdc = [[0; 4]; 2];
        c.cac = [[0; 16]; 8];
        c.nz = [0; 16];
        c.nzc = [0; 8];
        self.sad = 0;
    }
}

fn ssd(a: &[u8], b: &[u8]) -> u64 {
    a.iter().zip(b).map(|(&x, &y)| (u32::from(x.abs_diff(y))).pow(2) as u64).sum()
}

/// Unfiltered neighbour samples of the macroblock's luma.
struct LumaEdge {
    top: [u8; 20],
    left: [u8; 16],
    tl: u8,
    has_top: bool,
    has_left: bool,
    has_tl: bool,
}

/// The current macroblock's prediction and reconstruction.
struct Work {
    pred: [u8; 256],
    pu: [u8; 64],
    pv: [u8; 64],
    rec: [u8; 256],
    ru: [u8; 64],
    rv: [u8; 64],
}

impl Enc<'_> {
    fn luma_edge(&self, c: &MbCtx) -> LumaEdge {
        let (w, x0, y0) = (self.w, c.mbx * 16, c.mby * 16);
        let mut e = LumaEdge {
            top: [0; 20],
            left: [0; 16],
            tl: 0,
            has_top: c.n.b.is_some(),
            has_left: c.n.a.is_some(),
            has_tl: c.n.d.is_some(),
        };
        if e.has_top {
            let o = (y0 - 1) * w + x0;
            e.top[..16].copy_from_slice(&self.y[o..o + 16]);
            if c.n.c.is_some() {
                e.top[16..].copy_from_slice(&self.y[o + 16..o + 20]);
            } else {
                let v = e.top[15];
                e.top[16..].fill(v);
            }
        }
        if e.has_left {
            for (i, l) in e.left.iter_mut().enumerate() {
                *l = self.y[(y0 + i) * w + x0 - 1];
            }
        }
        if e.has_tl {
            e.tl = self.y[(y0 - 1) * w + x0 - 1];
        }
        e
    }

    fn chroma_edge(&self, c: &MbCtx, plane: usize) -> Edge<8> {
        let p: &[u8] = if plane == 0 { self.u } else { self.v };
        let (w, x0, y0) = (self.w / 2, c.mbx * 8, c.mby * 8);
        let mut e = Edge {
            top: [0; 8],
            left: [0; 8],
            top_left: 0,
            has_top: c.n.b.is_some(),
            has_left: c.n.a.is_some(),
            has_top_left: c.n.d.is_some(),
        };
        if e.has_top {
            e.top.copy_from_slice(&p[(y0 - 1) * w + x0..(y0 - 1) * w + x0 + 8]);
        }
        if e.has_left {
            for (i, l) in e.left.iter_mut().enumerate() {
                *l = p[(y0 + i) * w + x0 - 1];
            }
        }
        if e.has_top_left {
            e.top_left = p[(y0 - 1) * w + x0 - 1];
        }
        e
    }

    /// Decides, codes, writes and records one macroblock.
    pub(crate) fn encode_mb(&mut self, bw: &mut BitWriter, c: &MbCtx, src: &SrcMb, st: &mut SliceState) {
        let lambda = LAMBDA[usize::from(c.qp)];
        let lambda_rd = u64::from(LAMBDA_RD[usize::from(c.qp)]);
        let mut best = Cand::new();
        let mut cand = Cand::new();
        let le = self.luma_edge(c);
        if self.p_slice {
            if let Some(s) = self.try_skip(c, src, &mut best.wk) {
                best.code.pred = Pred::Skip(s);
                best.wk.rec = best.wk.pred;
                best.wk.ru = best.wk.pu;
                best.wk.rv = best.wk.pv;
                best.sad = sad(&src.y, 16, &best.wk.pred, 16, 16, 16);
                self.stats.sad += u64::from(best.sad);
                self.finish_mb(bw, c, &best.code, &best.wk, st);
                return;
            }
        }
        // Rate-distortion decision: every candidate is coded and costs the SSD of its
        // reconstruction plus lambda times its bits.
        let mut best_j = u64::MAX;
        let mut inter_cost = u32::MAX;
        if self.p_slice {
            let (mv16, cost16, p8) = self.search_inter(c, src, lambda);
            inter_cost = cost16.min(p8.map_or(u32::MAX, |p| p.1));
            let skip_mv = pred_skip(&c.n);
            // P_Skip leaving its residual uncoded.
            cand.reset(Pred::Skip(skip_mv));
            self.predict_inter(c, Pred::Skip(skip_mv), &mut cand.wk);
            cand.wk.rec = cand.wk.pred;
            cand.wk.ru = cand.wk.pu;
            cand.wk.rv = cand.wk.pv;
            cand.sad = sad(&src.y, 16, &cand.wk.pred, 16, 16, 16);
            self.consider(c, src, st, lambda_rd, &mut cand, &mut best, &mut best_j);
            cand.reset(Pred::P16(mv16));
            self.code_inter(c, src, &mut cand, skip_mv);
            self.consider(c, src, st, lambda_rd, &mut cand, &mut best, &mut best_j);
            if let Some((mvs, _)) = p8 {
                cand.reset(Pred::P8(mvs));
                self.code_inter(c, src, &mut cand, skip_mv);
                self.consider(c, src, st, lambda_rd, &mut cand, &mut best, &mut best_j);
            }
        }
        // Intra candidates of a P macroblock are coded when their SATD estimate comes within
        // 25 % of the inter one.
        let (i16_mode, i16_cost) = best_i16(&le, src, lambda);
        if !self.p_slice || u64::from(i16_cost) * 4 < u64::from(inter_cost) * 5 {
            cand.reset(Pred::I16(i16_mode));
            cand.sad = self.code_intra(c, &le, src, &mut cand.code, &mut cand.wk, 0);
            self.consider(c, src, st, lambda_rd, &mut cand, &mut best, &mut best_j);
            cand.reset(Pred::I4);
            let (_, sad4) = self.code_i4(c, &le, src, &mut cand.code, &mut cand.wk, lambda);
            cand.sad = self.code_intra(c, &le, src, &mut cand.code, &mut cand.wk, sad4);
            self.consider(c, src, st, lambda_rd, &mut cand, &mut best, &mut best_j);
        }
        self.stats.sad += u64::from(best.sad);
        self.finish_mb(bw, c, &best.code, &best.wk, st);
    }

    /// Inter prediction and residual coding of a P_L0_16x16 or P_8x8 candidate (a 16x16
    /// vector equal to the skip vector without residual becomes P_Skip).
    fn code_inter(&self, c: &MbCtx, src: &SrcMb, cand: &mut Cand, skip_mv: Mv) {
        let (code, wk) = (&mut cand.code, &mut cand.wk);
        self.predict_inter(c, code.pred, wk);
        cand.sad = sad(&src.y, 16, &wk.pred, 16, 16, 16);
        let cbp_l = code_luma_inter(src, wk, c.qp, code);
        let cbp_c = code_chroma(src, wk, c.qp, false, code);
        code.cbp = cbp_l | (cbp_c << 4);
        if code.cbp == 0 && code.pred == Pred::P16(skip_mv) {
            code.pred = Pred::Skip(skip_mv);
        }
    }

    /// Rate-distortion cost of a coded candidate (SSD of the reconstruction plus lambda times
    /// its bits); it becomes `best` when cheaper.
    fn consider(
        &self,
        c: &MbCtx,
        src: &SrcMb,
        st: &SliceState,
        lambda_rd: u64,
        cand: &mut Cand,
        best: &mut Cand,
        best_j: &mut u64,
    ) {
        let mut counter = BitWriter::new(&mut []);
        let mut s = SliceState { qp_pred: st.qp_pred, skip_run: st.skip_run };
        let mut res = 0;
        write_mb(&mut counter, c, &cand.code, &mut s, self.p_slice, &mut res);
        // A skipped macroblock costs about one bit of mb_skip_run.
        let bits = counter.bits().max(1);
        let d = ssd(&src.y, &cand.wk.rec) + ssd(&src.u, &cand.wk.ru) + ssd(&src.v, &cand.wk.rv);
        let j = 16 * d + lambda_rd * bits;
        if j < *best_j {
            *best_j = j;
            core::mem::swap(best, cand);
        }
    }

    /// Intra coding of the chosen intra prediction (Intra_4x4 is already coded in `code`).
    fn code_intra(&self, c: &MbCtx, le: &LumaEdge, src: &SrcMb, code: &mut MbCode, wk: &mut Work, i4_sad: u32) -> u32 {
        let mut sad_luma = i4_sad;
        let cbp_l = match code.pred {
            Pred::I16(mode) => {
                code.modes = [2; 16];
                pred16(mode, &edge16(le), &mut wk.pred);
                sad_luma = sad(&src.y, 16, &wk.pred, 16, 16, 16);
                code_luma_i16(src, wk, c.qp, code)
            }
            _ => cbp_of(&code.nz),
        };
        let eu = self.chroma_edge(c, 0);
        let ev = self.chroma_edge(c, 1);
        code.chroma_mode = best_chroma(&eu, &ev, src);
        pred_chroma(code.chroma_mode, &eu, &mut wk.pu);
        pred_chroma(code.chroma_mode, &ev, &mut wk.pv);
        let cbp_c = code_chroma(src, wk, c.qp, true, code);
        code.cbp = cbp_l | (cbp_c << 4);
        sad_luma
    }

    /// P_Skip when the skip prediction leaves nothing to code at this QP.
    fn try_skip(&self, c: &MbCtx, src: &SrcMb, wk: &mut Work) -> Option<Mv> {
        let mv = pred_skip(&c.n);
        self.predict_inter(c, Pred::Skip(mv), wk);
        let qpc = chroma_qp(c.qp);
        let (mut ac, mut nz) = ([[0i16; 16]; 16], [0u8; 16]);
        quant_luma_inter(src, &wk.pred, c.qp, &mut ac, &mut nz);
        if nz.iter().any(|&n| n > 0) {
            return None;
        }
        let mut l = [0i16; 16];
        for (s, p) in [(&src.u, &wk.pu), (&src.v, &wk.pv)] {
            let mut dc = [0i32; 4];
            let mut score = 0;
            for (blk, d) in dc.iter_mut().enumerate() {
                let o = (blk >> 1) * 32 + (blk & 1) * 4;
                let coef = fdct4x4(&s[o..], 8, &p[o..], 8);
                *d = coef[0];
                quant4x4(&coef, qpc, false, true, &mut l);
                score += decimate_score(&l[1..]);
            }
            let mut q = [0i16; 4];
            if score >= 7 || quant_chroma_dc(&dc, qpc, false, &mut q) > 0 {
                return None;
            }
        }
        Some(mv)
    }

    /// Motion search: 16x16, then four 8x8 partitions when they cost less.
    fn search_inter(&self, c: &MbCtx, src: &SrcMb, lambda: u32) -> (Mv, u32, Option<([Mv; 4], u32)>) {
        let Some(rf) = self.rf.as_ref() else { return (Mv::ZERO, u32::MAX, None) };
        let (px, py) = ((c.mbx * 16) as i32, (c.mby * 16) as i32);
        let pmv = pred_16x16(&c.n);
        let mut cands = [pmv, pred_skip(&c.n), Mv::ZERO, Mv::ZERO, Mv::ZERO, Mv::ZERO];
        let mut nc = 2;
        // Temporal candidates: the co-located macroblock and the one below it in the reference.
        for mb in [c.mb, c.mb + self.mbw] {
            if let Some(m) = rf.info.get(mb * MB_INFO_BYTES..(mb + 1) * MB_INFO_BYTES).map(MbInfo::read) {
                if !m.kind.is_intra() {
                    cands[nc] = m.mv[0];
                    nc += 1;
                }
            }
        }
        for m in [c.n.a, c.n.b].into_iter().flatten() {
            if !m.kind.is_intra() {
                cands[nc] = m.mv[0];
                nc += 1;
            }
        }
        let s = Search { rf, src: &src.y, bw: 16, bh: 16, px, py, pred: pmv, range: self.range, lambda };
        let (mv16, cost16) = s.run(&cands[..nc]);
        let cost16 = cost16 + lambda;
        let mut cur = [None; 4];
        let mut mvs = [Mv::ZERO; 4];
        let mut cost8 = 8 * lambda;
        for k in 0..4 {
            let (x8, y8) = ((k & 1) * 8, (k >> 1) * 8);
            let pred = pred_8x8(&c.n, &cur, k);
            let s = Search {
                rf,
                src: &src.y[y8 * 16 + x8..],
                bw: 8,
                bh: 8,
                px: px + x8 as i32,
                py: py + y8 as i32,
                pred,
                range: self.range,
                lambda,
            };
            let (mv, cost) = s.run(&[mv16, pred]);
            cost8 += cost;
            mvs[k] = mv;
            cur[k] = Some(mv);
            if cost8 >= cost16 + cost16 / 4 {
                return (mv16, cost16, None);
            }
        }
        (mv16, cost16, Some((mvs, cost8)))
    }

    /// Inter prediction of luma and chroma for 16x16, 8x8 or skip vectors.
    fn predict_inter(&self, c: &MbCtx, p: Pred, wk: &mut Work) {
        let Some(rf) = self.rf.as_ref() else { return };
        let mvs = match p {
            Pred::P16(mv) | Pred::Skip(mv) => [mv; 4],
            Pred::P8(m) => m,
            _ => return,
        };
        let (px, py) = ((c.mbx * 16) as i32, (c.mby * 16) as i32);
        let (cw, ch) = (rf.w / 2, rf.h / 2);
        if mvs.iter().all(|m| *m == mvs[0]) {
            mc_luma(rf, px, py, mvs[0], 16, 16, &mut wk.pred);
            mc_chroma(rf.u, cw, ch, px / 2, py / 2, mvs[0], 8, 8, &mut wk.pu);
            mc_chroma(rf.v, cw, ch, px / 2, py / 2, mvs[0], 8, 8, &mut wk.pv);
            return;
        }
        for (k, mv) in mvs.iter().enumerate() {
            let (x8, y8) = ((k & 1) * 8, (k >> 1) * 8);
            mc_luma(rf, px + x8 as i32, py + y8 as i32, *mv, 8, 8, &mut wk.pred[y8 * 16 + x8..]);
            let (cx, cy) = (px / 2 + x8 as i32 / 2, py / 2 + y8 as i32 / 2);
            mc_chroma(rf.u, cw, ch, cx, cy, *mv, 4, 4, &mut wk.pu[y8 / 2 * 8 + x8 / 2..]);
            mc_chroma(rf.v, cw, ch, cx, cy, *mv, 4, 4, &mut wk.pv[y8 / 2 * 8 + x8 / 2..]);
        }
    }

    /// Intra_4x4: mode decision and coding block by block (each block predicts from the
    /// reconstruction of the previous ones). Returns the cost and the SAD of the prediction;
    /// fills `code` and `wk.rec`.
    fn code_i4(
        &self,
        c: &MbCtx,
        le: &LumaEdge,
        src: &SrcMb,
        code: &mut MbCode,
        wk: &mut Work,
        lambda: u32,
    ) -> (u32, u32) {
        let mut cost = 24 * lambda;
        let mut p = [0u8; 16];
        let mut best_p = [0u8; 16];
        code.pred = Pred::I4;
        for &(bx, by) in BLK_XY.iter() {
            let e = edge4(le, &wk.rec, bx, by);
            let pm = pred_i4_mode(c, &code.modes, bx, by);
            let o = by * 64 + bx * 4;
            let mut best = (u32::MAX, 2u8);
            for mode in 0..9u8 {
                if !i4_available(mode, &e) {
                    continue;
                }
                pred4(mode, &e, &mut p);
                let s = satd(&src.y[o..], 16, &p, 4, 4, 4) + lambda * if mode == pm { 1 } else { 4 };
                if s < best.0 {
                    best = (s, mode);
                    best_p = p;
                }
            }
            cost += best.0;
            let b = by * 4 + bx;
            code.modes[b] = best.1;
            for y in 0..4 {
                wk.pred[o + y * 16..o + y * 16 + 4].copy_from_slice(&best_p[y * 4..y * 4 + 4]);
            }
            let coef = fdct4x4(&src.y[o..], 16, &best_p, 4);
            let nz = quant4x4(&coef, c.qp, true, false, &mut code.ac[b]);
            code.nz[b] = nz as u8;
            if nz > 0 {
                idct4x4_add(&dequant4x4(&code.ac[b], c.qp, None), &best_p, 4, &mut wk.rec[o..], 16);
            } else {
                copy4x4(&best_p, 4, &mut wk.rec[o..], 16);
            }
        }
        (cost, sad(&src.y, 16, &wk.pred, 16, 16, 16))
    }

    /// Writes the macroblock, updates QP prediction and statistics, stores samples and side info.
    fn finish_mb(&mut self, bw: &mut BitWriter, c: &MbCtx, code: &MbCode, wk: &Work, st: &mut SliceState) {
        let qp = write_mb(bw, c, code, st, self.p_slice, &mut self.stats.residual_bits);
        let (kind, mv) = match code.pred {
            Pred::I16(_) => (MbKind::Intra16, [Mv::ZERO; 4]),
            Pred::I4 => (MbKind::Intra4, [Mv::ZERO; 4]),
            Pred::P16(m) => (MbKind::Inter, [m; 4]),
            Pred::P8(m) => (MbKind::Inter, m),
            Pred::Skip(m) => (MbKind::Skip, [m; 4]),
        };
        if kind.is_intra() {
            self.stats.intra_mbs += 1;
        }
        if kind == MbKind::Skip {
            self.stats.skip_mbs += 1;
        }
        self.stats.qp_sum += u32::from(qp);
        let info = MbInfo { kind, qp, nz: code.nz, nzc: code.nzc, modes: code.modes, mv };
        self.store.set(c.mb, &info);
        let (w, x0, y0) = (self.w, c.mbx * 16, c.mby * 16);
        for y in 0..16 {
            self.y[(y0 + y) * w + x0..(y0 + y) * w + x0 + 16].copy_from_slice(&wk.rec[y * 16..y * 16 + 16]);
        }
        let (cw, cx, cy) = (w / 2, c.mbx * 8, c.mby * 8);
        for y in 0..8 {
            self.u[(cy + y) * cw + cx..(cy + y) * cw + cx + 8].copy_from_slice(&wk.ru[y * 8..y * 8 + 8]);
            self.v[(cy + y) * cw + cx..(cy + y) * cw + cx + 8].copy_from_slice(&wk.rv[y * 8..y * 8 + 8]);
        }
    }
}

fn edge16(le: &LumaEdge) -> Edge<16> {
    let mut top = [0u8; 16];
    top.copy_from_slice(&le.top[..16]);
    Edge { top, left: le.left, top_left: le.tl, has_top: le.has_top, has_left: le.has_left, has_top_left: le.has_tl }
}

/// Best Intra_16x16 mode by SATD.
fn best_i16(le: &LumaEdge, src: &SrcMb, lambda: u32) -> (u8, u32) {
    let e = edge16(le);
    let mut p = [0u8; 256];
    let mut best = (2, u32::MAX);
    for mode in 0..4 {
        if !i16_available(mode, &e) {
            continue;
        }
        pred16(mode, &e, &mut p);
        let cost = satd(&src.y, 16, &p, 16, 16, 16) + lambda * 4;
        if cost < best.1 {
            best = (mode, cost);
        }
    }
    best
}

/// Best chroma mode by SATD over both planes.
fn best_chroma(eu: &Edge<8>, ev: &Edge<8>, src: &SrcMb) -> u8 {
    let (mut pu, mut pv) = ([0u8; 64], [0u8; 64]);
    let mut best = (0, u32::MAX);
    for mode in 0..4 {
        if !chroma_available(mode, eu) {
            continue;
        }
        pred_chroma(mode, eu, &mut pu);
        pred_chroma(mode, ev, &mut pv);
        let cost = satd(&src.u, 8, &pu, 8, 8, 8) + satd(&src.v, 8, &pv, 8, 8, 8);
        if cost < best.1 {
            best = (mode, cost);
        }
    }
    best.0
}

/// Neighbour samples of 4x4 block (bx, by) from the macroblock edge and the blocks coded so far.
fn edge4(le: &LumaEdge, rec: &[u8; 256], bx: usize, by: usize) -> Edge4 {
    let has_top = by > 0 || le.has_top;
    let has_left = bx > 0 || le.has_left;
    let has_top_left = match (bx > 0, by > 0) {
        (true, true) => true,
        (false, true) => le.has_left,
        (true, false) => le.has_top,
        (false, false) => le.has_tl,
    };
    let mut top = [0u8; 8];
    if by == 0 {
        top.copy_from_slice(&le.top[bx * 4..bx * 4 + 8]);
    } else {
        let o = (by * 4 - 1) * 16 + bx * 4;
        top[..4].copy_from_slice(&rec[o..o + 4]);
        let tr = !(bx == 3 || (bx == 1 && (by == 1 || by == 3)));
        if tr {
            top[4..].copy_from_slice(&rec[o + 4..o + 8]);
        } else {
            let v = top[3];
            top[4..].fill(v);
        }
    }
    let mut left = [0u8; 4];
    for (i, l) in left.iter_mut().enumerate() {
        *l = if bx == 0 { le.left[by * 4 + i] } else { rec[(by * 4 + i) * 16 + bx * 4 - 1] };
    }
    let top_left = match (bx > 0, by > 0) {
        (true, true) => rec[(by * 4 - 1) * 16 + bx * 4 - 1],
        (false, true) => le.left[by * 4 - 1],
        (true, false) => le.top[bx * 4 - 1],
        (false, false) => le.tl,
    };
    Edge4 { top, left, top_left, has_top, has_left, has_top_left }
}

/// predIntra4x4PredMode of block (bx, by) (8.3.1.1).
fn pred_i4_mode(c: &MbCtx, modes: &[u8; 16], bx: usize, by: usize) -> u8 {
    let a = if bx > 0 { Some(modes[by * 4 + bx - 1]) } else { c.n.a.map(|m| m.modes[by * 4 + 3]) };
    let b = if by > 0 { Some(modes[(by - 1) * 4 + bx]) } else { c.n.b.map(|m| m.modes[12 + bx]) };
    match (a, b) {
        (Some(a), Some(b)) => a.min(b),
        _ => 2,
    }
}

fn cbp_of(nz: &[u8; 16]) -> u8 {
    let mut cbp = 0;
    for b8 in 0..4 {
        let (x, y) = ((b8 & 1) * 2, (b8 >> 1) * 2);
        if nz[y * 4 + x] | nz[y * 4 + x + 1] | nz[y * 4 + x + 4] | nz[y * 4 + x + 5] != 0 {
            cbp |= 1 << b8;
        }
    }
    cbp
}

/// Intra_16x16 residual: DC through the Hadamard path, AC per block; reconstruction.
fn code_luma_i16(src: &SrcMb, wk: &mut Work, qp: u8, code: &mut MbCode) -> u8 {
    let mut coefs = [[0i32; 16]; 16];
    let mut dc = [0i32; 16];
    for b in 0..16 {
        let o = (b / 4) * 64 + (b % 4) * 4;
        coefs[b] = fdct4x4(&src.y[o..], 16, &wk.pred[o..], 16);
        dc[b] = coefs[b][0];
    }
    quant_luma_dc(&dc, qp, &mut code.dc);
    let mut any = false;
    for b in 0..16 {
        let nz = quant4x4(&coefs[b], qp, true, true, &mut code.ac[b]);
        code.nz[b] = nz as u8;
        any |= nz > 0;
    }
    let dcy = dequant_luma_dc(&code.dc, qp);
    for b in 0..16 {
        let o = (b / 4) * 64 + (b % 4) * 4;
        idct4x4_add(&dequant4x4(&code.ac[b], qp, Some(dcy[b])), &wk.pred[o..], 16, &mut wk.rec[o..], 16);
    }
    if any {
        15
    } else {
        0
    }
}

/// Quantised inter luma levels with decimation: an 8x8 block scoring below 4 and a
/// macroblock scoring below 6 drop their levels. Returns the macroblock's score.
fn quant_luma_inter(src: &SrcMb, pred: &[u8; 256], qp: u8, ac: &mut [[i16; 16]; 16], nz: &mut [u8; 16]) -> u32 {
    let mut total = 0;
    for b8 in 0..4 {
        let mut score = 0;
        for sub in 0..4 {
            let b = ((b8 >> 1) * 2 + (sub >> 1)) * 4 + (b8 & 1) * 2 + (sub & 1);
            let o = (b / 4) * 64 + (b % 4) * 4;
            let coef = fdct4x4(&src.y[o..], 16, &pred[o..], 16);
            nz[b] = quant4x4(&coef, qp, false, false, &mut ac[b]) as u8;
            score += decimate_score(&ac[b]);
        }
        if score < 4 {
            for sub in 0..4 {
                let b = ((b8 >> 1) * 2 + (sub >> 1)) * 4 + (b8 & 1) * 2 + (sub & 1);
                ac[b] = [0; 16];
                nz[b] = 0;
            }
        } else {
            total += score;
        }
    }
    if total < 6 {
        *ac = [[0; 16]; 16];
        *nz = [0; 16];
    }
    total
}

/// Inter luma residual: 4x4 blocks; returns the luma coded_block_pattern.
fn code_luma_inter(src: &SrcMb, wk: &mut Work, qp: u8, code: &mut MbCode) -> u8 {
    quant_luma_inter(src, &wk.pred, qp, &mut code.ac, &mut code.nz);
    for b in 0..16 {
        let o = (b / 4) * 64 + (b % 4) * 4;
        if code.nz[b] > 0 {
            idct4x4_add(&dequant4x4(&code.ac[b], qp, None), &wk.pred[o..], 16, &mut wk.rec[o..], 16);
        } else {
            copy4x4(&wk.pred[o..], 16, &mut wk.rec[o..], 16);
        }
    }
    cbp_of(&code.nz)
}

/// Chroma residual of both planes (DC 2x2 Hadamard + AC); returns the chroma cbp (0, 1, 2).
fn code_chroma(src: &SrcMb, wk: &mut Work, qp: u8, intra: bool, code: &mut MbCode) -> u8 {
    let qpc = chroma_qp(qp);
    let (mut any_dc, mut any_ac) = (false, false);
    for c in 0..2 {
        let (s, p) = if c == 0 { (&src.u, &wk.pu) } else { (&src.v, &wk.pv) };
        let mut dc = [0i32; 4];
        for blk in 0..4 {
            let o = (blk >> 1) * 32 + (blk & 1) * 4;
            let coef = fdct4x4(&s[o..], 8, &p[o..], 8);
            dc[blk] = coef[0];
            let nz = quant4x4(&coef, qpc, intra, true, &mut code.cac[c * 4 + blk]);
            code.nzc[c * 4 + blk] = nz as u8;
            any_ac |= nz > 0;
        }
        any_dc |= quant_chroma_dc(&dc, qpc, intra, &mut code.cdc[c]) > 0;
    }
    if !intra {
        // Inter chroma AC decimation, per plane.
        for c in 0..2 {
            let score: u32 = (0..4).map(|b| decimate_score(&code.cac[c * 4 + b][1..])).sum();
            if score < 7 {
                for b in 0..4 {
                    code.cac[c * 4 + b] = [0; 16];
                    code.nzc[c * 4 + b] = 0;
                }
            }
        }
        any_ac = code.nzc.iter().any(|&n| n > 0);
    }
    if !any_ac {
        code.cac = [[0; 16]; 8];
        code.nzc = [0; 8];
    }
    for c in 0..2 {
        let dcc = dequant_chroma_dc(&code.cdc[c], qpc);
        let (p, r) = if c == 0 { (&wk.pu, &mut wk.ru) } else { (&wk.pv, &mut wk.rv) };
        for blk in 0..4 {
            let o = (blk >> 1) * 32 + (blk & 1) * 4;
            idct4x4_add(&dequant4x4(&code.cac[c * 4 + blk], qpc, Some(dcc[blk])), &p[o..], 8, &mut r[o..], 8);
        }
    }
    if any_ac {
        2
    } else {
        u8::from(any_dc)
    }
}

/// nC of luma block (bx, by) (9.2.1).
fn nc_luma(c: &MbCtx, nz: &[u8; 16], bx: usize, by: usize) -> i32 {
    let a = if bx > 0 { Some(nz[by * 4 + bx - 1]) } else { c.n.a.map(|m| m.nz[by * 4 + 3]) };
    let b = if by > 0 { Some(nz[(by - 1) * 4 + bx]) } else { c.n.b.map(|m| m.nz[12 + bx]) };
    nc_of(a, b)
}

/// nC of chroma AC block (cx, cy) of plane `p`.
fn nc_chroma(c: &MbCtx, nzc: &[u8; 8], p: usize, cx: usize, cy: usize) -> i32 {
    let a = if cx > 0 { Some(nzc[p * 4 + cy * 2]) } else { c.n.a.map(|m| m.nzc[p * 4 + cy * 2 + 1]) };
    let b = if cy > 0 { Some(nzc[p * 4 + cx]) } else { c.n.b.map(|m| m.nzc[p * 4 + 2 + cx]) };
    nc_of(a, b)
}

fn nc_of(a: Option<u8>, b: Option<u8>) -> i32 {
    match (a, b) {
        (Some(a), Some(b)) => (i32::from(a) + i32::from(b) + 1) >> 1,
        (Some(a), None) => a.into(),
        (None, Some(b)) => b.into(),
        (None, None) => 0,
    }
}

/// Writes the macroblock syntax; returns the macroblock's QP_Y.
fn write_mb(bw: &mut BitWriter, c: &MbCtx, code: &MbCode, st: &mut SliceState, p_slice: bool, res: &mut u64) -> u8 {
    if let Pred::Skip(_) = code.pred {
        st.skip_run += 1;
        return st.qp_pred;
    }
    if p_slice {
        bw.ue(st.skip_run);
        st.skip_run = 0;
    }
    let intra_off = if p_slice { 5 } else { 0 };
    let cbp = code.cbp;
    match code.pred {
        Pred::I16(mode) => {
            let t = 1 + u32::from(mode) + 4 * u32::from(cbp >> 4) + if cbp & 15 != 0 { 12 } else { 0 };
            bw.ue(t + intra_off);
            bw.ue(code.chroma_mode.into());
        }
        Pred::I4 => {
            bw.ue(intra_off);
            for &(bx, by) in BLK_XY.iter() {
                let mode = code.modes[by * 4 + bx];
                let pm = pred_i4_mode(c, &code.modes, bx, by);
                if mode == pm {
                    bw.flag(true);
                } else {
                    bw.flag(false);
                    bw.put(3, u32::from(if mode < pm { mode } else { mode - 1 }));
                }
            }
            bw.ue(code.chroma_mode.into());
        }
        Pred::P16(mv) => {
            bw.ue(0);
            let p = pred_16x16(&c.n);
            bw.se(i32::from(mv.x) - i32::from(p.x));
            bw.se(i32::from(mv.y) - i32::from(p.y));
        }
        Pred::P8(mvs) => {
            bw.ue(3);
            for _ in 0..4 {
                bw.ue(0);
            }
            let mut cur = [None; 4];
            for k in 0..4 {
                let p = pred_8x8(&c.n, &cur, k);
                bw.se(i32::from(mvs[k].x) - i32::from(p.x));
                bw.se(i32::from(mvs[k].y) - i32::from(p.y));
                cur[k] = Some(mvs[k]);
            }
        }
        Pred::Skip(_) => {}
    }
    let i16 = matches!(code.pred, Pred::I16(_));
    if !i16 {
        bw.ue(cbp_code(cbp, code.pred == Pred::I4));
    }
    if cbp == 0 && !i16 {
        return st.qp_pred;
    }
    let mut delta = i32::from(c.qp) - i32::from(st.qp_pred);
    if delta > 25 {
        delta -= 52;
    } else if delta < -26 {
        delta += 52;
    }
    bw.se(delta);
    st.qp_pred = c.qp;
    let start = bw.bits();
    write_residual(bw, c, code, i16);
    *res += bw.bits() - start;
    c.qp
}

fn write_residual(bw: &mut BitWriter, c: &MbCtx, code: &MbCode, i16: bool) {
    let cbp = code.cbp;
    if i16 {
        residual_block(bw, &code.dc, nc_luma(c, &code.nz, 0, 0));
    }
    for (i, &(bx, by)) in BLK_XY.iter().enumerate() {
        if cbp & (1 << (i / 4)) == 0 {
            continue;
        }
        let b = by * 4 + bx;
        let nc = nc_luma(c, &code.nz, bx, by);
        let tc = if i16 { residual_block(bw, &code.ac[b][1..], nc) } else { residual_block(bw, &code.ac[b], nc) };
        debug_assert_eq!(tc, code.nz[b]);
    }
    if cbp >> 4 != 0 {
        for dc in &code.cdc {
            residual_block(bw, dc, -1);
        }
    }
    if cbp >> 4 == 2 {
        for p in 0..2 {
            for blk in 0..4 {
                let nc = nc_chroma(c, &code.nzc, p, blk & 1, blk >> 1);
                residual_block(bw, &code.cac[p * 4 + blk][1..], nc);
            }
        }
    }
}
