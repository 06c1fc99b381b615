//! Drains that find nothing to decode, on every decoder node of the simulator board: an
//! application that set CAPTURE up before any stream header (as ffmpeg and v4l2-compliance
//! do) and then drains a stream with no decodable unit gets one empty CAPTURE buffer
//! flagged LAST, EPIPE after it, and exactly one `V4L2_EVENT_EOS`.

use std::time::{Duration, Instant};

use codec_tool::device::Device;
use sim_board::vfs;
use v4l2m2m::{abi, Errno};

const BUFFERS: u32 = 4;
const STALL: Duration = Duration::from_secs(20);

/// Every decoder node the board registers (OpenH264, and libavcodec with its feature).
fn nodes() -> Vec<String> {
    let nodes = codec_tool::select::decoders();
    assert!(nodes.len() >= 2, "decoder nodes: {nodes:?}");
    nodes
}

/// Opens `path` with CAPTURE streaming before any header was seen.
fn capture_first(path: &str) -> Device {
    let mut dev = Device::open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = dev.g_fmt(true).unwrap();
    out.pixelformat = abi::V4L2_PIX_FMT_H264;
    out.num_planes = 1;
    out.sizeimage[0] = 64 << 10;
    dev.s_fmt(true, &out).unwrap();
    dev.subscribe(abi::V4L2_EVENT_EOS).unwrap();
    dev.subscribe(abi::V4L2_EVENT_SOURCE_CHANGE).unwrap();
    dev.setup_buffers(true, BUFFERS).unwrap();
    let n = dev.setup_buffers(false, BUFFERS).unwrap();
    for i in 0..n {
        dev.qbuf(false, i, &[], 0).unwrap();
    }
    dev.stream(true, true).unwrap();
    dev.stream(false, true).unwrap();
    dev
}

fn garbage(len: usize, mut seed: u32) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            // No 0x00 bytes: the input can never contain a start code.
            (seed % 255 + 1) as u8
        })
        .collect()
}

/// Queues `input` in OUTPUT buffers, sends STOP, and waits for the LAST buffer. Returns
/// (CAPTURE buffers with data, the LAST buffer's bytesused, EOS events seen).
fn drain(dev: &mut Device, input: &[u8]) -> (u32, u32, u32) {
    let chunk = 4096;
    let mut chunks = input.chunks(chunk).enumerate();
    let mut stop_sent = false;
    let (mut frames, mut eos) = (0, 0);
    let deadline = Instant::now() + STALL;
    loop {
        assert!(Instant::now() < deadline, "the drain never ended ({frames} frames, {eos} EOS)");
        while let Some(index) = dev.output.buffers.iter().position(|b| !b.queued) {
            let Some((ts, data)) = chunks.next() else { break };
            let plane = &dev.output.buffers[index].planes[0];
            assert!(data.len() <= plane.len);
            // SAFETY: a live mapping of `plane.len` bytes the device does not use while the
            // buffer is dequeued; the chunk fits (checked above).
            unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), plane.ptr, data.len()) };
            dev.qbuf(true, index, &[data.len() as u32], ts as u64).unwrap();
        }
        if !stop_sent && dev.output.buffers.iter().all(|b| b.queued || chunks.len() == 0) {
            dev.stop(true).unwrap();
            stop_sent = true;
        }
        let mut fds = [vfs::PollFd { fd: dev.fd, events: vfs::POLLIN | vfs::POLLOUT | vfs::POLLPRI, revents: 0 }];
        vfs::poll(&mut fds, 50).unwrap();
        while let Some(ev) = dev.dqevent() {
            assert_eq!(ev.type_, abi::V4L2_EVENT_EOS, "no stream, so no SOURCE_CHANGE");
            eos += 1;
        }
        while dev.dqbuf(true).unwrap().is_some() {}
        while let Some(b) = dev.dqbuf(false).unwrap() {
            let used: u32 = b.bytesused.iter().sum();
            if b.flags & abi::V4L2_BUF_FLAG_LAST != 0 {
                // EOS is queued with the LAST buffer; give a duplicate the time to show.
                std::thread::sleep(Duration::from_millis(50));
                while let Some(ev) = dev.dqevent() {
                    assert_eq!(ev.type_, abi::V4L2_EVENT_EOS);
                    eos += 1;
                }
                assert_eq!(dev.dqbuf(false).err(), Some(Errno::EPIPE), "DQBUF after the LAST buffer");
                return (frames, used, eos);
            }
            if used > 0 {
                frames += 1;
            }
            dev.qbuf(false, b.index, &[], 0).unwrap();
        }
    }
}

#[test]
fn a_drain_with_nothing_decodable_ends_with_one_empty_last_buffer_and_one_eos() {
    for path in &nodes() {
        let mut dev = capture_first(path);
        let (frames, last_used, eos) = drain(&mut dev, &garbage(20_000, 0x9e37_79b9));
        assert_eq!((frames, last_used), (0, 0), "{path}: nothing decodable, an empty LAST buffer");
        assert_eq!(eos, 1, "{path}: exactly one EOS per drain");
    }
}

#[test]
fn a_drain_with_no_input_at_all_ends_the_same_way() {
    for path in &nodes() {
        let mut dev = capture_first(path);
        let (frames, last_used, eos) = drain(&mut dev, &[]);
        assert_eq!((frames, last_used, eos), (0, 0, 1), "{path}");
    }
}
