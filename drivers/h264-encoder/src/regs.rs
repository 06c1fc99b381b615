//! The VENC block's registers (docs/encoder-block.md is the datasheet section), and
//! [`Registers`], the one way the driver reaches them.

/// Register access to one VENC block: volatile 32-bit MMIO on a board, the block's model
/// on the host. Implementations must be callable from threads and from the block's
/// interrupt handler.
pub trait Registers: Sync {
    /// Reads the 32-bit register at byte offset `offset`.
    fn read(&self, offset: usize) -> u32;
    /// Writes the 32-bit register at byte offset `offset`.
    fn write(&self, offset: usize, value: u32);
}

/// `ID`: reads [`ID_VALUE`].
pub const ID: usize = 0x000;
/// `VERSION`: bits 31:16 major, 15:0 minor.
pub const VERSION: usize = 0x004;
/// `CTRL`: [`CTRL_ENABLE`], [`CTRL_RESET`], [`CTRL_START`].
pub const CTRL: usize = 0x008;
/// `STATUS`: [`STATUS_BUSY`].
pub const STATUS: usize = 0x00C;
/// `IRQ_STATUS` (write 1 to clear): the `IRQ_*` bits.
pub const IRQ_STATUS: usize = 0x010;
/// `IRQ_MASK`: 1 enables the interrupt for that `IRQ_*` cause.
pub const IRQ_MASK: usize = 0x014;
/// `IRQ_CLEAR` (write only): 1s clear those bits of `IRQ_STATUS`.
pub const IRQ_CLEAR: usize = 0x018;
/// `ERROR`: cause of the last failed frame (`ERROR_*`).
pub const ERROR: usize = 0x01C;
/// `FRAME_SIZE`: bits 15:0 width, 31:16 height.
pub const FRAME_SIZE: usize = 0x020;
/// `INPUT_FORMAT`: `INPUT_NV12`, `INPUT_I420`, `INPUT_YUYV`.
pub const INPUT_FORMAT: usize = 0x024;
/// `SRC_Y`: bus address of the luma (or packed YUYV) plane.
pub const SRC_Y: usize = 0x028;
/// `SRC_CB`: the CbCr plane (NV12) or the Cb plane (I420).
pub const SRC_CB: usize = 0x02C;
/// `SRC_CR`: the Cr plane (I420).
pub const SRC_CR: usize = 0x030;
/// `SRC_Y_STRIDE`: bytes per luma (or packed) line.
pub const SRC_Y_STRIDE: usize = 0x034;
/// `SRC_C_STRIDE`: bytes per chroma line.
pub const SRC_C_STRIDE: usize = 0x038;
/// `OUT_ADDR`: bus address of the bitstream buffer.
pub const OUT_ADDR: usize = 0x040;
/// `OUT_SIZE`: capacity of the bitstream buffer in bytes.
pub const OUT_SIZE: usize = 0x044;
/// `OUT_BYTES`: bytes the last frame wrote.
pub const OUT_BYTES: usize = 0x048;
/// `FRAME_TYPE`: [`FRAME_IDR`] or [`FRAME_P`].
pub const FRAME_TYPE: usize = 0x050;
/// `QP`: slice QP, 0 to 51.
pub const QP: usize = 0x054;
/// `QP_MAP`: bus address of the per-macroblock QP offsets, or 0.
pub const QP_MAP: usize = 0x058;
/// `HEADERS`: [`HEADERS_NONE`], [`HEADERS_BEFORE_IDR`] or [`HEADERS_ONLY`].
pub const HEADERS: usize = 0x05C;
/// `FRAME_NUM`: frames since the last IDR.
pub const FRAME_NUM: usize = 0x060;
/// `IDR_PIC_ID`: `idr_pic_id` of an IDR frame.
pub const IDR_PIC_ID: usize = 0x064;
/// `REF_ADDR`: bus address of the reference frame.
pub const REF_ADDR: usize = 0x068;
/// `RECON_ADDR`: bus address of the reconstruction written by this frame.
pub const RECON_ADDR: usize = 0x06C;
/// `WORK_MB_BYTES`: bytes per macroblock each of the reference and reconstruction
/// buffers needs (a constant, readable while the block is busy).
pub const WORK_MB_BYTES: usize = 0x070;
/// `FPS_NUM`: frame rate numerator (VUI).
pub const FPS_NUM: usize = 0x074;
/// `FPS_DEN`: frame rate denominator (VUI).
pub const FPS_DEN: usize = 0x078;
/// `SLICE_ROWS`: macroblock rows per slice, 0 for one slice.
pub const SLICE_ROWS: usize = 0x07C;
/// `CODING`: [`CODING_NO_DEBLOCK`] and the search range in bits 15:8.
pub const CODING: usize = 0x080;
/// `PROGRESS` (read only): macroblocks of the running frame the block has finished; 0
/// after `START` and `RESET`. It stops moving when the block hangs.
pub const PROGRESS: usize = 0x084;
/// `STAT_BITS`: bits the last frame wrote.
pub const STAT_BITS: usize = 0x090;
/// `STAT_HEADER_BITS`: of which headers, modes and motion vectors.
pub const STAT_HEADER_BITS: usize = 0x094;
/// `STAT_QP_SUM`: sum of the macroblocks' QPs.
pub const STAT_QP_SUM: usize = 0x098;
/// `STAT_SAD`: luma SAD between source and prediction (saturating).
pub const STAT_SAD: usize = 0x09C;
/// `STAT_INTRA_MBS`: intra-coded macroblocks.
pub const STAT_INTRA_MBS: usize = 0x0A0;
/// `STAT_SKIP_MBS`: skipped macroblocks.
pub const STAT_SKIP_MBS: usize = 0x0A4;

