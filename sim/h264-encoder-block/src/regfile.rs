//! The register file: storage, what software may write where (RO registers, reserved bits,
//! W1C), the constant `WORK_MB_BYTES`, and the results a frame leaves behind. The side effects
//! of `CTRL` (reset, start) and of the interrupt registers on the line are the block's.

use h264_encoder::regs::*;
use h264_encoder_core::{frame_buffer_len, FrameStats};

/// Registers up to and including `STAT_SKIP_MBS`.
const COUNT: usize = STAT_SKIP_MBS / 4 + 1;

/// Largest width and height the block encodes.
pub(crate) const MAX_WIDTH: u32 = 4096;
/// Largest height.
pub(crate) const MAX_HEIGHT: u32 = 2304;
/// Smallest width and height.
pub(crate) const MIN_SIZE: u32 = 16;

/// The stored value of every register.
#[derive(Clone)]
pub(crate) struct RegFile {
    r: [u32; COUNT],
}

/// What a finished frame reports in `OUT_BYTES` and the `STAT_*` registers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Results {
    pub bytes: u32,
    pub stats: FrameStats,
}

/// Which bits of a register software may set, or `None` for a register software cannot
/// write as storage (read-only, or one with side effects the block handles).
fn writable_bits(offset: usize) -> Option<u32> {
    match offset {
        IRQ_MASK => Some(IRQ_ALL),
        IDR_PIC_ID => Some(0xFFFF),
        CODING => Some(CODING_NO_DEBLOCK | (0xFF << CODING_SEARCH_SHIFT)),
        FRAME_SIZE | INPUT_FORMAT | SRC_Y | SRC_CB | SRC_CR | SRC_Y_STRIDE | SRC_C_STRIDE | OUT_ADDR | OUT_SIZE
        | FRAME_TYPE | QP | QP_MAP | HEADERS | FRAME_NUM | REF_ADDR | RECON_ADDR | FPS_NUM | FPS_DEN | SLICE_ROWS => {
            Some(u32::MAX)
        }
        _ => None,
    }
}

impl RegFile {
    /// Every register at its reset value (0; `CTRL.ENABLE` clear).
    pub(crate) const fn new() -> Self {
        RegFile { r: [0; COUNT] }
    }

    /// The stored value at `offset` (0 for a hole in the map or an unaligned offset).
    pub(crate) fn get(&self, offset: usize) -> u32 {
        if offset % 4 != 0 {
            return 0;
        }
        self.r.get(offset / 4).copied().unwrap_or(0)
    }

    fn set(&mut self, offset: usize, value: u32) {
        if let Some(r) = self.r.get_mut(offset / 4) {
            *r = value;
        }
    }

    /// `CTRL.ENABLE`.
    pub(crate) fn enabled(&self) -> bool {
        self.get(CTRL) & CTRL_ENABLE != 0
    }

    /// Sets or clears `CTRL.ENABLE` (the only bit of `CTRL` that is stored).
    pub(crate) fn set_enable(&mut self, on: bool) {
        self.set(CTRL, if on { CTRL_ENABLE } else { 0 });
    }

    /// What `RESET` does: every register but `CTRL.ENABLE` back to 0.
    pub(crate) fn reset(&mut self) {
        let enabled = self.enabled();
        *self = RegFile::new();
        self.set_enable(enabled);
    }

    /// What software reads at `offset` (not `CTRL` or `STATUS`, which the block answers).
    pub(crate) fn read(&self, offset: usize) -> u32 {
        match offset {
            ID => ID_VALUE,
            VERSION => VERSION_1_0,
            WORK_MB_BYTES => work_mb_bytes(),
            IRQ_CLEAR => 0,
            _ => self.get(offset),
        }
    }

    /// A software write to a storage register (reserved bits dropped); writes to read-only
    /// registers and holes are ignored. `CTRL`, `IRQ_STATUS` and `IRQ_CLEAR` are the block's.
    pub(crate) fn write(&mut self, offset: usize, value: u32) {
        if offset % 4 != 0 {
            return;
        }
        if let Some(bits) = writable_bits(offset) {
            self.set(offset, value & bits);
        }
    }

    /// Sets interrupt causes in `IRQ_STATUS`.
    pub(crate) fn raise(&mut self, causes: u32) {
        self.set(IRQ_STATUS, self.get(IRQ_STATUS) | (causes & IRQ_ALL));
    }

    /// Clears interrupt causes in `IRQ_STATUS` (a W1C write).
    pub(crate) fn acknowledge(&mut self, causes: u32) {
        self.set(IRQ_STATUS, self.get(IRQ_STATUS) & !causes);
    }

    /// Whether the interrupt line is active.
    pub(crate) fn line(&self) -> bool {
        self.get(IRQ_STATUS) & self.get(IRQ_MASK) != 0
    }

    /// Sets `ERROR`.
    pub(crate) fn set_error(&mut self, code: u32) {
        self.set(ERROR, code);
    }

    /// Sets `OUT_BYTES` and the statistics registers.
    pub(crate) fn set_results(&mut self, res: &Results) {
        let sat = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        self.set(OUT_BYTES, res.bytes);
        self.set(STAT_BITS, sat(res.stats.total_bits));
        self.set(STAT_HEADER_BITS, sat(res.stats.header_bits));
        self.set(STAT_QP_SUM, res.stats.qp_sum);
        self.set(STAT_SAD, sat(res.stats.sad));
        self.set(STAT_INTRA_MBS, res.stats.intra_mbs);
        self.set(STAT_SKIP_MBS, res.stats.skip_mbs);
    }
}

/// Width and height of a `FRAME_SIZE` value.
pub(crate) fn frame_size(value: u32) -> (u32, u32) {
    (value & 0xFFFF, value >> 16)
}

/// Whether the block encodes pictures of `w` x `h`.
pub(crate) fn size_ok(w: u32, h: u32) -> bool {
    (MIN_SIZE..=MAX_WIDTH).contains(&w) && (MIN_SIZE..=MAX_HEIGHT).contains(&h) && w % 2 == 0 && h % 2 == 0
}

/// `WORK_MB_BYTES`: bytes per macroblock of a reference or reconstruction buffer (the
/// encoder core's frame buffer of a one-macroblock picture).
pub(crate) const fn work_mb_bytes() -> u32 {
    frame_buffer_len(16, 16) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_saturate_at_32_bits() {
        let mut regs = RegFile::new();
        let stats =
            FrameStats { sad: 1 << 40, total_bits: 8 << 32, header_bits: 5, qp_sum: 7, ..FrameStats::default() };
        regs.set_results(&Results { bytes: u32::MAX, stats });
        assert_eq!(regs.read(STAT_SAD), u32::MAX);
        assert_eq!(regs.read(STAT_BITS), u32::MAX);
        assert_eq!(regs.read(STAT_HEADER_BITS), 5);
        assert_eq!(regs.read(STAT_QP_SUM), 7);
    }

    #[test]
    fn sizes_of_the_datasheet() {
        assert!(size_ok(16, 16) && size_ok(4096, 2304) && size_ok(50, 34));
        assert!(!size_ok(4096, 2306) && !size_ok(4098, 16) && !size_ok(14, 16) && !size_ok(17, 16));
        assert_eq!(work_mb_bytes() as usize * 80 * 45, frame_buffer_len(1280, 720));
    }
}
