//! The lower half for the VENC H.264 encoder block (docs/encoder-block.md): a `#![no_std]`
//! driver that presents the V4L2 stateful encoder interface (dev-encoder.rst) on top of a
//! stateless, register-programmed block that encodes one frame per start.
//!
//! - [`regs`]: the register map and [`regs::Registers`], the only way the driver reaches
//!   the block (volatile MMIO on a board, the block's model on the host).

#![no_std]
#![deny(missing_docs)]

pub mod regs;
