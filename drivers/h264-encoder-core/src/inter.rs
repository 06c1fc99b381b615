//! Inter prediction: motion vector prediction (8.4.1.3, P_Skip in 8.4.1.1), fractional
//! sample interpolation (8.4.2.2: the 6-tap luma filter with quarter-sample averaging, the
//! bilinear eighth-sample chroma filter, samples outside the picture clamped to its edge),
//! and the encoder's motion search: a small-diamond integer search over candidates within
//! the search range, then half- and quarter-sample refinement.

use crate::bitstream::se_bits;
use crate::mbinfo::{Mv, Neighbours};
use crate::transform::{sad, satd};

/// A reference picture: the coded (macroblock-aligned) planes.
pub(crate) struct RefPic<'a> {
    pub y: &'a [u8],
    pub u: &'a [u8],
    pub v: &'a [u8],
    /// Luma width and height (multiples of 16); chroma planes are half of each.
    pub w: usize,
    pub h: usize,
    /// The side information the reference picture was coded with (its motion vectors are
    /// temporal search candidates).
    pub info: &'a [u8],
}

/// What a neighbouring partition contributes to motion vector prediction.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// Outside the picture or slice, or not yet coded.
    Unavailable,
    /// Available but intra (refIdx -1).
    Intra,
    /// Inter with reference index 0.
    Mv(Mv),
}

/// The partition covering luma sample (x, y) relative to the current macroblock
/// (6.4.12 at 8x8 granularity); `cur` holds the already coded 8x8 blocks of the current one.
pub(crate) fn part_at(n: &Neighbours, cur: &[Option<Mv>; 4], x: i32, y: i32) -> Part {
    let of = |m: &Option<crate::mbinfo::MbInfo>, blk: usize| match m {
        None => Part::Unavailable,
        Some(i) if i.kind.is_intra() => Part::Intra,
        Some(i) => Part::Mv(i.mv[blk]),
    };
    match (x < 0, y < 0, x > 15) {
        (true, true, _) => of(&n.d, 3),
        (true, false, _) => of(&n.a, (y as usize / 8) * 2 + 1),
        (false, true, false) => of(&n.b, 2 + x as usize / 8),
        (false, true, true) => of(&n.c, 2),
        (false, false, false) => match cur[(y as usize / 8) * 2 + x as usize / 8] {
            Some(mv) => Part::Mv(mv),
            None => Part::Unavailable,
        },
        (false, false, true) => Part::Unavailable,
    }
}

fn median(a: i16, b: i16, c: i16) -> i16 {
    a.max(b).min(a.min(b).max(c))
}

/// Median prediction (8.4.1.3.1) from neighbours A, B, C and the fallback D.
pub(crate) fn median_pred(a: Part, b: Part, c: Part, d: Part) -> Mv {
    let mut c = if c == Part::Unavailable { d } else { c };
    let mut b = b;
    if b == Part::Unavailable && c == Part::Unavailable && a != Part::Unavailable {
        b = a;
        c = a;
    }
    let parts = [a, b, c];
    let mut only = None;
    let mut count = 0;
    for p in parts {
        if let Part::Mv(mv) = p {
            count += 1;
            only = Some(mv);
        }
    }
    if count == 1 {
        return only.unwrap_or(Mv::ZERO);
    }
    let mv = parts.map(|p| if let Part::Mv(m) = p { m } else { Mv::ZERO });
    Mv { x: median(mv[0].x, mv[1].x, mv[2].x), y: median(mv[0].y, mv[1].y, mv[2].y) }
}

/// Predicted motion vector of the 16x16 partition.
pub(crate) fn pred_16x16(n: &Neighbours) -> Mv {
    let cur = [None; 4];
    median_pred(part_at(n, &cur, -1, 0), part_at(n, &cur, 0, -1), part_at(n, &cur, 16, -1), part_at(n, &cur, -1, -1))
}

