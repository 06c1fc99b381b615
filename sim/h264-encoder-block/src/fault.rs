//! Faults a test injects into the block (a host-side API: no register reaches them).

/// A one-shot fault: it applies to the next frame the block starts (the next `START` that
/// is not refused with `CONFIG_ERROR`), then the block works normally again. Injecting a
/// fault while another is armed replaces it; `RESET` does not disarm it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The frame never completes: no interrupt, `STATUS.BUSY` stays set until `RESET`, and
    /// nothing is written to memory.
    Hang,
    /// The frame ends with `OVERFLOW` (`ERROR` = 1) as if `OUT_SIZE` were too small.
    Overflow,
    /// The frame ends with `BUS_ERROR` (`ERROR` = 2) as if a transfer had faulted.
    BusError,
}
