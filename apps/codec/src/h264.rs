//! Cutting an H.264 Annex-B file into access units (one per OUTPUT buffer), as an
//! application does when it feeds a decoder frame by frame.

/// Byte ranges of the access units of `data` (H.264 7.4.1.2.3: a unit starts at an AUD,
/// SPS, PPS or SEI, or at a slice with `first_mb_in_slice == 0`, after a slice).
pub fn access_units(data: &[u8]) -> Vec<(usize, usize)> {
    let mut starts = Vec::new();
    let mut seen_vcl = false;
    let mut unit_start: Option<usize> = None;
    let mut i = 0;
    while i + 3 < data.len() {
        if data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 {
            let sc = if i > 0 && data[i - 1] == 0 { i - 1 } else { i };
            let header = data[i + 3];
            let kind = header & 0x1f;
            let new_unit = match kind {
                6..=9 | 14..=18 => seen_vcl,
                1 | 5 => seen_vcl && data.get(i + 4).is_some_and(|b| b & 0x80 != 0),
                _ => false,
            };
            if new_unit || unit_start.is_none() {
                if let Some(s) = unit_start {
                    starts.push((s, sc));
                }
                unit_start = Some(sc);
                seen_vcl = false;
            }
            if kind == 1 || kind == 5 {
                seen_vcl = true;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    match unit_start {
        Some(s) => starts.push((s, data.len())),
        None if !data.is_empty() => starts.push((0, data.len())),
        None => {}
    }
    starts
}

/// Size of the largest access unit of `data`.
pub fn largest_unit(data: &[u8]) -> usize {
    access_units(data).iter().map(|(s, e)| e - s).max().unwrap_or(0)
}
