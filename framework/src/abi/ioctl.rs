//! Ioctl request numbers.
//!
//! The encoding is the generic one of `<asm-generic/ioctl.h>`, used by x86, Arm, AArch64
//! and RISC-V Linux (not by PowerPC, MIPS, SPARC or Alpha): bits 0-7 hold the number,
//! bits 8-15 the type (`'V'` for V4L2), bits 16-29 the argument size and bits 30-31 the
//! direction. The argument size is taken from the Rust mirror of each argument type, so
//! every number is right for the target's own C layout (e.g. `VIDIOC_QBUF` is
//! `0xc058560f` on x86_64 and `0xc044560f` on 32-bit Arm).

use core::ffi::c_int;
use core::mem::size_of;

use super::structs::*;

/// Number of bits of the ioctl number field.
pub const IOC_NRBITS: u32 = 8;
/// Number of bits of the ioctl type field.
pub const IOC_TYPEBITS: u32 = 8;
/// Number of bits of the argument size field.
pub const IOC_SIZEBITS: u32 = 14;
/// Number of bits of the direction field.
pub const IOC_DIRBITS: u32 = 2;
/// Bit position of the number field.
pub const IOC_NRSHIFT: u32 = 0;
/// Bit position of the type field.
pub const IOC_TYPESHIFT: u32 = IOC_NRSHIFT + IOC_NRBITS;
/// Bit position of the size field.
pub const IOC_SIZESHIFT: u32 = IOC_TYPESHIFT + IOC_TYPEBITS;
/// Bit position of the direction field.
pub const IOC_DIRSHIFT: u32 = IOC_SIZESHIFT + IOC_SIZEBITS;
/// Direction: no argument data moves.
pub const IOC_NONE: u32 = 0;
/// Direction bit: the application writes the argument (the kernel reads it).
pub const IOC_WRITE: u32 = 1;
/// Direction bit: the application reads the argument (the kernel writes it).
pub const IOC_READ: u32 = 2;

/// Builds a request number from direction, type, number and argument size (kernel
/// `_IOC`). Panics (at compile time in a const) if the size does not fit in 14 bits.
pub const fn ioc(dir: u32, ty: u8, nr: u8, size: usize) -> u32 {
    assert!(size < (1 << IOC_SIZEBITS), "ioctl argument too large");
    assert!(dir < (1 << IOC_DIRBITS), "bad ioctl direction");
    (dir << IOC_DIRSHIFT)
        | ((size as u32) << IOC_SIZESHIFT)
        | ((ty as u32) << IOC_TYPESHIFT)
        | ((nr as u32) << IOC_NRSHIFT)
}

/// Request without argument data (kernel `_IO`).
pub const fn io(ty: u8, nr: u8) -> u32 {
    ioc(IOC_NONE, ty, nr, 0)
}

/// Request whose argument the kernel fills in (kernel `_IOR`); `size` is the size of the
/// argument type.
pub const fn ior(ty: u8, nr: u8, size: usize) -> u32 {
    ioc(IOC_READ, ty, nr, size)
}

/// Request whose argument the kernel only reads (kernel `_IOW`).
pub const fn iow(ty: u8, nr: u8, size: usize) -> u32 {
    ioc(IOC_WRITE, ty, nr, size)
}

/// Request whose argument goes both ways (kernel `_IOWR`).
pub const fn iowr(ty: u8, nr: u8, size: usize) -> u32 {
    ioc(IOC_READ | IOC_WRITE, ty, nr, size)
}

/// Direction bits of a request (`IOC_READ` / `IOC_WRITE`, kernel `_IOC_DIR`).
pub const fn ioc_dir(request: u32) -> u32 {
    (request >> IOC_DIRSHIFT) & ((1 << IOC_DIRBITS) - 1)
}

/// Argument size in bytes encoded in a request (kernel `_IOC_SIZE`).
pub const fn ioc_size(request: u32) -> usize {
    ((request >> IOC_SIZESHIFT) & ((1 << IOC_SIZEBITS) - 1)) as usize
}

/// Type byte of a request (kernel `_IOC_TYPE`).
pub const fn ioc_type(request: u32) -> u8 {
    ((request >> IOC_TYPESHIFT) & ((1 << IOC_TYPEBITS) - 1)) as u8
}

/// Number byte of a request (kernel `_IOC_NR`).
pub const fn ioc_nr(request: u32) -> u8 {
    ((request >> IOC_NRSHIFT) & ((1 << IOC_NRBITS) - 1)) as u8
}

