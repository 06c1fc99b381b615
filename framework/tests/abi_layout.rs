//! Checks `v4l2m2m::abi` against the system's `<linux/videodev2.h>`.
//!
//! One table below lists every mirrored struct and union with all its fields, every
//! constant and every ioctl. From it the test builds, side by side, a Rust value (from
//! `size_of`, `align_of`, `offset_of!`, the constant itself) and a C expression, writes a C
//! program that prints every C expression, compiles it with `gcc` and compares. It also
//! reads the sources of `src/abi/` and fails if a struct, union, field or constant there
//! is missing from the table, so nothing can be added to the mirror without being checked.
//!
//! The test fails (it never skips) if `gcc` is missing or the program does not compile.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::mem::{align_of, offset_of, size_of};
use std::path::{Path, PathBuf};
use std::process::Command;

use v4l2m2m::abi::*;

/// One comparison: a label, the Rust value, and the C expression that must equal it.
struct Check {
    key: String,
    rust: i128,
    c: String,
}

/// What the table says about the mirrored items, for the completeness check.
#[derive(Default)]
struct Listed {
    /// Type name → names of the fields listed for it directly (one-component paths).
    types: BTreeMap<String, BTreeSet<String>>,
    /// Constant, ioctl and helper-constant names.
    consts: BTreeSet<String>,
}

/// How the C side names one mirrored type.
enum CType {
    /// A named C type, e.g. `struct v4l2_rect`.
    Named(String),
    /// The type of a member of a named struct: `__typeof__(((struct P *)0)->path)`.
    MemberOf { parent: String, path: String },
    /// An anonymous union of a struct, known only through its members.
    AnonIn { parent: String },
}

impl CType {
    fn lvalue(parent: &str, path: &str) -> String {
        format!("(((struct {parent} *)0)->{path})")
    }
}

/// Size of the value a (never called) closure returns: the size of a field's type.
fn size_of_ret<T, F>(_: fn(&T) -> F) -> usize {
    size_of::<F>()
}

/// Kernel name of a Rust field path: keyword-avoiding trailing underscores removed.
fn c_path(rust_path: &[&str]) -> String {
    rust_path.iter().map(|p| p.trim_end_matches('_')).collect::<Vec<_>>().join(".")
}

struct TypeEntry<'a> {
    name: &'static str,
    ctype: CType,
    size: usize,
    align: usize,
    /// (Rust path, C path, Rust offset, Rust size or None for an offset-only check)
    fields: Vec<(Vec<&'a str>, String, usize, Option<usize>)>,
}

/// Builds the C expression for one member path (its offset, or its size).
type CPathExpr = Box<dyn Fn(&str) -> String>;

fn add_type(checks: &mut Vec<Check>, listed: &mut Listed, e: TypeEntry<'_>) {
    let (c_size, c_align, off_of, size_of_member): (String, String, CPathExpr, CPathExpr) = match &e.ctype {
        CType::Named(t) => {
            let t1 = t.clone();
            let t2 = t.clone();
            (
                format!("sizeof({t})"),
                format!("_Alignof({t})"),
                Box::new(move |p| format!("offsetof({t1}, {p})")),
                Box::new(move |p| format!("sizeof((({t2} *)0)->{p})")),
            )
        }
        CType::MemberOf { parent, path } => {
            let t = format!("__typeof__({})", CType::lvalue(parent, path));
            let t1 = t.clone();
            let t2 = t.clone();
            (
                format!("sizeof({t})"),
                format!("_Alignof({t})"),
                Box::new(move |p| format!("offsetof({t1}, {p})")),
                Box::new(move |p| format!("sizeof((({t2} *)0)->{p})")),
            )
        }
        CType::AnonIn { parent } => {
            // The union is as large as its largest member, rounded up to the largest
            // member alignment (the members' *type* alignment, also in packed parents).
            let members: Vec<&String> = e.fields.iter().filter(|f| f.0.len() == 1).map(|f| &f.1).collect();
            assert!(!members.is_empty(), "{}: no members listed", e.name);
            let sizes: Vec<String> = members.iter().map(|m| format!("sizeof{}", CType::lvalue(parent, m))).collect();
            let aligns: Vec<String> =
                members.iter().map(|m| format!("_Alignof(__typeof__{})", CType::lvalue(parent, m))).collect();
            let max = |v: &[String]| format!("MAXOF({})", v.join(", "));
            let (smax, amax) = (max(&sizes), max(&aligns));
            let first = members[0].clone();
            let (p1, p2) = (parent.clone(), parent.clone());
            (
                format!("ROUNDUP({smax}, {amax})"),
                amax,
                Box::new(move |p| format!("(offsetof(struct {p1}, {p}) - offsetof(struct {p1}, {first}))")),
                Box::new(move |p| format!("sizeof{}", CType::lvalue(&p2, p))),
            )
        }
    };
    checks.push(Check { key: format!("sizeof({})", e.name), rust: e.size as i128, c: c_size });
    checks.push(Check { key: format!("alignof({})", e.name), rust: e.align as i128, c: c_align });
    let direct = listed.types.entry(e.name.to_string()).or_default();
    for (rpath, cpath, off, size) in &e.fields {
        let mut label = format!("{}.{}", e.name, rpath.join("."));
        if *cpath != c_path(rpath) {
            label = format!("{label}=>{cpath}");
        }
        if rpath.len() == 1 {
            direct.insert(rpath[0].to_string());
        }
        checks.push(Check { key: format!("offsetof({label})"), rust: *off as i128, c: off_of(cpath) });
        if let Some(size) = size {
            checks.push(Check { key: format!("sizeof({label})"), rust: *size as i128, c: size_of_member(cpath) });
        }
    }
}

/// Builds one `TypeEntry`; see the table for the field syntax:
/// `a` (C name `a`), `a.b => c` (other C path), `a @ c` (offset only, e.g. the field
/// holding an anonymous union, located by its first member).
macro_rules! type_entry {
    ($T:ident, $ctype:expr, [ $( $($rf:ident).+ $(=> $($cf:ident).+)? $(@ $($of:ident).+)? ),* $(,)? ]) => {
        TypeEntry {
            name: stringify!($T),
            ctype: $ctype,
            size: size_of::<$T>(),
            align: align_of::<$T>(),
            fields: vec![ $( field!($T, [$($rf).+] [$($($cf).+)?] [$($($of).+)?]) ),* ],
        }
    };
}

macro_rules! field {
    ($T:ident, [$($rf:ident).+] [] []) => {
        field!(@full $T, [$($rf).+], c_path(&[$(stringify!($rf)),+]))
    };
    ($T:ident, [$($rf:ident).+] [$($cf:ident).+] []) => {
        field!(@full $T, [$($rf).+], [$(stringify!($cf)),+].join("."))
    };
    ($T:ident, [$($rf:ident).+] [] [$($of:ident).+]) => {
        (
            vec![$(stringify!($rf)),+],
            [$(stringify!($of)),+].join("."),
            offset_of!($T, $($rf).+),
            None,
        )
    };
    (@full $T:ident, [$($rf:ident).+], $cpath:expr) => {
        (
            vec![$(stringify!($rf)),+],
            $cpath,
            offset_of!($T, $($rf).+),
            #[allow(unused_unsafe)]
            Some(size_of_ret(|s: &$T| {
                // SAFETY: only the field's type is used (its size); a union member of
                // plain-old-data is read, never an uninitialised one.
                unsafe { s.$($rf).+ }
            })),
        )
    };
}

