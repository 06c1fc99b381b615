//! Bitstream writer: NAL unit framing (clause 7.3.1), the Annex B byte stream (clause B.1),
//! emulation prevention (`emulation_prevention_three_byte`), Exp-Golomb codes (clause 9.1)
//! and `rbsp_trailing_bits` (clause 7.3.2.11).
//!
//! The writer never writes past the end of its output slice: once the slice is full it keeps
//! counting bits but drops bytes and remembers that it overflowed.

/// Writes RBSP bits into NAL units of an Annex B byte stream.
pub(crate) struct BitWriter<'a> {
    buf: &'a mut [u8],
    pos: usize,
    acc: u64,
    nacc: u32,
    zeros: u32,
    overflow: bool,
    bits: u64,
}

impl<'a> BitWriter<'a> {
    /// A writer that fills `buf` from its start.
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        BitWriter { buf, pos: 0, acc: 0, nacc: 0, zeros: 0, overflow: false, bits: 0 }
    }

    /// Bytes written so far (start codes and emulation prevention bytes included).
    pub(crate) fn bytes(&self) -> usize {
        self.pos
    }

    /// True when a byte did not fit into the output slice.
    pub(crate) fn overflowed(&self) -> bool {
        self.overflow
    }

    /// RBSP bits written so far (without start codes or emulation prevention bytes).
    pub(crate) fn bits(&self) -> u64 {
        self.bits
    }

    fn emit_raw(&mut self, b: u8) {
        match self.buf.get_mut(self.pos) {
            Some(slot) => {
                *slot = b;
                self.pos += 1;
            }
            None => self.overflow = true,
        }
    }

    fn emit(&mut self, b: u8) {
        if self.zeros >= 2 && b <= 3 {
            self.emit_raw(3);
            self.zeros = 0;
        }
        self.emit_raw(b);
        self.zeros = if b == 0 { self.zeros + 1 } else { 0 };
    }

    /// Writes the `n` (at most 32) low bits of `v`, most significant first.
    #[inline]
    pub(crate) fn put(&mut self, n: u32, v: u32) {
        debug_assert!(n <= 32);
        if n == 0 {
            return;
        }
        self.bits += u64::from(n);
        let mask = if n == 32 { u64::from(u32::MAX) } else { (1u64 << n) - 1 };
        self.acc = (self.acc << n) | (u64::from(v) & mask);
        self.nacc += n;
        while self.nacc >= 8 {
            self.nacc -= 8;
            let b = (self.acc >> self.nacc) as u8;
            self.emit(b);
        }
        self.acc &= (1u64 << self.nacc) - 1;
    }

    /// Writes one flag bit.
    #[inline]
    pub(crate) fn flag(&mut self, f: bool) {
        self.put(1, u32::from(f));
    }

    /// ue(v): unsigned Exp-Golomb code (clause 9.1).
    pub(crate) fn ue(&mut self, v: u32) {
        let x = u64::from(v) + 1;
        let len = 64 - x.leading_zeros();
        let zeros = len - 1;
        if zeros > 16 {
            self.put(zeros - 16, 0);
            self.put(16, 0);
        } else {
            self.put(zeros, 0);
        }
        if len > 32 {
            self.put(len - 32, (x >> 32) as u32);
            self.put(32, x as u32);
        } else {
            self.put(len, x as u32);
        }
    }

    /// se(v): signed Exp-Golomb code (clause 9.1.1).
    pub(crate) fn se(&mut self, v: i32) {
        let k = if v > 0 { (v as u32) * 2 - 1 } else { v.unsigned_abs() * 2 };
        self.ue(k);
    }

    /// Starts a NAL unit: a four-byte start code and the NAL unit header (clause 7.3.1).
    pub(crate) fn start_nal(&mut self, nal_ref_idc: u8, nal_unit_type: u8) {
        debug_assert_eq!(self.nacc, 0);
        for b in [0u8, 0, 0, 1, (nal_ref_idc << 5) | nal_unit_type] {
            self.emit_raw(b);
        }
        self.zeros = 0;
        self.bits += 8;
    }

    /// rbsp_trailing_bits: a stop bit and zero bits up to the byte boundary; ends the NAL unit.
    pub(crate) fn trailing_bits(&mut self) {
        self.put(1, 1);
        if self.nacc > 0 {
            let pad = 8 - self.nacc;
            self.put(pad, 0);
        }
    }
}

/// Number of bits of ue(v) for `v`.
#[inline]
pub(crate) fn ue_bits(v: u32) -> u32 {
    let x = u64::from(v) + 1;
    2 * (63 - x.leading_zeros()) + 1
}

/// Number of bits of se(v) for `v`.
#[inline]
pub(crate) fn se_bits(v: i32) -> u32 {
    let k = if v > 0 { (v as u32) * 2 - 1 } else { v.unsigned_abs() * 2 };
    ue_bits(k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_golomb_and_emulation_prevention() {
        let mut buf = [0u8; 32];
        let mut w = BitWriter::new(&mut buf);
        w.start_nal(3, 7);
        w.ue(0); // 1
        w.ue(3); // 00100
        w.se(-2); // ue(4) = 00101
        w.trailing_bits();
        let n = w.bytes();
        assert_eq!(&buf[..n], &[0, 0, 0, 1, 0x67, 0b1001_0000, 0b1011_0000]);
        let mut buf = [0u8; 32];
        let mut w = BitWriter::new(&mut buf);
        w.start_nal(0, 1);
        w.put(24, 0x000001);
        w.put(8, 0x00);
        w.put(8, 0x00);
        w.put(8, 0x02);
        let n = w.bytes();
        assert_eq!(&buf[5..n], &[0, 0, 3, 1, 0, 0, 3, 2]);
        assert_eq!(ue_bits(0), 1);
        assert_eq!(ue_bits(3), 5);
        assert_eq!(se_bits(-2), 5);
    }

    #[test]
    fn never_writes_past_the_end() {
        let mut buf = [0u8; 6];
        let mut w = BitWriter::new(&mut buf[..4]);
        w.start_nal(3, 5);
        w.put(32, 0xffff_ffff);
        assert!(w.overflowed());
        assert_eq!(w.bytes(), 4);
        assert_eq!(buf[4..], [0, 0]);
    }
}
