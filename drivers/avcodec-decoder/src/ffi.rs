//! The C shim over libavcodec (`shim/avd.h`) and a safe wrapper around it.
//!
//! Only plain integers, pointers and two `#[repr(C)]` structs of the shim's own cross the
//! boundary; libavcodec's structs stay on the C side, so a libavcodec update never changes
//! what Rust sees. [`Decoder`] owns one shim decoder, [`Picture`] one decoded picture (a
//! reference to libavcodec's frame buffers, released on drop).

use core::ffi::c_int;
use core::marker::{PhantomData, PhantomPinned};
use core::ptr::{self, NonNull};

/// The shim's decoder (opaque).
#[repr(C)]
struct RawDecoder {
    _data: [u8; 0],
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

/// The shim's picture (opaque).
#[repr(C)]
struct RawPicture {
    _data: [u8; 0],
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

/// `struct avd_picture_info`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PictureInfo {
    /// Decoded width (crop not applied).
    pub width: i32,
    /// Decoded height (crop not applied).
    pub height: i32,
    /// Columns cropped on the left.
    pub crop_left: u32,
    /// Lines cropped at the top.
    pub crop_top: u32,
    /// Columns cropped on the right.
    pub crop_right: u32,
    /// Lines cropped at the bottom.
    pub crop_bottom: u32,
    /// `AVD_FORMAT_*`.
    pub format: i32,
    /// Non-zero for a key frame.
    pub key: i32,
    /// Non-zero when the picture was concealed or is otherwise damaged.
    pub corrupt: i32,
    /// The timestamp of the compressed frame the picture came from.
    pub pts: i64,
}

/// `struct avd_stream_info`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct RawStreamInfo {
    coded_width: i32,
    coded_height: i32,
    refs: i32,
    reorder: i32,
}

const AVD_AGAIN: c_int = 1;
/// `EINVAL`, negated as the shim's errors are.
const EINVAL: i32 = 22;
const AVD_EOF: c_int = 2;
/// `AVD_FORMAT_YUV420`: 8-bit 4:2:0.
pub const FORMAT_YUV420: i32 = 0;
/// `AVD_FORMAT_YUV420P10`: 10-bit 4:2:0.
pub const FORMAT_YUV420P10: i32 = 2;
/// `AVD_FORMAT_YUV422`: 8-bit 4:2:2.
pub const FORMAT_YUV422: i32 = 3;

extern "C" {
    fn avd_open(codec: c_int) -> *mut RawDecoder;
    fn avd_open_probe(codec: c_int) -> *mut RawDecoder;
    fn avd_close(d: *mut RawDecoder);
    fn avd_parse(
        d: *mut RawDecoder,
        input: *const u8,
        in_len: c_int,
        out: *mut *const u8,
        out_len: *mut c_int,
        out_offset: *mut i64,
    ) -> c_int;
    fn avd_send(d: *mut RawDecoder, data: *const u8, len: c_int, pts: i64) -> c_int;
    fn avd_receive(d: *mut RawDecoder, picture: *mut *mut RawPicture, info: *mut PictureInfo) -> c_int;
    fn avd_stream_info(d: *const RawDecoder, info: *mut RawStreamInfo);
    fn avd_flush(d: *mut RawDecoder) -> c_int;
    fn avd_picture_copy(picture: *const RawPicture, component: c_int, dst: *mut u8, stride: c_int, len: usize)
        -> c_int;
    fn avd_picture_free(picture: *mut RawPicture);
}

/// Which bitstream a decoder reads (`AVD_CODEC_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    /// H.264 Annex B.
    H264 = 0,
    /// HEVC Annex B.
    Hevc = 1,
    /// VP9 frames (one per buffer).
    Vp9 = 2,
}

/// The shim refused a call (a negative AVERROR code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AvError(pub i32);

/// What [`Decoder::receive`] found.
pub enum Received {
    /// The next picture in display order.
    Picture(Picture),
    /// More input is needed.
    Again,
    /// The drain is over: every picture was returned.
    Eof,
}

/// One libavcodec decoder with its frame splitter.
pub struct Decoder {
    raw: NonNull<RawDecoder>,
    codec: Codec,
}

// SAFETY: the decoder is only reached through `&mut self` (or `&self` for reads of plain
// fields), so one thread at a time uses it; libavcodec contexts may move between threads.
unsafe impl Send for Decoder {}

impl Decoder {
    /// A decoder of `codec`, or `None` if libavcodec has none or memory ran out.
    pub fn new(codec: Codec) -> Option<Decoder> {
        // SAFETY: `avd_open` takes a plain integer and returns a fresh decoder or NULL.
        let raw = unsafe { avd_open(codec as c_int) };
        NonNull::new(raw).map(|raw| Decoder { raw, codec })
    }

    /// A decoder of `codec` whose pictures have the right geometry and format but not
    /// the right samples (no error concealment, deblocking or residual): for probes.
    pub fn for_geometry(codec: Codec) -> Option<Decoder> {
        // SAFETY: `avd_open_probe` takes a plain integer and returns a fresh decoder or NULL.
        let raw = unsafe { avd_open_probe(codec as c_int) };
        NonNull::new(raw).map(|raw| Decoder { raw, codec })
    }

    /// The bitstream it reads.
    pub fn codec(&self) -> Codec {
        self.codec
    }

