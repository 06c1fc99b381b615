//! The encoder's formats: raw pictures on OUTPUT (NV12, YU12 and YUYV, plus NV12M and
//! YUV420M on the multi-planar API), H.264 on CAPTURE; sizes, strides, buffer sizes, and
//! where each plane of a queued frame starts on the bus.

use v4l2m2m::abi;
use v4l2m2m::driver::{
    fill_pix_format, pix_format, ActiveBuffer, BufferApi, Direction, Errno, FormatDesc, Formats, FourCc, FrameSize,
    PixFormat, PlaneFormat, Rect, Result,
};

use crate::block::SourcePlanes;
use crate::regs;

/// Smallest and largest picture, in luma samples (even sizes only).
pub const MIN_SIZE: (u32, u32) = (16, 16);
/// Largest picture.
pub const MAX_SIZE: (u32, u32) = (4096, 2304);

/// Raw formats on OUTPUT, per buffer API, in ENUM_FMT order.
const OUTPUT_SINGLE: &[FourCc] = &[abi::V4L2_PIX_FMT_NV12, abi::V4L2_PIX_FMT_YUV420, abi::V4L2_PIX_FMT_YUYV];
const OUTPUT_MULTI: &[FourCc] = &[
    abi::V4L2_PIX_FMT_NV12,
    abi::V4L2_PIX_FMT_YUV420,
    abi::V4L2_PIX_FMT_YUYV,
    abi::V4L2_PIX_FMT_NV12M,
    abi::V4L2_PIX_FMT_YUV420M,
];

/// The OUTPUT formats of `api`.
pub fn output_formats(api: BufferApi) -> &'static [FourCc] {
    match api {
        BufferApi::SinglePlanar => OUTPUT_SINGLE,
        BufferApi::MultiPlanar => OUTPUT_MULTI,
    }
}

/// The `index`th format of queue `dir`.
pub fn enum_fmt(api: BufferApi, dir: Direction, index: u32) -> Result<FormatDesc> {
    let pixelformat = match dir {
        Direction::Output => *output_formats(api).get(index as usize).ok_or(Errno::EINVAL)?,
        Direction::Capture if index == 0 => abi::V4L2_PIX_FMT_H264,
        Direction::Capture => return Err(Errno::EINVAL),
    };
    let flags = if dir == Direction::Capture { abi::V4L2_FMT_FLAG_COMPRESSED } else { 0 };
    Ok(FormatDesc { pixelformat, flags, description: "" })
}

/// The sizes both queues accept, for every format the encoder has.
pub fn enum_framesizes(api: BufferApi, pixelformat: FourCc, index: u32) -> Result<FrameSize> {
    let known = pixelformat == abi::V4L2_PIX_FMT_H264 || output_formats(api).contains(&pixelformat);
    if !known || index > 0 {
        return Err(Errno::EINVAL);
    }
    Ok(FrameSize::Stepwise {
        min_width: MIN_SIZE.0,
        max_width: MAX_SIZE.0,
        step_width: 2,
        min_height: MIN_SIZE.1,
        max_height: MAX_SIZE.1,
        step_height: 2,
    })
}

fn clamp_size(width: u32, height: u32) -> (u32, u32) {
    (width.clamp(MIN_SIZE.0, MAX_SIZE.0) & !1, height.clamp(MIN_SIZE.1, MAX_SIZE.1) & !1)
}

/// The CAPTURE buffer size a picture needs at the least: the raw picture's size (what
/// an incompressible frame can take at QP 0) plus room for the headers.
pub fn bitstream_size(width: u32, height: u32) -> u32 {
    width.next_multiple_of(16) * height.next_multiple_of(16) * 3 / 2 + 4096
}

/// The largest CAPTURE buffer an application may ask for.
const MAX_BITSTREAM: u32 = 64 << 20;

