//! Every ioctl with random argument bytes, on files in random states: the framework must
//! answer with an errno or success, never panic, and leave the argument untouched when
//! it answers ENOTTY. Pointers nested in arguments (plane and control arrays) are set to
//! NULL or to arrays as long as any count the framework accepts, as a process's own
//! memory would be; everything else is random.

mod support;

use std::ffi::c_void;

use support::*;
use v4l2m2m::abi::*;
use v4l2m2m::{Direction, Errno, OpenFlags};

fn fuzz(h: &Harness, seed: u64, rounds: usize) {
    let mut rng = Rng(seed | 1);
    let fd = h.node.open(OpenFlags::NONBLOCK).expect("open");
    // Give the file buffers and streaming queues in some rounds, so the buffer ioctls
    // also meet allocated queues.
    let mut planes = vec![v4l2_plane::zeroed(); VIDEO_MAX_PLANES];
    let mut controls = vec![v4l2_ext_control::zeroed(); V4L2_CID_MAX_CTRLS as usize];
    let mut arg = vec![0u64; 64];
    for round in 0..rounds {
        if round % 50 == 0 {
            let _ = h.reqbufs(fd, Direction::Output, 2);
            let _ = h.reqbufs(fd, Direction::Capture, 2);
            let _ = h.streamon(fd, Direction::Output);
            let _ = h.streamon(fd, Direction::Capture);
        }
        let request = FUZZ_REQUESTS[(rng.next() % FUZZ_REQUESTS.len() as u64) as usize];
        let size = ioc_size(request);
        assert!(size <= arg.len() * 8);
        // SAFETY: a u64 vector viewed as its bytes.
        let bytes = unsafe { std::slice::from_raw_parts_mut(arg.as_mut_ptr() as *mut u8, arg.len() * 8) };
        rng.fill(&mut bytes[..size]);
        let null = rng.next() % 4 == 0;
        match request {
            VIDIOC_QUERYBUF | VIDIOC_PREPARE_BUF | VIDIOC_QBUF | VIDIOC_DQBUF => {
                rng.fill(planes_bytes(&mut planes));
                let b = arg.as_mut_ptr() as *mut v4l2_buffer;
                // SAFETY: `arg` holds at least a v4l2_buffer's bytes; the union member
                // written is a plain pointer.
                unsafe { (*b).m.planes = if null { std::ptr::null_mut() } else { planes.as_mut_ptr() } };
                if rng.next() % 2 == 0 {
                    // SAFETY: as above.
                    unsafe {
                        (*b).type_ = h.ty(if rng.next() % 2 == 0 { Direction::Output } else { Direction::Capture });
                        (*b).memory = V4L2_MEMORY_MMAP;
                        (*b).index %= 4;
                        (*b).length %= 10;
                        (*b).m.planes = planes.as_mut_ptr();
                    }
                }
            }
            VIDIOC_G_EXT_CTRLS | VIDIOC_S_EXT_CTRLS | VIDIOC_TRY_EXT_CTRLS => {
                // SAFETY: plain-old-data elements viewed as bytes.
                rng.fill(unsafe {
                    std::slice::from_raw_parts_mut(controls.as_mut_ptr() as *mut u8, controls.len() * 20)
                });
                let c = arg.as_mut_ptr() as *mut v4l2_ext_controls;
                // SAFETY: `arg` holds at least a v4l2_ext_controls.
                unsafe {
                    (*c).controls = if null { std::ptr::null_mut() } else { controls.as_mut_ptr() };
                    if rng.next() % 2 == 0 {
                        (*c).count %= 8;
                        (*c).which = 0;
                    }
                }
            }
            VIDIOC_STREAMON | VIDIOC_STREAMOFF if rng.next() % 2 == 0 => {
                let t = h.ty(if rng.next() % 2 == 0 { Direction::Output } else { Direction::Capture });
                bytes[..4].copy_from_slice(&t.to_le_bytes());
            }
            _ => {}
        }
        let before = bytes[..size].to_vec();
        // SAFETY: `arg` is valid for `size` bytes; nested pointers are NULL or point to
        // arrays of the largest length the framework accepts.
        let result = unsafe { h.node.ioctl(fd, request, arg.as_mut_ptr() as *mut c_void) };
        if result == Err(Errno::ENOTTY) {
            // SAFETY: as above.
            let after = unsafe { std::slice::from_raw_parts(arg.as_ptr() as *const u8, size) };
            assert_eq!(after, &before[..], "seed {seed} round {round}: ENOTTY changed the argument of {request:#x}");
        }
        if round % 7 == 0 {
            h.dev.run_jobs();
        }
    }
    h.node.close(fd).expect("close");
    assert_eq!(h.arena.allocated(), 0, "seed {seed}: buffers left allocated after close");
}

fn planes_bytes(planes: &mut [v4l2_plane]) -> &mut [u8] {
    // SAFETY: plain-old-data elements viewed as bytes.
    unsafe { std::slice::from_raw_parts_mut(planes.as_mut_ptr() as *mut u8, std::mem::size_of_val(planes)) }
}

#[test]
fn random_arguments_never_panic_single_planar() {
    let h = Harness::with(Opts { worker: false, ..Opts::default() });
    for seed in 1u64..=8 {
        fuzz(&h, seed.wrapping_mul(0x9e37_79b9_7f4a_7c15), 4000);
    }
}

#[test]
fn random_arguments_never_panic_multi_planar() {
    let h = Harness::with(Opts { worker: false, mplane: true, kind: v4l2m2m::CodecKind::Encoder, ..Opts::default() });
    for seed in 1u64..=8 {
        fuzz(&h, seed.wrapping_mul(0xc2b2_ae3d_27d4_eb4f), 4000);
    }
}