/// What `ID` reads: "VENC".
pub const ID_VALUE: u32 = 0x5645_4E43;
/// What `VERSION` reads for the block this driver supports (major 1).
pub const VERSION_1_0: u32 = 0x0001_0000;

/// `CTRL` bit: clock on.
pub const CTRL_ENABLE: u32 = 1 << 0;
/// `CTRL` bit (self-clearing): reset the block.
pub const CTRL_RESET: u32 = 1 << 1;
/// `CTRL` bit (self-clearing): encode one frame.
pub const CTRL_START: u32 = 1 << 2;
/// `STATUS` bit: a frame or a reset is in progress.
pub const STATUS_BUSY: u32 = 1 << 0;

/// Interrupt cause: the frame is done.
pub const IRQ_FRAME_DONE: u32 = 1 << 0;
/// Interrupt cause: the bitstream did not fit `OUT_SIZE`.
pub const IRQ_OVERFLOW: u32 = 1 << 1;
/// Interrupt cause: an address, stride or size pointed outside bus memory.
pub const IRQ_BUS_ERROR: u32 = 1 << 2;
/// Interrupt cause: a register held a value out of range.
pub const IRQ_CONFIG_ERROR: u32 = 1 << 3;
/// Every interrupt cause.
pub const IRQ_ALL: u32 = IRQ_FRAME_DONE | IRQ_OVERFLOW | IRQ_BUS_ERROR | IRQ_CONFIG_ERROR;

/// `ERROR`: no error.
pub const ERROR_NONE: u32 = 0;
/// `ERROR`: output overflow.
pub const ERROR_OVERFLOW: u32 = 1;
/// `ERROR`: bus error.
pub const ERROR_BUS: u32 = 2;
/// `ERROR`: configuration error.
pub const ERROR_CONFIG: u32 = 3;

/// `INPUT_FORMAT`: NV12.
pub const INPUT_NV12: u32 = 0;
/// `INPUT_FORMAT`: I420 (three planes).
pub const INPUT_I420: u32 = 1;
/// `INPUT_FORMAT`: YUYV 4:2:2 packed.
pub const INPUT_YUYV: u32 = 2;

/// `FRAME_TYPE`: IDR.
pub const FRAME_IDR: u32 = 0;
/// `FRAME_TYPE`: P.
pub const FRAME_P: u32 = 1;

/// `HEADERS`: the picture only.
pub const HEADERS_NONE: u32 = 0;
/// `HEADERS`: SPS and PPS, then the picture.
pub const HEADERS_BEFORE_IDR: u32 = 1;
/// `HEADERS`: SPS and PPS alone.
pub const HEADERS_ONLY: u32 = 2;

/// `CODING` bit: disable the in-loop deblocking filter.
pub const CODING_NO_DEBLOCK: u32 = 1 << 0;
/// `CODING`: shift of the motion search range field (bits 15:8).
pub const CODING_SEARCH_SHIFT: u32 = 8;

/// Longest reset, in microseconds.
pub const RESET_US: u32 = 100;
/// How long the driver waits for a reset before it gives up, in microseconds: a thousand
/// times [`RESET_US`], so that a loaded system (a board whose delays run long, a modelled
/// block whose threads are starved) never turns a slow reset into a failed one.
pub const RESET_TIMEOUT_US: u32 = 1000 * RESET_US;
