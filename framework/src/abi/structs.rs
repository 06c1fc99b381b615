//! `#[repr(C)]` mirrors of the structs and unions of `<linux/videodev2.h>`.
//!
//! See the module documentation of [`crate::abi`] for the naming rules.

use core::ffi::{c_char, c_int, c_long, c_ulong, c_void};
use core::fmt;
use core::ptr;

use super::consts::{V4L2_CTRL_MAX_DIMS, V4L2_ENC_IDX_ENTRIES, VIDEO_MAX_PLANES};

/// Implements `Default` (as [`zeroed`](v4l2_buffer::zeroed)) for each listed type.
macro_rules! default_is_zeroed {
    ($($t:ident),* $(,)?) => {$(
        impl Default for $t {
            fn default() -> Self {
                Self::zeroed()
            }
        }
    )*};
}

/// Implements an opaque `Debug` for each listed union: which member is live is only
/// known from context, so the contents are not printed.
macro_rules! opaque_union_debug {
    ($($t:ident),* $(,)?) => {$(
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($t), " { .. }"))
            }
        }
    )*};
}

/// Analog TV standard bit set (`v4l2_std_id`, one bit per `V4L2_STD_*`).
pub type v4l2_std_id = u64;

// ---------------------------------------------------------------------------------------
// libc time types used inside V4L2 structs
// ---------------------------------------------------------------------------------------

/// Seconds and microseconds, as userspace's `struct timeval` (`long` fields).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct timeval {
    /// Whole seconds.
    pub tv_sec: c_long,
    /// Microseconds within the second.
    pub tv_usec: c_long,
}

impl timeval {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { tv_sec: 0, tv_usec: 0 }
    }
}

/// Seconds and nanoseconds, as userspace's `struct timespec` (`long` fields).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct timespec {
    /// Whole seconds.
    pub tv_sec: c_long,
    /// Nanoseconds within the second.
    pub tv_nsec: c_long,
}

impl timespec {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { tv_sec: 0, tv_nsec: 0 }
    }
}

// ---------------------------------------------------------------------------------------
// Small geometry helpers
// ---------------------------------------------------------------------------------------

/// A rectangle: signed top-left corner and unsigned size.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_rect {
    /// X of the top-left corner.
    pub left: i32,
    /// Y of the top-left corner.
    pub top: i32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl v4l2_rect {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { left: 0, top: 0, width: 0, height: 0 }
    }
}

/// A fraction, e.g. a frame interval in seconds.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_fract {
    /// Numerator.
    pub numerator: u32,
    /// Denominator.
    pub denominator: u32,
}

impl v4l2_fract {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { numerator: 0, denominator: 0 }
    }
}

/// A width and a height (payload of `V4L2_CTRL_TYPE_AREA` controls).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_area {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl v4l2_area {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { width: 0, height: 0 }
    }
}

// ---------------------------------------------------------------------------------------
// QUERYCAP
// ---------------------------------------------------------------------------------------

/// Device identity and capabilities (`VIDIOC_QUERYCAP`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_capability {
    /// Driver name, NUL-terminated.
    pub driver: [u8; 16],
    /// Device (card) name, NUL-terminated.
    pub card: [u8; 32],
    /// Bus location, NUL-terminated.
    pub bus_info: [u8; 32],
    /// Version, encoded like `KERNEL_VERSION`.
    pub version: u32,
    /// `V4L2_CAP_*` of the whole physical device.
    pub capabilities: u32,
    /// `V4L2_CAP_*` of this node.
    pub device_caps: u32,
    /// Must be zero.
    pub reserved: [u32; 3],
}

impl v4l2_capability {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            driver: [0; 16],
            card: [0; 32],
            bus_info: [0; 32],
            version: 0,
            capabilities: 0,
            device_caps: 0,
            reserved: [0; 3],
        }
    }
}

// ---------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------

/// Single-planar image format.
///
/// The header's anonymous union `{ ycbcr_enc; hsv_enc; }` holds two `__u32` and is
/// mirrored as the plain field [`ycbcr_enc`](Self::ycbcr_enc), which also carries
/// `hsv_enc` values.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_pix_format {
    /// Image width in pixels.
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// Fourcc (`V4L2_PIX_FMT_*`).
    pub pixelformat: u32,
    /// Field order (`V4L2_FIELD_*`).
    pub field: u32,
    /// Line stride in bytes (0: let the driver choose).
    pub bytesperline: u32,
    /// Bytes needed for one image.
    pub sizeimage: u32,
    /// Colour space (`V4L2_COLORSPACE_*`).
    pub colorspace: u32,
    /// Private value; `V4L2_PIX_FMT_PRIV_MAGIC` means the fields after it are valid
    /// (kernel name `priv`, a Rust keyword).
    pub priv_: u32,
    /// `V4L2_PIX_FMT_FLAG_*`.
    pub flags: u32,
    /// Y'CbCr encoding (`V4L2_YCBCR_ENC_*`), or HSV encoding (`V4L2_HSV_ENC_*`) for
    /// HSV formats (the header's `hsv_enc` shares this slot).
    pub ycbcr_enc: u32,
    /// Quantization range (`V4L2_QUANTIZATION_*`).
    pub quantization: u32,
    /// Transfer function (`V4L2_XFER_FUNC_*`).
    pub xfer_func: u32,
}

impl v4l2_pix_format {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            width: 0,
            height: 0,
            pixelformat: 0,
            field: 0,
            bytesperline: 0,
            sizeimage: 0,
            colorspace: 0,
            priv_: 0,
            flags: 0,
            ycbcr_enc: 0,
            quantization: 0,
            xfer_func: 0,
        }
    }
}

/// Size and stride of one plane of a multi-planar format (packed in C).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_plane_pix_format {
    /// Bytes needed for this plane.
    pub sizeimage: u32,
    /// Line stride of this plane in bytes.
    pub bytesperline: u32,
    /// Must be zero.
    pub reserved: [u16; 6],
}

impl v4l2_plane_pix_format {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { sizeimage: 0, bytesperline: 0, reserved: [0; 6] }
    }
}

/// Multi-planar image format (packed in C).
///
/// The anonymous union `{ ycbcr_enc; hsv_enc; }` of two `__u8` is mirrored as the plain
/// field [`ycbcr_enc`](Self::ycbcr_enc).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_pix_format_mplane {
    /// Image width in pixels.
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// Fourcc (`V4L2_PIX_FMT_*`).
    pub pixelformat: u32,
    /// Field order (`V4L2_FIELD_*`).
    pub field: u32,
    /// Colour space (`V4L2_COLORSPACE_*`).
    pub colorspace: u32,
    /// Per-plane size and stride; the first `num_planes` entries are used.
    pub plane_fmt: [v4l2_plane_pix_format; VIDEO_MAX_PLANES],
    /// Number of planes in use.
    pub num_planes: u8,
    /// `V4L2_PIX_FMT_FLAG_*`.
    pub flags: u8,
    /// Y'CbCr encoding, or HSV encoding for HSV formats (shares the header's `hsv_enc`).
    pub ycbcr_enc: u8,
    /// Quantization range (`V4L2_QUANTIZATION_*`).
    pub quantization: u8,
    /// Transfer function (`V4L2_XFER_FUNC_*`).
    pub xfer_func: u8,
    /// Must be zero.
    pub reserved: [u8; 7],
}

impl v4l2_pix_format_mplane {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            width: 0,
            height: 0,
            pixelformat: 0,
            field: 0,
            colorspace: 0,
            plane_fmt: [v4l2_plane_pix_format::zeroed(); VIDEO_MAX_PLANES],
            num_planes: 0,
            flags: 0,
            ycbcr_enc: 0,
            quantization: 0,
            xfer_func: 0,
            reserved: [0; 7],
        }
    }
}

/// One clipping rectangle of an overlay window (linked list in C).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_clip {
    /// The clipped rectangle.
    pub c: v4l2_rect,
    /// Next clip in the list (application pointer).
    pub next: *mut v4l2_clip,
}

impl v4l2_clip {
    /// All-zero value (null `next`).
    pub const fn zeroed() -> Self {
        Self { c: v4l2_rect::zeroed(), next: ptr::null_mut() }
    }
}

/// Overlay window format. Its pointers give [`v4l2_format_fmt`] pointer alignment.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_window {
    /// Window position and size.
    pub w: v4l2_rect,
    /// Field order (`V4L2_FIELD_*`).
    pub field: u32,
    /// Chroma key value.
    pub chromakey: u32,
    /// Application array of clip rectangles.
    pub clips: *mut v4l2_clip,
    /// Number of entries in `clips`.
    pub clipcount: u32,
    /// Application clipping bitmap.
    pub bitmap: *mut c_void,
    /// Global alpha value.
    pub global_alpha: u8,
}

