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
//! - [`interpose`]: the `#[no_mangle]` libc entry points, one thin shim each, over three
//!   layers: `fds` (the fd and mmap manager), `wait` (the poll, select and epoll
//!   engines), `view` (the /dev and /sys view: path resolution, stat, access,
//!   directory scans) and `udev` (the sysfs class and udev database entries libudev reads,
//!   materialised as a real directory tree);
//! - `real`: the real libc functions (`dlsym(RTLD_NEXT)`).
//!
//! # A vendor's own compat library
//!
//! A crate outside this tree that drives the simulator board with its own devices builds
//! its own preload library: a `cdylib` crate depending on this one (feature `sim-board`,
//! without `openh264` unless it also wants the in-tree decoder) whose whole source is
//!
//! ```ignore
//! fn setup(board: &'static sim_board::Board) {
//!     // build the devices and board.register(path, device, memory) each one
//! }
//! v4l2_sim_compat::serve!(setup);
//! ```
//!
//! and runs unmodified tools against it with `scripts/v4l2-sim-run --lib PATH -- CMD`.
//! [`serve!`] installs `setup` from a library constructor; the board runs it once, when the
//! first emulated call starts the board. The interposed entry points of this crate are
//! exported from the vendor's library as they are from this crate's own `cdylib`.

#![deny(missing_docs)]

pub mod backend;
#[cfg(feature = "sim-board")]
mod board;
pub mod emul;
mod fds;
pub mod interpose;
#[cfg(feature = "loopback")]
mod loopback;
pub mod media;
#[cfg(feature = "framework")]
pub mod nodes;
mod real;
pub mod state;
mod sys;
mod udev;
mod view;
mod wait;

pub use backend::{Backend, BufferMap, Watch};
#[cfg(feature = "sim-board")]
pub use board::{install_setup, Setup};
/// The simulator board crate, for the setup function of [`serve!`].
#[cfg(feature = "sim-board")]
pub use sim_board;

/// Serves the simulator board with the devices `setup` registers: the one line of a
/// vendor's compat library (see [the crate documentation](crate#a-vendors-own-compat-library)).
///
/// `setup` is a `fn(&'static sim_board::Board)`; it is installed by a constructor of the
/// library (an `.init_array` entry, run when the dynamic loader loads it, before the
/// program's `main`) and runs once, when the first emulated call starts the board.
#[cfg(feature = "sim-board")]
#[macro_export]
macro_rules! serve {
    ($setup:path) => {
        #[used]
        #[link_section = ".init_array"]
        static V4L2_SIM_COMPAT_SERVE: extern "C" fn() = {
            extern "C" fn v4l2_sim_compat_serve() {
                let _ = $crate::install_setup($setup);
            }
            v4l2_sim_compat_serve
        };
    };
}
