//! Constants of `<linux/videodev2.h>`, `<linux/v4l2-common.h>` and the part of
//! `<linux/v4l2-controls.h>` a codec framework needs, with their kernel names and values.
//!
//! Values that the kernel spells as enum members are `u32` here, the type of the struct
//! fields that carry them. Array lengths are `usize`.

// ---------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------

/// Largest number of buffers the classic API describes per queue.
pub const VIDEO_MAX_FRAME: usize = 32;
/// Largest number of planes of a multi-planar format or buffer.
pub const VIDEO_MAX_PLANES: usize = 8;
/// Largest number of dimensions of an array control.
pub const V4L2_CTRL_MAX_DIMS: usize = 4;
/// Number of entries in `v4l2_enc_idx`.
pub const V4L2_ENC_IDX_ENTRIES: usize = 64;

// ---------------------------------------------------------------------------------------
// Fourcc
// ---------------------------------------------------------------------------------------

/// Builds a little-endian four-character code from its four bytes.
pub const fn v4l2_fourcc(a: u8, b: u8, c: u8, d: u8) -> u32 {
    (a as u32) | ((b as u32) << 8) | ((c as u32) << 16) | ((d as u32) << 24)
}

/// Builds a four-character code with the big-endian marker (bit 31) set.
pub const fn v4l2_fourcc_be(a: u8, b: u8, c: u8, d: u8) -> u32 {
    v4l2_fourcc(a, b, c, d) | (1 << 31)
}

// ---------------------------------------------------------------------------------------
// enum v4l2_field
// ---------------------------------------------------------------------------------------

/// Field order: the driver picks.
pub const V4L2_FIELD_ANY: u32 = 0;
/// Progressive image, no fields.
pub const V4L2_FIELD_NONE: u32 = 1;
/// Top field only.
pub const V4L2_FIELD_TOP: u32 = 2;
/// Bottom field only.
pub const V4L2_FIELD_BOTTOM: u32 = 3;
/// Both fields, lines interleaved.
pub const V4L2_FIELD_INTERLACED: u32 = 4;
/// Both fields one after the other in one buffer, top first.
pub const V4L2_FIELD_SEQ_TB: u32 = 5;
/// Both fields one after the other in one buffer, bottom first.
pub const V4L2_FIELD_SEQ_BT: u32 = 6;
/// Fields alternate between buffers.
pub const V4L2_FIELD_ALTERNATE: u32 = 7;
/// Interleaved, top field sent first.
pub const V4L2_FIELD_INTERLACED_TB: u32 = 8;
/// Interleaved, bottom field sent first.
pub const V4L2_FIELD_INTERLACED_BT: u32 = 9;

// ---------------------------------------------------------------------------------------
// enum v4l2_buf_type
// ---------------------------------------------------------------------------------------

/// Single-planar video capture queue.
pub const V4L2_BUF_TYPE_VIDEO_CAPTURE: u32 = 1;
/// Single-planar video output queue.
pub const V4L2_BUF_TYPE_VIDEO_OUTPUT: u32 = 2;
/// Video overlay.
pub const V4L2_BUF_TYPE_VIDEO_OVERLAY: u32 = 3;
/// Raw VBI capture.
pub const V4L2_BUF_TYPE_VBI_CAPTURE: u32 = 4;
/// Raw VBI output.
pub const V4L2_BUF_TYPE_VBI_OUTPUT: u32 = 5;
/// Sliced VBI capture.
pub const V4L2_BUF_TYPE_SLICED_VBI_CAPTURE: u32 = 6;
/// Sliced VBI output.
pub const V4L2_BUF_TYPE_SLICED_VBI_OUTPUT: u32 = 7;
/// Video output overlay.
pub const V4L2_BUF_TYPE_VIDEO_OUTPUT_OVERLAY: u32 = 8;
/// Multi-planar video capture queue.
pub const V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE: u32 = 9;
/// Multi-planar video output queue.
pub const V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE: u32 = 10;
/// Software defined radio capture.
pub const V4L2_BUF_TYPE_SDR_CAPTURE: u32 = 11;
/// Software defined radio output.
pub const V4L2_BUF_TYPE_SDR_OUTPUT: u32 = 12;
/// Metadata capture.
pub const V4L2_BUF_TYPE_META_CAPTURE: u32 = 13;
/// Metadata output.
pub const V4L2_BUF_TYPE_META_OUTPUT: u32 = 14;
/// Obsolete driver-private buffer type.
pub const V4L2_BUF_TYPE_PRIVATE: u32 = 0x80;

/// True for the two multi-planar video buffer types (kernel macro of the same name).
#[allow(non_snake_case)]
pub const fn V4L2_TYPE_IS_MULTIPLANAR(type_: u32) -> bool {
    type_ == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE || type_ == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE
}

/// True for buffer types that carry data from the application to the device (kernel
/// macro of the same name).
#[allow(non_snake_case)]
pub const fn V4L2_TYPE_IS_OUTPUT(type_: u32) -> bool {
    matches!(
        type_,
        V4L2_BUF_TYPE_VIDEO_OUTPUT
            | V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE
            | V4L2_BUF_TYPE_VIDEO_OVERLAY
            | V4L2_BUF_TYPE_VIDEO_OUTPUT_OVERLAY
            | V4L2_BUF_TYPE_VBI_OUTPUT
            | V4L2_BUF_TYPE_SLICED_VBI_OUTPUT
            | V4L2_BUF_TYPE_SDR_OUTPUT
            | V4L2_BUF_TYPE_META_OUTPUT
    )
}

/// True for every buffer type that is not an output type, as in the kernel macro (it does
/// not check that the type exists).
#[allow(non_snake_case)]
pub const fn V4L2_TYPE_IS_CAPTURE(type_: u32) -> bool {
    !V4L2_TYPE_IS_OUTPUT(type_)
}

// ---------------------------------------------------------------------------------------
// enum v4l2_memory and memory flags
// ---------------------------------------------------------------------------------------

/// Buffers allocated by the driver and mapped with `mmap()`.
pub const V4L2_MEMORY_MMAP: u32 = 1;
/// Buffers in application memory, passed by address.
pub const V4L2_MEMORY_USERPTR: u32 = 2;
/// Overlay memory.
pub const V4L2_MEMORY_OVERLAY: u32 = 3;
/// Buffers passed as dmabuf file descriptors.
pub const V4L2_MEMORY_DMABUF: u32 = 4;
/// `v4l2_requestbuffers.flags` / `v4l2_create_buffers.flags`: ask for non-coherent memory.
pub const V4L2_MEMORY_FLAG_NON_COHERENT: u32 = 1 << 0;

// ---------------------------------------------------------------------------------------
// Colorimetry enums
// ---------------------------------------------------------------------------------------

/// Colour space: let the driver choose.
pub const V4L2_COLORSPACE_DEFAULT: u32 = 0;
/// SMPTE 170M (NTSC/PAL SDTV).
pub const V4L2_COLORSPACE_SMPTE170M: u32 = 1;
/// SMPTE 240M (early HDTV).
pub const V4L2_COLORSPACE_SMPTE240M: u32 = 2;
/// Rec. 709 (HDTV).
pub const V4L2_COLORSPACE_REC709: u32 = 3;
/// Deprecated bt878 colour space.
pub const V4L2_COLORSPACE_BT878: u32 = 4;
/// NTSC 1953.
pub const V4L2_COLORSPACE_470_SYSTEM_M: u32 = 5;
/// EBU Tech 3213 (PAL/SECAM).
pub const V4L2_COLORSPACE_470_SYSTEM_BG: u32 = 6;
/// JPEG: sRGB primaries, BT.601 encoding, full range.
pub const V4L2_COLORSPACE_JPEG: u32 = 7;
/// sRGB.
pub const V4L2_COLORSPACE_SRGB: u32 = 8;
/// opRGB (IEC 61966-2-5).
pub const V4L2_COLORSPACE_OPRGB: u32 = 9;
/// BT.2020 (UHDTV).
pub const V4L2_COLORSPACE_BT2020: u32 = 10;
/// Raw, unprocessed sensor data.
pub const V4L2_COLORSPACE_RAW: u32 = 11;
/// DCI-P3 (cinema).
pub const V4L2_COLORSPACE_DCI_P3: u32 = 12;

/// Transfer function: implied by the colour space.
pub const V4L2_XFER_FUNC_DEFAULT: u32 = 0;
/// Rec. 709 transfer function.
pub const V4L2_XFER_FUNC_709: u32 = 1;
/// sRGB transfer function.
pub const V4L2_XFER_FUNC_SRGB: u32 = 2;
/// opRGB transfer function.
pub const V4L2_XFER_FUNC_OPRGB: u32 = 3;
/// SMPTE 240M transfer function.
pub const V4L2_XFER_FUNC_SMPTE240M: u32 = 4;
/// Linear (no transfer function).
pub const V4L2_XFER_FUNC_NONE: u32 = 5;
/// DCI-P3 transfer function.
pub const V4L2_XFER_FUNC_DCI_P3: u32 = 6;
/// SMPTE ST 2084 (PQ) transfer function.
pub const V4L2_XFER_FUNC_SMPTE2084: u32 = 7;

