//! The source-change state of one file: a decoder found a new stream format, so the
//! CAPTURE queue must be set up again before decoding goes on.
//!
//! ```text
//!   detected, CAPTURE streaming: last_pending + setup_pending
//!   detected, CAPTURE stopped:   setup_pending
//!   LAST buffer completed:       clears last_pending
//!   STREAMON(CAPTURE):           clears setup_pending
//!   STREAMOFF (either queue):    clears last_pending
//! ```
//!
//! While `last_pending` holds, the next queued CAPTURE buffer is completed as the empty
//! LAST one and no job runs; `setup_pending` is what the driver sees as
//! [`QueueStatus::capture_setup_pending`](crate::QueueStatus).

/// Where a source change stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) struct SourceChange {
    last_pending: bool,
    setup_pending: bool,
}

impl SourceChange {
    /// No source change.
    pub(crate) const NONE: SourceChange = SourceChange { last_pending: false, setup_pending: false };

    /// The driver reported a new format; a streaming CAPTURE queue ends its stream with
    /// an empty LAST buffer first.
    pub(crate) fn detected(self, capture_streaming: bool) -> SourceChange {
        SourceChange { last_pending: self.last_pending || capture_streaming, setup_pending: true }
    }

    /// The LAST CAPTURE buffer was completed.
    pub(crate) fn last_buffer_done(self) -> SourceChange {
        SourceChange { last_pending: false, ..self }
    }

    /// STREAMON(CAPTURE): the application set the CAPTURE queue up again.
    pub(crate) fn capture_started(self) -> SourceChange {
        SourceChange { setup_pending: false, ..self }
    }

    /// STREAMOFF of either queue: no LAST buffer is owed any more.
    pub(crate) fn stream_stopped(self) -> SourceChange {
        SourceChange { last_pending: false, ..self }
    }

    /// Whether the next queued CAPTURE buffer is owed as the empty LAST one (jobs wait).
    pub(crate) fn last_pending(self) -> bool {
        self.last_pending
    }

    /// Whether the CAPTURE queue still has to be set up for the new format.
    pub(crate) fn setup_pending(self) -> bool {
        self.setup_pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_while_capturing_owes_a_last_buffer_and_a_new_setup() {
        let s = SourceChange::NONE.detected(true);
        assert!(s.last_pending() && s.setup_pending());
        let s = s.last_buffer_done();
        assert!(!s.last_pending() && s.setup_pending());
        let s = s.capture_started();
        assert_eq!(s, SourceChange::NONE);
    }

    #[test]
    fn a_change_before_capture_streams_only_asks_for_setup() {
        let s = SourceChange::NONE.detected(false);
        assert!(!s.last_pending() && s.setup_pending());
    }

    #[test]
    fn a_second_change_keeps_the_owed_last_buffer() {
        let s = SourceChange::NONE.detected(true).detected(false);
        assert!(s.last_pending());
    }

    #[test]
    fn streamoff_cancels_the_last_buffer_but_not_the_setup() {
        let s = SourceChange::NONE.detected(true).stream_stopped();
        assert!(!s.last_pending() && s.setup_pending());
    }
}
