//! Transform and quantisation: the forward 4x4 integer transform and the Hadamard transforms
//! of the luma DC (Intra16x16) and chroma DC (2x2) coefficients, quantisation with a dead
//! zone, and the decoder's scaling and inverse transform (clause 8.5.12, flat scaling lists),
//! which the core runs to reconstruct exactly what a decoder reconstructs.

/// Frame zig-zag scan (Table 8-13): raster index of each scan position.
pub(crate) const ZIGZAG: [usize; 16] = [0, 1, 4, 8, 5, 2, 3, 6, 9, 12, 13, 10, 7, 11, 14, 15];

/// Dequantisation factors v (8-315) per QP % 6 for the three position classes.
const DEQUANT: [[i32; 3]; 6] = [[10, 16, 13], [11, 18, 14], [13, 20, 16], [14, 23, 18], [16, 25, 20], [18, 29, 23]];
/// Quantisation multipliers (the encoder's counterpart of `DEQUANT`: about 2^15 / (v * step)).
const QUANT: [[i32; 3]; 6] = [
    [13107, 5243, 8066],
    [11916, 4660, 7490],
    [10082, 4194, 6554],
    [9362, 3647, 5825],
    [8192, 3355, 5243],
    [7282, 2893, 4559],
];

/// Position class of a raster coefficient index: 0 both coordinates even, 1 both odd, 2 mixed.
const CLASS: [usize; 16] = [0, 2, 0, 2, 2, 1, 2, 1, 0, 2, 0, 2, 2, 1, 2, 1];

/// Largest level magnitude the core codes. A Baseline stream has level_prefix <= 15, which
/// caps levelCode at 4125 in every suffixLength context.
pub(crate) const MAX_LEVEL: i32 = 2063;

/// Chroma QP from the luma QP (Table 8-15, chroma_qp_index_offset 0).
pub(crate) const fn chroma_qp(qp: u8) -> u8 {
    const T: [u8; 22] = [29, 30, 31, 32, 32, 33, 34, 34, 35, 35, 36, 36, 37, 37, 37, 38, 38, 38, 39, 39, 39, 39];
    if qp < 30 {
        qp
    } else {
        T[(qp - 30) as usize]
    }
}

/// Forward 4x4 core transform of the residual `src - pred` (raster order out).
pub(crate) fn fdct4x4(src: &[u8], ss: usize, pred: &[u8], ps: usize) -> [i32; 16] {
    let mut d = [0i32; 16];
    for y in 0..4 {
        let r = [0, 1, 2, 3].map(|x| i32::from(src[y * ss + x]) - i32::from(pred[y * ps + x]));
        let (s03, d03, s12, d12) = (r[0] + r[3], r[0] - r[3], r[1] + r[2], r[1] - r[2]);
        d[y * 4] = s03 + s12;
        d[y * 4 + 1] = 2 * d03 + d12;
        d[y * 4 + 2] = s03 - s12;
        d[y * 4 + 3] = d03 - 2 * d12;
    }
    let mut o = [0i32; 16];
    for x in 0..4 {
        let c = [d[x], d[4 + x], d[8 + x], d[12 + x]];
        let (s03, d03, s12, d12) = (c[0] + c[3], c[0] - c[3], c[1] + c[2], c[1] - c[2]);
        o[x] = s03 + s12;
        o[4 + x] = 2 * d03 + d12;
        o[8 + x] = s03 - s12;
        o[12 + x] = d03 - 2 * d12;
    }
    o
}

/// Dead-zone rounding offset: 5/12 of a step for intra, 1/6 for inter blocks.
#[inline]
fn deadzone(qbits: u32, intra: bool) -> i32 {
    if intra {
        (5 << qbits) / 12
    } else {
        (1 << qbits) / 6
    }
}

#[inline]
fn quant_one(c: i32, mf: i32, f: i32, qbits: u32) -> i32 {
    let l = ((c.abs() * mf + f) >> qbits).min(MAX_LEVEL);
    if c < 0 {
        -l
    } else {
        l
    }
}

/// Quantises a 4x4 block (raster in) into scan order levels; with `ac_only` the DC (scan
/// position 0) is left out and set to 0. Returns the number of non-zero levels.
pub(crate) fn quant4x4(c: &[i32; 16], qp: u8, intra: bool, ac_only: bool, out: &mut [i16; 16]) -> u32 {
    let qbits = 15 + u32::from(qp / 6);
    let f = deadzone(qbits, intra);
    let mf = &QUANT[usize::from(qp % 6)];
    let mut nz = 0;
    for (i, &r) in ZIGZAG.iter().enumerate() {
        let l = if ac_only && i == 0 { 0 } else { quant_one(c[r], mf[CLASS[r]], f, qbits) };
        out[i] = l as i16;
        nz += u32::from(l != 0);
    }
    nz
}

