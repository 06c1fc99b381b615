//! Header parsing before CAPTURE is set up. The geometry announced with
//! `V4L2_EVENT_SOURCE_CHANGE` must be exact (crop on every edge), and only a decoded
//! picture carries all of it; but a stream with B-frames yields its first picture only
//! several access units later, after the OUTPUT buffers holding the headers went back,
//! and an application that sees every OUTPUT buffer returned without an event concludes
//! that the stream held nothing decodable. So, as soon as the decoder has read a sequence
//! header, the access units decoded so far are decoded again by a scratch decoder that is
//! drained at once: its first picture gives the geometry, before the buffer is returned.
//!
//! The geometry is the sequence's, not the picture's, so the probe first decodes the units
//! with every slice cut short after its first bytes (the slice header and a little more):
//! the decoder conceals the rest and gives a picture of the same geometry at a small
//! fraction of the cost of decoding a large intra picture twice. Only if that yields no
//! picture are the whole units decoded again.

use crate::capture::Geometry;
use crate::ffi::{Codec, Decoder, Received};

/// Access units kept for a probe: past this many without a picture, the stream is damaged
/// and the geometry is taken from the first picture the decoder gives.
const MAX_UNITS: usize = 32;

/// Bytes of each coded slice a quick probe keeps, counted from its start code: room for
/// any slice header.
const QUICK_SLICE_BYTES: usize = 512;

/// What a probe found: the first picture's geometry and the sequence's needs (reference
/// frames, reorder depth).
#[derive(Debug, PartialEq, Eq)]
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

    /// Decodes the recorded units with a scratch decoder of `codec`, drained at once:
    /// first with their slices cut short (H.264 and HEVC), then whole.
    pub fn run(&self, codec: Codec) -> Option<Found> {
        if self.given_up || self.units.is_empty() {
            return None;
        }
        self.quick(codec).or_else(|| self.decode(codec, <[u8]>::to_vec))
    }

    /// The probe with every slice cut short (none for VP9, whose frames have no slices).
    fn quick(&self, codec: Codec) -> Option<Found> {
        match codec {
            Codec::H264 | Codec::Hevc => self.decode(codec, |unit| cut_slices(codec, unit)),
            Codec::Vp9 => None,
        }
    }

    /// Decodes the recorded units, each as `prepare` makes it, until a picture comes out.
    fn decode(&self, codec: Codec, prepare: impl Fn(&[u8]) -> Vec<u8>) -> Option<Found> {
        let mut dec = Decoder::for_geometry(codec)?;
        for unit in &self.units {
            // A refused unit is skipped, as the real decoder skipped it.
            let _ = dec.send(&prepare(unit), 0);
            if let Some(found) = first_picture(&mut dec) {
                return Some(found);
            }
        }
        dec.send(&[], 0).ok()?;
        first_picture(&mut dec)
    }
}

/// Whether a NAL unit whose header starts with `byte` holds a coded slice.
pub(crate) fn is_slice(codec: Codec, byte: u8) -> bool {
    match codec {
        Codec::H264 => matches!(byte & 0x1f, 1..=5),
        Codec::Hevc => (byte >> 1) & 0x3f < 32,
        Codec::Vp9 => false,
    }
}

