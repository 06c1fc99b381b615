//! The pixel work of the scaler block: NV12 or YUYV in, I420 out, nearest-neighbour
//! scaling to any output size, optional horizontal flip. Integer arithmetic only, no
//! allocation: the same code is the block's model on the simulator and a software fallback
//! on a microcontroller.
//!
//! # Sampling
//!
//! Nearest neighbour, top-left aligned: output pixel `x` of a line `dw` pixels wide takes
//! source pixel `x * sw / dw` (rounded down), likewise for lines. Chroma is sampled at the
//! luma position of its top-left pixel: output chroma sample `(cx, cy)` takes the source
//! chroma sample that covers source luma pixel `(2cx * sw / dw, 2cy * sh / dh)`. With
//! `hflip` the output line is mirrored (pixel `x` is what `dw - 1 - x` would have been),
//! as a flip after the scaling.

/// Input layouts the block reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// Y plane, then one plane of interleaved Cb/Cr at half width and half height.
    Nv12,
    /// One plane of Y0 Cb Y1 Cr quadruplets (4:2:2).
    Yuyv,
}

/// One plane of a picture: its bytes and line stride.
#[derive(Clone, Copy, Debug)]
pub struct Plane<'a> {
    /// The plane's bytes (at least `stride * lines`).
    pub data: &'a [u8],
    /// Bytes from one line to the next.
    pub stride: usize,
}

/// One writable plane of a picture.
#[derive(Debug)]
pub struct PlaneMut<'a> {
    /// The plane's bytes (at least `stride * lines`).
    pub data: &'a mut [u8],
    /// Bytes from one line to the next.
    pub stride: usize,
}

/// The source picture.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// Its layout.
    pub input: Input,
    /// Width in pixels (even).
    pub width: usize,
    /// Height in lines (even).
    pub height: usize,
    /// Plane 0 (Y, or the packed YUYV plane); plane 1 (interleaved chroma, NV12 only).
    pub planes: [Plane<'a>; 2],
}

/// The destination picture, I420: Y, Cb and Cr planes (chroma at half width and height).
#[derive(Debug)]
pub struct Dest<'a> {
    /// Width in pixels (even).
    pub width: usize,
    /// Height in lines (even).
    pub height: usize,
    /// Y, Cb, Cr.
    pub planes: [PlaneMut<'a>; 3],
}

/// Why a picture cannot be processed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScaleError {
    /// A size is zero or odd.
    BadSize,
    /// A plane is too small for its stride and lines.
    ShortPlane,
}

fn fits(len: usize, stride: usize, line_bytes: usize, lines: usize) -> bool {
    stride >= line_bytes && lines.checked_mul(stride).is_some_and(|n| n <= len + (stride - line_bytes))
}

fn check(src: &Source<'_>, dst: &Dest<'_>) -> Result<(), ScaleError> {
    let even = |v: usize| v > 0 && v.is_multiple_of(2);
    if ![src.width, src.height, dst.width, dst.height].into_iter().all(even) {
        return Err(ScaleError::BadSize);
    }
    let src_ok = match src.input {
        Input::Nv12 => {
            fits(src.planes[0].data.len(), src.planes[0].stride, src.width, src.height)
                && fits(src.planes[1].data.len(), src.planes[1].stride, src.width, src.height / 2)
        }
        Input::Yuyv => fits(src.planes[0].data.len(), src.planes[0].stride, src.width * 2, src.height),
    };
    let (cw, ch) = (dst.width / 2, dst.height / 2);
    let dst_ok = fits(dst.planes[0].data.len(), dst.planes[0].stride, dst.width, dst.height)
        && dst.planes[1..].iter().all(|p| fits(p.data.len(), p.stride, cw, ch));
    if src_ok && dst_ok {
        Ok(())
    } else {
        Err(ScaleError::ShortPlane)
    }
}

/// The source coordinate nearest-neighbour sampling takes for output coordinate `o` of `n`.
fn pick(o: usize, n: usize, src_n: usize) -> usize {
    o * src_n / n
}

/// The output column written for unflipped column `x` of a line `w` wide.
fn column(x: usize, w: usize, hflip: bool) -> usize {
    if hflip {
        w - 1 - x
    } else {
        x
    }
}