/// Scales scan-order levels back to raster coefficients (8.5.12.1, flat weights); with
/// `dc` given, it replaces the DC coefficient (Intra16x16 and chroma DC paths).
pub(crate) fn dequant4x4(levels: &[i16; 16], qp: u8, dc: Option<i32>) -> [i32; 16] {
    let v = &DEQUANT[usize::from(qp % 6)];
    let sh = u32::from(qp / 6);
    let mut d = [0i32; 16];
    for (i, &r) in ZIGZAG.iter().enumerate() {
        d[r] = (i32::from(levels[i]) * v[CLASS[r]]) << sh;
    }
    if let Some(dc) = dc {
        d[0] = dc;
    }
    d
}

/// Inverse 4x4 transform (8.5.12.2) of `d`, added to `pred` into `dst` with clipping.
pub(crate) fn idct4x4_add(d: &[i32; 16], pred: &[u8], ps: usize, dst: &mut [u8], ds: usize) {
    let mut t = [0i32; 16];
    for y in 0..4 {
        let r = &d[y * 4..y * 4 + 4];
        let (e0, e1, e2, e3) = (r[0] + r[2], r[0] - r[2], (r[1] >> 1) - r[3], r[1] + (r[3] >> 1));
        t[y * 4] = e0 + e3;
        t[y * 4 + 1] = e1 + e2;
        t[y * 4 + 2] = e1 - e2;
        t[y * 4 + 3] = e0 - e3;
    }
    for x in 0..4 {
        let c = [t[x], t[4 + x], t[8 + x], t[12 + x]];
        let (e0, e1, e2, e3) = (c[0] + c[2], c[0] - c[2], (c[1] >> 1) - c[3], c[1] + (c[3] >> 1));
        let h = [e0 + e3, e1 + e2, e1 - e2, e0 - e3];
        for y in 0..4 {
            let v = i32::from(pred[y * ps + x]) + ((h[y] + 32) >> 6);
            dst[y * ds + x] = v.clamp(0, 255) as u8;
        }
    }
}

/// Copies a 4x4 prediction into `dst` (a block without residual).
pub(crate) fn copy4x4(pred: &[u8], ps: usize, dst: &mut [u8], ds: usize) {
    for y in 0..4 {
        dst[y * ds..y * ds + 4].copy_from_slice(&pred[y * ps..y * ps + 4]);
    }
}

/// 4x4 Hadamard transform H m H with H's rows in the order of 8-320.
fn hadamard4(m: &mut [i32; 16]) {
    for y in 0..4 {
        let r = [m[y * 4], m[y * 4 + 1], m[y * 4 + 2], m[y * 4 + 3]];
        let (a, b, c, d) = (r[0] + r[1], r[0] - r[1], r[2] + r[3], r[2] - r[3]);
        m[y * 4] = a + c;
        m[y * 4 + 1] = a - c;
        m[y * 4 + 2] = b - d;
        m[y * 4 + 3] = b + d;
    }
    for x in 0..4 {
        let r = [m[x], m[4 + x], m[8 + x], m[12 + x]];
        let (a, b, c, d) = (r[0] + r[1], r[0] - r[1], r[2] + r[3], r[2] - r[3]);
        m[x] = a + c;
        m[4 + x] = a - c;
        m[8 + x] = b - d;
        m[12 + x] = b + d;
    }
}

/// Intra16x16 luma DC: Hadamard of the 16 block DCs (raster by block position), quantised
/// into scan-order levels. Returns the number of non-zero levels.
pub(crate) fn quant_luma_dc(dc: &[i32; 16], qp: u8, out: &mut [i16; 16]) -> u32 {
    let mut m = *dc;
    hadamard4(&mut m);
    let qbits = 16 + u32::from(qp / 6);
    let f = deadzone(qbits, true);
    let mf = QUANT[usize::from(qp % 6)][0];
    let mut nz = 0;
    for (i, &r) in ZIGZAG.iter().enumerate() {
        let l = quant_one(m[r] >> 1, mf, f, qbits);
        out[i] = l as i16;
        nz += u32::from(l != 0);
    }
    nz
}

/// Decoder side of the Intra16x16 DC (8.5.10): the dcY values by block position (raster).
pub(crate) fn dequant_luma_dc(levels: &[i16; 16], qp: u8) -> [i32; 16] {
    let mut c = [0i32; 16];
    for (i, &r) in ZIGZAG.iter().enumerate() {
        c[r] = i32::from(levels[i]);
    }
    hadamard4(&mut c);
    let scale = DEQUANT[usize::from(qp % 6)][0] * 16;
    let q6 = u32::from(qp / 6);
    c.map(|f| if q6 >= 6 { (f * scale) << (q6 - 6) } else { (f * scale + (1 << (5 - q6))) >> (6 - q6) })
}