/// Predicted motion vector of 8x8 block `k` given the blocks of the macroblock coded so far.
pub(crate) fn pred_8x8(n: &Neighbours, cur: &[Option<Mv>; 4], k: usize) -> Mv {
    let (x, y) = ((k as i32 & 1) * 8, (k as i32 >> 1) * 8);
    median_pred(
        part_at(n, cur, x - 1, y),
        part_at(n, cur, x, y - 1),
        part_at(n, cur, x + 8, y - 1),
        part_at(n, cur, x - 1, y - 1),
    )
}

/// Motion vector of a P_Skip macroblock (8.4.1.1).
pub(crate) fn pred_skip(n: &Neighbours) -> Mv {
    let cur = [None; 4];
    let a = part_at(n, &cur, -1, 0);
    let b = part_at(n, &cur, 0, -1);
    if a == Part::Unavailable || b == Part::Unavailable || a == Part::Mv(Mv::ZERO) || b == Part::Mv(Mv::ZERO) {
        return Mv::ZERO;
    }
    pred_16x16(n)
}

#[inline]
fn tap6(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32) -> i32 {
    a - 5 * b + 20 * (c + d) - 5 * e + f
}

#[inline]
fn clip(v: i32) -> u8 {
    v.clamp(0, 255) as u8
}

/// Copies a `cols` x `rows` window at (x0, y0) of a plane, clamping coordinates to it.
fn fetch(p: &[u8], w: usize, h: usize, x0: i32, y0: i32, cols: usize, rows: usize, win: &mut [u8], ws: usize) {
    let inside = x0 >= 0 && y0 >= 0 && x0 as usize + cols <= w && y0 as usize + rows <= h;
    for r in 0..rows {
        let dst = &mut win[r * ws..r * ws + cols];
        if inside {
            let o = (y0 as usize + r) * w + x0 as usize;
            dst.copy_from_slice(&p[o..o + cols]);
        } else {
            let yy = (y0 + r as i32).clamp(0, h as i32 - 1) as usize;
            for (c, d) in dst.iter_mut().enumerate() {
                let xx = (x0 + c as i32).clamp(0, w as i32 - 1) as usize;
                *d = p[yy * w + xx];
            }
        }
    }
}

const WS: usize = 21;