/// Y'CbCr encoding: implied by the colour space.
pub const V4L2_YCBCR_ENC_DEFAULT: u32 = 0;
/// BT.601 encoding.
pub const V4L2_YCBCR_ENC_601: u32 = 1;
/// Rec. 709 encoding.
pub const V4L2_YCBCR_ENC_709: u32 = 2;
/// xvYCC extended-gamut BT.601.
pub const V4L2_YCBCR_ENC_XV601: u32 = 3;
/// xvYCC extended-gamut Rec. 709.
pub const V4L2_YCBCR_ENC_XV709: u32 = 4;
/// sYCC (same as BT.601; do not use).
pub const V4L2_YCBCR_ENC_SYCC: u32 = 5;
/// BT.2020 non-constant luminance.
pub const V4L2_YCBCR_ENC_BT2020: u32 = 6;
/// BT.2020 constant luminance.
pub const V4L2_YCBCR_ENC_BT2020_CONST_LUM: u32 = 7;
/// SMPTE 240M encoding.
pub const V4L2_YCBCR_ENC_SMPTE240M: u32 = 8;

/// HSV encoding with hue in 0..=179.
pub const V4L2_HSV_ENC_180: u32 = 128;
/// HSV encoding with hue in 0..=255.
pub const V4L2_HSV_ENC_256: u32 = 129;

/// Quantization: implied by colour space and format.
pub const V4L2_QUANTIZATION_DEFAULT: u32 = 0;
/// Full range (0-255 for 8 bits).
pub const V4L2_QUANTIZATION_FULL_RANGE: u32 = 1;
/// Limited range (16-235/240 for 8 bits).
pub const V4L2_QUANTIZATION_LIM_RANGE: u32 = 2;

// ---------------------------------------------------------------------------------------
// enum v4l2_priority
// ---------------------------------------------------------------------------------------

/// Priority not set.
pub const V4L2_PRIORITY_UNSET: u32 = 0;
/// Lowest priority: background applications.
pub const V4L2_PRIORITY_BACKGROUND: u32 = 1;
/// Normal priority for interactive applications.
pub const V4L2_PRIORITY_INTERACTIVE: u32 = 2;
/// Highest priority: exclusive access while recording.
pub const V4L2_PRIORITY_RECORD: u32 = 3;
/// Priority a new file handle starts with.
pub const V4L2_PRIORITY_DEFAULT: u32 = V4L2_PRIORITY_INTERACTIVE;

// ---------------------------------------------------------------------------------------
// Device capabilities (v4l2_capability)
// ---------------------------------------------------------------------------------------

/// Single-planar video capture.
pub const V4L2_CAP_VIDEO_CAPTURE: u32 = 0x0000_0001;
/// Single-planar video output.
pub const V4L2_CAP_VIDEO_OUTPUT: u32 = 0x0000_0002;
/// Video overlay.
pub const V4L2_CAP_VIDEO_OVERLAY: u32 = 0x0000_0004;
/// Raw VBI capture.
pub const V4L2_CAP_VBI_CAPTURE: u32 = 0x0000_0010;
/// Raw VBI output.
pub const V4L2_CAP_VBI_OUTPUT: u32 = 0x0000_0020;
/// Sliced VBI capture.
pub const V4L2_CAP_SLICED_VBI_CAPTURE: u32 = 0x0000_0040;
/// Sliced VBI output.
pub const V4L2_CAP_SLICED_VBI_OUTPUT: u32 = 0x0000_0080;
/// RDS data capture.
pub const V4L2_CAP_RDS_CAPTURE: u32 = 0x0000_0100;
/// Video output overlay.
pub const V4L2_CAP_VIDEO_OUTPUT_OVERLAY: u32 = 0x0000_0200;
/// Hardware frequency seek.
pub const V4L2_CAP_HW_FREQ_SEEK: u32 = 0x0000_0400;
/// RDS encoder.
pub const V4L2_CAP_RDS_OUTPUT: u32 = 0x0000_0800;
/// Multi-planar video capture.
pub const V4L2_CAP_VIDEO_CAPTURE_MPLANE: u32 = 0x0000_1000;
/// Multi-planar video output.
pub const V4L2_CAP_VIDEO_OUTPUT_MPLANE: u32 = 0x0000_2000;
/// Multi-planar memory-to-memory device.
pub const V4L2_CAP_VIDEO_M2M_MPLANE: u32 = 0x0000_4000;
/// Single-planar memory-to-memory device.
pub const V4L2_CAP_VIDEO_M2M: u32 = 0x0000_8000;
/// Has a tuner.
pub const V4L2_CAP_TUNER: u32 = 0x0001_0000;
/// Has audio inputs or outputs.
pub const V4L2_CAP_AUDIO: u32 = 0x0002_0000;
/// Is a radio receiver.
pub const V4L2_CAP_RADIO: u32 = 0x0004_0000;
/// Has a modulator.
pub const V4L2_CAP_MODULATOR: u32 = 0x0008_0000;
/// Software defined radio capture.
pub const V4L2_CAP_SDR_CAPTURE: u32 = 0x0010_0000;
/// Understands the extended fields of `v4l2_pix_format`.
pub const V4L2_CAP_EXT_PIX_FORMAT: u32 = 0x0020_0000;
/// Software defined radio output.
pub const V4L2_CAP_SDR_OUTPUT: u32 = 0x0040_0000;
/// Metadata capture.
pub const V4L2_CAP_META_CAPTURE: u32 = 0x0080_0000;
/// `read()` / `write()` I/O.
pub const V4L2_CAP_READWRITE: u32 = 0x0100_0000;
/// Never implemented asynchronous I/O flag (deprecated).
pub const V4L2_CAP_ASYNCIO: u32 = 0x0200_0000;
/// Streaming I/O (`REQBUFS`, `QBUF`, ...).
pub const V4L2_CAP_STREAMING: u32 = 0x0400_0000;
/// Metadata output.
pub const V4L2_CAP_META_OUTPUT: u32 = 0x0800_0000;
/// Touch device.
pub const V4L2_CAP_TOUCH: u32 = 0x1000_0000;
/// Input/output routing is controlled by the media controller.
pub const V4L2_CAP_IO_MC: u32 = 0x2000_0000;
/// The `device_caps` field is filled in.
pub const V4L2_CAP_DEVICE_CAPS: u32 = 0x8000_0000;

// ---------------------------------------------------------------------------------------
// Format flags
// ---------------------------------------------------------------------------------------

/// `v4l2_pix_format.priv` value saying the extended fields are valid.
pub const V4L2_PIX_FMT_PRIV_MAGIC: u32 = 0xfeed_cafe;
/// Colour values are premultiplied by alpha.
pub const V4L2_PIX_FMT_FLAG_PREMUL_ALPHA: u32 = 0x0000_0001;
/// The application asks for its colorimetry fields to be applied.
pub const V4L2_PIX_FMT_FLAG_SET_CSC: u32 = 0x0000_0002;

/// Enumerated format is compressed.
pub const V4L2_FMT_FLAG_COMPRESSED: u32 = 0x0001;
/// Enumerated format is converted in software.
pub const V4L2_FMT_FLAG_EMULATED: u32 = 0x0002;
/// Decoder accepts the bitstream split at arbitrary points.
pub const V4L2_FMT_FLAG_CONTINUOUS_BYTESTREAM: u32 = 0x0004;
/// Decoder follows resolution changes within the stream.
pub const V4L2_FMT_FLAG_DYN_RESOLUTION: u32 = 0x0008;
/// Encoder frame interval may differ from the raw frame rate.
pub const V4L2_FMT_FLAG_ENC_CAP_FRAME_INTERVAL: u32 = 0x0010;
/// Colour space may be set by the application on capture.
pub const V4L2_FMT_FLAG_CSC_COLORSPACE: u32 = 0x0020;
/// Transfer function may be set by the application on capture.
pub const V4L2_FMT_FLAG_CSC_XFER_FUNC: u32 = 0x0040;
/// Y'CbCr encoding may be set by the application on capture.
pub const V4L2_FMT_FLAG_CSC_YCBCR_ENC: u32 = 0x0080;
/// HSV encoding may be set by the application on capture (same bit as YCBCR_ENC).
pub const V4L2_FMT_FLAG_CSC_HSV_ENC: u32 = V4L2_FMT_FLAG_CSC_YCBCR_ENC;
/// Quantization may be set by the application on capture.
pub const V4L2_FMT_FLAG_CSC_QUANTIZATION: u32 = 0x0100;

// ---------------------------------------------------------------------------------------
// Frame size / interval enumeration types
// ---------------------------------------------------------------------------------------

/// One discrete frame size.
pub const V4L2_FRMSIZE_TYPE_DISCRETE: u32 = 1;
/// Any size in a range, step 1.
pub const V4L2_FRMSIZE_TYPE_CONTINUOUS: u32 = 2;
/// Sizes in a range with a step.
pub const V4L2_FRMSIZE_TYPE_STEPWISE: u32 = 3;
/// One discrete frame interval.
pub const V4L2_FRMIVAL_TYPE_DISCRETE: u32 = 1;
/// Any interval in a range.
pub const V4L2_FRMIVAL_TYPE_CONTINUOUS: u32 = 2;
/// Intervals in a range with a step.
pub const V4L2_FRMIVAL_TYPE_STEPWISE: u32 = 3;

