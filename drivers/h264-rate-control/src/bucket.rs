//! Integer bookkeeping of bits over time: the exact share of a bit rate that falls into each
//! frame interval, and the leaky bucket of the hypothetical reference decoder seen from the
//! encoder's side.

/// Hands out `rate * fps_den / fps_num` bits per frame without losing the fractions: the
/// shares of any `fps_num` consecutive frames add up to exactly `rate * fps_den`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Share {
    per_second: u64,
    fps_num: u64,
    fps_den: u64,
    rem: u64,
}

impl Share {
    /// The per-frame share of `rate` bits per second at `fps_num / fps_den` frames per second.
    pub fn new(rate: u32, fps_num: u32, fps_den: u32) -> Self {
        Share { per_second: rate.into(), fps_num: u64::from(fps_num).max(1), fps_den: fps_den.into(), rem: 0 }
    }

    /// The nominal share of one frame, rounded down.
    pub fn per_frame(&self) -> u64 {
        self.per_second * self.fps_den / self.fps_num
    }

    /// The share of the next frame interval.
    pub fn next(&mut self) -> u64 {
        let t = self.per_second * self.fps_den + self.rem;
        self.rem = t % self.fps_num;
        t / self.fps_num
    }

    /// Changes the rate from the next frame on, keeping the fraction carried so far.
    pub fn set(&mut self, rate: u32, fps_num: u32, fps_den: u32) {
        let rem = self.rem;
        *self = Share::new(rate, fps_num, fps_den);
        self.rem = rem.min(self.fps_num - 1);
    }
}

/// The encoder-side view of a coded picture buffer of `size` bits filled at a constant rate:
/// `level` is how much of the buffer the decoder still waits for. Each coded frame adds its
/// bits; each frame interval the channel takes out one share. A frame that would push the
/// level above `size` would make the decoder's buffer run dry (underflow); an empty level
/// means the decoder's buffer is full and the channel idles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Bucket {
    /// Buffer size in bits.
    pub size: u64,
    /// Bits in the buffer before the next frame is added.
    pub level: u64,
    /// The channel's drain per frame interval.
    pub drain: Share,
}

impl Bucket {
    /// An empty bucket (the decoder starts with a full buffer: an initial delay of
    /// `size / rate` seconds).
    pub fn new(size: u32, rate: u32, fps_num: u32, fps_den: u32) -> Self {
        Bucket { size: size.into(), level: 0, drain: Share::new(rate, fps_num, fps_den) }
    }

    /// Bits the next frame may have without overflowing the buffer.
    pub fn room(&self) -> u64 {
        self.size.saturating_sub(self.level)
    }

    /// Adds a frame of `bits` and lets one frame interval pass. Returns the bits that did
    /// not fit (the level stops at `size`: the decoder waits for them).
    pub fn push(&mut self, bits: u64) -> u64 {
        let over = (self.level + bits).saturating_sub(self.size);
        self.level = (self.level + bits - over).saturating_sub(self.drain.next());
        over
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_exact() {
        let mut s = Share::new(1_000_000, 30_000, 1001);
        let total: u64 = (0..30_000).map(|_| s.next()).sum();
        assert_eq!(total, 1_000_000 * 1001);
        assert_eq!(Share::new(300, 30, 1).per_frame(), 10);
    }

    #[test]
    fn bucket_level_stays_in_bounds() {
        let mut b = Bucket::new(3000, 3000, 30, 1);
        assert_eq!(b.room(), 3000);
        assert_eq!(b.push(2500), 0);
        assert_eq!(b.level, 2400);
        assert_eq!(b.room(), 600);
        assert_eq!(b.push(700), 100);
        assert_eq!(b.level, 2900);
        for _ in 0..40 {
            b.push(0);
        }
        assert_eq!(b.level, 0);
    }
}
