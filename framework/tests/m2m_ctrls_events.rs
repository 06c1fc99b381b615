//! Controls (query, get/set, extended controls with Linux's error_idx rules), events
//! (subscriptions, sequence, pending, drop-oldest, SEND_INITIAL), poll and priorities.

mod support;

use support::*;
use v4l2m2m::abi::*;
use v4l2m2m::{ContextHandle, Direction, Errno, Event, FileId, PollEvents, VideoNode};

const OUT: Direction = Direction::Output;
const CAP: Direction = Direction::Capture;

fn manual() -> Harness {
    Harness::with(Opts { worker: false, ..Opts::default() })
}

fn cstr(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8(bytes[..end].to_vec()).unwrap()
}

fn queryctrl(h: &Harness, fd: FileId, id: u32) -> Result<v4l2_queryctrl, Errno> {
    let mut q = v4l2_queryctrl::zeroed();
    q.id = id;
    h.ioctl(fd, VIDIOC_QUERYCTRL, &mut q).map(|_| q)
}

fn query_ext(h: &Harness, fd: FileId, id: u32) -> Result<v4l2_query_ext_ctrl, Errno> {
    let mut q = v4l2_query_ext_ctrl::zeroed();
    q.id = id;
    h.ioctl(fd, VIDIOC_QUERY_EXT_CTRL, &mut q).map(|_| q)
}

fn querymenu(h: &Harness, fd: FileId, id: u32, index: u32) -> Result<String, Errno> {
    let mut q = v4l2_querymenu::zeroed();
    q.id = id;
    q.index = index;
    // SAFETY: plain-old-data union member.
    h.ioctl(fd, VIDIOC_QUERYMENU, &mut q).map(|_| cstr(&unsafe { q.u.name }))
}

/// A context handle of file `fd` (runs one job on it).
fn handle_of(h: &Harness, fd: FileId) -> ContextHandle {
    h.setup(fd, 1, 1);
    h.queue_output(fd, 0, b"x", 0).unwrap();
    h.dev.run_jobs();
    h.k().last_handle()
}

#[test]
fn queryctrl_enumerates_every_control_in_id_order() {
    let h = manual();
    let fd = h.open_nb();
    let mut expected: Vec<u32> = CONTROLS.iter().map(|c| c.id).collect();
    expected.extend([
        V4L2_CID_USER_CLASS,
        V4L2_CID_MIN_BUFFERS_FOR_CAPTURE,
        V4L2_CID_MIN_BUFFERS_FOR_OUTPUT,
        V4L2_CID_CODEC_CLASS,
    ]);
    expected.sort();
    for request in [VIDIOC_QUERYCTRL, VIDIOC_QUERY_EXT_CTRL] {
        let mut seen = Vec::new();
        let mut id = V4L2_CTRL_FLAG_NEXT_CTRL;
        loop {
            let r = if request == VIDIOC_QUERYCTRL {
                queryctrl(&h, fd, id).map(|q| q.id)
            } else {
                query_ext(&h, fd, id).map(|q| q.id)
            };
            match r {
                Ok(found) => {
                    seen.push(found);
                    id = found | V4L2_CTRL_FLAG_NEXT_CTRL;
                }
                Err(e) => {
                    assert_eq!(e, Errno::EINVAL);
                    break;
                }
            }
        }
        assert_eq!(seen, expected);
    }
    assert_eq!(
        queryctrl(&h, fd, V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND).map(|q| q.id),
        Ok(expected[0])
    );
    assert_eq!(queryctrl(&h, fd, V4L2_CTRL_FLAG_NEXT_COMPOUND).err(), Some(Errno::EINVAL), "no compound controls");
    assert_eq!(queryctrl(&h, fd, 0).err(), Some(Errno::EINVAL));
    assert_eq!(queryctrl(&h, fd, V4L2_CID_MPEG_VIDEO_BITRATE).err(), Some(Errno::EINVAL));
    assert_eq!(queryctrl(&h, fd, V4L2_CID_CAMERA_CLASS).err(), Some(Errno::EINVAL), "class without controls");
}

#[test]
fn queryctrl_describes_each_kind() {
    let h = manual();
    let fd = h.open_nb();
    let q = queryctrl(&h, fd, GOP).unwrap();
    assert_eq!(
        (q.type_, q.minimum, q.maximum, q.step, q.default_value, q.flags),
        (V4L2_CTRL_TYPE_INTEGER, 0, 10, 3, 3, 0)
    );
    assert_eq!(cstr(&q.name), "GOP Size");
    let q = queryctrl(&h, fd, MODE).unwrap();
    assert_eq!((q.type_, q.minimum, q.maximum, q.step), (V4L2_CTRL_TYPE_MENU, 0, 2, 1));
    let q = queryctrl(&h, fd, RC).unwrap();
    assert_eq!((q.type_, q.maximum, q.default_value), (V4L2_CTRL_TYPE_BOOLEAN, 1, 1));
    let q = queryctrl(&h, fd, KEYFRAME).unwrap();
    assert_eq!(q.type_, V4L2_CTRL_TYPE_BUTTON);
    assert_ne!(q.flags & V4L2_CTRL_FLAG_WRITE_ONLY, 0);
    let q = queryctrl(&h, fd, V4L2_CID_CODEC_CLASS).unwrap();
    assert_eq!(q.type_, V4L2_CTRL_TYPE_CTRL_CLASS);
    assert_eq!(
        q.flags & (V4L2_CTRL_FLAG_READ_ONLY | V4L2_CTRL_FLAG_WRITE_ONLY),
        V4L2_CTRL_FLAG_READ_ONLY | V4L2_CTRL_FLAG_WRITE_ONLY
    );
    let q = queryctrl(&h, fd, V4L2_CID_MIN_BUFFERS_FOR_CAPTURE).unwrap();
    assert_eq!(q.type_, V4L2_CTRL_TYPE_INTEGER);
    assert_ne!(q.flags & V4L2_CTRL_FLAG_READ_ONLY, 0);
    // 64-bit controls: QUERYCTRL has no room for the range (Linux reports zeros);
    // QUERY_EXT_CTRL carries it.
    let q = queryctrl(&h, fd, PEAK).unwrap();
    assert_eq!((q.type_, q.minimum, q.maximum, q.step, q.default_value), (V4L2_CTRL_TYPE_INTEGER64, 0, 0, 0, 0));
    let q = query_ext(&h, fd, PEAK).unwrap();
    assert_eq!((q.minimum, q.maximum, q.step, q.default_value), (0, 1 << 40, 1, 1 << 33));
    assert_eq!((q.elem_size, q.elems, q.nr_of_dims), (8, 1, 0));
    let q = query_ext(&h, fd, GOP).unwrap();
    assert_eq!((q.elem_size, q.elems), (4, 1));
}