/// The table of types. Forms:
/// `struct T { fields }`: C `struct T`;
/// `member T = P.path { fields }`: C type of member `path` of `struct P`;
/// `anon T in P { members }`: an anonymous union of `struct P`.
macro_rules! types {
    ($checks:ident, $listed:ident; $( $kind:ident $T:ident $(= $P:ident . $($pp:ident).+)? $(in $AP:ident)? { $($body:tt)* } )*) => {
        $( types!(@one $checks, $listed, $kind $T $(= $P . $($pp).+)? $(in $AP)? { $($body)* }); )*
    };
    (@one $checks:ident, $listed:ident, struct $T:ident { $($body:tt)* }) => {
        add_type(&mut $checks, &mut $listed,
            type_entry!($T, CType::Named(format!("struct {}", stringify!($T))), [$($body)*]));
    };
    (@one $checks:ident, $listed:ident, named $T:ident { $($body:tt)* }) => {
        add_type(&mut $checks, &mut $listed,
            type_entry!($T, CType::Named(stringify!($T).to_string()), [$($body)*]));
    };
    (@one $checks:ident, $listed:ident, member $T:ident = $P:ident . $($pp:ident).+ { $($body:tt)* }) => {
        add_type(&mut $checks, &mut $listed, type_entry!($T,
            CType::MemberOf { parent: stringify!($P).into(), path: [$(stringify!($pp)),+].join(".") },
            [$($body)*]));
    };
    (@one $checks:ident, $listed:ident, anon $T:ident in $AP:ident { $($body:tt)* }) => {
        add_type(&mut $checks, &mut $listed,
            type_entry!($T, CType::AnonIn { parent: stringify!($AP).into() }, [$($body)*]));
    };
}

/// Constants compared by value; `RUST => C` when the C name differs.
macro_rules! consts {
    ($checks:ident, $listed:ident; $( $N:ident $(=> $C:ident)? ),* $(,)?) => {$(
        $listed.consts.insert(stringify!($N).to_string());
        $checks.push(Check {
            key: stringify!($N).to_string(),
            rust: $N as i128,
            c: consts!(@c $N $($C)?),
        });
    )*};
    (@c $N:ident) => { stringify!($N).to_string() };
    (@c $N:ident $C:ident) => { stringify!($C).to_string() };
}

/// Ioctl numbers: the value, and its decoding by the Rust helpers against the C macros.
macro_rules! ioctls {
    ($checks:ident, $listed:ident; $( $N:ident ),* $(,)?) => {$(
        $listed.consts.insert(stringify!($N).to_string());
        let n = stringify!($N);
        $checks.push(Check { key: n.to_string(), rust: $N as i128, c: n.to_string() });
        $checks.push(Check { key: format!("ioc_size({n})"), rust: ioc_size($N) as i128, c: format!("_IOC_SIZE({n})") });
        $checks.push(Check { key: format!("ioc_dir({n})"), rust: ioc_dir($N) as i128, c: format!("_IOC_DIR({n})") });
        $checks.push(Check { key: format!("ioc_nr({n})"), rust: ioc_nr($N) as i128, c: format!("_IOC_NR({n})") });
        $checks.push(Check { key: format!("ioc_type({n})"), rust: ioc_type($N) as i128, c: format!("_IOC_TYPE({n})") });
    )*};
}

