//! Raw pixel formats from one table: [`FormatInfo`] says how a fourcc lays out its
//! components, and [`fill_pix_format`] computes `bytesperline` and `sizeimage` of every
//! plane from it (the role of Linux's `v4l2_format_info` and `v4l2_fill_pixfmt_mp`).

use crate::abi;
use crate::error::{Errno, Result};
use crate::format::{BufferApi, FourCc, PixFormat, PlaneFormat, MAX_PLANES};

/// How a raw pixel format stores a picture.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FormatInfo {
    /// The fourcc (`V4L2_PIX_FMT_*`).
    pub fourcc: FourCc,
    /// Memory planes: 1 for formats whose components share one buffer (`NV12`, `YU12`),
    /// one per component for the non-contiguous `M` formats (`NV12M`, `YUV420M`).
    pub mem_planes: u8,
    /// Component planes (1 packed, 2 semi-planar, 3 planar).
    pub comp_planes: u8,
    /// Bytes per pixel of each component plane, counted on its own (subsampled) grid.
    pub bpp: [u8; 3],
    /// Horizontal subsampling of the chroma component planes.
    pub hdiv: u8,
    /// Vertical subsampling of the chroma component planes.
    pub vdiv: u8,
}

const fn info(fourcc: FourCc, mem_planes: u8, comp_planes: u8, bpp: [u8; 3], hdiv: u8, vdiv: u8) -> FormatInfo {
    FormatInfo { fourcc, mem_planes, comp_planes, bpp, hdiv, vdiv }
}

/// Every raw format the helper knows.
const FORMATS: &[FormatInfo] = &[
    info(abi::V4L2_PIX_FMT_YUV420, 1, 3, [1, 1, 1], 2, 2),
    info(abi::V4L2_PIX_FMT_YVU420, 1, 3, [1, 1, 1], 2, 2),
    info(abi::V4L2_PIX_FMT_YUV422P, 1, 3, [1, 1, 1], 2, 1),
    info(abi::V4L2_PIX_FMT_NV12, 1, 2, [1, 2, 0], 2, 2),
    info(abi::V4L2_PIX_FMT_NV21, 1, 2, [1, 2, 0], 2, 2),
    info(abi::V4L2_PIX_FMT_NV16, 1, 2, [1, 2, 0], 2, 1),
    info(abi::V4L2_PIX_FMT_NV61, 1, 2, [1, 2, 0], 2, 1),
    info(abi::V4L2_PIX_FMT_P010, 1, 2, [2, 4, 0], 2, 2),
    info(abi::V4L2_PIX_FMT_YUV422M, 3, 3, [1, 1, 1], 2, 1),
    info(abi::V4L2_PIX_FMT_YUV420M, 3, 3, [1, 1, 1], 2, 2),
    info(abi::V4L2_PIX_FMT_YVU420M, 3, 3, [1, 1, 1], 2, 2),
    info(abi::V4L2_PIX_FMT_NV12M, 2, 2, [1, 2, 0], 2, 2),
    info(abi::V4L2_PIX_FMT_NV21M, 2, 2, [1, 2, 0], 2, 2),
    info(abi::V4L2_PIX_FMT_YUYV, 1, 1, [2, 0, 0], 1, 1),
    info(abi::V4L2_PIX_FMT_YVYU, 1, 1, [2, 0, 0], 1, 1),
    info(abi::V4L2_PIX_FMT_UYVY, 1, 1, [2, 0, 0], 1, 1),
    info(abi::V4L2_PIX_FMT_VYUY, 1, 1, [2, 0, 0], 1, 1),
    info(abi::V4L2_PIX_FMT_GREY, 1, 1, [1, 0, 0], 1, 1),
    info(abi::V4L2_PIX_FMT_RGB24, 1, 1, [3, 0, 0], 1, 1),
    info(abi::V4L2_PIX_FMT_BGR24, 1, 1, [3, 0, 0], 1, 1),
    info(abi::V4L2_PIX_FMT_RGB565, 1, 1, [2, 0, 0], 1, 1),
    info(abi::V4L2_PIX_FMT_XRGB32, 1, 1, [4, 0, 0], 1, 1),
    info(abi::V4L2_PIX_FMT_XBGR32, 1, 1, [4, 0, 0], 1, 1),
];