#[test]
fn querymenu_names_valid_entries_only() {
    let h = manual();
    let fd = h.open_nb();
    assert_eq!(querymenu(&h, fd, MODE, 0).as_deref(), Ok("Variable Bitrate"));
    assert_eq!(querymenu(&h, fd, MODE, 1).err(), Some(Errno::EINVAL), "skipped entry");
    assert_eq!(querymenu(&h, fd, MODE, 2).as_deref(), Ok("Constant Quality"));
    assert_eq!(querymenu(&h, fd, MODE, 3).err(), Some(Errno::EINVAL));
    assert_eq!(querymenu(&h, fd, MODE, u32::MAX).err(), Some(Errno::EINVAL));
    assert_eq!(querymenu(&h, fd, GOP, 0).err(), Some(Errno::EINVAL), "not a menu");
    assert_eq!(querymenu(&h, fd, 0x1234, 0).err(), Some(Errno::EINVAL));
}

#[test]
fn g_and_s_ctrl_validate_round_and_clamp() {
    let h = manual();
    let fd = h.open_nb();
    let other = h.open_nb();
    assert_eq!(h.g_ctrl(fd, GOP), Ok(3));
    assert_eq!(h.g_ctrl(fd, MODE), Ok(0));
    assert_eq!(h.g_ctrl(fd, RC), Ok(1));
    assert_eq!(h.g_ctrl(fd, V4L2_CID_MIN_BUFFERS_FOR_OUTPUT), Ok(2));
    assert_eq!(h.g_ctrl(fd, V4L2_CID_MIN_BUFFERS_FOR_CAPTURE), Ok(3));
    assert_eq!(h.g_ctrl(fd, PEAK).err(), Some(Errno::EINVAL), "64-bit through G_CTRL");
    assert_eq!(h.g_ctrl(fd, KEYFRAME).err(), Some(Errno::EACCES), "write-only");
    assert_eq!(h.g_ctrl(fd, V4L2_CID_CODEC_CLASS).err(), Some(Errno::EACCES));
    assert_eq!(h.g_ctrl(fd, 0x00981234).err(), Some(Errno::EINVAL));
    // Integer rounding to the step and clamping, as Linux's ROUND_TO_RANGE.
    for (asked, got) in [
        (4, 3),
        (5, 6),
        (6, 6),
        (7, 6),
        (8, 9),
        (10, 9),
        (100, 9),
        (i32::MAX, 9),
        (-5, 0),
        (i32::MIN, 0),
        (1, 0),
        (2, 3),
    ] {
        assert_eq!(h.s_ctrl(fd, GOP, asked), Ok(got), "GOP {asked}");
        assert_eq!(h.g_ctrl(fd, GOP), Ok(got));
    }
    // Booleans: any non-zero value is true.
    for (asked, got) in [(0, 0), (1, 1), (5, 1), (-3, 1)] {
        assert_eq!(h.s_ctrl(fd, RC, asked), Ok(got), "RC {asked}");
    }
    // Menus: out of range is ERANGE, a skipped entry EINVAL; the value stays.
    assert_eq!(h.s_ctrl(fd, MODE, 2), Ok(2));
    assert_eq!(h.s_ctrl(fd, MODE, 3).err(), Some(Errno::ERANGE));
    assert_eq!(h.s_ctrl(fd, MODE, -1).err(), Some(Errno::ERANGE));
    assert_eq!(h.s_ctrl(fd, MODE, 1).err(), Some(Errno::EINVAL));
    assert_eq!(h.g_ctrl(fd, MODE), Ok(2));
    // Read-only controls.
    assert_eq!(h.s_ctrl(fd, V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, 5).err(), Some(Errno::EACCES));
    assert_eq!(h.s_ctrl(fd, BFRAMES, 1).err(), Some(Errno::EACCES));
    assert_eq!(h.s_ctrl(fd, V4L2_CID_CODEC_CLASS, 0).err(), Some(Errno::EACCES));
    assert_eq!(h.s_ctrl(fd, PEAK, 1).err(), Some(Errno::EINVAL));
    assert_eq!(h.s_ctrl(fd, 0x00981234, 1).err(), Some(Errno::EINVAL));
    // Buttons take any value.
    assert_eq!(h.s_ctrl(fd, KEYFRAME, 1), Ok(0));
    // The driver may refuse a value: the old one stays.
    h.k().refuse_ctrl.store(GOP, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(h.s_ctrl(fd, GOP, 6).err(), Some(Errno::EBUSY));
    assert_eq!(h.g_ctrl(fd, GOP), Ok(3));
    // Values are per file.
    assert_eq!(h.g_ctrl(other, GOP), Ok(3));
    assert_eq!(h.g_ctrl(other, MODE), Ok(0));
}

#[test]
fn g_ext_ctrls_errors_report_count() {
    let h = manual();
    let fd = h.open_nb();
    let mut c = [ext(GOP, 0), ext64(PEAK, 0), ext(MODE, 7)];
    let (r, idx) = h.ext_ctrls(fd, VIDIOC_G_EXT_CTRLS, 0, &mut c);
    assert_eq!((r, idx), (Ok(0), 3));
    assert_eq!((ext_value(&c[0]), ext_value64(&c[1]), ext_value(&c[2])), (3, 1 << 33, 0));
    let mut c = [ext(GOP, 0), ext(0x00991234, 0), ext(MODE, 0)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_G_EXT_CTRLS, 0, &mut c), (Err(Errno::EINVAL), 3));
    let mut c = [ext(GOP, 0), ext(KEYFRAME, 0)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_G_EXT_CTRLS, 0, &mut c), (Err(Errno::EACCES), 2));
    // A class in `which`: every control must belong to it.
    let mut c = [ext(GOP, 0), ext(V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, 0)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_G_EXT_CTRLS, V4L2_CTRL_CLASS_CODEC, &mut c), (Err(Errno::EINVAL), 2));
    let mut c = [ext(GOP, 0)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_G_EXT_CTRLS, V4L2_CTRL_CLASS_CODEC, &mut c), (Ok(0), 1));
    assert_eq!(h.ext_ctrls(fd, VIDIOC_G_EXT_CTRLS, V4L2_CTRL_CLASS_CODEC, &mut []), (Ok(0), 0));
    assert_eq!(h.ext_ctrls(fd, VIDIOC_G_EXT_CTRLS, V4L2_CTRL_CLASS_CAMERA, &mut []), (Err(Errno::EINVAL), 0));
    // Default values.
    assert_eq!(h.s_ctrl(fd, GOP, 9), Ok(9));
    let mut c = [ext(GOP, 0), ext64(PEAK, 0)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_G_EXT_CTRLS, V4L2_CTRL_WHICH_DEF_VAL, &mut c), (Ok(0), 2));
    assert_eq!((ext_value(&c[0]), ext_value64(&c[1])), (3, 1 << 33));
}

