//! Header parsing before CAPTURE is set up. The geometry announced with
//! `V4L2_EVENT_SOURCE_CHANGE` must be exact (crop on every edge), and only a decoded
//! picture carries all of it; but a stream with B-frames yields its first picture only
//! several access units later, after the OUTPUT buffers holding the headers went back,
//! and an application that sees every OUTPUT buffer returned without an event concludes
//! that the stream held nothing decodable. So, as soon as the decoder has read a sequence
//! header, the access units decoded so far are decoded again by a scratch decoder that is
//! drained at once: its first picture gives the geometry, before the buffer is returned.

use crate::capture::Geometry;
use crate::ffi::{Codec, Decoder, Received};

/// Access units kept for a probe: past this many without a picture, the stream is damaged
/// and the geometry is taken from the first picture the decoder gives.
const MAX_UNITS: usize = 32;

/// What a probe found: the first picture's geometry and the sequence's needs (reference
/// frames, reorder depth).
pub struct Found {
    /// The geometry of the first picture.
    pub geometry: Geometry,
    /// Reference frames and reorder depth.
    pub needs: (u32, u32),
}

/// The access units decoded before the stream's geometry was known.
#[derive(Default)]
pub struct Probe {
    units: Vec<Vec<u8>>,
    given_up: bool,
}

impl Probe {
    /// Keeps a copy of an access unit sent to the decoder before the geometry was known.
    pub fn record(&mut self, data: &[u8]) {
        if self.units.len() < MAX_UNITS {
            self.units.push(data.to_vec());
        } else {
            self.given_up = true;
            self.units.clear();
        }
    }

    /// Forgets everything (the geometry is known, or a seek).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Decodes the recorded units with a scratch decoder of `codec`, drained at once.
    pub fn run(&self, codec: Codec) -> Option<Found> {
        if self.given_up || self.units.is_empty() {
            return None;
        }
        let mut dec = Decoder::new(codec)?;
        for unit in &self.units {
            // A refused unit is skipped, as the real decoder skipped it.
            let _ = dec.send(unit, 0);
            if let Some(found) = first_picture(&mut dec) {
                return Some(found);
            }
        }
        dec.send(&[], 0).ok()?;
        first_picture(&mut dec)
    }
}

fn first_picture(dec: &mut Decoder) -> Option<Found> {
    loop {
        match dec.receive().ok()? {
            Received::Picture(p) => {
                if let Some(geometry) = Geometry::of(&p.info) {
                    return Some(Found { geometry, needs: dec.stream_needs() });
                }
            }
            Received::Again | Received::Eof => return None,
        }
    }
}
