//! Intra prediction (clause 8.3): Intra_4x4 with its nine modes (8.3.1.2), Intra_16x16 with
//! its four modes (8.3.3) and chroma prediction with its four modes (8.3.4), from the
//! neighbouring samples of the reconstruction before deblocking.

/// Neighbour samples of an N-sample square block (N = 16 luma, 8 chroma).
pub(crate) struct Edge<const N: usize> {
    pub top: [u8; N],
    pub left: [u8; N],
    pub top_left: u8,
    pub has_top: bool,
    pub has_left: bool,
    pub has_top_left: bool,
}

/// Intra_16x16 modes (3 is plane).
pub(crate) const I16_V: u8 = 0;
pub(crate) const I16_H: u8 = 1;
pub(crate) const I16_DC: u8 = 2;
/// Chroma modes (3 is plane).
pub(crate) const C_DC: u8 = 0;
pub(crate) const C_H: u8 = 1;
pub(crate) const C_V: u8 = 2;

/// Whether Intra_16x16 `mode` may be used with these neighbours.
pub(crate) fn i16_available(mode: u8, e: &Edge<16>) -> bool {
    match mode {
        I16_V => e.has_top,
        I16_H => e.has_left,
        I16_DC => true,
        _ => e.has_top && e.has_left && e.has_top_left,
    }
}

/// Whether chroma `mode` may be used with these neighbours.
pub(crate) fn chroma_available(mode: u8, e: &Edge<8>) -> bool {
    match mode {
        C_DC => true,
        C_H => e.has_left,
        C_V => e.has_top,
        _ => e.has_top && e.has_left && e.has_top_left,
    }
}

#[inline]
fn clip(v: i32) -> u8 {
    v.clamp(0, 255) as u8
}

/// Plane prediction of an N x N block (8-118 .. 8-120 and 8-141 .. 8-146).
fn plane<const N: usize>(e: &Edge<N>, out: &mut [u8]) {
    let half = N / 2;
    let top = |x: isize| if x < 0 { i32::from(e.top_left) } else { i32::from(e.top[x as usize]) };
    let left = |y: isize| if y < 0 { i32::from(e.top_left) } else { i32::from(e.left[y as usize]) };
    let (mut h, mut v) = (0i32, 0i32);
    for i in 0..half as isize {
        h += (i as i32 + 1) * (top(half as isize + i) - top(half as isize - 2 - i));
        v += (i as i32 + 1) * (left(half as isize + i) - left(half as isize - 2 - i));
    }
    let (b, c) =
        if N == 16 { ((5 * h + 32) >> 6, (5 * v + 32) >> 6) } else { ((34 * h + 32) >> 6, (34 * v + 32) >> 6) };
    let a = 16 * (i32::from(e.left[N - 1]) + i32::from(e.top[N - 1]));
    let off = half as i32 - 1;
    for y in 0..N {
        for x in 0..N {
            out[y * N + x] = clip((a + b * (x as i32 - off) + c * (y as i32 - off) + 16) >> 5);
        }
    }
}

/// Intra_16x16 prediction into a 16x16 block.
pub(crate) fn pred16(mode: u8, e: &Edge<16>, out: &mut [u8; 256]) {
    match mode {
        I16_V => {
            for row in out.chunks_exact_mut(16) {
                row.copy_from_slice(&e.top);
            }
        }
        I16_H => {
            for (row, &l) in out.chunks_exact_mut(16).zip(e.left.iter()) {
                row.fill(l);
            }
        }
        I16_DC => {
            let st: u32 = e.top.iter().map(|&v| u32::from(v)).sum();
            let sl: u32 = e.left.iter().map(|&v| u32::from(v)).sum();
            let dc = match (e.has_top, e.has_left) {
                (true, true) => (st + sl + 16) >> 5,
                (false, true) => (sl + 8) >> 4,
                (true, false) => (st + 8) >> 4,
                (false, false) => 128,
            };
            out.fill(dc as u8);
        }
        _ => plane(e, out),
    }
}

/// Chroma prediction into an 8x8 block.
pub(crate) fn pred_chroma(mode: u8, e: &Edge<8>, out: &mut [u8; 64]) {
    match mode {
        C_DC => {
            for blk in 0..4 {
                let (bx, by) = ((blk & 1) * 4, (blk >> 1) * 4);
                let st: u32 = e.top[bx..bx + 4].iter().map(|&v| u32::from(v)).sum();
                let sl: u32 = e.left[by..by + 4].iter().map(|&v| u32::from(v)).sum();
                // 8.3.4.1-8.3.4.3: the corner blocks prefer both, the others their own side.
                let dc = match (blk, e.has_top, e.has_left) {
                    (0 | 3, true, true) => (st + sl + 4) >> 3,
                    (1, true, _) | (0 | 3, true, false) => (st + 2) >> 2,
                    (2, _, true) | (0 | 3, false, true) => (sl + 2) >> 2,
                    (1, false, true) => (sl + 2) >> 2,
                    (2, true, false) => (st + 2) >> 2,
                    _ => 128,
                };
                for y in 0..4 {
                    out[(by + y) * 8 + bx..(by + y) * 8 + bx + 4].fill(dc as u8);
                }
            }
        }
        C_H => {
            for (row, &l) in out.chunks_exact_mut(8).zip(e.left.iter()) {
                row.fill(l);
            }
        }
        C_V => {
            for row in out.chunks_exact_mut(8) {
                row.copy_from_slice(&e.top);
            }
        }
        _ => plane(e, out),
    }
}