// ---------------------------------------------------------------------------------------
// Timecode
// ---------------------------------------------------------------------------------------

/// Timecode at 24 frames per second.
pub const V4L2_TC_TYPE_24FPS: u32 = 1;
/// Timecode at 25 frames per second.
pub const V4L2_TC_TYPE_25FPS: u32 = 2;
/// Timecode at 30 frames per second.
pub const V4L2_TC_TYPE_30FPS: u32 = 3;
/// Timecode at 50 frames per second.
pub const V4L2_TC_TYPE_50FPS: u32 = 4;
/// Timecode at 60 frames per second.
pub const V4L2_TC_TYPE_60FPS: u32 = 5;
/// Drop-frame timecode.
pub const V4L2_TC_FLAG_DROPFRAME: u32 = 0x0001;
/// Colour-frame flag.
pub const V4L2_TC_FLAG_COLORFRAME: u32 = 0x0002;
/// Mask of the user-bits format field (kernel spells it in mixed case).
#[allow(non_upper_case_globals)]
pub const V4L2_TC_USERBITS_field: u32 = 0x000C;
/// User bits are user defined.
pub const V4L2_TC_USERBITS_USERDEFINED: u32 = 0x0000;
/// User bits hold 8-bit characters.
pub const V4L2_TC_USERBITS_8BITCHARS: u32 = 0x0008;

// ---------------------------------------------------------------------------------------
// Buffer capabilities and flags
// ---------------------------------------------------------------------------------------

/// Queue supports `V4L2_MEMORY_MMAP`.
pub const V4L2_BUF_CAP_SUPPORTS_MMAP: u32 = 1 << 0;
/// Queue supports `V4L2_MEMORY_USERPTR`.
pub const V4L2_BUF_CAP_SUPPORTS_USERPTR: u32 = 1 << 1;
/// Queue supports `V4L2_MEMORY_DMABUF`.
pub const V4L2_BUF_CAP_SUPPORTS_DMABUF: u32 = 1 << 2;
/// Queue supports the request API.
pub const V4L2_BUF_CAP_SUPPORTS_REQUESTS: u32 = 1 << 3;
/// Buffers may stay allocated after `REQBUFS(0)` while still mapped.
pub const V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS: u32 = 1 << 4;
/// Queue honours `V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF`.
pub const V4L2_BUF_CAP_SUPPORTS_M2M_HOLD_CAPTURE_BUF: u32 = 1 << 5;
/// Queue honours the MMAP cache hints.
pub const V4L2_BUF_CAP_SUPPORTS_MMAP_CACHE_HINTS: u32 = 1 << 6;

/// Buffer is mapped.
pub const V4L2_BUF_FLAG_MAPPED: u32 = 0x0000_0001;
/// Buffer is queued in the driver.
pub const V4L2_BUF_FLAG_QUEUED: u32 = 0x0000_0002;
/// Buffer is done and waits to be dequeued.
pub const V4L2_BUF_FLAG_DONE: u32 = 0x0000_0004;
/// Buffer holds a key frame.
pub const V4L2_BUF_FLAG_KEYFRAME: u32 = 0x0000_0008;
/// Buffer holds a predicted frame.
pub const V4L2_BUF_FLAG_PFRAME: u32 = 0x0000_0010;
/// Buffer holds a bidirectionally predicted frame.
pub const V4L2_BUF_FLAG_BFRAME: u32 = 0x0000_0020;
/// Buffer was completed, but its data is damaged.
pub const V4L2_BUF_FLAG_ERROR: u32 = 0x0000_0040;
/// Buffer belongs to a request not yet queued.
pub const V4L2_BUF_FLAG_IN_REQUEST: u32 = 0x0000_0080;
/// `timecode` is valid.
pub const V4L2_BUF_FLAG_TIMECODE: u32 = 0x0000_0100;
/// Keep the capture buffer until the output timestamp changes (stateless decoders).
pub const V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF: u32 = 0x0000_0200;
/// Buffer has been prepared.
pub const V4L2_BUF_FLAG_PREPARED: u32 = 0x0000_0400;
/// Skip cache invalidation for this buffer.
pub const V4L2_BUF_FLAG_NO_CACHE_INVALIDATE: u32 = 0x0000_0800;
/// Skip cache cleaning for this buffer.
pub const V4L2_BUF_FLAG_NO_CACHE_CLEAN: u32 = 0x0000_1000;
/// Mask of the timestamp type bits.
pub const V4L2_BUF_FLAG_TIMESTAMP_MASK: u32 = 0x0000_e000;
/// Timestamp type unknown.
pub const V4L2_BUF_FLAG_TIMESTAMP_UNKNOWN: u32 = 0x0000_0000;
/// Timestamp taken from `CLOCK_MONOTONIC`.
pub const V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC: u32 = 0x0000_2000;
/// Timestamp copied from the matching output buffer (m2m).
pub const V4L2_BUF_FLAG_TIMESTAMP_COPY: u32 = 0x0000_4000;
/// Mask of the timestamp source bits.
pub const V4L2_BUF_FLAG_TSTAMP_SRC_MASK: u32 = 0x0007_0000;
/// Timestamp taken at the end of the frame.
pub const V4L2_BUF_FLAG_TSTAMP_SRC_EOF: u32 = 0x0000_0000;
/// Timestamp taken at the start of exposure.
pub const V4L2_BUF_FLAG_TSTAMP_SRC_SOE: u32 = 0x0001_0000;
/// Last buffer of a drain or of a resolution change (m2m codecs).
pub const V4L2_BUF_FLAG_LAST: u32 = 0x0010_0000;
/// `request_fd` is valid.
pub const V4L2_BUF_FLAG_REQUEST_FD: u32 = 0x0080_0000;

// ---------------------------------------------------------------------------------------
// Streaming parameters
// ---------------------------------------------------------------------------------------

/// High quality capture mode.
pub const V4L2_MODE_HIGHQUALITY: u32 = 0x0001;
/// `timeperframe` is supported.
pub const V4L2_CAP_TIMEPERFRAME: u32 = 0x1000;

// ---------------------------------------------------------------------------------------
// Selection (v4l2-common.h)
// ---------------------------------------------------------------------------------------

/// Current crop rectangle.
pub const V4L2_SEL_TGT_CROP: u32 = 0x0000;
/// Default crop rectangle.
pub const V4L2_SEL_TGT_CROP_DEFAULT: u32 = 0x0001;
/// Bounds of the crop rectangle.
pub const V4L2_SEL_TGT_CROP_BOUNDS: u32 = 0x0002;
/// Native size of the device.
pub const V4L2_SEL_TGT_NATIVE_SIZE: u32 = 0x0003;
/// Current compose rectangle.
pub const V4L2_SEL_TGT_COMPOSE: u32 = 0x0100;
/// Default compose rectangle.
pub const V4L2_SEL_TGT_COMPOSE_DEFAULT: u32 = 0x0101;
/// Bounds of the compose rectangle.
pub const V4L2_SEL_TGT_COMPOSE_BOUNDS: u32 = 0x0102;
/// Compose rectangle including padding the hardware writes.
pub const V4L2_SEL_TGT_COMPOSE_PADDED: u32 = 0x0103;
/// Adjusted rectangle must be at least as large as asked.
pub const V4L2_SEL_FLAG_GE: u32 = 1 << 0;
/// Adjusted rectangle must be at most as large as asked.
pub const V4L2_SEL_FLAG_LE: u32 = 1 << 1;
/// Do not propagate the change to other pads or rectangles.
pub const V4L2_SEL_FLAG_KEEP_CONFIG: u32 = 1 << 2;

// ---------------------------------------------------------------------------------------
// Controls
// ---------------------------------------------------------------------------------------

/// Mask of the class-and-number part of a control ID.
pub const V4L2_CTRL_ID_MASK: u32 = 0x0fff_ffff;
/// `which`: current values.
pub const V4L2_CTRL_WHICH_CUR_VAL: u32 = 0;
/// `which`: default values.
pub const V4L2_CTRL_WHICH_DEF_VAL: u32 = 0x0f00_0000;
/// `which`: values of a request.
pub const V4L2_CTRL_WHICH_REQUEST_VAL: u32 = 0x0f01_0000;

/// Control class of a control ID (kernel macro `V4L2_CTRL_ID2CLASS`).
#[allow(non_snake_case)]
pub const fn V4L2_CTRL_ID2CLASS(id: u32) -> u32 {
    id & 0x0fff_0000
}

/// `which` value of a control ID (kernel macro `V4L2_CTRL_ID2WHICH`).
#[allow(non_snake_case)]
pub const fn V4L2_CTRL_ID2WHICH(id: u32) -> u32 {
    id & 0x0fff_0000
}

/// True for driver-private control IDs (kernel macro `V4L2_CTRL_DRIVER_PRIV`).
#[allow(non_snake_case)]
pub const fn V4L2_CTRL_DRIVER_PRIV(id: u32) -> bool {
    (id & 0xffff) >= 0x1000
}

