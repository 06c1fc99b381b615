//! The one error type of the framework: the errno value an application sees.

use core::fmt;

/// An errno-style error. Its numeric value (see [`Errno::code`]) is exactly what a
/// Linux application receives in `errno` when the ioctl, open or mmap fails.
///
/// Lower halves return it from [`CodecOps`](crate::CodecOps) methods; the framework
/// passes it through unchanged, so a driver chooses the value the application sees.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[repr(i32)]
#[allow(clippy::upper_case_acronyms)]
pub enum Errno {
    /// Operation not permitted (for instance, a priority held by another file handle).
    EPERM = 1,
    /// No such device node.
    ENOENT = 2,
    /// Interrupted while waiting.
    EINTR = 4,
    /// Input/output error from the hardware or codec.
    EIO = 5,
    /// The device went away.
    ENXIO = 6,
    /// Argument list too long (an array larger than the framework accepts).
    E2BIG = 7,
    /// Unknown file handle.
    EBADF = 9,
    /// Nothing ready for a non-blocking call.
    EAGAIN = 11,
    /// Buffer memory exhausted.
    ENOMEM = 12,
    /// Access denied (read-only control written, write-only control read).
    EACCES = 13,
    /// Bad address from the application (NULL argument or array pointer).
    EFAULT = 14,
    /// Resource busy: a commit point was passed, or memory is still mapped.
    EBUSY = 16,
    /// Invalid argument.
    EINVAL = 22,
    /// Too many open files on this device.
    EMFILE = 24,
    /// Ioctl not supported by this device.
    ENOTTY = 25,
    /// No space left (event or buffer slots exhausted).
    ENOSPC = 28,
    /// The last buffer was already dequeued; the queue is drained.
    EPIPE = 32,
    /// Value out of range.
    ERANGE = 34,
    /// Data not available (no selection, no such menu entry).
    ENODATA = 61,
    /// Operation not supported in the current configuration.
    EOPNOTSUPP = 95,
}

impl Errno {
    /// The positive errno number, as in Linux's `<asm-generic/errno-base.h>` and `errno.h`.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The symbolic name, e.g. `"EINVAL"`.
    pub const fn name(self) -> &'static str {
        match self {
            Errno::EPERM => "EPERM",
            Errno::ENOENT => "ENOENT",
            Errno::EINTR => "EINTR",
            Errno::EIO => "EIO",
            Errno::ENXIO => "ENXIO",
            Errno::E2BIG => "E2BIG",
            Errno::EBADF => "EBADF",
            Errno::EAGAIN => "EAGAIN",
            Errno::ENOMEM => "ENOMEM",
            Errno::EACCES => "EACCES",
            Errno::EFAULT => "EFAULT",
            Errno::EBUSY => "EBUSY",
            Errno::EINVAL => "EINVAL",
            Errno::EMFILE => "EMFILE",
            Errno::ENOTTY => "ENOTTY",
            Errno::ENOSPC => "ENOSPC",
            Errno::EPIPE => "EPIPE",
            Errno::ERANGE => "ERANGE",
            Errno::ENODATA => "ENODATA",
            Errno::EOPNOTSUPP => "EOPNOTSUPP",
        }
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.code())
    }
}

/// Result with the framework's [`Errno`].
pub type Result<T> = core::result::Result<T, Errno>;
