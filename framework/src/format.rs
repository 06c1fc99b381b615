//! Typed formats: what the ioctl layer decodes `struct v4l2_format` and friends into.
//!
//! Drivers only ever see these types. The single-planar and multi-planar ioctl forms both
//! decode into [`PixFormat`]; a single-planar format simply has one plane.

use crate::abi;

/// Most planes a buffer can have. Linux allows 8 (`VIDEO_MAX_PLANES`); no codec format
/// uses more than 3, so the framework keeps 4 and answers `EINVAL` beyond.
pub const MAX_PLANES: usize = 4;

/// Which queue of a memory-to-memory context: OUTPUT carries data from the application
/// to the device (bitstream into a decoder, frames into an encoder), CAPTURE carries data
/// back.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Direction {
    /// Application to device.
    Output,
    /// Device to application.
    Capture,
}

impl Direction {
    /// Index used for per-direction arrays: OUTPUT is 0, CAPTURE is 1.
    pub const fn index(self) -> usize {
        match self {
            Direction::Output => 0,
            Direction::Capture => 1,
        }
    }

    /// The other queue of the pair.
    pub const fn other(self) -> Direction {
        match self {
            Direction::Output => Direction::Capture,
            Direction::Capture => Direction::Output,
        }
    }
}

/// Which of V4L2's two buffer APIs a device node speaks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum BufferApi {
    /// `V4L2_BUF_TYPE_VIDEO_OUTPUT` / `_CAPTURE`, `struct v4l2_pix_format`, one plane.
    SinglePlanar,
    /// `V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE` / `_CAPTURE_MPLANE`, `struct v4l2_pix_format_mplane`.
    MultiPlanar,
}

impl BufferApi {
    /// The V4L2 buffer type of `dir` in this API.
    pub const fn buf_type(self, dir: Direction) -> u32 {
        match (self, dir) {
            (BufferApi::SinglePlanar, Direction::Output) => abi::V4L2_BUF_TYPE_VIDEO_OUTPUT,
            (BufferApi::SinglePlanar, Direction::Capture) => abi::V4L2_BUF_TYPE_VIDEO_CAPTURE,
            (BufferApi::MultiPlanar, Direction::Output) => abi::V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE,
            (BufferApi::MultiPlanar, Direction::Capture) => abi::V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE,
        }
    }

    /// The direction of V4L2 buffer type `buf_type` in this API, or `None` if the type does
    /// not belong to this API (which the application sees as `EINVAL`).
    pub const fn direction_of(self, buf_type: u32) -> Option<Direction> {
        if buf_type == self.buf_type(Direction::Output) {
            Some(Direction::Output)
        } else if buf_type == self.buf_type(Direction::Capture) {
            Some(Direction::Capture)
        } else {
            None
        }
    }

    /// Most planes a format can have in this API.
    pub const fn max_planes(self) -> usize {
        match self {
            BufferApi::SinglePlanar => 1,
            BufferApi::MultiPlanar => MAX_PLANES,
        }
    }
}

/// A four-character code naming a pixel or bitstream format (`V4L2_PIX_FMT_*`).
pub type FourCc = u32;

/// Layout of one memory plane of a format.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct PlaneFormat {
    /// Bytes per line of the plane (0 for compressed formats).
    pub bytesperline: u32,
    /// Bytes a buffer plane must hold.
    pub sizeimage: u32,
}

/// A video format of one queue, single- or multi-planar.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct PixFormat {
    /// Width in pixels (coded width for raw formats).
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The format's four-character code.
    pub pixelformat: FourCc,
    /// Field order (`V4L2_FIELD_*`); codecs use `V4L2_FIELD_NONE`.
    pub field: u32,
    /// Colorimetry: `V4L2_COLORSPACE_*`.
    pub colorspace: u32,
    /// Colorimetry: `V4L2_XFER_FUNC_*`.
    pub xfer_func: u32,
    /// Colorimetry: `V4L2_YCBCR_ENC_*`.
    pub ycbcr_enc: u32,
    /// Colorimetry: `V4L2_QUANTIZATION_*`.
    pub quantization: u32,
    /// `V4L2_PIX_FMT_FLAG_*`.
    pub flags: u32,
    /// Number of memory planes in use (1 for single-planar formats).
    pub num_planes: u8,
    /// Per-plane layout; entries past `num_planes` are zero.
    pub planes: [PlaneFormat; MAX_PLANES],
}

impl PixFormat {
    /// An all-zero format (no planes); drivers fill in what they support.
    pub const fn empty() -> Self {
        Self {
            width: 0,
            height: 0,
            pixelformat: 0,
            field: abi::V4L2_FIELD_NONE,
            colorspace: 0,
            xfer_func: 0,
            ycbcr_enc: 0,
            quantization: 0,
            flags: 0,
            num_planes: 0,
            planes: [PlaneFormat { bytesperline: 0, sizeimage: 0 }; MAX_PLANES],
        }
    }

    /// The planes in use.
    pub fn active_planes(&self) -> &[PlaneFormat] {
        &self.planes[..usize::from(self.num_planes).min(MAX_PLANES)]
    }
}

