//! Frames that fail: bus errors, output overflow (real and injected), configuration errors,
//! an injected hang and the reset that recovers from it. A failed frame writes nothing and
//! leaves the reference as it was.

mod support;

use std::time::{Duration, Instant};

use h264_encoder::regs::*;
use h264_encoder_block::{Fault, Timing};
use support::*;
use v4l2m2m::BufferArena;

/// Runs the programmed frame and checks that it failed with a bus error.
fn assert_bus_error(r: &Ready, what: &str) {
    let status = r.rig.run();
    assert_eq!(status, IRQ_BUS_ERROR, "{what}");
    r.assert_failed(status, IRQ_BUS_ERROR, ERROR_BUS);
    assert!(r.untouched(r.recon, RECON_FILL), "{what}: the reconstruction was written");
    assert!(r.untouched(r.refb, REF_FILL), "{what}: the reference was written");
    r.program();
}

#[test]
fn addresses_outside_every_buffer_are_bus_errors() {
    let r = Ready::new(32, 32);
    let rig = &r.rig;
    // A freed buffer is no longer bus memory.
    let gone = rig.alloc(4096, 0);
    let region = rig.arena.region_at_bus(u64::from(gone.addr), 1).unwrap();
    rig.arena.free(region);
    let below_the_arena = 0x1000;

    for (reg, addr, what) in [
        (SRC_Y, below_the_arena, "SRC_Y below the arena"),
        (SRC_CB, gone.addr, "SRC_CB in a freed buffer"),
        (SRC_CR, r.out.addr + r.out.len as u32 - 4, "SRC_CR running past the bitstream buffer"),
        (OUT_ADDR, r.out.addr + 8, "OUT_ADDR + OUT_SIZE past the buffer's end"),
        (RECON_ADDR, 0xFFFF_F000, "RECON_ADDR above the arena"),
        (QP_MAP, gone.addr, "QP_MAP in a freed buffer"),
    ] {
        rig.write(reg, addr);
        assert_bus_error(&r, what);
    }
    // A P frame reads its reference; an IDR does not.
    rig.write(REF_ADDR, below_the_arena);
    assert_eq!(rig.run(), IRQ_FRAME_DONE, "an IDR frame read REF_ADDR");
    rig.write(FRAME_TYPE, FRAME_P);
    rig.write(REF_ADDR, below_the_arena);
    rig.put(r.out, 0, &vec![OUT_FILL; r.out.len]);
    rig.put(r.recon, 0, &vec![RECON_FILL; r.recon.len]);
    assert_bus_error(&r, "REF_ADDR of a P frame below the arena");
}

#[test]
fn a_stride_that_runs_past_its_buffer_is_a_bus_error() {
    let r = Ready::new(32, 32);
    let rig = &r.rig;
    // The luma plane with a longer stride: its last row ends past the source buffer.
    let luma = rig.alloc(32 * 32, 0x80);
    rig.write(SRC_Y, luma.addr);
    rig.write(SRC_Y_STRIDE, 33);
    let status = rig.run();
    r.assert_failed(status, IRQ_BUS_ERROR, ERROR_BUS);
    assert!(r.untouched(r.recon, RECON_FILL));
    // Exactly the buffer's size is fine, without a reset in between.
    rig.write(SRC_Y_STRIDE, 32);
    assert_eq!(rig.run(), IRQ_FRAME_DONE);
    assert_eq!(rig.read(ERROR), ERROR_NONE);
}