impl v4l2_window {
    /// All-zero value (null pointers).
    pub const fn zeroed() -> Self {
        Self {
            w: v4l2_rect::zeroed(),
            field: 0,
            chromakey: 0,
            clips: ptr::null_mut(),
            clipcount: 0,
            bitmap: ptr::null_mut(),
            global_alpha: 0,
        }
    }
}

/// Raw VBI format.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_vbi_format {
    /// Sampling rate in Hz.
    pub sampling_rate: u32,
    /// Samples from the line sync to the first stored sample.
    pub offset: u32,
    /// Samples per line.
    pub samples_per_line: u32,
    /// Sample format fourcc.
    pub sample_format: u32,
    /// First captured line of each field.
    pub start: [i32; 2],
    /// Number of captured lines of each field.
    pub count: [u32; 2],
    /// `V4L2_VBI_*` flags.
    pub flags: u32,
    /// Must be zero.
    pub reserved: [u32; 2],
}

impl v4l2_vbi_format {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            sampling_rate: 0,
            offset: 0,
            samples_per_line: 0,
            sample_format: 0,
            start: [0; 2],
            count: [0; 2],
            flags: 0,
            reserved: [0; 2],
        }
    }
}

/// Sliced VBI format.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_sliced_vbi_format {
    /// Union of all services in `service_lines`.
    pub service_set: u16,
    /// Services per line, for each of the two fields.
    pub service_lines: [[u16; 24]; 2],
    /// Bytes needed for one read/write.
    pub io_size: u32,
    /// Must be zero.
    pub reserved: [u32; 2],
}

impl v4l2_sliced_vbi_format {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { service_set: 0, service_lines: [[0; 24]; 2], io_size: 0, reserved: [0; 2] }
    }
}

/// Sliced VBI capabilities (`VIDIOC_G_SLICED_VBI_CAP`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_sliced_vbi_cap {
    /// Union of all services in `service_lines`.
    pub service_set: u16,
    /// Services per line, for each of the two fields.
    pub service_lines: [[u16; 24]; 2],
    /// Buffer type (`V4L2_BUF_TYPE_*`).
    pub type_: u32,
    /// Must be zero.
    pub reserved: [u32; 3],
}

impl v4l2_sliced_vbi_cap {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { service_set: 0, service_lines: [[0; 24]; 2], type_: 0, reserved: [0; 3] }
    }
}

/// Software defined radio format (packed in C).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_sdr_format {
    /// Sample format fourcc (`V4L2_SDR_FMT_*`).
    pub pixelformat: u32,
    /// Bytes needed for one buffer.
    pub buffersize: u32,
    /// Must be zero.
    pub reserved: [u8; 24],
}

impl v4l2_sdr_format {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { pixelformat: 0, buffersize: 0, reserved: [0; 24] }
    }
}

/// Metadata format (packed in C).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_meta_format {
    /// Metadata format fourcc (`V4L2_META_FMT_*`).
    pub dataformat: u32,
    /// Bytes needed for one buffer.
    pub buffersize: u32,
}

impl v4l2_meta_format {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { dataformat: 0, buffersize: 0 }
    }
}

/// The format union of [`v4l2_format`] (C: `fmt`); `type_` selects the live member.
///
/// 200 bytes; pointer-aligned because of [`v4l2_window`].
#[repr(C)]
#[derive(Clone, Copy)]
pub union v4l2_format_fmt {
    /// Single-planar video (`VIDEO_CAPTURE` / `VIDEO_OUTPUT`).
    pub pix: v4l2_pix_format,
    /// Multi-planar video (`*_MPLANE`).
    pub pix_mp: v4l2_pix_format_mplane,
    /// Overlay window.
    pub win: v4l2_window,
    /// Raw VBI.
    pub vbi: v4l2_vbi_format,
    /// Sliced VBI.
    pub sliced: v4l2_sliced_vbi_format,
    /// Software defined radio.
    pub sdr: v4l2_sdr_format,
    /// Metadata.
    pub meta: v4l2_meta_format,
    /// Raw bytes, the whole union.
    pub raw_data: [u8; 200],
}

impl v4l2_format_fmt {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { raw_data: [0; 200] }
    }
}

/// Stream data format (`VIDIOC_G_FMT`, `S_FMT`, `TRY_FMT`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_format {
    /// Buffer type (`V4L2_BUF_TYPE_*`), selects the member of `fmt`.
    pub type_: u32,
    /// The format itself.
    pub fmt: v4l2_format_fmt,
}

impl v4l2_format {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { type_: 0, fmt: v4l2_format_fmt::zeroed() }
    }
}

/// One entry of a format enumeration (`VIDIOC_ENUM_FMT`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_fmtdesc {
    /// Enumeration index.
    pub index: u32,
    /// Buffer type (`V4L2_BUF_TYPE_*`).
    pub type_: u32,
    /// `V4L2_FMT_FLAG_*`.
    pub flags: u32,
    /// Human-readable name, NUL-terminated.
    pub description: [u8; 32],
    /// Fourcc (`V4L2_PIX_FMT_*`).
    pub pixelformat: u32,
    /// Media bus code filter (0: none).
    pub mbus_code: u32,
    /// Must be zero.
    pub reserved: [u32; 3],
}

impl v4l2_fmtdesc {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { index: 0, type_: 0, flags: 0, description: [0; 32], pixelformat: 0, mbus_code: 0, reserved: [0; 3] }
    }
}

// ---------------------------------------------------------------------------------------
// Frame sizes and intervals
// ---------------------------------------------------------------------------------------

/// One discrete frame size.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_frmsize_discrete {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl v4l2_frmsize_discrete {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { width: 0, height: 0 }
    }
}

/// A stepwise (or continuous) range of frame sizes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_frmsize_stepwise {
    /// Smallest width.
    pub min_width: u32,
    /// Largest width.
    pub max_width: u32,
    /// Width increment.
    pub step_width: u32,
    /// Smallest height.
    pub min_height: u32,
    /// Largest height.
    pub max_height: u32,
    /// Height increment.
    pub step_height: u32,
}

impl v4l2_frmsize_stepwise {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { min_width: 0, max_width: 0, step_width: 0, min_height: 0, max_height: 0, step_height: 0 }
    }
}

/// The anonymous union of [`v4l2_frmsizeenum`] (Rust field `u`).
#[repr(C)]
#[derive(Clone, Copy)]
pub union v4l2_frmsizeenum_u {
    /// Valid when type is `V4L2_FRMSIZE_TYPE_DISCRETE`.
    pub discrete: v4l2_frmsize_discrete,
    /// Valid for the stepwise and continuous types.
    pub stepwise: v4l2_frmsize_stepwise,
}

impl v4l2_frmsizeenum_u {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { stepwise: v4l2_frmsize_stepwise::zeroed() }
    }
}

/// Frame size enumeration (`VIDIOC_ENUM_FRAMESIZES`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_frmsizeenum {
    /// Enumeration index.
    pub index: u32,
    /// Fourcc the sizes apply to.
    pub pixel_format: u32,
    /// `V4L2_FRMSIZE_TYPE_*`, selects the member of `u`.
    pub type_: u32,
    /// The size or size range (C: anonymous union).
    pub u: v4l2_frmsizeenum_u,
    /// Must be zero.
    pub reserved: [u32; 2],
}

impl v4l2_frmsizeenum {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { index: 0, pixel_format: 0, type_: 0, u: v4l2_frmsizeenum_u::zeroed(), reserved: [0; 2] }
    }
}

/// A stepwise (or continuous) range of frame intervals.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_frmival_stepwise {
    /// Shortest interval in seconds.
    pub min: v4l2_fract,
    /// Longest interval in seconds.
    pub max: v4l2_fract,
    /// Interval increment in seconds.
    pub step: v4l2_fract,
}

impl v4l2_frmival_stepwise {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { min: v4l2_fract::zeroed(), max: v4l2_fract::zeroed(), step: v4l2_fract::zeroed() }
    }
}

/// The anonymous union of [`v4l2_frmivalenum`] (Rust field `u`).
#[repr(C)]
#[derive(Clone, Copy)]
pub union v4l2_frmivalenum_u {
    /// Valid when type is `V4L2_FRMIVAL_TYPE_DISCRETE`.
    pub discrete: v4l2_fract,
    /// Valid for the stepwise and continuous types.
    pub stepwise: v4l2_frmival_stepwise,
}

impl v4l2_frmivalenum_u {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { stepwise: v4l2_frmival_stepwise::zeroed() }
    }
}

