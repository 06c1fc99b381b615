//! Application memory as the ioctl decoder sees it: the argument of one ioctl
//! ([`UserArg`]) and the arrays it points to ([`UserSlice`]: plane and control arrays).
//!
//! Every read and write of application memory in the framework goes through
//! [`User::copy_in`] and [`User::copy_out`]: the board's fault-safe copies when it supplies
//! them ([`UserMemory`], Linux's `copy_from_user`/`copy_to_user`), direct ones on a flat
//! firmware. A fault is `EFAULT`, never a crash. On top of these, three typed helpers —
//! [`UserArg::read`], [`UserArg::write`] and [`UserArg::update`] — move whole plain-old-data
//! structs, so the ioctl arms contain no `unsafe`.

use core::mem::{size_of, MaybeUninit};
use core::ptr;

use crate::abi::*;
use crate::error::{Errno, Result};
use crate::os::UserMemory;

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

/// The path to application memory for one ioctl: the board's copies, or direct ones.
#[derive(Clone, Copy)]
pub(crate) struct User<'a> {
    board: Option<&'a dyn UserMemory>,
}

impl<'a> User<'a> {
    /// Application memory reached through `board`, or directly when it is `None`.
    ///
    /// # Safety
    ///
    /// With `board` `None`, every non-NULL address the decoder is given during the ioctl
    /// (the argument, and nested arrays within their declared lengths) is valid for reads
    /// and writes: the ioctl entry's contract on a flat firmware.
    pub(crate) unsafe fn new(board: Option<&'a dyn UserMemory>) -> Self {
        Self { board }
    }

    /// Copies `len` bytes at application address `src` to `dst`; `EFAULT` for NULL, a
    /// range that wraps, or one the board cannot read.
    ///
    /// # Safety
    ///
    /// `dst` is valid for writes of `len` bytes.
    #[inline(never)]
    unsafe fn copy_in(&self, dst: *mut u8, src: usize, len: usize) -> Result<()> {
        if src == 0 || src.checked_add(len).is_none() {
            return Err(Errno::EFAULT);
        }
        match self.board {
            // SAFETY: the caller's contract on `dst`.
            Some(board) => unsafe { board.copy_from_user(dst, src, len) }.then_some(()).ok_or(Errno::EFAULT),
            None => {
                // SAFETY: `new`'s contract makes `src` valid for `len` bytes; the caller's
                // makes `dst` valid; application memory never overlaps the framework's
                // locals. An untyped byte copy accepts any alignment.
                unsafe { ptr::copy_nonoverlapping(src as *const u8, dst, len) };
                Ok(())
            }
        }
    }

    /// Copies `len` bytes from `src` to application address `dst`; `EFAULT` as for
    /// [`User::copy_in`], for writes.
    ///
    /// # Safety
    ///
    /// `src` is valid for reads of `len` bytes.
    #[inline(never)]
    unsafe fn copy_out(&self, dst: usize, src: *const u8, len: usize) -> Result<()> {
        if dst == 0 || dst.checked_add(len).is_none() {
            return Err(Errno::EFAULT);
        }
        match self.board {
            // SAFETY: the caller's contract on `src`.
            Some(board) => unsafe { board.copy_to_user(dst, src, len) }.then_some(()).ok_or(Errno::EFAULT),
            None => {
                // SAFETY: as in `copy_in`, in the other direction.
                unsafe { ptr::copy_nonoverlapping(src, dst as *mut u8, len) };
                Ok(())
            }
        }
    }

    /// Copies `N` consecutive values of `T` in from `addr` (a whole array, as Linux copies
    /// plane and control arrays before looking at them).
    fn read_array<T: Pod, const N: usize>(&self, addr: usize, count: usize) -> Result<[T; N]> {
        let count = count.min(N);
        let mut out = MaybeUninit::<[T; N]>::zeroed();
        // SAFETY: `out` has room for `N >= count` values of `T`.
        unsafe { self.copy_in(out.as_mut_ptr().cast(), addr, count * size_of::<T>()) }?;
        // SAFETY: zero bytes, some of them overwritten with application bytes, are a valid
        // `[T; N]` because `T: Pod` accepts every bit pattern.
        Ok(unsafe { out.assume_init() })
    }

    /// Copies `values` out to consecutive `T`s at `addr`.
    fn write_array<T: Pod>(&self, addr: usize, values: &[T]) -> Result<()> {
        // SAFETY: `values` is valid for reads of its own size.
        unsafe { self.copy_out(addr, values.as_ptr().cast(), core::mem::size_of_val(values)) }
    }
}

