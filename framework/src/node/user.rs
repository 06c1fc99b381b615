//! Application memory as the ioctl decoder sees it: the argument of one ioctl
//! ([`UserArg`]) and the arrays it points to ([`UserSlice`]: plane and control arrays).
//!
//! These two types hold the only reads and writes of application memory in the framework.
//! Each is built once, in an `unsafe` constructor whose contract is the ioctl entry's
//! (the memory is valid for what the request declares); after that every access is a safe,
//! bounds-checked copy of a plain-old-data value, so the ioctl arms contain no `unsafe`.

use core::ffi::c_void;
use core::marker::PhantomData;
use core::mem::size_of;
use core::ptr;

use crate::abi::*;
use crate::error::{Errno, Result};

/// Types for which every bit pattern is a valid value (integers, arrays and unions of
/// them, raw pointers): copying one out of application memory is always defined.
///
/// # Safety
///
/// Implement only for `Copy` types without padding-sensitive invariants, references,
/// `bool`, `char`, enums or niches.
pub(crate) unsafe trait Pod: Copy {}

macro_rules! pod {
    ($($t:ty),* $(,)?) => {
        $(
            // SAFETY: a `#[repr(C)]` mirror of a videodev2.h struct (or a plain integer): its
            // fields are integers, arrays, raw pointers and unions of these only.
            unsafe impl Pod for $t {}
        )*
    };
}

pod!(
    u32,
    i32,
    v4l2_capability,
    v4l2_fmtdesc,
    v4l2_format,
    v4l2_requestbuffers,
    v4l2_create_buffers,
    v4l2_buffer,
    v4l2_plane,
    v4l2_streamparm,
    v4l2_selection,
    v4l2_frmsizeenum,
    v4l2_frmivalenum,
    v4l2_queryctrl,
    v4l2_query_ext_ctrl,
    v4l2_querymenu,
    v4l2_control,
    v4l2_ext_controls,
    v4l2_ext_control,
    v4l2_event_subscription,
    v4l2_event,
    v4l2_encoder_cmd,
    v4l2_decoder_cmd,
);

/// The argument of one ioctl: `len` bytes of application memory at `ptr`, where `len` is
/// the size the request number encodes.
pub(crate) struct UserArg {
    ptr: *mut c_void,
    len: usize,
}

impl UserArg {
    /// The argument of `request` at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` is valid for reads and writes of `ioc_size(request)` bytes for as long as the
    /// value lives (the duration of the ioctl).
    pub(crate) unsafe fn new(ptr: *mut c_void, request: u32) -> Self {
        Self { ptr, len: ioc_size(request) }
    }

    /// Copies the argument in as a `T`; `EFAULT` if the request declares fewer bytes than
    /// a `T` (a request number that does not match its struct).
    pub(crate) fn read<T: Pod>(&self) -> Result<T> {
        if self.ptr.is_null() || size_of::<T>() > self.len {
            return Err(Errno::EFAULT);
        }
        // SAFETY: `new`'s contract makes `ptr` valid for `len >= size_of::<T>()` bytes;
        // `T: Pod` accepts any bytes; an unaligned read accepts any application address.
        Ok(unsafe { ptr::read_unaligned(self.ptr.cast::<T>()) })
    }

    /// Copies `value` out to the argument; `EFAULT` as for [`UserArg::read`].
    pub(crate) fn write<T: Pod>(&self, value: &T) -> Result<()> {
        if self.ptr.is_null() || size_of::<T>() > self.len {
            return Err(Errno::EFAULT);
        }
        // SAFETY: as in `read`, for writes.
        unsafe { ptr::write_unaligned(self.ptr.cast::<T>(), *value) };
        Ok(())
    }
}

/// An array in application memory that an ioctl argument points to: `len` elements of
/// `T` at `base` (the planes of a multi-planar buffer, the controls of EXT_CTRLS).
pub(crate) struct UserSlice<T: Pod> {
    base: *mut T,
    len: usize,
    _elements: PhantomData<T>,
}

impl<T: Pod> UserSlice<T> {
    /// The array of `len` elements at `base`.
    ///
    /// # Safety
    ///
    /// `base` is valid for reads and writes of `len` elements for as long as the value
    /// lives (the duration of the ioctl): the ioctl entry's contract for nested pointers.
    pub(crate) unsafe fn new(base: *mut T, len: usize) -> Self {
        Self { base, len, _elements: PhantomData }
    }

    /// Number of elements.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Copies element `i` in; `EINVAL` past the end.
    pub(crate) fn get(&self, i: usize) -> Result<T> {
        if i >= self.len {
            return Err(Errno::EINVAL);
        }
        // SAFETY: `i < len` and `new`'s contract; `T: Pod`; unaligned reads accept any address.
        Ok(unsafe { ptr::read_unaligned(self.base.add(i)) })
    }

    /// Copies `value` out to element `i`; `EINVAL` past the end.
    pub(crate) fn set(&self, i: usize, value: T) -> Result<()> {
        if i >= self.len {
            return Err(Errno::EINVAL);
        }
        // SAFETY: as in `get`, for writes.
        unsafe { ptr::write_unaligned(self.base.add(i), value) };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_argument_smaller_than_its_type_is_refused() {
        let mut word = 7u32;
        // SAFETY: `word` is valid for the 4 bytes VIDIOC_G_PRIORITY declares.
        let arg = unsafe { UserArg::new((&mut word as *mut u32).cast(), VIDIOC_G_PRIORITY) };
        assert_eq!(arg.read::<u32>(), Ok(7));
        assert_eq!(arg.write(&9u32), Ok(()));
        assert_eq!(word, 9);
        assert_eq!(arg.read::<v4l2_control>().err(), Some(Errno::EFAULT));
    }

    #[test]
    fn array_accesses_stay_within_the_declared_length() {
        let mut planes = [v4l2_plane::zeroed(); 2];
        // SAFETY: `planes` holds the two elements declared.
        let slice = unsafe { UserSlice::new(planes.as_mut_ptr(), 2) };
        let mut p = slice.get(1).unwrap();
        p.bytesused = 5;
        slice.set(1, p).unwrap();
        assert_eq!(slice.get(2).err(), Some(Errno::EINVAL));
        assert_eq!(slice.set(2, p).err(), Some(Errno::EINVAL));
        assert_eq!(planes[1].bytesused, 5);
    }
}