/// Source luma at pixel `(x, y)`.
fn luma(src: &Source<'_>, x: usize, y: usize) -> u8 {
    let p = &src.planes[0];
    match src.input {
        Input::Nv12 => p.data[y * p.stride + x],
        Input::Yuyv => p.data[y * p.stride + 2 * x],
    }
}

/// Source (Cb, Cr) covering luma pixel `(x, y)`.
fn chroma(src: &Source<'_>, x: usize, y: usize) -> (u8, u8) {
    match src.input {
        Input::Nv12 => {
            let p = &src.planes[1];
            let at = (y / 2) * p.stride + (x / 2) * 2;
            (p.data[at], p.data[at + 1])
        }
        Input::Yuyv => {
            let p = &src.planes[0];
            let at = y * p.stride + (x / 2) * 4;
            (p.data[at + 1], p.data[at + 3])
        }
    }
}

/// Scales and converts `src` into `dst`, mirrored horizontally with `hflip`.
pub fn scale(src: &Source<'_>, dst: &mut Dest<'_>, hflip: bool) -> Result<(), ScaleError> {
    check(src, dst)?;
    let (dw, dh) = (dst.width, dst.height);
    for y in 0..dh {
        let sy = pick(y, dh, src.height);
        let line = &mut dst.planes[0].data[y * dst.planes[0].stride..][..dw];
        for x in 0..dw {
            line[column(x, dw, hflip)] = luma(src, pick(x, dw, src.width), sy);
        }
    }
    let (cw, ch) = (dw / 2, dh / 2);
    for cy in 0..ch {
        let sy = pick(2 * cy, dh, src.height);
        let [_, cb, cr] = &mut dst.planes;
        let cb_line = &mut cb.data[cy * cb.stride..][..cw];
        let cr_line = &mut cr.data[cy * cr.stride..][..cw];
        for cx in 0..cw {
            let (u, v) = chroma(src, pick(2 * cx, dw, src.width), sy);
            let at = column(cx, cw, hflip);
            cb_line[at] = u;
            cr_line[at] = v;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_copies_and_hflip_mirrors() {
        // 4x2 NV12: Y 0..8, chroma (100,200) (101,201).
        let y: [u8; 8] = [0, 1, 2, 3, 4, 5, 6, 7];
        let c: [u8; 4] = [100, 200, 101, 201];
        let src = Source {
            input: Input::Nv12,
            width: 4,
            height: 2,
            planes: [Plane { data: &y, stride: 4 }, Plane { data: &c, stride: 4 }],
        };
        for (hflip, want_y, want_u) in
            [(false, [0, 1, 2, 3, 4, 5, 6, 7], [100, 101]), (true, [3, 2, 1, 0, 7, 6, 5, 4], [101, 100])]
        {
            let (mut oy, mut ou, mut ov) = ([0u8; 8], [0u8; 2], [0u8; 2]);
            let mut dst = Dest {
                width: 4,
                height: 2,
                planes: [
                    PlaneMut { data: &mut oy, stride: 4 },
                    PlaneMut { data: &mut ou, stride: 2 },
                    PlaneMut { data: &mut ov, stride: 2 },
                ],
            };
            scale(&src, &mut dst, hflip).unwrap();
            assert_eq!((oy, ou), (want_y, want_u));
        }
    }

    #[test]
    fn odd_sizes_and_short_planes_are_refused() {
        let y = [0u8; 8];
        let src = Source {
            input: Input::Yuyv,
            width: 2,
            height: 2,
            planes: [Plane { data: &y, stride: 4 }, Plane { data: &[], stride: 0 }],
        };
        let (mut a, mut b, mut c) = ([0u8; 4], [0u8; 1], [0u8; 1]);
        let mut dst = Dest {
            width: 3,
            height: 2,
            planes: [
                PlaneMut { data: &mut a, stride: 2 },
                PlaneMut { data: &mut b, stride: 1 },
                PlaneMut { data: &mut c, stride: 1 },
            ],
        };
        assert_eq!(scale(&src, &mut dst, false), Err(ScaleError::BadSize));
        dst.width = 4;
        assert_eq!(scale(&src, &mut dst, false), Err(ScaleError::ShortPlane));
    }
}
