//! Per-macroblock side information kept for the whole picture: what neighbouring
//! macroblocks need for prediction (clause 6.4.11: availability, Intra_4x4 modes, motion
//! vectors, TotalCoeff for the CAVLC nC context) and what the deblocking filter needs
//! (8.7.2.1: intra or inter, coefficients, motion vectors, QP). Stored in the caller's
//! frame buffer, [`MB_INFO_BYTES`] bytes per macroblock.

/// A motion vector in quarter luma samples.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Mv {
    pub x: i16,
    pub y: i16,
}

impl Mv {
    pub(crate) const ZERO: Mv = Mv { x: 0, y: 0 };
    pub(crate) const fn new(x: i32, y: i32) -> Mv {
        Mv { x: x as i16, y: y as i16 }
    }
}

/// How a macroblock was coded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum MbKind {
    #[default]
    Skip,
    Inter,
    Intra4,
    Intra16,
}

impl MbKind {
    pub(crate) fn is_intra(self) -> bool {
        matches!(self, MbKind::Intra4 | MbKind::Intra16)
    }
}

/// The side information of one macroblock.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct MbInfo {
    pub kind: MbKind,
    /// QP_Y as the decoder derives it.
    pub qp: u8,
    /// TotalCoeff of each luma 4x4 block (raster order of 4x4 blocks; AC only for Intra16x16).
    pub nz: [u8; 16],
    /// TotalCoeff of the chroma AC blocks: Cb 0..4 then Cr 0..4 (raster order).
    pub nzc: [u8; 8],
    /// Intra_4x4 prediction modes (raster order); 2 (DC) for other macroblock types.
    pub modes: [u8; 16],
    /// Motion vector of each 8x8 block (raster order); zero for intra.
    pub mv: [Mv; 4],
}

/// Bytes of side information per macroblock.
pub(crate) const MB_INFO_BYTES: usize = 58;

impl MbInfo {
    fn write(&self, b: &mut [u8]) {
        b[0] = self.kind as u8;
        b[1] = self.qp;
        b[2..18].copy_from_slice(&self.nz);
        b[18..26].copy_from_slice(&self.nzc);
        b[26..42].copy_from_slice(&self.modes);
        for (i, mv) in self.mv.iter().enumerate() {
            b[42 + 4 * i..44 + 4 * i].copy_from_slice(&mv.x.to_le_bytes());
            b[44 + 4 * i..46 + 4 * i].copy_from_slice(&mv.y.to_le_bytes());
        }
    }

    pub(crate) fn read(b: &[u8]) -> MbInfo {
        let kind = match b[0] {
            1 => MbKind::Inter,
            2 => MbKind::Intra4,
            3 => MbKind::Intra16,
            _ => MbKind::Skip,
        };
        let mut m = MbInfo { kind, qp: b[1], ..MbInfo::default() };
        m.nz.copy_from_slice(&b[2..18]);
        m.nzc.copy_from_slice(&b[18..26]);
        m.modes.copy_from_slice(&b[26..42]);
        for i in 0..4 {
            m.mv[i] = Mv {
                x: i16::from_le_bytes([b[42 + 4 * i], b[43 + 4 * i]]),
                y: i16::from_le_bytes([b[44 + 4 * i], b[45 + 4 * i]]),
            };
        }
        m
    }
}

/// The side information of a picture, in a caller-owned byte slice.
pub(crate) struct MbStore<'a> {
    buf: &'a mut [u8],
}

impl<'a> MbStore<'a> {
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        MbStore { buf }
    }

    pub(crate) fn get(&self, mb: usize) -> MbInfo {
        MbInfo::read(&self.buf[mb * MB_INFO_BYTES..(mb + 1) * MB_INFO_BYTES])
    }

    pub(crate) fn set(&mut self, mb: usize, info: &MbInfo) {
        info.write(&mut self.buf[mb * MB_INFO_BYTES..(mb + 1) * MB_INFO_BYTES]);
    }
}

/// The neighbouring macroblocks A (left), B (above), C (above right) and D (above left)
/// of 6.4.11.1; `None` when not available (outside the picture, another slice).
#[derive(Clone, Copy, Default)]
pub(crate) struct Neighbours {
    pub a: Option<MbInfo>,
    pub b: Option<MbInfo>,
    pub c: Option<MbInfo>,
    pub d: Option<MbInfo>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut m = MbInfo { kind: MbKind::Intra4, qp: 37, ..MbInfo::default() };
        m.nz[5] = 16;
        m.nzc[7] = 3;
        m.modes[15] = 8;
        m.mv[3] = Mv::new(-300, 517);
        let mut buf = [0u8; MB_INFO_BYTES * 2];
        let mut s = MbStore::new(&mut buf);
        s.set(1, &m);
        let r = s.get(1);
        assert_eq!((r.kind, r.qp, r.nz, r.nzc, r.modes, r.mv), (m.kind, m.qp, m.nz, m.nzc, m.modes, m.mv));
    }
}