/// Frame interval enumeration (`VIDIOC_ENUM_FRAMEINTERVALS`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_frmivalenum {
    /// Enumeration index.
    pub index: u32,
    /// Fourcc the intervals apply to.
    pub pixel_format: u32,
    /// Frame width the intervals apply to.
    pub width: u32,
    /// Frame height the intervals apply to.
    pub height: u32,
    /// `V4L2_FRMIVAL_TYPE_*`, selects the member of `u`.
    pub type_: u32,
    /// The interval or interval range (C: anonymous union).
    pub u: v4l2_frmivalenum_u,
    /// Must be zero.
    pub reserved: [u32; 2],
}

impl v4l2_frmivalenum {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            index: 0,
            pixel_format: 0,
            width: 0,
            height: 0,
            type_: 0,
            u: v4l2_frmivalenum_u::zeroed(),
            reserved: [0; 2],
        }
    }
}

// ---------------------------------------------------------------------------------------
// Buffers
// ---------------------------------------------------------------------------------------

/// SMPTE-style timecode attached to a buffer.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_timecode {
    /// `V4L2_TC_TYPE_*`.
    pub type_: u32,
    /// `V4L2_TC_FLAG_*` / `V4L2_TC_USERBITS_*`.
    pub flags: u32,
    /// Frame count.
    pub frames: u8,
    /// Seconds.
    pub seconds: u8,
    /// Minutes.
    pub minutes: u8,
    /// Hours.
    pub hours: u8,
    /// User bits.
    pub userbits: [u8; 4],
}

impl v4l2_timecode {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { type_: 0, flags: 0, frames: 0, seconds: 0, minutes: 0, hours: 0, userbits: [0; 4] }
    }
}

/// Buffer allocation request (`VIDIOC_REQBUFS`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_requestbuffers {
    /// Requested, then allocated, number of buffers.
    pub count: u32,
    /// Buffer type (`V4L2_BUF_TYPE_*`).
    pub type_: u32,
    /// Memory model (`V4L2_MEMORY_*`).
    pub memory: u32,
    /// Set by the driver: `V4L2_BUF_CAP_*`.
    pub capabilities: u32,
    /// `V4L2_MEMORY_FLAG_*`.
    pub flags: u8,
    /// Must be zero.
    pub reserved: [u8; 3],
}

impl v4l2_requestbuffers {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { count: 0, type_: 0, memory: 0, capabilities: 0, flags: 0, reserved: [0; 3] }
    }
}

/// Location of one plane's memory (C: `v4l2_plane.m`); `memory` selects the member.
#[repr(C)]
#[derive(Clone, Copy)]
pub union v4l2_plane_m {
    /// `V4L2_MEMORY_MMAP`: mmap offset cookie.
    pub mem_offset: u32,
    /// `V4L2_MEMORY_USERPTR`: application address.
    pub userptr: c_ulong,
    /// `V4L2_MEMORY_DMABUF`: dmabuf file descriptor.
    pub fd: i32,
}

impl v4l2_plane_m {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { userptr: 0 }
    }
}

/// One plane of a multi-planar buffer.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_plane {
    /// Bytes of payload in the plane.
    pub bytesused: u32,
    /// Size of the plane's memory in bytes.
    pub length: u32,
    /// Where the plane's memory is.
    pub m: v4l2_plane_m,
    /// Offset of the data from the start of the plane.
    pub data_offset: u32,
    /// Must be zero.
    pub reserved: [u32; 11],
}

impl v4l2_plane {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { bytesused: 0, length: 0, m: v4l2_plane_m::zeroed(), data_offset: 0, reserved: [0; 11] }
    }
}

/// Location of a buffer's memory (C: `v4l2_buffer.m`); `memory` and `type` select the
/// member.
#[repr(C)]
#[derive(Clone, Copy)]
pub union v4l2_buffer_m {
    /// Single-planar `V4L2_MEMORY_MMAP`: mmap offset cookie.
    pub offset: u32,
    /// Single-planar `V4L2_MEMORY_USERPTR`: application address.
    pub userptr: c_ulong,
    /// Multi-planar: application array of `length` planes.
    pub planes: *mut v4l2_plane,
    /// Single-planar `V4L2_MEMORY_DMABUF`: dmabuf file descriptor.
    pub fd: i32,
}

impl v4l2_buffer_m {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { userptr: 0 }
    }
}

/// A video buffer (`VIDIOC_QUERYBUF`, `QBUF`, `DQBUF`, `PREPARE_BUF`).
///
/// The trailing anonymous union `{ __s32 request_fd; __u32 reserved; }` is mirrored as
/// the plain field [`request_fd`](Self::request_fd).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_buffer {
    /// Buffer index in its queue.
    pub index: u32,
    /// Buffer type (`V4L2_BUF_TYPE_*`).
    pub type_: u32,
    /// Bytes of payload (single-planar only).
    pub bytesused: u32,
    /// `V4L2_BUF_FLAG_*`.
    pub flags: u32,
    /// Field order (`V4L2_FIELD_*`).
    pub field: u32,
    /// Timestamp (copied from OUTPUT to CAPTURE by m2m devices).
    pub timestamp: timeval,
    /// Timecode, valid with `V4L2_BUF_FLAG_TIMECODE`.
    pub timecode: v4l2_timecode,
    /// Frame sequence number.
    pub sequence: u32,
    /// Memory model (`V4L2_MEMORY_*`).
    pub memory: u32,
    /// Where the memory is.
    pub m: v4l2_buffer_m,
    /// Single-planar: buffer size in bytes; multi-planar: number of planes.
    pub length: u32,
    /// Must be zero.
    pub reserved2: u32,
    /// Request file descriptor, valid with `V4L2_BUF_FLAG_REQUEST_FD` (the header's
    /// `reserved` shares this slot).
    pub request_fd: i32,
}

impl v4l2_buffer {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            index: 0,
            type_: 0,
            bytesused: 0,
            flags: 0,
            field: 0,
            timestamp: timeval::zeroed(),
            timecode: v4l2_timecode::zeroed(),
            sequence: 0,
            memory: 0,
            m: v4l2_buffer_m::zeroed(),
            length: 0,
            reserved2: 0,
            request_fd: 0,
        }
    }
}

/// Export a buffer as a dmabuf (`VIDIOC_EXPBUF`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_exportbuffer {
    /// Buffer type (`V4L2_BUF_TYPE_*`).
    pub type_: u32,
    /// Buffer index.
    pub index: u32,
    /// Plane index (0 for single-planar).
    pub plane: u32,
    /// Flags for the new file (`O_CLOEXEC`, access mode).
    pub flags: u32,
    /// Set by the driver: the new file descriptor.
    pub fd: i32,
    /// Must be zero.
    pub reserved: [u32; 11],
}

impl v4l2_exportbuffer {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { type_: 0, index: 0, plane: 0, flags: 0, fd: 0, reserved: [0; 11] }
    }
}

/// Create buffers for a given format (`VIDIOC_CREATE_BUFS`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_create_buffers {
    /// Set by the driver: index of the first new buffer.
    pub index: u32,
    /// Requested, then created, number of buffers.
    pub count: u32,
    /// Memory model (`V4L2_MEMORY_*`).
    pub memory: u32,
    /// Format the buffers must fit.
    pub format: v4l2_format,
    /// Set by the driver: `V4L2_BUF_CAP_*`.
    pub capabilities: u32,
    /// `V4L2_MEMORY_FLAG_*`.
    pub flags: u32,
    /// Must be zero.
    pub reserved: [u32; 6],
}

impl v4l2_create_buffers {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            index: 0,
            count: 0,
            memory: 0,
            format: v4l2_format::zeroed(),
            capabilities: 0,
            flags: 0,
            reserved: [0; 6],
        }
    }
}

/// Anonymous `fmt` struct of [`v4l2_framebuffer`].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_framebuffer_fmt {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Fourcc.
    pub pixelformat: u32,
    /// Field order (`V4L2_FIELD_*`).
    pub field: u32,
    /// Line stride in bytes.
    pub bytesperline: u32,
    /// Bytes of one image.
    pub sizeimage: u32,
    /// Colour space (`V4L2_COLORSPACE_*`).
    pub colorspace: u32,
    /// Must be zero (kernel name `priv`).
    pub priv_: u32,
}

impl v4l2_framebuffer_fmt {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { width: 0, height: 0, pixelformat: 0, field: 0, bytesperline: 0, sizeimage: 0, colorspace: 0, priv_: 0 }
    }
}

/// Overlay frame buffer (`VIDIOC_G_FBUF`, `S_FBUF`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_framebuffer {
    /// `V4L2_FBUF_CAP_*`.
    pub capability: u32,
    /// `V4L2_FBUF_FLAG_*`.
    pub flags: u32,
    /// Physical base address of the frame buffer.
    pub base: *mut c_void,
    /// Frame buffer format.
    pub fmt: v4l2_framebuffer_fmt,
}