/// The argument of one ioctl: `len` bytes of application memory at `addr`, where `len` is
/// the size the request number encodes.
pub(crate) struct UserArg<'a> {
    user: User<'a>,
    addr: usize,
    len: usize,
}

impl<'a> UserArg<'a> {
    /// The argument of `request` at application address `addr`.
    pub(crate) fn new(user: User<'a>, addr: usize, request: u32) -> Self {
        Self { user, addr, len: ioc_size(request) }
    }

    /// Copies the argument in as a `T`; `EFAULT` if it cannot be read, or if the request
    /// declares fewer bytes than a `T` (a request number that does not match its struct).
    pub(crate) fn read<T: Pod>(&self) -> Result<T> {
        let mut value = MaybeUninit::<T>::zeroed();
        // SAFETY: `value` is valid for writes of a `T`.
        unsafe { self.copy_in(value.as_mut_ptr().cast(), size_of::<T>()) }?;
        // SAFETY: zero bytes overwritten with application bytes are a valid `T` because
        // `T: Pod` accepts every bit pattern.
        Ok(unsafe { value.assume_init() })
    }

    /// Copies the argument in over `value`, in place (the buffer ioctls' struct is read
    /// once into the decoder's frame and written back from there); `EFAULT` as for
    /// [`UserArg::read`], `value` then unspecified.
    pub(crate) fn read_into<T: Pod>(&self, value: &mut T) -> Result<()> {
        // SAFETY: `value` is valid for writes of a `T`; any bytes copied in are a valid
        // `T` because `T: Pod` accepts every bit pattern.
        unsafe { self.copy_in((value as *mut T).cast(), size_of::<T>()) }
    }

    /// Copies `value` out to the argument; `EFAULT` as for [`UserArg::read`].
    pub(crate) fn write<T: Pod>(&self, value: &T) -> Result<()> {
        // SAFETY: `value` is valid for reads of a `T`.
        unsafe { self.copy_out((value as *const T).cast(), size_of::<T>()) }
    }

    /// The argument's first `size` bytes copied to `dst` (one copy of the size check and
    /// the copy for every argument type); `EFAULT` when the request declares fewer.
    ///
    /// # Safety
    ///
    /// `dst` is valid for writes of `size` bytes.
    #[inline(never)]
    unsafe fn copy_in(&self, dst: *mut u8, size: usize) -> Result<()> {
        if size > self.len {
            return Err(Errno::EFAULT);
        }
        // SAFETY: the caller's contract on `dst`.
        unsafe { self.user.copy_in(dst, self.addr, size) }
    }

    /// `size` bytes at `src` copied to the argument; `EFAULT` as for [`UserArg::copy_in`].
    ///
    /// # Safety
    ///
    /// `src` is valid for reads of `size` bytes.
    #[inline(never)]
    unsafe fn copy_out(&self, src: *const u8, size: usize) -> Result<()> {
        if size > self.len {
            return Err(Errno::EFAULT);
        }
        // SAFETY: the caller's contract on `src`.
        unsafe { self.user.copy_out(self.addr, src, size) }
    }

    /// Copies the argument in, lets `f` turn it into the answer, and copies that out (not
    /// when `f` fails: the argument is then left as it was).
    pub(crate) fn update<T: Pod>(&self, mut f: impl FnMut(&mut T) -> Result<()>) -> Result<()> {
        self.update_bytes(size_of::<T>(), &mut |buf| f(buf.get()))
    }

    /// The body of [`UserArg::update`], one copy for every argument type: the argument's
    /// first `size` bytes copied into a zeroed [`ArgBuf`] (`EFAULT` when the request
    /// declares fewer), `f`, and the same bytes copied out.
    #[inline(never)]
    fn update_bytes(&self, size: usize, f: &mut dyn FnMut(&mut ArgBuf) -> Result<()>) -> Result<()> {
        let mut buf = ArgBuf::zeroed();
        let size = size.min(size_of::<ArgBuf>());
        // SAFETY: `buf` is valid for writes of `size <= size_of::<ArgBuf>()` bytes; any
        // bytes copied in leave its members valid, all of them plain old data.
        unsafe { self.copy_in((&mut buf as *mut ArgBuf).cast(), size) }?;
        f(&mut buf)?;
        // SAFETY: `buf` is valid for reads of `size` bytes.
        unsafe { self.copy_out((&buf as *const ArgBuf).cast(), size) }
    }
}