/// Luma prediction of a bw x bh block (bw, bh <= 16) at (px, py) displaced by `mv`
/// (8.4.2.2.1), into `dst` with stride 16.
pub(crate) fn mc_luma(rf: &RefPic, px: i32, py: i32, mv: Mv, bw: usize, bh: usize, dst: &mut [u8]) {
    let (ix, iy) = (px + (i32::from(mv.x) >> 2), py + (i32::from(mv.y) >> 2));
    let (fx, fy) = (mv.x & 3, mv.y & 3);
    let mut win = [0u8; WS * WS];
    fetch(rf.y, rf.w, rf.h, ix - 2, iy - 2, bw + 5, bh + 5, &mut win, WS);
    // G at block (x, y) is win[(y + 2) * WS + x + 2].
    if fx == 0 && fy == 0 {
        for y in 0..bh {
            dst[y * 16..y * 16 + bw].copy_from_slice(&win[(y + 2) * WS + 2..(y + 2) * WS + 2 + bw]);
        }
        return;
    }
    // b: horizontal half samples for block rows 0..=bh (row bh is s of the last row).
    let mut b = [0u8; 17 * 16];
    // h: vertical half samples for block columns 0..=bw (column bw is m of the last column).
    let mut h = [0u8; 16 * 17];
    // j: centre half samples.
    let mut j = [0u8; 16 * 16];
    let need_b = fx != 0 && fy != 2 || (fx == 2 && fy != 0);
    let need_h = fy != 0 && fx != 2 || (fy == 2 && fx != 0);
    let need_j = (fx == 2 && fy != 0) || (fy == 2 && fx != 0);
    if need_b {
        for y in 0..=bh {
            let r = &win[(y + 2) * WS..];
            for x in 0..bw {
                b[y * 16 + x] = clip((tap6_u8(&r[x..x + 6]) + 16) >> 5);
            }
        }
    }
    if need_h {
        for y in 0..bh {
            for x in 0..=bw {
                let c = |k: usize| i32::from(win[(y + k) * WS + x + 2]);
                h[y * 17 + x] = clip((tap6(c(0), c(1), c(2), c(3), c(4), c(5)) + 16) >> 5);
            }
        }
    }
    if need_j {
        let mut b1 = [0i16; 21 * 16];
        for wy in 0..bh + 5 {
            let r = &win[wy * WS..];
            for x in 0..bw {
                b1[wy * 16 + x] = tap6_u8(&r[x..x + 6]) as i16;
            }
        }
        for y in 0..bh {
            for x in 0..bw {
                let c = |k: usize| i32::from(b1[(y + k) * 16 + x]);
                j[y * 16 + x] = clip((tap6(c(0), c(1), c(2), c(3), c(4), c(5)) + 512) >> 10);
            }
        }
    }
    let avg = |p: u8, q: u8| ((u16::from(p) + u16::from(q) + 1) >> 1) as u8;
    for y in 0..bh {
        for x in 0..bw {
            let g = |dx: usize, dy: usize| win[(y + 2 + dy) * WS + x + 2 + dx];
            let (bb, hh, jj) = (b[y * 16 + x], h[y * 17 + x], j[y * 16 + x]);
            dst[y * 16 + x] = match (fx, fy) {
                (0, 1) => avg(g(0, 0), hh),
                (0, 2) => hh,
                (0, 3) => avg(g(0, 1), hh),
                (1, 0) => avg(g(0, 0), bb),
                (2, 0) => bb,
                (3, 0) => avg(g(1, 0), bb),
                (1, 1) => avg(bb, hh),
                (3, 1) => avg(bb, h[y * 17 + x + 1]),
                (1, 3) => avg(hh, b[(y + 1) * 16 + x]),
                (3, 3) => avg(h[y * 17 + x + 1], b[(y + 1) * 16 + x]),
                (2, 2) => jj,
                (1, 2) => avg(jj, hh),
                (3, 2) => avg(jj, h[y * 17 + x + 1]),
                (2, 1) => avg(jj, bb),
                _ => avg(jj, b[(y + 1) * 16 + x]),
            };
        }
    }
}

#[inline]
fn tap6_u8(r: &[u8]) -> i32 {
    tap6(r[0].into(), r[1].into(), r[2].into(), r[3].into(), r[4].into(), r[5].into())
}

/// Chroma prediction of a bw x bh chroma block (bw, bh <= 8) at chroma (px, py) for the
/// luma vector `mv` (8.4.2.2.2; eighth-sample units in 4:2:0), into `dst` with stride 8.
pub(crate) fn mc_chroma(p: &[u8], w: usize, h: usize, px: i32, py: i32, mv: Mv, bw: usize, bh: usize, dst: &mut [u8]) {
    let (ix, iy) = (px + (i32::from(mv.x) >> 3), py + (i32::from(mv.y) >> 3));
    let (fx, fy) = (i32::from(mv.x & 7), i32::from(mv.y & 7));
    let mut win = [0u8; 9 * 9];
    fetch(p, w, h, ix, iy, bw + 1, bh + 1, &mut win, 9);
    for y in 0..bh {
        for x in 0..bw {
            let s = |dx: usize, dy: usize| i32::from(win[(y + dy) * 9 + x + dx]);
            let v =
                (8 - fx) * (8 - fy) * s(0, 0) + fx * (8 - fy) * s(1, 0) + (8 - fx) * fy * s(0, 1) + fx * fy * s(1, 1);
            dst[y * 8 + x] = ((v + 32) >> 6) as u8;
        }
    }
}

