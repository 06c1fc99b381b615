//! Shared by the block's tests: an arena over leaked memory, a block over it with an
//! interrupt handler that logs (and by default acknowledges) every interrupt, the driver's
//! programming sequence, generated pictures in the three input layouts, a slice header
//! parser and the ffmpeg check.

#![allow(dead_code)]

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use h264_encoder::regs::*;
use h264_encoder_block::{ArenaBus, Bus, VencBlock};
use v4l2m2m::{BufferArena, MemoryArena};

/// Regions of a test arena.
pub const REGIONS: usize = 64;
/// Bus address of a test arena's first byte (as on the sim board).
pub const BUS_BASE: u64 = 0x4000_0000;

/// A test arena of `size` bytes over leaked memory.
pub fn arena(size: usize) -> &'static MemoryArena<REGIONS> {
    let mem: &'static mut [u8] = Box::leak(vec![0u8; size].into_boxed_slice());
    // SAFETY: the leaked memory is valid for `size` bytes for the rest of the process and
    // only this arena hands out parts of it.
    let arena = unsafe { MemoryArena::new(mem.as_mut_ptr(), size, BUS_BASE, 4096) };
    Box::leak(Box::new(arena))
}

/// One allocated buffer.
#[derive(Clone, Copy, Debug)]
pub struct Buf {
    pub addr: u32,
    pub len: usize,
}

/// One interrupt as the handler saw it.
#[derive(Clone, Copy, Debug)]
pub struct Irq {
    pub thread: ThreadId,
    pub at: Instant,
    /// `IRQ_STATUS` when the handler ran.
    pub status: u32,
}

/// The handler's log.
#[derive(Default)]
pub struct IrqLog {
    pub calls: Mutex<Vec<Irq>>,
    pub cv: Condvar,
    /// Clear `IRQ_STATUS` from the handler, as a driver does.
    pub ack: AtomicBool,
}

/// A block over its own arena, with a logging interrupt handler.
pub struct Rig {
    pub block: &'static VencBlock,
    pub arena: &'static MemoryArena<REGIONS>,
    pub bus: ArenaBus<REGIONS>,
    pub irqs: Arc<IrqLog>,
}

impl Rig {
    /// A block over an arena of `arena_size` bytes, enabled and reset as the datasheet's
    /// power-up sequence says.
    pub fn new(arena_size: usize) -> Rig {
        let arena = arena(arena_size);
        let block: &'static VencBlock = Box::leak(Box::new(VencBlock::over_arena(arena)));
        let irqs = Arc::new(IrqLog::default());
        irqs.ack.store(true, Ordering::SeqCst);
        let log = Arc::clone(&irqs);
        block.set_irq_handler(Box::new(move || {
            let status = block.read(IRQ_STATUS);
            if log.ack.load(Ordering::SeqCst) {
                block.write(IRQ_STATUS, status);
            }
            let irq = Irq { thread: std::thread::current().id(), at: Instant::now(), status };
            log.calls.lock().unwrap().push(irq);
            log.cv.notify_all();
        }));
        let rig = Rig { block, arena, bus: ArenaBus::new(arena), irqs };
        rig.power_up();
        rig
    }

    pub fn read(&self, offset: usize) -> u32 {
        self.block.read(offset)
    }

    pub fn write(&self, offset: usize, value: u32) {
        self.block.write(offset, value)
    }

    /// ENABLE, RESET, wait for BUSY to clear, check ID and VERSION.
    pub fn power_up(&self) {
        self.write(CTRL, CTRL_ENABLE);
        self.reset();
        assert_eq!(self.read(ID), ID_VALUE);
        assert_eq!(self.read(VERSION), VERSION_1_0);
    }

    /// CTRL.RESET, then waits (at most RESET_US, with slack for a loaded machine).
    pub fn reset(&self) {
        self.write(CTRL, CTRL_ENABLE | CTRL_RESET);
        let t0 = Instant::now();
        while self.read(STATUS) & STATUS_BUSY != 0 {
            assert!(t0.elapsed() < Duration::from_millis(50), "reset never ends");
            std::hint::spin_loop();
        }
    }

    /// Allocates `len` bytes filled with `fill`.
    pub fn alloc(&self, len: usize, fill: u8) -> Buf {
        let region = self.arena.alloc(len).expect("test arena full");
        let addr = u32::try_from(self.arena.bus_addr(region)).unwrap();
        let buf = Buf { addr, len };
        self.put(buf, 0, &vec![fill; len]);
        buf
    }

