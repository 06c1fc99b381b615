//! Operations on the VENC block, in the terms of its datasheet (docs/encoder-block.md):
//! reset and identification, programming one frame, starting it, and reading what it
//! reports. Everything goes through [`Registers`]; nothing here knows about V4L2.

use embedded_hal::delay::DelayNs;

use crate::regs::{self, Registers};

/// Why the block could not be brought up.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BringUpError {
    /// `ID` or `VERSION` is not a VENC 1.x block.
    WrongBlock,
    /// `STATUS.BUSY` stayed set after a reset.
    ResetTimeout,
}

/// The source picture of a frame, as bus addresses.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SourcePlanes {
    /// `INPUT_FORMAT` value.
    pub format: u32,
    /// Luma (or packed YUYV) plane.
    pub y: u32,
    /// CbCr (NV12) or Cb (I420) plane.
    pub cb: u32,
    /// Cr plane (I420).
    pub cr: u32,
    /// Bytes per luma (or packed) line.
    pub y_stride: u32,
    /// Bytes per chroma line.
    pub c_stride: u32,
}

/// Everything the block needs for one frame.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FrameSetup {
    /// Visible width and height in luma samples.
    pub width: u32,
    /// Visible height.
    pub height: u32,
    /// The source picture.
    pub source: SourcePlanes,
    /// Bitstream buffer: bus address and capacity.
    pub out_addr: u32,
    /// Capacity of the bitstream buffer in bytes.
    pub out_size: u32,
    /// `FRAME_TYPE` value.
    pub frame_type: u32,
    /// Slice QP.
    pub qp: u8,
    /// `HEADERS` value.
    pub headers: u32,
    /// `FRAME_NUM`.
    pub frame_num: u32,
    /// `IDR_PIC_ID`.
    pub idr_pic_id: u16,
    /// Reference frame (read by P frames) and reconstruction (written).
    pub reference: u32,
    /// Reconstruction written by this frame.
    pub recon: u32,
    /// Frame rate for the VUI.
    pub fps: (u32, u32),
}

/// What a finished frame reports.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct FrameReport {
    /// Bytes written to the bitstream buffer.
    pub bytes: u32,
    /// Bits written.
    pub bits: u32,
    /// Bits of headers, modes and motion vectors.
    pub header_bits: u32,
    /// Sum of the macroblocks' QPs.
    pub qp_sum: u32,
    /// Luma SAD between source and prediction.
    pub sad: u32,
    /// Intra-coded macroblocks.
    pub intra_mbs: u32,
    /// Skipped macroblocks.
    pub skip_mbs: u32,
}

/// Polling step while waiting for a reset to finish.
const RESET_POLL_US: u32 = 10;

/// Brings the block up after its reset line was released: enables its clock, checks that
/// it is a VENC 1.x, resets it and waits until it is idle. Thread context (it waits with
/// `delay`).
pub fn bring_up(regs: &dyn Registers, delay: &mut impl DelayNs) -> Result<(), BringUpError> {
    regs.write(regs::CTRL, regs::CTRL_ENABLE);
    if regs.read(regs::ID) != regs::ID_VALUE || regs.read(regs::VERSION) >> 16 != regs::VERSION_1_0 >> 16 {
        return Err(BringUpError::WrongBlock);
    }
    reset(regs, delay)
}

/// Resets the block (aborting any frame) and waits until it is idle, polling `STATUS`
/// every [`RESET_POLL_US`] for up to [`regs::RESET_TIMEOUT_US`] of delays (the delays may
/// run long, never short, so the real bound is at least that). Thread context.
pub fn reset(regs: &dyn Registers, delay: &mut impl DelayNs) -> Result<(), BringUpError> {
    regs.write(regs::CTRL, regs::CTRL_ENABLE | regs::CTRL_RESET);
    let mut waited = 0;
    while regs.read(regs::STATUS) & regs::STATUS_BUSY != 0 {
        if waited >= regs::RESET_TIMEOUT_US {
            return Err(BringUpError::ResetTimeout);
        }
        delay.delay_us(RESET_POLL_US);
        waited += RESET_POLL_US;
    }
    regs.write(regs::IRQ_CLEAR, regs::IRQ_ALL);
    Ok(())
}

/// Bytes one reference or reconstruction buffer needs for a `width` x `height` picture.
pub fn work_size(regs: &dyn Registers, width: u32, height: u32) -> usize {
    let mbs = width.div_ceil(16) as usize * height.div_ceil(16) as usize;
    regs.read(regs::WORK_MB_BYTES) as usize * mbs
}

/// Programs every register of one frame (the block is idle: the framework runs one job at
/// a time) and starts it. The interrupt follows.
pub fn start_frame(regs: &dyn Registers, f: &FrameSetup) {
    let s = &f.source;
    let writes = [
        (regs::FRAME_SIZE, f.width | f.height << 16),
        (regs::INPUT_FORMAT, s.format),
        (regs::SRC_Y, s.y),
        (regs::SRC_CB, s.cb),
        (regs::SRC_CR, s.cr),
        (regs::SRC_Y_STRIDE, s.y_stride),
        (regs::SRC_C_STRIDE, s.c_stride),
        (regs::OUT_ADDR, f.out_addr),
        (regs::OUT_SIZE, f.out_size),
        (regs::FRAME_TYPE, f.frame_type),
        (regs::QP, u32::from(f.qp)),
        (regs::QP_MAP, 0),
        (regs::HEADERS, f.headers),
        (regs::FRAME_NUM, f.frame_num),
        (regs::IDR_PIC_ID, u32::from(f.idr_pic_id)),
        (regs::REF_ADDR, f.reference),
        (regs::RECON_ADDR, f.recon),
        (regs::FPS_NUM, f.fps.0),
        (regs::FPS_DEN, f.fps.1),
        (regs::SLICE_ROWS, 0),
        (regs::CODING, 0),
        (regs::IRQ_MASK, regs::IRQ_ALL),
    ];
    for (reg, value) in writes {
        regs.write(reg, value);
    }
    regs.write(regs::CTRL, regs::CTRL_ENABLE | regs::CTRL_START);
}

/// Starts the programmed frame again with another QP (after an overflow). Interrupt
/// context is fine: two register writes.
pub fn restart_with_qp(regs: &dyn Registers, qp: u8) {
    regs.write(regs::QP, u32::from(qp));
    regs.write(regs::CTRL, regs::CTRL_ENABLE | regs::CTRL_START);
}

/// Reads and clears the interrupt causes. Interrupt context.
pub fn take_irq(regs: &dyn Registers) -> u32 {
    let causes = regs.read(regs::IRQ_STATUS);
    regs.write(regs::IRQ_CLEAR, causes);
    causes
}

/// `PROGRESS`: macroblocks of the running frame done so far. Any context.
pub fn progress(regs: &dyn Registers) -> u32 {
    regs.read(regs::PROGRESS)
}

/// What the last finished frame reports.
pub fn report(regs: &dyn Registers) -> FrameReport {
    FrameReport {
        bytes: regs.read(regs::OUT_BYTES),
        bits: regs.read(regs::STAT_BITS),
        header_bits: regs.read(regs::STAT_HEADER_BITS),
        qp_sum: regs.read(regs::STAT_QP_SUM),
        sad: regs.read(regs::STAT_SAD),
        intra_mbs: regs.read(regs::STAT_INTRA_MBS),
        skip_mbs: regs.read(regs::STAT_SKIP_MBS),
    }
}