#[test]
fn try_ext_ctrls_errors_report_the_failing_index() {
    let h = manual();
    let fd = h.open_nb();
    let mut c = [ext(GOP, 100), ext(RC, 7), ext64(PEAK, 1 << 50)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_TRY_EXT_CTRLS, 0, &mut c), (Ok(0), 3));
    assert_eq!((ext_value(&c[0]), ext_value(&c[1]), ext_value64(&c[2])), (9, 1, 1 << 40), "adjusted values returned");
    assert_eq!(h.g_ctrl(fd, GOP), Ok(3), "TRY changes nothing");
    let mut c = [ext(GOP, 1), ext(MODE, 3)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_TRY_EXT_CTRLS, 0, &mut c), (Err(Errno::ERANGE), 1));
    let mut c = [ext(GOP, 1), ext(RC, 1), ext(MODE, 1)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_TRY_EXT_CTRLS, 0, &mut c), (Err(Errno::EINVAL), 2));
    let mut c = [ext(GOP, 1), ext(0x00991234, 0)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_TRY_EXT_CTRLS, 0, &mut c), (Err(Errno::EINVAL), 1));
    let mut c = [ext(GOP, 1), ext(BFRAMES, 0)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_TRY_EXT_CTRLS, 0, &mut c), (Err(Errno::EACCES), 1));
    let mut c = [ext(GOP, 1), ext(V4L2_CID_MIN_BUFFERS_FOR_OUTPUT, 0)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_TRY_EXT_CTRLS, V4L2_CTRL_CLASS_CODEC, &mut c), (Err(Errno::EINVAL), 1));
    let mut c = [ext(GOP, 1)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_TRY_EXT_CTRLS, V4L2_CTRL_CLASS_CAMERA, &mut c), (Err(Errno::EINVAL), 0));
    // Default values cannot be changed, not even with an empty list.
    assert_eq!(h.ext_ctrls(fd, VIDIOC_TRY_EXT_CTRLS, V4L2_CTRL_WHICH_DEF_VAL, &mut c), (Err(Errno::EINVAL), 1));
    assert_eq!(h.ext_ctrls(fd, VIDIOC_TRY_EXT_CTRLS, V4L2_CTRL_WHICH_DEF_VAL, &mut []), (Err(Errno::EINVAL), 0));
    assert_eq!(h.ext_ctrls(fd, VIDIOC_TRY_EXT_CTRLS, 0, &mut []), (Ok(0), 0));
}

