//! The in-loop deblocking filter (clause 8.7): per macroblock in raster order, vertical edges
//! left to right then horizontal edges top to bottom, luma and chroma; boundary strength from
//! intra coding, coefficients and motion vectors (8.7.2.1), alpha/beta/tC0 from Tables 8-16
//! and 8-17 (filter offsets 0, chroma QP from Table 8-15), the normal (bS < 4) and strong
//! (bS == 4) filters of 8.7.2.3 and 8.7.2.4.

use crate::mbinfo::{MbInfo, MbStore};
use crate::transform::chroma_qp;

/// alpha' by indexA (Table 8-16).
const ALPHA: [u8; 52] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 5, 6, 7, 8, 9, 10, 12, 13, 15, 17, 20, 22, 25, 28, 32, 36,
    40, 45, 50, 56, 63, 71, 80, 90, 101, 113, 127, 144, 162, 182, 203, 226, 255, 255,
];
/// beta' by indexB (Table 8-16).
const BETA: [u8; 52] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11,
    11, 12, 12, 13, 13, 14, 14, 15, 15, 16, 16, 17, 17, 18, 18,
];
/// tC0' by indexA for bS = 1, 2, 3 (Table 8-17).
const TC0: [[u8; 3]; 52] = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 1],
    [0, 0, 1],
    [0, 0, 1],
    [0, 0, 1],
    [0, 1, 1],
    [0, 1, 1],
    [1, 1, 1],
    [1, 1, 1],
    [1, 1, 1],
    [1, 1, 1],
    [1, 1, 2],
    [1, 1, 2],
    [1, 1, 2],
    [1, 1, 2],
    [1, 2, 3],
    [1, 2, 3],
    [2, 2, 3],
    [2, 2, 4],
    [2, 3, 4],
    [2, 3, 4],
    [3, 3, 5],
    [3, 4, 6],
    [3, 4, 6],
    [4, 5, 7],
    [4, 5, 8],
    [4, 6, 9],
    [5, 7, 10],
    [6, 8, 11],
    [6, 8, 13],
    [7, 10, 14],
    [8, 11, 16],
    [9, 12, 18],
    [10, 13, 20],
    [11, 15, 23],
    [13, 17, 25],
];

/// Boundary strength between 4x4 luma blocks `pb` of `p` and `qb` of `q` (raster indices).
fn strength(p: &MbInfo, pb: usize, q: &MbInfo, qb: usize, mb_edge: bool) -> u8 {
    if p.kind.is_intra() || q.kind.is_intra() {
        return if mb_edge { 4 } else { 3 };
    }
    if p.nz[pb] != 0 || q.nz[qb] != 0 {
        return 2;
    }
    let blk8 = |b: usize| ((b / 8) * 2) + ((b % 4) / 2);
    let (a, b) = (p.mv[blk8(pb)], q.mv[blk8(qb)]);
    u8::from((i32::from(a.x) - i32::from(b.x)).abs() >= 4 || (i32::from(a.y) - i32::from(b.y)).abs() >= 4)
}

/// Filter parameters of one edge.
#[derive(Clone, Copy)]
struct EdgeParams {
    alpha: i32,
    beta: i32,
    index_a: usize,
    chroma: bool,
}

impl EdgeParams {
    fn new(qp_p: u8, qp_q: u8, chroma: bool) -> Self {
        let (p, q) = if chroma { (chroma_qp(qp_p), chroma_qp(qp_q)) } else { (qp_p, qp_q) };
        let qav = usize::from((p + q + 1) >> 1);
        EdgeParams { alpha: ALPHA[qav].into(), beta: BETA[qav].into(), index_a: qav, chroma }
    }
}