    /// Writes `data` at `offset` into `buf` (as the CPU does).
    pub fn put(&self, buf: Buf, offset: usize, data: &[u8]) {
        assert!(offset + data.len() <= buf.len);
        self.bus.write(buf.addr + offset as u32, data).unwrap();
    }

    /// The bytes of `buf`.
    pub fn get(&self, buf: Buf) -> Vec<u8> {
        let mut v = vec![0; buf.len];
        self.bus.read(buf.addr, &mut v).unwrap();
        v
    }

    /// Interrupts so far.
    pub fn irq_count(&self) -> usize {
        self.irqs.calls.lock().unwrap().len()
    }

    /// Waits until more than `seen` interrupts came; returns the first new one.
    pub fn wait_irq(&self, seen: usize, timeout: Duration) -> Option<Irq> {
        let calls = self.irqs.calls.lock().unwrap();
        let (calls, _) = self.irqs.cv.wait_timeout_while(calls, timeout, |c| c.len() <= seen).unwrap();
        calls.get(seen).copied()
    }

    /// CTRL.START and the interrupt that ends the frame: its IRQ_STATUS.
    pub fn run(&self) -> u32 {
        let seen = self.irq_count();
        self.write(CTRL, CTRL_ENABLE | CTRL_START);
        let irq = self.wait_irq(seen, Duration::from_secs(20)).expect("no interrupt for the frame");
        assert_eq!(self.read(STATUS) & STATUS_BUSY, 0, "busy after the interrupt");
        irq.status
    }

    /// CTRL.START that the block refuses: the IRQ_STATUS of its interrupt.
    pub fn run_refused(&self) -> u32 {
        let seen = self.irq_count();
        self.write(CTRL, CTRL_ENABLE | CTRL_START);
        self.wait_irq(seen, Duration::from_secs(5)).expect("no interrupt for the refused START").status
    }

    /// Programs the per-stream registers for `src` and an interrupt mask of every cause.
    pub fn program_stream(&self, s: &Stream) {
        self.write(FRAME_SIZE, s.w | (s.h << 16));
        self.write(FPS_NUM, 30);
        self.write(FPS_DEN, 1);
        self.write(SLICE_ROWS, s.slice_rows);
        self.write(CODING, s.coding);
        self.write(IRQ_MASK, IRQ_ALL);
    }

    /// Programs the source registers for picture `pic`, laid out in `buf`.
    pub fn program_source(&self, pic: &Laid, buf: Buf) {
        self.write(INPUT_FORMAT, pic.format);
        self.write(SRC_Y, buf.addr + pic.offsets[0] as u32);
        self.write(SRC_CB, buf.addr + pic.offsets[1] as u32);
        self.write(SRC_CR, buf.addr + pic.offsets[2] as u32);
        self.write(SRC_Y_STRIDE, pic.y_stride as u32);
        self.write(SRC_C_STRIDE, pic.c_stride as u32);
    }

    /// Bytes of a reference or reconstruction buffer for `w` x `h`, from WORK_MB_BYTES.
    pub fn work_size(&self, w: u32, h: u32) -> usize {
        self.read(WORK_MB_BYTES) as usize * (w.div_ceil(16) * h.div_ceil(16)) as usize
    }
}

/// Per-stream settings.
#[derive(Clone, Copy, Debug)]
pub struct Stream {
    pub w: u32,
    pub h: u32,
    pub slice_rows: u32,
    pub coding: u32,
}

impl Stream {
    pub fn new(w: u32, h: u32) -> Stream {
        Stream { w, h, slice_rows: 0, coding: 0 }
    }

    /// The encoder core's configuration for the same stream.
    pub fn config(&self) -> h264_encoder_core::Config {
        let range = (self.coding >> CODING_SEARCH_SHIFT) & 0xFF;
        h264_encoder_core::Config {
            width: self.w,
            height: self.h,
            fps_num: 30,
            fps_den: 1,
            slice_rows: self.slice_rows,
            deblock: self.coding & CODING_NO_DEBLOCK == 0,
            search_range: if range == 0 { 16 } else { range },
        }
    }
}

/// A generated I420 picture (tight planes).
pub struct Picture {
    pub w: usize,
    pub h: usize,
    pub y: Vec<u8>,
    pub u: Vec<u8>,
    pub v: Vec<u8>,
}