/// Bits of a motion vector difference.
#[inline]
pub(crate) fn mvd_bits(mv: Mv, pred: Mv) -> u32 {
    se_bits(i32::from(mv.x) - i32::from(pred.x)) + se_bits(i32::from(mv.y) - i32::from(pred.y))
}

/// Largest vertical vector component in integer samples (MaxVmvR of levels 1 to 2 is
/// [-64, 63.75]; the core keeps every stream within it).
const MAX_MV_Y: i32 = 63;

/// One block's motion search problem.
pub(crate) struct Search<'a> {
    pub rf: &'a RefPic<'a>,
    /// Source block (stride 16) and its size.
    pub src: &'a [u8],
    pub bw: usize,
    pub bh: usize,
    /// Block position in the picture (luma samples).
    pub px: i32,
    pub py: i32,
    /// Predicted vector (for the cost of the difference).
    pub pred: Mv,
    /// Integer search range around the predicted vector.
    pub range: i32,
    pub lambda: u32,
}

impl Search<'_> {
    /// Integer-sample SAD cost of `mv` (integer units), or None outside the allowed area.
    fn int_cost(&self, mx: i32, my: i32) -> Option<u32> {
        let (x, y) = (self.px + mx, self.py + my);
        let (cx, cy) = ((i32::from(self.pred.x) + 2) >> 2, (i32::from(self.pred.y) + 2) >> 2);
        let lim = self.range;
        if (mx - cx).abs() > lim || (my - cy).abs() > lim || x < 0 || y < 0 || my.abs() > MAX_MV_Y {
            return None;
        }
        if x as usize + self.bw > self.rf.w || y as usize + self.bh > self.rf.h {
            return None;
        }
        let o = y as usize * self.rf.w + x as usize;
        let s = sad(self.src, 16, &self.rf.y[o..], self.rf.w, self.bw, self.bh);
        Some(s + self.lambda * mvd_bits(Mv::new(mx * 4, my * 4), self.pred))
    }

    fn sub_cost(&self, mv: Mv, buf: &mut [u8; 256]) -> u32 {
        mc_luma(self.rf, self.px, self.py, mv, self.bw, self.bh, buf);
        satd(self.src, 16, buf, 16, self.bw, self.bh) + self.lambda * mvd_bits(mv, self.pred)
    }

    /// Full search: candidates, small-diamond descent, half- then quarter-sample refinement.
    /// Returns the vector (quarter samples) and its SATD + lambda * bits cost.
    pub(crate) fn run(&self, cands: &[Mv]) -> (Mv, u32) {
        let (mut bx, mut by, mut best) = (0, 0, u32::MAX);
        for c in cands.iter().chain(core::iter::once(&Mv::ZERO)) {
            let (mx, my) = ((i32::from(c.x) + 2) >> 2, (i32::from(c.y) + 2) >> 2);
            if let Some(cost) = self.int_cost(mx, my) {
                if cost < best {
                    (bx, by, best) = (mx, my, cost);
                }
            }
        }
        for _ in 0..2 * self.range.max(1) {
            let mut moved = false;
            for (dx, dy) in [(0, -1), (-1, 0), (1, 0), (0, 1)] {
                if let Some(cost) = self.int_cost(bx + dx, by + dy) {
                    if cost < best {
                        (bx, by, best) = (bx + dx, by + dy, cost);
                        moved = true;
                    }
                }
            }
            if !moved {
                break;
            }
        }
        let mut buf = [0u8; 256];
        let mut mv = Mv::new(bx * 4, by * 4);
        let mut cost = self.sub_cost(mv, &mut buf);
        for step in [2, 1] {
            let centre = mv;
            for (dx, dy) in [(-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1)] {
                let c = Mv::new(i32::from(centre.x) + dx * step, i32::from(centre.y) + dy * step);
                let cc = self.sub_cost(c, &mut buf);
                if cc < cost {
                    (mv, cost) = (c, cc);
                }
            }
        }
        (mv, cost)
    }
}