/// 32-bit integer control.
pub const V4L2_CTRL_TYPE_INTEGER: u32 = 1;
/// Boolean control.
pub const V4L2_CTRL_TYPE_BOOLEAN: u32 = 2;
/// Menu control with named items.
pub const V4L2_CTRL_TYPE_MENU: u32 = 3;
/// Action control without a value.
pub const V4L2_CTRL_TYPE_BUTTON: u32 = 4;
/// 64-bit integer control.
pub const V4L2_CTRL_TYPE_INTEGER64: u32 = 5;
/// Pseudo control naming a control class.
pub const V4L2_CTRL_TYPE_CTRL_CLASS: u32 = 6;
/// String control.
pub const V4L2_CTRL_TYPE_STRING: u32 = 7;
/// Bit mask control.
pub const V4L2_CTRL_TYPE_BITMASK: u32 = 8;
/// Menu control with integer items.
pub const V4L2_CTRL_TYPE_INTEGER_MENU: u32 = 9;
/// First compound (pointer-valued) control type.
pub const V4L2_CTRL_COMPOUND_TYPES: u32 = 0x0100;
/// Array of `u8`.
pub const V4L2_CTRL_TYPE_U8: u32 = 0x0100;
/// Array of `u16`.
pub const V4L2_CTRL_TYPE_U16: u32 = 0x0101;
/// Array of `u32`.
pub const V4L2_CTRL_TYPE_U32: u32 = 0x0102;
/// `v4l2_area` control.
pub const V4L2_CTRL_TYPE_AREA: u32 = 0x0106;
/// HDR10 content light level control.
pub const V4L2_CTRL_TYPE_HDR10_CLL_INFO: u32 = 0x0110;
/// HDR10 mastering display control.
pub const V4L2_CTRL_TYPE_HDR10_MASTERING_DISPLAY: u32 = 0x0111;
/// Stateless H.264 SPS.
pub const V4L2_CTRL_TYPE_H264_SPS: u32 = 0x0200;
/// Stateless H.264 PPS.
pub const V4L2_CTRL_TYPE_H264_PPS: u32 = 0x0201;
/// Stateless H.264 scaling matrix.
pub const V4L2_CTRL_TYPE_H264_SCALING_MATRIX: u32 = 0x0202;
/// Stateless H.264 slice parameters.
pub const V4L2_CTRL_TYPE_H264_SLICE_PARAMS: u32 = 0x0203;
/// Stateless H.264 decode parameters.
pub const V4L2_CTRL_TYPE_H264_DECODE_PARAMS: u32 = 0x0204;
/// Stateless H.264 prediction weights.
pub const V4L2_CTRL_TYPE_H264_PRED_WEIGHTS: u32 = 0x0205;
/// Stateless FWHT parameters.
pub const V4L2_CTRL_TYPE_FWHT_PARAMS: u32 = 0x0220;
/// Stateless VP8 frame parameters.
pub const V4L2_CTRL_TYPE_VP8_FRAME: u32 = 0x0240;
/// Stateless MPEG-2 quantisation matrices.
pub const V4L2_CTRL_TYPE_MPEG2_QUANTISATION: u32 = 0x0250;
/// Stateless MPEG-2 sequence header.
pub const V4L2_CTRL_TYPE_MPEG2_SEQUENCE: u32 = 0x0251;
/// Stateless MPEG-2 picture header.
pub const V4L2_CTRL_TYPE_MPEG2_PICTURE: u32 = 0x0252;
/// Stateless VP9 compressed header probabilities.
pub const V4L2_CTRL_TYPE_VP9_COMPRESSED_HDR: u32 = 0x0260;
/// Stateless VP9 frame parameters.
pub const V4L2_CTRL_TYPE_VP9_FRAME: u32 = 0x0261;
/// Stateless HEVC SPS.
pub const V4L2_CTRL_TYPE_HEVC_SPS: u32 = 0x0270;
/// Stateless HEVC PPS.
pub const V4L2_CTRL_TYPE_HEVC_PPS: u32 = 0x0271;
/// Stateless HEVC slice parameters.
pub const V4L2_CTRL_TYPE_HEVC_SLICE_PARAMS: u32 = 0x0272;
/// Stateless HEVC scaling matrix.
pub const V4L2_CTRL_TYPE_HEVC_SCALING_MATRIX: u32 = 0x0273;
/// Stateless HEVC decode parameters.
pub const V4L2_CTRL_TYPE_HEVC_DECODE_PARAMS: u32 = 0x0274;

/// Control is permanently unavailable.
pub const V4L2_CTRL_FLAG_DISABLED: u32 = 0x0001;
/// Control is temporarily locked by another user.
pub const V4L2_CTRL_FLAG_GRABBED: u32 = 0x0002;
/// Control cannot be written.
pub const V4L2_CTRL_FLAG_READ_ONLY: u32 = 0x0004;
/// Writing the control may change other controls.
pub const V4L2_CTRL_FLAG_UPDATE: u32 = 0x0008;
/// Control currently has no effect.
pub const V4L2_CTRL_FLAG_INACTIVE: u32 = 0x0010;
/// Best shown as a slider.
pub const V4L2_CTRL_FLAG_SLIDER: u32 = 0x0020;
/// Control cannot be read.
pub const V4L2_CTRL_FLAG_WRITE_ONLY: u32 = 0x0040;
/// Value changes on its own (read it back each time).
pub const V4L2_CTRL_FLAG_VOLATILE: u32 = 0x0080;
/// Value is passed through a pointer.
pub const V4L2_CTRL_FLAG_HAS_PAYLOAD: u32 = 0x0100;
/// Writing acts even if the value is unchanged.
pub const V4L2_CTRL_FLAG_EXECUTE_ON_WRITE: u32 = 0x0200;
/// Changing the value may change the buffer layout.
pub const V4L2_CTRL_FLAG_MODIFY_LAYOUT: u32 = 0x0400;
/// Array control whose length may change.
pub const V4L2_CTRL_FLAG_DYNAMIC_ARRAY: u32 = 0x0800;
/// OR-ed into a queried ID: return the next non-compound control.
pub const V4L2_CTRL_FLAG_NEXT_CTRL: u32 = 0x8000_0000;
/// OR-ed into a queried ID: return the next compound control.
pub const V4L2_CTRL_FLAG_NEXT_COMPOUND: u32 = 0x4000_0000;

/// Historical count of user control IDs.
pub const V4L2_CID_MAX_CTRLS: u32 = 1024;
/// Old base of driver-private control IDs.
pub const V4L2_CID_PRIVATE_BASE: u32 = 0x0800_0000;

/// User controls class.
pub const V4L2_CTRL_CLASS_USER: u32 = 0x0098_0000;
/// Stateful codec controls class.
pub const V4L2_CTRL_CLASS_CODEC: u32 = 0x0099_0000;
/// Old name of the codec controls class.
pub const V4L2_CTRL_CLASS_MPEG: u32 = V4L2_CTRL_CLASS_CODEC;
/// Camera controls class.
pub const V4L2_CTRL_CLASS_CAMERA: u32 = 0x009a_0000;
/// FM modulator controls class.
pub const V4L2_CTRL_CLASS_FM_TX: u32 = 0x009b_0000;
/// Camera flash controls class.
pub const V4L2_CTRL_CLASS_FLASH: u32 = 0x009c_0000;
/// JPEG compression controls class.
pub const V4L2_CTRL_CLASS_JPEG: u32 = 0x009d_0000;
/// Image source controls class.
pub const V4L2_CTRL_CLASS_IMAGE_SOURCE: u32 = 0x009e_0000;
/// Image processing controls class.
pub const V4L2_CTRL_CLASS_IMAGE_PROC: u32 = 0x009f_0000;
/// Digital video controls class.
pub const V4L2_CTRL_CLASS_DV: u32 = 0x00a0_0000;
/// FM receiver controls class.
pub const V4L2_CTRL_CLASS_FM_RX: u32 = 0x00a1_0000;
/// RF tuner controls class.
pub const V4L2_CTRL_CLASS_RF_TUNER: u32 = 0x00a2_0000;
/// Detection controls class.
pub const V4L2_CTRL_CLASS_DETECT: u32 = 0x00a3_0000;
/// Stateless codec controls class.
pub const V4L2_CTRL_CLASS_CODEC_STATELESS: u32 = 0x00a4_0000;
/// Colorimetry controls class.
pub const V4L2_CTRL_CLASS_COLORIMETRY: u32 = 0x00a5_0000;