fn build_table() -> (Vec<Check>, Listed) {
    let mut checks = Vec::new();
    let mut listed = Listed::default();

    types! { checks, listed;
        struct timeval { tv_sec, tv_usec }
        struct timespec { tv_sec, tv_nsec }
        struct v4l2_rect { left, top, width, height }
        struct v4l2_fract { numerator, denominator }
        struct v4l2_area { width, height }
        struct v4l2_capability { driver, card, bus_info, version, capabilities, device_caps, reserved }
        struct v4l2_pix_format {
            width, height, pixelformat, field, bytesperline, sizeimage, colorspace, priv_,
            flags, ycbcr_enc, ycbcr_enc => hsv_enc, quantization, xfer_func
        }
        struct v4l2_plane_pix_format { sizeimage, bytesperline, reserved }
        struct v4l2_pix_format_mplane {
            width, height, pixelformat, field, colorspace, plane_fmt, num_planes, flags,
            ycbcr_enc, ycbcr_enc => hsv_enc, quantization, xfer_func, reserved
        }
        struct v4l2_clip { c, next }
        struct v4l2_window { w, field, chromakey, clips, clipcount, bitmap, global_alpha }
        struct v4l2_vbi_format {
            sampling_rate, offset, samples_per_line, sample_format, start, count, flags, reserved
        }
        struct v4l2_sliced_vbi_format { service_set, service_lines, io_size, reserved }
        struct v4l2_sliced_vbi_cap { service_set, service_lines, type_, reserved }
        struct v4l2_sdr_format { pixelformat, buffersize, reserved }
        struct v4l2_meta_format { dataformat, buffersize }
        member v4l2_format_fmt = v4l2_format.fmt { pix, pix_mp, win, vbi, sliced, sdr, meta, raw_data }
        struct v4l2_format { type_, fmt, fmt.pix, fmt.pix_mp, fmt.win, fmt.raw_data }
        struct v4l2_fmtdesc { index, type_, flags, description, pixelformat, mbus_code, reserved }
        struct v4l2_frmsize_discrete { width, height }
        struct v4l2_frmsize_stepwise {
            min_width, max_width, step_width, min_height, max_height, step_height
        }
        anon v4l2_frmsizeenum_u in v4l2_frmsizeenum { discrete, stepwise }
        struct v4l2_frmsizeenum {
            index, pixel_format, type_, u @ discrete, u.discrete => discrete,
            u.stepwise => stepwise, reserved
        }
        struct v4l2_frmival_stepwise { min, max, step }
        anon v4l2_frmivalenum_u in v4l2_frmivalenum { discrete, stepwise }
        struct v4l2_frmivalenum {
            index, pixel_format, width, height, type_, u @ discrete, u.discrete => discrete,
            u.stepwise => stepwise, reserved
        }
        struct v4l2_timecode { type_, flags, frames, seconds, minutes, hours, userbits }
        struct v4l2_requestbuffers { count, type_, memory, capabilities, flags, reserved }
        member v4l2_plane_m = v4l2_plane.m { mem_offset, userptr, fd }
        struct v4l2_plane { bytesused, length, m, m.userptr, data_offset, reserved }
        member v4l2_buffer_m = v4l2_buffer.m { offset, userptr, planes, fd }
        struct v4l2_buffer {
            index, type_, bytesused, flags, field, timestamp, timecode, sequence, memory, m,
            m.planes, length, reserved2, request_fd, request_fd => reserved
        }
        struct v4l2_exportbuffer { type_, index, plane, flags, fd, reserved }
        struct v4l2_create_buffers { index, count, memory, format, capabilities, flags, reserved }
        member v4l2_framebuffer_fmt = v4l2_framebuffer.fmt {
            width, height, pixelformat, field, bytesperline, sizeimage, colorspace, priv_
        }
        struct v4l2_framebuffer { capability, flags, base, fmt }
        struct v4l2_captureparm {
            capability, capturemode, timeperframe, extendedmode, readbuffers, reserved
        }
        struct v4l2_outputparm {
            capability, outputmode, timeperframe, extendedmode, writebuffers, reserved
        }
        member v4l2_streamparm_parm = v4l2_streamparm.parm { capture, output, raw_data }
        struct v4l2_streamparm { type_, parm, parm.capture, parm.output }
        struct v4l2_cropcap { type_, bounds, defrect, pixelaspect }
        struct v4l2_crop { type_, c }
        struct v4l2_selection { type_, target, flags, r, reserved }
        struct v4l2_standard { index, id, name, frameperiod, framelines, reserved }
        struct v4l2_input {
            index, name, type_, audioset, tuner, std, status, capabilities, reserved
        }
        struct v4l2_output { index, name, type_, audioset, modulator, std, capabilities, reserved }
        struct v4l2_bt_timings {
            width, height, interlaced, polarities, pixelclock, hfrontporch, hsync, hbackporch,
            vfrontporch, vsync, vbackporch, il_vfrontporch, il_vsync, il_vbackporch, standards,
            flags, picture_aspect, cea861_vic, hdmi_vic, reserved
        }
        anon v4l2_dv_timings_u in v4l2_dv_timings { bt, reserved }
        struct v4l2_dv_timings { type_, u @ bt, u.bt => bt, u.reserved => reserved }
        struct v4l2_enum_dv_timings { index, pad, reserved, timings }
        struct v4l2_bt_timings_cap {
            min_width, max_width, min_height, max_height, min_pixelclock, max_pixelclock,
            standards, capabilities, reserved
        }
        anon v4l2_dv_timings_cap_u in v4l2_dv_timings_cap { bt, raw_data }
        struct v4l2_dv_timings_cap {
            type_, pad, reserved, u @ bt, u.bt => bt, u.raw_data => raw_data
        }
        struct v4l2_control { id, value }
        anon v4l2_ext_control_value in v4l2_ext_control {
            value, value64, string, p_u8, p_u16, p_u32, p_area, p_h264_sps, p_h264_pps,
            p_h264_scaling_matrix, p_h264_pred_weights, p_h264_slice_params,
            p_h264_decode_params, p_fwht_params, p_vp8_frame, p_mpeg2_sequence,
            p_mpeg2_picture, p_mpeg2_quantisation, p_vp9_compressed_hdr_probs, p_vp9_frame,
            p_hevc_sps, p_hevc_pps, p_hevc_slice_params, p_hevc_scaling_matrix,
            p_hevc_decode_params, ptr
        }
        struct v4l2_ext_control {
            id, size, reserved2, value @ value, value.value => value,
            value.value64 => value64, value.string => string, value.ptr => ptr
        }
        struct v4l2_ext_controls {
            which, which => ctrl_class, count, error_idx, request_fd, reserved, controls
        }
        struct v4l2_queryctrl {
            id, type_, name, minimum, maximum, step, default_value, flags, reserved
        }
        struct v4l2_query_ext_ctrl {
            id, type_, name, minimum, maximum, step, default_value, flags, elem_size, elems,
            nr_of_dims, dims, reserved
        }
        anon v4l2_querymenu_u in v4l2_querymenu { name, value }
        struct v4l2_querymenu {
            id, index, u @ name, u.name => name, u.value => value, reserved
        }
        struct v4l2_tuner {
            index, name, type_, capability, rangelow, rangehigh, rxsubchans, audmode, signal,
            afc, reserved
        }
        struct v4l2_modulator {
            index, name, capability, rangelow, rangehigh, txsubchans, type_, reserved
        }
        struct v4l2_frequency { tuner, type_, frequency, reserved }
        struct v4l2_frequency_band {
            tuner, type_, index, capability, rangelow, rangehigh, modulation, reserved
        }
        struct v4l2_hw_freq_seek {
            tuner, type_, seek_upward, wrap_around, spacing, rangelow, rangehigh, reserved
        }
        struct v4l2_audio { index, name, capability, mode, reserved }
        struct v4l2_audioout { index, name, capability, mode, reserved }
        struct v4l2_jpegcompression {
            quality, APPn, APP_len, APP_data, COM_len, COM_data, jpeg_markers
        }
        struct v4l2_edid { pad, start_block, blocks, reserved, edid }
        struct v4l2_enc_idx_entry { offset, pts, length, flags, reserved }
        struct v4l2_enc_idx { entries, entries_cap, reserved, entry }
        member v4l2_encoder_cmd_raw = v4l2_encoder_cmd.raw { data }
        anon v4l2_encoder_cmd_u in v4l2_encoder_cmd { raw }
        struct v4l2_encoder_cmd { cmd, flags, u @ raw, u.raw => raw }
        member v4l2_decoder_cmd_stop = v4l2_decoder_cmd.stop { pts }
        member v4l2_decoder_cmd_start = v4l2_decoder_cmd.start { speed, format }
        member v4l2_decoder_cmd_raw = v4l2_decoder_cmd.raw { data }
        anon v4l2_decoder_cmd_u in v4l2_decoder_cmd { stop, start, raw }
        struct v4l2_decoder_cmd {
            cmd, flags, u @ stop, u.stop => stop, u.start => start, u.raw => raw,
            u.stop.pts => stop.pts, u.start.speed => start.speed, u.start.format => start.format
        }
        struct v4l2_event_vsync { field }
        anon v4l2_event_ctrl_value in v4l2_event_ctrl { value, value64 }
        struct v4l2_event_ctrl {
            changes, type_, value @ value, value.value => value, value.value64 => value64,
            flags, minimum, maximum, step, default_value
        }
        struct v4l2_event_frame_sync { frame_sequence }
        struct v4l2_event_src_change { changes }
        struct v4l2_event_motion_det { flags, frame_sequence, region_mask }
        member v4l2_event_u = v4l2_event.u {
            vsync, ctrl, frame_sync, src_change, motion_det, data
        }
        struct v4l2_event {
            type_, u, u.ctrl, u.src_change, pending, sequence, timestamp, id, reserved
        }
        struct v4l2_event_subscription { type_, id, flags, reserved }
        anon v4l2_dbg_match_u in v4l2_dbg_match { addr, name }
        struct v4l2_dbg_match { type_, u @ addr, u.addr => addr, u.name => name }
        struct v4l2_dbg_register { match_, size, reg, val }
        struct v4l2_dbg_chip_info { match_, name, flags, reserved }
    }
    // The one type alias.
    listed.types.entry("v4l2_std_id".into()).or_default();
    checks.push(Check {
        key: "sizeof(v4l2_std_id)".into(),
        rust: size_of::<v4l2_std_id>() as i128,
        c: "sizeof(v4l2_std_id)".into(),
    });

    consts! { checks, listed;
        VIDEO_MAX_FRAME, VIDEO_MAX_PLANES, V4L2_CTRL_MAX_DIMS, V4L2_ENC_IDX_ENTRIES,
        // enum v4l2_field
        V4L2_FIELD_ANY, V4L2_FIELD_NONE, V4L2_FIELD_TOP, V4L2_FIELD_BOTTOM,
        V4L2_FIELD_INTERLACED, V4L2_FIELD_SEQ_TB, V4L2_FIELD_SEQ_BT, V4L2_FIELD_ALTERNATE,
        V4L2_FIELD_INTERLACED_TB, V4L2_FIELD_INTERLACED_BT,
        // enum v4l2_buf_type
        V4L2_BUF_TYPE_VIDEO_CAPTURE, V4L2_BUF_TYPE_VIDEO_OUTPUT, V4L2_BUF_TYPE_VIDEO_OVERLAY,
        V4L2_BUF_TYPE_VBI_CAPTURE, V4L2_BUF_TYPE_VBI_OUTPUT, V4L2_BUF_TYPE_SLICED_VBI_CAPTURE,
        V4L2_BUF_TYPE_SLICED_VBI_OUTPUT, V4L2_BUF_TYPE_VIDEO_OUTPUT_OVERLAY,
        V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE,
        V4L2_BUF_TYPE_SDR_CAPTURE, V4L2_BUF_TYPE_SDR_OUTPUT, V4L2_BUF_TYPE_META_CAPTURE,
        V4L2_BUF_TYPE_META_OUTPUT, V4L2_BUF_TYPE_PRIVATE,
        // memory
        V4L2_MEMORY_MMAP, V4L2_MEMORY_USERPTR, V4L2_MEMORY_OVERLAY, V4L2_MEMORY_DMABUF,
        V4L2_MEMORY_FLAG_NON_COHERENT,
        // colorimetry
        V4L2_COLORSPACE_DEFAULT, V4L2_COLORSPACE_SMPTE170M, V4L2_COLORSPACE_SMPTE240M,
        V4L2_COLORSPACE_REC709, V4L2_COLORSPACE_BT878, V4L2_COLORSPACE_470_SYSTEM_M,
        V4L2_COLORSPACE_470_SYSTEM_BG, V4L2_COLORSPACE_JPEG, V4L2_COLORSPACE_SRGB,
        V4L2_COLORSPACE_OPRGB, V4L2_COLORSPACE_BT2020, V4L2_COLORSPACE_RAW,
        V4L2_COLORSPACE_DCI_P3,
        V4L2_XFER_FUNC_DEFAULT, V4L2_XFER_FUNC_709, V4L2_XFER_FUNC_SRGB, V4L2_XFER_FUNC_OPRGB,
        V4L2_XFER_FUNC_SMPTE240M, V4L2_XFER_FUNC_NONE, V4L2_XFER_FUNC_DCI_P3,
        V4L2_XFER_FUNC_SMPTE2084,
        V4L2_YCBCR_ENC_DEFAULT, V4L2_YCBCR_ENC_601, V4L2_YCBCR_ENC_709, V4L2_YCBCR_ENC_XV601,
        V4L2_YCBCR_ENC_XV709, V4L2_YCBCR_ENC_SYCC, V4L2_YCBCR_ENC_BT2020,
        V4L2_YCBCR_ENC_BT2020_CONST_LUM, V4L2_YCBCR_ENC_SMPTE240M,
        V4L2_HSV_ENC_180, V4L2_HSV_ENC_256,
        V4L2_QUANTIZATION_DEFAULT, V4L2_QUANTIZATION_FULL_RANGE, V4L2_QUANTIZATION_LIM_RANGE,
        // priority
        V4L2_PRIORITY_UNSET, V4L2_PRIORITY_BACKGROUND, V4L2_PRIORITY_INTERACTIVE,
        V4L2_PRIORITY_RECORD, V4L2_PRIORITY_DEFAULT,
        // capabilities
        V4L2_CAP_VIDEO_CAPTURE, V4L2_CAP_VIDEO_OUTPUT, V4L2_CAP_VIDEO_OVERLAY,
        V4L2_CAP_VBI_CAPTURE, V4L2_CAP_VBI_OUTPUT, V4L2_CAP_SLICED_VBI_CAPTURE,
        V4L2_CAP_SLICED_VBI_OUTPUT, V4L2_CAP_RDS_CAPTURE, V4L2_CAP_VIDEO_OUTPUT_OVERLAY,
        V4L2_CAP_HW_FREQ_SEEK, V4L2_CAP_RDS_OUTPUT, V4L2_CAP_VIDEO_CAPTURE_MPLANE,
        V4L2_CAP_VIDEO_OUTPUT_MPLANE, V4L2_CAP_VIDEO_M2M_MPLANE, V4L2_CAP_VIDEO_M2M,
        V4L2_CAP_TUNER, V4L2_CAP_AUDIO, V4L2_CAP_RADIO, V4L2_CAP_MODULATOR,
        V4L2_CAP_SDR_CAPTURE, V4L2_CAP_EXT_PIX_FORMAT, V4L2_CAP_SDR_OUTPUT,
        V4L2_CAP_META_CAPTURE, V4L2_CAP_READWRITE, V4L2_CAP_ASYNCIO, V4L2_CAP_STREAMING,
        V4L2_CAP_META_OUTPUT, V4L2_CAP_TOUCH, V4L2_CAP_IO_MC, V4L2_CAP_DEVICE_CAPS,
        // format flags
        V4L2_PIX_FMT_PRIV_MAGIC, V4L2_PIX_FMT_FLAG_PREMUL_ALPHA, V4L2_PIX_FMT_FLAG_SET_CSC,
        V4L2_FMT_FLAG_COMPRESSED, V4L2_FMT_FLAG_EMULATED, V4L2_FMT_FLAG_CONTINUOUS_BYTESTREAM,
        V4L2_FMT_FLAG_DYN_RESOLUTION, V4L2_FMT_FLAG_ENC_CAP_FRAME_INTERVAL,
        V4L2_FMT_FLAG_CSC_COLORSPACE, V4L2_FMT_FLAG_CSC_XFER_FUNC, V4L2_FMT_FLAG_CSC_YCBCR_ENC,
        V4L2_FMT_FLAG_CSC_HSV_ENC, V4L2_FMT_FLAG_CSC_QUANTIZATION,
        // frame sizes and intervals
        V4L2_FRMSIZE_TYPE_DISCRETE, V4L2_FRMSIZE_TYPE_CONTINUOUS, V4L2_FRMSIZE_TYPE_STEPWISE,
        V4L2_FRMIVAL_TYPE_DISCRETE, V4L2_FRMIVAL_TYPE_CONTINUOUS, V4L2_FRMIVAL_TYPE_STEPWISE,
        // timecode
        V4L2_TC_TYPE_24FPS, V4L2_TC_TYPE_25FPS, V4L2_TC_TYPE_30FPS, V4L2_TC_TYPE_50FPS,
        V4L2_TC_TYPE_60FPS, V4L2_TC_FLAG_DROPFRAME, V4L2_TC_FLAG_COLORFRAME,
        V4L2_TC_USERBITS_field, V4L2_TC_USERBITS_USERDEFINED, V4L2_TC_USERBITS_8BITCHARS,
        // buffer capabilities and flags
        V4L2_BUF_CAP_SUPPORTS_MMAP, V4L2_BUF_CAP_SUPPORTS_USERPTR, V4L2_BUF_CAP_SUPPORTS_DMABUF,
        V4L2_BUF_CAP_SUPPORTS_REQUESTS, V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS,
        V4L2_BUF_CAP_SUPPORTS_M2M_HOLD_CAPTURE_BUF, V4L2_BUF_CAP_SUPPORTS_MMAP_CACHE_HINTS,
        V4L2_BUF_FLAG_MAPPED, V4L2_BUF_FLAG_QUEUED, V4L2_BUF_FLAG_DONE, V4L2_BUF_FLAG_KEYFRAME,
        V4L2_BUF_FLAG_PFRAME, V4L2_BUF_FLAG_BFRAME, V4L2_BUF_FLAG_ERROR,
        V4L2_BUF_FLAG_IN_REQUEST, V4L2_BUF_FLAG_TIMECODE, V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF,
        V4L2_BUF_FLAG_PREPARED, V4L2_BUF_FLAG_NO_CACHE_INVALIDATE, V4L2_BUF_FLAG_NO_CACHE_CLEAN,
        V4L2_BUF_FLAG_TIMESTAMP_MASK, V4L2_BUF_FLAG_TIMESTAMP_UNKNOWN,
        V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC, V4L2_BUF_FLAG_TIMESTAMP_COPY,
        V4L2_BUF_FLAG_TSTAMP_SRC_MASK, V4L2_BUF_FLAG_TSTAMP_SRC_EOF,
        V4L2_BUF_FLAG_TSTAMP_SRC_SOE, V4L2_BUF_FLAG_LAST, V4L2_BUF_FLAG_REQUEST_FD,
        // streaming parameters
        V4L2_MODE_HIGHQUALITY, V4L2_CAP_TIMEPERFRAME,
        // selection
        V4L2_SEL_TGT_CROP, V4L2_SEL_TGT_CROP_DEFAULT, V4L2_SEL_TGT_CROP_BOUNDS,
        V4L2_SEL_TGT_NATIVE_SIZE, V4L2_SEL_TGT_COMPOSE, V4L2_SEL_TGT_COMPOSE_DEFAULT,
        V4L2_SEL_TGT_COMPOSE_BOUNDS, V4L2_SEL_TGT_COMPOSE_PADDED, V4L2_SEL_FLAG_GE,
        V4L2_SEL_FLAG_LE, V4L2_SEL_FLAG_KEEP_CONFIG,
        // controls
        V4L2_CTRL_ID_MASK, V4L2_CTRL_WHICH_CUR_VAL, V4L2_CTRL_WHICH_DEF_VAL,
        V4L2_CTRL_WHICH_REQUEST_VAL,
        V4L2_CTRL_TYPE_INTEGER, V4L2_CTRL_TYPE_BOOLEAN, V4L2_CTRL_TYPE_MENU,
        V4L2_CTRL_TYPE_BUTTON, V4L2_CTRL_TYPE_INTEGER64, V4L2_CTRL_TYPE_CTRL_CLASS,
        V4L2_CTRL_TYPE_STRING, V4L2_CTRL_TYPE_BITMASK, V4L2_CTRL_TYPE_INTEGER_MENU,
        V4L2_CTRL_COMPOUND_TYPES, V4L2_CTRL_TYPE_U8, V4L2_CTRL_TYPE_U16, V4L2_CTRL_TYPE_U32,
        V4L2_CTRL_TYPE_AREA, V4L2_CTRL_TYPE_HDR10_CLL_INFO,
        V4L2_CTRL_TYPE_HDR10_MASTERING_DISPLAY, V4L2_CTRL_TYPE_H264_SPS,
        V4L2_CTRL_TYPE_H264_PPS, V4L2_CTRL_TYPE_H264_SCALING_MATRIX,
        V4L2_CTRL_TYPE_H264_SLICE_PARAMS, V4L2_CTRL_TYPE_H264_DECODE_PARAMS,
        V4L2_CTRL_TYPE_H264_PRED_WEIGHTS, V4L2_CTRL_TYPE_FWHT_PARAMS, V4L2_CTRL_TYPE_VP8_FRAME,
        V4L2_CTRL_TYPE_MPEG2_QUANTISATION, V4L2_CTRL_TYPE_MPEG2_SEQUENCE,
        V4L2_CTRL_TYPE_MPEG2_PICTURE, V4L2_CTRL_TYPE_VP9_COMPRESSED_HDR,
        V4L2_CTRL_TYPE_VP9_FRAME, V4L2_CTRL_TYPE_HEVC_SPS, V4L2_CTRL_TYPE_HEVC_PPS,
        V4L2_CTRL_TYPE_HEVC_SLICE_PARAMS, V4L2_CTRL_TYPE_HEVC_SCALING_MATRIX,
        V4L2_CTRL_TYPE_HEVC_DECODE_PARAMS,
        V4L2_CTRL_FLAG_DISABLED, V4L2_CTRL_FLAG_GRABBED, V4L2_CTRL_FLAG_READ_ONLY,
        V4L2_CTRL_FLAG_UPDATE, V4L2_CTRL_FLAG_INACTIVE, V4L2_CTRL_FLAG_SLIDER,
        V4L2_CTRL_FLAG_WRITE_ONLY, V4L2_CTRL_FLAG_VOLATILE, V4L2_CTRL_FLAG_HAS_PAYLOAD,
        V4L2_CTRL_FLAG_EXECUTE_ON_WRITE, V4L2_CTRL_FLAG_MODIFY_LAYOUT,
        V4L2_CTRL_FLAG_DYNAMIC_ARRAY, V4L2_CTRL_FLAG_NEXT_CTRL, V4L2_CTRL_FLAG_NEXT_COMPOUND,
        V4L2_CID_MAX_CTRLS, V4L2_CID_PRIVATE_BASE,
        V4L2_CTRL_CLASS_USER, V4L2_CTRL_CLASS_CODEC, V4L2_CTRL_CLASS_MPEG,
        V4L2_CTRL_CLASS_CAMERA, V4L2_CTRL_CLASS_FM_TX, V4L2_CTRL_CLASS_FLASH,
        V4L2_CTRL_CLASS_JPEG, V4L2_CTRL_CLASS_IMAGE_SOURCE, V4L2_CTRL_CLASS_IMAGE_PROC,
        V4L2_CTRL_CLASS_DV, V4L2_CTRL_CLASS_FM_RX, V4L2_CTRL_CLASS_RF_TUNER,
        V4L2_CTRL_CLASS_DETECT, V4L2_CTRL_CLASS_CODEC_STATELESS, V4L2_CTRL_CLASS_COLORIMETRY,
        V4L2_CID_BASE, V4L2_CID_USER_BASE, V4L2_CID_USER_CLASS,
        V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, V4L2_CID_MIN_BUFFERS_FOR_OUTPUT,
        V4L2_CID_ALPHA_COMPONENT, V4L2_CID_BRIGHTNESS, V4L2_CID_CONTRAST, V4L2_CID_SATURATION, V4L2_CID_HUE, V4L2_CID_AUDIO_VOLUME, V4L2_CID_AUDIO_BALANCE, V4L2_CID_AUDIO_BASS, V4L2_CID_AUDIO_TREBLE, V4L2_CID_AUDIO_MUTE, V4L2_CID_AUDIO_LOUDNESS, V4L2_CID_BLACK_LEVEL, V4L2_CID_AUTO_WHITE_BALANCE, V4L2_CID_DO_WHITE_BALANCE, V4L2_CID_RED_BALANCE, V4L2_CID_BLUE_BALANCE, V4L2_CID_GAMMA, V4L2_CID_EXPOSURE, V4L2_CID_AUTOGAIN, V4L2_CID_GAIN, V4L2_CID_HFLIP, V4L2_CID_VFLIP, V4L2_CID_POWER_LINE_FREQUENCY, V4L2_CID_HUE_AUTO, V4L2_CID_WHITE_BALANCE_TEMPERATURE, V4L2_CID_SHARPNESS, V4L2_CID_BACKLIGHT_COMPENSATION, V4L2_CID_CHROMA_AGC, V4L2_CID_COLOR_KILLER, V4L2_CID_COLORFX, V4L2_CID_AUTOBRIGHTNESS, V4L2_CID_BAND_STOP_FILTER, V4L2_CID_ROTATE, V4L2_CID_BG_COLOR, V4L2_CID_CHROMA_GAIN, V4L2_CID_ILLUMINATORS_1, V4L2_CID_ILLUMINATORS_2, V4L2_CID_COLORFX_CBCR, V4L2_CID_COLORFX_RGB, V4L2_CID_LASTP1,
        V4L2_CID_CODEC_BASE, V4L2_CID_CODEC_CLASS, V4L2_CID_MPEG_BASE, V4L2_CID_MPEG_CLASS,
        V4L2_CID_CAMERA_CLASS, V4L2_CID_FM_TX_CLASS, V4L2_CID_FLASH_CLASS, V4L2_CID_JPEG_CLASS, V4L2_CID_IMAGE_SOURCE_CLASS, V4L2_CID_IMAGE_PROC_CLASS, V4L2_CID_DV_CLASS, V4L2_CID_FM_RX_CLASS, V4L2_CID_RF_TUNER_CLASS, V4L2_CID_DETECT_CLASS, V4L2_CID_CODEC_STATELESS_CLASS, V4L2_CID_COLORIMETRY_CLASS,
        V4L2_CID_MPEG_VIDEO_B_FRAMES, V4L2_CID_MPEG_VIDEO_GOP_SIZE,
        V4L2_CID_MPEG_VIDEO_BITRATE_MODE, V4L2_MPEG_VIDEO_BITRATE_MODE_VBR,
        V4L2_MPEG_VIDEO_BITRATE_MODE_CBR, V4L2_MPEG_VIDEO_BITRATE_MODE_CQ,
        V4L2_CID_MPEG_VIDEO_BITRATE, V4L2_CID_MPEG_VIDEO_BITRATE_PEAK,
        V4L2_CID_MPEG_VIDEO_FRAME_RC_ENABLE, V4L2_CID_MPEG_VIDEO_HEADER_MODE,
        V4L2_MPEG_VIDEO_HEADER_MODE_SEPARATE, V4L2_MPEG_VIDEO_HEADER_MODE_JOINED_WITH_1ST_FRAME,
        V4L2_CID_MPEG_VIDEO_REPEAT_SEQ_HEADER, V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME,
        V4L2_CID_MPEG_VIDEO_H264_I_FRAME_QP, V4L2_CID_MPEG_VIDEO_H264_P_FRAME_QP,
        V4L2_CID_MPEG_VIDEO_H264_B_FRAME_QP, V4L2_CID_MPEG_VIDEO_H264_MIN_QP,
        V4L2_CID_MPEG_VIDEO_H264_MAX_QP, V4L2_CID_MPEG_VIDEO_H264_8X8_TRANSFORM,
        V4L2_CID_MPEG_VIDEO_H264_CPB_SIZE, V4L2_CID_MPEG_VIDEO_H264_ENTROPY_MODE,
        V4L2_MPEG_VIDEO_H264_ENTROPY_MODE_CAVLC, V4L2_MPEG_VIDEO_H264_ENTROPY_MODE_CABAC,
        V4L2_CID_MPEG_VIDEO_H264_I_PERIOD, V4L2_CID_MPEG_VIDEO_H264_LEVEL,
        V4L2_MPEG_VIDEO_H264_LEVEL_1_0, V4L2_MPEG_VIDEO_H264_LEVEL_1B,
        V4L2_MPEG_VIDEO_H264_LEVEL_1_1, V4L2_MPEG_VIDEO_H264_LEVEL_1_2,
        V4L2_MPEG_VIDEO_H264_LEVEL_1_3, V4L2_MPEG_VIDEO_H264_LEVEL_2_0,
        V4L2_MPEG_VIDEO_H264_LEVEL_2_1, V4L2_MPEG_VIDEO_H264_LEVEL_2_2,
        V4L2_MPEG_VIDEO_H264_LEVEL_3_0, V4L2_MPEG_VIDEO_H264_LEVEL_3_1,
        V4L2_MPEG_VIDEO_H264_LEVEL_3_2, V4L2_MPEG_VIDEO_H264_LEVEL_4_0,
        V4L2_MPEG_VIDEO_H264_LEVEL_4_1, V4L2_MPEG_VIDEO_H264_LEVEL_4_2,
        V4L2_MPEG_VIDEO_H264_LEVEL_5_0, V4L2_MPEG_VIDEO_H264_LEVEL_5_1,
        V4L2_MPEG_VIDEO_H264_LEVEL_5_2, V4L2_MPEG_VIDEO_H264_LEVEL_6_0,
        V4L2_MPEG_VIDEO_H264_LEVEL_6_1, V4L2_MPEG_VIDEO_H264_LEVEL_6_2,
        V4L2_CID_MPEG_VIDEO_H264_PROFILE, V4L2_MPEG_VIDEO_H264_PROFILE_BASELINE,
        V4L2_MPEG_VIDEO_H264_PROFILE_CONSTRAINED_BASELINE, V4L2_MPEG_VIDEO_H264_PROFILE_MAIN,
        V4L2_MPEG_VIDEO_H264_PROFILE_EXTENDED, V4L2_MPEG_VIDEO_H264_PROFILE_HIGH,
        V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_10, V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_422,
        V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_444_PREDICTIVE,
        V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_10_INTRA, V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_422_INTRA,
        V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_444_INTRA,
        V4L2_MPEG_VIDEO_H264_PROFILE_CAVLC_444_INTRA,
        V4L2_MPEG_VIDEO_H264_PROFILE_SCALABLE_BASELINE,
        V4L2_MPEG_VIDEO_H264_PROFILE_SCALABLE_HIGH,
        V4L2_MPEG_VIDEO_H264_PROFILE_SCALABLE_HIGH_INTRA,
        V4L2_MPEG_VIDEO_H264_PROFILE_STEREO_HIGH, V4L2_MPEG_VIDEO_H264_PROFILE_MULTIVIEW_HIGH,
        V4L2_MPEG_VIDEO_H264_PROFILE_CONSTRAINED_HIGH,
        V4L2_CID_MPEG_VIDEO_PREPEND_SPSPPS_TO_IDR,
        // encoder index, commands
        V4L2_ENC_IDX_FRAME_I, V4L2_ENC_IDX_FRAME_P, V4L2_ENC_IDX_FRAME_B,
        V4L2_ENC_IDX_FRAME_MASK,
        V4L2_ENC_CMD_START, V4L2_ENC_CMD_STOP, V4L2_ENC_CMD_PAUSE, V4L2_ENC_CMD_RESUME,
        V4L2_ENC_CMD_STOP_AT_GOP_END,
        V4L2_DEC_CMD_START, V4L2_DEC_CMD_STOP, V4L2_DEC_CMD_PAUSE, V4L2_DEC_CMD_RESUME,
        V4L2_DEC_CMD_FLUSH, V4L2_DEC_CMD_START_MUTE_AUDIO, V4L2_DEC_CMD_PAUSE_TO_BLACK,
        V4L2_DEC_CMD_STOP_TO_BLACK, V4L2_DEC_CMD_STOP_IMMEDIATELY, V4L2_DEC_START_FMT_NONE,
        V4L2_DEC_START_FMT_GOP,
        // events
        V4L2_EVENT_ALL, V4L2_EVENT_VSYNC, V4L2_EVENT_EOS, V4L2_EVENT_CTRL,
        V4L2_EVENT_FRAME_SYNC, V4L2_EVENT_SOURCE_CHANGE, V4L2_EVENT_MOTION_DET,
        V4L2_EVENT_PRIVATE_START, V4L2_EVENT_CTRL_CH_VALUE, V4L2_EVENT_CTRL_CH_FLAGS,
        V4L2_EVENT_CTRL_CH_RANGE, V4L2_EVENT_CTRL_CH_DIMENSIONS, V4L2_EVENT_SRC_CH_RESOLUTION,
        V4L2_EVENT_MD_FL_HAVE_FRAME_SEQ, V4L2_EVENT_SUB_FL_SEND_INITIAL,
        V4L2_EVENT_SUB_FL_ALLOW_FEEDBACK,
        // pixel formats
        V4L2_PIX_FMT_RGB332, V4L2_PIX_FMT_RGB565, V4L2_PIX_FMT_RGB565X, V4L2_PIX_FMT_RGB555,
        V4L2_PIX_FMT_BGR24, V4L2_PIX_FMT_RGB24, V4L2_PIX_FMT_BGR32, V4L2_PIX_FMT_RGB32,
        V4L2_PIX_FMT_ABGR32, V4L2_PIX_FMT_XBGR32, V4L2_PIX_FMT_BGRA32, V4L2_PIX_FMT_BGRX32,
        V4L2_PIX_FMT_RGBA32, V4L2_PIX_FMT_RGBX32, V4L2_PIX_FMT_ARGB32, V4L2_PIX_FMT_XRGB32,
        V4L2_PIX_FMT_GREY, V4L2_PIX_FMT_Y10, V4L2_PIX_FMT_Y12, V4L2_PIX_FMT_Y16,
        V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_YVYU, V4L2_PIX_FMT_UYVY, V4L2_PIX_FMT_VYUY,
        V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_NV21, V4L2_PIX_FMT_NV16, V4L2_PIX_FMT_NV61,
        V4L2_PIX_FMT_NV24, V4L2_PIX_FMT_NV42, V4L2_PIX_FMT_P010, V4L2_PIX_FMT_NV12M,
        V4L2_PIX_FMT_NV21M, V4L2_PIX_FMT_NV16M, V4L2_PIX_FMT_NV61M, V4L2_PIX_FMT_YUV410,
        V4L2_PIX_FMT_YVU410, V4L2_PIX_FMT_YUV411P, V4L2_PIX_FMT_YUV420, V4L2_PIX_FMT_YVU420,
        V4L2_PIX_FMT_YUV422P, V4L2_PIX_FMT_YUV420M, V4L2_PIX_FMT_YVU420M,
        V4L2_PIX_FMT_YUV422M, V4L2_PIX_FMT_YVU422M, V4L2_PIX_FMT_YUV444M,
        V4L2_PIX_FMT_YVU444M, V4L2_PIX_FMT_NV12_4L4, V4L2_PIX_FMT_NV12_16L16,
        V4L2_PIX_FMT_NV12_32L32, V4L2_PIX_FMT_NV12MT, V4L2_PIX_FMT_NV12MT_16X16,
        V4L2_PIX_FMT_MJPEG, V4L2_PIX_FMT_JPEG, V4L2_PIX_FMT_DV, V4L2_PIX_FMT_MPEG,
        V4L2_PIX_FMT_H264, V4L2_PIX_FMT_H264_NO_SC, V4L2_PIX_FMT_H264_MVC, V4L2_PIX_FMT_H263,
        V4L2_PIX_FMT_MPEG1, V4L2_PIX_FMT_MPEG2, V4L2_PIX_FMT_MPEG2_SLICE, V4L2_PIX_FMT_MPEG4,
        V4L2_PIX_FMT_XVID, V4L2_PIX_FMT_VC1_ANNEX_G, V4L2_PIX_FMT_VC1_ANNEX_L,
        V4L2_PIX_FMT_VP8, V4L2_PIX_FMT_VP8_FRAME, V4L2_PIX_FMT_VP9, V4L2_PIX_FMT_VP9_FRAME,
        V4L2_PIX_FMT_HEVC, V4L2_PIX_FMT_FWHT, V4L2_PIX_FMT_FWHT_STATELESS,
        V4L2_PIX_FMT_H264_SLICE, V4L2_PIX_FMT_HEVC_SLICE,
        // ioctl encoding
        IOC_NRBITS => _IOC_NRBITS, IOC_TYPEBITS => _IOC_TYPEBITS,
        IOC_SIZEBITS => _IOC_SIZEBITS, IOC_DIRBITS => _IOC_DIRBITS,
        IOC_NRSHIFT => _IOC_NRSHIFT, IOC_TYPESHIFT => _IOC_TYPESHIFT,
        IOC_SIZESHIFT => _IOC_SIZESHIFT, IOC_DIRSHIFT => _IOC_DIRSHIFT,
        IOC_NONE => _IOC_NONE, IOC_WRITE => _IOC_WRITE, IOC_READ => _IOC_READ,
        BASE_VIDIOC_PRIVATE,
    }

    ioctls! { checks, listed;
        VIDIOC_QUERYCAP, VIDIOC_ENUM_FMT, VIDIOC_G_FMT, VIDIOC_S_FMT, VIDIOC_REQBUFS,
        VIDIOC_QUERYBUF, VIDIOC_G_FBUF, VIDIOC_S_FBUF, VIDIOC_OVERLAY, VIDIOC_QBUF,
        VIDIOC_EXPBUF, VIDIOC_DQBUF, VIDIOC_STREAMON, VIDIOC_STREAMOFF, VIDIOC_G_PARM,
        VIDIOC_S_PARM, VIDIOC_G_STD, VIDIOC_S_STD, VIDIOC_ENUMSTD, VIDIOC_ENUMINPUT,
        VIDIOC_G_CTRL, VIDIOC_S_CTRL, VIDIOC_G_TUNER, VIDIOC_S_TUNER, VIDIOC_G_AUDIO,
        VIDIOC_S_AUDIO, VIDIOC_QUERYCTRL, VIDIOC_QUERYMENU, VIDIOC_G_INPUT, VIDIOC_S_INPUT,
        VIDIOC_G_EDID, VIDIOC_S_EDID, VIDIOC_G_OUTPUT, VIDIOC_S_OUTPUT, VIDIOC_ENUMOUTPUT,
        VIDIOC_G_AUDOUT, VIDIOC_S_AUDOUT, VIDIOC_G_MODULATOR, VIDIOC_S_MODULATOR,
        VIDIOC_G_FREQUENCY, VIDIOC_S_FREQUENCY, VIDIOC_CROPCAP, VIDIOC_G_CROP, VIDIOC_S_CROP,
        VIDIOC_G_JPEGCOMP, VIDIOC_S_JPEGCOMP, VIDIOC_QUERYSTD, VIDIOC_TRY_FMT,
        VIDIOC_ENUMAUDIO, VIDIOC_ENUMAUDOUT, VIDIOC_G_PRIORITY, VIDIOC_S_PRIORITY,
        VIDIOC_G_SLICED_VBI_CAP, VIDIOC_LOG_STATUS, VIDIOC_G_EXT_CTRLS, VIDIOC_S_EXT_CTRLS,
        VIDIOC_TRY_EXT_CTRLS, VIDIOC_ENUM_FRAMESIZES, VIDIOC_ENUM_FRAMEINTERVALS,
        VIDIOC_G_ENC_INDEX, VIDIOC_ENCODER_CMD, VIDIOC_TRY_ENCODER_CMD, VIDIOC_DBG_S_REGISTER,
        VIDIOC_DBG_G_REGISTER, VIDIOC_S_HW_FREQ_SEEK, VIDIOC_S_DV_TIMINGS,
        VIDIOC_G_DV_TIMINGS, VIDIOC_DQEVENT, VIDIOC_SUBSCRIBE_EVENT, VIDIOC_UNSUBSCRIBE_EVENT,
        VIDIOC_CREATE_BUFS, VIDIOC_PREPARE_BUF, VIDIOC_G_SELECTION, VIDIOC_S_SELECTION,
        VIDIOC_DECODER_CMD, VIDIOC_TRY_DECODER_CMD, VIDIOC_ENUM_DV_TIMINGS,
        VIDIOC_QUERY_DV_TIMINGS, VIDIOC_DV_TIMINGS_CAP, VIDIOC_ENUM_FREQ_BANDS,
        VIDIOC_DBG_G_CHIP_INFO, VIDIOC_QUERY_EXT_CTRL,
    }

    // The `const fn` equivalents of the header's function-like macros.
    let types: Vec<u32> = (0..=16).chain([0x80, 0xffff_ffff]).collect();
    for t in types {
        for (name, rust) in [
            ("V4L2_TYPE_IS_MULTIPLANAR", V4L2_TYPE_IS_MULTIPLANAR(t)),
            ("V4L2_TYPE_IS_OUTPUT", V4L2_TYPE_IS_OUTPUT(t)),
            ("V4L2_TYPE_IS_CAPTURE", V4L2_TYPE_IS_CAPTURE(t)),
        ] {
            checks.push(Check { key: format!("{name}({t:#x})"), rust: rust as i128, c: format!("!!{name}({t:#x}U)") });
        }
    }
    for id in [0u32, V4L2_CID_BASE, V4L2_CID_MPEG_VIDEO_BITRATE, 0x0099_1000, 0x0a98_0fff, 0xffff_ffff] {
        for (name, rust) in [
            ("V4L2_CTRL_ID2CLASS", V4L2_CTRL_ID2CLASS(id) as i128),
            ("V4L2_CTRL_ID2WHICH", V4L2_CTRL_ID2WHICH(id) as i128),
            ("V4L2_CTRL_DRIVER_PRIV", V4L2_CTRL_DRIVER_PRIV(id) as i128),
        ] {
            checks.push(Check { key: format!("{name}({id:#x})"), rust, c: format!("{name}({id:#x}U)") });
        }
    }
    for (a, b, c, d) in [(b'N', b'V', b'1', b'2'), (0xff, 0x00, 0x7f, 0x80), (b'a', b'B', b'0', b' ')] {
        checks.push(Check {
            key: format!("v4l2_fourcc({a},{b},{c},{d})"),
            rust: v4l2_fourcc(a, b, c, d) as i128,
            c: format!("v4l2_fourcc({a}, {b}, {c}, {d})"),
        });
        checks.push(Check {
            key: format!("v4l2_fourcc_be({a},{b},{c},{d})"),
            rust: v4l2_fourcc_be(a, b, c, d) as i128,
            c: format!("v4l2_fourcc_be({a}, {b}, {c}, {d})"),
        });
    }
    (checks, listed)
}

