//! Coverage-guided fuzz target: each input is a sequence of operations on one device
//! (the framework's loopback test codec, whose lower half loses buffers, delays or
//! completes jobs early, greedily takes buffers or refuses controls when the input says
//! so): open, close, ioctls with structured or random argument bytes, mmap, munmap, poll,
//! job steps and interrupt-time completions. Application memory is one confined region
//! reached only through the board's user copies, so random pointers are EFAULT, never a
//! crash. After every input, everything is closed and unmapped, and the arena must hold
//! no bytes: a panic or a leak is a finding.

#![no_main]

#[allow(dead_code, unused_imports)]
#[path = "../../tests/support/mod.rs"]
mod support;

use std::sync::atomic::Ordering;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use support::*;
use v4l2m2m::abi::*;
use v4l2m2m::{ArenaRegion, Direction, FileId, OpenFlags, PollEvents};

/// Size of the application's memory: arguments, plane arrays and USERPTR planes.
const APP_MEMORY: usize = 256 << 10;

struct World {
    harness: Harness,
    app: usize,
}

// SAFETY: the harness is only used from the fuzzing thread; its device is `Sync`.
unsafe impl Sync for World {}
// SAFETY: as above.
unsafe impl Send for World {}

fn world(mplane: bool, encoder: bool) -> &'static World {
    static WORLDS: [OnceLock<World>; 4] = [const { OnceLock::new() }; 4];
    WORLDS[usize::from(mplane) * 2 + usize::from(encoder)].get_or_init(|| {
        let app = app_memory();
        let kind = if encoder { v4l2m2m::CodecKind::Encoder } else { v4l2m2m::CodecKind::Decoder };
        let harness = Harness::with(Opts { kind, mplane, worker: false, fenced: true, ..Opts::default() });
        World { harness, app }
    })
}

fn app_memory() -> usize {
    static APP: OnceLock<usize> = OnceLock::new();
    *APP.get_or_init(|| {
        let app = leak_bytes(APP_MEMORY).as_mut_ptr() as usize;
        FENCES.confine(app, APP_MEMORY);
        app
    })
}

/// The input, read a few bytes at a time (zeros once it is exhausted).
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn u8(&mut self) -> u8 {
        self.byte().unwrap_or(0)
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    fn bytes(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }
}

struct Run<'a> {
    w: &'static World,
    files: Vec<FileId>,
    maps: Vec<ArenaRegion>,
    input: Input<'a>,
}