/// First user control ID.
pub const V4L2_CID_BASE: u32 = V4L2_CTRL_CLASS_USER | 0x900;
/// Same as `V4L2_CID_BASE`.
pub const V4L2_CID_USER_BASE: u32 = V4L2_CID_BASE;
/// Pseudo control describing the user class.
pub const V4L2_CID_USER_CLASS: u32 = V4L2_CTRL_CLASS_USER | 1;
/// Picture brightness.
pub const V4L2_CID_BRIGHTNESS: u32 = V4L2_CID_BASE;
/// Picture contrast.
pub const V4L2_CID_CONTRAST: u32 = V4L2_CID_BASE + 1;
/// Colour saturation.
pub const V4L2_CID_SATURATION: u32 = V4L2_CID_BASE + 2;
/// Hue.
pub const V4L2_CID_HUE: u32 = V4L2_CID_BASE + 3;
/// Audio volume.
pub const V4L2_CID_AUDIO_VOLUME: u32 = V4L2_CID_BASE + 5;
/// Audio balance.
pub const V4L2_CID_AUDIO_BALANCE: u32 = V4L2_CID_BASE + 6;
/// Audio bass.
pub const V4L2_CID_AUDIO_BASS: u32 = V4L2_CID_BASE + 7;
/// Audio treble.
pub const V4L2_CID_AUDIO_TREBLE: u32 = V4L2_CID_BASE + 8;
/// Audio mute.
pub const V4L2_CID_AUDIO_MUTE: u32 = V4L2_CID_BASE + 9;
/// Audio loudness.
pub const V4L2_CID_AUDIO_LOUDNESS: u32 = V4L2_CID_BASE + 10;
/// Black level (deprecated).
pub const V4L2_CID_BLACK_LEVEL: u32 = V4L2_CID_BASE + 11;
/// Automatic white balance.
pub const V4L2_CID_AUTO_WHITE_BALANCE: u32 = V4L2_CID_BASE + 12;
/// One-shot white balance (button).
pub const V4L2_CID_DO_WHITE_BALANCE: u32 = V4L2_CID_BASE + 13;
/// Red chroma balance.
pub const V4L2_CID_RED_BALANCE: u32 = V4L2_CID_BASE + 14;
/// Blue chroma balance.
pub const V4L2_CID_BLUE_BALANCE: u32 = V4L2_CID_BASE + 15;
/// Gamma adjustment.
pub const V4L2_CID_GAMMA: u32 = V4L2_CID_BASE + 16;
/// Exposure.
pub const V4L2_CID_EXPOSURE: u32 = V4L2_CID_BASE + 17;
/// Automatic gain.
pub const V4L2_CID_AUTOGAIN: u32 = V4L2_CID_BASE + 18;
/// Gain.
pub const V4L2_CID_GAIN: u32 = V4L2_CID_BASE + 19;
/// Mirror the picture horizontally.
pub const V4L2_CID_HFLIP: u32 = V4L2_CID_BASE + 20;
/// Mirror the picture vertically.
pub const V4L2_CID_VFLIP: u32 = V4L2_CID_BASE + 21;
/// Power line frequency filter (menu).
pub const V4L2_CID_POWER_LINE_FREQUENCY: u32 = V4L2_CID_BASE + 24;
/// Automatic hue.
pub const V4L2_CID_HUE_AUTO: u32 = V4L2_CID_BASE + 25;
/// White balance as a colour temperature.
pub const V4L2_CID_WHITE_BALANCE_TEMPERATURE: u32 = V4L2_CID_BASE + 26;
/// Sharpness.
pub const V4L2_CID_SHARPNESS: u32 = V4L2_CID_BASE + 27;
/// Backlight compensation.
pub const V4L2_CID_BACKLIGHT_COMPENSATION: u32 = V4L2_CID_BASE + 28;
/// Chroma automatic gain control.
pub const V4L2_CID_CHROMA_AGC: u32 = V4L2_CID_BASE + 29;
/// Colour killer.
pub const V4L2_CID_COLOR_KILLER: u32 = V4L2_CID_BASE + 30;
/// Colour effect (menu).
pub const V4L2_CID_COLORFX: u32 = V4L2_CID_BASE + 31;
/// Automatic brightness.
pub const V4L2_CID_AUTOBRIGHTNESS: u32 = V4L2_CID_BASE + 32;
/// Band-stop filter.
pub const V4L2_CID_BAND_STOP_FILTER: u32 = V4L2_CID_BASE + 33;
/// Rotation in degrees (0, 90, 180, 270).
pub const V4L2_CID_ROTATE: u32 = V4L2_CID_BASE + 34;
/// Background colour (RGB888).
pub const V4L2_CID_BG_COLOR: u32 = V4L2_CID_BASE + 35;
/// Chroma gain.
pub const V4L2_CID_CHROMA_GAIN: u32 = V4L2_CID_BASE + 36;
/// Illuminator 1.
pub const V4L2_CID_ILLUMINATORS_1: u32 = V4L2_CID_BASE + 37;
/// Illuminator 2.
pub const V4L2_CID_ILLUMINATORS_2: u32 = V4L2_CID_BASE + 38;
/// Read-only: fewest CAPTURE buffers the device needs.
pub const V4L2_CID_MIN_BUFFERS_FOR_CAPTURE: u32 = V4L2_CID_BASE + 39;
/// Read-only: fewest OUTPUT buffers the device needs.
pub const V4L2_CID_MIN_BUFFERS_FOR_OUTPUT: u32 = V4L2_CID_BASE + 40;
/// Alpha value written into formats with an alpha channel.
pub const V4L2_CID_ALPHA_COMPONENT: u32 = V4L2_CID_BASE + 41;
/// Cb/Cr values of the `V4L2_COLORFX_SET_CBCR` effect.
pub const V4L2_CID_COLORFX_CBCR: u32 = V4L2_CID_BASE + 42;
/// RGB value of the `V4L2_COLORFX_SET_RGB` effect.
pub const V4L2_CID_COLORFX_RGB: u32 = V4L2_CID_BASE + 43;
/// One past the last predefined user control.
pub const V4L2_CID_LASTP1: u32 = V4L2_CID_BASE + 44;

/// First stateful codec control ID.
pub const V4L2_CID_CODEC_BASE: u32 = V4L2_CTRL_CLASS_CODEC | 0x900;
/// Pseudo control describing the codec class.
pub const V4L2_CID_CODEC_CLASS: u32 = V4L2_CTRL_CLASS_CODEC | 1;
/// Old name of `V4L2_CID_CODEC_BASE`.
pub const V4L2_CID_MPEG_BASE: u32 = V4L2_CID_CODEC_BASE;
/// Old name of `V4L2_CID_CODEC_CLASS`.
pub const V4L2_CID_MPEG_CLASS: u32 = V4L2_CID_CODEC_CLASS;
/// Pseudo control describing the camera class.
pub const V4L2_CID_CAMERA_CLASS: u32 = V4L2_CTRL_CLASS_CAMERA | 1;
/// Pseudo control describing the FM modulator class.
pub const V4L2_CID_FM_TX_CLASS: u32 = V4L2_CTRL_CLASS_FM_TX | 1;
/// Pseudo control describing the flash class.
pub const V4L2_CID_FLASH_CLASS: u32 = V4L2_CTRL_CLASS_FLASH | 1;
/// Pseudo control describing the JPEG class.
pub const V4L2_CID_JPEG_CLASS: u32 = V4L2_CTRL_CLASS_JPEG | 1;
/// Pseudo control describing the image source class.
pub const V4L2_CID_IMAGE_SOURCE_CLASS: u32 = V4L2_CTRL_CLASS_IMAGE_SOURCE | 1;
/// Pseudo control describing the image processing class.
pub const V4L2_CID_IMAGE_PROC_CLASS: u32 = V4L2_CTRL_CLASS_IMAGE_PROC | 1;
/// Pseudo control describing the digital video class.
pub const V4L2_CID_DV_CLASS: u32 = V4L2_CTRL_CLASS_DV | 1;
/// Pseudo control describing the FM receiver class.
pub const V4L2_CID_FM_RX_CLASS: u32 = V4L2_CTRL_CLASS_FM_RX | 1;
/// Pseudo control describing the RF tuner class.
pub const V4L2_CID_RF_TUNER_CLASS: u32 = V4L2_CTRL_CLASS_RF_TUNER | 1;
/// Pseudo control describing the detection class.
pub const V4L2_CID_DETECT_CLASS: u32 = V4L2_CTRL_CLASS_DETECT | 1;
/// Pseudo control describing the stateless codec class.
pub const V4L2_CID_CODEC_STATELESS_CLASS: u32 = V4L2_CTRL_CLASS_CODEC_STATELESS | 1;
/// Pseudo control describing the colorimetry class.
pub const V4L2_CID_COLORIMETRY_CLASS: u32 = V4L2_CTRL_CLASS_COLORIMETRY | 1;