/// Frame `t` of a clip: a diagonal gradient moving right and down, a bright square moving
/// the other way and a fine texture, so that P frames have motion and residuals.
pub fn picture(w: usize, h: usize, t: usize) -> Picture {
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let mut y = vec![0; w * h];
    for r in 0..h {
        for c in 0..w {
            let g = (c + r + 3 * t) * 255 / (w + h + 3 * t).max(1);
            let tex = (c * 7 + r * 13) % 11;
            let (sx, sy) = ((w / 2 + w - (2 * t) % w) % w, (h / 3 + t) % h);
            let square = c >= sx && c < sx + w / 5 && r >= sy && r < sy + h / 5;
            y[r * w + c] = if square { 235 } else { (g + tex).min(255) as u8 };
        }
    }
    let u = (0..cw * ch).map(|i| (64 + (i % cw) * 128 / cw + t) as u8).collect();
    let v = (0..cw * ch).map(|i| (192 - (i / cw) * 128 / ch.max(1) - t) as u8).collect();
    Picture { w, h, y, u, v }
}

/// A picture laid out in memory as a source of the block.
pub struct Laid {
    /// INPUT_FORMAT.
    pub format: u32,
    pub bytes: Vec<u8>,
    /// Offsets of the Y (or packed), Cb (or CbCr) and Cr planes in `bytes`.
    pub offsets: [usize; 3],
    pub y_stride: usize,
    pub c_stride: usize,
}

impl Laid {
    /// The encoder core's view of the same source.
    pub fn source(&self, h: usize) -> h264_encoder_core::Source<'_> {
        use h264_encoder_core::{Plane, Source};
        let ch = h.div_ceil(2);
        let plane = |i: usize, stride: usize, rows: usize| {
            let start = self.offsets[i];
            Plane::new(&self.bytes[start..start + stride * rows], stride)
        };
        match self.format {
            INPUT_NV12 => Source::Nv12 { y: plane(0, self.y_stride, h), uv: plane(1, self.c_stride, ch) },
            INPUT_I420 => Source::I420 {
                y: plane(0, self.y_stride, h),
                u: plane(1, self.c_stride, ch),
                v: plane(2, self.c_stride, ch),
            },
            _ => Source::Yuyv(plane(0, self.y_stride, h)),
        }
    }
}

/// Lays `p` out as `format` with `pad` extra bytes at the end of every row.
pub fn lay_out(p: &Picture, format: u32, pad: usize) -> Laid {
    let (cw, ch) = (p.w.div_ceil(2), p.h.div_ceil(2));
    let mut bytes = Vec::new();
    let rows = |bytes: &mut Vec<u8>, rows: usize, stride: usize, row: &dyn Fn(usize) -> Vec<u8>| {
        let start = bytes.len();
        for r in 0..rows {
            let mut line = row(r);
            line.resize(stride, 0x11);
            bytes.extend_from_slice(&line);
        }
        start
    };
    match format {
        INPUT_I420 => {
            let (ys, cs) = (p.w + pad, cw + pad);
            let oy = rows(&mut bytes, p.h, ys, &|r| p.y[r * p.w..][..p.w].to_vec());
            let ou = rows(&mut bytes, ch, cs, &|r| p.u[r * cw..][..cw].to_vec());
            let ov = rows(&mut bytes, ch, cs, &|r| p.v[r * cw..][..cw].to_vec());
            Laid { format, bytes, offsets: [oy, ou, ov], y_stride: ys, c_stride: cs }
        }
        INPUT_NV12 => {
            let (ys, cs) = (p.w + pad, 2 * cw + pad);
            let oy = rows(&mut bytes, p.h, ys, &|r| p.y[r * p.w..][..p.w].to_vec());
            let ouv = rows(&mut bytes, ch, cs, &|r| (0..2 * cw).map(|i| [&p.u, &p.v][i % 2][r * cw + i / 2]).collect());
            Laid { format, bytes, offsets: [oy, ouv, 0], y_stride: ys, c_stride: cs }
        }
        _ => {
            // 4:2:2: both rows of a chroma pair carry the 4:2:0 sample.
            let ys = 4 * cw + pad;
            let row = |r: usize| {
                (0..4 * cw)
                    .map(|i| {
                        let x = i / 2;
                        match i % 4 {
                            0 | 2 => p.y[r * p.w + x.min(p.w - 1)],
                            1 => p.u[(r / 2) * cw + i / 4],
                            _ => p.v[(r / 2) * cw + i / 4],
                        }
                    })
                    .collect()
            };
            let o = rows(&mut bytes, p.h, ys, &row);
            Laid { format, bytes, offsets: [o, 0, 0], y_stride: ys, c_stride: 0 }
        }
    }
}

// ------------------------------------------------------------------------------------
// The bitstream
// ------------------------------------------------------------------------------------

