//! The group-of-pictures and header plan of one stream: which frame is an IDR, when SPS
//! and PPS are written and where (in their own CAPTURE buffer or in front of the IDR), and
//! the `frame_num` / `idr_pic_id` counters the block writes into the slice headers.
//!
//! Pure state, no I/O: the driver asks [`Gop::plan`] what the next frame is, programs the
//! block, and reports the outcome with [`Gop::frame_done`] or [`Gop::frame_lost`].

/// Where SPS and PPS go (`V4L2_CID_MPEG_VIDEO_HEADER_MODE`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum HeaderMode {
    /// In a CAPTURE buffer of their own, before the first frame (`..._SEPARATE`).
    Separate,
    /// In front of the first frame, in its CAPTURE buffer (`..._JOINED_WITH_1ST_FRAME`).
    Joined,
}

/// The GOP controls of a stream.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct GopConfig {
    /// `V4L2_CID_MPEG_VIDEO_GOP_SIZE`: an IDR every this many frames (0: only the first).
    pub gop_size: u32,
    /// `V4L2_CID_MPEG_VIDEO_H264_I_PERIOD`: also an IDR every this many frames (0: none).
    /// Every intra frame of this Constrained Baseline block is an IDR.
    pub i_period: u32,
    /// `V4L2_CID_MPEG_VIDEO_HEADER_MODE`.
    pub header_mode: HeaderMode,
    /// `V4L2_CID_MPEG_VIDEO_REPEAT_SEQ_HEADER`: SPS and PPS before every IDR, not only
    /// the first.
    pub repeat_headers: bool,
}

/// The next thing the block must produce for the stream.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Step {
    /// SPS and PPS alone, into a CAPTURE buffer of their own; no OUTPUT frame is used.
    Headers,
    /// One frame.
    Frame(FramePlan),
}

/// How to encode the next frame.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FramePlan {
    /// An IDR (else a P frame referring to the previous one).
    pub idr: bool,
    /// SPS and PPS in front of the frame, in the same buffer.
    pub headers: bool,
    /// `frame_num` of the slice headers.
    pub frame_num: u32,
    /// `idr_pic_id` of an IDR.
    pub idr_pic_id: u16,
}

/// The plan of one stream.
#[derive(Clone, Copy, Debug)]
pub struct Gop {
    config: GopConfig,
    /// Frames encoded since the stream (re)started.
    frames: u64,
    /// Frames since the last IDR.
    since_idr: u32,
    /// The next frame must be an IDR (start, reset, forced, or after a lost frame).
    idr_due: bool,
    /// SPS and PPS are due before the next IDR.
    headers_due: bool,
    /// SPS and PPS were just written in a buffer of their own, for the coming IDR.
    headers_written: bool,
    idr_pic_id: u16,
}

impl Gop {
    /// A stream that starts with SPS, PPS and an IDR.
    pub const fn new(config: GopConfig) -> Self {
        Self {
            config,
            frames: 0,
            since_idr: 0,
            idr_due: true,
            headers_due: true,
            headers_written: false,
            idr_pic_id: 0,
        }
    }

    /// New GOP controls, applied from the next frame on.
    pub fn reconfigure(&mut self, config: GopConfig) {
        self.config = config;
    }

    /// The stream starts again (STREAMOFF/STREAMON of CAPTURE: a reset): the next output
    /// decodes on its own, so SPS, PPS and an IDR come first.
    pub fn restart(&mut self) {
        self.frames = 0;
        self.idr_due = true;
        self.headers_due = true;
        self.headers_written = false;
    }

    /// `V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME`: the next frame is an IDR.
    pub fn force_idr(&mut self) {
        self.idr_due = true;
    }

    /// Whether the next frame is an IDR by the GOP rules or a request.
    fn next_is_idr(&self) -> bool {
        let every = |period: u32| period > 0 && self.frames % u64::from(period) == 0;
        self.idr_due || every(self.config.gop_size) || every(self.config.i_period)
    }

    /// What the block must produce next.
    pub fn plan(&self) -> Step {
        let idr = self.next_is_idr();
        let headers = idr && (self.headers_due || self.config.repeat_headers) && !self.headers_written;
        if headers && self.config.header_mode == HeaderMode::Separate {
            return Step::Headers;
        }
        Step::Frame(FramePlan {
            idr,
            headers,
            frame_num: if idr { 0 } else { self.since_idr },
            idr_pic_id: self.idr_pic_id,
        })
    }