impl v4l2_framebuffer {
    /// All-zero value (null `base`).
    pub const fn zeroed() -> Self {
        Self { capability: 0, flags: 0, base: ptr::null_mut(), fmt: v4l2_framebuffer_fmt::zeroed() }
    }
}

// ---------------------------------------------------------------------------------------
// Streaming parameters
// ---------------------------------------------------------------------------------------

/// Capture streaming parameters.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_captureparm {
    /// Supported modes (`V4L2_CAP_TIMEPERFRAME`).
    pub capability: u32,
    /// Current mode (`V4L2_MODE_HIGHQUALITY`).
    pub capturemode: u32,
    /// Frame interval in seconds.
    pub timeperframe: v4l2_fract,
    /// Driver-specific mode bits.
    pub extendedmode: u32,
    /// Number of buffers for `read()`.
    pub readbuffers: u32,
    /// Must be zero.
    pub reserved: [u32; 4],
}

impl v4l2_captureparm {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            capability: 0,
            capturemode: 0,
            timeperframe: v4l2_fract::zeroed(),
            extendedmode: 0,
            readbuffers: 0,
            reserved: [0; 4],
        }
    }
}

/// Output streaming parameters.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_outputparm {
    /// Supported modes (`V4L2_CAP_TIMEPERFRAME`).
    pub capability: u32,
    /// Current mode.
    pub outputmode: u32,
    /// Frame interval in seconds.
    pub timeperframe: v4l2_fract,
    /// Driver-specific mode bits.
    pub extendedmode: u32,
    /// Number of buffers for `write()`.
    pub writebuffers: u32,
    /// Must be zero.
    pub reserved: [u32; 4],
}

impl v4l2_outputparm {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            capability: 0,
            outputmode: 0,
            timeperframe: v4l2_fract::zeroed(),
            extendedmode: 0,
            writebuffers: 0,
            reserved: [0; 4],
        }
    }
}

/// The parameter union of [`v4l2_streamparm`] (C: `parm`).
#[repr(C)]
#[derive(Clone, Copy)]
pub union v4l2_streamparm_parm {
    /// Capture-type queues.
    pub capture: v4l2_captureparm,
    /// Output-type queues.
    pub output: v4l2_outputparm,
    /// Raw bytes, the whole union.
    pub raw_data: [u8; 200],
}

impl v4l2_streamparm_parm {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { raw_data: [0; 200] }
    }
}

/// Streaming parameters (`VIDIOC_G_PARM`, `S_PARM`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_streamparm {
    /// Buffer type (`V4L2_BUF_TYPE_*`), selects the member of `parm`.
    pub type_: u32,
    /// The parameters.
    pub parm: v4l2_streamparm_parm,
}

impl v4l2_streamparm {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { type_: 0, parm: v4l2_streamparm_parm::zeroed() }
    }
}

// ---------------------------------------------------------------------------------------
// Cropping and selection
// ---------------------------------------------------------------------------------------

/// Cropping capabilities (`VIDIOC_CROPCAP`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_cropcap {
    /// Buffer type (`V4L2_BUF_TYPE_*`).
    pub type_: u32,
    /// Largest croppable area.
    pub bounds: v4l2_rect,
    /// Default cropping rectangle.
    pub defrect: v4l2_rect,
    /// Pixel aspect ratio (vertical / horizontal).
    pub pixelaspect: v4l2_fract,
}

impl v4l2_cropcap {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { type_: 0, bounds: v4l2_rect::zeroed(), defrect: v4l2_rect::zeroed(), pixelaspect: v4l2_fract::zeroed() }
    }
}

/// Cropping rectangle (`VIDIOC_G_CROP`, `S_CROP`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_crop {
    /// Buffer type (`V4L2_BUF_TYPE_*`).
    pub type_: u32,
    /// The rectangle.
    pub c: v4l2_rect,
}

impl v4l2_crop {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { type_: 0, c: v4l2_rect::zeroed() }
    }
}

/// Selection rectangle (`VIDIOC_G_SELECTION`, `S_SELECTION`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_selection {
    /// Buffer type (single-planar types only).
    pub type_: u32,
    /// `V4L2_SEL_TGT_*`.
    pub target: u32,
    /// `V4L2_SEL_FLAG_*`.
    pub flags: u32,
    /// The rectangle.
    pub r: v4l2_rect,
    /// Must be zero.
    pub reserved: [u32; 9],
}

impl v4l2_selection {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { type_: 0, target: 0, flags: 0, r: v4l2_rect::zeroed(), reserved: [0; 9] }
    }
}

// ---------------------------------------------------------------------------------------
// Video standards, inputs, outputs
// ---------------------------------------------------------------------------------------

/// Analog video standard (`VIDIOC_ENUMSTD`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_standard {
    /// Enumeration index.
    pub index: u32,
    /// `V4L2_STD_*` bits.
    pub id: v4l2_std_id,
    /// Name, NUL-terminated.
    pub name: [u8; 24],
    /// Frame period in seconds.
    pub frameperiod: v4l2_fract,
    /// Lines per frame.
    pub framelines: u32,
    /// Must be zero.
    pub reserved: [u32; 4],
}

impl v4l2_standard {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { index: 0, id: 0, name: [0; 24], frameperiod: v4l2_fract::zeroed(), framelines: 0, reserved: [0; 4] }
    }
}

/// Video input (`VIDIOC_ENUMINPUT`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_input {
    /// Enumeration index.
    pub index: u32,
    /// Name, NUL-terminated.
    pub name: [u8; 32],
    /// `V4L2_INPUT_TYPE_*`.
    pub type_: u32,
    /// Bit set of associated audio inputs.
    pub audioset: u32,
    /// Tuner index, for tuner inputs.
    pub tuner: u32,
    /// Supported `V4L2_STD_*`.
    pub std: v4l2_std_id,
    /// `V4L2_IN_ST_*`.
    pub status: u32,
    /// `V4L2_IN_CAP_*`.
    pub capabilities: u32,
    /// Must be zero.
    pub reserved: [u32; 3],
}

impl v4l2_input {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            index: 0,
            name: [0; 32],
            type_: 0,
            audioset: 0,
            tuner: 0,
            std: 0,
            status: 0,
            capabilities: 0,
            reserved: [0; 3],
        }
    }
}

/// Video output (`VIDIOC_ENUMOUTPUT`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_output {
    /// Enumeration index.
    pub index: u32,
    /// Name, NUL-terminated.
    pub name: [u8; 32],
    /// `V4L2_OUTPUT_TYPE_*`.
    pub type_: u32,
    /// Bit set of associated audio outputs.
    pub audioset: u32,
    /// Modulator index, for modulator outputs.
    pub modulator: u32,
    /// Supported `V4L2_STD_*`.
    pub std: v4l2_std_id,
    /// `V4L2_OUT_CAP_*`.
    pub capabilities: u32,
    /// Must be zero.
    pub reserved: [u32; 3],
}

impl v4l2_output {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { index: 0, name: [0; 32], type_: 0, audioset: 0, modulator: 0, std: 0, capabilities: 0, reserved: [0; 3] }
    }
}

// ---------------------------------------------------------------------------------------
// DV timings
// ---------------------------------------------------------------------------------------

/// BT.656/BT.1120 timings (packed in C).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_bt_timings {
    /// Active width in pixels.
    pub width: u32,
    /// Active height in lines.
    pub height: u32,
    /// `V4L2_DV_PROGRESSIVE` or `V4L2_DV_INTERLACED`.
    pub interlaced: u32,
    /// Sync polarity bits.
    pub polarities: u32,
    /// Pixel clock in Hz.
    pub pixelclock: u64,
    /// Horizontal front porch in pixels.
    pub hfrontporch: u32,
    /// Horizontal sync length in pixels.
    pub hsync: u32,
    /// Horizontal back porch in pixels.
    pub hbackporch: u32,
    /// Vertical front porch in lines.
    pub vfrontporch: u32,
    /// Vertical sync length in lines.
    pub vsync: u32,
    /// Vertical back porch in lines.
    pub vbackporch: u32,
    /// Vertical front porch of the second field.
    pub il_vfrontporch: u32,
    /// Vertical sync length of the second field.
    pub il_vsync: u32,
    /// Vertical back porch of the second field.
    pub il_vbackporch: u32,
    /// Standards the timings belong to.
    pub standards: u32,
    /// Timing flags.
    pub flags: u32,
    /// Picture aspect ratio.
    pub picture_aspect: v4l2_fract,
    /// CEA-861 video identification code.
    pub cea861_vic: u8,
    /// HDMI video identification code.
    pub hdmi_vic: u8,
    /// Must be zero.
    pub reserved: [u8; 46],
}