    /// Feeds `input` to the frame splitter (empty: the end of the stream). Returns how many
    /// bytes it took and, when a frame became complete, a copy of it with the stream offset
    /// of its first byte.
    pub fn parse(&mut self, input: &[u8]) -> (usize, Option<(Vec<u8>, u64)>) {
        let len = c_int::try_from(input.len()).unwrap_or(c_int::MAX);
        let (mut out, mut out_len, mut offset) = (ptr::null(), 0, 0i64);
        // SAFETY: `input` is valid for `len` bytes; the out pointers point at locals.
        let used = unsafe { avd_parse(self.raw.as_ptr(), input.as_ptr(), len, &mut out, &mut out_len, &mut offset) };
        let frame = match usize::try_from(out_len) {
            Ok(n) if n > 0 && !out.is_null() => {
                // SAFETY: the shim points `out` at `out_len` bytes it keeps valid until the
                // next call on this decoder; they are copied before that.
                let bytes = unsafe { core::slice::from_raw_parts(out, n) };
                Some((bytes.to_vec(), u64::try_from(offset).unwrap_or(0)))
            }
            _ => None,
        };
        (usize::try_from(used).unwrap_or(input.len()).min(input.len()), frame)
    }

    /// Decodes one compressed frame with timestamp `pts`; an empty `data` starts the drain.
    pub fn send(&mut self, data: &[u8], pts: i64) -> Result<(), AvError> {
        let len = c_int::try_from(data.len()).map_err(|_| AvError(-EINVAL))?;
        let p = if data.is_empty() { ptr::null() } else { data.as_ptr() };
        // SAFETY: `p` is NULL or valid for `len` bytes; the shim copies them.
        let ret = unsafe { avd_send(self.raw.as_ptr(), p, len, pts) };
        if ret < 0 {
            Err(AvError(ret))
        } else {
            Ok(())
        }
    }

    /// The next decoded picture, in display order.
    pub fn receive(&mut self) -> Result<Received, AvError> {
        let mut raw = ptr::null_mut();
        let mut info = PictureInfo::default();
        // SAFETY: the out pointers point at locals.
        let ret = unsafe { avd_receive(self.raw.as_ptr(), &mut raw, &mut info) };
        match ret {
            AVD_AGAIN => Ok(Received::Again),
            AVD_EOF => Ok(Received::Eof),
            0 => NonNull::new(raw).map(|raw| Received::Picture(Picture { raw, info })).ok_or(AvError(ret)),
            _ => Err(AvError(ret)),
        }
    }

    fn stream_info(&self) -> RawStreamInfo {
        let mut info = RawStreamInfo::default();
        // SAFETY: the out pointer points at a local; the decoder is valid.
        unsafe { avd_stream_info(self.raw.as_ptr(), &mut info) };
        info
    }

    /// Reference frames and reorder depth of the active sequence.
    pub fn stream_needs(&self) -> (u32, u32) {
        let info = self.stream_info();
        (u32::try_from(info.refs).unwrap_or(0), u32::try_from(info.reorder).unwrap_or(0))
    }

    /// Whether a sequence header was decoded (the coded size is known).
    pub fn has_sequence(&self) -> bool {
        let info = self.stream_info();
        info.coded_width > 0 && info.coded_height > 0
    }

    /// Drops every held picture and buffered byte; parameter sets stay known.
    pub fn flush(&mut self) -> Result<(), AvError> {
        // SAFETY: the decoder is valid.
        let ret = unsafe { avd_flush(self.raw.as_ptr()) };
        if ret < 0 {
            Err(AvError(ret))
        } else {
            Ok(())
        }
    }
}

impl Drop for Decoder {
    fn drop(&mut self) {
        // SAFETY: the decoder is valid and not used again; pictures hold their own
        // references to frame buffers, so they may outlive it.
        unsafe { avd_close(self.raw.as_ptr()) };
    }
}

/// A decoded picture (its frame buffers stay referenced until it is dropped).
pub struct Picture {
    raw: NonNull<RawPicture>,
    /// Its size, crop, format, flags and timestamp.
    pub info: PictureInfo,
}

// SAFETY: a picture is a reference-counted frame that only this value uses; libavcodec's
// buffer references may be released from any thread.
unsafe impl Send for Picture {}

/// A component of a picture, as [`Picture::copy_to`] writes it (`AVD_COMPONENT_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Component {
    /// Luma.
    Y = 0,
    /// Cb.
    U = 1,
    /// Cr.
    V = 2,
    /// Cb and Cr interleaved (the second plane of NV12, NV16 and P010).
    Uv = 3,
}

impl Picture {
    /// Copies `component` of the whole decoded area into `dst`, lines `stride` bytes apart.
    /// 10-bit samples become 16-bit little-endian words with the value in the top bits
    /// (P010). `Err` if the picture is of another format than 8-bit 4:2:0, 10-bit 4:2:0 or
    /// 8-bit 4:2:2, or `dst` is too small (nothing is written past it).
    pub fn copy_to(&self, component: Component, dst: &mut [u8], stride: usize) -> Result<(), AvError> {
        let stride = c_int::try_from(stride).map_err(|_| AvError(-EINVAL))?;
        // SAFETY: `dst` is valid for writes of `dst.len()` bytes, which the shim checks
        // every line against; the picture is valid.
        let ret =
            unsafe { avd_picture_copy(self.raw.as_ptr(), component as c_int, dst.as_mut_ptr(), stride, dst.len()) };
        if ret < 0 {
            Err(AvError(ret))
        } else {
            Ok(())
        }
    }
}

impl Drop for Picture {
    fn drop(&mut self) {
        // SAFETY: the picture is valid and not used again.
        unsafe { avd_picture_free(self.raw.as_ptr()) };
    }
}
