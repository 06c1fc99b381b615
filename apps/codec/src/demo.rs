//! The demo: synthesise a test clip in-process (a moving pattern encoded with OpenH264's
//! encoder), decode it through the framework on the simulator board, and report.

use openh264::encoder::{Encoder, EncoderConfig};
use openh264::formats::YUVBuffer;
use openh264::OpenH264API;

use crate::ToolError;

/// Encodes `frames` frames of a moving test pattern at `width`x`height` into an H.264
/// Annex-B stream.
pub fn synthesise(width: usize, height: usize, frames: usize) -> Result<Vec<u8>, ToolError> {
    let config = EncoderConfig::new();
    let mut encoder = Encoder::with_api_config(OpenH264API::from_source(), config)
        .map_err(|e| ToolError::Device(format!("OpenH264 encoder: {e}")))?;
    let mut stream = Vec::new();
    let mut yuv = vec![0u8; width * height * 3 / 2];
    for n in 0..frames {
        pattern(&mut yuv, width, height, n);
        let buffer = YUVBuffer::from_vec(yuv.clone(), width, height);
        let bitstream = encoder.encode(&buffer).map_err(|e| ToolError::Device(format!("OpenH264 encoder: {e}")))?;
        bitstream.write_vec(&mut stream);
    }
    Ok(stream)
}

/// A moving gradient with a bouncing square, in I420.
fn pattern(yuv: &mut [u8], w: usize, h: usize, n: usize) {
    let (y, uv) = yuv.split_at_mut(w * h);
    let bx = (n * 7) % w.saturating_sub(w / 6).max(1);
    let by = (n * 5) % h.saturating_sub(h / 6).max(1);
    for r in 0..h {
        for c in 0..w {
            let inside = c >= bx && c < bx + w / 6 && r >= by && r < by + h / 6;
            y[r * w + c] = if inside { 235 } else { ((c + r + 2 * n) % 200 + 16) as u8 };
        }
    }
    let (u, v) = uv.split_at_mut(w * h / 4);
    for r in 0..h / 2 {
        for c in 0..w / 2 {
            u[r * w / 2 + c] = ((c + n) % 224 + 16) as u8;
            v[r * w / 2 + c] = ((r + 2 * n) % 224 + 16) as u8;
        }
    }
}
