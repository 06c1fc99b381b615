//! The bitstream side: OUTPUT buffers of arbitrary size go through libavcodec's frame
//! splitter, and come out as whole compressed frames (access units), each with the
//! timestamp of the OUTPUT buffer in which its first byte arrived.

use std::collections::VecDeque;

use v4l2m2m::Timestamp;

use crate::ffi::Decoder;

/// One compressed frame, ready for the decoder.
#[derive(Debug)]
pub struct Unit {
    /// Its bytes.
    pub data: Vec<u8>,
    /// Timestamp of the OUTPUT buffer holding its first byte.
    pub timestamp: Timestamp,
}

/// The frame splitter's bookkeeping: where each OUTPUT buffer began in the stream, and
/// the frames cut and not yet decoded.
#[derive(Default)]
pub struct Bitstream {
    /// Bytes the splitter took since the stream (re)started.
    fed: u64,
    /// (stream offset of a buffer's first byte, its timestamp), oldest first.
    chunks: VecDeque<(u64, Timestamp)>,
    /// Frames cut and waiting.
    units: VecDeque<Unit>,
}

impl Bitstream {
    /// Feeds the payload of one OUTPUT buffer that arrived with `timestamp`.
    pub fn push(&mut self, dec: &mut Decoder, data: &[u8], timestamp: Timestamp) {
        if data.is_empty() {
            return;
        }
        self.chunks.push_back((self.fed, timestamp));
        let mut rest = data;
        while !rest.is_empty() {
            let (used, frame) = dec.parse(rest);
            self.fed += used as u64;
            rest = &rest[used..];
            let progress = used > 0 || frame.is_some();
            if let Some((bytes, offset)) = frame {
                self.cut(bytes, offset);
            }
            if !progress {
                break;
            }
        }
    }

    /// The end of the stream (a drain): the frame being collected is complete.
    pub fn finish(&mut self, dec: &mut Decoder) {
        // One call returns the last frame; a second finds nothing (bounded for safety).
        for _ in 0..4 {
            let (_, frame) = dec.parse(&[]);
            let Some((bytes, offset)) = frame else { break };
            self.cut(bytes, offset);
        }
    }

    /// Drops every byte and frame (a seek; the splitter was reset with the decoder).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// The next frame to decode.
    pub fn pop(&mut self) -> Option<Unit> {
        self.units.pop_front()
    }

    /// Whether frames are waiting.
    pub fn has_units(&self) -> bool {
        !self.units.is_empty()
    }

    fn cut(&mut self, data: Vec<u8>, offset: u64) {
        // Later frames start later: buffers wholly before this one's start are done with.
        while self.chunks.len() > 1 && self.chunks[1].0 <= offset {
            self.chunks.pop_front();
        }
        let timestamp = self.chunks.front().map(|c| c.1).unwrap_or_default();
        self.units.push_back(Unit { data, timestamp });
    }
}