/// Number of B-frames between reference frames.
pub const V4L2_CID_MPEG_VIDEO_B_FRAMES: u32 = V4L2_CID_CODEC_BASE + 202;
/// Frames per group of pictures.
pub const V4L2_CID_MPEG_VIDEO_GOP_SIZE: u32 = V4L2_CID_CODEC_BASE + 203;
/// Rate control mode (menu of `V4L2_MPEG_VIDEO_BITRATE_MODE_*`).
pub const V4L2_CID_MPEG_VIDEO_BITRATE_MODE: u32 = V4L2_CID_CODEC_BASE + 206;
/// Rate control: variable bitrate.
pub const V4L2_MPEG_VIDEO_BITRATE_MODE_VBR: u32 = 0;
/// Rate control: constant bitrate.
pub const V4L2_MPEG_VIDEO_BITRATE_MODE_CBR: u32 = 1;
/// Rate control: constant quality.
pub const V4L2_MPEG_VIDEO_BITRATE_MODE_CQ: u32 = 2;
/// Average bitrate in bits per second.
pub const V4L2_CID_MPEG_VIDEO_BITRATE: u32 = V4L2_CID_CODEC_BASE + 207;
/// Peak bitrate in bits per second.
pub const V4L2_CID_MPEG_VIDEO_BITRATE_PEAK: u32 = V4L2_CID_CODEC_BASE + 208;
/// Enable frame-level rate control.
pub const V4L2_CID_MPEG_VIDEO_FRAME_RC_ENABLE: u32 = V4L2_CID_CODEC_BASE + 215;
/// Where stream headers go (menu of `V4L2_MPEG_VIDEO_HEADER_MODE_*`).
pub const V4L2_CID_MPEG_VIDEO_HEADER_MODE: u32 = V4L2_CID_CODEC_BASE + 216;
/// Stream headers in a buffer of their own.
pub const V4L2_MPEG_VIDEO_HEADER_MODE_SEPARATE: u32 = 0;
/// Stream headers in the buffer of the first frame.
pub const V4L2_MPEG_VIDEO_HEADER_MODE_JOINED_WITH_1ST_FRAME: u32 = 1;
/// Repeat the sequence header before each I-frame.
pub const V4L2_CID_MPEG_VIDEO_REPEAT_SEQ_HEADER: u32 = V4L2_CID_CODEC_BASE + 226;
/// Button: make the next frame a key frame.
pub const V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME: u32 = V4L2_CID_CODEC_BASE + 229;
/// H.264 QP of I-frames.
pub const V4L2_CID_MPEG_VIDEO_H264_I_FRAME_QP: u32 = V4L2_CID_CODEC_BASE + 350;
/// H.264 QP of P-frames.
pub const V4L2_CID_MPEG_VIDEO_H264_P_FRAME_QP: u32 = V4L2_CID_CODEC_BASE + 351;
/// H.264 QP of B-frames.
pub const V4L2_CID_MPEG_VIDEO_H264_B_FRAME_QP: u32 = V4L2_CID_CODEC_BASE + 352;
/// H.264 lowest QP.
pub const V4L2_CID_MPEG_VIDEO_H264_MIN_QP: u32 = V4L2_CID_CODEC_BASE + 353;
/// H.264 highest QP.
pub const V4L2_CID_MPEG_VIDEO_H264_MAX_QP: u32 = V4L2_CID_CODEC_BASE + 354;
/// H.264 8x8 transform enable.
pub const V4L2_CID_MPEG_VIDEO_H264_8X8_TRANSFORM: u32 = V4L2_CID_CODEC_BASE + 355;
/// H.264 CPB size in kilobytes.
pub const V4L2_CID_MPEG_VIDEO_H264_CPB_SIZE: u32 = V4L2_CID_CODEC_BASE + 356;
/// H.264 entropy coding mode (CAVLC or CABAC).
pub const V4L2_CID_MPEG_VIDEO_H264_ENTROPY_MODE: u32 = V4L2_CID_CODEC_BASE + 357;
/// H.264 CAVLC entropy coding.
pub const V4L2_MPEG_VIDEO_H264_ENTROPY_MODE_CAVLC: u32 = 0;
/// H.264 CABAC entropy coding.
pub const V4L2_MPEG_VIDEO_H264_ENTROPY_MODE_CABAC: u32 = 1;
/// H.264 I-frame period.
pub const V4L2_CID_MPEG_VIDEO_H264_I_PERIOD: u32 = V4L2_CID_CODEC_BASE + 358;
/// H.264 level (menu of `V4L2_MPEG_VIDEO_H264_LEVEL_*`).
pub const V4L2_CID_MPEG_VIDEO_H264_LEVEL: u32 = V4L2_CID_CODEC_BASE + 359;
/// H.264 level 1.0.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_1_0: u32 = 0;
/// H.264 level 1b.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_1B: u32 = 1;
/// H.264 level 1.1.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_1_1: u32 = 2;
/// H.264 level 1.2.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_1_2: u32 = 3;
/// H.264 level 1.3.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_1_3: u32 = 4;
/// H.264 level 2.0.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_2_0: u32 = 5;
/// H.264 level 2.1.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_2_1: u32 = 6;
/// H.264 level 2.2.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_2_2: u32 = 7;
/// H.264 level 3.0.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_3_0: u32 = 8;
/// H.264 level 3.1.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_3_1: u32 = 9;
/// H.264 level 3.2.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_3_2: u32 = 10;
/// H.264 level 4.0.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_4_0: u32 = 11;
/// H.264 level 4.1.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_4_1: u32 = 12;
/// H.264 level 4.2.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_4_2: u32 = 13;
/// H.264 level 5.0.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_5_0: u32 = 14;
/// H.264 level 5.1.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_5_1: u32 = 15;
/// H.264 level 5.2.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_5_2: u32 = 16;
/// H.264 level 6.0.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_6_0: u32 = 17;
/// H.264 level 6.1.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_6_1: u32 = 18;
/// H.264 level 6.2.
pub const V4L2_MPEG_VIDEO_H264_LEVEL_6_2: u32 = 19;
/// H.264 profile (menu of `V4L2_MPEG_VIDEO_H264_PROFILE_*`).
pub const V4L2_CID_MPEG_VIDEO_H264_PROFILE: u32 = V4L2_CID_CODEC_BASE + 363;
/// H.264 Baseline profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_BASELINE: u32 = 0;
/// H.264 Constrained Baseline profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_CONSTRAINED_BASELINE: u32 = 1;
/// H.264 Main profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_MAIN: u32 = 2;
/// H.264 Extended profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_EXTENDED: u32 = 3;
/// H.264 High profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_HIGH: u32 = 4;
/// H.264 High 10 profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_10: u32 = 5;
/// H.264 High 4:2:2 profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_422: u32 = 6;
/// H.264 High 4:4:4 Predictive profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_444_PREDICTIVE: u32 = 7;
/// H.264 High 10 Intra profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_10_INTRA: u32 = 8;
/// H.264 High 4:2:2 Intra profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_422_INTRA: u32 = 9;
/// H.264 High 4:4:4 Intra profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_444_INTRA: u32 = 10;
/// H.264 CAVLC 4:4:4 Intra profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_CAVLC_444_INTRA: u32 = 11;
/// H.264 Scalable Baseline profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_SCALABLE_BASELINE: u32 = 12;
/// H.264 Scalable High profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_SCALABLE_HIGH: u32 = 13;
/// H.264 Scalable High Intra profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_SCALABLE_HIGH_INTRA: u32 = 14;
/// H.264 Stereo High profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_STEREO_HIGH: u32 = 15;
/// H.264 Multiview High profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_MULTIVIEW_HIGH: u32 = 16;
/// H.264 Constrained High profile.
pub const V4L2_MPEG_VIDEO_H264_PROFILE_CONSTRAINED_HIGH: u32 = 17;
/// Put SPS and PPS in front of every IDR frame.
pub const V4L2_CID_MPEG_VIDEO_PREPEND_SPSPPS_TO_IDR: u32 = V4L2_CID_CODEC_BASE + 644;

// ---------------------------------------------------------------------------------------
// Encoder index, encoder and decoder commands
// ---------------------------------------------------------------------------------------

/// Index entry is an I-frame.
pub const V4L2_ENC_IDX_FRAME_I: u32 = 0;
/// Index entry is a P-frame.
pub const V4L2_ENC_IDX_FRAME_P: u32 = 1;
/// Index entry is a B-frame.
pub const V4L2_ENC_IDX_FRAME_B: u32 = 2;
/// Mask of the frame type in an index entry's flags.
pub const V4L2_ENC_IDX_FRAME_MASK: u32 = 0xf;

/// Encoder command: start, or resume after a stop.
pub const V4L2_ENC_CMD_START: u32 = 0;
/// Encoder command: drain and stop.
pub const V4L2_ENC_CMD_STOP: u32 = 1;
/// Encoder command: pause.
pub const V4L2_ENC_CMD_PAUSE: u32 = 2;
/// Encoder command: resume after a pause.
pub const V4L2_ENC_CMD_RESUME: u32 = 3;
/// Stop flag: finish the current group of pictures first.
pub const V4L2_ENC_CMD_STOP_AT_GOP_END: u32 = 1 << 0;

/// Decoder command: start, or resume after a stop.
pub const V4L2_DEC_CMD_START: u32 = 0;
/// Decoder command: drain and stop.
pub const V4L2_DEC_CMD_STOP: u32 = 1;
/// Decoder command: pause.
pub const V4L2_DEC_CMD_PAUSE: u32 = 2;
/// Decoder command: resume after a pause.
pub const V4L2_DEC_CMD_RESUME: u32 = 3;
/// Decoder command: release held capture buffers (stateless decoders).
pub const V4L2_DEC_CMD_FLUSH: u32 = 4;
/// Start flag: mute audio.
pub const V4L2_DEC_CMD_START_MUTE_AUDIO: u32 = 1 << 0;
/// Pause flag: show a black picture.
pub const V4L2_DEC_CMD_PAUSE_TO_BLACK: u32 = 1 << 0;
/// Stop flag: show a black picture.
pub const V4L2_DEC_CMD_STOP_TO_BLACK: u32 = 1 << 0;
/// Stop flag: stop at once instead of draining.
pub const V4L2_DEC_CMD_STOP_IMMEDIATELY: u32 = 1 << 1;
/// Start format: no particular requirement.
pub const V4L2_DEC_START_FMT_NONE: u32 = 0;
/// Start format: whole groups of pictures required.
pub const V4L2_DEC_START_FMT_GOP: u32 = 1;

