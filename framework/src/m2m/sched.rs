//! The job scheduler: one engine serves many files, one job at a time, in the order the
//! files became ready. Each file is queued at most once ([`JobFlags::queued`]), so the
//! ring of `F` slots never overflows.
//!
//! ```text
//!   file ready ──enqueue──▶ ready ring ──next──▶ running ──finish──▶ (engine free)
//! ```

use crate::fifo::Fifo;

/// A file's part in scheduling.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) struct JobFlags {
    /// In the ready ring.
    pub(crate) queued: bool,
    /// Its job is on the engine.
    pub(crate) running: bool,
    /// OUTPUT buffers the running job has taken (bounded by `CodecOps::JOB_OUTPUT_BUFFERS`).
    pub(crate) outputs: u16,
}

impl JobFlags {
    /// Whether the file may be put in the ready ring.
    pub(crate) fn can_queue(&self) -> bool {
        !self.queued && !self.running
    }

    /// The job starts on the engine.
    pub(crate) fn start(&mut self) {
        self.running = true;
        self.outputs = 0;
    }

    /// Whether the driver may take another OUTPUT buffer: a running job's share of the
    /// input is bounded by `limit`, so that the other files get turns.
    pub(crate) fn output_allowed(&self, limit: usize) -> bool {
        !(self.running && usize::from(self.outputs) >= limit)
    }

    /// The driver took an OUTPUT buffer.
    pub(crate) fn output_taken(&mut self) {
        self.outputs = self.outputs.saturating_add(1);
    }
}

/// The ready ring of file slots and the one whose job runs.
pub(crate) struct Scheduler<const F: usize> {
    ready: Fifo<u16, F>,
    running: Option<u16>,
}

impl<const F: usize> Scheduler<F> {
    /// No file ready, the engine free.
    pub(crate) const fn new() -> Self {
        Self { ready: Fifo::new(0), running: None }
    }

    /// Puts `slot` in the ready ring (the caller marked it queued).
    pub(crate) fn enqueue(&mut self, slot: u16) {
        let queued = self.ready.push(slot);
        debug_assert!(queued, "the job queue holds every file at most once");
    }

    /// The next file to run, now marked running; `None` while a job runs or none is ready.
    pub(crate) fn next(&mut self) -> Option<u16> {
        if self.running.is_some() {
            return None;
        }
        let slot = self.ready.pop()?;
        self.running = Some(slot);
        Some(slot)
    }

    /// The job of `slot` ended; false (and nothing changes) if it is not the running one.
    pub(crate) fn finish(&mut self, slot: u16) -> bool {
        if self.running != Some(slot) {
            return false;
        }
        self.running = None;
        true
    }

    /// The job chosen by [`Scheduler::next`] did not start after all.
    pub(crate) fn abandon(&mut self) {
        self.running = None;
    }

    /// Whether a file waits for the engine.
    pub(crate) fn has_ready(&self) -> bool {
        self.ready.len() > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_run_one_at_a_time_in_ready_order() {
        let mut s = Scheduler::<3>::new();
        s.enqueue(2);
        s.enqueue(0);
        assert_eq!(s.next(), Some(2));
        assert_eq!(s.next(), None, "the engine is busy");
        assert!(s.has_ready());
        assert!(!s.finish(0), "only the running file's job may end");
        assert!(s.finish(2));
        assert!(!s.finish(2), "a second finish is refused");
        assert_eq!(s.next(), Some(0));
        s.abandon();
        assert_eq!(s.next(), None);
        assert!(!s.has_ready());
    }

    #[test]
    fn a_job_takes_outputs_up_to_its_limit() {
        let mut job = JobFlags::default();
        assert!(job.can_queue());
        job.start();
        assert!(!job.can_queue());
        for _ in 0..2 {
            assert!(job.output_allowed(2));
            job.output_taken();
        }
        assert!(!job.output_allowed(2));
        job.running = false;
        assert!(job.output_allowed(2), "outside a job nothing is bounded");
    }
}