impl v4l2_bt_timings {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            width: 0,
            height: 0,
            interlaced: 0,
            polarities: 0,
            pixelclock: 0,
            hfrontporch: 0,
            hsync: 0,
            hbackporch: 0,
            vfrontporch: 0,
            vsync: 0,
            vbackporch: 0,
            il_vfrontporch: 0,
            il_vsync: 0,
            il_vbackporch: 0,
            standards: 0,
            flags: 0,
            picture_aspect: v4l2_fract::zeroed(),
            cea861_vic: 0,
            hdmi_vic: 0,
            reserved: [0; 46],
        }
    }
}

/// The anonymous union of [`v4l2_dv_timings`] (Rust field `u`).
#[repr(C)]
#[derive(Clone, Copy)]
pub union v4l2_dv_timings_u {
    /// BT.656/1120 timings.
    pub bt: v4l2_bt_timings,
    /// Whole union as words.
    pub reserved: [u32; 32],
}

impl v4l2_dv_timings_u {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { reserved: [0; 32] }
    }
}

/// Digital video timings (`VIDIOC_S_DV_TIMINGS`, ...; packed in C).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_dv_timings {
    /// Timing type (`V4L2_DV_BT_656_1120`).
    pub type_: u32,
    /// The timings (C: anonymous union).
    pub u: v4l2_dv_timings_u,
}

impl v4l2_dv_timings {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { type_: 0, u: v4l2_dv_timings_u::zeroed() }
    }
}

/// DV timings enumeration (`VIDIOC_ENUM_DV_TIMINGS`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_enum_dv_timings {
    /// Enumeration index.
    pub index: u32,
    /// Pad (sub-devices only).
    pub pad: u32,
    /// Must be zero.
    pub reserved: [u32; 2],
    /// The timings.
    pub timings: v4l2_dv_timings,
}

impl v4l2_enum_dv_timings {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { index: 0, pad: 0, reserved: [0; 2], timings: v4l2_dv_timings::zeroed() }
    }
}

/// BT.656/BT.1120 timing capabilities (packed in C).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_bt_timings_cap {
    /// Smallest width in pixels.
    pub min_width: u32,
    /// Largest width in pixels.
    pub max_width: u32,
    /// Smallest height in lines.
    pub min_height: u32,
    /// Largest height in lines.
    pub max_height: u32,
    /// Lowest pixel clock in Hz.
    pub min_pixelclock: u64,
    /// Highest pixel clock in Hz.
    pub max_pixelclock: u64,
    /// Supported standards.
    pub standards: u32,
    /// Capability bits.
    pub capabilities: u32,
    /// Must be zero.
    pub reserved: [u32; 16],
}

impl v4l2_bt_timings_cap {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            min_width: 0,
            max_width: 0,
            min_height: 0,
            max_height: 0,
            min_pixelclock: 0,
            max_pixelclock: 0,
            standards: 0,
            capabilities: 0,
            reserved: [0; 16],
        }
    }
}

/// The anonymous union of [`v4l2_dv_timings_cap`] (Rust field `u`).
#[repr(C)]
#[derive(Clone, Copy)]
pub union v4l2_dv_timings_cap_u {
    /// BT.656/1120 capabilities.
    pub bt: v4l2_bt_timings_cap,
    /// Whole union as words.
    pub raw_data: [u32; 32],
}

impl v4l2_dv_timings_cap_u {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { raw_data: [0; 32] }
    }
}

/// DV timing capabilities (`VIDIOC_DV_TIMINGS_CAP`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_dv_timings_cap {
    /// Timing type.
    pub type_: u32,
    /// Pad (sub-devices only).
    pub pad: u32,
    /// Must be zero.
    pub reserved: [u32; 2],
    /// The capabilities (C: anonymous union).
    pub u: v4l2_dv_timings_cap_u,
}

impl v4l2_dv_timings_cap {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { type_: 0, pad: 0, reserved: [0; 2], u: v4l2_dv_timings_cap_u::zeroed() }
    }
}

// ---------------------------------------------------------------------------------------
// Controls
// ---------------------------------------------------------------------------------------

/// A single control value (`VIDIOC_G_CTRL`, `S_CTRL`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_control {
    /// Control ID (`V4L2_CID_*`).
    pub id: u32,
    /// Value.
    pub value: i32,
}

impl v4l2_control {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { id: 0, value: 0 }
    }
}

/// The value union of [`v4l2_ext_control`] (C: anonymous union; Rust field `value`).
///
/// Pointer members whose pointee the framework does not mirror are `*mut c_void`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union v4l2_ext_control_value {
    /// 32-bit integer, boolean, menu, bitmask or button controls.
    pub value: i32,
    /// 64-bit integer controls.
    pub value64: i64,
    /// String controls: application buffer of `size` bytes.
    pub string: *mut c_char,
    /// `u8` array controls.
    pub p_u8: *mut u8,
    /// `u16` array controls.
    pub p_u16: *mut u16,
    /// `u32` array controls.
    pub p_u32: *mut u32,
    /// Area controls.
    pub p_area: *mut v4l2_area,
    /// Points to `struct v4l2_ctrl_h264_sps`.
    pub p_h264_sps: *mut c_void,
    /// Points to `struct v4l2_ctrl_h264_pps`.
    pub p_h264_pps: *mut c_void,
    /// Points to `struct v4l2_ctrl_h264_scaling_matrix`.
    pub p_h264_scaling_matrix: *mut c_void,
    /// Points to `struct v4l2_ctrl_h264_pred_weights`.
    pub p_h264_pred_weights: *mut c_void,
    /// Points to `struct v4l2_ctrl_h264_slice_params`.
    pub p_h264_slice_params: *mut c_void,
    /// Points to `struct v4l2_ctrl_h264_decode_params`.
    pub p_h264_decode_params: *mut c_void,
    /// Points to `struct v4l2_ctrl_fwht_params`.
    pub p_fwht_params: *mut c_void,
    /// Points to `struct v4l2_ctrl_vp8_frame`.
    pub p_vp8_frame: *mut c_void,
    /// Points to `struct v4l2_ctrl_mpeg2_sequence`.
    pub p_mpeg2_sequence: *mut c_void,
    /// Points to `struct v4l2_ctrl_mpeg2_picture`.
    pub p_mpeg2_picture: *mut c_void,
    /// Points to `struct v4l2_ctrl_mpeg2_quantisation`.
    pub p_mpeg2_quantisation: *mut c_void,
    /// Points to `struct v4l2_ctrl_vp9_compressed_hdr`.
    pub p_vp9_compressed_hdr_probs: *mut c_void,
    /// Points to `struct v4l2_ctrl_vp9_frame`.
    pub p_vp9_frame: *mut c_void,
    /// Points to `struct v4l2_ctrl_hevc_sps`.
    pub p_hevc_sps: *mut c_void,
    /// Points to `struct v4l2_ctrl_hevc_pps`.
    pub p_hevc_pps: *mut c_void,
    /// Points to `struct v4l2_ctrl_hevc_slice_params`.
    pub p_hevc_slice_params: *mut c_void,
    /// Points to `struct v4l2_ctrl_hevc_scaling_matrix`.
    pub p_hevc_scaling_matrix: *mut c_void,
    /// Points to `struct v4l2_ctrl_hevc_decode_params`.
    pub p_hevc_decode_params: *mut c_void,
    /// Any compound payload, untyped.
    pub ptr: *mut c_void,
}

impl v4l2_ext_control_value {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { value64: 0 }
    }
}

/// One control of an extended-controls request (packed in C: 20 bytes on every target,
/// since the value union always holds an `__s64`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_ext_control {
    /// Control ID (`V4L2_CID_*`).
    pub id: u32,
    /// Payload size in bytes, for pointer-valued controls.
    pub size: u32,
    /// Must be zero.
    pub reserved2: [u32; 1],
    /// The value or payload pointer (C: anonymous union).
    pub value: v4l2_ext_control_value,
}

impl v4l2_ext_control {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { id: 0, size: 0, reserved2: [0; 1], value: v4l2_ext_control_value::zeroed() }
    }
}

/// Extended controls request (`VIDIOC_G/S/TRY_EXT_CTRLS`).
///
/// The header's anonymous union `{ __u32 ctrl_class; __u32 which; }` is mirrored as the
/// plain field [`which`](Self::which): both members are the same `__u32`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_ext_controls {
    /// `V4L2_CTRL_WHICH_*`, or a control class (the old `ctrl_class` meaning).
    pub which: u32,
    /// Number of entries in `controls`.
    pub count: u32,
    /// Set by the driver: index of the failing control (or `count`).
    pub error_idx: u32,
    /// Request file descriptor, for `V4L2_CTRL_WHICH_REQUEST_VAL`.
    pub request_fd: i32,
    /// Must be zero.
    pub reserved: [u32; 1],
    /// Application array of `count` controls.
    pub controls: *mut v4l2_ext_control,
}