// ---------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------

/// Every event type (unsubscribe only).
pub const V4L2_EVENT_ALL: u32 = 0;
/// Vertical sync.
pub const V4L2_EVENT_VSYNC: u32 = 1;
/// End of stream (last buffer of a drain is done).
pub const V4L2_EVENT_EOS: u32 = 2;
/// A control changed.
pub const V4L2_EVENT_CTRL: u32 = 3;
/// A frame started.
pub const V4L2_EVENT_FRAME_SYNC: u32 = 4;
/// Source parameters changed (e.g. decoded resolution).
pub const V4L2_EVENT_SOURCE_CHANGE: u32 = 5;
/// Motion detection state changed.
pub const V4L2_EVENT_MOTION_DET: u32 = 6;
/// First driver-private event type.
pub const V4L2_EVENT_PRIVATE_START: u32 = 0x0800_0000;

/// Control event: the value changed.
pub const V4L2_EVENT_CTRL_CH_VALUE: u32 = 1 << 0;
/// Control event: the flags changed.
pub const V4L2_EVENT_CTRL_CH_FLAGS: u32 = 1 << 1;
/// Control event: the range changed.
pub const V4L2_EVENT_CTRL_CH_RANGE: u32 = 1 << 2;
/// Control event: the array dimensions changed.
pub const V4L2_EVENT_CTRL_CH_DIMENSIONS: u32 = 1 << 3;
/// Source change event: the resolution changed.
pub const V4L2_EVENT_SRC_CH_RESOLUTION: u32 = 1 << 0;
/// Motion event: `frame_sequence` is valid.
pub const V4L2_EVENT_MD_FL_HAVE_FRAME_SEQ: u32 = 1 << 0;
/// Subscription flag: send the current state at once.
pub const V4L2_EVENT_SUB_FL_SEND_INITIAL: u32 = 1 << 0;
/// Subscription flag: also report changes made by this file handle.
pub const V4L2_EVENT_SUB_FL_ALLOW_FEEDBACK: u32 = 1 << 1;

// ---------------------------------------------------------------------------------------
// Pixel formats (a selection: the ones codecs and converters commonly use)
// ---------------------------------------------------------------------------------------

