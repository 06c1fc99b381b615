//! Prints what a device costs in RAM, per open-file slot, per buffer slot and per stored
//! event, from `size_of` of whole devices (so a regression shows up in the test log), and
//! checks that the cost is linear in the capacities the board chooses.

use v4l2m2m::driver::{CodecOps, Direction, Errno, FormatDesc, Formats, Job, JobStatus, PixFormat, Result};
use v4l2m2m::CodecDevice;

struct Null;

impl CodecOps for Null {
    type Context = ();
    fn open(&self) -> Result<()> {
        Ok(())
    }
    fn default_formats(&self) -> Formats {
        Formats { output: PixFormat::empty(), capture: PixFormat::empty() }
    }
    fn enum_fmt(&self, _dir: Direction, _index: u32) -> Result<FormatDesc> {
        Err(Errno::EINVAL)
    }
    fn try_fmt(&self, _ctx: &(), _formats: &Formats, _dir: Direction, _fmt: &mut PixFormat) -> Result<()> {
        Ok(())
    }
    fn device_run(&self, _ctx: &mut (), _job: Job<'_>) -> JobStatus {
        JobStatus::Finished
    }
}

const fn size<const F: usize, const B: usize, const E: usize>() -> usize {
    core::mem::size_of::<CodecDevice<Null, F, B, E>>()
}

const fn size_planes<const B: usize, const P: usize>() -> usize {
    core::mem::size_of::<CodecDevice<Null, 2, B, 2, P>>()
}

/// A firmware configuration: `F` files of 4 buffers with one plane, 2 events, `M`
/// remembered OUTPUT frames per file.
const fn size_lean<const F: usize, const M: usize>() -> usize {
    core::mem::size_of::<CodecDevice<Null, F, 4, 2, 1, M>>()
}

#[test]
fn a_remembered_output_frame_costs_at_most_28_bytes() {
    // Two files, 32 more remembered frames each.
    let per_frame = (size_lean::<2, 33>() - size_lean::<2, 1>()) / 64;
    eprintln!("per remembered OUTPUT frame (FRAMES): {per_frame} B");
    assert!(per_frame <= 28, "{per_frame} B per frame: more than a timestamp, flags and a timecode");
}

#[test]
fn a_lean_file_slot_stays_within_its_budget() {
    let per_file = size_lean::<2, 1>() - size_lean::<1, 1>();
    let per_buffer = (size_planes::<12, 1>() - size_planes::<4, 1>()) / 32;
    let per_event = (size::<2, 4, 10>() - size::<2, 4, 2>()) / 16;
    let fixed = per_file - 2 * 4 * per_buffer - 2 * per_event;
    eprintln!("open-file slot with one plane and one remembered frame: {fixed} B + buffer and event slots");
    // 928 B on Cortex-M4 (scripts/footprint.sh; 1,048 B while control values were
    // 64-bit); pointers and `usize` double on a 64-bit host. Over the bound, something
    // grew.
    assert!(fixed <= 1_100, "{fixed} B per open-file slot");
    assert!(per_buffer <= 76, "{per_buffer} B per one-plane buffer slot");
}

#[test]
fn buffer_slots_hold_only_the_planes_the_board_configures() {
    // Two files of two queues: sixteen more buffer slots from 4 to 12 per queue.
    let slot = |planes: usize, four: usize, twelve: usize| {
        let per_slot = (twelve - four) / 32;
        eprintln!("buffer slot with room for {planes} plane(s): {per_slot} B");
        per_slot
    };
    let one = slot(1, size_planes::<4, 1>(), size_planes::<12, 1>());
    let two = slot(2, size_planes::<4, 2>(), size_planes::<12, 2>());
    let four = slot(4, size_planes::<4, 4>(), size_planes::<12, 4>());
    assert!(one < two && two < four, "a slot grows with its planes: {one}, {two}, {four} B");
    let per_plane = (four - one) / 3;
    assert!(per_plane <= 32, "{per_plane} B per plane: more than an address, three lengths and a map count");
    // The default keeps room for every plane Linux's multi-planar formats here use.
    assert_eq!(size::<2, 4, 2>(), size_planes::<4, { v4l2m2m::driver::MAX_PLANES }>());
}

#[test]
fn a_stored_event_costs_at_most_64_bytes() {
    // Two files, eight more event slots each.
    let per_event = (size::<2, 4, 10>() - size::<2, 4, 2>()) / 16;
    eprintln!("per stored event (EVENTS): {per_event} B");
    assert!(per_event <= 64, "{per_event} B per EVENTS slot");
}

#[test]
fn device_size_is_linear_in_files_buffers_and_events() {
    let per_file = size::<2, 4, 4>() - size::<1, 4, 4>();
    let fixed = size::<1, 4, 4>() - per_file;
    // Over eight more slots, so that alignment padding averages out.
    let per_buffer = (size::<2, 12, 4>() - size::<2, 4, 4>()) / 16;
    let per_event = (size::<2, 4, 12>() - size::<2, 4, 4>()) / 16;
    let file_base = per_file - 4 * per_buffer - 4 * per_event;
    eprintln!("device: {fixed} B fixed + per open-file slot {file_base} B + {per_buffer} B per BUFFERS (a slot in each queue) + {per_event} B per EVENTS");
    for (f, b, e, got) in [
        (2, 4, 4, size::<2, 4, 4>()),
        (4, 8, 4, size::<4, 8, 4>()),
        (8, 32, 16, size::<8, 32, 16>()),
        (128, 32, 16, size::<128, 32, 16>()),
    ] {
        let model = fixed + f * (file_base + b * per_buffer + e * per_event);
        eprintln!("CodecDevice<_, {f}, {b}, {e}>: {got} B");
        // Alignment padding may add a few bytes per file; anything more is not linear.
        assert!(got.abs_diff(model) <= 64 * f, "<{f}, {b}, {e}>: {got} B, the linear model says {model} B");
    }
}
