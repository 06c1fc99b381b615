//! The rate model: the bits of a frame fall by half for every 6 QP (the quantiser step size
//! doubles every 6 QP), so a frame type's complexity `x = bits * 2^(qp / 6)` is roughly
//! independent of the QP and predicts the bits at any other QP as `x / 2^(qp / 6)`.

/// `2^(k / 6)` for k = 0..=5 in Q16 fixed point.
const POW2_SIXTH_Q16: [u64; 6] = [65_536, 73_562, 82_570, 92_682, 104_032, 116_772];

/// `2^(qp / 6)` in Q16 fixed point (qp 0..=51 gives 65 536..=29.9 million).
pub(crate) fn qscale_q16(qp: u8) -> u64 {
    POW2_SIXTH_Q16[usize::from(qp % 6)] << (qp / 6)
}

/// `bits * 2^(n / 6)`, rounded down (n 0..=51).
pub(crate) fn scale_up(bits: u64, n: u8) -> u64 {
    bits.saturating_mul(qscale_q16(n)) >> 16
}

/// `bits / 2^(n / 6)`, rounded down (n 0..=51).
pub(crate) fn scale_down(bits: u64, n: u8) -> u64 {
    (bits << 16) / qscale_q16(n)
}

/// The complexity of one frame type: the bits it would take at QP 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Model {
    /// `bits * 2^(qp / 6)` of the frames seen so far, smoothed.
    pub x: u64,
    /// True while `x` is a guess rather than a measurement: the next measurement replaces it.
    pub guess: bool,
}

impl Model {
    /// A guessed model that predicts `bits` at `qp`.
    pub fn guessed(bits: u64, qp: u8) -> Self {
        Model { x: scale_up(bits.max(1), qp), guess: true }
    }

    /// Predicted bits of a frame at `qp`.
    pub fn bits_at(&self, qp: u8) -> u64 {
        scale_down(self.x, qp)
    }

    /// Takes in a frame of `bits` coded at (average) `qp`: replaces a guess, otherwise moves
    /// halfway towards the new measurement.
    pub fn update(&mut self, bits: u64, qp: u8) {
        let x = scale_up(bits.max(1), qp);
        self.x = if self.guess { x } else { (self.x + x).div_ceil(2) };
        self.guess = false;
    }

    /// Multiplies the complexity by `num / den`, the factor limited to 1/4..=4.
    pub fn rescale(&mut self, num: u64, den: u64) {
        let den = den.max(1);
        let (lo, hi) = (self.x / 4, self.x.saturating_mul(4));
        self.x = (self.x.saturating_mul(num) / den).clamp(lo.max(1), hi.max(1));
    }
}

/// The smallest n in 0..=limit with `bits / 2^(n / 6) <= room`; `limit` when none is.
pub(crate) fn steps_to_fit(bits: u64, room: u64, limit: u8) -> u8 {
    (0..=limit).find(|&n| scale_down(bits, n) <= room).unwrap_or(limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qscale_doubles_every_six() {
        for qp in 0..46u8 {
            let (a, b) = (qscale_q16(qp), qscale_q16(qp + 6));
            assert_eq!(b, 2 * a);
            assert!(qscale_q16(qp + 1) > a);
        }
        assert_eq!(qscale_q16(0), 65_536);
        assert_eq!(qscale_q16(51), 92_682 << 8);
    }

    #[test]
    fn model_predicts_what_it_measured() {
        let mut m = Model::guessed(1000, 26);
        assert!(m.guess);
        m.update(48_000, 30);
        let b = m.bits_at(30);
        assert!(b.abs_diff(48_000) < 10, "{b}");
        assert!(m.bits_at(36).abs_diff(24_000) < 10);
        assert!(m.bits_at(24).abs_diff(96_000) < 20);
        m.update(24_000, 30);
        assert!(m.bits_at(30).abs_diff(36_000) < 10);
    }

    #[test]
    fn fitting_steps() {
        assert_eq!(steps_to_fit(1000, 1000, 51), 0);
        assert_eq!(steps_to_fit(2000, 1000, 51), 6);
        assert_eq!(steps_to_fit(2000, 1999, 51), 1);
        assert_eq!(steps_to_fit(u32::MAX.into(), 0, 10), 10);
    }
}
