//! The CAPTURE formats of the libavcodec decoder nodes follow the parsed stream
//! (dev-decoder.rst, "Capture setup"): before any header, ENUM_FMT on CAPTURE lists every
//! format the node has; after SOURCE_CHANGE it lists only those that hold the stream's
//! pictures (8-bit 4:2:0, 10-bit 4:2:0, 8-bit 4:2:2), G_FMT announces the first of them,
//! and TRY_FMT/S_FMT turn any other format into it. Checked on both nodes (`/dev/video5`
//! multi-planar, `/dev/video6` single-planar) with three small streams that libx264 codes
//! here (through ffmpeg).

use std::process::Command;
use std::time::{Duration, Instant};

use codec_tool::device::Device;
use sim_board::vfs;
use v4l2m2m::abi;

/// Longest wait for the SOURCE_CHANGE event before the test fails (no hang).
const STALL: Duration = Duration::from_secs(20);

/// A 64x48 H.264 stream of 4 pictures in ffmpeg pixel format `pix_fmt` (`tag` keeps the
/// scratch file of each test apart).
fn stream(pix_fmt: &str, tag: &str) -> Vec<u8> {
    let path = std::env::temp_dir().join(format!("m2m-capfmt-{}-{tag}-{pix_fmt}.h264", std::process::id()));
    let status = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i"])
        .arg("testsrc2=s=64x48:r=25")
        .args(["-frames:v", "4", "-pix_fmt", pix_fmt, "-c:v", "libx264", "-x264-params", "log-level=error", "-f"])
        .arg("h264")
        .arg(&path)
        .status()
        .expect("running ffmpeg (apt-get install ffmpeg)");
    assert!(status.success(), "ffmpeg could not code a {pix_fmt} stream");
    let data = std::fs::read(&path).expect("the coded stream");
    let _ = std::fs::remove_file(&path);
    data
}

fn capture_formats(dev: &Device) -> Vec<u32> {
    dev.enum_formats(false).into_iter().map(|(f, _)| f).collect()
}

/// Feeds `input` (one OUTPUT buffer) to `node` until SOURCE_CHANGE; returns the device.
fn parse_headers(node: &str, input: &[u8]) -> Device {
    let mut dev = Device::open(node).unwrap_or_else(|e| panic!("open {node}: {e}"));
    let mut f = dev.g_fmt(true).unwrap();
    f.pixelformat = abi::V4L2_PIX_FMT_H264;
    f.sizeimage[0] = input.len() as u32 + 4096;
    let f = dev.s_fmt(true, &f).unwrap();
    dev.subscribe(abi::V4L2_EVENT_SOURCE_CHANGE).unwrap();
    dev.setup_buffers(true, 1).unwrap();
    dev.stream(true, true).unwrap();
    dev.queue_frame(0, &f, input, 0).unwrap();
    let start = Instant::now();
    loop {
        if let Some(ev) = dev.dqevent() {
            assert_eq!(ev.type_, abi::V4L2_EVENT_SOURCE_CHANGE);
            return dev;
        }
        assert!(start.elapsed() < STALL, "{node}: no SOURCE_CHANGE");
        let mut fds = [vfs::PollFd { fd: dev.fd, events: vfs::POLLPRI, revents: 0 }];
        vfs::poll(&mut fds, 20).expect("poll");
    }
}

fn check(node: &str, pix_fmt: &str, every: &[u32], for_stream: &[u32]) {
    let input = stream(pix_fmt, node.rsplit('/').next().unwrap_or(node));
    let fresh = Device::open(node).unwrap();
    assert_eq!(capture_formats(&fresh), every, "{node}: ENUM_FMT before any header");
    drop(fresh);

    let dev = parse_headers(node, &input);
    assert_eq!(capture_formats(&dev), for_stream, "{node}: ENUM_FMT after SOURCE_CHANGE ({pix_fmt})");
    let announced = dev.g_fmt(false).unwrap();
    assert_eq!(announced.pixelformat, for_stream[0], "{node}: G_FMT after SOURCE_CHANGE ({pix_fmt})");
    assert_eq!((announced.width, announced.height), (64, 48));
    for &other in every {
        let want = if for_stream.contains(&other) { other } else { for_stream[0] };
        let mut f = announced;
        f.pixelformat = other;
        assert_eq!(dev.s_fmt(false, &f).unwrap().pixelformat, want, "{node}: S_FMT after SOURCE_CHANGE ({pix_fmt})");
    }
}

const MULTI: &[u32] = &[
    abi::V4L2_PIX_FMT_YUV420M,
    abi::V4L2_PIX_FMT_NV12M,
    abi::V4L2_PIX_FMT_YUV420,
    abi::V4L2_PIX_FMT_NV12,
    abi::V4L2_PIX_FMT_P010,
    abi::V4L2_PIX_FMT_YUV422M,
    abi::V4L2_PIX_FMT_YUV422P,
    abi::V4L2_PIX_FMT_NV16,
];
const SINGLE: &[u32] = &[
    abi::V4L2_PIX_FMT_YUV420,
    abi::V4L2_PIX_FMT_NV12,
    abi::V4L2_PIX_FMT_P010,
    abi::V4L2_PIX_FMT_YUV422P,
    abi::V4L2_PIX_FMT_NV16,
];

#[test]
fn the_multi_planar_node_offers_the_formats_of_the_parsed_stream() {
    check("/dev/video5", "yuv420p", MULTI, &MULTI[..4]);
    check("/dev/video5", "yuv420p10le", MULTI, &[abi::V4L2_PIX_FMT_P010]);
    check("/dev/video5", "yuv422p", MULTI, &MULTI[5..]);
}

#[test]
fn the_single_planar_node_offers_the_formats_of_the_parsed_stream() {
    check("/dev/video6", "yuv420p", SINGLE, &SINGLE[..2]);
    check("/dev/video6", "yuv420p10le", SINGLE, &[abi::V4L2_PIX_FMT_P010]);
    check("/dev/video6", "yuv422p", SINGLE, &SINGLE[3..]);
}
