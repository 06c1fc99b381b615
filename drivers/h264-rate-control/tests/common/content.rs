//! Deterministic synthetic content in I420, generated with integer arithmetic only.

/// The kinds of content the rate control is measured on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// Smooth gradients, hard edges and textured objects moving over a drifting background.
    Natural,
    /// A smoothed-noise image panning diagonally.
    Pan,
    /// New noise (up to +-128 levels on a gradient) every frame: nothing predicts.
    Noise,
    /// One textured picture, unchanged for the whole clip.
    Static,
    /// Natural-like content with a cut to a different scene in the middle of every GOP.
    Cuts,
}

impl Content {
    /// Every kind, in table order.
    pub const ALL: [Content; 5] = [Content::Natural, Content::Pan, Content::Noise, Content::Static, Content::Cuts];

    /// Short name for tables.
    pub fn name(self) -> &'static str {
        match self {
            Content::Natural => "natural",
            Content::Pan => "pan",
            Content::Noise => "noise",
            Content::Static => "static",
            Content::Cuts => "cuts",
        }
    }

    /// True for the cases with the wider average-bitrate tolerance.
    pub fn hard(self) -> bool {
        matches!(self, Content::Noise | Content::Static | Content::Cuts)
    }
}

/// A 32-bit integer hash of three coordinates and a seed.
pub fn hash(x: u32, y: u32, z: u32, seed: u32) -> u32 {
    let mut h = x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77) ^ z.wrapping_mul(0xC2B2_AE3D) ^ seed;
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^= h >> 12;
    h = h.wrapping_mul(0x297A_2D39);
    h ^ (h >> 15)
}

/// A triangle wave of period `p` with values 0..=255.
fn tri(v: i32, p: i32) -> i32 {
    let m = v.rem_euclid(p);
    let half = p / 2;
    if m < half {
        m * 255 / half
    } else {
        (p - m) * 255 / half
    }
}

/// Value noise: a hash on a grid of `cell` samples, interpolated bilinearly (0..=255).
fn value_noise(x: i32, y: i32, cell: i32, seed: u32) -> i32 {
    let (gx, gy) = (x.div_euclid(cell), y.div_euclid(cell));
    let (fx, fy) = (x.rem_euclid(cell), y.rem_euclid(cell));
    let g = |i: i32, j: i32| (hash(i as u32, j as u32, 7, seed) & 255) as i32;
    let top = g(gx, gy) * (cell - fx) + g(gx + 1, gy) * fx;
    let bot = g(gx, gy + 1) * (cell - fx) + g(gx + 1, gy + 1) * fx;
    (top * (cell - fy) + bot * fy) / (cell * cell)
}

/// One luma sample of a natural-like scene `scene` at time `t`.
fn scene_luma(x: i32, y: i32, t: i32, scene: u32, w: i32, h: i32) -> i32 {
    let s = scene as i32;
    // Background: a slowly drifting diagonal gradient with a soft texture.
    let bx = x + t * (1 + s % 2);
    let texture = (value_noise(bx, y, 8, scene) - 128) / 3 + (value_noise(bx, y, 3, scene + 40) - 128) / 5;
    let mut v = 40 + (bx * 120 / w.max(1)) + (y * 60 / h.max(1)) + texture;
    // A moving rectangle with hard edges and a striped texture.
    let (rx, ry) = ((t * (3 + s % 3)).rem_euclid(w + 60) - 60, h / 4 + (t % 40 - 20).abs() + s * 7 % 20);
    if x >= rx && x < rx + 60 && y >= ry && y < ry + 50 {
        v = 200 - tri(x - rx + y - ry, 12) / 3;
    }
    // A moving disc with a checker texture.
    let (cx, cy) = (w - (t * 2 + s * 50).rem_euclid(w), h * 2 / 3 - (t % 30 - 15) * 2);
    let (dx, dy) = (x - cx, y - cy);
    if dx * dx + dy * dy < 900 {
        v = if ((x >> 2) ^ (y >> 2)) & 1 == 0 { 30 } else { 220 };
    }
    // Camera noise of a couple of levels.
    v + (hash(x as u32, y as u32, t as u32, 99) % 5) as i32 - 2
}

/// Frame `t` of `content` in I420 (`w` x `h`, both even), written into `out`.
pub fn frame(content: Content, t: u32, w: u32, h: u32, out: &mut [u8]) {
    let (wi, hi) = (w as i32, h as i32);
    let yl = (w * h) as usize;
    let ti = t as i32;
    for y in 0..hi {
        for x in 0..wi {
            let v = match content {
                Content::Natural => scene_luma(x, y, ti, 1, wi, hi),
                Content::Static => scene_luma(x, y, 0, 2, wi, hi),
                Content::Cuts => scene_luma(x, y, ti, 3 + (t + 15) / 30, wi, hi),
                Content::Pan => value_noise(x + ti * 2, y + ti, 6, 5) / 2 + value_noise(x + ti * 2, y + ti, 2, 6) / 2,
                Content::Noise => {
                    // A product of two uniform variables: most samples near the gradient, a
                    // long tail up to +-128 (so the bits fall smoothly with the QP).
                    let n = hash(x as u32, y as u32, t, 11);
                    let (a, b) = ((n & 255) as i32 - 128, ((n >> 8) & 255) as i32);
                    100 + y * 60 / hi + a * b / 256
                }
            };
            out[(y * wi + x) as usize] = v.clamp(0, 255) as u8;
        }
    }
    let (cw, ch) = (wi / 2, hi / 2);
    for y in 0..ch {
        for x in 0..cw {
            let (u, v) = match content {
                Content::Noise => (
                    112 + (hash(x as u32, y as u32, t, 12) & 31) as i32,
                    128 + (hash(x as u32, y as u32, t, 13) & 31) as i32,
                ),
                Content::Pan => {
                    (128 + (value_noise(x + ti, y, 16, 8) - 128) / 3, 128 - (value_noise(x, y + ti, 16, 9) - 128) / 3)
                }
                _ => {
                    let scene = match content {
                        Content::Cuts => (t + 15) / 30,
                        _ => 0,
                    } as i32;
                    (110 + ((x + ti) * 40 / cw.max(1)) + scene * 13 % 30, 150 - (y * 40 / ch.max(1)) - scene * 7 % 20)
                }
            };
            let i = (y * cw + x) as usize;
            out[yl + i] = u.clamp(0, 255) as u8;
            out[yl + (cw * ch) as usize + i] = v.clamp(0, 255) as u8;
        }
    }
}
