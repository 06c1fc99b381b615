//! The drain state machine of one file (the STOP and START commands of a stateful codec).
//!
//! ```text
//!            STOP, n OUTPUT queued        driver took the n-th
//!   Idle ───────────────────────▶ Stopping{n} ──────────────▶ Draining
//!    ▲  └──── STOP, none queued ───────────────────────────────▲  │ driver drained
//!    │                                                            ▼
//!    └──START── Stopped ◀── LAST buffer completed ──────────── LastPending
//! ```
//!
//! STREAMOFF of either queue returns to `Idle` from anywhere, except STREAMOFF(CAPTURE)
//! while CAPTURE is set up again after a resolution change; the LAST buffer of a
//! resolution change leaves the state as it is (the drain continues). Every transition is a pure
//! function of the state; the m2m layer applies the effects (EOS event, the empty LAST
//! buffer, scheduling).

use crate::driver::CodecCommand;
use crate::error::{Errno, Result};

/// Where a drain stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) enum Drain {
    /// No drain.
    #[default]
    Idle,
    /// STOP received; `outputs_left` OUTPUT buffers queued before it are still to be taken.
    Stopping { outputs_left: u16 },
    /// Every OUTPUT buffer before STOP was taken; the driver flushes.
    Draining,
    /// The driver finished; the next CAPTURE buffer will be the empty LAST one.
    LastPending,
    /// The LAST buffer was completed; jobs wait for START or STREAMOFF.
    Stopped,
}

/// What a STOP or START command did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum CommandEffect {
    /// Nothing changed (STOP after the drain ended): the driver is not told.
    None,
    /// The drain state changed (or START on a running stream): tell the driver.
    Changed,
    /// START after a finished drain: as `Changed`, and DQBUF stops answering `EPIPE`.
    Resumed,
}

impl Drain {
    /// A STOP or START command with `outputs_queued` OUTPUT buffers not yet taken.
    /// `EBUSY` while a drain is in progress.
    pub(crate) fn command(self, command: CodecCommand, outputs_queued: usize) -> Result<(Drain, CommandEffect)> {
        match (command, self) {
            (_, Drain::Stopping { .. } | Drain::Draining | Drain::LastPending) => Err(Errno::EBUSY),
            (CodecCommand::Stop, Drain::Stopped) => Ok((self, CommandEffect::None)),
            (CodecCommand::Stop, Drain::Idle) => {
                let next = match outputs_queued {
                    0 => Drain::Draining,
                    // At most BUFFERS (a queue holds at most 256).
                    left => Drain::Stopping { outputs_left: u16::try_from(left).unwrap_or(u16::MAX) },
                };
                Ok((next, CommandEffect::Changed))
            }
            (CodecCommand::Start, Drain::Stopped) => Ok((Drain::Idle, CommandEffect::Resumed)),
            (CodecCommand::Start, Drain::Idle) => Ok((Drain::Idle, CommandEffect::Changed)),
        }
    }

    /// The driver took an OUTPUT buffer.
    pub(crate) fn output_taken(self) -> Drain {
        match self {
            Drain::Stopping { outputs_left } if outputs_left <= 1 => Drain::Draining,
            Drain::Stopping { outputs_left } => Drain::Stopping { outputs_left: outputs_left - 1 },
            other => other,
        }
    }

    /// The driver says it emitted everything it holds.
    pub(crate) fn driver_drained(self) -> Drain {
        match self {
            Drain::Stopping { .. } | Drain::Draining => Drain::LastPending,
            other => other,
        }
    }

    /// A CAPTURE buffer flagged LAST was completed; the second value says whether that
    /// ended a drain (the file then gets an EOS event). The LAST buffer of a resolution
    /// change is not the end of a drain: the drain goes on once CAPTURE is set up again,
    /// and ends later with its own LAST buffer (dev-decoder.rst, "Drain" and "Dynamic
    /// resolution change").
    pub(crate) fn last_buffer_done(self, resolution_change: bool) -> (Drain, bool) {
        match self {
            _ if resolution_change => (self, false),
            Drain::Stopping { .. } | Drain::Draining | Drain::LastPending => (Drain::Stopped, true),
            other => (other, false),
        }
    }

    /// STREAMOFF of a queue: the drain ends, unless CAPTURE stops to be set up again
    /// after a resolution change (`capture_reconfigured`), which the drain outlives.
    pub(crate) fn stream_stopped(self, capture_reconfigured: bool) -> Drain {
        if capture_reconfigured {
            self
        } else {
            Drain::Idle
        }
    }

    /// Whether the driver may take OUTPUT buffers: once every buffer queued before STOP
    /// was taken, later ones belong to the stream after START.
    pub(crate) fn accepts_output(self) -> bool {
        matches!(self, Drain::Idle | Drain::Stopping { .. })
    }