/// Adjusts an OUTPUT format: a known raw format, a supported even size, planes filled
/// (a padded `bytesperline` the application asked for is kept).
pub fn try_output(api: BufferApi, fmt: &mut PixFormat) -> Result<()> {
    if !output_formats(api).contains(&fmt.pixelformat) {
        fmt.pixelformat = abi::V4L2_PIX_FMT_NV12;
    }
    (fmt.width, fmt.height) = clamp_size(fmt.width, fmt.height);
    fmt.field = abi::V4L2_FIELD_NONE;
    fmt.flags = 0;
    fill_pix_format(fmt, api)
}

/// Adjusts a CAPTURE format: H.264 at the asked size, one plane at least
/// [`bitstream_size`] bytes.
pub fn try_capture(fmt: &mut PixFormat) {
    let (width, height) = clamp_size(fmt.width, fmt.height);
    let asked = fmt.planes.first().map_or(0, |p| p.sizeimage);
    let size = asked.clamp(bitstream_size(width, height), MAX_BITSTREAM.max(bitstream_size(width, height)));
    let colour = (fmt.colorspace, fmt.xfer_func, fmt.ycbcr_enc, fmt.quantization);
    *fmt = PixFormat { width, height, pixelformat: abi::V4L2_PIX_FMT_H264, num_planes: 1, ..PixFormat::empty() };
    (fmt.colorspace, fmt.xfer_func, fmt.ycbcr_enc, fmt.quantization) = colour;
    fmt.planes[0] = PlaneFormat { bytesperline: 0, sizeimage: size };
}

/// The formats of a new file: NV12 1280x720 in, H.264 out.
pub fn defaults(api: BufferApi) -> Formats {
    let output = pix_format(api, abi::V4L2_PIX_FMT_NV12, 1280, 720).unwrap_or(PixFormat::empty());
    let mut capture = PixFormat { width: 1280, height: 720, ..PixFormat::empty() };
    try_capture(&mut capture);
    Formats { output, capture }
}

/// After S_FMT on `dir`, the other queue follows its size: the coded picture is the
/// source picture (either order of S_FMT works, as dev-encoder.rst allows).
pub fn follow(api: BufferApi, dir: Direction, formats: &mut Formats) -> Result<()> {
    match dir {
        Direction::Output => {
            formats.capture.width = formats.output.width;
            formats.capture.height = formats.output.height;
            formats.capture.planes[0].sizeimage = 0;
            try_capture(&mut formats.capture);
            Ok(())
        }
        Direction::Capture => {
            // A padded line the application chose stays while the width does.
            if formats.output.width != formats.capture.width {
                formats.output.planes.iter_mut().for_each(|p| p.bytesperline = 0);
            }
            formats.output.width = formats.capture.width;
            formats.output.height = formats.capture.height;
            try_output(api, &mut formats.output)
        }
    }
}

/// The crop rectangle `rect` on a `fmt` picture adjusts to: at the top-left corner, even,
/// inside the picture and at least the smallest size.
pub fn adjust_crop(fmt: &PixFormat, rect: &mut Rect) {
    let width = rect.width.clamp(MIN_SIZE.0, fmt.width) & !1;
    let height = rect.height.clamp(MIN_SIZE.1, fmt.height) & !1;
    *rect = Rect { left: 0, top: 0, width, height };
}

