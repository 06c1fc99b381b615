//! Which struct each ioctl takes: a [`Request`] pairs an ioctl number with its argument
//! type, and building one checks, at compile time, that the size the number encodes is
//! the size of the type.

use core::marker::PhantomData;
use core::mem::size_of;

use v4l2m2m::abi::*;

/// An ioctl number and the argument type it takes.
pub(crate) struct Request<A> {
    pub(crate) number: u32,
    arg: PhantomData<fn(&mut A)>,
}

impl<A> Request<A> {
    /// Pairs `number` with `A`; evaluated in a `const`, a size mismatch fails the build.
    const fn new(number: u32) -> Self {
        assert!(ioc_size(number) == size_of::<A>(), "ioctl number and argument type disagree");
        Request { number, arg: PhantomData }
    }
}

/// An argument struct the device reads and writes without following a pointer inside it.
///
/// # Safety
/// For the requests it is paired with, every byte the device touches lies inside the
/// struct (a `v4l2_format` of a video type, never the overlay clip list).
pub(crate) unsafe trait Plain {}

// SAFETY: none of these structs holds a pointer the device follows for the requests
// below (buffers and control arrays, which do, have methods of their own).
unsafe impl Plain for v4l2_capability {}
// SAFETY: see above.
unsafe impl Plain for v4l2_fmtdesc {}
// SAFETY: see above (video types only: the client never builds an overlay format).
unsafe impl Plain for v4l2_format {}
// SAFETY: see above.
unsafe impl Plain for v4l2_requestbuffers {}
// SAFETY: see above.
unsafe impl Plain for v4l2_create_buffers {}
// SAFETY: see above.
unsafe impl Plain for v4l2_event {}
// SAFETY: see above.
unsafe impl Plain for v4l2_event_subscription {}
// SAFETY: see above.
unsafe impl Plain for v4l2_decoder_cmd {}
// SAFETY: see above.
unsafe impl Plain for v4l2_encoder_cmd {}
// SAFETY: see above.
unsafe impl Plain for v4l2_selection {}
// SAFETY: see above.
unsafe impl Plain for v4l2_streamparm {}
// SAFETY: see above.
unsafe impl Plain for v4l2_control {}
// SAFETY: STREAMON/STREAMOFF take a plain int, the buffer type.
unsafe impl Plain for u32 {}

pub(crate) const QUERYCAP: Request<v4l2_capability> = Request::new(VIDIOC_QUERYCAP);
pub(crate) const ENUM_FMT: Request<v4l2_fmtdesc> = Request::new(VIDIOC_ENUM_FMT);
pub(crate) const G_FMT: Request<v4l2_format> = Request::new(VIDIOC_G_FMT);
pub(crate) const S_FMT: Request<v4l2_format> = Request::new(VIDIOC_S_FMT);
pub(crate) const TRY_FMT: Request<v4l2_format> = Request::new(VIDIOC_TRY_FMT);
pub(crate) const REQBUFS: Request<v4l2_requestbuffers> = Request::new(VIDIOC_REQBUFS);
pub(crate) const CREATE_BUFS: Request<v4l2_create_buffers> = Request::new(VIDIOC_CREATE_BUFS);
pub(crate) const QUERYBUF: Request<v4l2_buffer> = Request::new(VIDIOC_QUERYBUF);
pub(crate) const QBUF: Request<v4l2_buffer> = Request::new(VIDIOC_QBUF);
pub(crate) const DQBUF: Request<v4l2_buffer> = Request::new(VIDIOC_DQBUF);
pub(crate) const STREAMON: Request<u32> = Request::new(VIDIOC_STREAMON);
pub(crate) const STREAMOFF: Request<u32> = Request::new(VIDIOC_STREAMOFF);
pub(crate) const DECODER_CMD: Request<v4l2_decoder_cmd> = Request::new(VIDIOC_DECODER_CMD);
pub(crate) const TRY_DECODER_CMD: Request<v4l2_decoder_cmd> = Request::new(VIDIOC_TRY_DECODER_CMD);
pub(crate) const ENCODER_CMD: Request<v4l2_encoder_cmd> = Request::new(VIDIOC_ENCODER_CMD);
pub(crate) const TRY_ENCODER_CMD: Request<v4l2_encoder_cmd> = Request::new(VIDIOC_TRY_ENCODER_CMD);
pub(crate) const SUBSCRIBE_EVENT: Request<v4l2_event_subscription> = Request::new(VIDIOC_SUBSCRIBE_EVENT);
pub(crate) const UNSUBSCRIBE_EVENT: Request<v4l2_event_subscription> = Request::new(VIDIOC_UNSUBSCRIBE_EVENT);
pub(crate) const DQEVENT: Request<v4l2_event> = Request::new(VIDIOC_DQEVENT);
pub(crate) const G_CTRL: Request<v4l2_control> = Request::new(VIDIOC_G_CTRL);
pub(crate) const S_CTRL: Request<v4l2_control> = Request::new(VIDIOC_S_CTRL);
pub(crate) const G_EXT_CTRLS: Request<v4l2_ext_controls> = Request::new(VIDIOC_G_EXT_CTRLS);
pub(crate) const S_EXT_CTRLS: Request<v4l2_ext_controls> = Request::new(VIDIOC_S_EXT_CTRLS);
pub(crate) const TRY_EXT_CTRLS: Request<v4l2_ext_controls> = Request::new(VIDIOC_TRY_EXT_CTRLS);
pub(crate) const G_SELECTION: Request<v4l2_selection> = Request::new(VIDIOC_G_SELECTION);
pub(crate) const S_SELECTION: Request<v4l2_selection> = Request::new(VIDIOC_S_SELECTION);
pub(crate) const G_PARM: Request<v4l2_streamparm> = Request::new(VIDIOC_G_PARM);
pub(crate) const S_PARM: Request<v4l2_streamparm> = Request::new(VIDIOC_S_PARM);