/// `unit` (Annex B) with every coded slice NAL unit cut to its first
/// [`QUICK_SLICE_BYTES`]; other NAL units are kept whole.
fn cut_slices(codec: Codec, unit: &[u8]) -> Vec<u8> {
    // Each NAL unit as (first byte of its start code with leading zeros, its header byte).
    let mut nals: Vec<(usize, usize)> = Vec::new();
    for i in 0..unit.len().saturating_sub(2) {
        if unit[i..i + 3] == [0, 0, 1] {
            let floor = nals.last().map_or(0, |&(_, header)| header);
            let mut begin = i;
            while begin > floor && unit[begin - 1] == 0 {
                begin -= 1;
            }
            nals.push((begin, i + 3));
        }
    }
    let mut out = Vec::with_capacity(unit.len().min(4096));
    out.extend_from_slice(&unit[..nals.first().map_or(unit.len(), |&(begin, _)| begin)]);
    for (k, &(begin, header)) in nals.iter().enumerate() {
        let end = nals.get(k + 1).map_or(unit.len(), |&(next, _)| next);
        let keep = match unit.get(header) {
            Some(&byte) if is_slice(codec, byte) => (end - begin).min(QUICK_SLICE_BYTES),
            _ => end - begin,
        };
        out.extend_from_slice(&unit[begin..begin + keep]);
    }
    out
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

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;

    /// The first `units` access units of a stream ffmpeg codes with `args` (`tag` keeps
    /// the temporary files of parallel tests apart).
    fn units(tag: &str, args: &[&str], codec: Codec) -> Vec<Vec<u8>> {
        let path = std::env::temp_dir().join(format!("avcodec-probe-{}-{tag}", std::process::id()));
        let status = Command::new("ffmpeg")
            .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i"])
            .arg("testsrc2=s=200x146:r=25,noise=alls=20:allf=t")
            .args(["-frames:v", "8"])
            .args(args)
            .arg(&path)
            .status()
            .expect("running ffmpeg (apt-get install ffmpeg)");
        assert!(status.success(), "ffmpeg could not code the {tag} stream");
        let data = std::fs::read(&path).expect("the coded stream");
        let _ = std::fs::remove_file(&path);
        let mut dec = Decoder::new(codec).expect("a libavcodec decoder");
        let mut out = Vec::new();
        let mut rest = &data[..];
        while !rest.is_empty() {
            let (used, unit) = dec.parse(rest);
            rest = &rest[used..];
            out.extend(unit.map(|(u, _)| u));
        }
        out.extend(dec.parse(&[]).1.map(|(u, _)| u));
        out
    }

    fn check(tag: &str, args: &[&str], codec: Codec) {
        let units = units(tag, args, codec);
        assert!(units.len() >= 2, "{tag}: {} units", units.len());
        let mut probe = Probe::default();
        probe.record(&units[0]);
        let whole = probe.decode(codec, <[u8]>::to_vec).expect("the whole first unit gives a picture");
        let quick = probe.quick(codec).expect("the cut first unit gives a picture");
        assert_eq!(quick, whole, "{tag}");
        assert_eq!((whole.geometry.visible.width, whole.geometry.visible.height), (200, 146), "{tag}");
        assert!(cut_slices(codec, &units[0]).len() < units[0].len() / 2, "{tag}: the slices were not cut");
    }

    #[test]
    fn a_probe_of_cut_slices_finds_the_geometry_of_the_whole_picture() {
        let h264 =
            ["-c:v", "libx264", "-profile:v", "high", "-bf", "3", "-f", "h264", "-x264-params", "log-level=error"];
        check("h264", &h264, Codec::H264);
        let hevc = ["-c:v", "libx265", "-f", "hevc", "-x265-params", "log-level=error"];
        check("hevc", &hevc, Codec::Hevc);
    }

    #[test]
    fn cutting_keeps_headers_whole_and_cuts_only_slices() {
        let sps = [0, 0, 0, 1, 0x67, 1, 2, 3];
        let mut slice = vec![0, 0, 1, 0x65];
        slice.resize(QUICK_SLICE_BYTES + 100, 0xaa);
        let unit = [&sps[..], &slice[..], &sps[..]].concat();
        let cut = cut_slices(Codec::H264, &unit);
        assert_eq!(cut, [&sps[..], &slice[..QUICK_SLICE_BYTES], &sps[..]].concat());
        // HEVC: an IDR_W_RADL slice (type 19) is cut, a VPS (type 32) is not.
        let vps = [0, 0, 1, 32 << 1, 1, 9, 9];
        let mut idr = vec![0, 0, 1, 19 << 1, 1];
        idr.resize(QUICK_SLICE_BYTES * 2, 0x55);
        let unit = [&vps[..], &idr[..]].concat();
        assert_eq!(cut_slices(Codec::Hevc, &unit), [&vps[..], &idr[..QUICK_SLICE_BYTES]].concat());
    }
}
