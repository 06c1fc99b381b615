//! CAVLC residual coding (clause 9.2): coeff_token (Table 9-5, all five VLC tables including
//! chroma DC), trailing-ones signs, levels with adaptive suffix length (9.2.2), total_zeros
//! (Tables 9-7, 9-8 and 9-9a) and run_before (Table 9-10). Also the coded_block_pattern
//! mapping of me(v) (Table 9-4, chroma_format_idc 1).

use crate::bitstream::BitWriter;

/// Where bits go (the writer; tests plug in their own sinks).
pub(crate) trait BitSink {
    /// Writes the `n` low bits of `v`.
    fn put(&mut self, n: u32, v: u32);
}

impl BitSink for BitWriter<'_> {
    #[inline]
    fn put(&mut self, n: u32, v: u32) {
        BitWriter::put(self, n, v)
    }
}

type Vlc = (u8, u16);

/// coeff_token, 0 <= nC < 2: [TotalCoeff][TrailingOnes] -> (length, code).
const CT0: [[Vlc; 4]; 17] = [
    [(1, 1), (0, 0), (0, 0), (0, 0)],
    [(6, 5), (2, 1), (0, 0), (0, 0)],
    [(8, 7), (6, 4), (3, 1), (0, 0)],
    [(9, 7), (8, 6), (7, 5), (5, 3)],
    [(10, 7), (9, 6), (8, 5), (6, 3)],
    [(11, 7), (10, 6), (9, 5), (7, 4)],
    [(13, 15), (11, 6), (10, 5), (8, 4)],
    [(13, 11), (13, 14), (11, 5), (9, 4)],
    [(13, 8), (13, 10), (13, 13), (10, 4)],
    [(14, 15), (14, 14), (13, 9), (11, 4)],
    [(14, 11), (14, 10), (14, 13), (13, 12)],
    [(15, 15), (15, 14), (14, 9), (14, 12)],
    [(15, 11), (15, 10), (15, 13), (14, 8)],
    [(16, 15), (15, 1), (15, 9), (15, 12)],
    [(16, 11), (16, 14), (16, 13), (15, 8)],
    [(16, 7), (16, 10), (16, 9), (16, 12)],
    [(16, 4), (16, 6), (16, 5), (16, 8)],
];

/// coeff_token, 2 <= nC < 4.
const CT1: [[Vlc; 4]; 17] = [
    [(2, 3), (0, 0), (0, 0), (0, 0)],
    [(6, 11), (2, 2), (0, 0), (0, 0)],
    [(6, 7), (5, 7), (3, 3), (0, 0)],
    [(7, 7), (6, 10), (6, 9), (4, 5)],
    [(8, 7), (6, 6), (6, 5), (4, 4)],
    [(8, 4), (7, 6), (7, 5), (5, 6)],
    [(9, 7), (8, 6), (8, 5), (6, 8)],
    [(11, 15), (9, 6), (9, 5), (6, 4)],
    [(11, 11), (11, 14), (11, 13), (7, 4)],
    [(12, 15), (11, 10), (11, 9), (9, 4)],
    [(12, 11), (12, 14), (12, 13), (11, 12)],
    [(12, 8), (12, 10), (12, 9), (11, 8)],
    [(13, 15), (13, 14), (13, 13), (12, 12)],
    [(13, 11), (13, 10), (13, 9), (13, 12)],
    [(13, 7), (14, 11), (13, 6), (13, 8)],
    [(14, 9), (14, 8), (14, 10), (13, 1)],
    [(14, 7), (14, 6), (14, 5), (14, 4)],
];

/// coeff_token, 4 <= nC < 8.
const CT2: [[Vlc; 4]; 17] = [
    [(4, 15), (0, 0), (0, 0), (0, 0)],
    [(6, 15), (4, 14), (0, 0), (0, 0)],
    [(6, 11), (5, 15), (4, 13), (0, 0)],
    [(6, 8), (5, 12), (5, 14), (4, 12)],
    [(7, 15), (5, 10), (5, 11), (4, 11)],
    [(7, 11), (5, 8), (5, 9), (4, 10)],
    [(7, 9), (6, 14), (6, 13), (4, 9)],
    [(7, 8), (6, 10), (6, 9), (4, 8)],
    [(8, 15), (7, 14), (7, 13), (5, 13)],
    [(8, 11), (8, 14), (7, 10), (6, 12)],
    [(9, 15), (8, 10), (8, 13), (7, 12)],
    [(9, 11), (9, 14), (8, 9), (8, 12)],
    [(9, 8), (9, 10), (9, 13), (8, 8)],
    [(10, 13), (9, 7), (9, 9), (9, 12)],
    [(10, 9), (10, 12), (10, 11), (10, 10)],
    [(10, 5), (10, 8), (10, 7), (10, 6)],
    [(10, 1), (10, 4), (10, 3), (10, 2)],
];