/// The widest line [`fill_pix_format`] accepts from an application, in bytes.
const MAX_BYTESPERLINE: u32 = 1 << 16;

impl FormatInfo {
    /// The table entry of `fourcc`, or `None` for a compressed or unknown format.
    pub fn of(fourcc: FourCc) -> Option<&'static FormatInfo> {
        FORMATS.iter().find(|f| f.fourcc == fourcc)
    }

    /// Width in pixels and height in lines of component plane `comp` for a picture of
    /// `width` x `height` (chroma planes round up, so odd sizes keep their last column).
    pub fn component_size(&self, comp: usize, width: u32, height: u32) -> (u32, u32) {
        if comp == 0 {
            (width, height)
        } else {
            (width.div_ceil(u32::from(self.hdiv)), height.div_ceil(u32::from(self.vdiv)))
        }
    }

    /// Line length in bytes of component plane `comp`, given the luma line length
    /// `luma_stride`: chroma lines span as many pixels as the luma line, subsampled and
    /// rounded up (as applications and hardware assume).
    pub fn component_stride(&self, comp: usize, luma_stride: u32) -> u32 {
        if comp == 0 {
            luma_stride
        } else {
            (luma_stride / u32::from(self.bpp[0])).div_ceil(u32::from(self.hdiv)) * u32::from(self.bpp[comp])
        }
    }
}

/// A fresh format of `fourcc` at `width` x `height` for the buffer API `api`, with its
/// planes filled by [`fill_pix_format`] (progressive, default colorimetry).
pub fn pix_format(api: BufferApi, fourcc: FourCc, width: u32, height: u32) -> Result<PixFormat> {
    let mut fmt = PixFormat { width, height, pixelformat: fourcc, ..PixFormat::empty() };
    fill_pix_format(&mut fmt, api)?;
    Ok(fmt)
}