/// The formats of both queues of one context.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Formats {
    /// The OUTPUT queue's format.
    pub output: PixFormat,
    /// The CAPTURE queue's format.
    pub capture: PixFormat,
}

impl Formats {
    /// The format of `dir`.
    pub fn get(&self, dir: Direction) -> &PixFormat {
        match dir {
            Direction::Output => &self.output,
            Direction::Capture => &self.capture,
        }
    }

    /// The format of `dir`, mutably.
    pub fn get_mut(&mut self, dir: Direction) -> &mut PixFormat {
        match dir {
            Direction::Output => &mut self.output,
            Direction::Capture => &mut self.capture,
        }
    }
}

/// One entry of a driver's format list (`VIDIOC_ENUM_FMT`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FormatDesc {
    /// The format's four-character code.
    pub pixelformat: FourCc,
    /// `V4L2_FMT_FLAG_*` (for instance COMPRESSED and DYN_RESOLUTION for a decoder's input).
    pub flags: u32,
    /// Human-readable name, at most 31 bytes.
    pub description: &'static str,
}

/// Frame sizes a format supports (`VIDIOC_ENUM_FRAMESIZES`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum FrameSize {
    /// Exactly this size.
    Discrete {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// Any size in the range, in steps.
    Stepwise {
        /// Smallest width.
        min_width: u32,
        /// Largest width.
        max_width: u32,
        /// Width increment.
        step_width: u32,
        /// Smallest height.
        min_height: u32,
        /// Largest height.
        max_height: u32,
        /// Height increment.
        step_height: u32,
    },
}

/// A rectangle in pixels.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Rect {
    /// Left edge.
    pub left: i32,
    /// Top edge.
    pub top: i32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// A frame interval or rate as a fraction of seconds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Fraction {
    /// Numerator.
    pub numerator: u32,
    /// Denominator.
    pub denominator: u32,
}

/// The description Linux's ioctl core gives format `fourcc` (Linux 6.1's table), for the
/// formats codecs use; `None` for others, whose driver description is kept.
pub fn kernel_description(fourcc: FourCc) -> Option<&'static str> {
    Some(match fourcc {
        abi::V4L2_PIX_FMT_YUV420 => "Planar YUV 4:2:0",
        abi::V4L2_PIX_FMT_YVU420 => "Planar YVU 4:2:0",
        abi::V4L2_PIX_FMT_YUV420M => "Planar YUV 4:2:0 (N-C)",
        abi::V4L2_PIX_FMT_YVU420M => "Planar YVU 4:2:0 (N-C)",
        abi::V4L2_PIX_FMT_NV12 => "Y/CbCr 4:2:0",
        abi::V4L2_PIX_FMT_NV21 => "Y/CrCb 4:2:0",
        abi::V4L2_PIX_FMT_NV12M => "Y/CbCr 4:2:0 (N-C)",
        abi::V4L2_PIX_FMT_NV21M => "Y/CrCb 4:2:0 (N-C)",
        abi::V4L2_PIX_FMT_NV16 => "Y/CbCr 4:2:2",
        abi::V4L2_PIX_FMT_YUYV => "YUYV 4:2:2",
        abi::V4L2_PIX_FMT_GREY => "8-bit Greyscale",
        abi::V4L2_PIX_FMT_RGB24 => "24-bit RGB 8-8-8",
        abi::V4L2_PIX_FMT_BGR24 => "24-bit BGR 8-8-8",
        abi::V4L2_PIX_FMT_H264 => "H.264",
        abi::V4L2_PIX_FMT_HEVC => "HEVC",
        abi::V4L2_PIX_FMT_VP8 => "VP8",
        abi::V4L2_PIX_FMT_VP9 => "VP9",
        abi::V4L2_PIX_FMT_MJPEG => "Motion-JPEG",
        abi::V4L2_PIX_FMT_JPEG => "JFIF JPEG",
        abi::V4L2_PIX_FMT_MPEG2 => "MPEG-2 ES",
        abi::V4L2_PIX_FMT_MPEG4 => "MPEG-4 Part 2 ES",
        abi::V4L2_PIX_FMT_FWHT => "FWHT",
        _ => return None,
    })
}

/// Whether `fourcc` is a compressed (bitstream) format, which Linux flags
/// `V4L2_FMT_FLAG_COMPRESSED` in VIDIOC_ENUM_FMT.
pub fn is_compressed(fourcc: FourCc) -> bool {
    matches!(
        fourcc,
        abi::V4L2_PIX_FMT_H264
            | abi::V4L2_PIX_FMT_HEVC
            | abi::V4L2_PIX_FMT_VP8
            | abi::V4L2_PIX_FMT_VP9
            | abi::V4L2_PIX_FMT_MJPEG
            | abi::V4L2_PIX_FMT_JPEG
            | abi::V4L2_PIX_FMT_MPEG2
            | abi::V4L2_PIX_FMT_MPEG4
            | abi::V4L2_PIX_FMT_FWHT
    )
}

/// Streaming parameters (VIDIOC_G_PARM / S_PARM): the frame interval.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct StreamParm {
    /// Time per frame in seconds.
    pub timeperframe: Fraction,
}