/// Filters one line of samples across an edge: p_i at base - (i + 1) * step, q_i at base + i * step.
fn filter_line(pix: &mut [u8], base: usize, step: usize, bs: u8, e: &EdgeParams) {
    let at = |pix: &[u8], i: isize| i32::from(pix[(base as isize + i * step as isize) as usize]);
    let (p0, q0, p1, q1) = (at(pix, -1), at(pix, 0), at(pix, -2), at(pix, 1));
    if (p0 - q0).abs() >= e.alpha || (p1 - p0).abs() >= e.beta || (q1 - q0).abs() >= e.beta {
        return;
    }
    let set =
        |pix: &mut [u8], i: isize, v: i32| pix[(base as isize + i * step as isize) as usize] = v.clamp(0, 255) as u8;
    if e.chroma {
        if bs < 4 {
            let tc = i32::from(TC0[e.index_a][usize::from(bs) - 1]) + 1;
            let d = ((((q0 - p0) << 2) + (p1 - q1) + 4) >> 3).clamp(-tc, tc);
            set(pix, -1, p0 + d);
            set(pix, 0, q0 - d);
        } else {
            set(pix, -1, (2 * p1 + p0 + q1 + 2) >> 2);
            set(pix, 0, (2 * q1 + q0 + p1 + 2) >> 2);
        }
        return;
    }
    let (p2, q2) = (at(pix, -3), at(pix, 2));
    let (ap, aq) = ((p2 - p0).abs() < e.beta, (q2 - q0).abs() < e.beta);
    if bs < 4 {
        let tc0 = i32::from(TC0[e.index_a][usize::from(bs) - 1]);
        let tc = tc0 + i32::from(ap) + i32::from(aq);
        let d = ((((q0 - p0) << 2) + (p1 - q1) + 4) >> 3).clamp(-tc, tc);
        set(pix, -1, p0 + d);
        set(pix, 0, q0 - d);
        if ap {
            set(pix, -2, p1 + ((p2 + ((p0 + q0 + 1) >> 1) - (p1 << 1)) >> 1).clamp(-tc0, tc0));
        }
        if aq {
            set(pix, 1, q1 + ((q2 + ((p0 + q0 + 1) >> 1) - (q1 << 1)) >> 1).clamp(-tc0, tc0));
        }
        return;
    }
    let strong = (p0 - q0).abs() < ((e.alpha >> 2) + 2);
    let (p3, q3) = (at(pix, -4), at(pix, 3));
    if ap && strong {
        set(pix, -1, (p2 + 2 * p1 + 2 * p0 + 2 * q0 + q1 + 4) >> 3);
        set(pix, -2, (p2 + p1 + p0 + q0 + 2) >> 2);
        set(pix, -3, (2 * p3 + 3 * p2 + p1 + p0 + q0 + 4) >> 3);
    } else {
        set(pix, -1, (2 * p1 + p0 + q1 + 2) >> 2);
    }
    if aq && strong {
        set(pix, 0, (p1 + 2 * p0 + 2 * q0 + 2 * q1 + q2 + 4) >> 3);
        set(pix, 1, (p0 + q0 + q1 + q2 + 2) >> 2);
        set(pix, 2, (2 * q3 + 3 * q2 + q1 + q0 + p0 + 4) >> 3);
    } else {
        set(pix, 0, (2 * q1 + q0 + p1 + 2) >> 2);
    }
}

/// The picture planes being filtered (strides: luma `w`, chroma `w / 2`).
pub(crate) struct Planes<'a> {
    pub y: &'a mut [u8],
    pub u: &'a mut [u8],
    pub v: &'a mut [u8],
    pub w: usize,
}

/// Filters every macroblock of row `mby` (in raster order).
pub(crate) fn deblock_row(pl: &mut Planes, store: &MbStore, mbw: usize, mby: usize) {
    for mbx in 0..mbw {
        let mb = mby * mbw + mbx;
        let q = store.get(mb);
        let left = (mbx > 0).then(|| store.get(mb - 1));
        let top = (mby > 0).then(|| store.get(mb - mbw));
        deblock_mb(pl, &q, left.as_ref(), top.as_ref(), mbx, mby);
    }
}

fn deblock_mb(pl: &mut Planes, q: &MbInfo, left: Option<&MbInfo>, top: Option<&MbInfo>, mbx: usize, mby: usize) {
    // bs[dir][edge][segment]: dir 0 vertical edges (x = 4 * edge), 1 horizontal edges.
    let mut bs = [[[0u8; 4]; 4]; 2];
    for e in 0..4 {
        for s in 0..4 {
            bs[0][e][s] = match (e, left) {
                (0, None) => 0,
                (0, Some(p)) => strength(p, s * 4 + 3, q, s * 4, true),
                _ => strength(q, s * 4 + e - 1, q, s * 4 + e, false),
            };
            bs[1][e][s] = match (e, top) {
                (0, None) => 0,
                (0, Some(p)) => strength(p, 12 + s, q, s, true),
                _ => strength(q, (e - 1) * 4 + s, q, e * 4 + s, false),
            };
        }
    }
    let (w, cw) = (pl.w, pl.w / 2);
    for dir in 0..2 {
        for e in 0..4 {
            let p = if e > 0 {
                Some(q)
            } else if dir == 0 {
                left
            } else {
                top
            };
            let Some(p) = p else { continue };
            let ep = EdgeParams::new(p.qp, q.qp, false);
            for k in 0..16 {
                let b = bs[dir][e][k / 4];
                if b == 0 {
                    continue;
                }
                let (x, y) = if dir == 0 { (mbx * 16 + e * 4, mby * 16 + k) } else { (mbx * 16 + k, mby * 16 + e * 4) };
                filter_line(pl.y, y * w + x, if dir == 0 { 1 } else { w }, b, &ep);
            }
            if e % 2 == 1 {
                continue;
            }
            let ep = EdgeParams::new(p.qp, q.qp, true);
            for k in 0..8 {
                let b = bs[dir][e][k / 2];
                if b == 0 {
                    continue;
                }
                let (x, y) = if dir == 0 { (mbx * 8 + e * 2, mby * 8 + k) } else { (mbx * 8 + k, mby * 8 + e * 2) };
                let step = if dir == 0 { 1 } else { cw };
                filter_line(pl.u, y * cw + x, step, b, &ep);
                filter_line(pl.v, y * cw + x, step, b, &ep);
            }
        }
    }
}