/// coeff_token, nC == -1 (chroma DC of 4:2:0).
const CT_CDC: [[Vlc; 4]; 5] = [
    [(2, 1), (0, 0), (0, 0), (0, 0)],
    [(6, 7), (1, 1), (0, 0), (0, 0)],
    [(6, 4), (6, 6), (3, 1), (0, 0)],
    [(6, 3), (7, 3), (7, 2), (6, 5)],
    [(6, 2), (8, 3), (8, 2), (7, 0)],
];

/// total_zeros for 4x4 blocks: [TotalCoeff - 1][total_zeros].
const TZ: [[Vlc; 16]; 15] = [
    [
        (1, 1),
        (3, 3),
        (3, 2),
        (4, 3),
        (4, 2),
        (5, 3),
        (5, 2),
        (6, 3),
        (6, 2),
        (7, 3),
        (7, 2),
        (8, 3),
        (8, 2),
        (9, 3),
        (9, 2),
        (9, 1),
    ],
    [
        (3, 7),
        (3, 6),
        (3, 5),
        (3, 4),
        (3, 3),
        (4, 5),
        (4, 4),
        (4, 3),
        (4, 2),
        (5, 3),
        (5, 2),
        (6, 3),
        (6, 2),
        (6, 1),
        (6, 0),
        (0, 0),
    ],
    [
        (4, 5),
        (3, 7),
        (3, 6),
        (3, 5),
        (4, 4),
        (4, 3),
        (3, 4),
        (3, 3),
        (4, 2),
        (5, 3),
        (5, 2),
        (6, 1),
        (5, 1),
        (6, 0),
        (0, 0),
        (0, 0),
    ],
    [
        (5, 3),
        (3, 7),
        (4, 5),
        (4, 4),
        (3, 6),
        (3, 5),
        (3, 4),
        (4, 3),
        (3, 3),
        (4, 2),
        (5, 2),
        (5, 1),
        (5, 0),
        (0, 0),
        (0, 0),
        (0, 0),
    ],
    [
        (4, 5),
        (4, 4),
        (4, 3),
        (3, 7),
        (3, 6),
        (3, 5),
        (3, 4),
        (3, 3),
        (4, 2),
        (5, 1),
        (4, 1),
        (5, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
    ],
    [
        (6, 1),
        (5, 1),
        (3, 7),
        (3, 6),
        (3, 5),
        (3, 4),
        (3, 3),
        (3, 2),
        (4, 1),
        (3, 1),
        (6, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
    ],
    [
        (6, 1),
        (5, 1),
        (3, 5),
        (3, 4),
        (3, 3),
        (2, 3),
        (3, 2),
        (4, 1),
        (3, 1),
        (6, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
    ],
    [
        (6, 1),
        (4, 1),
        (5, 1),
        (3, 3),
        (2, 3),
        (2, 2),
        (3, 2),
        (3, 1),
        (6, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
    ],
    [
        (6, 1),
        (6, 0),
        (4, 1),
        (2, 3),
        (2, 2),
        (3, 1),
        (2, 1),
        (5, 1),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
    ],
    [
        (5, 1),
        (5, 0),
        (3, 1),
        (2, 3),
        (2, 2),
        (2, 1),
        (4, 1),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
    ],
    [
        (4, 0),
        (4, 1),
        (3, 1),
        (3, 2),
        (1, 1),
        (3, 3),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
    ],
    [
        (4, 0),
        (4, 1),
        (2, 1),
        (1, 1),
        (3, 1),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
    ],
    [
        (3, 0),
        (3, 1),
        (1, 1),
        (2, 1),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
    ],
    [
        (2, 0),
        (2, 1),
        (1, 1),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
    ],
    [
        (1, 0),
        (1, 1),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
    ],
];

/// total_zeros for the 2x2 chroma DC: [TotalCoeff - 1][total_zeros].
const TZ_CDC: [[Vlc; 4]; 3] =
    [[(1, 1), (2, 1), (3, 1), (3, 0)], [(1, 1), (2, 1), (2, 0), (0, 0)], [(1, 1), (1, 0), (0, 0), (0, 0)]];

/// run_before: [min(zerosLeft, 7) - 1][run_before].
const RUN: [[Vlc; 15]; 7] = {
    const Z: Vlc = (0, 0);
    [
        [(1, 1), (1, 0), Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z],
        [(1, 1), (2, 1), (2, 0), Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z],
        [(2, 3), (2, 2), (2, 1), (2, 0), Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z],
        [(2, 3), (2, 2), (2, 1), (3, 1), (3, 0), Z, Z, Z, Z, Z, Z, Z, Z, Z, Z],
        [(2, 3), (2, 2), (3, 3), (3, 2), (3, 1), (3, 0), Z, Z, Z, Z, Z, Z, Z, Z, Z],
        [(2, 3), (3, 0), (3, 1), (3, 3), (3, 2), (3, 5), (3, 4), Z, Z, Z, Z, Z, Z, Z, Z],
        [
            (3, 7),
            (3, 6),
            (3, 5),
            (3, 4),
            (3, 3),
            (3, 2),
            (3, 1),
            (4, 1),
            (5, 1),
            (6, 1),
            (7, 1),
            (8, 1),
            (9, 1),
            (10, 1),
            (11, 1),
        ],
    ]
};

#[inline]
fn put_vlc<S: BitSink>(s: &mut S, v: Vlc) {
    debug_assert!(v.0 > 0);
    s.put(u32::from(v.0), u32::from(v.1));
}

fn coeff_token<S: BitSink>(s: &mut S, nc: i32, tc: usize, t1: usize) {
    match nc {
        -1 => put_vlc(s, CT_CDC[tc][t1]),
        0..=1 => put_vlc(s, CT0[tc][t1]),
        2..=3 => put_vlc(s, CT1[tc][t1]),
        4..=7 => put_vlc(s, CT2[tc][t1]),
        _ => {
            // 6-bit fixed length code: TotalCoeff - 1 and TrailingOnes; 000011 for no coefficient.
            let code = if tc == 0 { 3 } else { ((tc as u32 - 1) << 2) | t1 as u32 };
            s.put(6, code);
        }
    }
}

/// Writes one level (9.2.2.1 in reverse) and returns the next suffixLength.
fn level<S: BitSink>(s: &mut S, lv: i32, first_after_t1: bool, suffix_len: u32) -> u32 {
    let mut code = if lv > 0 { 2 * lv - 2 } else { -2 * lv - 1 } as u32;
    if first_after_t1 {
        code -= 2;
    }
    if suffix_len == 0 {
        if code < 14 {
            s.put(code + 1, 1);
        } else if code < 30 {
            s.put(15, 1);
            s.put(4, code - 14);
        } else {
            s.put(16, 1);
            s.put(12, code - 30);
        }
    } else if code < (15 << suffix_len) {
        s.put((code >> suffix_len) + 1, 1);
        s.put(suffix_len, code & ((1 << suffix_len) - 1));
    } else {
        s.put(16, 1);
        s.put(12, code - (15 << suffix_len));
    }
    let mut sl = if suffix_len == 0 { 1 } else { suffix_len };
    if lv.unsigned_abs() > (3 << (sl - 1)) && sl < 6 {
        sl += 1;
    }
    sl
}

/// Writes `residual_block_cavlc` (7.3.5.3.2) for `levels` in scan order (its length is
/// maxNumCoeff: 16, 15 or 4 with `nc == -1`). Returns TotalCoeff.
pub(crate) fn residual_block<S: BitSink>(s: &mut S, levels: &[i16], nc: i32) -> u8 {
    let max = levels.len();
    // Non-zero levels and the zero run below each, highest frequency first.
    let mut lv = [0i32; 16];
    let mut run = [0u32; 16];
    let mut tc = 0usize;
    let mut last = None;
    for i in (0..max).rev() {
        if levels[i] != 0 {
            if let Some(p) = last {
                run[tc - 1] = (p - i - 1) as u32;
            }
            lv[tc] = i32::from(levels[i]);
            tc += 1;
            last = Some(i);
        }
    }
    if tc == 0 {
        coeff_token(s, nc, 0, 0);
        return 0;
    }
    let lowest = last.unwrap_or(0);
    run[tc - 1] = lowest as u32;
    let mut t1 = 0;
    while t1 < tc && t1 < 3 && lv[t1].abs() == 1 {
        t1 += 1;
    }
    coeff_token(s, nc, tc, t1);
    for &l in &lv[..t1] {
        s.put(1, u32::from(l < 0));
    }
    let mut sl = if tc > 10 && t1 < 3 { 1 } else { 0 };
    for (i, &l) in lv.iter().enumerate().take(tc).skip(t1) {
        sl = level(s, l, i == t1 && t1 < 3, sl);
    }
    let total_zeros: u32 = run[..tc].iter().sum();
    if tc < max {
        let v = if nc == -1 { TZ_CDC[tc - 1][total_zeros as usize] } else { TZ[tc - 1][total_zeros as usize] };
        put_vlc(s, v);
    }
    let mut zeros_left = total_zeros;
    for &r in &run[..tc - 1] {
        if zeros_left == 0 {
            break;
        }
        put_vlc(s, RUN[zeros_left.min(7) as usize - 1][r as usize]);
        zeros_left -= r;
    }
    tc as u8
}

/// codeNum -> coded_block_pattern for Intra_4x4 macroblocks (Table 9-4).
const CBP_INTRA: [u8; 48] = [
    47, 31, 15, 0, 23, 27, 29, 30, 7, 11, 13, 14, 39, 43, 45, 46, 16, 3, 5, 10, 12, 19, 21, 26, 28, 35, 37, 42, 44, 1,
    2, 4, 8, 17, 18, 20, 24, 6, 9, 22, 25, 32, 33, 34, 36, 40, 38, 41,
];
/// codeNum -> coded_block_pattern for Inter macroblocks (Table 9-4).
const CBP_INTER: [u8; 48] = [
    0, 16, 1, 2, 4, 8, 32, 3, 5, 10, 12, 15, 47, 7, 11, 13, 14, 6, 9, 31, 35, 37, 42, 44, 33, 34, 36, 40, 39, 43, 45,
    46, 17, 18, 20, 24, 19, 21, 26, 28, 23, 27, 29, 30, 22, 25, 38, 41,
];

const fn invert(t: &[u8; 48]) -> [u8; 48] {
    let mut inv = [0u8; 48];
    let mut i = 0;
    while i < 48 {
        inv[t[i] as usize] = i as u8;
        i += 1;
    }
    inv
}

const CBP_INTRA_CODE: [u8; 48] = invert(&CBP_INTRA);
const CBP_INTER_CODE: [u8; 48] = invert(&CBP_INTER);

/// codeNum of me(v) for a coded_block_pattern (luma bits 0-3, chroma in bits 4-5).
pub(crate) fn cbp_code(cbp: u8, intra: bool) -> u32 {
    u32::from(if intra { CBP_INTRA_CODE[usize::from(cbp)] } else { CBP_INTER_CODE[usize::from(cbp)] })
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    /// A minimal CAVLC reader used to check the writer against the syntax of 9.2.
    struct Reader<'a> {
        bits: &'a [u8],
        pos: usize,
    }

    impl Reader<'_> {
        fn bit(&mut self) -> u32 {
            let b = self.bits.get(self.pos).map_or(0, |&b| u32::from(b));
            self.pos += 1;
            b
        }
        fn bits(&mut self, n: u32) -> u32 {
            (0..n).fold(0, |a, _| (a << 1) | self.bit())
        }
        fn vlc(&mut self, table: &[Vlc]) -> usize {
            let start = self.pos;
            for (i, &(len, code)) in table.iter().enumerate() {
                if len == 0 {
                    continue;
                }
                self.pos = start;
                if self.bits(u32::from(len)) == u32::from(code) {
                    return i;
                }
            }
            panic!("no code matches");
        }
    }

    struct Bits {
        v: [u8; 4096],
        n: usize,
    }
    impl BitSink for Bits {
        fn put(&mut self, n: u32, v: u32) {
            for i in (0..n).rev() {
                self.v[self.n] = ((v >> i) & 1) as u8;
                self.n += 1;
            }
        }
    }

    fn decode(r: &mut Reader, nc: i32, max: usize) -> [i32; 16] {
        let table: &[[Vlc; 4]] = match nc {
            -1 => &CT_CDC,
            0..=1 => &CT0,
            2..=3 => &CT1,
            _ => &CT2,
        };
        let flat: [Vlc; 68] = core::array::from_fn(|i| table.get(i / 4).map(|t| t[i % 4]).unwrap_or((0, 0)));
        let k = r.vlc(&flat);
        let (tc, t1) = (k / 4, k % 4);
        let mut lv = [0i32; 16];
        for l in lv.iter_mut().take(t1) {
            *l = if r.bit() == 1 { -1 } else { 1 };
        }
        let mut sl = if tc > 10 && t1 < 3 { 1 } else { 0 };
        for i in t1..tc {
            let mut prefix = 0;
            while r.bit() == 0 {
                prefix += 1;
            }
            let size = if prefix == 14 && sl == 0 {
                4
            } else if prefix >= 15 {
                prefix - 3
            } else {
                sl
            };
            let mut code = (prefix.min(15) << sl) + r.bits(size);
            if prefix >= 15 && sl == 0 {
                code += 15;
            }
            if i == t1 && t1 < 3 {
                code += 2;
            }
            let v = if code % 2 == 0 { (code as i32 + 2) >> 1 } else { (-(code as i32) - 1) >> 1 };
            lv[i] = v;
            if sl == 0 {
                sl = 1;
            }
            if v.unsigned_abs() > (3 << (sl - 1)) && sl < 6 {
                sl += 1;
            }
        }
        let mut zeros = if tc > 0 && tc < max {
            if nc == -1 {
                r.vlc(&TZ_CDC[tc - 1])
            } else {
                r.vlc(&TZ[tc - 1])
            }
        } else {
            0
        };
        let mut out = [0i32; 16];
        let mut pos = tc + zeros;
        for (i, &l) in lv.iter().enumerate().take(tc) {
            pos -= 1;
            out[pos] = l;
            if i + 1 < tc && zeros > 0 {
                let run = r.vlc(&RUN[zeros.min(7) - 1]);
                pos -= run;
                zeros -= run;
            }
        }
        out
    }

    #[test]
    fn blocks_round_trip_through_a_reader() {
        let mut seed = 12345u32;
        let mut rnd = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            seed >> 8
        };
        for n in 0..20000 {
            let (max, nc) = match n % 6 {
                0 => (4, -1),
                1 => (15, 0),
                2 => (16, 3),
                3 => (16, 5),
                4 => (16, 1),
                _ => (15, 6),
            };
            let density = rnd() % 17;
            let mut levels = [0i16; 16];
            for l in levels.iter_mut().take(max) {
                if rnd() % 16 < density {
                    let mag = match rnd() % 8 {
                        0..=4 => 1,
                        5 | 6 => 1 + rnd() % 20,
                        _ => 1 + rnd() % 2063,
                    } as i16;
                    *l = if rnd() % 2 == 0 { mag } else { -mag };
                }
            }
            let mut b = Bits { v: [0; 4096], n: 0 };
            residual_block(&mut b, &levels[..max], nc);
            let mut r = Reader { bits: &b.v[..b.n], pos: 0 };
            let got = decode(&mut r, nc, max);
            assert_eq!(r.pos, b.n, "block {n}: bits left over");
            for i in 0..max {
                assert_eq!(got[i], i32::from(levels[i]), "block {n} coeff {i}: {levels:?}");
            }
        }
    }

    /// Every VLC table is prefix-free (a transcription error would likely break this).
    #[test]
    fn tables_are_prefix_free() {
        fn check(t: &[Vlc]) {
            let codes: Vec<Vlc> = t.iter().copied().filter(|v| v.0 > 0).collect();
            for (i, a) in codes.iter().enumerate() {
                for (j, b) in codes.iter().enumerate() {
                    if i != j && a.0 <= b.0 {
                        assert_ne!(u32::from(b.1) >> (b.0 - a.0), u32::from(a.1), "{a:?} prefixes {b:?}");
                    }
                }
            }
        }
        for t in [&CT0, &CT1, &CT2] {
            check(&t.iter().flatten().copied().collect::<Vec<_>>());
        }
        check(&CT_CDC.iter().flatten().copied().collect::<Vec<_>>());
        TZ.iter().for_each(|t| check(t));
        TZ_CDC.iter().for_each(|t| check(t));
        RUN.iter().for_each(|t| check(t));
    }

    #[test]
    fn cbp_tables_are_permutations() {
        for c in 0..48u8 {
            assert_eq!(CBP_INTRA[cbp_code(c, true) as usize], c);
            assert_eq!(CBP_INTER[cbp_code(c, false) as usize], c);
        }
    }
}
