//! The libavcodec decoder on the simulator (feature `avcodec`): the `avcodec-decoder`
//! lower half at `/dev/video5` (multi-planar) and `/dev/video6` (single-planar), next to
//! the OpenH264 nodes, which stay the default decoder.

use avcodec_decoder::AvcodecDecoder;
use v4l2m2m::{BufferApi, CodecDevice, CodecKind, DeviceInfo};

use crate::{leak_device, Board, HostGlue, ARENA_REGIONS, BUFFERS, EVENTS, FILES};

/// The libavcodec decoder device type of this board.
pub type AvcodecDevice = CodecDevice<AvcodecDecoder, FILES, BUFFERS, EVENTS>;

impl Board {
    pub(crate) fn start_avcodec_decoders(&mut self) -> Result<(), String> {
        let nodes = [
            (crate::env_path("SIM_BOARD_AVCODEC", "/dev/video5"), BufferApi::MultiPlanar),
            (crate::env_path("SIM_BOARD_AVCODEC_SP", "/dev/video6"), BufferApi::SinglePlanar),
        ];
        for (path, api) in nodes {
            let dev = self.new_avcodec_decoder(api);
            self.register(path, dev, self.arena.memory()).map_err(|e| format!("registering {path}: {e}"))?;
            self.avcodec_decoders.push((path, dev));
        }
        Ok(())
    }

    fn new_avcodec_decoder(&self, api: BufferApi) -> &'static AvcodecDevice {
        let info = DeviceInfo {
            driver: "sim-avdec",
            card: "libavcodec decoder (sim)",
            bus_info: "platform:sim-avdec",
            kind: CodecKind::Decoder,
            api,
            userptr: true,
            min_output_buffers: 2,
            min_capture_buffers: avcodec_decoder::MIN_CAPTURE_BUFFERS,
        };
        let glue: &'static HostGlue = self.glue;
        let arena: &'static v4l2m2m::MemoryArena<ARENA_REGIONS> = &self.arena.arena;
        leak_device(move || AvcodecDevice::new(AvcodecDecoder::new(api), info, glue, arena))
    }

    /// The libavcodec decoder devices, with their paths (for statistics).
    pub fn avcodec_decoders(&self) -> &[(&'static str, &'static AvcodecDevice)] {
        &self.avcodec_decoders
    }
}
