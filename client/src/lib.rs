//! The application side of the V4L2 memory-to-memory API, `#![no_std]` and without a heap.
//!
//! A [`Client`] makes the ioctls of `videodev2.h` with the framework's [`abi`] structs and
//! answers with typed results: [`Client::dqbuf`] says whether a buffer came back, whether
//! it was the last one of a drain ([`DqBuf::LastBuffer`]), whether nothing is ready yet
//! (`EAGAIN`: [`DqBuf::NotReady`]) or whether the queue has ended (`EPIPE`:
//! [`DqBuf::EndOfStream`]). How an ioctl reaches the device is a [`Transport`]: on a
//! firmware it is a direct call into a [`VideoNode`] ([`NodeFile`]); a host program
//! implements it over its own `ioctl(2)` path in a few lines.
//!
//! What lives where:
//! - [`transport`]: the [`Transport`] trait and [`NodeFile`].
//! - [`client`]: [`Client`], one method per ioctl, and the typed results [`DqBuf`] and
//!   [`CtrlsReply`].
//! - `arg` (inside): which struct each ioctl takes, checked against the size its request
//!   number encodes.
//!
//! [`abi`]: v4l2m2m::abi
//! [`VideoNode`]: v4l2m2m::VideoNode

#![no_std]
#![deny(missing_docs)]

mod arg;
pub mod client;
pub mod transport;

pub use client::{Client, CtrlOp, CtrlsReply, DqBuf};
pub use transport::{NodeFile, Transport};
