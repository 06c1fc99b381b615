//! The register file's access rules and the interrupt line: ENABLE gating, read-only
//! registers and reserved bits, W1C and IRQ_CLEAR, the mask, one call per rising edge, and
//! the interrupt arriving on the engine thread after START has returned.

mod support;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use h264_encoder::regs::*;
use h264_encoder_block::{Timing, VencBlock};
use h264_encoder_core::frame_buffer_len;
use support::*;

/// Waits until the block is idle.
fn wait_idle(rig: &Rig) {
    let t0 = Instant::now();
    while rig.read(STATUS) & STATUS_BUSY != 0 {
        assert!(t0.elapsed() < Duration::from_secs(20), "the frame never ended");
        std::thread::sleep(Duration::from_micros(200));
    }
}

#[test]
fn id_version_and_the_enable_gate() {
    let block = VencBlock::over_arena(arena(1 << 20));
    assert_eq!(block.read(ID), ID_VALUE);
    assert_eq!(block.read(VERSION), VERSION_1_0);
    assert_eq!(block.read(CTRL), 0);
    assert_eq!(block.read(WORK_MB_BYTES) as usize, frame_buffer_len(16, 16));
    assert_eq!(frame_buffer_len(64, 48), 12 * block.read(WORK_MB_BYTES) as usize);
    // Clock off: registers read 0 and ignore writes; START does nothing.
    block.write(FRAME_SIZE, 32 | (32 << 16));
    block.write(IRQ_MASK, IRQ_ALL);
    block.write(CTRL, CTRL_START);
    assert_eq!(block.read(CTRL), 0);
    block.write(CTRL, CTRL_ENABLE);
    assert_eq!(block.read(CTRL), CTRL_ENABLE);
    assert_eq!(block.read(FRAME_SIZE), 0);
    assert_eq!(block.read(IRQ_MASK), 0);
    assert_eq!(block.read(STATUS), 0);
    assert_eq!(block.read(IRQ_STATUS), 0);
    block.write(FRAME_SIZE, 32 | (32 << 16));
    assert_eq!(block.read(FRAME_SIZE), 32 | (32 << 16));
    block.write(CTRL, 0);
    assert_eq!(block.read(FRAME_SIZE), 0, "read while the clock is off");
    block.write(CTRL, CTRL_ENABLE);
    assert_eq!(block.read(FRAME_SIZE), 32 | (32 << 16), "clearing ENABLE is not a reset");
}

#[test]
fn read_only_registers_reserved_bits_and_holes() {
    let rig = Rig::new(1 << 20);
    let ro = [ID, VERSION, STATUS, ERROR, OUT_BYTES, WORK_MB_BYTES, PROGRESS, STAT_BITS, STAT_HEADER_BITS, STAT_QP_SUM];
    let before: Vec<u32> = ro.iter().map(|&o| rig.read(o)).collect();
    for &o in ro.iter().chain(&[STAT_SAD, STAT_INTRA_MBS, STAT_SKIP_MBS]) {
        rig.write(o, 0xFFFF_FFFF);
    }
    assert_eq!(ro.iter().map(|&o| rig.read(o)).collect::<Vec<_>>(), before);
    assert_eq!(rig.read(STAT_SAD), 0);
    rig.write(IDR_PIC_ID, 0x1234_5678);
    assert_eq!(rig.read(IDR_PIC_ID), 0x5678);
    rig.write(CODING, 0xFFFF_FFFF);
    assert_eq!(rig.read(CODING), 0xFF01);
    rig.write(IRQ_MASK, 0xFF);
    assert_eq!(rig.read(IRQ_MASK), IRQ_ALL);
    rig.write(IRQ_MASK, 0);
    // Enumerations keep what was written (START refuses it).
    rig.write(INPUT_FORMAT, 7);
    assert_eq!(rig.read(INPUT_FORMAT), 7);
    rig.write(OUT_ADDR, 0xDEAD_BEE0);
    assert_eq!(rig.read(OUT_ADDR), 0xDEAD_BEE0);
    for hole in [0x03C, 0x04C, 0x088, 0x08C, 0x0A8, 0x100, 0xFFC] {
        rig.write(hole, 0xFFFF_FFFF);
        assert_eq!(rig.read(hole), 0, "hole {hole:#x}");
    }
    assert_eq!(rig.read(OUT_ADDR + 1), 0, "unaligned read");
    rig.write(IRQ_CLEAR, IRQ_ALL);
    assert_eq!(rig.read(IRQ_CLEAR), 0, "IRQ_CLEAR is write-only");
    // Self-clearing bits do not stay set (this START is refused: no frame size).
    rig.write(IRQ_MASK, IRQ_ALL);
    rig.write(CTRL, CTRL_ENABLE | CTRL_START);
    let _ = rig.wait_irq(0, Duration::from_secs(5));
    assert_eq!(rig.read(CTRL), CTRL_ENABLE);
}