impl v4l2_ext_controls {
    /// All-zero value (null `controls`).
    pub const fn zeroed() -> Self {
        Self { which: 0, count: 0, error_idx: 0, request_fd: 0, reserved: [0; 1], controls: ptr::null_mut() }
    }
}

/// Control description (`VIDIOC_QUERYCTRL`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_queryctrl {
    /// Control ID, possibly with `V4L2_CTRL_FLAG_NEXT_*`.
    pub id: u32,
    /// `V4L2_CTRL_TYPE_*`.
    pub type_: u32,
    /// Name, NUL-terminated.
    pub name: [u8; 32],
    /// Minimum value.
    pub minimum: i32,
    /// Maximum value.
    pub maximum: i32,
    /// Step between values.
    pub step: i32,
    /// Default value.
    pub default_value: i32,
    /// `V4L2_CTRL_FLAG_*`.
    pub flags: u32,
    /// Must be zero.
    pub reserved: [u32; 2],
}

impl v4l2_queryctrl {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            id: 0,
            type_: 0,
            name: [0; 32],
            minimum: 0,
            maximum: 0,
            step: 0,
            default_value: 0,
            flags: 0,
            reserved: [0; 2],
        }
    }
}

/// Extended control description (`VIDIOC_QUERY_EXT_CTRL`).
///
/// `name` is `char[32]` in C; it is mirrored as bytes like every other name here.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_query_ext_ctrl {
    /// Control ID, possibly with `V4L2_CTRL_FLAG_NEXT_*`.
    pub id: u32,
    /// `V4L2_CTRL_TYPE_*`.
    pub type_: u32,
    /// Name, NUL-terminated.
    pub name: [u8; 32],
    /// Minimum value.
    pub minimum: i64,
    /// Maximum value.
    pub maximum: i64,
    /// Step between values.
    pub step: u64,
    /// Default value.
    pub default_value: i64,
    /// `V4L2_CTRL_FLAG_*`.
    pub flags: u32,
    /// Size of one element in bytes.
    pub elem_size: u32,
    /// Number of elements.
    pub elems: u32,
    /// Number of used entries in `dims`.
    pub nr_of_dims: u32,
    /// Array dimensions.
    pub dims: [u32; V4L2_CTRL_MAX_DIMS],
    /// Must be zero.
    pub reserved: [u32; 32],
}

impl v4l2_query_ext_ctrl {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            id: 0,
            type_: 0,
            name: [0; 32],
            minimum: 0,
            maximum: 0,
            step: 0,
            default_value: 0,
            flags: 0,
            elem_size: 0,
            elems: 0,
            nr_of_dims: 0,
            dims: [0; V4L2_CTRL_MAX_DIMS],
            reserved: [0; 32],
        }
    }
}

/// The anonymous union of [`v4l2_querymenu`] (Rust field `u`).
#[repr(C)]
#[derive(Clone, Copy)]
pub union v4l2_querymenu_u {
    /// Menu controls: item name, NUL-terminated.
    pub name: [u8; 32],
    /// Integer menu controls: item value.
    pub value: i64,
}

impl v4l2_querymenu_u {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { name: [0; 32] }
    }
}

/// Menu item description (`VIDIOC_QUERYMENU`; packed in C).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_querymenu {
    /// Control ID.
    pub id: u32,
    /// Menu item index.
    pub index: u32,
    /// Name or value of the item (C: anonymous union).
    pub u: v4l2_querymenu_u,
    /// Must be zero.
    pub reserved: u32,
}

impl v4l2_querymenu {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { id: 0, index: 0, u: v4l2_querymenu_u::zeroed(), reserved: 0 }
    }
}

// ---------------------------------------------------------------------------------------
// Tuners, modulators, audio (mirrored for their ioctl numbers)
// ---------------------------------------------------------------------------------------

/// Tuner (`VIDIOC_G_TUNER`, `S_TUNER`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_tuner {
    /// Tuner index.
    pub index: u32,
    /// Name, NUL-terminated.
    pub name: [u8; 32],
    /// Tuner type.
    pub type_: u32,
    /// Capability bits.
    pub capability: u32,
    /// Lowest tunable frequency.
    pub rangelow: u32,
    /// Highest tunable frequency.
    pub rangehigh: u32,
    /// Received audio sub-channels.
    pub rxsubchans: u32,
    /// Audio mode.
    pub audmode: u32,
    /// Signal strength.
    pub signal: i32,
    /// Automatic frequency control.
    pub afc: i32,
    /// Must be zero.
    pub reserved: [u32; 4],
}

impl v4l2_tuner {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            index: 0,
            name: [0; 32],
            type_: 0,
            capability: 0,
            rangelow: 0,
            rangehigh: 0,
            rxsubchans: 0,
            audmode: 0,
            signal: 0,
            afc: 0,
            reserved: [0; 4],
        }
    }
}

/// Modulator (`VIDIOC_G_MODULATOR`, `S_MODULATOR`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_modulator {
    /// Modulator index.
    pub index: u32,
    /// Name, NUL-terminated.
    pub name: [u8; 32],
    /// Capability bits.
    pub capability: u32,
    /// Lowest frequency.
    pub rangelow: u32,
    /// Highest frequency.
    pub rangehigh: u32,
    /// Transmitted audio sub-channels.
    pub txsubchans: u32,
    /// Modulator type.
    pub type_: u32,
    /// Must be zero.
    pub reserved: [u32; 3],
}

impl v4l2_modulator {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            index: 0,
            name: [0; 32],
            capability: 0,
            rangelow: 0,
            rangehigh: 0,
            txsubchans: 0,
            type_: 0,
            reserved: [0; 3],
        }
    }
}

/// Tuner or modulator frequency (`VIDIOC_G_FREQUENCY`, `S_FREQUENCY`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_frequency {
    /// Tuner or modulator index.
    pub tuner: u32,
    /// Tuner type.
    pub type_: u32,
    /// Frequency in tuner units.
    pub frequency: u32,
    /// Must be zero.
    pub reserved: [u32; 8],
}

impl v4l2_frequency {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { tuner: 0, type_: 0, frequency: 0, reserved: [0; 8] }
    }
}

/// Frequency band (`VIDIOC_ENUM_FREQ_BANDS`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_frequency_band {
    /// Tuner or modulator index.
    pub tuner: u32,
    /// Tuner type.
    pub type_: u32,
    /// Band index.
    pub index: u32,
    /// Capability bits.
    pub capability: u32,
    /// Lowest frequency of the band.
    pub rangelow: u32,
    /// Highest frequency of the band.
    pub rangehigh: u32,
    /// Modulation bits.
    pub modulation: u32,
    /// Must be zero.
    pub reserved: [u32; 9],
}

impl v4l2_frequency_band {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { tuner: 0, type_: 0, index: 0, capability: 0, rangelow: 0, rangehigh: 0, modulation: 0, reserved: [0; 9] }
    }
}

/// Hardware frequency seek (`VIDIOC_S_HW_FREQ_SEEK`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_hw_freq_seek {
    /// Tuner index.
    pub tuner: u32,
    /// Tuner type.
    pub type_: u32,
    /// Non-zero: seek upwards.
    pub seek_upward: u32,
    /// Non-zero: wrap around the band.
    pub wrap_around: u32,
    /// Seek step.
    pub spacing: u32,
    /// Lowest frequency to search.
    pub rangelow: u32,
    /// Highest frequency to search.
    pub rangehigh: u32,
    /// Must be zero.
    pub reserved: [u32; 5],
}

impl v4l2_hw_freq_seek {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            tuner: 0,
            type_: 0,
            seek_upward: 0,
            wrap_around: 0,
            spacing: 0,
            rangelow: 0,
            rangehigh: 0,
            reserved: [0; 5],
        }
    }
}

/// Audio input (`VIDIOC_G_AUDIO`, `S_AUDIO`, `ENUMAUDIO`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_audio {
    /// Input index.
    pub index: u32,
    /// Name, NUL-terminated.
    pub name: [u8; 32],
    /// Capability bits.
    pub capability: u32,
    /// Mode bits.
    pub mode: u32,
    /// Must be zero.
    pub reserved: [u32; 2],
}

impl v4l2_audio {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { index: 0, name: [0; 32], capability: 0, mode: 0, reserved: [0; 2] }
    }
}