/// The source planes of a queued OUTPUT buffer as the block reads them, or `None` when
/// they do not fit the buffer (a plane the application made too small) or lie outside
/// the 32-bit bus.
pub fn source_planes(fmt: &PixFormat, buf: &ActiveBuffer) -> Option<SourcePlanes> {
    let bus = |plane: usize, offset: u64| -> Option<u32> {
        let start = buf.plane_bus_addr(plane)?;
        u32::try_from(start.checked_add(offset)?).ok()
    };
    let stride = fmt.planes[0].bytesperline;
    let luma = u64::from(stride) * u64::from(fmt.height);
    let (format, y, cb, cr, c_stride, needed) = match fmt.pixelformat {
        abi::V4L2_PIX_FMT_NV12 => (regs::INPUT_NV12, bus(0, 0)?, bus(0, luma)?, 0, stride, luma * 3 / 2),
        abi::V4L2_PIX_FMT_YUV420 => {
            let chroma = u64::from(stride / 2) * u64::from(fmt.height / 2);
            (regs::INPUT_I420, bus(0, 0)?, bus(0, luma)?, bus(0, luma + chroma)?, stride / 2, luma + 2 * chroma)
        }
        abi::V4L2_PIX_FMT_YUYV => (regs::INPUT_YUYV, bus(0, 0)?, 0, 0, 0, luma),
        abi::V4L2_PIX_FMT_NV12M => (regs::INPUT_NV12, bus(0, 0)?, bus(1, 0)?, 0, fmt.planes[1].bytesperline, luma),
        abi::V4L2_PIX_FMT_YUV420M => {
            (regs::INPUT_I420, bus(0, 0)?, bus(1, 0)?, bus(2, 0)?, fmt.planes[1].bytesperline, luma)
        }
        _ => return None,
    };
    let fits = (0..buf.num_planes()).all(|p| u64::from(fmt.planes[p].sizeimage) <= buf.plane_len(p) as u64);
    (fits && needed <= buf.plane_len(0) as u64).then_some(SourcePlanes {
        format,
        y,
        cb,
        cr,
        y_stride: stride,
        c_stride,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_formats_are_raw_even_and_filled() {
        let mut f = PixFormat { width: 1919, height: 1081, pixelformat: 0x1234, ..PixFormat::empty() };
        try_output(BufferApi::MultiPlanar, &mut f).unwrap();
        assert_eq!((f.pixelformat, f.width, f.height), (abi::V4L2_PIX_FMT_NV12, 1918, 1080));
        assert_eq!(f.planes[0], PlaneFormat { bytesperline: 1918, sizeimage: 1918 * 1080 * 3 / 2 });
        let mut f = PixFormat { width: 8, height: 9999, pixelformat: abi::V4L2_PIX_FMT_YUYV, ..PixFormat::empty() };
        f.planes[0].bytesperline = 64;
        try_output(BufferApi::SinglePlanar, &mut f).unwrap();
        assert_eq!((f.width, f.height, f.planes[0].bytesperline), (16, 2304, 64));
        let mut f = PixFormat { width: 64, height: 64, pixelformat: abi::V4L2_PIX_FMT_NV12M, ..PixFormat::empty() };
        try_output(BufferApi::SinglePlanar, &mut f).unwrap();
        assert_eq!(f.pixelformat, abi::V4L2_PIX_FMT_NV12, "no M formats on the single-planar API");
    }

    #[test]
    fn capture_follows_output_and_output_follows_capture() {
        let api = BufferApi::MultiPlanar;
        let mut formats = defaults(api);
        formats.output.width = 640;
        formats.output.height = 360;
        follow(api, Direction::Output, &mut formats).unwrap();
        assert_eq!((formats.capture.width, formats.capture.height), (640, 360));
        assert_eq!(formats.capture.planes[0].sizeimage, bitstream_size(640, 360));
        formats.capture.width = 320;
        formats.capture.height = 240;
        follow(api, Direction::Capture, &mut formats).unwrap();
        assert_eq!(
            (formats.output.width, formats.output.height, formats.output.planes[0].bytesperline),
            (320, 240, 320)
        );
    }

    #[test]
    fn crop_stays_inside_the_picture() {
        let f = PixFormat { width: 1920, height: 1088, ..PixFormat::empty() };
        let mut r = Rect { left: 8, top: 2, width: 1920, height: 1080 };
        adjust_crop(&f, &mut r);
        assert_eq!(r, Rect { left: 0, top: 0, width: 1920, height: 1080 });
        let mut r = Rect { left: 0, top: 0, width: 5000, height: 3 };
        adjust_crop(&f, &mut r);
        assert_eq!((r.width, r.height), (1920, 16));
    }
}