/// Fourcc `RGB1`: 8-bit RGB 3-3-2.
pub const V4L2_PIX_FMT_RGB332: u32 = v4l2_fourcc(b'R', b'G', b'B', b'1');
/// Fourcc `RGBP`: 16-bit RGB 5-6-5, little endian.
pub const V4L2_PIX_FMT_RGB565: u32 = v4l2_fourcc(b'R', b'G', b'B', b'P');
/// Fourcc `RGBR`: 16-bit RGB 5-6-5, big endian.
pub const V4L2_PIX_FMT_RGB565X: u32 = v4l2_fourcc(b'R', b'G', b'B', b'R');
/// Fourcc `RGBO`: 16-bit RGB 5-5-5, little endian.
pub const V4L2_PIX_FMT_RGB555: u32 = v4l2_fourcc(b'R', b'G', b'B', b'O');
/// Fourcc `BGR3`: 24-bit packed B, G, R.
pub const V4L2_PIX_FMT_BGR24: u32 = v4l2_fourcc(b'B', b'G', b'R', b'3');
/// Fourcc `RGB3`: 24-bit packed R, G, B.
pub const V4L2_PIX_FMT_RGB24: u32 = v4l2_fourcc(b'R', b'G', b'B', b'3');
/// Fourcc `BGR4`: 32-bit B, G, R and a padding byte (deprecated).
pub const V4L2_PIX_FMT_BGR32: u32 = v4l2_fourcc(b'B', b'G', b'R', b'4');
/// Fourcc `RGB4`: 32-bit padding byte and R, G, B (deprecated).
pub const V4L2_PIX_FMT_RGB32: u32 = v4l2_fourcc(b'R', b'G', b'B', b'4');
/// Fourcc `AR24`: 32-bit B, G, R, A in memory.
pub const V4L2_PIX_FMT_ABGR32: u32 = v4l2_fourcc(b'A', b'R', b'2', b'4');
/// Fourcc `XR24`: 32-bit B, G, R, padding in memory.
pub const V4L2_PIX_FMT_XBGR32: u32 = v4l2_fourcc(b'X', b'R', b'2', b'4');
/// Fourcc `RA24`: 32-bit A, B, G, R in memory.
pub const V4L2_PIX_FMT_BGRA32: u32 = v4l2_fourcc(b'R', b'A', b'2', b'4');
/// Fourcc `RX24`: 32-bit padding, B, G, R in memory.
pub const V4L2_PIX_FMT_BGRX32: u32 = v4l2_fourcc(b'R', b'X', b'2', b'4');
/// Fourcc `AB24`: 32-bit R, G, B, A in memory.
pub const V4L2_PIX_FMT_RGBA32: u32 = v4l2_fourcc(b'A', b'B', b'2', b'4');
/// Fourcc `XB24`: 32-bit R, G, B, padding in memory.
pub const V4L2_PIX_FMT_RGBX32: u32 = v4l2_fourcc(b'X', b'B', b'2', b'4');
/// Fourcc `BA24`: 32-bit A, R, G, B in memory.
pub const V4L2_PIX_FMT_ARGB32: u32 = v4l2_fourcc(b'B', b'A', b'2', b'4');
/// Fourcc `BX24`: 32-bit padding, R, G, B in memory.
pub const V4L2_PIX_FMT_XRGB32: u32 = v4l2_fourcc(b'B', b'X', b'2', b'4');
/// Fourcc `GREY`: 8-bit luma only.
pub const V4L2_PIX_FMT_GREY: u32 = v4l2_fourcc(b'G', b'R', b'E', b'Y');
/// Fourcc `Y10 `: 10-bit luma in 16-bit words.
pub const V4L2_PIX_FMT_Y10: u32 = v4l2_fourcc(b'Y', b'1', b'0', b' ');
/// Fourcc `Y12 `: 12-bit luma in 16-bit words.
pub const V4L2_PIX_FMT_Y12: u32 = v4l2_fourcc(b'Y', b'1', b'2', b' ');
/// Fourcc `Y16 `: 16-bit luma.
pub const V4L2_PIX_FMT_Y16: u32 = v4l2_fourcc(b'Y', b'1', b'6', b' ');
/// Fourcc `YUYV`: Packed 4:2:2, Y0 Cb Y1 Cr.
pub const V4L2_PIX_FMT_YUYV: u32 = v4l2_fourcc(b'Y', b'U', b'Y', b'V');
/// Fourcc `YVYU`: Packed 4:2:2, Y0 Cr Y1 Cb.
pub const V4L2_PIX_FMT_YVYU: u32 = v4l2_fourcc(b'Y', b'V', b'Y', b'U');
/// Fourcc `UYVY`: Packed 4:2:2, Cb Y0 Cr Y1.
pub const V4L2_PIX_FMT_UYVY: u32 = v4l2_fourcc(b'U', b'Y', b'V', b'Y');
/// Fourcc `VYUY`: Packed 4:2:2, Cr Y0 Cb Y1.
pub const V4L2_PIX_FMT_VYUY: u32 = v4l2_fourcc(b'V', b'Y', b'U', b'Y');
/// Fourcc `NV12`: 4:2:0, Y plane then interleaved CbCr plane, one buffer.
pub const V4L2_PIX_FMT_NV12: u32 = v4l2_fourcc(b'N', b'V', b'1', b'2');
/// Fourcc `NV21`: 4:2:0, Y plane then interleaved CrCb plane, one buffer.
pub const V4L2_PIX_FMT_NV21: u32 = v4l2_fourcc(b'N', b'V', b'2', b'1');
/// Fourcc `NV16`: 4:2:2, Y plane then interleaved CbCr plane, one buffer.
pub const V4L2_PIX_FMT_NV16: u32 = v4l2_fourcc(b'N', b'V', b'1', b'6');
/// Fourcc `NV61`: 4:2:2, Y plane then interleaved CrCb plane, one buffer.
pub const V4L2_PIX_FMT_NV61: u32 = v4l2_fourcc(b'N', b'V', b'6', b'1');
/// Fourcc `NV24`: 4:4:4, Y plane then interleaved CbCr plane, one buffer.
pub const V4L2_PIX_FMT_NV24: u32 = v4l2_fourcc(b'N', b'V', b'2', b'4');
/// Fourcc `NV42`: 4:4:4, Y plane then interleaved CrCb plane, one buffer.
pub const V4L2_PIX_FMT_NV42: u32 = v4l2_fourcc(b'N', b'V', b'4', b'2');
/// Fourcc `P010`: 4:2:0 like NV12 with 10 bits in 16-bit words.
pub const V4L2_PIX_FMT_P010: u32 = v4l2_fourcc(b'P', b'0', b'1', b'0');
/// Fourcc `NM12`: NV12 with the two planes in separate buffers.
pub const V4L2_PIX_FMT_NV12M: u32 = v4l2_fourcc(b'N', b'M', b'1', b'2');
/// Fourcc `NM21`: NV21 with the two planes in separate buffers.
pub const V4L2_PIX_FMT_NV21M: u32 = v4l2_fourcc(b'N', b'M', b'2', b'1');
/// Fourcc `NM16`: NV16 with the two planes in separate buffers.
pub const V4L2_PIX_FMT_NV16M: u32 = v4l2_fourcc(b'N', b'M', b'1', b'6');
/// Fourcc `NM61`: NV61 with the two planes in separate buffers.
pub const V4L2_PIX_FMT_NV61M: u32 = v4l2_fourcc(b'N', b'M', b'6', b'1');
/// Fourcc `YUV9`: Planar 4:1:0, Y, Cb, Cr.
pub const V4L2_PIX_FMT_YUV410: u32 = v4l2_fourcc(b'Y', b'U', b'V', b'9');
/// Fourcc `YVU9`: Planar 4:1:0, Y, Cr, Cb.
pub const V4L2_PIX_FMT_YVU410: u32 = v4l2_fourcc(b'Y', b'V', b'U', b'9');
/// Fourcc `411P`: Planar 4:1:1, Y, Cb, Cr.
pub const V4L2_PIX_FMT_YUV411P: u32 = v4l2_fourcc(b'4', b'1', b'1', b'P');
/// Fourcc `YU12`: Planar 4:2:0, Y, Cb, Cr in one buffer (I420).
pub const V4L2_PIX_FMT_YUV420: u32 = v4l2_fourcc(b'Y', b'U', b'1', b'2');
/// Fourcc `YV12`: Planar 4:2:0, Y, Cr, Cb in one buffer (YV12).
pub const V4L2_PIX_FMT_YVU420: u32 = v4l2_fourcc(b'Y', b'V', b'1', b'2');
/// Fourcc `422P`: Planar 4:2:2, Y, Cb, Cr in one buffer.
pub const V4L2_PIX_FMT_YUV422P: u32 = v4l2_fourcc(b'4', b'2', b'2', b'P');
/// Fourcc `YM12`: Planar 4:2:0, Y, Cb, Cr in three buffers.
pub const V4L2_PIX_FMT_YUV420M: u32 = v4l2_fourcc(b'Y', b'M', b'1', b'2');
/// Fourcc `YM21`: Planar 4:2:0, Y, Cr, Cb in three buffers.
pub const V4L2_PIX_FMT_YVU420M: u32 = v4l2_fourcc(b'Y', b'M', b'2', b'1');
/// Fourcc `YM16`: Planar 4:2:2, Y, Cb, Cr in three buffers.
pub const V4L2_PIX_FMT_YUV422M: u32 = v4l2_fourcc(b'Y', b'M', b'1', b'6');
/// Fourcc `YM61`: Planar 4:2:2, Y, Cr, Cb in three buffers.
pub const V4L2_PIX_FMT_YVU422M: u32 = v4l2_fourcc(b'Y', b'M', b'6', b'1');
/// Fourcc `YM24`: Planar 4:4:4, Y, Cb, Cr in three buffers.
pub const V4L2_PIX_FMT_YUV444M: u32 = v4l2_fourcc(b'Y', b'M', b'2', b'4');
/// Fourcc `YM42`: Planar 4:4:4, Y, Cr, Cb in three buffers.
pub const V4L2_PIX_FMT_YVU444M: u32 = v4l2_fourcc(b'Y', b'M', b'4', b'2');
/// Fourcc `VT12`: NV12 in 4x4 tiles.
pub const V4L2_PIX_FMT_NV12_4L4: u32 = v4l2_fourcc(b'V', b'T', b'1', b'2');
/// Fourcc `HM12`: NV12 in 16x16 tiles.
pub const V4L2_PIX_FMT_NV12_16L16: u32 = v4l2_fourcc(b'H', b'M', b'1', b'2');
/// Fourcc `ST12`: NV12 in 32x32 tiles.
pub const V4L2_PIX_FMT_NV12_32L32: u32 = v4l2_fourcc(b'S', b'T', b'1', b'2');
/// Fourcc `TM12`: NV12M in 64x32 tiles.
pub const V4L2_PIX_FMT_NV12MT: u32 = v4l2_fourcc(b'T', b'M', b'1', b'2');
/// Fourcc `VM12`: NV12M in 16x16 tiles.
pub const V4L2_PIX_FMT_NV12MT_16X16: u32 = v4l2_fourcc(b'V', b'M', b'1', b'2');
/// Fourcc `MJPG`: Motion-JPEG.
pub const V4L2_PIX_FMT_MJPEG: u32 = v4l2_fourcc(b'M', b'J', b'P', b'G');
/// Fourcc `JPEG`: JFIF JPEG.
pub const V4L2_PIX_FMT_JPEG: u32 = v4l2_fourcc(b'J', b'P', b'E', b'G');
/// Fourcc `dvsd`: IEC 61834 DV.
pub const V4L2_PIX_FMT_DV: u32 = v4l2_fourcc(b'd', b'v', b's', b'd');
/// Fourcc `MPEG`: MPEG-1/2/4 multiplexed stream.
pub const V4L2_PIX_FMT_MPEG: u32 = v4l2_fourcc(b'M', b'P', b'E', b'G');
/// Fourcc `H264`: H.264 Annex B byte stream (with start codes).
pub const V4L2_PIX_FMT_H264: u32 = v4l2_fourcc(b'H', b'2', b'6', b'4');
/// Fourcc `AVC1`: H.264 without start codes.
pub const V4L2_PIX_FMT_H264_NO_SC: u32 = v4l2_fourcc(b'A', b'V', b'C', b'1');
/// Fourcc `M264`: H.264 multiview.
pub const V4L2_PIX_FMT_H264_MVC: u32 = v4l2_fourcc(b'M', b'2', b'6', b'4');
/// Fourcc `H263`: H.263.
pub const V4L2_PIX_FMT_H263: u32 = v4l2_fourcc(b'H', b'2', b'6', b'3');
/// Fourcc `MPG1`: MPEG-1 elementary stream.
pub const V4L2_PIX_FMT_MPEG1: u32 = v4l2_fourcc(b'M', b'P', b'G', b'1');
/// Fourcc `MPG2`: MPEG-2 elementary stream.
pub const V4L2_PIX_FMT_MPEG2: u32 = v4l2_fourcc(b'M', b'P', b'G', b'2');
/// Fourcc `MG2S`: MPEG-2 parsed slices (stateless).
pub const V4L2_PIX_FMT_MPEG2_SLICE: u32 = v4l2_fourcc(b'M', b'G', b'2', b'S');
/// Fourcc `MPG4`: MPEG-4 part 2 elementary stream.
pub const V4L2_PIX_FMT_MPEG4: u32 = v4l2_fourcc(b'M', b'P', b'G', b'4');
/// Fourcc `XVID`: Xvid.
pub const V4L2_PIX_FMT_XVID: u32 = v4l2_fourcc(b'X', b'V', b'I', b'D');
/// Fourcc `VC1G`: VC-1, SMPTE 421M Annex G.
pub const V4L2_PIX_FMT_VC1_ANNEX_G: u32 = v4l2_fourcc(b'V', b'C', b'1', b'G');
/// Fourcc `VC1L`: VC-1, SMPTE 421M Annex L.
pub const V4L2_PIX_FMT_VC1_ANNEX_L: u32 = v4l2_fourcc(b'V', b'C', b'1', b'L');
/// Fourcc `VP80`: VP8 stream.
pub const V4L2_PIX_FMT_VP8: u32 = v4l2_fourcc(b'V', b'P', b'8', b'0');
/// Fourcc `VP8F`: VP8 parsed frames (stateless).
pub const V4L2_PIX_FMT_VP8_FRAME: u32 = v4l2_fourcc(b'V', b'P', b'8', b'F');
/// Fourcc `VP90`: VP9 stream.
pub const V4L2_PIX_FMT_VP9: u32 = v4l2_fourcc(b'V', b'P', b'9', b'0');
/// Fourcc `VP9F`: VP9 parsed frames (stateless).
pub const V4L2_PIX_FMT_VP9_FRAME: u32 = v4l2_fourcc(b'V', b'P', b'9', b'F');
/// Fourcc `HEVC`: HEVC (H.265) byte stream.
pub const V4L2_PIX_FMT_HEVC: u32 = v4l2_fourcc(b'H', b'E', b'V', b'C');
/// Fourcc `FWHT`: Fast Walsh Hadamard Transform codec (vicodec).
pub const V4L2_PIX_FMT_FWHT: u32 = v4l2_fourcc(b'F', b'W', b'H', b'T');
/// Fourcc `SFWH`: FWHT parsed frames (stateless vicodec).
pub const V4L2_PIX_FMT_FWHT_STATELESS: u32 = v4l2_fourcc(b'S', b'F', b'W', b'H');
/// Fourcc `S264`: H.264 parsed slices (stateless).
pub const V4L2_PIX_FMT_H264_SLICE: u32 = v4l2_fourcc(b'S', b'2', b'6', b'4');
/// Fourcc `S265`: HEVC parsed slices (stateless).
pub const V4L2_PIX_FMT_HEVC_SLICE: u32 = v4l2_fourcc(b'S', b'2', b'6', b'5');