/// Everything `src/abi/*.rs` declares: types with their fields, and constants.
fn scan_sources(dir: &Path) -> Listed {
    let mut out = Listed::default();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no sources in {}", dir.display());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut current: Option<String> = None;
        for line in text.lines() {
            let t = line.trim();
            if let Some(ty) = &current {
                if t == "}" {
                    current = None;
                } else if let Some(rest) = t.strip_prefix("pub ") {
                    let name = rest.split(':').next().unwrap().trim().to_string();
                    out.types.get_mut(ty).unwrap().insert(name);
                }
                continue;
            }
            for kw in ["pub struct ", "pub union "] {
                if let Some(rest) = t.strip_prefix(kw) {
                    let name = rest.split([' ', '{', '(', ';']).next().unwrap().to_string();
                    out.types.insert(name.clone(), BTreeSet::new());
                    if t.ends_with('{') {
                        current = Some(name);
                    }
                }
            }
            if let Some(rest) = t.strip_prefix("pub type ") {
                out.types.insert(rest.split([' ', '=']).next().unwrap().to_string(), BTreeSet::new());
            }
            if let Some(rest) = t.strip_prefix("pub const ") {
                if !rest.starts_with("fn ") {
                    out.consts.insert(rest.split(':').next().unwrap().trim().to_string());
                }
            }
        }
    }
    out
}