/// The NAL units of an Annex B stream (without start codes, emulation prevention removed).
pub fn nal_units(stream: &[u8]) -> Vec<Vec<u8>> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= stream.len() {
        if stream[i..i + 3] == [0, 0, 1] {
            starts.push(i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    let mut nals = Vec::new();
    for (k, &s) in starts.iter().enumerate() {
        let mut end = starts.get(k + 1).map_or(stream.len(), |&n| n - 3);
        while end > s && stream[end - 1] == 0 {
            end -= 1;
        }
        let mut rbsp = Vec::new();
        let mut zeros = 0;
        for &b in &stream[s..end] {
            if zeros >= 2 && b == 3 {
                zeros = 0;
                continue;
            }
            zeros = if b == 0 { zeros + 1 } else { 0 };
            rbsp.push(b);
        }
        nals.push(rbsp);
    }
    nals
}

/// Reads RBSP bits.
pub struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bits<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Bits { data, pos: 0 }
    }

    pub fn u(&mut self, n: u32) -> u32 {
        let mut v = 0;
        for _ in 0..n {
            let bit = (self.data[self.pos / 8] >> (7 - self.pos % 8)) & 1;
            v = (v << 1) | u32::from(bit);
            self.pos += 1;
        }
        v
    }

    pub fn ue(&mut self) -> u32 {
        let mut zeros = 0;
        while self.u(1) == 0 {
            zeros += 1;
        }
        (1 << zeros) - 1 + self.u(zeros)
    }

    pub fn se(&mut self) -> i32 {
        let k = self.ue() as i32;
        if k % 2 == 1 {
            (k + 1) / 2
        } else {
            -(k / 2)
        }
    }
}

/// What a slice header says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slice {
    pub idr: bool,
    pub first_mb: u32,
    pub slice_type: u32,
    pub frame_num: u32,
    pub idr_pic_id: Option<u32>,
    pub qp: i32,
}

/// `pic_init_qp` of a PPS NAL unit.
pub fn pps_init_qp(nal: &[u8]) -> i32 {
    let mut b = Bits::new(&nal[1..]);
    assert_eq!(b.ue(), 0, "pic_parameter_set_id");
    assert_eq!(b.ue(), 0, "seq_parameter_set_id");
    assert_eq!(b.u(1), 0, "entropy_coding_mode_flag");
    b.u(1);
    assert_eq!(b.ue(), 0, "num_slice_groups_minus1");
    b.ue();
    b.ue();
    b.u(1);
    b.u(2);
    26 + b.se()
}

/// The header of a slice NAL unit (types 1 and 5), with `pic_init_qp` from the PPS.
pub fn slice_header(nal: &[u8], pic_init_qp: i32) -> Slice {
    let nal_type = u32::from(nal[0] & 0x1F);
    let idr = nal_type == 5;
    let mut b = Bits::new(&nal[1..]);
    let first_mb = b.ue();
    let slice_type = b.ue();
    assert_eq!(b.ue(), 0, "pic_parameter_set_id");
    let frame_num = b.u(8);
    let idr_pic_id = idr.then(|| b.ue());
    if slice_type % 5 == 0 {
        assert_eq!(b.u(1), 0, "num_ref_idx_active_override_flag");
        assert_eq!(b.u(1), 0, "ref_pic_list_modification_flag_l0");
    }
    if idr {
        b.u(2); // no_output_of_prior_pics_flag, long_term_reference_flag
    } else {
        assert_eq!(b.u(1), 0, "adaptive_ref_pic_marking_mode_flag");
    }
    let qp = pic_init_qp + b.se();
    Slice { idr, first_mb, slice_type, frame_num, idr_pic_id, qp }
}

/// Every slice header of a stream; `init_qp` is the `pic_init_qp` of the last PPS seen
/// (in this stream or an earlier part of it).
pub fn slices(stream: &[u8], init_qp: &mut Option<i32>) -> Vec<Slice> {
    let mut out = Vec::new();
    for nal in nal_units(stream) {
        match nal[0] & 0x1F {
            8 => *init_qp = Some(pps_init_qp(&nal)),
            1 | 5 => out.push(slice_header(&nal, init_qp.expect("slice before any PPS"))),
            _ => {}
        }
    }
    out
}

/// NAL unit types of a stream, in order.
pub fn nal_types(stream: &[u8]) -> Vec<u8> {
    nal_units(stream).iter().map(|n| n[0] & 0x1F).collect()
}