/// Audio output (`VIDIOC_G_AUDOUT`, `S_AUDOUT`, `ENUMAUDOUT`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_audioout {
    /// Output index.
    pub index: u32,
    /// Name, NUL-terminated.
    pub name: [u8; 32],
    /// Capability bits.
    pub capability: u32,
    /// Mode bits.
    pub mode: u32,
    /// Must be zero.
    pub reserved: [u32; 2],
}

impl v4l2_audioout {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { index: 0, name: [0; 32], capability: 0, mode: 0, reserved: [0; 2] }
    }
}

/// JPEG compression parameters (`VIDIOC_G_JPEGCOMP`, `S_JPEGCOMP`).
///
/// Field names keep the kernel's mixed case; the `char` arrays are mirrored as bytes.
#[repr(C)]
#[allow(non_snake_case)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_jpegcompression {
    /// Quality.
    pub quality: c_int,
    /// APP segment number to write.
    pub APPn: c_int,
    /// Bytes used in `APP_data`.
    pub APP_len: c_int,
    /// APP segment payload.
    pub APP_data: [u8; 60],
    /// Bytes used in `COM_data`.
    pub COM_len: c_int,
    /// COM segment payload.
    pub COM_data: [u8; 60],
    /// `V4L2_JPEG_MARKER_*` to emit.
    pub jpeg_markers: u32,
}

impl v4l2_jpegcompression {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { quality: 0, APPn: 0, APP_len: 0, APP_data: [0; 60], COM_len: 0, COM_data: [0; 60], jpeg_markers: 0 }
    }
}

/// EDID access (`VIDIOC_G_EDID`, `S_EDID`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_edid {
    /// Pad or input/output index.
    pub pad: u32,
    /// First 128-byte block.
    pub start_block: u32,
    /// Number of blocks.
    pub blocks: u32,
    /// Must be zero.
    pub reserved: [u32; 5],
    /// Application buffer of `blocks * 128` bytes.
    pub edid: *mut u8,
}

impl v4l2_edid {
    /// All-zero value (null `edid`).
    pub const fn zeroed() -> Self {
        Self { pad: 0, start_block: 0, blocks: 0, reserved: [0; 5], edid: ptr::null_mut() }
    }
}

// ---------------------------------------------------------------------------------------
// Encoder index, encoder and decoder commands
// ---------------------------------------------------------------------------------------

/// One entry of the encoder index.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_enc_idx_entry {
    /// Byte offset of the frame in the stream.
    pub offset: u64,
    /// Presentation timestamp.
    pub pts: u64,
    /// Frame length in bytes.
    pub length: u32,
    /// `V4L2_ENC_IDX_FRAME_*`.
    pub flags: u32,
    /// Must be zero.
    pub reserved: [u32; 2],
}

impl v4l2_enc_idx_entry {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { offset: 0, pts: 0, length: 0, flags: 0, reserved: [0; 2] }
    }
}

/// Encoder index (`VIDIOC_G_ENC_INDEX`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_enc_idx {
    /// Number of valid entries.
    pub entries: u32,
    /// Number of entries the driver can hold.
    pub entries_cap: u32,
    /// Must be zero.
    pub reserved: [u32; 4],
    /// The entries.
    pub entry: [v4l2_enc_idx_entry; V4L2_ENC_IDX_ENTRIES],
}

impl v4l2_enc_idx {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            entries: 0,
            entries_cap: 0,
            reserved: [0; 4],
            entry: [v4l2_enc_idx_entry::zeroed(); V4L2_ENC_IDX_ENTRIES],
        }
    }
}

/// Anonymous `raw` struct of [`v4l2_encoder_cmd_u`].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_encoder_cmd_raw {
    /// Command-specific words.
    pub data: [u32; 8],
}

impl v4l2_encoder_cmd_raw {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { data: [0; 8] }
    }
}

/// The anonymous union of [`v4l2_encoder_cmd`] (Rust field `u`).
#[repr(C)]
#[derive(Clone, Copy)]
pub union v4l2_encoder_cmd_u {
    /// Raw command data.
    pub raw: v4l2_encoder_cmd_raw,
}

impl v4l2_encoder_cmd_u {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { raw: v4l2_encoder_cmd_raw::zeroed() }
    }
}

/// Encoder command (`VIDIOC_ENCODER_CMD`, `TRY_ENCODER_CMD`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_encoder_cmd {
    /// `V4L2_ENC_CMD_*`.
    pub cmd: u32,
    /// Command flags (`V4L2_ENC_CMD_STOP_AT_GOP_END`).
    pub flags: u32,
    /// Command data (C: anonymous union).
    pub u: v4l2_encoder_cmd_u,
}

impl v4l2_encoder_cmd {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { cmd: 0, flags: 0, u: v4l2_encoder_cmd_u::zeroed() }
    }
}

/// Anonymous `stop` struct of [`v4l2_decoder_cmd_u`].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_decoder_cmd_stop {
    /// Stop at this presentation timestamp (0: immediately / at end).
    pub pts: u64,
}

impl v4l2_decoder_cmd_stop {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { pts: 0 }
    }
}

/// Anonymous `start` struct of [`v4l2_decoder_cmd_u`].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_decoder_cmd_start {
    /// Playback speed (0 or 1000: normal).
    pub speed: i32,
    /// `V4L2_DEC_START_FMT_*`.
    pub format: u32,
}

impl v4l2_decoder_cmd_start {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { speed: 0, format: 0 }
    }
}

/// Anonymous `raw` struct of [`v4l2_decoder_cmd_u`].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_decoder_cmd_raw {
    /// Command-specific words.
    pub data: [u32; 16],
}

impl v4l2_decoder_cmd_raw {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { data: [0; 16] }
    }
}

/// The anonymous union of [`v4l2_decoder_cmd`] (Rust field `u`).
#[repr(C)]
#[derive(Clone, Copy)]
pub union v4l2_decoder_cmd_u {
    /// `V4L2_DEC_CMD_STOP` data.
    pub stop: v4l2_decoder_cmd_stop,
    /// `V4L2_DEC_CMD_START` data.
    pub start: v4l2_decoder_cmd_start,
    /// Raw command data, the whole union.
    pub raw: v4l2_decoder_cmd_raw,
}

impl v4l2_decoder_cmd_u {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { raw: v4l2_decoder_cmd_raw::zeroed() }
    }
}

/// Decoder command (`VIDIOC_DECODER_CMD`, `TRY_DECODER_CMD`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_decoder_cmd {
    /// `V4L2_DEC_CMD_*`.
    pub cmd: u32,
    /// Command flags.
    pub flags: u32,
    /// Command data (C: anonymous union).
    pub u: v4l2_decoder_cmd_u,
}

impl v4l2_decoder_cmd {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { cmd: 0, flags: 0, u: v4l2_decoder_cmd_u::zeroed() }
    }
}

// ---------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------

/// Payload of `V4L2_EVENT_VSYNC` (packed in C).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_event_vsync {
    /// Field of the sync (`V4L2_FIELD_*`).
    pub field: u8,
}

impl v4l2_event_vsync {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { field: 0 }
    }
}

/// The value union of [`v4l2_event_ctrl`] (C: anonymous union; Rust field `value`).
#[repr(C)]
#[derive(Clone, Copy)]
pub union v4l2_event_ctrl_value {
    /// Value of a 32-bit control.
    pub value: i32,
    /// Value of a 64-bit control.
    pub value64: i64,
}

impl v4l2_event_ctrl_value {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { value64: 0 }
    }
}

/// Payload of `V4L2_EVENT_CTRL` (not packed in C).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_event_ctrl {
    /// `V4L2_EVENT_CTRL_CH_*`.
    pub changes: u32,
    /// Control type (`V4L2_CTRL_TYPE_*`).
    pub type_: u32,
    /// New value (C: anonymous union).
    pub value: v4l2_event_ctrl_value,
    /// Control flags (`V4L2_CTRL_FLAG_*`).
    pub flags: u32,
    /// Minimum value.
    pub minimum: i32,
    /// Maximum value.
    pub maximum: i32,
    /// Step.
    pub step: i32,
    /// Default value.
    pub default_value: i32,
}

impl v4l2_event_ctrl {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            changes: 0,
            type_: 0,
            value: v4l2_event_ctrl_value::zeroed(),
            flags: 0,
            minimum: 0,
            maximum: 0,
            step: 0,
            default_value: 0,
        }
    }
}

/// Payload of `V4L2_EVENT_FRAME_SYNC`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_event_frame_sync {
    /// Sequence number of the frame being received.
    pub frame_sequence: u32,
}

impl v4l2_event_frame_sync {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { frame_sequence: 0 }
    }
}

/// Payload of `V4L2_EVENT_SOURCE_CHANGE`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_event_src_change {
    /// `V4L2_EVENT_SRC_CH_*`.
    pub changes: u32,
}