    /// Whether jobs wait (for the LAST buffer's CAPTURE buffer, or for START).
    pub(crate) fn holds_jobs(self) -> bool {
        matches!(self, Drain::LastPending | Drain::Stopped)
    }

    /// Whether the next queued CAPTURE buffer is to be completed as the empty LAST one.
    pub(crate) fn last_pending(self) -> bool {
        self == Drain::LastPending
    }

    /// Whether the driver is flushing (what [`QueueStatus::draining`](crate::QueueStatus) reports).
    pub(crate) fn flushing(self) -> bool {
        self == Drain::Draining
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_with_queued_output_counts_them_down_then_drains() {
        let (d, effect) = Drain::Idle.command(CodecCommand::Stop, 2).unwrap();
        assert_eq!((d, effect), (Drain::Stopping { outputs_left: 2 }, CommandEffect::Changed));
        assert!(d.accepts_output() && !d.flushing());
        let d = d.output_taken();
        assert_eq!(d, Drain::Stopping { outputs_left: 1 });
        let d = d.output_taken();
        assert_eq!(d, Drain::Draining);
        assert!(!d.accepts_output() && d.flushing() && !d.holds_jobs());
    }

    #[test]
    fn stop_with_nothing_queued_drains_at_once() {
        assert_eq!(Drain::Idle.command(CodecCommand::Stop, 0), Ok((Drain::Draining, CommandEffect::Changed)));
    }

    #[test]
    fn drained_then_last_buffer_ends_with_eos_and_holds_jobs() {
        let d = Drain::Draining.driver_drained();
        assert_eq!(d, Drain::LastPending);
        assert!(d.last_pending() && d.holds_jobs() && !d.accepts_output());
        let (d, eos) = d.last_buffer_done(false);
        assert_eq!((d, eos), (Drain::Stopped, true));
        assert!(d.holds_jobs() && !d.last_pending());
    }

    #[test]
    fn a_driver_may_drain_before_taking_every_output() {
        assert_eq!(Drain::Stopping { outputs_left: 3 }.driver_drained(), Drain::LastPending);
    }

    #[test]
    fn last_buffer_outside_a_drain_changes_nothing() {
        assert_eq!(Drain::Idle.last_buffer_done(false), (Drain::Idle, false));
        assert_eq!(Drain::Stopped.last_buffer_done(false), (Drain::Stopped, false));
        assert_eq!(Drain::Idle.driver_drained(), Drain::Idle);
        assert_eq!(Drain::Stopped.output_taken(), Drain::Stopped);
    }

    #[test]
    fn a_resolution_change_during_a_drain_does_not_end_it() {
        // STOP with two buffers queued; the driver takes one, finds new headers in it and
        // ends the old resolution with a LAST buffer: the drain goes on.
        let d = Drain::Idle.command(CodecCommand::Stop, 2).unwrap().0.output_taken();
        assert_eq!(d.last_buffer_done(true), (Drain::Stopping { outputs_left: 1 }, false));
        assert!(d.accepts_output() && !d.holds_jobs());
        // The rest is decoded at the new resolution, then the drain ends on its own LAST.
        let d = d.output_taken();
        assert_eq!(d.last_buffer_done(true), (Drain::Draining, false));
        let d = d.driver_drained();
        assert_eq!(d.last_buffer_done(true), (Drain::LastPending, false));
        assert_eq!(d.last_buffer_done(false), (Drain::Stopped, true));
        // Setting CAPTURE up again keeps the drain; any other STREAMOFF ends it.
        assert_eq!(Drain::Draining.stream_stopped(true), Drain::Draining);
        assert_eq!(Drain::Draining.stream_stopped(false), Drain::Idle);
        assert_eq!(Drain::LastPending.stream_stopped(false), Drain::Idle);
        // Outside a drain the change's LAST buffer changes nothing either.
        assert_eq!(Drain::Idle.last_buffer_done(true), (Drain::Idle, false));
        assert_eq!(Drain::Stopped.last_buffer_done(true), (Drain::Stopped, false));
    }

    #[test]
    fn commands_during_a_drain_are_busy() {
        for d in [Drain::Stopping { outputs_left: 1 }, Drain::Draining, Drain::LastPending] {
            assert_eq!(d.command(CodecCommand::Stop, 0), Err(Errno::EBUSY));
            assert_eq!(d.command(CodecCommand::Start, 0), Err(Errno::EBUSY));
        }
    }

    #[test]
    fn start_resumes_a_stopped_stream_and_stop_again_is_a_no_op() {
        assert_eq!(Drain::Stopped.command(CodecCommand::Stop, 4), Ok((Drain::Stopped, CommandEffect::None)));
        assert_eq!(Drain::Stopped.command(CodecCommand::Start, 0), Ok((Drain::Idle, CommandEffect::Resumed)));
        assert_eq!(Drain::Idle.command(CodecCommand::Start, 0), Ok((Drain::Idle, CommandEffect::Changed)));
    }
}