/// An ioctl argument copied into the decoder's frame whole, as Linux's `video_usercopy`
/// copies it: room for the largest argument [`UserArg::update`] handles, aligned for each
/// of them. [`UserArg::update_bytes`] copies it in and out for every argument type; the
/// operation works on the typed view [`ArgBuf::get`] gives.
#[repr(C)]
union ArgBuf {
    capability: v4l2_capability,
    fmtdesc: v4l2_fmtdesc,
    format: v4l2_format,
    requestbuffers: v4l2_requestbuffers,
    create_buffers: v4l2_create_buffers,
    streamparm: v4l2_streamparm,
    selection: v4l2_selection,
    frmsizeenum: v4l2_frmsizeenum,
    frmivalenum: v4l2_frmivalenum,
    queryctrl: v4l2_queryctrl,
    query_ext_ctrl: v4l2_query_ext_ctrl,
    querymenu: v4l2_querymenu,
    control: v4l2_control,
    event_subscription: v4l2_event_subscription,
    event: v4l2_event,
    encoder_cmd: v4l2_encoder_cmd,
    decoder_cmd: v4l2_decoder_cmd,
    word: u32,
}

impl ArgBuf {
    /// All zero bytes (those past the argument's size stay so).
    fn zeroed() -> Self {
        // SAFETY: every member is plain old data, for which all-zero bytes are a value.
        unsafe { MaybeUninit::<Self>::zeroed().assume_init() }
    }

    /// The argument as a `T` (one of the members: the compiler checks that `T` fits and
    /// is aligned for the buffer).
    fn get<T: Pod>(&mut self) -> &mut T {
        const { assert!(size_of::<T>() <= size_of::<Self>() && core::mem::align_of::<T>() <= core::mem::align_of::<Self>()) };
        // SAFETY: the buffer has room for a `T` at a suitable alignment (checked above),
        // and its bytes, all initialised, are a valid `T` because `T: Pod` accepts every
        // bit pattern; `&mut self` makes the view exclusive.
        unsafe { &mut *(self as *mut Self).cast::<T>() }
    }
}

/// An array in application memory that an ioctl argument points to: `len` elements of
/// `T` at `base` (the planes of a multi-planar buffer, the controls of EXT_CTRLS).
pub(crate) struct UserSlice<'a, T: Pod> {
    user: User<'a>,
    base: usize,
    len: usize,
    _elements: core::marker::PhantomData<T>,
}

impl<'a, T: Pod> UserSlice<'a, T> {
    /// The array of `len` elements at application address `base`.
    pub(crate) fn new(user: User<'a>, base: usize, len: usize) -> Self {
        Self { user, base, len, _elements: core::marker::PhantomData }
    }