/// Decodes `stream` with ffmpeg; returns its I420 frames (w x h each). Panics if ffmpeg is
/// missing, reports anything, or fails.
pub fn ffmpeg_decode(stream: &[u8], name: &str) -> Vec<u8> {
    let path = std::env::temp_dir().join(format!("venc-block-{}-{name}.h264", std::process::id()));
    std::fs::write(&path, stream).unwrap();
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(&path)
        .args(["-f", "rawvideo", "-pix_fmt", "yuv420p", "-"])
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("ffmpeg cannot run ({e}): install it with scripts/setup.sh"));
    let _ = std::fs::remove_file(&path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "ffmpeg failed on {name}: {stderr}");
    out.stdout
}

/// The visible I420 picture of a reconstruction buffer.
pub fn visible(cfg: &h264_encoder_core::Config, recon: &[u8]) -> Vec<u8> {
    let pl = h264_encoder_core::recon_planes(cfg, recon).unwrap();
    let (w, h) = (cfg.width as usize, cfg.height as usize);
    let mut out = Vec::new();
    for r in 0..h {
        out.extend_from_slice(&pl.y[r * pl.y_stride..][..w]);
    }
    for plane in [pl.u, pl.v] {
        for r in 0..h / 2 {
            out.extend_from_slice(&plane[r * pl.c_stride..][..w / 2]);
        }
    }
    out
}

// ------------------------------------------------------------------------------------
// One frame ready to start
// ------------------------------------------------------------------------------------

/// A block programmed for an IDR frame at QP 30 with SPS and PPS, of a `w` x `h` I420
/// picture: every buffer allocated (the reconstruction filled with 0x5A, the bitstream
/// buffer with 0xEE, the reference with 0x33) and every register written.
pub struct Ready {
    pub rig: Rig,
    pub stream: Stream,
    pub laid: Laid,
    pub src: Buf,
    pub refb: Buf,
    pub recon: Buf,
    pub out: Buf,
}

pub const OUT_FILL: u8 = 0xEE;
pub const RECON_FILL: u8 = 0x5A;
pub const REF_FILL: u8 = 0x33;

impl Ready {
    pub fn new(w: u32, h: u32) -> Ready {
        let rig = Rig::new(4 << 20);
        let stream = Stream::new(w, h);
        rig.program_stream(&stream);
        let ws = rig.work_size(w, h);
        let (refb, recon, out) = (rig.alloc(ws, REF_FILL), rig.alloc(ws, RECON_FILL), rig.alloc(16 << 10, OUT_FILL));
        let laid = lay_out(&picture(w as usize, h as usize, 0), INPUT_I420, 0);
        let src = rig.alloc(laid.bytes.len(), 0);
        rig.put(src, 0, &laid.bytes);
        let ready = Ready { rig, stream, laid, src, refb, recon, out };
        ready.program();
        ready
    }

    /// (Re)writes every register for the IDR frame.
    pub fn program(&self) {
        let rig = &self.rig;
        rig.program_stream(&self.stream);
        rig.program_source(&self.laid, self.src);
        rig.write(OUT_ADDR, self.out.addr);
        rig.write(OUT_SIZE, self.out.len as u32);
        rig.write(FRAME_TYPE, FRAME_IDR);
        rig.write(QP, 30);
        rig.write(QP_MAP, 0);
        rig.write(HEADERS, HEADERS_BEFORE_IDR);
        rig.write(FRAME_NUM, 0);
        rig.write(IDR_PIC_ID, 0);
        rig.write(REF_ADDR, self.refb.addr);
        rig.write(RECON_ADDR, self.recon.addr);
    }

    /// Switches to a P frame that refers to the last reconstruction.
    pub fn next_p(&mut self) {
        std::mem::swap(&mut self.refb, &mut self.recon);
        self.rig.write(REF_ADDR, self.refb.addr);
        self.rig.write(RECON_ADDR, self.recon.addr);
        self.rig.write(FRAME_TYPE, FRAME_P);
        self.rig.write(HEADERS, HEADERS_NONE);
        self.rig.write(FRAME_NUM, 1);
    }

    /// Whether `buf` still holds only `fill`.
    pub fn untouched(&self, buf: Buf, fill: u8) -> bool {
        self.rig.get(buf).iter().all(|&b| b == fill)
    }

    /// Checks that the last frame failed with `cause` and `code` and wrote nothing.
    pub fn assert_failed(&self, status: u32, cause: u32, code: u32) {
        assert_eq!(status, cause, "IRQ_STATUS");
        assert_eq!(self.rig.read(ERROR), code, "ERROR");
        assert_eq!(self.rig.read(OUT_BYTES), 0, "OUT_BYTES");
        assert_eq!(self.rig.read(STAT_BITS), 0, "STAT_BITS");
        assert!(self.untouched(self.out, OUT_FILL), "the bitstream buffer was written");
    }
}