impl v4l2_event_src_change {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { changes: 0 }
    }
}

/// Payload of `V4L2_EVENT_MOTION_DET`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_event_motion_det {
    /// `V4L2_EVENT_MD_FL_*`.
    pub flags: u32,
    /// Frame sequence, valid with `V4L2_EVENT_MD_FL_HAVE_FRAME_SEQ`.
    pub frame_sequence: u32,
    /// Regions where motion was seen.
    pub region_mask: u32,
}

impl v4l2_event_motion_det {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { flags: 0, frame_sequence: 0, region_mask: 0 }
    }
}

/// The payload union of [`v4l2_event`] (C: `u`); `type_` selects the member.
#[repr(C)]
#[derive(Clone, Copy)]
pub union v4l2_event_u {
    /// `V4L2_EVENT_VSYNC`.
    pub vsync: v4l2_event_vsync,
    /// `V4L2_EVENT_CTRL`.
    pub ctrl: v4l2_event_ctrl,
    /// `V4L2_EVENT_FRAME_SYNC`.
    pub frame_sync: v4l2_event_frame_sync,
    /// `V4L2_EVENT_SOURCE_CHANGE`.
    pub src_change: v4l2_event_src_change,
    /// `V4L2_EVENT_MOTION_DET`.
    pub motion_det: v4l2_event_motion_det,
    /// Raw bytes, the whole union.
    pub data: [u8; 64],
}

impl v4l2_event_u {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { data: [0; 64] }
    }
}

/// A dequeued event (`VIDIOC_DQEVENT`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_event {
    /// `V4L2_EVENT_*`.
    pub type_: u32,
    /// Type-specific payload.
    pub u: v4l2_event_u,
    /// Events still pending after this one.
    pub pending: u32,
    /// Event sequence number.
    pub sequence: u32,
    /// When the event was raised (`CLOCK_MONOTONIC`).
    pub timestamp: timespec,
    /// Object the event relates to (e.g. control ID).
    pub id: u32,
    /// Must be zero.
    pub reserved: [u32; 8],
}

impl v4l2_event {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self {
            type_: 0,
            u: v4l2_event_u::zeroed(),
            pending: 0,
            sequence: 0,
            timestamp: timespec::zeroed(),
            id: 0,
            reserved: [0; 8],
        }
    }
}

/// Event subscription (`VIDIOC_SUBSCRIBE_EVENT`, `UNSUBSCRIBE_EVENT`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct v4l2_event_subscription {
    /// `V4L2_EVENT_*`.
    pub type_: u32,
    /// Object ID (e.g. control ID for `V4L2_EVENT_CTRL`).
    pub id: u32,
    /// `V4L2_EVENT_SUB_FL_*`.
    pub flags: u32,
    /// Must be zero.
    pub reserved: [u32; 5],
}

impl v4l2_event_subscription {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { type_: 0, id: 0, flags: 0, reserved: [0; 5] }
    }
}

// ---------------------------------------------------------------------------------------
// Debugging
// ---------------------------------------------------------------------------------------

/// The anonymous union of [`v4l2_dbg_match`] (Rust field `u`).
#[repr(C)]
#[derive(Clone, Copy)]
pub union v4l2_dbg_match_u {
    /// Chip address or index.
    pub addr: u32,
    /// Chip name, NUL-terminated (`char` in C).
    pub name: [u8; 32],
}

impl v4l2_dbg_match_u {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { name: [0; 32] }
    }
}

/// Chip selector for the debug ioctls (packed in C).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_dbg_match {
    /// `V4L2_CHIP_MATCH_*`.
    pub type_: u32,
    /// Address or name, depending on `type_` (C: anonymous union).
    pub u: v4l2_dbg_match_u,
}

impl v4l2_dbg_match {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { type_: 0, u: v4l2_dbg_match_u::zeroed() }
    }
}

/// Register access (`VIDIOC_DBG_G_REGISTER`, `DBG_S_REGISTER`; packed in C).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_dbg_register {
    /// Chip selector (kernel name `match`, a Rust keyword).
    pub match_: v4l2_dbg_match,
    /// Register size in bytes.
    pub size: u32,
    /// Register number.
    pub reg: u64,
    /// Register value.
    pub val: u64,
}

impl v4l2_dbg_register {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { match_: v4l2_dbg_match::zeroed(), size: 0, reg: 0, val: 0 }
    }
}

/// Chip information (`VIDIOC_DBG_G_CHIP_INFO`; packed in C).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug)]
pub struct v4l2_dbg_chip_info {
    /// Chip selector (kernel name `match`, a Rust keyword).
    pub match_: v4l2_dbg_match,
    /// Chip name, NUL-terminated (`char` in C).
    pub name: [u8; 32],
    /// `V4L2_CHIP_FL_*`.
    pub flags: u32,
    /// Must be zero.
    pub reserved: [u32; 32],
}

impl v4l2_dbg_chip_info {
    /// All-zero value.
    pub const fn zeroed() -> Self {
        Self { match_: v4l2_dbg_match::zeroed(), name: [0; 32], flags: 0, reserved: [0; 32] }
    }
}

opaque_union_debug!(
    v4l2_format_fmt,
    v4l2_frmsizeenum_u,
    v4l2_frmivalenum_u,
    v4l2_plane_m,
    v4l2_buffer_m,
    v4l2_streamparm_parm,
    v4l2_dv_timings_u,
    v4l2_dv_timings_cap_u,
    v4l2_ext_control_value,
    v4l2_querymenu_u,
    v4l2_encoder_cmd_u,
    v4l2_decoder_cmd_u,
    v4l2_event_ctrl_value,
    v4l2_event_u,
    v4l2_dbg_match_u,
);

default_is_zeroed!(
    timeval,
    timespec,
    v4l2_rect,
    v4l2_fract,
    v4l2_area,
    v4l2_capability,
    v4l2_pix_format,
    v4l2_plane_pix_format,
    v4l2_pix_format_mplane,
    v4l2_clip,
    v4l2_window,
    v4l2_vbi_format,
    v4l2_sliced_vbi_format,
    v4l2_sliced_vbi_cap,
    v4l2_sdr_format,
    v4l2_meta_format,
    v4l2_format_fmt,
    v4l2_format,
    v4l2_fmtdesc,
    v4l2_frmsize_discrete,
    v4l2_frmsize_stepwise,
    v4l2_frmsizeenum_u,
    v4l2_frmsizeenum,
    v4l2_frmival_stepwise,
    v4l2_frmivalenum_u,
    v4l2_frmivalenum,
    v4l2_timecode,
    v4l2_requestbuffers,
    v4l2_plane_m,
    v4l2_plane,
    v4l2_buffer_m,
    v4l2_buffer,
    v4l2_exportbuffer,
    v4l2_create_buffers,
    v4l2_framebuffer_fmt,
    v4l2_framebuffer,
    v4l2_captureparm,
    v4l2_outputparm,
    v4l2_streamparm_parm,
    v4l2_streamparm,
    v4l2_cropcap,
    v4l2_crop,
    v4l2_selection,
    v4l2_standard,
    v4l2_input,
    v4l2_output,
    v4l2_bt_timings,
    v4l2_dv_timings_u,
    v4l2_dv_timings,
    v4l2_enum_dv_timings,
    v4l2_bt_timings_cap,
    v4l2_dv_timings_cap_u,
    v4l2_dv_timings_cap,
    v4l2_control,
    v4l2_ext_control_value,
    v4l2_ext_control,
    v4l2_ext_controls,
    v4l2_queryctrl,
    v4l2_query_ext_ctrl,
    v4l2_querymenu_u,
    v4l2_querymenu,
    v4l2_tuner,
    v4l2_modulator,
    v4l2_frequency,
    v4l2_frequency_band,
    v4l2_hw_freq_seek,
    v4l2_audio,
    v4l2_audioout,
    v4l2_jpegcompression,
    v4l2_edid,
    v4l2_enc_idx_entry,
    v4l2_enc_idx,
    v4l2_encoder_cmd_raw,
    v4l2_encoder_cmd_u,
    v4l2_encoder_cmd,
    v4l2_decoder_cmd_stop,
    v4l2_decoder_cmd_start,
    v4l2_decoder_cmd_raw,
    v4l2_decoder_cmd_u,
    v4l2_decoder_cmd,
    v4l2_event_vsync,
    v4l2_event_ctrl_value,
    v4l2_event_ctrl,
    v4l2_event_frame_sync,
    v4l2_event_src_change,
    v4l2_event_motion_det,
    v4l2_event_u,
    v4l2_event,
    v4l2_event_subscription,
    v4l2_dbg_match_u,
    v4l2_dbg_match,
    v4l2_dbg_register,
    v4l2_dbg_chip_info,
);