/// Neighbours of a 4x4 block: `top` holds p[0..7, -1] (top-right already substituted).
pub(crate) struct Edge4 {
    pub top: [u8; 8],
    pub left: [u8; 4],
    pub top_left: u8,
    pub has_top: bool,
    pub has_left: bool,
    pub has_top_left: bool,
}

/// Whether Intra_4x4 `mode` may be used with these neighbours.
pub(crate) fn i4_available(mode: u8, e: &Edge4) -> bool {
    match mode {
        0 | 3 | 7 => e.has_top,
        1 | 8 => e.has_left,
        2 => true,
        _ => e.has_top && e.has_left && e.has_top_left,
    }
}

/// Intra_4x4 prediction (modes 0..=8) into a 4x4 block.
pub(crate) fn pred4(mode: u8, e: &Edge4, out: &mut [u8; 16]) {
    // p(x, -1) for x in -1..8 and p(-1, y) for y in -1..4, as in 8.3.1.2.
    let t = |x: i32| -> i32 {
        if x < 0 {
            i32::from(e.top_left)
        } else {
            i32::from(e.top[x as usize])
        }
    };
    let l = |y: i32| -> i32 {
        if y < 0 {
            i32::from(e.top_left)
        } else {
            i32::from(e.left[y as usize])
        }
    };
    let f3 = |a: i32, b: i32, c: i32| ((a + 2 * b + c + 2) >> 2) as u8;
    let f2 = |a: i32, b: i32| ((a + b + 1) >> 1) as u8;
    for y in 0..4i32 {
        for x in 0..4i32 {
            out[(y * 4 + x) as usize] = match mode {
                0 => t(x) as u8,
                1 => l(y) as u8,
                2 => {
                    let st: i32 = (0..4).map(t).sum();
                    let sl: i32 = (0..4).map(l).sum();
                    (match (e.has_top, e.has_left) {
                        (true, true) => (st + sl + 4) >> 3,
                        (false, true) => (sl + 2) >> 2,
                        (true, false) => (st + 2) >> 2,
                        (false, false) => 128,
                    }) as u8
                }
                3 => {
                    if x == 3 && y == 3 {
                        f3(t(6), t(7), t(7))
                    } else {
                        f3(t(x + y), t(x + y + 1), t(x + y + 2))
                    }
                }
                4 => match x.cmp(&y) {
                    core::cmp::Ordering::Greater => f3(t(x - y - 2), t(x - y - 1), t(x - y)),
                    core::cmp::Ordering::Less => f3(l(y - x - 2), l(y - x - 1), l(y - x)),
                    core::cmp::Ordering::Equal => f3(t(0), t(-1), l(0)),
                },
                5 => {
                    let z = 2 * x - y;
                    match z {
                        0 | 2 | 4 | 6 => f2(t(x - (y >> 1) - 1), t(x - (y >> 1))),
                        1 | 3 | 5 => f3(t(x - (y >> 1) - 2), t(x - (y >> 1) - 1), t(x - (y >> 1))),
                        -1 => f3(l(0), l(-1), t(0)),
                        _ => f3(l(y - 1), l(y - 2), l(y - 3)),
                    }
                }
                6 => {
                    let z = 2 * y - x;
                    match z {
                        0 | 2 | 4 | 6 => f2(l(y - (x >> 1) - 1), l(y - (x >> 1))),
                        1 | 3 | 5 => f3(l(y - (x >> 1) - 2), l(y - (x >> 1) - 1), l(y - (x >> 1))),
                        -1 => f3(l(0), l(-1), t(0)),
                        _ => f3(t(x - 1), t(x - 2), t(x - 3)),
                    }
                }
                7 => {
                    if y % 2 == 0 {
                        f2(t(x + (y >> 1)), t(x + (y >> 1) + 1))
                    } else {
                        f3(t(x + (y >> 1)), t(x + (y >> 1) + 1), t(x + (y >> 1) + 2))
                    }
                }
                _ => {
                    let z = x + 2 * y;
                    match z {
                        0 | 2 | 4 => f2(l(y + (x >> 1)), l(y + (x >> 1) + 1)),
                        1 | 3 => f3(l(y + (x >> 1)), l(y + (x >> 1) + 1), l(y + (x >> 1) + 2)),
                        5 => f3(l(2), l(3), l(3)),
                        _ => l(3) as u8,
                    }
                }
            };
        }
    }
}
