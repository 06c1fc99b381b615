//! A thin wrapper over OpenH264's decoder: one access unit in, at most one picture out,
//! with the input timestamp carried through OpenH264 (so it stays right even if the
//! decoder delays pictures), and frame-by-frame flushing for drains.

use core::ptr::null_mut;

use openh264::decoder::{Decoder, DecoderConfig, Flush};
use openh264::OpenH264API;
use openh264_sys2::{SBufferInfo, DECODER_OPTION_NUM_OF_FRAMES_REMAINING_IN_BUFFER};

use crate::bitstream::SpsInfo;

/// An OpenH264 decoder instance.
pub(crate) struct RawDecoder {
    inner: Decoder,
}

/// A picture inside OpenH264's memory, valid until the next call on the decoder.
pub(crate) struct FrameView<'a> {
    pub y: &'a [u8],
    pub u: &'a [u8],
    pub v: &'a [u8],
    pub stride_y: usize,
    pub stride_uv: usize,
    pub width: usize,
    pub height: usize,
    pub timestamp: u64,
}

/// A picture copied out of OpenH264 (packed I420, visible size).
pub(crate) struct Frame {
    pub data: Vec<u8>,
    pub width: usize,
    pub height: usize,
    pub timestamp: u64,
    pub idr: bool,
}

/// What decoding one access unit gave.
pub(crate) enum DecodeOutcome<'a> {
    /// A picture is ready.
    Frame(FrameView<'a>),
    /// The unit was consumed; no picture yet (or a header-only unit).
    NoFrame,
    /// OpenH264 reported an error for the unit.
    Error,
}

fn geometry_of(width: usize, height: usize) -> SpsInfo {
    SpsInfo {
        coded_width: width as u32,
        coded_height: height as u32,
        crop: (0, 0, width as u32, height as u32),
        max_num_ref_frames: 0,
        max_num_reorder_frames: 0,
        profile_idc: 0,
        chroma_format_idc: 1,
        bit_depth_luma: 8,
        bit_depth_chroma: 8,
        frame_mbs_only: true,
        transform_bypass: false,
    }
}

impl FrameView<'_> {
    /// A copy of the picture that outlives the decoder call.
    pub fn to_frame(&self, idr: bool) -> Frame {
        let (w, h) = (self.width, self.height);
        let mut data = Vec::with_capacity(w * h * 3 / 2);
        for r in 0..h {
            data.extend_from_slice(&self.y[r * self.stride_y..r * self.stride_y + w]);
        }
        for plane in [self.u, self.v] {
            for r in 0..h / 2 {
                data.extend_from_slice(&plane[r * self.stride_uv..r * self.stride_uv + w / 2]);
            }
        }
        Frame { data, width: w, height: h, timestamp: self.timestamp, idr }
    }

    /// A geometry with no cropping, for a picture whose stream geometry is unknown.
    pub fn geometry(&self) -> SpsInfo {
        geometry_of(self.width, self.height)
    }
}

impl Frame {
    /// A geometry with no cropping, for a picture whose stream geometry is unknown.
    pub fn geometry(&self) -> SpsInfo {
        geometry_of(self.width, self.height)
    }
}

/// Builds a view of the picture OpenH264 returned, or `None` if it returned none.
///
/// # Safety
/// `dst` and `info` must come from a successful OpenH264 decode or flush call on a decoder
/// that is not called again while the view lives.
unsafe fn view<'a>(dst: &[*mut u8; 3], info: &SBufferInfo) -> Option<FrameView<'a>> {
    if info.iBufferStatus != 1 || dst.iter().any(|p| p.is_null()) {
        return None;
    }
    // SAFETY: reading the union member OpenH264 fills for system-memory output (the only
    // output mode of this decoder).
    let sys = unsafe { info.UsrData.sSystemBuffer };
    let (width, height) = (sys.iWidth.max(0) as usize, sys.iHeight.max(0) as usize);
    let (stride_y, stride_uv) = (sys.iStride[0].max(0) as usize, sys.iStride[1].max(0) as usize);
    if width == 0 || height == 0 || stride_y < width || stride_uv < width / 2 {
        return None;
    }
    let y_len = stride_y * (height - 1) + width;
    let uv_len = stride_uv * (height / 2).saturating_sub(1) + width / 2;
    // SAFETY: OpenH264 returned these planes for a `width`x`height` picture with these
    // strides; they stay valid until the next call on the decoder, which the caller's
    // borrow of the decoder prevents.
    let (y, u, v) = unsafe {
        (
            core::slice::from_raw_parts(dst[0], y_len),
            core::slice::from_raw_parts(dst[1], uv_len),
            core::slice::from_raw_parts(dst[2], uv_len),
        )
    };
    Some(FrameView { y, u, v, stride_y, stride_uv, width, height, timestamp: info.uiOutYuvTimeStamp })
}

impl RawDecoder {
    /// Creates an instance (the heavy part of a decoder's set-up).
    pub fn new() -> Result<Self, openh264::Error> {
        let config = DecoderConfig::new().flush_after_decode(Flush::NoFlush);
        Ok(Self { inner: Decoder::with_api_config(OpenH264API::from_source(), config)? })
    }

    /// Decodes one access unit (Annex B, start codes included) that began at `timestamp`.
    pub fn decode(&mut self, unit: &[u8], timestamp: u64) -> DecodeOutcome<'_> {
        let Ok(len) = i32::try_from(unit.len()) else { return DecodeOutcome::Error };
        let mut dst = [null_mut::<u8>(); 3];
        let mut info = SBufferInfo { uiInBsTimeStamp: timestamp, ..SBufferInfo::default() };
        // SAFETY: `unit` is valid for `len` bytes; `dst` and `info` are valid out-pointers
        // of the types OpenH264's DecodeFrameNoDelay expects.
        let state =
            unsafe { self.inner.raw_api().decode_frame_no_delay(unit.as_ptr(), len, dst.as_mut_ptr(), &mut info) };
        if state != 0 {
            return DecodeOutcome::Error;
        }
        // SAFETY: the call succeeded; the view borrows `self` until the next call.
        match unsafe { view(&dst, &info) } {
            Some(frame) => DecodeOutcome::Frame(frame),
            None => DecodeOutcome::NoFrame,
        }
    }

    /// Pictures OpenH264 still holds (reordering delay).
    pub fn frames_in_buffer(&mut self) -> usize {
        let mut n: i32 = 0;
        // SAFETY: the option takes a pointer to an int.
        let rc = unsafe {
            self.inner
                .raw_api()
                .get_option(DECODER_OPTION_NUM_OF_FRAMES_REMAINING_IN_BUFFER, (&mut n as *mut i32).cast())
        };
        if rc == 0 {
            n.max(0) as usize
        } else {
            0
        }
    }

    /// Takes one held picture out, copied.
    pub fn flush_one(&mut self) -> Option<Frame> {
        let mut dst = [null_mut::<u8>(); 3];
        let mut info = SBufferInfo::default();
        // SAFETY: valid out-pointers for FlushFrame.
        let state = unsafe { self.inner.raw_api().flush_frame(dst.as_mut_ptr(), &mut info) };
        if state != 0 {
            return None;
        }
        // SAFETY: the call succeeded; the view is copied before any other call.
        unsafe { view(&dst, &info) }.map(|v| v.to_frame(false))
    }
}