#[test]
fn s_ext_ctrls_validation_errors_report_count() {
    let h = manual();
    let fd = h.open_nb();
    let mut c = [ext(GOP, 5), ext(RC, 0), ext64(PEAK, 1 << 41)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_S_EXT_CTRLS, 0, &mut c), (Ok(0), 3));
    assert_eq!((ext_value(&c[0]), ext_value(&c[1]), ext_value64(&c[2])), (6, 0, 1 << 40));
    let mut g = [ext(GOP, 0), ext(RC, 9), ext64(PEAK, 0)];
    h.ext_ctrls(fd, VIDIOC_G_EXT_CTRLS, 0, &mut g).0.unwrap();
    assert_eq!((ext_value(&g[0]), ext_value(&g[1]), ext_value64(&g[2])), (6, 0, 1 << 40));
    // Validation errors: nothing is set, error_idx = count.
    let mut c = [ext(GOP, 9), ext(MODE, 3)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_S_EXT_CTRLS, 0, &mut c), (Err(Errno::ERANGE), 2));
    let mut c = [ext(GOP, 9), ext(0x00991234, 0), ext(RC, 1)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_S_EXT_CTRLS, 0, &mut c), (Err(Errno::EINVAL), 3));
    let mut c = [ext(GOP, 9), ext(V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, 1)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_S_EXT_CTRLS, 0, &mut c), (Err(Errno::EACCES), 2));
    let mut c = [ext(GOP, 9), ext(V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, 1)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_S_EXT_CTRLS, V4L2_CTRL_CLASS_CODEC, &mut c), (Err(Errno::EINVAL), 2));
    assert_eq!(h.ext_ctrls(fd, VIDIOC_S_EXT_CTRLS, V4L2_CTRL_WHICH_DEF_VAL, &mut c), (Err(Errno::EINVAL), 2));
    assert_eq!(h.g_ctrl(fd, GOP), Ok(6), "nothing was set");
    // A failure while applying (the driver refuses) reports that control's index.
    h.k().refuse_ctrl.store(RC, std::sync::atomic::Ordering::SeqCst);
    let mut c = [ext(GOP, 9), ext(RC, 1)];
    assert_eq!(h.ext_ctrls(fd, VIDIOC_S_EXT_CTRLS, 0, &mut c), (Err(Errno::EBUSY), 1));
    assert_eq!(h.g_ctrl(fd, GOP), Ok(9));
    assert_eq!(h.g_ctrl(fd, RC), Ok(0));
}

#[test]
fn ext_ctrls_array_checks() {
    let h = manual();
    let fd = h.open_nb();
    for request in [VIDIOC_G_EXT_CTRLS, VIDIOC_TRY_EXT_CTRLS, VIDIOC_S_EXT_CTRLS] {
        let mut cs = v4l2_ext_controls::zeroed();
        cs.count = 1;
        cs.error_idx = 0xdead;
        assert_eq!(h.ioctl(fd, request, &mut cs).err(), Some(Errno::EFAULT), "NULL array");
        let mut one = [ext(GOP, 1)];
        cs.controls = one.as_mut_ptr();
        cs.count = V4L2_CID_MAX_CTRLS + 1;
        assert_eq!(h.ioctl(fd, request, &mut cs).err(), Some(Errno::EINVAL), "count > 1024");
        assert_eq!(cs.error_idx, 0xdead, "argument not written back");
        cs.count = u32::MAX;
        assert_eq!(h.ioctl(fd, request, &mut cs).err(), Some(Errno::EINVAL));
    }
}

fn dq(h: &Harness, fd: FileId) -> v4l2_event {
    h.dqevent(fd).expect("an event")
}

#[test]
fn subscriptions_are_checked() {
    let h = manual();
    let fd = h.open_nb();
    assert_eq!(h.subscribe(fd, V4L2_EVENT_VSYNC, 0, 0).err(), Some(Errno::EINVAL));
    assert_eq!(h.subscribe(fd, 1000, 0, 0).err(), Some(Errno::EINVAL));
    assert_eq!(h.subscribe(fd, V4L2_EVENT_ALL, 0, 0).err(), Some(Errno::EINVAL));
    assert_eq!(h.subscribe(fd, V4L2_EVENT_CTRL, 0x00991234, 0).err(), Some(Errno::EINVAL));
    h.subscribe(fd, V4L2_EVENT_SOURCE_CHANGE, 0, 0).unwrap();
    h.subscribe(fd, V4L2_EVENT_EOS, 0, 0).unwrap();
    h.subscribe(fd, V4L2_EVENT_EOS, 0, 0).unwrap();
    let e = Harness::encoder();
    let efd = e.open_nb();
    assert_eq!(
        e.subscribe(efd, V4L2_EVENT_SOURCE_CHANGE, 0, 0).err(),
        Some(Errno::EINVAL),
        "encoders have no source change"
    );
    e.subscribe(efd, V4L2_EVENT_EOS, 0, 0).unwrap();
    // Nothing subscribed (or nothing pending): ENOENT on a non-blocking file.
    let fresh = h.open_nb();
    assert_eq!(h.dqevent(fresh).err(), Some(Errno::ENOENT));
    assert_eq!(h.unsubscribe(fresh, V4L2_EVENT_EOS, 0), Ok(0), "unsubscribing nothing is fine");
}

#[test]
fn events_have_sequence_pending_and_drop_the_oldest() {
    let h = manual();
    let fd = h.open_nb();
    let hd = handle_of(&h, fd);
    let change = || hd.source_change(h.dev.driver().decoded_format()).unwrap();
    // Not subscribed: dropped.
    change();
    assert_eq!(h.dqevent(fd).err(), Some(Errno::ENOENT));
    assert!(!h.poll(fd).contains(PollEvents::POLLPRI));
    h.subscribe(fd, V4L2_EVENT_CTRL, GOP, 0).unwrap();
    h.subscribe(fd, V4L2_EVENT_SOURCE_CHANGE, 0, 0).unwrap();
    hd.set_control(GOP, 6).unwrap();
    change();
    assert!(h.poll(fd).contains(PollEvents::POLLPRI));
    let a = dq(&h, fd);
    assert_eq!((a.type_, a.sequence, a.pending), (V4L2_EVENT_CTRL, 0, 1), "Linux numbers events from 0");
    let b = dq(&h, fd);
    assert_eq!((b.type_, b.sequence, b.pending), (V4L2_EVENT_SOURCE_CHANGE, 1, 0));
    assert!(b.timestamp.tv_sec > 0 || b.timestamp.tv_nsec > 0);
    assert!(!h.poll(fd).contains(PollEvents::POLLPRI));
    // EVENTS slots per subscription: the oldest are dropped (sequence numbers show it).
    for _ in 0..5 {
        change();
    }
    let seqs: Vec<(u32, u32)> = (0..EVENTS).map(|_| dq(&h, fd)).map(|e| (e.sequence, e.pending)).collect();
    assert_eq!(seqs, vec![(4, 2), (5, 1), (6, 0)]);
    assert_eq!(h.dqevent(fd).err(), Some(Errno::ENOENT));
    // Unsubscribing discards that subscription's pending events.
    hd.set_control(GOP, 9).unwrap();
    change();
    h.unsubscribe(fd, V4L2_EVENT_CTRL, GOP).unwrap();
    let e = dq(&h, fd);
    assert_eq!((e.type_, e.pending), (V4L2_EVENT_SOURCE_CHANGE, 0));
    hd.set_control(GOP, 0).unwrap();
    assert_eq!(h.dqevent(fd).err(), Some(Errno::ENOENT));
    // V4L2_EVENT_ALL removes everything.
    h.subscribe(fd, V4L2_EVENT_CTRL, GOP, 0).unwrap();
    hd.set_control(GOP, 3).unwrap();
    change();
    h.unsubscribe(fd, V4L2_EVENT_ALL, 0).unwrap();
    assert_eq!(h.dqevent(fd).err(), Some(Errno::ENOENT));
    change();
    assert_eq!(h.dqevent(fd).err(), Some(Errno::ENOENT));
}

