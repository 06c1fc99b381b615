//! The Linux V4L2 application ABI: a `#[repr(C)]` mirror of `<linux/videodev2.h>`.
//!
//! Applications talk to the framework with exactly the bytes a Linux V4L2 driver would
//! see, so this module reproduces the header's structs, unions, constants and ioctl
//! numbers. The mirror follows the uapi header of Linux 6.1 (the version installed on
//! the development hosts) and is checked against it by `tests/abi_layout.rs`, which
//! compiles a C program with the system's `<linux/videodev2.h>` and compares the size,
//! alignment and every field offset of each type, and the value of every constant and
//! ioctl number.
//!
//! # Target independence
//!
//! Types are laid out in the *target's* C ABI: `long` / `unsigned long` are
//! [`core::ffi::c_long`] / [`core::ffi::c_ulong`], pointers are raw pointers, and ioctl
//! numbers take their size field from `size_of` of the Rust mirror. The same source thus
//! gives the 64-bit layout on x86_64/AArch64 and the 32-bit layout on Arm Cortex-M or
//! RV32. [`timeval`] and [`timespec`] use `long` fields, as the kernel header sees them
//! through `<sys/time.h>` on a system with a `long` `time_t`.
//!
//! # Naming
//!
//! * Every struct, union, constant and ioctl keeps its kernel name (`v4l2_buffer`,
//!   `V4L2_BUF_FLAG_LAST`, `VIDIOC_QBUF`). Kernel macros that act like functions are
//!   `const fn`s with the macro's name (`V4L2_TYPE_IS_OUTPUT`, [`v4l2_fourcc`]).
//! * Fields keep their kernel names, except those that are Rust keywords, which get a
//!   trailing underscore: `type` → `type_`, `priv` → `priv_`, `match` → `match_`.
//! * A union that is a *named* field in C becomes a type `<struct>_<field>`:
//!   [`v4l2_format_fmt`], [`v4l2_buffer_m`], [`v4l2_plane_m`], [`v4l2_streamparm_parm`],
//!   [`v4l2_event_u`].
//! * An *anonymous* union of C becomes a field too, because Rust has no anonymous
//!   members. It is called `value` where the union holds a control value
//!   ([`v4l2_ext_control::value`] of type [`v4l2_ext_control_value`],
//!   [`v4l2_event_ctrl::value`] of type [`v4l2_event_ctrl_value`]) and `u` elsewhere
//!   ([`v4l2_frmsizeenum_u`], [`v4l2_frmivalenum_u`], [`v4l2_querymenu_u`],
//!   [`v4l2_encoder_cmd_u`], [`v4l2_decoder_cmd_u`], [`v4l2_dv_timings_u`],
//!   [`v4l2_dv_timings_cap_u`], [`v4l2_dbg_match_u`]).
//! * An anonymous union whose members are all the same integer type is a plain field
//!   named after one member: `v4l2_ext_controls::which` (also `ctrl_class`),
//!   `v4l2_buffer::request_fd` (also `reserved`), `v4l2_pix_format::ycbcr_enc` and
//!   `v4l2_pix_format_mplane::ycbcr_enc` (also `hsv_enc`).
//! * Anonymous structs nested in unions are named `<struct>_<member>`:
//!   [`v4l2_decoder_cmd_start`], [`v4l2_decoder_cmd_stop`], [`v4l2_decoder_cmd_raw`],
//!   [`v4l2_encoder_cmd_raw`], and [`v4l2_framebuffer_fmt`].
//! * `char` arrays (names, JPEG segments) are `[u8; N]`, the same bytes as `__u8`
//!   arrays elsewhere, so one set of string helpers serves every name field. `char *`
//!   pointers stay `*mut c_char`.
//! * Structs that C declares `__attribute__((packed))` are `#[repr(C, packed)]`
//!   (e.g. [`v4l2_ext_control`], [`v4l2_querymenu`], [`v4l2_pix_format_mplane`],
//!   [`v4l2_plane_pix_format`]); read their fields by value, never by reference.
//!
//! # Values
//!
//! Every type is `Clone + Copy`, has a `const fn zeroed()` (written out field by field,
//! without `unsafe`) and a `Default` that returns it. Structs derive `Debug`; unions have
//! an opaque `Debug` since the live member is only known from context. Struct padding
//! bytes are not initialised by `zeroed()`: copy these values as typed values, not as
//! bytes.

#![allow(non_camel_case_types)]

mod consts;
mod ioctl;
mod structs;

pub use self::consts::*;
pub use self::ioctl::*;
pub use self::structs::*;