/// First ioctl number reserved for driver-private V4L2 ioctls.
pub const BASE_VIDIOC_PRIVATE: u32 = 192;

/// Query device identity and capabilities.
pub const VIDIOC_QUERYCAP: u32 = ior(b'V', 0, size_of::<v4l2_capability>());
/// Enumerate the formats of a queue.
pub const VIDIOC_ENUM_FMT: u32 = iowr(b'V', 2, size_of::<v4l2_fmtdesc>());
/// Get the current format of a queue.
pub const VIDIOC_G_FMT: u32 = iowr(b'V', 4, size_of::<v4l2_format>());
/// Set the format of a queue.
pub const VIDIOC_S_FMT: u32 = iowr(b'V', 5, size_of::<v4l2_format>());
/// Allocate or free the buffers of a queue.
pub const VIDIOC_REQBUFS: u32 = iowr(b'V', 8, size_of::<v4l2_requestbuffers>());
/// Query the state of a buffer.
pub const VIDIOC_QUERYBUF: u32 = iowr(b'V', 9, size_of::<v4l2_buffer>());
/// Get the overlay frame buffer.
pub const VIDIOC_G_FBUF: u32 = ior(b'V', 10, size_of::<v4l2_framebuffer>());
/// Set the overlay frame buffer.
pub const VIDIOC_S_FBUF: u32 = iow(b'V', 11, size_of::<v4l2_framebuffer>());
/// Start or stop video overlay.
pub const VIDIOC_OVERLAY: u32 = iow(b'V', 14, size_of::<c_int>());
/// Queue a buffer.
pub const VIDIOC_QBUF: u32 = iowr(b'V', 15, size_of::<v4l2_buffer>());
/// Export a buffer as a dmabuf file descriptor.
pub const VIDIOC_EXPBUF: u32 = iowr(b'V', 16, size_of::<v4l2_exportbuffer>());
/// Dequeue a buffer.
pub const VIDIOC_DQBUF: u32 = iowr(b'V', 17, size_of::<v4l2_buffer>());
/// Start streaming on a queue.
pub const VIDIOC_STREAMON: u32 = iow(b'V', 18, size_of::<c_int>());
/// Stop streaming on a queue and reclaim its buffers.
pub const VIDIOC_STREAMOFF: u32 = iow(b'V', 19, size_of::<c_int>());
/// Get streaming parameters.
pub const VIDIOC_G_PARM: u32 = iowr(b'V', 21, size_of::<v4l2_streamparm>());
/// Set streaming parameters.
pub const VIDIOC_S_PARM: u32 = iowr(b'V', 22, size_of::<v4l2_streamparm>());
/// Get the analog video standard.
pub const VIDIOC_G_STD: u32 = ior(b'V', 23, size_of::<v4l2_std_id>());
/// Set the analog video standard.
pub const VIDIOC_S_STD: u32 = iow(b'V', 24, size_of::<v4l2_std_id>());
/// Enumerate analog video standards.
pub const VIDIOC_ENUMSTD: u32 = iowr(b'V', 25, size_of::<v4l2_standard>());
/// Enumerate video inputs.
pub const VIDIOC_ENUMINPUT: u32 = iowr(b'V', 26, size_of::<v4l2_input>());
/// Get one control value.
pub const VIDIOC_G_CTRL: u32 = iowr(b'V', 27, size_of::<v4l2_control>());
/// Set one control value.
pub const VIDIOC_S_CTRL: u32 = iowr(b'V', 28, size_of::<v4l2_control>());
/// Get tuner state.
pub const VIDIOC_G_TUNER: u32 = iowr(b'V', 29, size_of::<v4l2_tuner>());
/// Set tuner state.
pub const VIDIOC_S_TUNER: u32 = iow(b'V', 30, size_of::<v4l2_tuner>());
/// Get the current audio input.
pub const VIDIOC_G_AUDIO: u32 = ior(b'V', 33, size_of::<v4l2_audio>());
/// Select the audio input.
pub const VIDIOC_S_AUDIO: u32 = iow(b'V', 34, size_of::<v4l2_audio>());
/// Describe a control.
pub const VIDIOC_QUERYCTRL: u32 = iowr(b'V', 36, size_of::<v4l2_queryctrl>());
/// Describe a menu item of a control.
pub const VIDIOC_QUERYMENU: u32 = iowr(b'V', 37, size_of::<v4l2_querymenu>());
/// Get the current video input.
pub const VIDIOC_G_INPUT: u32 = ior(b'V', 38, size_of::<c_int>());
/// Select the video input.
pub const VIDIOC_S_INPUT: u32 = iowr(b'V', 39, size_of::<c_int>());
/// Read EDID blocks.
pub const VIDIOC_G_EDID: u32 = iowr(b'V', 40, size_of::<v4l2_edid>());
/// Write EDID blocks.
pub const VIDIOC_S_EDID: u32 = iowr(b'V', 41, size_of::<v4l2_edid>());
/// Get the current video output.
pub const VIDIOC_G_OUTPUT: u32 = ior(b'V', 46, size_of::<c_int>());
/// Select the video output.
pub const VIDIOC_S_OUTPUT: u32 = iowr(b'V', 47, size_of::<c_int>());
/// Enumerate video outputs.
pub const VIDIOC_ENUMOUTPUT: u32 = iowr(b'V', 48, size_of::<v4l2_output>());
/// Get the current audio output.
pub const VIDIOC_G_AUDOUT: u32 = ior(b'V', 49, size_of::<v4l2_audioout>());
/// Select the audio output.
pub const VIDIOC_S_AUDOUT: u32 = iow(b'V', 50, size_of::<v4l2_audioout>());
/// Get modulator state.
pub const VIDIOC_G_MODULATOR: u32 = iowr(b'V', 54, size_of::<v4l2_modulator>());
/// Set modulator state.
pub const VIDIOC_S_MODULATOR: u32 = iow(b'V', 55, size_of::<v4l2_modulator>());
/// Get the tuner or modulator frequency.
pub const VIDIOC_G_FREQUENCY: u32 = iowr(b'V', 56, size_of::<v4l2_frequency>());
/// Set the tuner or modulator frequency.
pub const VIDIOC_S_FREQUENCY: u32 = iow(b'V', 57, size_of::<v4l2_frequency>());
/// Query cropping limits.
pub const VIDIOC_CROPCAP: u32 = iowr(b'V', 58, size_of::<v4l2_cropcap>());
/// Get the crop rectangle.
pub const VIDIOC_G_CROP: u32 = iowr(b'V', 59, size_of::<v4l2_crop>());
/// Set the crop rectangle.
pub const VIDIOC_S_CROP: u32 = iow(b'V', 60, size_of::<v4l2_crop>());
/// Get JPEG compression parameters (obsolete).
pub const VIDIOC_G_JPEGCOMP: u32 = ior(b'V', 61, size_of::<v4l2_jpegcompression>());
/// Set JPEG compression parameters (obsolete).
pub const VIDIOC_S_JPEGCOMP: u32 = iow(b'V', 62, size_of::<v4l2_jpegcompression>());
/// Detect the analog video standard of the input.
pub const VIDIOC_QUERYSTD: u32 = ior(b'V', 63, size_of::<v4l2_std_id>());
/// Negotiate a format without applying it.
pub const VIDIOC_TRY_FMT: u32 = iowr(b'V', 64, size_of::<v4l2_format>());
/// Enumerate audio inputs.
pub const VIDIOC_ENUMAUDIO: u32 = iowr(b'V', 65, size_of::<v4l2_audio>());
/// Enumerate audio outputs.
pub const VIDIOC_ENUMAUDOUT: u32 = iowr(b'V', 66, size_of::<v4l2_audioout>());
/// Get the access priority of the file handle.
pub const VIDIOC_G_PRIORITY: u32 = ior(b'V', 67, size_of::<u32>());
/// Set the access priority of the file handle.
pub const VIDIOC_S_PRIORITY: u32 = iow(b'V', 68, size_of::<u32>());
/// Query sliced VBI capabilities.
pub const VIDIOC_G_SLICED_VBI_CAP: u32 = iowr(b'V', 69, size_of::<v4l2_sliced_vbi_cap>());
/// Log driver status to the kernel log.
pub const VIDIOC_LOG_STATUS: u32 = io(b'V', 70);
/// Get several control values.
pub const VIDIOC_G_EXT_CTRLS: u32 = iowr(b'V', 71, size_of::<v4l2_ext_controls>());
/// Set several control values atomically.
pub const VIDIOC_S_EXT_CTRLS: u32 = iowr(b'V', 72, size_of::<v4l2_ext_controls>());
/// Validate several control values without applying them.
pub const VIDIOC_TRY_EXT_CTRLS: u32 = iowr(b'V', 73, size_of::<v4l2_ext_controls>());
/// Enumerate frame sizes of a format.
pub const VIDIOC_ENUM_FRAMESIZES: u32 = iowr(b'V', 74, size_of::<v4l2_frmsizeenum>());
/// Enumerate frame intervals of a format and size.
pub const VIDIOC_ENUM_FRAMEINTERVALS: u32 = iowr(b'V', 75, size_of::<v4l2_frmivalenum>());
/// Read the encoder index.
pub const VIDIOC_G_ENC_INDEX: u32 = ior(b'V', 76, size_of::<v4l2_enc_idx>());
/// Send a command (start, stop, ...) to an encoder.
pub const VIDIOC_ENCODER_CMD: u32 = iowr(b'V', 77, size_of::<v4l2_encoder_cmd>());
/// Validate an encoder command without executing it.
pub const VIDIOC_TRY_ENCODER_CMD: u32 = iowr(b'V', 78, size_of::<v4l2_encoder_cmd>());
/// Write a hardware register (debug).
pub const VIDIOC_DBG_S_REGISTER: u32 = iow(b'V', 79, size_of::<v4l2_dbg_register>());
/// Read a hardware register (debug).
pub const VIDIOC_DBG_G_REGISTER: u32 = iowr(b'V', 80, size_of::<v4l2_dbg_register>());
/// Start a hardware frequency seek.
pub const VIDIOC_S_HW_FREQ_SEEK: u32 = iow(b'V', 82, size_of::<v4l2_hw_freq_seek>());
/// Set digital video timings.
pub const VIDIOC_S_DV_TIMINGS: u32 = iowr(b'V', 87, size_of::<v4l2_dv_timings>());
/// Get digital video timings.
pub const VIDIOC_G_DV_TIMINGS: u32 = iowr(b'V', 88, size_of::<v4l2_dv_timings>());
/// Dequeue an event.
pub const VIDIOC_DQEVENT: u32 = ior(b'V', 89, size_of::<v4l2_event>());
/// Subscribe to an event.
pub const VIDIOC_SUBSCRIBE_EVENT: u32 = iow(b'V', 90, size_of::<v4l2_event_subscription>());
/// Unsubscribe from an event.
pub const VIDIOC_UNSUBSCRIBE_EVENT: u32 = iow(b'V', 91, size_of::<v4l2_event_subscription>());
/// Create buffers for a given format.
pub const VIDIOC_CREATE_BUFS: u32 = iowr(b'V', 92, size_of::<v4l2_create_buffers>());
/// Prepare a buffer for queuing without queuing it.
pub const VIDIOC_PREPARE_BUF: u32 = iowr(b'V', 93, size_of::<v4l2_buffer>());
/// Get a selection rectangle.
pub const VIDIOC_G_SELECTION: u32 = iowr(b'V', 94, size_of::<v4l2_selection>());
/// Set a selection rectangle.
pub const VIDIOC_S_SELECTION: u32 = iowr(b'V', 95, size_of::<v4l2_selection>());
/// Send a command (start, stop, ...) to a decoder.
pub const VIDIOC_DECODER_CMD: u32 = iowr(b'V', 96, size_of::<v4l2_decoder_cmd>());
/// Validate a decoder command without executing it.
pub const VIDIOC_TRY_DECODER_CMD: u32 = iowr(b'V', 97, size_of::<v4l2_decoder_cmd>());
/// Enumerate supported digital video timings.
pub const VIDIOC_ENUM_DV_TIMINGS: u32 = iowr(b'V', 98, size_of::<v4l2_enum_dv_timings>());
/// Detect the digital video timings of the input.
pub const VIDIOC_QUERY_DV_TIMINGS: u32 = ior(b'V', 99, size_of::<v4l2_dv_timings>());
/// Query digital video timing capabilities.
pub const VIDIOC_DV_TIMINGS_CAP: u32 = iowr(b'V', 100, size_of::<v4l2_dv_timings_cap>());
/// Enumerate tuner or modulator frequency bands.
pub const VIDIOC_ENUM_FREQ_BANDS: u32 = iowr(b'V', 101, size_of::<v4l2_frequency_band>());
/// Identify a chip on the device (debug).
pub const VIDIOC_DBG_G_CHIP_INFO: u32 = iowr(b'V', 102, size_of::<v4l2_dbg_chip_info>());
/// Describe a control, including compound and 64-bit ones.
pub const VIDIOC_QUERY_EXT_CTRL: u32 = iowr(b'V', 103, size_of::<v4l2_query_ext_ctrl>());