    /// Number of elements.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn address(&self, i: usize) -> Result<usize> {
        if i >= self.len {
            return Err(Errno::EINVAL);
        }
        i.checked_mul(size_of::<T>()).and_then(|off| self.base.checked_add(off)).ok_or(Errno::EFAULT)
    }

    /// Copies element `i` in; `EINVAL` past the end, `EFAULT` if it cannot be read.
    pub(crate) fn get(&self, i: usize) -> Result<T> {
        let addr = self.address(i)?;
        self.user.read_array::<T, 1>(addr, 1).map(|[v]| v)
    }

    /// Copies `value` out to element `i`; `EINVAL` past the end, `EFAULT` if it cannot be
    /// written.
    pub(crate) fn set(&self, i: usize, value: T) -> Result<()> {
        let addr = self.address(i)?;
        self.user.write_array(addr, core::slice::from_ref(&value))
    }

    /// Copies the first `min(len, N)` elements in at once.
    pub(crate) fn read_all<const N: usize>(&self) -> Result<[T; N]> {
        self.user.read_array(self.base, self.len)
    }

    /// Copies `values` out over the first elements (at most `len`).
    pub(crate) fn write_all(&self, values: &[T]) -> Result<()> {
        self.user.write_array(self.base, &values[..values.len().min(self.len)])
    }

    /// `EFAULT` unless every element can be read and, with `write`, written back: the
    /// whole array is copied in chunks of `CHUNK` elements (and each chunk copied back
    /// unchanged), as Linux copies a control array in before it validates it and out
    /// after the operation.
    pub(crate) fn check_whole<const CHUNK: usize>(&self, write: bool) -> Result<()> {
        let mut start = 0;
        while start < self.len {
            let count = (self.len - start).min(CHUNK);
            let addr = self.address(start)?;
            let chunk = self.user.read_array::<T, CHUNK>(addr, count)?;
            if write {
                self.user.write_array(addr, &chunk[..count])?;
            }
            start += count;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct() -> User<'static> {
        // SAFETY: the tests below pass only addresses of their own live locals.
        unsafe { User::new(None) }
    }

    #[test]
    fn an_argument_smaller_than_its_type_is_refused() {
        let mut word = 7u32;
        let arg = UserArg::new(direct(), &mut word as *mut u32 as usize, VIDIOC_G_PRIORITY);
        assert_eq!(arg.read::<u32>(), Ok(7));
        assert_eq!(arg.write(&9u32), Ok(()));
        assert_eq!(
            arg.update(|w: &mut u32| {
                *w += 1;
                Ok(())
            }),
            Ok(())
        );
        assert_eq!(arg.update(|_: &mut u32| Err(Errno::EINVAL)), Err(Errno::EINVAL));
        assert_eq!(word, 10);
        assert_eq!(arg.read::<v4l2_control>().err(), Some(Errno::EFAULT));
        assert_eq!(UserArg::new(direct(), 0, VIDIOC_G_PRIORITY).read::<u32>(), Err(Errno::EFAULT));
    }

    #[test]
    fn array_accesses_stay_within_the_declared_length() {
        let mut planes = [v4l2_plane::zeroed(); 2];
        let slice = UserSlice::<v4l2_plane>::new(direct(), planes.as_mut_ptr() as usize, 2);
        let mut p = slice.get(1).unwrap();
        p.bytesused = 5;
        slice.set(1, p).unwrap();
        assert_eq!(slice.get(2).err(), Some(Errno::EINVAL));
        assert_eq!(slice.set(2, p).err(), Some(Errno::EINVAL));
        assert_eq!(slice.check_whole::<1>(true), Ok(()));
        let all: [v4l2_plane; 4] = slice.read_all().unwrap();
        assert_eq!((all[1].bytesused, all[2].bytesused), (5, 0));
        assert_eq!(planes[1].bytesused, 5);
    }

    /// A board whose memory is one 64-byte window at address 0x1000, of which the last
    /// 16 bytes are read-only.
    struct Window(core::cell::UnsafeCell<[u8; 64]>);

    // SAFETY: the tests use a window from one thread only.
    unsafe impl Sync for Window {}

    impl Window {
        fn range(addr: usize, len: usize, write: bool) -> Option<usize> {
            let end = if write { 48 } else { 64 };
            let off = addr.checked_sub(0x1000)?;
            (off.checked_add(len)? <= end).then_some(off)
        }
    }

    impl UserMemory for Window {
        unsafe fn copy_from_user(&self, dst: *mut u8, src: usize, len: usize) -> bool {
            let Some(off) = Self::range(src, len, false) else { return false };
            // SAFETY: `off + len` is within the window; `dst` is the caller's.
            unsafe { ptr::copy_nonoverlapping(self.0.get().cast::<u8>().add(off), dst, len) };
            true
        }

        unsafe fn copy_to_user(&self, dst: usize, src: *const u8, len: usize) -> bool {
            let Some(off) = Self::range(dst, len, true) else { return false };
            // SAFETY: as above, for writes.
            unsafe { ptr::copy_nonoverlapping(src, self.0.get().cast::<u8>().add(off), len) };
            true
        }
    }

    #[test]
    fn faults_of_the_board_copies_are_efault() {
        let window = Window(core::cell::UnsafeCell::new([0; 64]));
        // SAFETY: a board copy: no address needs to be valid.
        let user = unsafe { User::new(Some(&window)) };
        let word = UserArg::new(user, 0x1000 + 40, VIDIOC_G_PRIORITY);
        assert_eq!(word.write(&3u32), Ok(()));
        assert_eq!(word.read::<u32>(), Ok(3));
        let read_only = UserArg::new(user, 0x1000 + 48, VIDIOC_G_PRIORITY);
        assert_eq!(read_only.read::<u32>(), Ok(0));
        assert_eq!(read_only.write(&3u32), Err(Errno::EFAULT));
        assert_eq!(UserArg::new(user, 0x1000 + 62, VIDIOC_G_PRIORITY).read::<u32>(), Err(Errno::EFAULT));
        assert_eq!(UserArg::new(user, 16, VIDIOC_G_PRIORITY).read::<u32>(), Err(Errno::EFAULT));
        let controls = UserSlice::<u32>::new(user, 0x1000 + 32, 8);
        assert_eq!(controls.check_whole::<3>(false), Ok(()));
        assert_eq!(controls.check_whole::<3>(true), Err(Errno::EFAULT));
        assert_eq!(UserSlice::<u32>::new(user, 0x1000 + 32, 9).check_whole::<3>(false), Err(Errno::EFAULT));
    }
}
