//! Host model of the VENC H.264 encoder block (docs/encoder-block.md is its datasheet
//! section). The driver in `drivers/h264-encoder` programs a [`VencBlock`] through
//! [`h264_encoder::regs::Registers`] exactly as it programs the block's MMIO on a board.
//!
//! - `regfile`: the register file: access rules (RO, W1C, self-clearing
//!   bits, `CTRL.ENABLE` gating), `WORK_MB_BYTES`, the statistics registers.
//! - `setup`: the range checks of `CTRL.START` (a value out of range is
//!   `CONFIG_ERROR`) and the frame the registers describe.
//! - `bus`: [`Bus`], the block's bus-master port, and [`ArenaBus`] over a board's
//!   [`v4l2m2m::MemoryArena`]: an access outside one allocated buffer is a bus fault.
//! - `engine`: the engine thread: reads the source, reference and QP map
//!   over the bus, runs the encoder core ([`h264_encoder_core`]) with exactly the
//!   programmed type and QP, writes the bitstream and the reconstruction, waits the frame
//!   time ([`Timing`]), then raises the interrupt.
//! - `fault`: one-shot [`Fault`]s a test injects: hang, output overflow, bus error.
//! - `timing`: [`Timing`], how long a frame and a reset take.
//! - `block`: [`VencBlock`], which ties them together.
//!
//! # Use
//!
//! ```
//! use h264_encoder::regs::*;
//! use h264_encoder_block::{Fault, Timing, VencBlock};
//! use std::time::Duration;
//!
//! // A board's arena (here over leaked memory; the sim board's is `board().arena().arena`).
//! let mem: &'static mut [u8] = Box::leak(vec![0u8; 1 << 20].into_boxed_slice());
//! // SAFETY: the leaked memory lives for the rest of the process and only the arena uses it.
//! let arena = unsafe { v4l2m2m::MemoryArena::<16>::new(mem.as_mut_ptr(), mem.len(), 0x4000_0000, 4096) };
//! let arena: &'static v4l2m2m::MemoryArena<16> = Box::leak(Box::new(arena));
//!
//! let block: &'static VencBlock = Box::leak(Box::new(VencBlock::over_arena(arena)));
//! block.set_irq_handler(Box::new(move || {
//!     let status = block.read(IRQ_STATUS); // the driver's interrupt handler runs here
//!     block.write(IRQ_STATUS, status);
//! }));
//! block.set_timing(Timing { per_mb: Duration::from_micros(5), ..Timing::DEFAULT });
//! block.inject(Fault::Hang); // the next frame never ends
//!
//! // The driver sees only `Registers`.
//! let regs: &'static dyn Registers = block;
//! regs.write(CTRL, CTRL_ENABLE | CTRL_RESET);
//! while regs.read(STATUS) & STATUS_BUSY != 0 {}
//! assert_eq!(regs.read(ID), ID_VALUE);
//! ```
//!
//! # The interrupt line
//!
//! The line is active while `IRQ_STATUS & IRQ_MASK` is not zero. The handler registered
//! with [`VencBlock::set_irq_handler`] is called on the engine thread each time the line
//! goes from inactive to active (a frame ending, or software unmasking a pending cause), as
//! an interrupt controller latches a rising line. A handler that returns without clearing
//! the cause is not called again in a loop: the next call comes after the line has dropped
//! (a W1C write to `IRQ_STATUS` or `IRQ_CLEAR`, or masking) and risen again. A line that
//! rises and drops again before the engine thread gets to it calls nothing. The handler is
//! never called with a lock of the model held, so it may read and write the registers; nor
//! does the model hold its lock while it uses the bus (whose arena takes a critical
//! section), so registers may be accessed from inside a critical section too.
//!
//! # Choices where the register map leaves room
//!
//! - A frame that fails sets its error bit alone (`OVERFLOW`, `BUS_ERROR` or
//!   `CONFIG_ERROR`), never together with `FRAME_DONE`; `OUT_BYTES` and the statistics
//!   read 0 after it, and no byte was written to the bitstream buffer, the reconstruction
//!   or the reference.
//! - `CONFIG_ERROR` is decided at `START`, from the registers then: the frame does not
//!   start (`BUSY` stays clear) and the interrupt follows at once. `START` while busy (a
//!   frame or a reset in progress) is refused the same way and leaves the running frame
//!   alone.
//! - `ERROR` is cleared by every `START` the block accepts and written when a frame ends
//!   (0, or the code of its failure) and when a `START` is refused (3).
//! - Registers are sampled at `START`: writes while a frame runs (which the datasheet
//!   forbids) do not disturb it and apply to the next one.
//! - `CTRL` is written as a whole: `RESET` and `START` act only if the value written keeps
//!   `ENABLE` set. `CTRL.RESET` reads 1 while the reset runs; `START` reads 0.
//! - Sizes: width 16 to 4096 and height 16 to 2304, both even. `FPS_NUM` and `FPS_DEN`
//!   must not be 0 (both read 0 after reset, so software must program them).
//! - Enumerations (`INPUT_FORMAT`, `FRAME_TYPE`, `QP`, `HEADERS`) keep whatever is written,
//!   so that `START` can refuse an out-of-range value; fields with a documented width
//!   (`IDR_PIC_ID` 15:0, `CODING` bits 0 and 15:8, `IRQ_MASK` 3:0) drop reserved bits.
//! - Every transfer must lie inside one buffer of the bus: each source plane over
//!   `stride * (rows - 1) + line bytes`, the reference and the reconstruction over
//!   `WORK_MB_BYTES` per macroblock, the QP map over one byte per macroblock, and the bitstream buffer over
//!   the whole `OUT_SIZE`. A stride shorter than a line is a `CONFIG_ERROR`.
//! - `RESET` aborts a frame at once, but a frame already writing its results finishes those
//!   transfers (reporting nothing); `STATUS.BUSY` stays set until they are over, so memory
//!   is the driver's again once `BUSY` clears after a reset, as the datasheet's sequence
//!   has it.
//! - Clearing `ENABLE` does not abort a frame (use `RESET`). `WORK_MB_BYTES`, a constant
//!   "readable at any time", reads like `ID` and `VERSION` also while `ENABLE` is clear.
//! - `CTRL` with both `RESET` and `START` set resets (a start during the reset would be
//!   refused anyway).

#![deny(missing_docs)]

mod block;
mod bus;
mod engine;
mod fault;
mod regfile;
mod setup;
mod timing;

pub use block::VencBlock;
pub use bus::{ArenaBus, Bus, BusFault};
pub use fault::Fault;
pub use timing::Timing;
