//! Codec commands (DECODER_CMD, ENCODER_CMD and their TRY_ forms) and events
//! (SUBSCRIBE_EVENT, UNSUBSCRIBE_EVENT, DQEVENT).

use v4l2m2m::abi::*;
use v4l2m2m::Errno;

use super::Client;
use crate::arg;
use crate::transport::Transport;

impl<T: Transport> Client<T> {
    /// VIDIOC_DECODER_CMD, or VIDIOC_TRY_DECODER_CMD when `try_only`; `c` is updated to
    /// what the device accepted.
    pub fn decoder_cmd(&self, c: &mut v4l2_decoder_cmd, try_only: bool) -> Result<(), Errno> {
        let request = if try_only { arg::TRY_DECODER_CMD } else { arg::DECODER_CMD };
        self.call(request, c).map(drop)
    }

    /// VIDIOC_ENCODER_CMD, or VIDIOC_TRY_ENCODER_CMD when `try_only`; `c` is updated to
    /// what the device accepted.
    pub fn encoder_cmd(&self, c: &mut v4l2_encoder_cmd, try_only: bool) -> Result<(), Errno> {
        let request = if try_only { arg::TRY_ENCODER_CMD } else { arg::ENCODER_CMD };
        self.call(request, c).map(drop)
    }

    /// VIDIOC_SUBSCRIBE_EVENT of event `type_` (control `id` for control events).
    pub fn subscribe_event(&self, type_: u32, id: u32, flags: u32) -> Result<(), Errno> {
        let mut s = v4l2_event_subscription::zeroed();
        s.type_ = type_;
        s.id = id;
        s.flags = flags;
        self.call(arg::SUBSCRIBE_EVENT, &mut s).map(drop)
    }

    /// VIDIOC_UNSUBSCRIBE_EVENT of event `type_` and `id` (`V4L2_EVENT_ALL`: every one).
    pub fn unsubscribe_event(&self, type_: u32, id: u32) -> Result<(), Errno> {
        let mut s = v4l2_event_subscription::zeroed();
        s.type_ = type_;
        s.id = id;
        self.call(arg::UNSUBSCRIBE_EVENT, &mut s).map(drop)
    }

    /// VIDIOC_DQEVENT: the oldest pending event (`ENOENT` when none is pending).
    pub fn dqevent(&self) -> Result<v4l2_event, Errno> {
        let mut e = v4l2_event::zeroed();
        self.call(arg::DQEVENT, &mut e).map(|_| e)
    }
}
