//! The driver's side of rate control: which QP the next frame gets, fed with what the
//! block reports.

use crate::block::FrameReport;
use crate::controls::Params;

/// The rate state of one stream.
#[derive(Clone, Copy, Debug)]
pub struct Rate {
    i_qp: u8,
    p_qp: u8,
    bounds: (u8, u8),
}

impl Rate {
    /// Rate control for a stream of `mbs` macroblocks per picture at `fps` frames per second.
    pub fn new(params: &Params, fps: (u32, u32), mbs: u32) -> Self {
        let _ = (fps, mbs);
        Self { i_qp: params.i_qp, p_qp: params.p_qp, bounds: params.qp_bounds() }
    }

    /// New controls or frame rate, from the next frame on.
    pub fn reconfigure(&mut self, params: &Params, fps: (u32, u32)) {
        let _ = fps;
        self.i_qp = params.i_qp;
        self.p_qp = params.p_qp;
        self.bounds = params.qp_bounds();
    }

    /// The QP of the next frame.
    pub fn qp(&mut self, idr: bool) -> u8 {
        let qp = if idr { self.i_qp } else { self.p_qp };
        qp.clamp(self.bounds.0, self.bounds.1)
    }

    /// The QP to encode a frame that overflowed its buffer at `qp` once more with, if any.
    pub fn retry_qp(&self, qp: u8) -> Option<u8> {
        (qp < 51).then(|| (qp + 8).min(51))
    }

    /// The block finished a frame.
    pub fn done(&mut self, report: &FrameReport, idr: bool) {
        let _ = (report, idr);
    }

    /// A frame was lost (the block failed).
    pub fn lost(&mut self) {}
}