const C_PRELUDE: &str = r#"#include <stddef.h>
#include <stdio.h>
#include <sys/time.h>
#include <linux/ioctl.h>
#include <linux/videodev2.h>

static long long max_of(const long long *v, size_t n)
{
    long long m = v[0];
    for (size_t i = 1; i < n; i++)
        m = v[i] > m ? v[i] : m;
    return m;
}
#define MAXOF(...) max_of((const long long[]){__VA_ARGS__}, \
                          sizeof((const long long[]){__VA_ARGS__}) / sizeof(long long))
#define ROUNDUP(x, a) roundup_ll((x), (a))
static long long roundup_ll(long long x, long long a) { return (x + a - 1) / a * a; }
#define P(key, expr) printf("%s %lld\n", key, (long long)(expr))

int main(void)
{
"#;

#[test]
fn abi_matches_system_videodev2_h() {
    let (checks, listed) = build_table();

    // 1. The table covers everything the module declares.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join("abi");
    let declared = scan_sources(&src);
    let mut gaps = Vec::new();
    for (ty, fields) in &declared.types {
        match listed.types.get(ty) {
            None => gaps.push(format!("type {ty} is not in the layout table")),
            Some(have) => {
                for f in fields.difference(have) {
                    gaps.push(format!("field {ty}.{f} is not in the layout table"));
                }
                for f in have.difference(fields) {
                    gaps.push(format!("table lists {ty}.{f}, which the source does not declare"));
                }
            }
        }
    }
    for ty in listed.types.keys().filter(|t| !declared.types.contains_key(*t)) {
        gaps.push(format!("table lists type {ty}, which the source does not declare"));
    }
    for c in declared.consts.difference(&listed.consts) {
        gaps.push(format!("constant {c} is not in the layout table"));
    }
    assert!(gaps.is_empty(), "layout table incomplete:\n  {}", gaps.join("\n  "));

    // 2. Generate, compile and run the C side.
    let mut c_src = String::from(C_PRELUDE);
    let mut seen = BTreeSet::new();
    for ch in &checks {
        assert!(seen.insert(ch.key.clone()), "duplicate check {}", ch.key);
        assert!(!ch.key.contains(char::is_whitespace), "bad key {}", ch.key);
        writeln!(c_src, "    P(\"{}\", {});", ch.key, ch.c).unwrap();
    }
    c_src.push_str("    return 0;\n}\n");

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("abi_layout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let c_file = dir.join("abi_layout.c");
    let exe = dir.join("abi_layout");
    std::fs::write(&c_file, &c_src).unwrap();
    let cc = Command::new("gcc")
        .args(["-std=gnu11", "-O0", "-Wall", "-o"])
        .arg(&exe)
        .arg(&c_file)
        .output()
        .expect("cannot run gcc: the ABI layout test needs gcc and the Linux uapi headers");
    assert!(
        cc.status.success(),
        "gcc failed on {} ({}):\n{}",
        c_file.display(),
        cc.status,
        String::from_utf8_lossy(&cc.stderr)
    );
    let run = Command::new(&exe).output().expect("cannot run the compiled C program");
    assert!(run.status.success(), "C program failed: {}", run.status);
    let stdout = String::from_utf8(run.stdout).unwrap();
    let c_values: BTreeMap<&str, i128> = stdout
        .lines()
        .map(|l| {
            let (k, v) = l.split_once(' ').unwrap();
            (k, v.parse().unwrap())
        })
        .collect();

    // 3. Compare.
    let mut mismatches = Vec::new();
    for ch in &checks {
        match c_values.get(ch.key.as_str()) {
            None => mismatches.push(format!("{}: no value from C", ch.key)),
            Some(&c) if c != ch.rust => {
                mismatches.push(format!("{}: Rust {} (0x{:x}), C {} (0x{:x})", ch.key, ch.rust, ch.rust, c, c))
            }
            Some(_) => {}
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} ABI checks differ from <linux/videodev2.h>:\n  {}",
        mismatches.len(),
        checks.len(),
        mismatches.join("\n  ")
    );
    std::fs::remove_dir_all(&dir).ok();

    let n_types = listed.types.len();
    let n_consts = listed.consts.len();
    println!(
        "abi_layout: {} checks passed ({} types, {} constants and ioctls, sizes/alignments/offsets/values)",
        checks.len(),
        n_types,
        n_consts
    );
}