    /// SPS and PPS went out in a buffer of their own: the IDR follows without them.
    pub fn headers_done(&mut self) {
        self.headers_due = false;
        self.headers_written = true;
        // The headers announce an IDR: it comes next whatever the GOP counters say.
        self.idr_due = true;
    }

    /// The frame `plan` described was encoded and delivered.
    pub fn frame_done(&mut self, plan: &FramePlan) {
        self.frames += 1;
        self.headers_written = false;
        if plan.idr {
            self.since_idr = 1;
            self.idr_due = false;
            self.headers_due = false;
            self.idr_pic_id = self.idr_pic_id.wrapping_add(1);
        } else {
            self.since_idr = self.since_idr.wrapping_add(1);
        }
    }

    /// The frame was not delivered (the block failed): its reference is gone for the
    /// decoder, so the next frame is an IDR.
    pub fn frame_lost(&mut self) {
        self.frames += 1;
        self.idr_due = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;
    use std::vec::Vec;

    fn config(gop_size: u32, i_period: u32, header_mode: HeaderMode, repeat_headers: bool) -> GopConfig {
        GopConfig { gop_size, i_period, header_mode, repeat_headers }
    }

    /// Runs `n` steps, returning 'H' (headers alone), 'I' (IDR), 'J' (headers + IDR), 'P'.
    fn pattern(gop: &mut Gop, n: usize) -> String {
        (0..n)
            .map(|_| match gop.plan() {
                Step::Headers => {
                    gop.headers_done();
                    'H'
                }
                Step::Frame(plan) => {
                    gop.frame_done(&plan);
                    match (plan.idr, plan.headers) {
                        (true, true) => 'J',
                        (true, false) => 'I',
                        _ => 'P',
                    }
                }
            })
            .collect()
    }

    #[test]
    fn joined_headers_come_with_the_first_idr_only() {
        let mut gop = Gop::new(config(4, 0, HeaderMode::Joined, false));
        assert_eq!(pattern(&mut gop, 9), "JPPPIPPPI");
    }

    #[test]
    fn separate_headers_take_their_own_buffer_and_can_repeat() {
        let mut gop = Gop::new(config(3, 0, HeaderMode::Separate, false));
        assert_eq!(pattern(&mut gop, 8), "HIPPIPPI");
        let mut gop = Gop::new(config(3, 0, HeaderMode::Separate, true));
        assert_eq!(pattern(&mut gop, 9), "HIPPHIPPH");
        let mut gop = Gop::new(config(3, 0, HeaderMode::Joined, true));
        assert_eq!(pattern(&mut gop, 7), "JPPJPPJ");
    }

    #[test]
    fn i_period_and_gop_size_both_place_idrs() {
        let mut gop = Gop::new(config(6, 4, HeaderMode::Joined, false));
        assert_eq!(pattern(&mut gop, 13), "JPPPIPIPIPPPI");
        let mut gop = Gop::new(config(0, 0, HeaderMode::Joined, false));
        assert_eq!(pattern(&mut gop, 6), "JPPPPP");
    }

    #[test]
    fn forced_and_lost_frames_make_the_next_frame_an_idr() {
        let mut gop = Gop::new(config(10, 0, HeaderMode::Joined, false));
        assert_eq!(pattern(&mut gop, 3), "JPP");
        gop.force_idr();
        assert_eq!(pattern(&mut gop, 2), "IP");
        gop.frame_lost();
        assert_eq!(pattern(&mut gop, 2), "IP");
        gop.restart();
        assert_eq!(pattern(&mut gop, 2), "JP");
    }

    #[test]
    fn counters_follow_the_slice_header_rules() {
        let mut gop = Gop::new(config(3, 0, HeaderMode::Joined, false));
        let mut seen = Vec::new();
        for _ in 0..7 {
            let Step::Frame(plan) = gop.plan() else { panic!("joined mode has no header step") };
            seen.push((plan.idr, plan.frame_num, plan.idr_pic_id));
            gop.frame_done(&plan);
        }
        assert_eq!(
            seen,
            [(true, 0, 0), (false, 1, 1), (false, 2, 1), (true, 0, 1), (false, 1, 2), (false, 2, 2), (true, 0, 2)]
        );
    }
}
