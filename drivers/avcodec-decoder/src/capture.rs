//! The CAPTURE side: the raw formats offered, the stream geometry they are sized from
//! (with the stream's sampling: 8-bit or 10-bit 4:2:0, 8-bit 4:2:2), and the copy of a
//! decoded picture into a CAPTURE buffer of any of those layouts.

use v4l2m2m::driver::{pix_format, FormatInfo, MAX_PLANES};
use v4l2m2m::{abi, ActiveBuffer, BufferApi, FormatDesc, FourCc, PixFormat, Rect};

use crate::ffi::{self, Component, Picture, PictureInfo};

/// How a stream's pictures are sampled, which decides the CAPTURE formats that can hold
/// them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sampling {
    /// 8-bit 4:2:0.
    Yuv420,
    /// 10-bit 4:2:0 (High 10, HEVC Main 10, VP9 profile 2).
    Yuv420P10,
    /// 8-bit 4:2:2 (High 4:2:2).
    Yuv422,
    /// Anything no V4L2 format of the node holds (4:4:4, 10-bit 4:2:2, 12-bit...).
    Unsupported,
}

impl Sampling {
    /// The sampling of a picture of shim format `format` (`AVD_FORMAT_*`).
    pub fn of(format: i32) -> Sampling {
        match format {
            ffi::FORMAT_YUV420 => Sampling::Yuv420,
            ffi::FORMAT_YUV420P10 => Sampling::Yuv420P10,
            ffi::FORMAT_YUV422 => Sampling::Yuv422,
            _ => Sampling::Unsupported,
        }
    }

    /// The sampling CAPTURE format `fourcc` holds.
    fn of_fourcc(fourcc: FourCc) -> Sampling {
        match fourcc {
            abi::V4L2_PIX_FMT_P010 => Sampling::Yuv420P10,
            abi::V4L2_PIX_FMT_YUV422M | abi::V4L2_PIX_FMT_YUV422P | abi::V4L2_PIX_FMT_NV16 => Sampling::Yuv422,
            _ => Sampling::Yuv420,
        }
    }
}

const fn desc(pixelformat: FourCc, description: &'static str) -> FormatDesc {
    FormatDesc { pixelformat, flags: 0, description }
}

/// CAPTURE formats of a single-planar node (the first of each sampling is its default).
const SINGLE_PLANAR: &[FormatDesc] = &[
    desc(abi::V4L2_PIX_FMT_YUV420, "Planar YUV 4:2:0"),
    desc(abi::V4L2_PIX_FMT_NV12, "Y/UV 4:2:0"),
    desc(abi::V4L2_PIX_FMT_P010, "10-bit Y/UV 4:2:0"),
    desc(abi::V4L2_PIX_FMT_YUV422P, "Planar YUV 4:2:2"),
    desc(abi::V4L2_PIX_FMT_NV16, "Y/UV 4:2:2"),
];

/// CAPTURE formats of a multi-planar node (the first of each sampling is its default).
const MULTI_PLANAR: &[FormatDesc] = &[
    desc(abi::V4L2_PIX_FMT_YUV420M, "Planar YUV 4:2:0 (N-C)"),
    desc(abi::V4L2_PIX_FMT_NV12M, "Y/UV 4:2:0 (N-C)"),
    desc(abi::V4L2_PIX_FMT_YUV420, "Planar YUV 4:2:0"),
    desc(abi::V4L2_PIX_FMT_NV12, "Y/UV 4:2:0"),
    desc(abi::V4L2_PIX_FMT_P010, "10-bit Y/UV 4:2:0"),
    desc(abi::V4L2_PIX_FMT_YUV422M, "Planar YUV 4:2:2 (N-C)"),
    desc(abi::V4L2_PIX_FMT_YUV422P, "Planar YUV 4:2:2"),
    desc(abi::V4L2_PIX_FMT_NV16, "Y/UV 4:2:2"),
];

/// Every CAPTURE format a node speaking `api` offers, for any stream (ENUM_FMT: the
/// framework lists those [`supported`] keeps for the parsed stream).
pub fn formats(api: BufferApi) -> &'static [FormatDesc] {
    match api {
        BufferApi::SinglePlanar => SINGLE_PLANAR,
        BufferApi::MultiPlanar => MULTI_PLANAR,
    }
}

/// `fourcc` if the node offers it for pictures of `sampling` (`None`: the stream is not
/// known yet, any format of the node), else the default format of that sampling (the
/// 8-bit 4:2:0 one for an unknown stream or one no format holds).
pub fn supported(api: BufferApi, sampling: Option<Sampling>, fourcc: FourCc) -> FourCc {
    let list = formats(api);
    let holds = |f: FourCc| sampling.is_none_or(|s| Sampling::of_fourcc(f) == s);
    if list.iter().any(|d| d.pixelformat == fourcc) && holds(fourcc) {
        return fourcc;
    }
    let wanted = match sampling {
        Some(Sampling::Unsupported) | None => Sampling::Yuv420,
        Some(s) => s,
    };
    list.iter().map(|d| d.pixelformat).find(|&f| Sampling::of_fourcc(f) == wanted).unwrap_or(list[0].pixelformat)
}

