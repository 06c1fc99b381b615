//! The input stage: source pictures in I420, NV12 or packed YUYV 4:2:2 with any stride,
//! read one macroblock at a time and converted to 4:2:0 (YUYV chroma: the average of each
//! pair of rows). Samples right of or below the visible picture repeat its last column and
//! row, so the cropped-away part of the last macroblocks codes cheaply.

use crate::Error;

/// One plane of a source picture: its bytes and the distance between rows in bytes.
#[derive(Clone, Copy, Debug)]
pub struct Plane<'a> {
    /// The plane's bytes, from its first sample on.
    pub data: &'a [u8],
    /// Bytes from one row to the next (at least the bytes of a row).
    pub stride: usize,
}

impl<'a> Plane<'a> {
    /// A plane view.
    pub const fn new(data: &'a [u8], stride: usize) -> Self {
        Plane { data, stride }
    }

    fn check(&self, row_bytes: usize, rows: usize) -> Result<(), Error> {
        let need = self.stride.checked_mul(rows - 1).and_then(|v| v.checked_add(row_bytes));
        match need {
            Some(n) if self.stride >= row_bytes && self.data.len() >= n => Ok(()),
            _ => Err(Error::InvalidSource),
        }
    }
}

/// A source picture of the configured visible size.
#[derive(Clone, Copy, Debug)]
pub enum Source<'a> {
    /// Planar 4:2:0: Y, then Cb and Cr planes of half width and height (rounded up).
    I420 {
        /// Luma.
        y: Plane<'a>,
        /// Cb.
        u: Plane<'a>,
        /// Cr.
        v: Plane<'a>,
    },
    /// Semi-planar 4:2:0: Y, then one plane of interleaved Cb, Cr pairs.
    Nv12 {
        /// Luma.
        y: Plane<'a>,
        /// Interleaved Cb Cr.
        uv: Plane<'a>,
    },
    /// Packed 4:2:2: Y0 Cb Y1 Cr for each pair of pixels.
    Yuyv(Plane<'a>),
}

/// One macroblock of source samples in 4:2:0.
pub(crate) struct SrcMb {
    pub y: [u8; 256],
    pub u: [u8; 64],
    pub v: [u8; 64],
}

impl Source<'_> {
    /// Checks the planes against the visible size.
    pub(crate) fn validate(&self, w: usize, h: usize) -> Result<(), Error> {
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        match self {
            Source::I420 { y, u, v } => {
                y.check(w, h)?;
                u.check(cw, ch)?;
                v.check(cw, ch)
            }
            Source::Nv12 { y, uv } => {
                y.check(w, h)?;
                uv.check(cw * 2, ch)
            }
            Source::Yuyv(p) => p.check(cw * 4, h),
        }
    }

    /// Reads macroblock (mbx, mby) of a w x h picture.
    pub(crate) fn load(&self, w: usize, h: usize, mbx: usize, mby: usize, out: &mut SrcMb) {
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        let xs: [usize; 16] = core::array::from_fn(|i| (mbx * 16 + i).min(w - 1));
        let cxs: [usize; 8] = core::array::from_fn(|i| (mbx * 8 + i).min(cw - 1));
        match self {
            Source::I420 { y, u, v } => {
                luma_rows(y, &xs, h, mby, &mut out.y);
                for (p, o) in [(u, &mut out.u), (v, &mut out.v)] {
                    for r in 0..8 {
                        let row = &p.data[(mby * 8 + r).min(ch - 1) * p.stride..];
                        for (i, &x) in cxs.iter().enumerate() {
                            o[r * 8 + i] = row[x];
                        }
                    }
                }
            }
            Source::Nv12 { y, uv } => {
                luma_rows(y, &xs, h, mby, &mut out.y);
                for r in 0..8 {
                    let row = &uv.data[(mby * 8 + r).min(ch - 1) * uv.stride..];
                    for (i, &x) in cxs.iter().enumerate() {
                        out.u[r * 8 + i] = row[2 * x];
                        out.v[r * 8 + i] = row[2 * x + 1];
                    }
                }
            }
            Source::Yuyv(p) => self.load_yuyv(p, &xs, &cxs, h, mby, out),
        }
    }

    fn load_yuyv(&self, p: &Plane, xs: &[usize; 16], cxs: &[usize; 8], h: usize, mby: usize, out: &mut SrcMb) {
        for r in 0..16 {
            let row = &p.data[(mby * 16 + r).min(h - 1) * p.stride..];
            for (i, &x) in xs.iter().enumerate() {
                out.y[r * 16 + i] = row[2 * x];
            }
        }
        for r in 0..8 {
            let r0 = &p.data[(mby * 16 + 2 * r).min(h - 1) * p.stride..];
            let r1 = &p.data[(mby * 16 + 2 * r + 1).min(h - 1) * p.stride..];
            for (i, &x) in cxs.iter().enumerate() {
                let avg = |a: u8, b: u8| ((u16::from(a) + u16::from(b) + 1) >> 1) as u8;
                out.u[r * 8 + i] = avg(r0[4 * x + 1], r1[4 * x + 1]);
                out.v[r * 8 + i] = avg(r0[4 * x + 3], r1[4 * x + 3]);
            }
        }
    }
}

fn luma_rows(p: &Plane, xs: &[usize; 16], h: usize, mby: usize, out: &mut [u8; 256]) {
    for r in 0..16 {
        let row = &p.data[(mby * 16 + r).min(h - 1) * p.stride..];
        let dst = &mut out[r * 16..r * 16 + 16];
        if xs[15] == xs[0] + 15 {
            dst.copy_from_slice(&row[xs[0]..xs[0] + 16]);
        } else {
            for (d, &x) in dst.iter_mut().zip(xs.iter()) {
                *d = row[x];
            }
        }
    }
}