#[test]
fn drivers_cannot_send_the_frameworks_own_events() {
    let h = manual();
    let fd = h.open_nb();
    let hd = handle_of(&h, fd);
    h.subscribe(fd, V4L2_EVENT_EOS, 0, 0).unwrap();
    h.subscribe(fd, V4L2_EVENT_SOURCE_CHANGE, 0, 0).unwrap();
    assert_eq!(hd.queue_event(Event::Eos), Err(Errno::EINVAL));
    assert_eq!(hd.queue_event(Event::SourceChange { changes: V4L2_EVENT_SRC_CH_RESOLUTION }), Err(Errno::EINVAL));
    assert_eq!(h.dqevent(fd).err(), Some(Errno::ENOENT), "a refused event is not queued");
    // The framework's own path still sends them.
    hd.source_change(h.dev.driver().decoded_format()).unwrap();
    assert_eq!(dq(&h, fd).type_, V4L2_EVENT_SOURCE_CHANGE);
}

#[test]
fn control_events_send_initial_and_follow_changes() {
    let h = manual();
    let fd = h.open_nb();
    h.subscribe(fd, V4L2_EVENT_CTRL, GOP, V4L2_EVENT_SUB_FL_SEND_INITIAL).unwrap();
    let e = dq(&h, fd);
    assert_eq!((e.type_, e.id, e.sequence), (V4L2_EVENT_CTRL, GOP, 0));
    // SAFETY: plain-old-data union member.
    let c = unsafe { e.u.ctrl };
    assert_eq!(c.changes, V4L2_EVENT_CTRL_CH_VALUE | V4L2_EVENT_CTRL_CH_FLAGS);
    // SAFETY: plain-old-data union member.
    let value = unsafe { c.value.value };
    assert_eq!(
        (c.type_, value, c.minimum, c.maximum, c.step, c.default_value),
        (V4L2_CTRL_TYPE_INTEGER, 3, 0, 10, 3, 3)
    );
    // Subscribing again sends nothing.
    h.subscribe(fd, V4L2_EVENT_CTRL, GOP, V4L2_EVENT_SUB_FL_SEND_INITIAL).unwrap();
    assert_eq!(h.dqevent(fd).err(), Some(Errno::ENOENT));
    // A write-only control's initial event has no value change.
    h.subscribe(fd, V4L2_EVENT_CTRL, KEYFRAME, V4L2_EVENT_SUB_FL_SEND_INITIAL).unwrap();
    // SAFETY: plain-old-data union member.
    assert_eq!(unsafe { dq(&h, fd).u.ctrl.changes }, V4L2_EVENT_CTRL_CH_FLAGS);
    // Without SEND_INITIAL: nothing at subscription.
    h.subscribe(fd, V4L2_EVENT_CTRL, V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, 0).unwrap();
    assert_eq!(h.dqevent(fd).err(), Some(Errno::ENOENT));
    // The file's own S_CTRL needs ALLOW_FEEDBACK to be reported back.
    h.s_ctrl(fd, GOP, 6).unwrap();
    assert_eq!(h.dqevent(fd).err(), Some(Errno::ENOENT));
    h.unsubscribe(fd, V4L2_EVENT_CTRL, GOP).unwrap();
    h.subscribe(fd, V4L2_EVENT_CTRL, GOP, V4L2_EVENT_SUB_FL_ALLOW_FEEDBACK).unwrap();
    h.s_ctrl(fd, GOP, 9).unwrap();
    let e = dq(&h, fd);
    // SAFETY: plain-old-data union member.
    let ctrl = unsafe { e.u.ctrl };
    // SAFETY: plain-old-data union member.
    let value = unsafe { ctrl.value.value };
    assert_eq!((e.id, value, ctrl.changes), (GOP, 9, V4L2_EVENT_CTRL_CH_VALUE));
    h.s_ctrl(fd, GOP, 9).unwrap();
    assert_eq!(h.dqevent(fd).err(), Some(Errno::ENOENT), "no change, no event");
    // Driver-side changes are always reported; one slot per control, newest value kept.
    let hd = handle_of(&h, fd);
    hd.set_control(V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, 4).unwrap();
    hd.set_control(V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, 5).unwrap();
    assert_eq!(h.g_ctrl(fd, V4L2_CID_MIN_BUFFERS_FOR_CAPTURE), Ok(5));
    assert_eq!(hd.control(V4L2_CID_MIN_BUFFERS_FOR_CAPTURE), Ok(5));
    let e = dq(&h, fd);
    // SAFETY: plain-old-data union member.
    assert_eq!((e.id, unsafe { e.u.ctrl.value.value }, e.pending), (V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, 5, 0));
    assert_eq!(h.dqevent(fd).err(), Some(Errno::ENOENT));
    assert_eq!(hd.set_control(0x00991234, 1).err(), Some(Errno::EINVAL));
}

