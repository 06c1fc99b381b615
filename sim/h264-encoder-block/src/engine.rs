//! The engine thread: takes a started frame, reads its inputs over the bus into buffers of
//! its own, runs the encoder core with exactly the programmed parameters, waits until the
//! frame's time is over, then (unless a reset came in between) writes the bitstream and the
//! reconstruction, sets the result registers and raises the interrupt. It also delivers
//! every rising edge of the interrupt line to the board's handler.

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use h264_encoder::regs::*;
use h264_encoder_core::{encode_frame, encode_headers, Error, FrameParams, FrameStats, FrameType, Plane, Source};

use crate::block::{Handler, Job, Shared};
use crate::bus::{Bus, BusFault};
use crate::fault::Fault;
use crate::regfile::Results;
use crate::setup::{FrameSetup, Input, Picture};

/// Why a frame failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Failure {
    Overflow,
    Bus,
    Config,
}

impl Failure {
    /// The `IRQ_STATUS` cause and the `ERROR` code.
    fn report(self) -> (u32, u32) {
        match self {
            Failure::Overflow => (IRQ_OVERFLOW, ERROR_OVERFLOW),
            Failure::Bus => (IRQ_BUS_ERROR, ERROR_BUS),
            Failure::Config => (IRQ_CONFIG_ERROR, ERROR_CONFIG),
        }
    }
}

impl From<BusFault> for Failure {
    fn from(_: BusFault) -> Self {
        Failure::Bus
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e {
            Error::OutputTooSmall => Failure::Overflow,
            // The start checks keep the core's other errors away; should one come, the
            // registers were out of its range.
            _ => Failure::Config,
        }
    }
}

/// The engine's own memory: what it read over the bus and what it will write.
#[derive(Default)]
struct Scratch {
    planes: [Vec<u8>; 3],
    reference: Vec<u8>,
    qp_map: Vec<i8>,
    recon: Vec<u8>,
    out: Vec<u8>,
}

/// A frame encoded (or failed) and waiting for its deadline.
struct Running {
    job: Job,
    outcome: Result<Results, Failure>,
}

/// What the engine thread does next.
enum Action {
    Stop,
    Interrupt(Handler),
    Encode(Job),
    /// The frame's time is over: write its results.
    Commit(Running),
}

/// Starts the engine thread of a block.
pub(crate) fn spawn(shared: Arc<Shared>) -> JoinHandle<()> {
    std::thread::Builder::new().name("venc-engine".into()).spawn(move || run(&shared)).expect("VENC engine thread")
}

fn run(shared: &Shared) {
    let mut scratch = Scratch::default();
    let mut running: Option<Running> = None;
    loop {
        match next_action(shared, &mut running) {
            Action::Stop => return,
            Action::Interrupt(handler) => handler(),
            Action::Encode(job) => running = encode_job(&*shared.bus, job, &mut scratch),
            Action::Commit(r) => commit(shared, r, &scratch),
        }
    }
}

/// Waits for something to do with the lock released.
fn next_action(shared: &Shared, running: &mut Option<Running>) -> Action {
    let mut st = shared.lock();
    loop {
        if st.shutdown {
            return Action::Stop;
        }
        if st.edge {
            st.edge = false;
            match &st.handler {
                Some(handler) if st.line => return Action::Interrupt(Arc::clone(handler)),
                _ => continue,
            }
        }
        if let Some(r) = running {
            if r.job.generation != st.generation {
                // Aborted by a reset: nothing is written, nothing is reported.
                *running = None;
                continue;
            }
            let now = Instant::now();
            if now < r.job.deadline {
                st = shared.wake.wait_timeout(st, r.job.deadline - now).unwrap_or_else(|e| e.into_inner()).0;
                continue;
            }
            if let Some(r) = running.take() {
                st.dma = true;
                return Action::Commit(r);
            }
        }
        if let Some(job) = st.job.take() {
            return Action::Encode(job);
        }
        st = shared.wake.wait(st).unwrap_or_else(|e| e.into_inner());
    }
}

