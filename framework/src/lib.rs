//! A `#![no_std]` upper half that gives RTOS firmware the Linux V4L2 memory-to-memory
//! (M2M) codec API.
//!
//! Applications open a device node and drive it with the ioctls of Linux's
//! `videodev2.h`, byte for byte. The framework owns every V4L2 rule; codec drivers (lower
//! halves) implement one trait, [`CodecOps`], and never see an application pointer.
//!
//! What lives where:
//! - [`driver`]: everything a codec driver (lower half) uses — the [`CodecOps`] trait,
//!   the job and buffer handles, the interrupt-path helpers, the typed formats and
//!   errors. A vendor reads this module and nothing else.
//! - The board's surface, at the crate root: [`CodecDevice`] (one per device node, built
//!   in a `static`), [`Registry`] and [`VideoNode`] (how the OS reaches nodes), and the two
//!   traits the board implements, [`OsGlue`] (wait/wake, clock, and through
//!   [`UserMemory`] access to application memory) and [`BufferArena`] (buffer
//!   memory; [`MemoryArena`] is a ready one).
//! - [`abi`]: `#[repr(C)]` mirrors of `videodev2.h` structs, constants and ioctl numbers.
//! - Inside (not public): `node` (registry, file ids, the ioctl decoder — the one place
//!   that reads application memory), `m2m` (files, queues, drain/seek/source-change rules,
//!   the job scheduler), `queue` (the buffer state machine), `event`, `ctrl`, `sync`,
//!   `atomic` (read-modify-write on cores without compare-and-swap).
//!
//! No heap: capacities (files per device, buffers per queue, events per subscription)
//! are const generics, and a whole device can be built in a `static`.

#![no_std]
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod abi;
mod atomic;
mod ctrl;
pub mod driver;
mod error;
mod event;
mod fifo;
mod fmt;
mod format;
mod frame;
mod m2m;
mod memory;
mod node;
mod os;
mod queue;
mod sync;

pub use driver::{
    ActiveBuffer, BufferApi, CodecCommand, CodecKind, CodecOps, Completion, ContextHandle, ControlKind, ControlSpec,
    DeviceInfo, Direction, DoneFlags, Errno, Event, FormatDesc, Formats, FourCc, Fraction, FrameMeta, FrameSize, Job,
    JobStatus, PixFormat, PlaneFormat, QueueStatus, Rect, Result, StreamParm, Timecode, Timestamp,
};
pub use m2m::CodecDevice;
pub use memory::{ArenaRegion, BufferArena, MemoryArena};
pub use node::{FileId, Mapping, OpenFlags, PollEvents, Registry, VideoNode};
pub use os::{OsGlue, UserMemory, WaitOutcome};

/// The porting guide (docs/porting-guide.md), whose code blocks run as doctests so that
/// the guide always builds against this framework.
#[cfg(doctest)]
#[doc = include_str!("../../docs/porting-guide.md")]
pub struct PortingGuide;