#[test]
fn blocking_dqevent_waits_for_an_event() {
    let h = manual().leak();
    let h: &'static Harness = h;
    let fd = h.open();
    h.subscribe(fd, V4L2_EVENT_CTRL, GOP, V4L2_EVENT_SUB_FL_ALLOW_FEEDBACK).unwrap();
    let node: &'static dyn VideoNode = h.node;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut e = v4l2_event::zeroed();
        // SAFETY: a valid v4l2_event.
        let r = unsafe { node.ioctl(fd, VIDIOC_DQEVENT, &mut e as *mut v4l2_event as *mut std::ffi::c_void) };
        let _ = tx.send((r, e.id));
    });
    assert!(rx.try_recv().is_err());
    // The waiting DQEVENT must not hold the file's lock.
    within(5, move || {
        let mut c = v4l2_control { id: GOP, value: 9 };
        // SAFETY: a valid v4l2_control.
        unsafe { node.ioctl(fd, VIDIOC_S_CTRL, &mut c as *mut v4l2_control as *mut std::ffi::c_void) }
    })
    .unwrap();
    let (r, id) = rx.recv_timeout(std::time::Duration::from_secs(5)).expect("DQEVENT hung");
    assert_eq!((r, id), (Ok(0), GOP));
}

#[test]
fn poll_follows_v4l2_m2m_poll() {
    let h = manual();
    let fd = h.open_nb();
    let all = PollEvents::POLLIN | PollEvents::POLLOUT | PollEvents::POLLPRI;
    assert_eq!(h.node.poll(fd, all), Ok(PollEvents::POLLERR), "nothing streaming");
    assert_eq!(h.node.poll(fd, PollEvents::POLLPRI), Ok(PollEvents::empty()), "only events asked: no POLLERR");
    assert_eq!(h.reqbufs(fd, OUT, 2), Ok(2));
    assert_eq!(h.reqbufs(fd, CAP, 2), Ok(2));
    h.streamon(fd, OUT).unwrap();
    h.streamon(fd, CAP).unwrap();
    assert_eq!(h.node.poll(fd, all), Ok(PollEvents::POLLERR), "streaming but nothing queued");
    h.queue_capture(fd, 0).unwrap();
    assert_eq!(h.node.poll(fd, all), Ok(PollEvents::empty()), "a CAPTURE buffer queued: wait");
    h.queue_output(fd, 0, b"p", 1).unwrap();
    assert_eq!(h.node.poll(fd, all), Ok(PollEvents::empty()));
    h.dev.run_jobs();
    assert_eq!(h.node.poll(fd, all), Ok(PollEvents::POLLIN | PollEvents::POLLOUT));
    assert_eq!(
        h.node.poll(fd, PollEvents::POLLIN | PollEvents::POLLRDNORM),
        Ok(PollEvents::POLLIN | PollEvents::POLLRDNORM),
        "only what was asked"
    );
    h.dqbuf(fd, OUT).unwrap();
    assert_eq!(h.node.poll(fd, all), Ok(PollEvents::POLLIN));
    h.dqbuf(fd, CAP).unwrap();
    assert_eq!(h.node.poll(fd, all), Ok(PollEvents::POLLERR), "everything dequeued");
    // After the LAST buffer: POLLIN (DQBUF then answers EPIPE).
    h.subscribe(fd, V4L2_EVENT_EOS, 0, 0).unwrap();
    h.queue_capture(fd, 1).unwrap();
    h.stop(fd).unwrap();
    h.dev.run_jobs();
    assert_eq!(h.node.poll(fd, all), Ok(PollEvents::POLLIN | PollEvents::POLLPRI));
    h.dqbuf(fd, CAP).unwrap();
    assert_eq!(h.node.poll(fd, all), Ok(PollEvents::POLLIN | PollEvents::POLLPRI));
    h.dqevent(fd).unwrap();
    assert_eq!(h.node.poll(fd, all), Ok(PollEvents::POLLIN));
    assert_eq!(h.dqbuf(fd, CAP).err(), Some(Errno::EPIPE));
}