/// The size of the decoded pictures, their visible part and their sampling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geometry {
    /// How the pictures are sampled.
    pub sampling: Sampling,
    /// Decoded width (the CAPTURE format's).
    pub width: u32,
    /// Decoded height.
    pub height: u32,
    /// The visible rectangle (COMPOSE).
    pub visible: Rect,
}

impl Geometry {
    /// The geometry of a decoded picture (`None` for an impossible one).
    pub fn of(info: &PictureInfo) -> Option<Geometry> {
        let width = u32::try_from(info.width).ok().filter(|&w| w > 0)?;
        let height = u32::try_from(info.height).ok().filter(|&h| h > 0)?;
        let vis_w = width.checked_sub(info.crop_left)?.checked_sub(info.crop_right).filter(|&w| w > 0)?;
        let vis_h = height.checked_sub(info.crop_top)?.checked_sub(info.crop_bottom).filter(|&h| h > 0)?;
        let visible = Rect {
            left: i32::try_from(info.crop_left).ok()?,
            top: i32::try_from(info.crop_top).ok()?,
            width: vis_w,
            height: vis_h,
        };
        Some(Geometry { sampling: Sampling::of(info.format), width, height, visible })
    }
}

/// A CAPTURE format of `fourcc` (one the node offers for `sampling`, see [`supported`])
/// at `width` x `height`.
pub fn raw_format(api: BufferApi, sampling: Option<Sampling>, fourcc: FourCc, width: u32, height: u32) -> PixFormat {
    let fourcc = supported(api, sampling, fourcc);
    let mut fmt = pix_format(api, fourcc, width, height)
        .or_else(|_| pix_format(api, formats(api)[0].pixelformat, width, height))
        .unwrap_or_else(|_| PixFormat::empty());
    fmt.colorspace = abi::V4L2_COLORSPACE_REC709;
    fmt
}

/// Whether CAPTURE buffers of `fmt` hold pictures of `geom` as they are.
pub fn fits(api: BufferApi, fmt: &PixFormat, geom: Geometry) -> bool {
    supported(api, Some(geom.sampling), fmt.pixelformat) == fmt.pixelformat
        && fmt.width == geom.width
        && fmt.height == geom.height
}

/// Where one component plane lies in a CAPTURE buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Place {
    plane: usize,
    offset: usize,
    stride: usize,
    len: usize,
    component: Component,
}

/// Where each component of a picture goes in a buffer of `fmt`.
fn places(fmt: &PixFormat) -> Option<Vec<Place>> {
    let info = FormatInfo::of(fmt.pixelformat)?;
    let components: &[Component] = if info.comp_planes == 2 {
        &[Component::Y, Component::Uv]
    } else {
        &[Component::Y, Component::U, Component::V]
    };
    let luma_stride = fmt.planes[0].bytesperline;
    let mut out = Vec::with_capacity(components.len());
    let mut offset = 0usize;
    for (i, &component) in components.iter().enumerate() {
        let (_, lines) = info.component_size(i, fmt.width, fmt.height);
        let stride =
            if info.mem_planes == 1 { info.component_stride(i, luma_stride) } else { fmt.planes.get(i)?.bytesperline }
                as usize;
        let len = stride.checked_mul(lines as usize)?;
        let plane = if info.mem_planes == 1 { 0 } else { i };
        out.push(Place { plane, offset: if info.mem_planes == 1 { offset } else { 0 }, stride, len, component });
        offset += len;
    }
    Some(out)
}