/// Chroma DC (4:2:0): 2x2 Hadamard of the four block DCs, quantised. Returns non-zero count.
pub(crate) fn quant_chroma_dc(dc: &[i32; 4], qp: u8, intra: bool, out: &mut [i16; 4]) -> u32 {
    let m = [
        dc[0] + dc[1] + dc[2] + dc[3],
        dc[0] - dc[1] + dc[2] - dc[3],
        dc[0] + dc[1] - dc[2] - dc[3],
        dc[0] - dc[1] - dc[2] + dc[3],
    ];
    let qbits = 16 + u32::from(qp / 6);
    let f = deadzone(qbits, intra);
    let mf = QUANT[usize::from(qp % 6)][0];
    let mut nz = 0;
    for i in 0..4 {
        let l = quant_one(m[i], mf, f, qbits);
        out[i] = l as i16;
        nz += u32::from(l != 0);
    }
    nz
}

/// Decoder side of the chroma DC (8.5.11.2): dcC per block (raster).
pub(crate) fn dequant_chroma_dc(c: &[i16; 4], qp: u8) -> [i32; 4] {
    let c = c.map(i32::from);
    let f =
        [c[0] + c[1] + c[2] + c[3], c[0] - c[1] + c[2] - c[3], c[0] + c[1] - c[2] - c[3], c[0] - c[1] - c[2] + c[3]];
    let scale = DEQUANT[usize::from(qp % 6)][0] * 16;
    let sh = u32::from(qp / 6);
    f.map(|v| ((v * scale) << sh) >> 5)
}

/// How much an inter block's levels are worth keeping (an encoder heuristic): 9 when any
/// level exceeds 1 in magnitude, else the sum over levels of a weight falling with the run
/// of zeros before it (isolated high-frequency ones are cheap to drop).
pub(crate) fn decimate_score(levels: &[i16]) -> u32 {
    const W: [u32; 16] = [3, 2, 2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let mut score = 0;
    let mut run = 0;
    for &l in levels {
        if l == 0 {
            run += 1;
            continue;
        }
        if l.unsigned_abs() > 1 {
            return 9;
        }
        score += W[run.min(15)];
        run = 0;
    }
    score
}

/// Sum of absolute transformed (4x4 Hadamard) differences of a w x h block, halved.
pub(crate) fn satd(src: &[u8], ss: usize, pred: &[u8], ps: usize, w: usize, h: usize) -> u32 {
    let mut sum = 0u32;
    let mut by = 0;
    while by < h {
        let mut bx = 0;
        while bx < w {
            let mut m = [0i32; 16];
            for y in 0..4 {
                let (s, p) = (
                    &src[(by + y) * ss + bx..(by + y) * ss + bx + 4],
                    &pred[(by + y) * ps + bx..(by + y) * ps + bx + 4],
                );
                let d = [0, 1, 2, 3].map(|x| i32::from(s[x]) - i32::from(p[x]));
                let (a, b, c, e) = (d[0] + d[1], d[0] - d[1], d[2] + d[3], d[2] - d[3]);
                m[y * 4] = a + c;
                m[y * 4 + 1] = a - c;
                m[y * 4 + 2] = b - e;
                m[y * 4 + 3] = b + e;
            }
            for x in 0..4 {
                let (a, b, c, e) = (m[x] + m[4 + x], m[x] - m[4 + x], m[8 + x] + m[12 + x], m[8 + x] - m[12 + x]);
                sum += ((a + c).abs() + (a - c).abs() + (b - e).abs() + (b + e).abs()) as u32;
            }
            bx += 4;
        }
        by += 4;
    }
    sum / 2
}

/// Sum of absolute differences of a w x h block.
pub(crate) fn sad(src: &[u8], ss: usize, pred: &[u8], ps: usize, w: usize, h: usize) -> u32 {
    let mut sum = 0u32;
    for y in 0..h {
        let (a, b) = (&src[y * ss..y * ss + w], &pred[y * ps..y * ps + w]);
        sum += a.iter().zip(b).map(|(&p, &q)| u32::from(p.abs_diff(q))).sum::<u32>();
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transform_round_trip_at_qp0_is_close() {
        let src: [u8; 16] = core::array::from_fn(|i| (i * 13 % 256) as u8);
        let pred = [100u8; 16];
        let c = fdct4x4(&src, 4, &pred, 4);
        let mut l = [0i16; 16];
        quant4x4(&c, 0, true, false, &mut l);
        let d = dequant4x4(&l, 0, None);
        let mut out = [0u8; 16];
        idct4x4_add(&d, &pred, 4, &mut out, 4);
        for i in 0..16 {
            assert!((i32::from(out[i]) - i32::from(src[i])).abs() <= 1, "{i}: {} {}", out[i], src[i]);
        }
    }

    #[test]
    fn chroma_qp_table() {
        assert_eq!(chroma_qp(29), 29);
        assert_eq!(chroma_qp(30), 29);
        assert_eq!(chroma_qp(39), 35);
        assert_eq!(chroma_qp(51), 39);
    }
}