#[test]
fn priorities_guard_state_changes() {
    let h = manual();
    let a = h.open_nb();
    let b = h.open_nb();
    assert_eq!(h.priority(a), V4L2_PRIORITY_DEFAULT);
    for bad in [V4L2_PRIORITY_UNSET, 4, u32::MAX] {
        assert_eq!(h.set_priority(a, bad).err(), Some(Errno::EINVAL));
    }
    assert_eq!(h.reqbufs(b, OUT, 1), Ok(1));
    h.set_priority(a, V4L2_PRIORITY_RECORD).unwrap();
    assert_eq!(h.priority(a), V4L2_PRIORITY_RECORD);
    assert_eq!(h.priority(b), V4L2_PRIORITY_RECORD, "G_PRIORITY reports the device's highest priority, as Linux does");
    // The lower-priority file may look but not change.
    assert_eq!(h.set_fmt(b, CAP, 128, 128).err(), Some(Errno::EBUSY));
    assert_eq!(h.reqbufs(b, CAP, 1).err(), Some(Errno::EBUSY));
    assert_eq!(h.streamon(b, OUT).err(), Some(Errno::EBUSY));
    assert_eq!(h.s_ctrl(b, GOP, 6).err(), Some(Errno::EBUSY));
    let mut c = [ext(GOP, 6)];
    assert_eq!(h.ext_ctrls(b, VIDIOC_S_EXT_CTRLS, 0, &mut c), (Err(Errno::EBUSY), 1));
    assert_eq!(h.ext_ctrls(b, VIDIOC_TRY_EXT_CTRLS, 0, &mut c), (Ok(0), 1));
    assert_eq!(h.stop(b).err(), Some(Errno::EBUSY));
    let mut f = h.g_fmt(b, CAP);
    assert_eq!(h.ioctl(b, VIDIOC_TRY_FMT, &mut f), Ok(0));
    assert_eq!(h.g_ctrl(b, GOP), Ok(3));
    let mut buf = h.buf(b, OUT, V4L2_MEMORY_MMAP, 0);
    assert_eq!(h.qbuf(b, &mut buf), Ok(0), "QBUF is not priority-checked");
    // The higher-priority file works.
    assert_eq!(h.set_fmt(a, CAP, 128, 128).map(|f| h.fmt_info(&f).0), Ok(128));
    // Lowering it (or closing it) frees the others.
    h.set_priority(a, V4L2_PRIORITY_BACKGROUND).unwrap();
    assert_eq!(h.s_ctrl(b, GOP, 6), Ok(6));
    assert_eq!(h.s_ctrl(a, GOP, 6).err(), Some(Errno::EBUSY), "BACKGROUND below INTERACTIVE");
    // S_PRIORITY is itself priority-checked: a file below the highest may not raise itself.
    assert_eq!(h.set_priority(a, V4L2_PRIORITY_RECORD).err(), Some(Errno::EBUSY));
    h.set_priority(b, V4L2_PRIORITY_RECORD).unwrap();
    assert_eq!(h.s_ctrl(a, GOP, 9).err(), Some(Errno::EBUSY));
    h.node.close(b).unwrap();
    assert_eq!(h.s_ctrl(a, GOP, 9), Ok(9));
}

// ------------------------------------------------------------------------------------
// A driver table of its own: 64-bit controls among 32-bit ones
// ------------------------------------------------------------------------------------

mod wide {
    use super::*;
    use v4l2m2m::driver::{controls_fit, ControlKind, ControlSpec, MAX_CONTROLS, MAX_INTEGER64_CONTROLS};
    use v4l2m2m::{
        BufferApi, CodecDevice, CodecKind, CodecOps, DeviceInfo, FormatDesc, Formats, Job, JobStatus, MemoryArena,
        OpenFlags, PixFormat,
    };
    use v4l2m2m_client::{Client, CtrlOp, NodeFile};

    pub const NEAR: u32 = V4L2_CID_CODEC_BASE + 0x1001;
    pub const HUGE: u32 = V4L2_CID_CODEC_BASE + 0x1002;
    pub const FLAG: u32 = V4L2_CID_CODEC_BASE + 0x1003;
    pub const COARSE: u32 = V4L2_CID_CODEC_BASE + 0x1004;
    pub const LAST: u32 = V4L2_CID_CODEC_BASE + 0x1005;

    const fn int64(id: u32, min: i64, max: i64, step: u64, default: i64) -> ControlSpec {
        ControlSpec { kind: ControlKind::Integer64, ..ControlSpec::integer(id, "64-bit", min, max, step, default) }
    }

    /// Each 64-bit control between 32-bit neighbours, whose words sit on either side of it.
    pub static CONTROLS: [ControlSpec; 5] = [
        ControlSpec::integer(NEAR, "Near", -1000, 1000, 1, -5),
        int64(HUGE, i64::MIN, i64::MAX, 1, -(1 << 40)),
        ControlSpec::boolean(FLAG, "Flag", true),
        int64(COARSE, 0, 1 << 40, 1 << 32, 0xffff_ffff << 1),
        ControlSpec::integer(LAST, "Last", i32::MIN as i64, i32::MAX as i64, 1, -1),
    ];
    const _: () = assert!(controls_fit(&CONTROLS));

    /// One 64-bit control more than fit, after as many 32-bit ones as fit beside them.
    pub static TOO_WIDE: [ControlSpec; MAX_CONTROLS] = {
        let mut table = [ControlSpec::integer(0, "Narrow", 0, 10, 1, 0); MAX_CONTROLS];
        let mut i = 0;
        while i < MAX_CONTROLS {
            table[i].id = V4L2_CID_CODEC_BASE + 0x2000 + i as u32;
            if i >= MAX_CONTROLS - MAX_INTEGER64_CONTROLS - 1 {
                table[i] = int64(table[i].id, 0, i64::MAX, 1, i64::MAX - i as i64);
            }
            i += 1;
        }
        table
    };
    const _: () = assert!(!controls_fit(&TOO_WIDE));

    pub struct Wide(pub &'static [ControlSpec]);

    impl CodecOps for Wide {
        type Context = ();
        fn open(&self) -> Result<(), Errno> {
            Ok(())
        }
        fn default_formats(&self) -> Formats {
            Formats { output: PixFormat::empty(), capture: PixFormat::empty() }
        }
        fn enum_fmt(&self, _dir: Direction, _index: u32) -> Result<FormatDesc, Errno> {
            Err(Errno::EINVAL)
        }
        fn try_fmt(&self, _ctx: &(), _formats: &Formats, _dir: Direction, _fmt: &mut PixFormat) -> Result<(), Errno> {
            Ok(())
        }
        fn device_run(&self, _ctx: &mut (), _job: Job<'_>) -> JobStatus {
            JobStatus::Finished
        }
        fn controls(&self) -> &'static [ControlSpec] {
            self.0
        }
    }

    pub type WideDev = CodecDevice<Wide, 2, 1, 2>;