/// Runs a frame (or its injected fault); `None` for a frame that hangs.
fn encode_job(bus: &dyn Bus, job: Job, scratch: &mut Scratch) -> Option<Running> {
    let outcome = match job.fault {
        Some(Fault::Hang) => return None,
        Some(Fault::Overflow) => Err(Failure::Overflow),
        Some(Fault::BusError) => Err(Failure::Bus),
        None => encode(bus, &job.setup, scratch),
    };
    Some(Running { job, outcome })
}

/// Writes what a frame produced and reports its end. The transfers run without the lock
/// (the bus may take locks of its own) but with `State::dma` set, which holds a reset
/// that comes meanwhile until they are done; such a frame reports nothing.
fn commit(shared: &Shared, r: Running, scratch: &Scratch) {
    let setup = &r.job.setup;
    let bus = &*shared.bus;
    let written = r.outcome.and_then(|res| {
        bus.write(setup.out_addr, &scratch.out[..res.bytes as usize])?;
        if let Some(pic) = &setup.picture {
            bus.write(pic.recon_addr, &scratch.recon[..pic.work_size])?;
        }
        Ok(res)
    });
    let mut st = shared.lock();
    st.dma = false;
    // A reset may be waiting for the transfers to drain.
    shared.wake.notify_all();
    if st.generation != r.job.generation {
        return;
    }
    match written {
        Ok(res) => st.finish(&res, IRQ_FRAME_DONE, ERROR_NONE),
        Err(failure) => {
            let (cause, code) = failure.report();
            st.finish(&Results::default(), cause, code);
        }
    }
}

/// Encodes a frame into the scratch buffers; nothing is written to the bus yet, but every
/// transfer the frame needs has been checked.
fn encode(bus: &dyn Bus, setup: &FrameSetup, scratch: &mut Scratch) -> Result<Results, Failure> {
    bus.check(setup.out_addr, setup.out_size)?;
    scratch.out.resize(setup.out_size, 0);
    let Some(pic) = &setup.picture else {
        let bytes = encode_headers(&setup.cfg, &mut scratch.out)?;
        let bits = 8 * bytes as u64;
        let stats = FrameStats { bytes, header_bits: bits, total_bits: bits, ..FrameStats::default() };
        return Ok(Results { bytes: bytes as u32, stats });
    };
    read_inputs(bus, setup, pic, scratch)?;
    bus.check(pic.recon_addr, pic.work_size)?;
    scratch.recon.resize(pic.work_size, 0);
    let Scratch { planes, reference, qp_map, recon, out } = scratch;
    let plane = |i: usize| Plane::new(&planes[i], pic.planes[i].map_or(0, |p| p.stride));
    let src = match pic.input {
        Input::Nv12 => Source::Nv12 { y: plane(0), uv: plane(1) },
        Input::I420 => Source::I420 { y: plane(0), u: plane(1), v: plane(2) },
        Input::Yuyv => Source::Yuyv(plane(0)),
    };
    let params = FrameParams {
        frame_type: pic.frame_type,
        qp: pic.qp,
        frame_num: pic.frame_num,
        idr_pic_id: pic.idr_pic_id,
        headers: pic.headers,
        mb_qp_delta: pic.qp_map.map(|_| &qp_map[..]),
    };
    let reference = (pic.frame_type == FrameType::P).then_some(&reference[..]);
    let stats = encode_frame(&setup.cfg, &params, &src, reference, recon, out)?;
    Ok(Results { bytes: stats.bytes as u32, stats })
}

/// Reads the source planes, the reference of a P frame and the QP map.
fn read_inputs(bus: &dyn Bus, setup: &FrameSetup, pic: &Picture, scratch: &mut Scratch) -> Result<(), Failure> {
    for (plane, buf) in pic.planes.iter().zip(scratch.planes.iter_mut()) {
        if let Some(p) = plane {
            buf.resize(p.len, 0);
            bus.read(p.addr, buf)?;
        }
    }
    if pic.frame_type == FrameType::P {
        scratch.reference.resize(pic.work_size, 0);
        bus.read(pic.ref_addr, &mut scratch.reference)?;
    }
    if let Some(addr) = pic.qp_map {
        let mut raw = vec![0u8; setup.mbs() as usize];
        bus.read(addr, &mut raw)?;
        scratch.qp_map.clear();
        scratch.qp_map.extend(raw.iter().map(|&b| b as i8));
    }
    Ok(())
}