#[test]
fn a_too_small_out_size_overflows_without_writing_past_it() {
    let mut r = Ready::new(48, 32);
    let rig = &r.rig;
    assert_eq!(rig.run(), IRQ_FRAME_DONE);
    let idr = rig.get(r.out)[..rig.read(OUT_BYTES) as usize].to_vec();
    r.next_p();
    let rig = &r.rig;
    // The P frame's size with the whole buffer.
    let reference = rig.get(r.refb);
    assert_eq!(rig.run(), IRQ_FRAME_DONE);
    let p_len = rig.read(OUT_BYTES) as usize;
    let p_frame = rig.get(r.out)[..p_len].to_vec();
    assert!(p_len > 8);
    assert_eq!(rig.get(r.refb), reference, "a P frame wrote its reference");

    // Again, into half the bytes it needs.
    rig.put(r.out, 0, &vec![OUT_FILL; r.out.len]);
    rig.put(r.recon, 0, &vec![RECON_FILL; r.recon.len]);
    rig.write(OUT_SIZE, (p_len / 2) as u32);
    let status = rig.run();
    r.assert_failed(status, IRQ_OVERFLOW, ERROR_OVERFLOW);
    assert_eq!(rig.get(r.refb), reference, "the reference changed after an overflow");
    assert!(r.untouched(r.recon, RECON_FILL));

    // One byte short, then exactly enough.
    rig.write(OUT_SIZE, (p_len - 1) as u32);
    assert_eq!(rig.run(), IRQ_OVERFLOW);
    rig.write(OUT_SIZE, p_len as u32);
    assert_eq!(rig.run(), IRQ_FRAME_DONE);
    assert_eq!(rig.get(r.out)[..p_len], p_frame[..]);
    assert!(rig.get(r.out)[p_len..].iter().all(|&b| b == OUT_FILL));
    let stream = [idr, p_frame].concat();
    assert_eq!(ffmpeg_decode(&stream, "overflow").len(), 2 * 48 * 32 * 3 / 2);
}

#[test]
fn injected_overflow_and_bus_error_apply_to_one_frame() {
    let r = Ready::new(32, 32);
    let rig = &r.rig;
    for (fault, cause, code) in
        [(Fault::Overflow, IRQ_OVERFLOW, ERROR_OVERFLOW), (Fault::BusError, IRQ_BUS_ERROR, ERROR_BUS)]
    {
        rig.block.inject(fault);
        assert_eq!(rig.block.pending_fault(), Some(fault));
        let status = rig.run();
        r.assert_failed(status, cause, code);
        assert!(r.untouched(r.recon, RECON_FILL));
        assert_eq!(rig.block.pending_fault(), None);
        // The next frame is a normal one.
        assert_eq!(rig.run(), IRQ_FRAME_DONE);
        assert_eq!(rig.read(ERROR), ERROR_NONE);
        assert!(rig.read(OUT_BYTES) > 0);
        rig.put(r.out, 0, &vec![OUT_FILL; r.out.len]);
        rig.put(r.recon, 0, &vec![RECON_FILL; r.recon.len]);
    }
}

#[test]
fn an_injected_hang_stays_busy_until_reset() {
    let r = Ready::new(32, 32);
    let rig = &r.rig;
    rig.block.inject(Fault::Hang);
    let seen = rig.irq_count();
    rig.write(CTRL, CTRL_ENABLE | CTRL_START);
    assert!(rig.wait_irq(seen, Duration::from_millis(200)).is_none(), "a hung frame interrupted");
    assert_eq!(rig.read(STATUS), STATUS_BUSY);
    assert_eq!(rig.read(IRQ_STATUS), 0);
    assert!(r.untouched(r.out, OUT_FILL) && r.untouched(r.recon, RECON_FILL));

    // A START meanwhile is refused and leaves the block busy.
    assert_eq!(rig.run_refused(), IRQ_CONFIG_ERROR);
    assert_eq!(rig.read(STATUS), STATUS_BUSY);

    // The driver's recovery: reset, wait, reprogram, IDR.
    rig.reset();
    assert_eq!(rig.read(FRAME_SIZE), 0, "RESET kept the stream registers");
    assert_eq!(rig.read(ERROR), 0);
    r.program();
    assert_eq!(rig.run(), IRQ_FRAME_DONE);
    assert!(rig.read(OUT_BYTES) > 0);
    // Nothing of the hung frame arrives later.
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(rig.irq_count(), seen + 2);
}

