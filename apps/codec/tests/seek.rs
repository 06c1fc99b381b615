//! Seek on the decoder (Linux dev-decoder.rst, "Seek"), driven through the simulator's VFS
//! with raw ioctls on every multi-planar decoder node (`/dev/video1`, and `/dev/video5`
//! with the `avcodec` feature): STREAMOFF(OUTPUT), STREAMON(OUTPUT), then bitstream
//! from a new position that starts at an IDR access unit, while CAPTURE keeps streaming.
//!
//! Checked after every seek:
//! - each frame decoded after it is bit-exact (MD5) with ffmpeg's decode of the stream
//!   from the seek position (computed here with `ffmpeg -f framemd5`);
//! - no frame of the bitstream queued before the seek shows up after it: OUTPUT buffers
//!   queued after the seek carry timestamps `SEEK_BASE + access unit index`, so a frame
//!   with a smaller timestamp came from before the seek;
//! - no SOURCE_CHANGE (same resolution), no buffer flagged as an error, the drain ends
//!   with the LAST buffer and EOS;
//! - every OUTPUT and CAPTURE buffer came back: dequeued, or returned by STREAMOFF
//!   (QUERYBUF shows it neither QUEUED nor DONE).
//!
//! The stream is `seek_320x180` of `scripts/gen-streams.sh` (IDR frames at 0, 30, 60,
//! SPS/PPS before each), found in `STREAMS_DIR` (default: tests/decoder/streams).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use codec_tool::device::{Device, Format};
use codec_tool::h264;
use sim_board::vfs;
use v4l2m2m::{abi, Errno};

const STREAM: &str = "seek_320x180";
/// Timestamps (µs) of the OUTPUT buffers queued after a seek start here.
const SEEK_BASE: u64 = 1_000_000;
const OUTPUT_BUFFERS: u32 = 8;
const CAPTURE_BUFFERS: u32 = 4;
/// Access units the decoder may hold undecoded while more bitstream is expected.
const HELD: usize = 2;
/// Longest wait for the device to make progress before the test fails (no hang).
const STALL: Duration = Duration::from_secs(20);

fn dir() -> PathBuf {
    std::env::var_os("STREAMS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/decoder/streams"))
}

