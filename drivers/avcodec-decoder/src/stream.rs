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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::Codec;

    /// An IDR slice NAL whose first_mb_in_slice is 0 (each one starts an access unit), with
    /// a distinct payload byte `tag`.
    fn idr(tag: u8) -> Vec<u8> {
        vec![0, 0, 0, 1, 0x65, 0x88, 0x84, tag, 0x10, 0x20]
    }

    fn cut(chunks: &[(&[u8], u64)]) -> Vec<(Vec<u8>, u64)> {
        let mut dec = Decoder::new(Codec::H264).expect("libavcodec's H.264 decoder");
        let mut bits = Bitstream::default();
        for &(data, ts) in chunks {
            bits.push(&mut dec, data, Timestamp(ts));
        }
        bits.finish(&mut dec);
        std::iter::from_fn(|| bits.pop()).map(|u| (u.data, u.timestamp.0)).collect()
    }

    #[test]
    fn each_unit_carries_the_timestamp_of_the_buffer_it_began_in() {
        let units: Vec<Vec<u8>> = (1..=4).map(idr).collect();
        let per_unit: Vec<(&[u8], u64)> = units.iter().zip(10..).map(|(u, ts)| (u.as_slice(), ts)).collect();
        let got = cut(&per_unit);
        assert_eq!(got, units.iter().cloned().zip(10..).collect::<Vec<_>>());
    }

    #[test]
    fn a_whole_stream_in_one_buffer_gives_every_unit_that_buffers_timestamp() {
        let units: Vec<Vec<u8>> = (1..=4).map(idr).collect();
        let all = units.concat();
        let got = cut(&[(&all, 7)]);
        assert_eq!(got, units.iter().map(|u| (u.clone(), 7)).collect::<Vec<_>>());
    }

    #[test]
    fn units_split_across_small_buffers_take_the_timestamp_of_their_first_byte() {
        let units: Vec<Vec<u8>> = (1..=4).map(idr).collect();
        let all = units.concat();
        // 3-byte buffers, timestamp = offset of the buffer's first byte.
        let chunks: Vec<(&[u8], u64)> = all.chunks(3).zip((0..).step_by(3)).collect();
        let got = cut(&chunks);
        let starts = (0..units.len()).map(|k| (k * units[0].len()) as u64);
        let want: Vec<(Vec<u8>, u64)> = units.iter().cloned().zip(starts.map(|s| s / 3 * 3)).collect();
        assert_eq!(got, want);
    }
}