/// `PROGRESS` counts a frame's macroblocks up while it runs (never reaching the count before
/// the frame ends), holds the count after it, stands still in a hang and reads 0 after
/// `RESET`.
#[test]
fn progress_counts_macroblocks_and_stands_still_in_a_hang() {
    let r = Ready::new(64, 64);
    let rig = &r.rig;
    let mbs = 16;
    assert_eq!(rig.read(PROGRESS), 0, "PROGRESS after power-up");
    rig.block.set_timing(Timing { per_mb: Duration::from_millis(50), ..Timing::DEFAULT });
    let seen = rig.irq_count();
    rig.write(CTRL, CTRL_ENABLE | CTRL_START);
    let mut values = Vec::new();
    while rig.irq_count() == seen {
        values.push(rig.read(PROGRESS));
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(values.windows(2).all(|v| v[0] <= v[1]), "PROGRESS went back: {values:?}");
    assert!(values.iter().all(|&v| v < mbs), "PROGRESS reached the count before the end: {values:?}");
    assert!(values.iter().any(|&v| v > 0), "PROGRESS never moved while the frame ran");
    let irq = rig.wait_irq(seen, Duration::ZERO).expect("the frame's interrupt");
    assert_eq!(irq.status, IRQ_FRAME_DONE);
    assert_eq!(rig.read(PROGRESS), mbs, "PROGRESS after the frame");

    rig.write(IRQ_STATUS, IRQ_ALL);
    rig.block.inject(Fault::Hang);
    rig.write(CTRL, CTRL_ENABLE | CTRL_START);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(rig.read(STATUS), STATUS_BUSY);
    assert_eq!(rig.read(PROGRESS), 0, "a hung frame advanced");
    rig.reset();
    assert_eq!(rig.read(PROGRESS), 0, "PROGRESS after RESET");
}

#[test]
fn reset_while_busy_aborts_the_frame_without_an_interrupt() {
    let r = Ready::new(64, 64);
    let rig = &r.rig;
    // A frame of 16 s: the reset comes long before its end, however loaded the machine.
    rig.block.set_timing(Timing { per_mb: Duration::from_secs(1), ..Timing::DEFAULT });
    let seen = rig.irq_count();
    rig.write(CTRL, CTRL_ENABLE | CTRL_START);
    assert_eq!(rig.read(STATUS), STATUS_BUSY);
    std::thread::sleep(Duration::from_millis(10));
    rig.reset();
    assert!(rig.wait_irq(seen, Duration::from_millis(200)).is_none(), "the aborted frame interrupted");
    assert_eq!(rig.read(IRQ_STATUS), 0);
    assert_eq!(rig.read(OUT_BYTES), 0);
    assert!(r.untouched(r.out, OUT_FILL), "the aborted frame wrote its bitstream");
    assert!(r.untouched(r.recon, RECON_FILL), "the aborted frame wrote its reconstruction");

    // The block works again after reprogramming.
    rig.block.set_timing(Timing::DEFAULT);
    r.program();
    assert_eq!(rig.run(), IRQ_FRAME_DONE);
}

#[test]
fn reset_takes_its_time_and_clears_every_register_but_enable() {
    let r = Ready::new(32, 32);
    let rig = &r.rig;
    assert_eq!(rig.run(), IRQ_FRAME_DONE);
    rig.write(IRQ_MASK, IRQ_FRAME_DONE);
    // Long enough that a test thread starved by a loaded machine still sees the reset.
    let reset = Duration::from_secs(1);
    rig.block.set_timing(Timing { reset, ..Timing::DEFAULT });
    let t0 = Instant::now();
    rig.write(CTRL, CTRL_ENABLE | CTRL_RESET);
    assert_eq!(rig.read(STATUS), STATUS_BUSY);
    assert_eq!(rig.read(CTRL), CTRL_ENABLE | CTRL_RESET);
    for offset in (FRAME_SIZE..=STAT_SKIP_MBS).step_by(4).chain([IRQ_STATUS, IRQ_MASK, ERROR]) {
        if offset != WORK_MB_BYTES {
            assert_eq!(rig.read(offset), 0, "register {offset:#05x} after RESET");
        }
    }
    // START during the reset is refused.
    r.program();
    assert_eq!(rig.run_refused(), IRQ_CONFIG_ERROR);
    assert_eq!(rig.read(STATUS), STATUS_BUSY);
    while rig.read(STATUS) & STATUS_BUSY != 0 {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(t0.elapsed() >= reset);
    assert_eq!(rig.read(CTRL), CTRL_ENABLE);
    rig.write(IRQ_STATUS, IRQ_ALL);
    assert_eq!(rig.run(), IRQ_FRAME_DONE);
}

#[test]
fn out_of_range_registers_are_configuration_errors() {
    let r = Ready::new(32, 32);
    let rig = &r.rig;
    let size = |w: u32, h: u32| w | (h << 16);
    for (reg, value, what) in [
        (QP, 52, "QP 52"),
        (FRAME_SIZE, size(33, 32), "odd width"),
        (FRAME_SIZE, size(32, 31), "odd height"),
        (FRAME_SIZE, size(14, 32), "width below 16"),
        (FRAME_SIZE, size(4098, 32), "width above 4096"),
        (FRAME_SIZE, size(32, 2306), "height above 2304"),
        (FRAME_SIZE, 0, "no size"),
        (INPUT_FORMAT, 3, "INPUT_FORMAT 3"),
        (HEADERS, 3, "HEADERS 3"),
        (FRAME_TYPE, 2, "FRAME_TYPE 2"),
        (SRC_Y_STRIDE, 31, "a luma stride shorter than a line"),
        (SRC_C_STRIDE, 15, "a chroma stride shorter than a line"),
        (CODING, 65 << CODING_SEARCH_SHIFT, "search range 65"),
        (FPS_NUM, 0, "FPS_NUM 0"),
        (FPS_DEN, 0, "FPS_DEN 0"),
    ] {
        rig.write(reg, value);
        let status = rig.run_refused();
        r.assert_failed(status, IRQ_CONFIG_ERROR, ERROR_CONFIG);
        assert_eq!(rig.read(STATUS), 0, "{what}: busy after a refused START");
        assert!(r.untouched(r.recon, RECON_FILL), "{what}");
        r.program();
    }
    // HEADERS = 2 does not look at the picture registers.
    rig.write(HEADERS, HEADERS_ONLY);
    rig.write(QP, 52);
    rig.write(FRAME_TYPE, 9);
    assert_eq!(rig.run(), IRQ_FRAME_DONE);
    // And the programmed frame is fine.
    r.program();
    assert_eq!(rig.run(), IRQ_FRAME_DONE);
    assert_eq!(rig.read(ERROR), ERROR_NONE);
}

#[test]
fn start_while_busy_is_refused_and_the_running_frame_goes_on() {
    let r = Ready::new(32, 32);
    let rig = &r.rig;
    rig.block.set_timing(Timing { start_latency: Duration::from_millis(50), ..Timing::DEFAULT });
    let seen = rig.irq_count();
    rig.write(CTRL, CTRL_ENABLE | CTRL_START);
    rig.write(CTRL, CTRL_ENABLE | CTRL_START);
    let refused = rig.wait_irq(seen, Duration::from_secs(5)).expect("no interrupt for the refused START");
    assert_eq!(refused.status, IRQ_CONFIG_ERROR);
    assert_eq!(rig.read(STATUS), STATUS_BUSY);
    let done = rig.wait_irq(seen + 1, Duration::from_secs(5)).expect("the running frame never ended");
    assert_eq!(done.status, IRQ_FRAME_DONE);
    assert!(rig.read(OUT_BYTES) > 0);
}
