//! Random sequences of ioctls, mappings, jobs and closes against the loopback codec,
//! checking the properties an application relies on whatever it does: no panic, every
//! buffer handed back exactly once (a model of who owns each buffer is kept and every
//! QBUF/DQBUF answer is checked against it), and no buffer memory left allocated once
//! every file is closed and every mapping is gone.

mod support;

use std::collections::HashMap;

use support::*;
use v4l2m2m::abi::*;
use v4l2m2m::{ArenaRegion, Direction, Errno, FileId, OpenFlags};

/// Who holds each buffer of one queue, as the application must see it.
#[derive(Default)]
struct QueueModel {
    memory: u32,
    /// true: the application owns it (dequeued); false: handed to the device.
    app_owns: Vec<bool>,
}

struct FileModel {
    fd: FileId,
    queues: [QueueModel; 2],
}

/// Application memory for USERPTR planes: one disjoint slot per file, queue, buffer and
/// plane, shared by every run (allocated lazily by the OS, touched only where written).
const USER_SLOT: usize = 512 << 10;

fn user_memory() -> usize {
    static USER: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *USER.get_or_init(|| leak_bytes(USER_SLOT * 2 * 2 * BUFFERS * FILES).as_mut_ptr() as usize)
}

fn run(seed: u64, mplane: bool, steps: usize) {
    // An encoder-kind loopback: a job runs whenever both queues have a buffer.
    let h = Harness::with(Opts { worker: false, mplane, kind: v4l2m2m::CodecKind::Encoder, ..Opts::default() });
    let user = user_memory();
    let mut rng = Rng(seed | 1);
    let mut files: Vec<FileModel> = Vec::new();
    let mut maps: Vec<ArenaRegion> = Vec::new();
    let dirs = [Direction::Output, Direction::Capture];
    let mut counts: HashMap<&'static str, usize> = HashMap::new();

    for step in 0..steps {
        let op = rng.below(14);
        if files.is_empty() || (op == 0 && files.len() < FILES) {
            let fd = h.node.open(OpenFlags::NONBLOCK).expect("open within FILES");
            files.push(FileModel { fd, queues: Default::default() });
            continue;
        }
        let fi = rng.below(files.len() as u64) as usize;
        let fd = files[fi].fd;
        let d = rng.below(2) as usize;
        let dir = dirs[d];
        let ctx = format!("seed {seed} step {step} op {op} dir {dir:?}");
        match op {
            1 if rng.below(8) == 0 => {
                // close, with whatever is queued, mapped or running
                h.node.close(fd).unwrap_or_else(|e| panic!("{ctx}: close: {e}"));
                files.swap_remove(fi);
                *counts.entry("close").or_default() += 1;
            }
            2 => {
                let memory =
                    rng.pick(&[V4L2_MEMORY_MMAP, V4L2_MEMORY_MMAP, V4L2_MEMORY_USERPTR, V4L2_MEMORY_DMABUF, 77]);
                let count = rng.pick(&[0, 2, 4, 4, 8, 33, u32::MAX]);
                match h.reqbufs_mem(fd, dir, memory, count) {
                    Ok(r) => {
                        assert!(r.count as usize <= BUFFERS, "{ctx}: REQBUFS gave {} buffers", r.count);
                        files[fi].queues[d] = QueueModel { memory, app_owns: vec![true; r.count as usize] };
                        *counts.entry("reqbufs").or_default() += 1;
                    }
                    Err(e) => assert!(matches!(e, Errno::EINVAL | Errno::EBUSY | Errno::ENOMEM), "{ctx}: REQBUFS {e}"),
                }
            }
            3..=5 => {
                // QBUF a random index (sometimes out of range, sometimes with bad sizes)
                let q = &files[fi].queues[d];
                let n = q.app_owns.len() as u32;
                let index =
                    if rng.below(8) == 0 { rng.below(64) as u32 } else { rng.below(u64::from(n.max(1))) as u32 };
                let memory = if rng.below(10) == 0 {
                    V4L2_MEMORY_MMAP ^ V4L2_MEMORY_USERPTR ^ q.memory.max(1)
                } else {
                    q.memory.max(1)
                };
                let mut b = h.buf(fd, dir, memory, index);
                let planes = if h.mp() { h.num_planes(fd, dir) } else { 1 };
                for p in 0..planes {
                    b.set_bytesused(p, rng.pick(&[0, 1, 100, 100, 4096, u32::MAX]));
                    if memory == V4L2_MEMORY_USERPTR {
                        let slot = ((fi * 2 + d) * BUFFERS + index as usize % BUFFERS) * 2 + p.min(1);
                        let ptr = if rng.below(10) == 0 {
                            std::ptr::null_mut()
                        } else {
                            (user + slot * USER_SLOT) as *mut u8
                        };
                        b.set_userptr(p, ptr, rng.pick(&[USER_SLOT as u32, 16]));
                    }
                }
                b.b.timestamp = timeval { tv_sec: step as _, tv_usec: 0 };
                let owned = q.app_owns.get(index as usize).copied();
                match h.qbuf(fd, &mut b) {
                    Ok(_) => {
                        assert_eq!(owned, Some(true), "{ctx}: QBUF of buffer {index} the application did not own");
                        files[fi].queues[d].app_owns[index as usize] = false;
                        *counts.entry("qbuf").or_default() += 1;
                    }
                    Err(e) => assert!(matches!(e, Errno::EINVAL | Errno::EFAULT), "{ctx}: QBUF {e}"),
                }
            }
            6 | 7 => match h.dqbuf_mem(fd, dir, files[fi].queues[d].memory.max(1)) {
                Ok(b) => {
                    let index = b.index() as usize;
                    let owned = files[fi].queues[d].app_owns.get(index).copied();
                    assert_eq!(owned, Some(false), "{ctx}: DQBUF returned buffer {index}, which was not queued");
                    files[fi].queues[d].app_owns[index] = true;
                    *counts.entry("dqbuf").or_default() += 1;
                }
                Err(e) => assert!(matches!(e, Errno::EINVAL | Errno::EAGAIN | Errno::EPIPE), "{ctx}: DQBUF {e}"),
            },
            8 => match h.streamon(fd, dir) {
                Ok(_) => *counts.entry("streamon").or_default() += 1,
                Err(e) => assert!(matches!(e, Errno::EINVAL | Errno::EBUSY), "{ctx}: STREAMON {e}"),
            },
            9 if rng.below(3) == 0 => {
                h.streamoff(fd, dir).unwrap_or_else(|e| panic!("{ctx}: STREAMOFF {e}"));
                files[fi].queues[d].app_owns.iter_mut().for_each(|o| *o = true);
                *counts.entry("streamoff").or_default() += 1;
            }
            10 => {
                let cmd = rng.pick(&[V4L2_ENC_CMD_STOP, V4L2_ENC_CMD_START, V4L2_ENC_CMD_PAUSE, 99]);
                match h.enc_cmd(fd, cmd, 0, rng.below(4) == 0) {
                    Ok(_) => *counts.entry("command").or_default() += 1,
                    Err(e) => assert!(matches!(e, Errno::EINVAL | Errno::EBUSY), "{ctx}: ENCODER_CMD {e}"),
                }
            }
            11 => {
                // map a plane (a real offset or a made-up one), keep some mappings open
                let n = files[fi].queues[d].app_owns.len() as u32;
                let offset = match h.querybuf(fd, dir, rng.below(u64::from(n.max(1))) as u32) {
                    Ok(q) if rng.below(4) != 0 => u64::from(q.mem_offset(0)),
                    _ => rng.pick(&[0, 4096, 1 << 30, (1 << 30) + 4096 * 8, u64::MAX - 4095]),
                };
                if let Ok(m) = h.node.mmap(fd, offset, rng.pick(&[4096, 1 << 16, usize::MAX])) {
                    maps.push(m.region);
                }
            }
            12 => {
                if !maps.is_empty() {
                    let m = maps.swap_remove(rng.below(maps.len() as u64) as usize);
                    h.node.munmap(m);
                }
            }
            13 => {
                let w = rng.pick(&[0, 1, 64, 640, 100_000]);
                let hh = rng.pick(&[0, 1, 48, 480, 100_000]);
                if let Err(e) = h.set_fmt(fd, dir, w, hh) {
                    assert!(matches!(e, Errno::EINVAL | Errno::EBUSY), "{ctx}: S_FMT {e}");
                }
            }
            _ => h.dev.run_jobs(),
        }
        if rng.below(3) == 0 {
            h.dev.run_jobs();
        }
    }
    for f in files.drain(..) {
        h.node.close(f.fd).expect("close");
    }
    for m in maps.drain(..) {
        h.node.munmap(m);
    }
    assert_eq!(h.dev.open_files(), 0);
    assert_eq!(h.arena.allocated(), 0, "seed {seed}: buffer memory left allocated after every close and munmap");
    for op in ["qbuf", "dqbuf", "streamon", "close"] {
        assert!(
            counts.get(op).copied().unwrap_or(0) > 0,
            "seed {seed}: the sequence never reached a successful {op}: {counts:?}"
        );
    }
}

#[test]
fn random_ioctl_sequences_single_planar() {
    for seed in 1..=12 {
        run(seed * 0x9e37_79b9, false, 3000);
    }
}

#[test]
fn random_ioctl_sequences_multi_planar() {
    for seed in 1..=12 {
        run(seed * 0x85eb_ca6b, true, 3000);
    }
}
