//! The VENC encoder on the simulator: two modelled blocks (one per node), each driven by
//! the `h264-encoder` lower half, at `/dev/video2` (multi-planar) and `/dev/video4`
//! (single-planar).
//!
//! Each block is the host model of `sim/h264-encoder-block` mastering the board's arena
//! (its DMA sees exactly the board's buffers, at their bus addresses). Its interrupt line
//! calls the driver's interrupt handler from the block's engine thread, and a watchdog
//! thread calls the driver's `watchdog_tick` every [`WATCHDOG_TICK`], as a timer would.

use std::time::Duration;

use embedded_hal::delay::DelayNs;
use h264_encoder::{NoResetLine, Venc};
use h264_encoder_block::{Timing, VencBlock};
use v4l2m2m::{BufferApi, CodecDevice};

use crate::{leak_device, Board, HostGlue, ARENA_REGIONS, BUFFERS, EVENTS, FILES};

/// How often the watchdog looks at the block.
pub const WATCHDOG_TICK: Duration = Duration::from_millis(10);
/// Watchdog periods in a row without progress (the block's `PROGRESS` register standing
/// still) after which a frame counts as hung: 2 s, where the modelled block finishes a
/// macroblock every 100 ns. A frame that advances, however slowly, is never cut off.
pub const TIMEOUT_TICKS: u32 = 200;
/// Time per macroblock the modelled block takes on top of its start latency.
const PER_MB: Duration = Duration::from_nanos(100);

/// `DelayNs` over the host's sleep.
#[derive(Clone, Copy, Debug, Default)]
pub struct HostDelay;

impl DelayNs for HostDelay {
    fn delay_ns(&mut self, ns: u32) {
        std::thread::sleep(Duration::from_nanos(u64::from(ns)));
    }
}

/// The encoder driver of this board.
pub type EncoderDriver = Venc<VencBlock, HostDelay, NoResetLine>;
/// The encoder device type of this board.
pub type EncoderDevice = CodecDevice<EncoderDriver, FILES, BUFFERS, EVENTS>;

/// One encoder node: its device and its modelled block (for fault injection and timing).
#[derive(Clone, Copy)]
pub struct Encoder {
    /// Where it is registered.
    pub path: &'static str,
    /// The device.
    pub device: &'static EncoderDevice,
    /// The block its driver programs.
    pub block: &'static VencBlock,
}

impl Board {
    pub(crate) fn start_encoders(&mut self) -> Result<(), String> {
        let nodes = [
            (crate::env_path("SIM_BOARD_ENCODER", "/dev/video2"), BufferApi::MultiPlanar),
            (crate::env_path("SIM_BOARD_ENCODER_SP", "/dev/video4"), BufferApi::SinglePlanar),
        ];
        for (path, api) in nodes {
            let encoder = self.new_encoder(path, api);
            self.register(path, encoder.device, self.arena.memory()).map_err(|e| format!("registering {path}: {e}"))?;
            self.encoders.push(encoder);
        }
        Ok(())
    }

    fn new_encoder(&self, path: &'static str, api: BufferApi) -> Encoder {
        let arena: &'static v4l2m2m::MemoryArena<ARENA_REGIONS> = &self.arena.arena;
        let block: &'static VencBlock = Box::leak(Box::new(VencBlock::over_arena(arena)));
        block.set_timing(Timing { per_mb: PER_MB, ..Timing::DEFAULT });
        let glue: &'static HostGlue = self.glue;
        let device = leak_device(move || {
            let driver = Venc::new(block, arena, api, HostDelay, NoResetLine, TIMEOUT_TICKS);
            EncoderDevice::new(driver, h264_encoder::device_info(api), glue, arena)
        });
        block.set_irq_handler(Box::new(move || device.driver().on_irq()));
        std::thread::Builder::new()
            .name(format!("sim-watchdog{}", path.rsplit('/').next().unwrap_or(path)))
            .spawn(move || loop {
                std::thread::sleep(WATCHDOG_TICK);
                device.driver().watchdog_tick();
            })
            .expect("sim-board: watchdog thread");
        Encoder { path, device, block }
    }

    /// The encoder nodes.
    pub fn encoders(&self) -> &[Encoder] {
        &self.encoders
    }
}