#[test]
fn the_mask_gates_the_line_and_each_rising_edge_calls_the_handler_once() {
    let r = Ready::new(32, 32);
    let rig = &r.rig;
    rig.irqs.ack.store(false, Ordering::SeqCst);
    rig.write(IRQ_MASK, 0);

    // Masked: the cause is recorded, the line stays low, nothing is called.
    rig.write(CTRL, CTRL_ENABLE | CTRL_START);
    wait_idle(rig);
    assert_eq!(rig.read(IRQ_STATUS), IRQ_FRAME_DONE);
    assert!(!rig.block.irq_line());
    assert!(rig.wait_irq(0, Duration::from_millis(50)).is_none(), "a masked cause interrupted");

    // Unmasking a pending cause raises the line: one call, from the engine thread.
    rig.write(IRQ_MASK, IRQ_ALL);
    assert!(rig.block.irq_line());
    let irq = rig.wait_irq(0, Duration::from_secs(5)).expect("unmasking did not interrupt");
    assert_eq!(irq.status, IRQ_FRAME_DONE);
    assert_ne!(irq.thread, std::thread::current().id());
    // The handler left the cause set: the line stays active, and is not called again.
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(rig.irq_count(), 1, "a handler that does not clear was called in a loop");
    assert!(rig.block.irq_line());

    // Writing 0 clears nothing; IRQ_CLEAR and W1C writes clear what they name.
    rig.write(IRQ_STATUS, 0);
    assert_eq!(rig.read(IRQ_STATUS), IRQ_FRAME_DONE);
    rig.write(IRQ_CLEAR, IRQ_OVERFLOW);
    assert_eq!(rig.read(IRQ_STATUS), IRQ_FRAME_DONE);
    rig.write(IRQ_CLEAR, IRQ_FRAME_DONE);
    assert_eq!(rig.read(IRQ_STATUS), 0);
    assert!(!rig.block.irq_line());

    // A second frame: a new edge, a new call.
    rig.write(CTRL, CTRL_ENABLE | CTRL_START);
    assert_eq!(rig.wait_irq(1, Duration::from_secs(5)).expect("no second interrupt").status, IRQ_FRAME_DONE);
    // Masking drops the line, unmasking raises it again.
    rig.write(IRQ_MASK, IRQ_OVERFLOW);
    assert!(!rig.block.irq_line());
    rig.write(IRQ_MASK, IRQ_FRAME_DONE);
    assert!(rig.wait_irq(2, Duration::from_secs(5)).is_some(), "unmasking again did not interrupt");
    rig.write(IRQ_STATUS, IRQ_FRAME_DONE);
    assert_eq!(rig.read(IRQ_STATUS), 0);

    // A cause whose bit is masked does not raise the line (OVERFLOW, with only FRAME_DONE
    // unmasked).
    rig.write(OUT_SIZE, 4);
    rig.write(CTRL, CTRL_ENABLE | CTRL_START);
    wait_idle(rig);
    assert_eq!(rig.read(IRQ_STATUS), IRQ_OVERFLOW);
    assert!(!rig.block.irq_line());
    assert!(rig.wait_irq(3, Duration::from_millis(50)).is_none());
    assert_eq!(rig.irq_count(), 3);
}

#[test]
fn the_interrupt_comes_from_the_engine_thread_after_start_returns() {
    let r = Ready::new(32, 32);
    let rig = &r.rig;
    let latency = Duration::from_millis(40);
    rig.block.set_timing(Timing { start_latency: latency, ..Timing::DEFAULT });
    assert_eq!(rig.block.timing().start_latency, latency);
    let t0 = Instant::now();
    rig.write(CTRL, CTRL_ENABLE | CTRL_START);
    let returned = t0.elapsed();
    assert_eq!(rig.read(STATUS), STATUS_BUSY);
    assert_eq!(rig.irq_count(), 0, "the interrupt came before START returned");
    let irq = rig.wait_irq(0, Duration::from_secs(5)).expect("no interrupt");
    assert!(returned < latency, "START waited for the frame ({returned:?})");
    assert!(irq.at.duration_since(t0) >= latency, "the frame ended before its time");
    assert_ne!(irq.thread, std::thread::current().id());
    assert_eq!(irq.status, IRQ_FRAME_DONE);
}

#[test]
fn the_frame_time_grows_with_the_macroblocks() {
    let per_mb = Duration::from_millis(2);
    let mut times = Vec::new();
    for (w, h) in [(16, 16), (64, 64)] {
        let r = Ready::new(w, h);
        r.rig.block.set_timing(Timing { start_latency: Duration::ZERO, per_mb, ..Timing::DEFAULT });
        let t0 = Instant::now();
        assert_eq!(r.rig.run(), IRQ_FRAME_DONE);
        times.push(t0.elapsed());
    }
    assert!(times[1] >= 16 * per_mb, "16 macroblocks took {:?}", times[1]);
    assert!(times[1] > times[0]);
    assert_eq!(Timing::DEFAULT.frame_time(3600), Duration::from_micros(20));
}

#[test]
fn dropping_a_block_stops_its_engine() {
    let arena = arena(1 << 20);
    for _ in 0..4 {
        let block = VencBlock::over_arena(arena);
        block.write(CTRL, CTRL_ENABLE | CTRL_RESET);
        drop(block);
    }
}

#[test]
fn registers_can_be_used_inside_a_critical_section_while_frames_run() {
    // The arena's bus checks take the critical section; the model must not hold its own
    // lock meanwhile, or a driver reading a register inside one would deadlock.
    let r = Ready::new(64, 48);
    let rig = &r.rig;
    let block = rig.block;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let poller = {
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                critical_section::with(|_| block.read(STATUS));
            }
        })
    };
    for _ in 0..6 {
        assert_eq!(rig.run(), IRQ_FRAME_DONE);
    }
    stop.store(true, Ordering::SeqCst);
    poller.join().unwrap();
}
