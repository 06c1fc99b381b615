//! A `#![no_std]` upper half that gives RTOS firmware the Linux V4L2 memory-to-memory
//! (M2M) codec API.
//!
//! Applications open a device node and drive it with the ioctls of Linux's
//! `videodev2.h`, byte for byte. The framework owns every V4L2 rule; codec drivers (lower
//! halves) implement one trait, [`CodecOps`], and never see an application pointer.
//!
//! What lives where:
//! - [`abi`]: `#[repr(C)]` mirrors of `videodev2.h` structs, constants and ioctl numbers.
//! - [`node`]: device registry, file handles, and the ioctl decoder — the one place that
//!   reads application memory.
//! - [`m2m`]: the codec device and its per-open files: queues, formats, controls, events,
//!   drain/seek/source-change rules, and the job scheduler.
//! - [`queue`]: the buffer state machine of one queue.
//! - [`event`], [`ctrl`]: event subscriptions and the control handler.
//! - [`ops`]: [`CodecOps`], the lower-half trait; [`buffer`]: what drivers get and return.
//! - [`memory`], [`os`], [`sync`]: what the board provides (buffer arena, wait/wake) and
//!   the sleeping lock built on it.
//! - [`format`], [`error`]: typed formats and the errno enum.
//!
//! No heap: capacities (files per device, buffers per queue, events per subscription)
//! are const generics, and a whole device can be built in a `static`.

#![no_std]
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod abi;
pub mod buffer;
pub mod ctrl;
pub mod error;
pub mod event;
mod fifo;
mod fmt;
pub mod format;
pub mod m2m;
pub mod memory;
pub mod node;
pub mod ops;
pub mod os;
pub mod queue;
pub mod sync;

pub use buffer::{ActiveBuffer, Completion, DoneFlags, FrameMeta, Timecode, Timestamp};
pub use ctrl::{ControlKind, ControlSpec};
pub use error::{Errno, Result};
pub use event::Event;
pub use format::{BufferApi, Direction, FormatDesc, Formats, FrameSize, PixFormat, PlaneFormat, Rect};
pub use m2m::{CodecDevice, ContextHandle, Job};
pub use memory::{ArenaRegion, BufferArena, MemoryArena};
pub use node::{FileId, Mapping, OpenFlags, PollEvents, Registry, VideoNode};
pub use ops::{CodecCommand, CodecKind, CodecOps, DeviceInfo, JobStatus, QueueStatus, StreamParm};
pub use os::OsGlue;