/// Fills `num_planes`, `bytesperline` and `sizeimage` of `fmt` from its pixelformat, width
/// and height, as TRY_FMT must answer them.
///
/// Lines hold whole chroma samples (an odd width of a subsampled format is padded by one
/// pixel). The first plane's `bytesperline` keeps a larger value the application asked for
/// (a padded line, rounded up likewise), up to 64 KiB; the other planes' lines follow from
/// it. `EINVAL` for a compressed or unknown
/// fourcc (the driver sizes those itself), for a non-contiguous `M` format on the
/// single-planar API, or for a size whose planes do not fit in 32 bits.
pub fn fill_pix_format(fmt: &mut PixFormat, api: BufferApi) -> Result<()> {
    let info = FormatInfo::of(fmt.pixelformat).ok_or(Errno::EINVAL)?;
    let mem_planes = usize::from(info.mem_planes);
    if mem_planes > api.max_planes() {
        return Err(Errno::EINVAL);
    }
    // Lines hold whole chroma samples: an odd width is padded by one pixel.
    let pixels = fmt.width.checked_next_multiple_of(u32::from(info.hdiv)).ok_or(Errno::EINVAL)?;
    let min_stride = pixels.checked_mul(u32::from(info.bpp[0])).ok_or(Errno::EINVAL)?;
    let asked = fmt.planes[0].bytesperline;
    let stride = if asked > min_stride && asked <= MAX_BYTESPERLINE {
        asked.next_multiple_of(u32::from(info.hdiv) * u32::from(info.bpp[0]))
    } else {
        min_stride
    };
    let mut planes = [PlaneFormat::default(); MAX_PLANES];
    for comp in 0..usize::from(info.comp_planes) {
        let (_, lines) = info.component_size(comp, fmt.width, fmt.height);
        let bytes = info.component_stride(comp, stride).checked_mul(lines).ok_or(Errno::EINVAL)?;
        // Contiguous formats put every component in memory plane 0.
        let plane = &mut planes[if mem_planes == 1 { 0 } else { comp }];
        if plane.bytesperline == 0 {
            plane.bytesperline = info.component_stride(comp, stride);
        }
        plane.sizeimage = plane.sizeimage.checked_add(bytes).ok_or(Errno::EINVAL)?;
    }
    fmt.num_planes = info.mem_planes;
    fmt.planes = planes;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(api: BufferApi, fourcc: FourCc, width: u32, height: u32, asked_stride: u32) -> Result<PixFormat> {
        let mut fmt = PixFormat { width, height, pixelformat: fourcc, ..PixFormat::empty() };
        fmt.planes[0].bytesperline = asked_stride;
        fill_pix_format(&mut fmt, api).map(|()| fmt)
    }

    #[test]
    fn contiguous_420_formats_hold_every_component_in_one_plane() {
        let fmt = filled(BufferApi::SinglePlanar, abi::V4L2_PIX_FMT_YUV420, 1280, 720, 0).unwrap();
        assert_eq!(fmt.num_planes, 1);
        assert_eq!(fmt.planes[0], PlaneFormat { bytesperline: 1280, sizeimage: 1280 * 720 * 3 / 2 });
        let fmt = filled(BufferApi::MultiPlanar, abi::V4L2_PIX_FMT_NV12, 99, 67, 0).unwrap();
        assert_eq!(fmt.planes[0], PlaneFormat { bytesperline: 100, sizeimage: 100 * 67 + 100 * 34 });
    }

    #[test]
    fn non_contiguous_formats_get_a_plane_per_component_on_mplane_only() {
        let fmt = filled(BufferApi::MultiPlanar, abi::V4L2_PIX_FMT_YUV420M, 64, 48, 0).unwrap();
        assert_eq!(fmt.num_planes, 3);
        assert_eq!(fmt.planes[0], PlaneFormat { bytesperline: 64, sizeimage: 64 * 48 });
        assert_eq!(fmt.planes[1], PlaneFormat { bytesperline: 32, sizeimage: 32 * 24 });
        assert_eq!(fmt.planes[2], PlaneFormat { bytesperline: 32, sizeimage: 32 * 24 });
        let fmt = filled(BufferApi::MultiPlanar, abi::V4L2_PIX_FMT_NV12M, 64, 48, 0).unwrap();
        assert_eq!(fmt.planes[1], PlaneFormat { bytesperline: 64, sizeimage: 64 * 24 });
        assert_eq!(filled(BufferApi::SinglePlanar, abi::V4L2_PIX_FMT_NV12M, 64, 48, 0), Err(Errno::EINVAL));
    }

    #[test]
    fn a_padded_line_is_kept_and_a_short_or_absurd_one_replaced() {
        let fmt = filled(BufferApi::SinglePlanar, abi::V4L2_PIX_FMT_NV12, 1918, 1078, 2047).unwrap();
        assert_eq!(fmt.planes[0], PlaneFormat { bytesperline: 2048, sizeimage: 2048 * 1078 * 3 / 2 });
        let fmt = filled(BufferApi::SinglePlanar, abi::V4L2_PIX_FMT_YUYV, 640, 480, 100).unwrap();
        assert_eq!(fmt.planes[0], PlaneFormat { bytesperline: 1280, sizeimage: 1280 * 480 });
        let fmt = filled(BufferApi::SinglePlanar, abi::V4L2_PIX_FMT_YUYV, 640, 480, u32::MAX).unwrap();
        assert_eq!(fmt.planes[0].bytesperline, 1280);
    }

    #[test]
    fn compressed_unknown_and_overflowing_formats_are_refused() {
        assert_eq!(filled(BufferApi::MultiPlanar, abi::V4L2_PIX_FMT_H264, 64, 64, 0), Err(Errno::EINVAL));
        assert_eq!(filled(BufferApi::MultiPlanar, 0x1234_5678, 64, 64, 0), Err(Errno::EINVAL));
        assert_eq!(filled(BufferApi::MultiPlanar, abi::V4L2_PIX_FMT_XRGB32, u32::MAX / 2, 2, 0), Err(Errno::EINVAL));
        assert_eq!(filled(BufferApi::MultiPlanar, abi::V4L2_PIX_FMT_YUV420, 65536, 65536, 0), Err(Errno::EINVAL));
    }
}