fn read(ext: &str) -> Vec<u8> {
    let p = dir().join(format!("{STREAM}.{ext}"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{} ({e}): run scripts/gen-streams.sh", p.display()))
}

/// MD5 (RFC 1321) as lowercase hex, as ffmpeg's framemd5 prints it.
fn md5(data: &[u8]) -> String {
    const S: [u32; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
    let k: Vec<u32> = (0..64).map(|i| ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32).collect();
    let mut h = [0x6745_2301u32, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&(data.len() as u64).wrapping_mul(8).to_le_bytes());
    for block in msg.chunks(64) {
        let m: Vec<u32> = block.chunks(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect();
        let [mut a, mut b, mut c, mut d] = h;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[(i / 16) * 4 + i % 4]));
        }
        for (s, v) in h.iter_mut().zip([a, b, c, d]) {
            *s = s.wrapping_add(v);
        }
    }
    h.iter().flat_map(|v| v.to_le_bytes()).map(|b| format!("{b:02x}")).collect()
}

/// ffmpeg's per-frame MD5s (I420, visible size) of its decode of `h264`.
fn ffmpeg_frame_md5s(h264: &[u8], tag: &str) -> Vec<String> {
    let path = std::env::temp_dir().join(format!("m2m-seek-{}-{tag}.h264", std::process::id()));
    std::fs::write(&path, h264).expect("writing the reference input");
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-f", "h264", "-i"])
        .arg(&path)
        .args(["-f", "framemd5", "-pix_fmt", "yuv420p", "-"])
        .output();
    let _ = std::fs::remove_file(&path);
    let out = out.expect("running ffmpeg (apt-get install ffmpeg)");
    assert!(out.status.success(), "ffmpeg failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .expect("framemd5 output")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.rsplit(',').next().unwrap().trim().to_string())
        .collect()
}

/// Flags QUERYBUF reports for a buffer.
fn querybuf_flags(dev: &Device, output: bool, index: usize) -> u32 {
    let q = if output { &dev.output } else { &dev.capture };
    let mut b = abi::v4l2_buffer::zeroed();
    b.index = index as u32;
    b.type_ = q.type_;
    b.memory = abi::V4L2_MEMORY_MMAP;
    let mut planes = [abi::v4l2_plane::zeroed(); 4];
    let n = q.buffers[index].planes.len();
    dev.client.querybuf(&mut b, dev.mplane.then_some(&mut planes[..n])).expect("VIDIOC_QUERYBUF");
    b.flags
}

/// One decoding session on `/dev/video1`, fed one access unit per OUTPUT buffer.
struct Session {
    dev: Device,
    input: Vec<u8>,
    units: Vec<(usize, usize)>,
    capture_fmt: Format,
    rect: abi::v4l2_rect,
    /// (timestamp, MD5 of the visible I420 frame, the frame) of every frame dequeued.
    frames: Vec<(u64, String, Vec<u8>)>,
    /// Requeue CAPTURE buffers as soon as they are dequeued (otherwise keep them).
    recycle: bool,
    /// CAPTURE buffers dequeued and not requeued.
    held: Vec<usize>,
    out_qbuf: usize,
    out_dqbuf: usize,
    /// OUTPUT buffers still queued when OUTPUT was stopped (returned by STREAMOFF).
    out_returned_by_streamoff: usize,
    cap_qbuf: usize,
    cap_dqbuf: usize,
    output_errors: usize,
    capture_errors: usize,
    source_changes: usize,
    eos: bool,
    last: bool,
}

impl Session {
    fn start(node: &str) -> Session {
        let input = read("h264");
        let units = h264::access_units(&input);
        let mut dev = Device::open(node).unwrap_or_else(|e| panic!("open {node}: {e}"));
        assert!(dev.mplane, "{node} is a multi-planar node");
        let mut f = dev.g_fmt(true).unwrap();
        f.pixelformat = abi::V4L2_PIX_FMT_H264;
        f.num_planes = 1;
        f.sizeimage[0] = h264::largest_unit(&input) as u32 + 4096;
        dev.s_fmt(true, &f).unwrap();
        let mut c = dev.g_fmt(false).unwrap();
        c.pixelformat = abi::V4L2_PIX_FMT_YUV420M;
        assert_eq!(dev.s_fmt(false, &c).unwrap().pixelformat, abi::V4L2_PIX_FMT_YUV420M);
        dev.subscribe(abi::V4L2_EVENT_SOURCE_CHANGE).unwrap();
        dev.subscribe(abi::V4L2_EVENT_EOS).unwrap();
        dev.setup_buffers(true, OUTPUT_BUFFERS).unwrap();
        dev.stream(true, true).unwrap();
        Session {
            dev,
            input,
            units,
            capture_fmt: Format::default(),
            rect: abi::v4l2_rect::zeroed(),
            frames: Vec::new(),
            recycle: true,
            held: Vec::new(),
            out_qbuf: 0,
            out_dqbuf: 0,
            out_returned_by_streamoff: 0,
            cap_qbuf: 0,
            cap_dqbuf: 0,
            output_errors: 0,
            capture_errors: 0,
            source_changes: 0,
            eos: false,
            last: false,
        }
    }

    fn state(&self) -> String {
        format!(
            "OUTPUT {} queued / {} dequeued, CAPTURE {} queued / {} dequeued, {} frames, {} source changes, EOS {}, LAST {}",
            self.out_qbuf, self.out_dqbuf, self.cap_qbuf, self.cap_dqbuf, self.frames.len(), self.source_changes, self.eos, self.last
        )
    }

    /// Queues access unit `unit` with timestamp `ts`, waiting for a free OUTPUT buffer.
    fn queue_unit(&mut self, unit: usize, ts: u64) {
        let deadline = Instant::now() + STALL;
        let index = loop {
            if let Some(i) = self.dev.output.buffers.iter().position(|b| !b.queued) {
                break i;
            }
            assert!(Instant::now() < deadline, "no OUTPUT buffer came back: {}", self.state());
            self.pump();
        };
        let (s, e) = self.units[unit];
        let plane = &self.dev.output.buffers[index].planes[0];
        assert!(e - s <= plane.len);
        // SAFETY: a live mapping of `plane.len` bytes that the device does not use while
        // the buffer is dequeued; the unit fits (checked above).
        unsafe { core::ptr::copy_nonoverlapping(self.input[s..e].as_ptr(), plane.ptr, e - s) };
        self.dev.qbuf(true, index, &[(e - s) as u32], ts).unwrap();
        self.out_qbuf += 1;
    }

    fn qbuf_capture(&mut self, index: usize) {
        self.dev.qbuf(false, index, &[], 0).unwrap();
        self.cap_qbuf += 1;
    }

    /// CAPTURE set-up after the SOURCE_CHANGE of the stream's start.
    fn setup_capture(&mut self) {
        self.capture_fmt = self.dev.g_fmt(false).unwrap();
        assert_eq!(self.capture_fmt.pixelformat, abi::V4L2_PIX_FMT_YUV420M);
        self.rect = self.dev.compose().expect("COMPOSE rectangle");
        assert_eq!((self.rect.width, self.rect.height), (320, 180));
        let min = self.dev.client.g_ctrl(abi::V4L2_CID_MIN_BUFFERS_FOR_CAPTURE).unwrap();
        assert!(CAPTURE_BUFFERS >= min as u32);
        let n = self.dev.setup_buffers(false, CAPTURE_BUFFERS).unwrap();
        for i in 0..n {
            self.qbuf_capture(i);
        }
        self.dev.stream(false, true).unwrap();
    }

    /// The visible rectangle of CAPTURE buffer `index` as packed I420.
    fn visible(&self, index: usize) -> Vec<u8> {
        let (r, f) = (self.rect, &self.capture_fmt);
        let mut out = Vec::new();
        for (p, plane) in self.dev.capture.buffers[index].planes.iter().enumerate() {
            let shift = usize::from(p > 0);
            let stride = f.bytesperline[p] as usize;
            // SAFETY: a live mapping of `plane.len` bytes that the device filled and no
            // longer touches (the buffer is dequeued).
            let data = unsafe { core::slice::from_raw_parts(plane.ptr, plane.len) };
            let (x, y) = ((r.left as usize) >> shift, (r.top as usize) >> shift);
            let (w, h) = ((r.width as usize) >> shift, (r.height as usize) >> shift);
            for row in y..y + h {
                out.extend_from_slice(&data[row * stride + x..row * stride + x + w]);
            }
        }
        out
    }

    /// Handles whatever the device has ready: events, OUTPUT and CAPTURE buffers.
    fn pump(&mut self) {
        let mut fds = [vfs::PollFd { fd: self.dev.fd, events: vfs::POLLIN | vfs::POLLOUT | vfs::POLLPRI, revents: 0 }];
        vfs::poll(&mut fds, 20).expect("poll");
        self.events();
        while let Some(b) = self.dev.dqbuf(true).expect("DQBUF(OUTPUT)") {
            self.out_dqbuf += 1;
            if b.flags & abi::V4L2_BUF_FLAG_ERROR != 0 {
                self.output_errors += 1;
            }
        }
        self.dequeue_capture();
    }

    fn events(&mut self) {
        while let Some(ev) = self.dev.dqevent() {
            match ev.type_ {
                abi::V4L2_EVENT_SOURCE_CHANGE => {
                    self.source_changes += 1;
                    assert_eq!(self.source_changes, 1, "SOURCE_CHANGE after the start: {}", self.state());
                    self.setup_capture();
                }
                abi::V4L2_EVENT_EOS => self.eos = true,
                other => panic!("unexpected event {other}"),
            }
        }
    }

    fn dequeue_capture(&mut self) {
        while self.dev.capture.streaming && !self.last {
            let b = match self.dev.dqbuf(false) {
                Ok(Some(b)) => b,
                Ok(None) => break,
                Err(Errno::EPIPE) => {
                    self.last = true;
                    break;
                }
                Err(e) => panic!("DQBUF(CAPTURE): {e}"),
            };
            self.cap_dqbuf += 1;
            if b.flags & abi::V4L2_BUF_FLAG_ERROR != 0 {
                self.capture_errors += 1;
            } else if b.bytesused.iter().any(|&n| n > 0) {
                let frame = self.visible(b.index);
                self.frames.push((b.timestamp_us, md5(&frame), frame));
            }
            if b.flags & abi::V4L2_BUF_FLAG_LAST != 0 {
                self.last = true;
            }
            if self.recycle && !self.last {
                self.qbuf_capture(b.index);
            } else {
                self.held.push(b.index);
            }
        }
    }

    fn wait_until(&mut self, what: &str, done: impl Fn(&Session) -> bool) {
        let deadline = Instant::now() + STALL;
        while !done(self) {
            assert!(Instant::now() < deadline, "stalled waiting for {what}: {}", self.state());
            self.pump();
        }
    }

    /// Feeds access units `units` with timestamps `base + index`.
    fn feed(&mut self, units: std::ops::Range<usize>, base: u64) {
        for u in units {
            self.queue_unit(u, base + u as u64);
        }
    }

    /// STREAMOFF(OUTPUT), collect the CAPTURE buffers completed before it, STREAMON(OUTPUT).
    /// Returns the frames dequeued before the seek.
    fn seek(&mut self) -> Vec<(u64, String, Vec<u8>)> {
        let still_queued = self.dev.output.buffers.iter().filter(|b| b.queued).count();
        self.dev.stream(true, false).unwrap();
        self.out_returned_by_streamoff += still_queued;
        for i in 0..self.dev.output.buffers.len() {
            let flags = querybuf_flags(&self.dev, true, i);
            assert_eq!(
                flags & (abi::V4L2_BUF_FLAG_QUEUED | abi::V4L2_BUF_FLAG_DONE),
                0,
                "OUTPUT buffer {i} not returned by STREAMOFF: flags {flags:#x}"
            );
        }
        // With OUTPUT stopped nothing can be decoded: whatever CAPTURE holds done now was
        // decoded before the seek.
        self.dequeue_capture();
        self.dev.stream(true, true).unwrap();
        std::mem::take(&mut self.frames)
    }

    /// DECODER_CMD STOP and wait for the LAST buffer and EOS.
    fn drain(&mut self) {
        self.dev.stop(true).unwrap();
        self.wait_until("the end of the drain (LAST buffer and EOS)", |s| s.last && s.eos);
    }

    /// Checks that every buffer came back, then stops CAPTURE.
    fn finish(mut self) {
        assert_eq!(
            self.out_qbuf,
            self.out_dqbuf + self.out_returned_by_streamoff,
            "OUTPUT buffers lost: {}",
            self.state()
        );
        assert!(self.dev.output.buffers.iter().all(|b| !b.queued));
        let cap_still_queued = self.dev.capture.buffers.iter().filter(|b| b.queued).count();
        assert_eq!(self.cap_qbuf, self.cap_dqbuf + cap_still_queued, "CAPTURE buffers lost: {}", self.state());
        self.dev.stream(false, false).unwrap();
        self.dev.stream(true, false).unwrap();
        for (output, n) in [(true, self.dev.output.buffers.len()), (false, self.dev.capture.buffers.len())] {
            for i in 0..n {
                let flags = querybuf_flags(&self.dev, output, i);
                assert_eq!(
                    flags & (abi::V4L2_BUF_FLAG_QUEUED | abi::V4L2_BUF_FLAG_DONE),
                    0,
                    "buffer {i} (OUTPUT {output}) not returned: {flags:#x}"
                );
            }
        }
        assert_eq!(self.output_errors + self.capture_errors, 0, "buffers flagged as errors: {}", self.state());
        assert_eq!(self.source_changes, 1, "SOURCE_CHANGE only at the start");
    }
}

/// IDR access units of the stream (NAL type 5).
fn idr_units(input: &[u8], units: &[(usize, usize)]) -> Vec<usize> {
    units
        .iter()
        .enumerate()
        .filter(|(_, &(s, e))| input[s..e].windows(4).any(|w| w[..3] == [0, 0, 1] && w[3] & 0x1f == 5))
        .map(|(i, _)| i)
        .collect()
}

/// Frames before the seek: timestamps 0, 1, 2... and bit-exact with the full decode.
fn check_before(frames: &[(u64, String, Vec<u8>)], at_least: usize) {
    let reference = read("yuv");
    let size = 320 * 180 * 3 / 2;
    assert!(frames.len() >= at_least, "{} frames before the seek, expected {at_least}", frames.len());
    for (i, (ts, _, frame)) in frames.iter().enumerate() {
        assert_eq!(*ts, i as u64, "frame {i} before the seek: timestamp");
        assert!(
            frame[..] == reference[i * size..(i + 1) * size],
            "frame {i} before the seek differs from ffmpeg's decode"
        );
    }
}

/// Frames after a seek to unit `p`: exactly the units p.. in order, each bit-exact with
/// ffmpeg's decode of the stream from `p`.
fn check_after(s: &Session, p: usize) {
    let (input, units) = (&s.input, &s.units);
    let want = ffmpeg_frame_md5s(&input[units[p].0..], &format!("from{p}"));
    assert_eq!(want.len(), units.len() - p, "ffmpeg's decode from access unit {p}");
    for (i, (ts, _, _)) in s.frames.iter().enumerate() {
        assert!(
            *ts >= SEEK_BASE,
            "frame {i} after the seek has timestamp {ts}: it comes from bitstream queued before the seek"
        );
    }
    let got: Vec<u64> = s.frames.iter().map(|f| f.0 - SEEK_BASE).collect();
    assert_eq!(got, (p as u64..units.len() as u64).collect::<Vec<_>>(), "access units of the frames after the seek");
    for (i, ((_, md5, _), want)) in s.frames.iter().zip(&want).enumerate() {
        assert_eq!(
            md5,
            want,
            "frame {} (access unit {}) after the seek differs from ffmpeg's decode from {p}",
            i,
            p + i
        );
    }
}

/// Decode the first units, then seek forward to an IDR unit: every OUTPUT buffer was
/// consumed, the driver still holds bitstream (the last, incomplete, access unit).
/// The multi-planar decoder nodes.
fn nodes() -> Vec<String> {
    let nodes: Vec<String> = codec_tool::select::decoders()
        .into_iter()
        .filter(|path| Device::open(path).is_ok_and(|dev| dev.mplane))
        .collect();
    assert!(!nodes.is_empty(), "no multi-planar decoder node");
    nodes
}

#[test]
fn seek_forward_after_decoding_the_start() {
    for node in nodes() {
        seek_forward(&node);
    }
}

fn seek_forward(node: &str) {
    let t = Instant::now();
    let mut s = Session::start(node);
    let idrs = idr_units(&s.input, &s.units);
    assert_eq!(idrs, [0, 30, 60], "{STREAM}: IDR access units");
    let (k, p) = (20, idrs[2]);
    s.feed(0..k, 0);
    // The driver still holds the last access unit (incomplete until the next one starts)
    // and OpenH264 may hold one more picture (its reordering delay).
    s.wait_until("the frames of the first units", |s| s.out_dqbuf == k && s.frames.len() >= k - HELD);
    let before = s.seek();
    check_before(&before, k - HELD);
    s.feed(p..s.units.len(), SEEK_BASE);
    s.drain();
    check_after(&s, p);
    s.finish();
    eprintln!("seek forward on {node}: {} ms", t.elapsed().as_millis());
}

/// Seek backward while OUTPUT buffers are still queued and not decoded (no CAPTURE buffer
/// left for them): STREAMOFF returns them, and none of them produces a frame afterwards.
#[test]
fn seek_backward_with_output_buffers_queued() {
    for node in nodes() {
        seek_backward(&node);
    }
}

fn seek_backward(node: &str) {
    let t = Instant::now();
    let mut s = Session::start(node);
    let idrs = idr_units(&s.input, &s.units);
    assert_eq!(idrs, [0, 30, 60], "{STREAM}: IDR access units");
    let (k, p) = (36, idrs[1]);
    s.feed(0..k, 0);
    // The driver still holds the last access unit (incomplete until the next one starts)
    // and OpenH264 may hold one more picture (its reordering delay).
    s.wait_until("the frames of the first units", |s| s.out_dqbuf == k && s.frames.len() >= k - HELD);
    // Keep the CAPTURE buffers from now on: the decoder fills the queued ones, then the
    // rest of the bitstream stays queued.
    s.recycle = false;
    s.feed(k..k + OUTPUT_BUFFERS as usize, 0);
    let cap = s.dev.capture.buffers.len();
    s.wait_until("every CAPTURE buffer filled", |s| s.held.len() == cap);
    let queued = s.dev.output.buffers.iter().filter(|b| b.queued).count();
    assert!(queued >= 2, "only {queued} OUTPUT buffers still queued at the seek: {}", s.state());
    let before = s.seek();
    check_before(&before, k - HELD + cap);
    assert_eq!(s.out_returned_by_streamoff, queued);
    s.recycle = true;
    for i in std::mem::take(&mut s.held) {
        s.qbuf_capture(i);
    }
    s.feed(p..s.units.len(), SEEK_BASE);
    s.drain();
    check_after(&s, p);
    s.finish();
    eprintln!("seek backward on {node} with {queued} OUTPUT buffers queued: {} ms", t.elapsed().as_millis());
}