/// Copies `pic` into `cap`, laid out as `fmt` (whose size must be the picture's). Returns
/// the bytes used of each plane, or `None` if the buffer is too small or the picture's
/// format cannot be written as `fmt`.
pub fn write(fmt: &PixFormat, pic: &Picture, cap: &mut ActiveBuffer) -> Option<[u32; MAX_PLANES]> {
    let geom = Geometry::of(&pic.info)?;
    if geom.width != fmt.width || geom.height != fmt.height {
        return None;
    }
    let mut used = [0u32; MAX_PLANES];
    for p in places(fmt)? {
        let end = p.offset.checked_add(p.len)?;
        let dst = cap.plane_mut(p.plane).get_mut(p.offset..end)?;
        pic.copy_to(p.component, dst, p.stride).ok()?;
        used[p.plane] = u32::try_from(end).ok()?.max(used[p.plane]);
    }
    Some(used)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contiguous_formats_put_every_component_in_plane_zero_after_each_other() {
        let fmt = raw_format(BufferApi::SinglePlanar, None, abi::V4L2_PIX_FMT_YUV420, 64, 48);
        let p = places(&fmt).unwrap();
        assert_eq!(
            p.iter().map(|p| (p.plane, p.offset, p.stride, p.len)).collect::<Vec<_>>(),
            [(0, 0, 64, 64 * 48), (0, 64 * 48, 32, 32 * 24), (0, 64 * 48 + 32 * 24, 32, 32 * 24)]
        );
        assert_eq!(p.iter().map(|p| p.offset + p.len).max(), Some(fmt.planes[0].sizeimage as usize));
        let fmt = raw_format(BufferApi::SinglePlanar, None, abi::V4L2_PIX_FMT_NV12, 64, 48);
        let p = places(&fmt).unwrap();
        assert_eq!(p[1], Place { plane: 0, offset: 64 * 48, stride: 64, len: 64 * 24, component: Component::Uv });
    }

    #[test]
    fn non_contiguous_formats_put_a_component_in_each_plane() {
        let fmt = raw_format(BufferApi::MultiPlanar, None, abi::V4L2_PIX_FMT_YUV420M, 100, 50);
        let p = places(&fmt).unwrap();
        assert_eq!(
            p.iter().map(|p| (p.plane, p.offset, p.stride)).collect::<Vec<_>>(),
            [(0, 0, 100), (1, 0, 50), (2, 0, 50)]
        );
        for place in &p {
            assert_eq!(place.len, fmt.planes[place.plane].sizeimage as usize);
        }
    }

    #[test]
    fn geometry_keeps_the_crop_on_every_edge_and_refuses_an_empty_picture() {
        let info = PictureInfo {
            width: 64,
            height: 48,
            crop_left: 2,
            crop_top: 4,
            crop_right: 6,
            crop_bottom: 8,
            ..PictureInfo::default()
        };
        let g = Geometry::of(&info).unwrap();
        assert_eq!(g.visible, Rect { left: 2, top: 4, width: 56, height: 36 });
        assert_eq!(Geometry::of(&PictureInfo { crop_left: 64, ..info }), None);
        assert_eq!(Geometry::of(&PictureInfo { width: 0, ..info }), None);
    }

    #[test]
    fn an_unknown_capture_format_becomes_the_nodes_default() {
        assert_eq!(supported(BufferApi::SinglePlanar, None, abi::V4L2_PIX_FMT_NV12M), abi::V4L2_PIX_FMT_YUV420);
        assert_eq!(supported(BufferApi::MultiPlanar, None, abi::V4L2_PIX_FMT_NV12M), abi::V4L2_PIX_FMT_NV12M);
    }

    #[test]
    fn a_known_stream_keeps_only_the_formats_of_its_sampling() {
        let mp = BufferApi::MultiPlanar;
        let p10 = Some(Sampling::Yuv420P10);
        assert_eq!(supported(mp, p10, abi::V4L2_PIX_FMT_NV12M), abi::V4L2_PIX_FMT_P010);
        assert_eq!(supported(mp, None, abi::V4L2_PIX_FMT_P010), abi::V4L2_PIX_FMT_P010);
        assert_eq!(supported(mp, Some(Sampling::Yuv420), abi::V4L2_PIX_FMT_P010), abi::V4L2_PIX_FMT_YUV420M);
        let s422 = Some(Sampling::Yuv422);
        assert_eq!(supported(mp, s422, abi::V4L2_PIX_FMT_YUV420), abi::V4L2_PIX_FMT_YUV422M);
        assert_eq!(supported(BufferApi::SinglePlanar, s422, abi::V4L2_PIX_FMT_NV16), abi::V4L2_PIX_FMT_NV16);
        assert_eq!(supported(BufferApi::SinglePlanar, s422, abi::V4L2_PIX_FMT_YUV422M), abi::V4L2_PIX_FMT_YUV422P);
        assert_eq!(supported(mp, Some(Sampling::Unsupported), abi::V4L2_PIX_FMT_NV16), abi::V4L2_PIX_FMT_YUV420M);
    }

    #[test]
    fn ten_bit_and_422_formats_place_their_chroma() {
        let fmt = raw_format(BufferApi::SinglePlanar, None, abi::V4L2_PIX_FMT_P010, 64, 48);
        let p = places(&fmt).unwrap();
        assert_eq!(p[0], Place { plane: 0, offset: 0, stride: 128, len: 128 * 48, component: Component::Y });
        assert_eq!(p[1], Place { plane: 0, offset: 128 * 48, stride: 128, len: 128 * 24, component: Component::Uv });
        let fmt = raw_format(BufferApi::MultiPlanar, None, abi::V4L2_PIX_FMT_YUV422M, 64, 48);
        let p = places(&fmt).unwrap();
        assert_eq!(
            p.iter().map(|p| (p.plane, p.stride, p.len)).collect::<Vec<_>>(),
            [(0, 64, 64 * 48), (1, 32, 32 * 48), (2, 32, 32 * 48)]
        );
    }
}
