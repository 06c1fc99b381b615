//! The client against a scripted transport: what reaches the device for each call, and
//! how each answer becomes a typed result.

use std::cell::RefCell;
use std::ffi::c_void;

use v4l2m2m::abi::*;
use v4l2m2m::Errno;
use v4l2m2m_client::{Client, CtrlOp, CtrlsReply, DqBuf, Transport};

/// A device that records every request and answers with the next scripted result,
/// setting the buffer flags it is told to on a DQBUF.
#[derive(Default)]
struct Script {
    calls: RefCell<Vec<u32>>,
    answers: RefCell<Vec<(Result<i32, Errno>, u32)>>,
    /// For buffer requests: the plane pointer and length the device saw.
    planes_seen: RefCell<Vec<(usize, u32)>>,
}

impl Script {
    fn answering(answers: &[(Result<i32, Errno>, u32)]) -> Self {
        let s = Script::default();
        s.answers.borrow_mut().extend(answers.iter().rev());
        s
    }
}

impl Transport for Script {
    unsafe fn ioctl(&self, request: u32, arg: *mut c_void) -> Result<i32, Errno> {
        self.calls.borrow_mut().push(request);
        let (result, flags) = self.answers.borrow_mut().pop().unwrap_or((Ok(0), 0));
        if ioc_size(request) == size_of::<v4l2_buffer>() && ioc_type(request) == b'V' {
            // SAFETY: every buffer request of the client passes a live v4l2_buffer.
            let buf = unsafe { &mut *arg.cast::<v4l2_buffer>() };
            // SAFETY: a union read of the pointer the client set (or left zero).
            let planes = unsafe { buf.m.planes } as usize;
            self.planes_seen.borrow_mut().push((planes, buf.length));
            buf.flags = flags;
        }
        result
    }
}

fn buffer(type_: u32, memory: u32) -> v4l2_buffer {
    let mut b = v4l2_buffer::zeroed();
    b.type_ = type_;
    b.memory = memory;
    b
}

#[test]
fn dqbuf_names_a_buffer_the_last_buffer_not_ready_and_end_of_stream() {
    let script = Script::answering(&[
        (Ok(0), 0),
        (Ok(0), V4L2_BUF_FLAG_LAST),
        (Err(Errno::EAGAIN), 0),
        (Err(Errno::EPIPE), 0),
        (Err(Errno::EINVAL), 0),
    ]);
    let client = Client::new(&script);
    let mut b = buffer(V4L2_BUF_TYPE_VIDEO_CAPTURE, V4L2_MEMORY_MMAP);
    assert_eq!(client.dqbuf(&mut b, None), Ok(DqBuf::Buffer));
    assert_eq!(client.dqbuf(&mut b, None), Ok(DqBuf::LastBuffer));
    assert_eq!(client.dqbuf(&mut b, None), Ok(DqBuf::NotReady));
    assert_eq!(client.dqbuf(&mut b, None), Ok(DqBuf::EndOfStream));
    assert_eq!(client.dqbuf(&mut b, None), Err(Errno::EINVAL), "other errors stay errors");
    assert!(DqBuf::Buffer.has_buffer() && DqBuf::LastBuffer.has_buffer());
    assert!(!DqBuf::NotReady.has_buffer() && !DqBuf::EndOfStream.has_buffer());
    assert_eq!(*script.calls.borrow(), vec![VIDIOC_DQBUF; 5]);
}

#[test]
fn a_multi_planar_buffer_points_at_the_plane_slice_of_each_call() {
    let script = Script::default();
    let client = Client::new(&script);
    let mut planes = [v4l2_plane::zeroed(); 3];
    let mut b = buffer(V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, V4L2_MEMORY_MMAP);
    client.querybuf(&mut b, Some(&mut planes[..2])).unwrap();
    client.qbuf(&mut b, None).unwrap();
    let seen = script.planes_seen.borrow().clone();
    assert_eq!(seen, vec![(planes.as_ptr() as usize, 2), (0, 0)], "the slice, then no array at all");
    assert_eq!(*script.calls.borrow(), vec![VIDIOC_QUERYBUF, VIDIOC_QBUF]);
}

#[test]
fn a_single_planar_buffer_keeps_its_offset_and_length() {
    let script = Script::default();
    let client = Client::new(&script);
    let mut planes = [v4l2_plane::zeroed(); 1];
    let mut b = buffer(V4L2_BUF_TYPE_VIDEO_CAPTURE, V4L2_MEMORY_MMAP);
    b.m.offset = 0x1234;
    b.length = 4096;
    client.qbuf(&mut b, Some(&mut planes)).unwrap();
    // SAFETY: a union read of the member written above.
    assert_eq!(unsafe { b.m.offset }, 0x1234);
    assert_eq!(b.length, 4096);
}

