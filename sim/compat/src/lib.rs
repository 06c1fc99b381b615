//! `v4l2-sim-compat`: an `LD_PRELOAD` library that makes the simulator board's V4L2 nodes
//! appear to unmodified, dynamically linked Linux programs (v4l2-compliance, v4l2-ctl,
//! ffmpeg's h264_v4l2m2m...) as real character devices, the role libcamera's v4l2-compat
//! layer plays for cameras.
//!
//! See docs/compat.md for what is emulated and how. Modules:
//! - [`emul`]: the node map, /sys contents and `stat` values (pure, unit-tested);
//! - [`backend`]: the board's VFS as the layer sees it;
//! - [`media`]: the media controller device emulated for every node (`/dev/mediaN`);
//! - [`state`]: emulated fds, mappings, epoll registrations, directory scans;
//! - `interpose`: the `#[no_mangle]` libc entry points;
//! - `real`: the real libc functions (`dlsym(RTLD_NEXT)`).

#![deny(missing_docs)]

pub mod backend;
#[cfg(feature = "sim-board")]
mod board;
pub mod emul;
pub mod interpose;
#[cfg(feature = "loopback")]
mod loopback;
pub mod media;
#[cfg(feature = "framework")]
pub mod nodes;
mod real;
pub mod state;

pub use backend::{Backend, BufferMap};