impl Run<'_> {
    fn h(&self) -> &Harness {
        &self.w.harness
    }

    fn file(&mut self) -> Option<FileId> {
        let i = usize::from(self.input.u8()) % self.files.len().max(1);
        self.files.get(i).copied()
    }

    fn dir(&mut self) -> Direction {
        if self.input.u8() & 1 == 0 {
            Direction::Output
        } else {
            Direction::Capture
        }
    }

    /// Copies `value` into application memory at `offset`, performs the ioctl on it.
    fn call<T: Copy>(&self, fd: FileId, request: u32, offset: usize, value: &T) {
        let at = self.w.app + offset;
        // SAFETY: `offset + size_of::<T>()` is within the application memory (callers
        // keep offsets below APP_MEMORY / 2 and the structs are small).
        unsafe { (at as *mut T).write_unaligned(*value) };
        // SAFETY: the framework reaches application memory through the fenced board.
        let _ = unsafe { self.h().node.ioctl(fd, request, at as *mut core::ffi::c_void) };
    }

    /// An ioctl whose argument is raw input bytes at an input-chosen place.
    fn random_ioctl(&mut self, fd: FileId) {
        let request = FUZZ_REQUESTS[usize::from(self.input.u8()) % FUZZ_REQUESTS.len()];
        let size = ioc_size(request);
        let offset = (self.input.u32() as usize) % (APP_MEMORY - size);
        let at = self.w.app + offset;
        let bytes = self.input.bytes(size).to_vec();
        // SAFETY: `offset + size` is within the application memory.
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), at as *mut u8, bytes.len()) };
        // SAFETY: the framework reaches application memory through the fenced board.
        let _ = unsafe { self.h().node.ioctl(fd, request, at as *mut core::ffi::c_void) };
    }

    /// A well-formed buffer ioctl (QBUF, DQBUF, QUERYBUF), MMAP or USERPTR.
    fn buffer_ioctl(&mut self, fd: FileId) {
        let request = [VIDIOC_QBUF, VIDIOC_DQBUF, VIDIOC_QUERYBUF][usize::from(self.input.u8()) % 3];
        let dir = self.dir();
        let userptr = self.input.u8() & 1 == 1;
        let index = u32::from(self.input.u8() % 8);
        let mut b = v4l2_buffer::zeroed();
        b.type_ = self.h().ty(dir);
        b.index = index;
        b.memory = if userptr { V4L2_MEMORY_USERPTR } else { V4L2_MEMORY_MMAP };
        b.bytesused = self.input.u32() % 8192;
        let plane_len = 64 << 10;
        let user = self.w.app + APP_MEMORY / 2 + (usize::from(self.input.u8() % 2)) * plane_len;
        if self.h().mp() {
            let mut planes = [v4l2_plane::zeroed(); 2];
            for (p, plane) in planes.iter_mut().enumerate() {
                plane.bytesused = b.bytesused;
                plane.length = (plane_len / 2) as u32;
                plane.m.userptr = (user + p * plane_len / 2) as _;
            }
            let at = self.w.app + 4096;
            // SAFETY: two planes at 4096 are within the application memory.
            unsafe { (at as *mut [v4l2_plane; 2]).write_unaligned(planes) };
            b.m.planes = at as *mut v4l2_plane;
            b.length = 1 + u32::from(self.input.u8() & 1);
        } else {
            b.m.userptr = user as _;
            b.length = plane_len as u32;
        }
        self.call(fd, request, 0, &b);
    }

    fn step(&mut self, op: u8) {
        if op % 16 == 0 || self.files.is_empty() {
            if let Ok(fd) = self.h().node.open(OpenFlags::NONBLOCK) {
                self.files.push(fd);
            }
            return;
        }
        let Some(fd) = self.file() else { return };
        match op % 16 {
            1 => {
                let _ = self.h().node.close(fd);
                self.files.retain(|f| *f != fd);
            }
            2..=5 => self.random_ioctl(fd),
            6..=8 => self.buffer_ioctl(fd),
            9 => {
                let dir = self.dir();
                let mut req = v4l2_requestbuffers::zeroed();
                req.type_ = self.h().ty(dir);
                req.count = u32::from(self.input.u8() % 6);
                req.memory = if self.input.u8() & 1 == 1 { V4L2_MEMORY_USERPTR } else { V4L2_MEMORY_MMAP };
                self.call(fd, VIDIOC_REQBUFS, 0, &req);
            }
            10 => {
                let dir = self.dir();
                let request = if self.input.u8() & 3 == 0 { VIDIOC_STREAMOFF } else { VIDIOC_STREAMON };
                self.call(fd, request, 0, &(self.h().ty(dir) as i32));
            }
            11 => {
                let offset = u64::from(self.input.u32() & 0x3f_f000);
                let len = (self.input.u32() as usize) % (1 << 20);
                if let Ok(m) = self.h().node.mmap(fd, offset, len) {
                    self.maps.push(m.region);
                }
            }
            12 => {
                if let Some(region) = self.maps.pop() {
                    self.h().node.munmap(region);
                }
            }
            13 => {
                let _ = self.h().node.poll(fd, PollEvents::all());
            }
            14 => self.h().dev.run_jobs(),
            _ => {
                self.h().k().complete_pending();
            }
        }
    }

    /// Closes and unmaps everything; the arena must then be empty.
    fn finish(mut self) {
        let k = self.h().k();
        k.lose_capture.store(false, Ordering::SeqCst);
        k.complete_pending();
        for fd in std::mem::take(&mut self.files) {
            self.h().node.close(fd).expect("close of an open file");
        }
        for region in std::mem::take(&mut self.maps) {
            self.h().node.munmap(region);
        }
        k.complete_pending();
        self.h().dev.run_jobs();
        assert_eq!(self.h().arena.allocated(), 0, "arena bytes left once everything is closed and unmapped");
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let modes = input.u8();
    let w = world(modes & 1 == 1, modes & 2 == 2);
    let k = w.harness.k();
    let misbehave = input.u8();
    k.delayed.store(misbehave & 1 != 0, Ordering::SeqCst);
    k.lose_capture.store(misbehave & 2 != 0, Ordering::SeqCst);
    k.greedy.store(misbehave & 4 != 0, Ordering::SeqCst);
    k.refuse_ctrl.store(if misbehave & 8 != 0 { GOP } else { 0 }, Ordering::SeqCst);
    // An engine that never finishes an aborted job would make STREAMOFF wait forever, on
    // Linux as here; the fuzzer's engine always does.
    k.abort_completes.store(true, Ordering::SeqCst);
    let mut run = Run { w, files: Vec::new(), maps: Vec::new(), input };
    while let Some(op) = run.input.byte() {
        run.step(op);
    }
    run.finish();
});