#[test]
fn a_userptr_buffer_needs_the_unsafe_queue_call() {
    let script = Script::default();
    let client = Client::new(&script);
    let mut memory = vec![0u8; 64];
    let mut b = buffer(V4L2_BUF_TYPE_VIDEO_CAPTURE, V4L2_MEMORY_USERPTR);
    b.m.userptr = memory.as_mut_ptr() as _;
    b.length = 64;
    assert_eq!(client.qbuf(&mut b, None), Err(Errno::EINVAL));
    assert!(script.calls.borrow().is_empty(), "refused without reaching the device");
    // SAFETY: `memory` outlives the scripted device, which never touches it.
    unsafe { client.qbuf_userptr(&mut b, None) }.unwrap();
    assert_eq!(*script.calls.borrow(), vec![VIDIOC_QBUF]);
}

#[test]
fn ext_ctrls_report_the_error_index_and_refuse_compound_controls() {
    let script = Script::answering(&[(Err(Errno::ERANGE), 0)]);
    let client = Client::new(&script);
    let mut controls = [v4l2_ext_control::zeroed(); 2];
    let reply = client.ext_ctrls(CtrlOp::Set, V4L2_CTRL_CLASS_CODEC, &mut controls);
    assert_eq!(reply.result, Err(Errno::ERANGE));
    assert_eq!(reply.ok(), Err((Errno::ERANGE, 0)));
    controls[1].size = 16;
    let refused = client.ext_ctrls(CtrlOp::Try, V4L2_CTRL_CLASS_CODEC, &mut controls);
    assert_eq!(refused, CtrlsReply { result: Err(Errno::EINVAL), error_idx: 1 });
    assert_eq!(*script.calls.borrow(), vec![VIDIOC_S_EXT_CTRLS], "the compound control never reached it");
    let _ = client.ext_ctrls(CtrlOp::Get, 0, &mut []);
    let _ = client.ext_ctrls(CtrlOp::Try, 0, &mut []);
    assert_eq!(*script.calls.borrow(), vec![VIDIOC_S_EXT_CTRLS, VIDIOC_G_EXT_CTRLS, VIDIOC_TRY_EXT_CTRLS]);
}

#[test]
fn each_call_makes_its_own_request() {
    let script = Script::default();
    let c = Client::new(&script);
    let t = V4L2_BUF_TYPE_VIDEO_OUTPUT;
    c.querycap().unwrap();
    c.enum_fmt(t, 0).unwrap();
    let mut f = c.g_fmt(t).unwrap();
    c.s_fmt(&mut f).unwrap();
    c.try_fmt(&mut f).unwrap();
    c.reqbufs(t, V4L2_MEMORY_MMAP, 2).unwrap();
    c.create_bufs(&mut v4l2_create_buffers::zeroed()).unwrap();
    c.streamon(t).unwrap();
    c.streamoff(t).unwrap();
    c.decoder_cmd(&mut v4l2_decoder_cmd::zeroed(), false).unwrap();
    c.decoder_cmd(&mut v4l2_decoder_cmd::zeroed(), true).unwrap();
    c.encoder_cmd(&mut v4l2_encoder_cmd::zeroed(), false).unwrap();
    c.encoder_cmd(&mut v4l2_encoder_cmd::zeroed(), true).unwrap();
    c.subscribe_event(V4L2_EVENT_EOS, 0, 0).unwrap();
    c.unsubscribe_event(V4L2_EVENT_ALL, 0).unwrap();
    c.dqevent().unwrap();
    c.g_ctrl(V4L2_CID_MPEG_VIDEO_GOP_SIZE).unwrap();
    c.s_ctrl(V4L2_CID_MPEG_VIDEO_GOP_SIZE, 3).unwrap();
    c.g_selection(t, V4L2_SEL_TGT_CROP).unwrap();
    c.s_selection(&mut v4l2_selection::zeroed()).unwrap();
    c.g_parm(t).unwrap();
    c.s_parm(&mut v4l2_streamparm::zeroed()).unwrap();
    let expected = [
        VIDIOC_QUERYCAP,
        VIDIOC_ENUM_FMT,
        VIDIOC_G_FMT,
        VIDIOC_S_FMT,
        VIDIOC_TRY_FMT,
        VIDIOC_REQBUFS,
        VIDIOC_CREATE_BUFS,
        VIDIOC_STREAMON,
        VIDIOC_STREAMOFF,
        VIDIOC_DECODER_CMD,
        VIDIOC_TRY_DECODER_CMD,
        VIDIOC_ENCODER_CMD,
        VIDIOC_TRY_ENCODER_CMD,
        VIDIOC_SUBSCRIBE_EVENT,
        VIDIOC_UNSUBSCRIBE_EVENT,
        VIDIOC_DQEVENT,
        VIDIOC_G_CTRL,
        VIDIOC_S_CTRL,
        VIDIOC_G_SELECTION,
        VIDIOC_S_SELECTION,
        VIDIOC_G_PARM,
        VIDIOC_S_PARM,
    ];
    assert_eq!(*script.calls.borrow(), expected);
}
