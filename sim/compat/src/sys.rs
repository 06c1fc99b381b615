//! Small helpers shared by the layers: errno, C strings, the debug log.

use crate::state::Inside;
use core::ffi::{c_char, c_int, CStr};
use std::string::String;

/// Sets the calling thread's `errno`.
pub(crate) fn set_errno(e: c_int) {
    // SAFETY: `__errno_location` returns the calling thread's errno, valid for writes for
    // the life of the thread.
    unsafe { *libc::__errno_location() = e };
}

/// The calling thread's `errno`.
pub(crate) fn errno() -> c_int {
    // SAFETY: as in `set_errno`, valid for reads.
    unsafe { *libc::__errno_location() }
}

/// Sets `errno` to `e` and returns `ret` (the C idiom `errno = e; return -1;`).
pub(crate) fn fail<T>(e: c_int, ret: T) -> T {
    set_errno(e);
    ret
}

/// The UTF-8 string behind a C string pointer; `None` for NULL or invalid UTF-8.
///
/// # Safety
///
/// `p` must be NULL or point to a NUL-terminated string that stays valid and unchanged for
/// `'a`.
pub(crate) unsafe fn cstr<'a>(p: *const c_char) -> Option<&'a str> {
    if p.is_null() {
        return None;
    }
    // SAFETY: non-null and NUL-terminated by the caller's contract.
    unsafe { CStr::from_ptr(p) }.to_str().ok()
}

/// Logs a line on stderr when `V4L2_SIM_DEBUG` is set (the message is only built then).
pub(crate) fn debug(msg: impl FnOnce() -> String) {
    use std::sync::OnceLock;
    static ON: OnceLock<bool> = OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("V4L2_SIM_DEBUG").is_some()) {
        let _in = Inside::enter();
        eprintln!("v4l2-sim-compat: {}", msg());
    }
}