    /// A device of `table`'s controls, leaked, with one file open.
    pub fn open(table: &'static [ControlSpec]) -> Client<NodeFile<'static, WideDev>> {
        // SAFETY: an arena of no bytes: it hands out no region, so touches no memory.
        static ARENA: MemoryArena<1> = unsafe { MemoryArena::new(core::ptr::null_mut(), 0, 0, 4096) };
        let info = DeviceInfo {
            driver: "wide",
            card: "64-bit controls",
            bus_info: "platform:wide",
            kind: CodecKind::Encoder,
            api: BufferApi::SinglePlanar,
            userptr: false,
            min_output_buffers: 1,
            min_capture_buffers: 1,
        };
        let dev: &'static WideDev = Box::leak(Box::new(WideDev::new(Wide(table), info, &GLUE, &ARENA)));
        keep(dev);
        let fd = dev.open(OpenFlags::NONBLOCK).expect("open");
        Client::new(NodeFile::new(dev, fd))
    }

    pub fn ext_ctrls(c: &Client<NodeFile<'static, WideDev>>, op: CtrlOp, ctrls: &mut [v4l2_ext_control]) -> u32 {
        let reply = c.ext_ctrls(op, 0, ctrls);
        reply.result.unwrap_or_else(|e| panic!("{op:?}: {e:?} at {}", reply.error_idx));
        reply.error_idx
    }
}

#[test]
fn integer64_values_keep_all_64_bits_beside_32_bit_controls() {
    use v4l2m2m_client::CtrlOp;
    use wide::*;
    let c = open(&CONTROLS);
    let all = |near, huge, flag, coarse, last| {
        [ext(NEAR, near), ext64(HUGE, huge), ext(FLAG, flag), ext64(COARSE, coarse), ext(LAST, last)]
    };
    let values = |g: &[v4l2_ext_control; 5]| {
        (ext_value(&g[0]), ext_value64(&g[1]), ext_value(&g[2]), ext_value64(&g[3]), ext_value(&g[4]))
    };
    let mut g = all(0, 0, 0, 0, 0);
    ext_ctrls(&c, CtrlOp::Get, &mut g);
    assert_eq!(values(&g), (-5, -(1 << 40), 1, 0xffff_ffff << 1, -1), "defaults");
    // Values that need the high word, negative ones, and the extremes.
    for (huge, coarse) in [(i64::MIN, 1 << 40), (i64::MAX, 0), (-1, 3 << 32), (0x1234_5678_9abc_def0, 1 << 32)] {
        let mut s = all(-1000, huge, 0, coarse, i32::MIN);
        ext_ctrls(&c, CtrlOp::Set, &mut s);
        assert_eq!(values(&s), (-1000, huge, 0, coarse, i32::MIN));
        let mut g = all(0, 0, 0, 0, 0);
        ext_ctrls(&c, CtrlOp::Get, &mut g);
        assert_eq!(values(&g), (-1000, huge, 0, coarse, i32::MIN), "G_EXT_CTRLS after S_EXT_CTRLS");
        // A 32-bit neighbour written alone leaves both 64-bit values whole.
        assert_eq!(c.s_ctrl(FLAG, 1), Ok(1));
        assert_eq!(c.s_ctrl(LAST, i32::MAX), Ok(i32::MAX));
        let mut g = all(0, 0, 0, 0, 0);
        ext_ctrls(&c, CtrlOp::Get, &mut g);
        assert_eq!(values(&g), (-1000, huge, 1, coarse, i32::MAX));
    }
    // Validation is the same 64-bit arithmetic: rounding to a 2^32 step, clamping.
    let mut s = [ext64(COARSE, (5 << 32) + (1 << 31) - 1), ext64(HUGE, -7)];
    ext_ctrls(&c, CtrlOp::Set, &mut s);
    assert_eq!((ext_value64(&s[0]), ext_value64(&s[1])), (5 << 32, -7));
    let mut s = [ext64(COARSE, i64::MAX)];
    ext_ctrls(&c, CtrlOp::Set, &mut s);
    let mut g = [ext64(COARSE, 0), ext64(HUGE, 0), ext(NEAR, 0)];
    ext_ctrls(&c, CtrlOp::Get, &mut g);
    assert_eq!((ext_value64(&g[0]), ext_value64(&g[1]), ext_value(&g[2])), (1 << 40, -7, -1000));
}

#[test]
fn a_table_with_too_many_integer64_controls_offers_only_those_that_fit() {
    use v4l2m2m::driver::{MAX_CONTROLS, MAX_INTEGER64_CONTROLS};
    use v4l2m2m_client::CtrlOp;
    use wide::*;
    let c = open(&TOO_WIDE);
    let offered = MAX_CONTROLS - 1;
    let id = |i: usize| TOO_WIDE[i].id;
    // Every control up to the last 64-bit one that fits keeps its value...
    let mut g: Vec<_> = (0..offered).map(|i| ext64(id(i), 0)).collect();
    ext_ctrls(&c, CtrlOp::Get, &mut g);
    for (i, got) in g.iter().enumerate().skip(offered - MAX_INTEGER64_CONTROLS) {
        assert_eq!(ext_value64(got), i64::MAX - i as i64);
    }
    let wide = offered - MAX_INTEGER64_CONTROLS..offered;
    let mut s: Vec<_> = wide.clone().map(|i| ext64(id(i), -(i as i64))).collect();
    ext_ctrls(&c, CtrlOp::Set, &mut s);
    let mut g: Vec<_> = (0..offered).map(|i| ext64(id(i), 1)).collect();
    ext_ctrls(&c, CtrlOp::Get, &mut g);
    assert!(g[wide].iter().all(|got| ext_value64(got) == 0), "negative values clamp to the minimum 0");
    // ...and the one past the limit is not offered: its ID is unknown.
    let mut past = [ext64(id(offered), 1)];
    assert_eq!(c.ext_ctrls(CtrlOp::Get, 0, &mut past).result, Err(Errno::EINVAL));
    assert_eq!(c.g_ctrl(id(offered)), Err(Errno::EINVAL));
}
