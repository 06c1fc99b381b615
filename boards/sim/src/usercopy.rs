//! Fault-safe access to application memory on a host process: the board's
//! [`UserMemory`], Linux's `copy_from_user`/`copy_to_user` for applications that share the
//! board's process (the compat layer's `LD_PRELOAD` clients).
//!
//! Copies go through `process_vm_readv`/`process_vm_writev` on the process itself: the
//! kernel walks the page tables and answers `EFAULT` for an unmapped page, a page without
//! the needed protection or a small integer address, instead of the process taking a
//! SIGSEGV. USERPTR planes are probed the same way, one byte per page.

use v4l2m2m::UserMemory;

const PAGE: usize = 4096;

/// Most pages probed with one system call (the kernel's `UIO_MAXIOV`).
const IOVECS: usize = 1024;

/// The process's own memory, reached through the kernel (see the module documentation).
pub struct ProcessMemory;

/// One `process_vm_readv` (`write` false) or `process_vm_writev` between `local` and
/// `remote`; the number of bytes moved, or `None` on a fault.
fn transfer(local: &[libc::iovec], remote: &[libc::iovec], write: bool) -> Option<usize> {
    // SAFETY: the iovec arrays are valid for their lengths; the kernel checks every
    // address they name and fails with EFAULT instead of faulting.
    let n = unsafe {
        let pid = libc::getpid();
        let (l, r) = (local.as_ptr(), remote.as_ptr());
        if write {
            libc::process_vm_writev(pid, l, local.len() as _, r, remote.len() as _, 0)
        } else {
            libc::process_vm_readv(pid, l, local.len() as _, r, remote.len() as _, 0)
        }
    };
    usize::try_from(n).ok()
}

fn copy(local: *mut u8, remote: usize, len: usize, write: bool) -> bool {
    let mut done = 0;
    while done < len {
        let l = libc::iovec { iov_base: local.wrapping_add(done).cast(), iov_len: len - done };
        let r = libc::iovec { iov_base: (remote + done) as *mut libc::c_void, iov_len: len - done };
        match transfer(&[l], &[r], write) {
            // A partial copy stops at the first page that cannot be reached; retrying
            // from there answers the fault.
            Some(n) if n > 0 => done += n,
            _ => return false,
        }
    }
    true
}

impl UserMemory for ProcessMemory {
    unsafe fn copy_from_user(&self, dst: *mut u8, src: usize, len: usize) -> bool {
        src.checked_add(len).is_some() && copy(dst, src, len, false)
    }

    unsafe fn copy_to_user(&self, dst: usize, src: *const u8, len: usize) -> bool {
        dst.checked_add(len).is_some() && copy(src.cast_mut(), dst, len, true)
    }
}

impl ProcessMemory {
    /// Whether every page of `len` bytes at `addr` is readable and, with `write`, writable:
    /// one byte of each page is read (and written back unchanged).
    pub fn accessible(&self, addr: usize, len: usize, write: bool) -> bool {
        let Some(end) = addr.checked_add(len) else { return false };
        if addr == 0 {
            return false;
        }
        let mut page = addr & !(PAGE - 1);
        let mut bytes = vec![0u8; IOVECS];
        while page < end {
            let count = ((end - page).div_ceil(PAGE)).min(IOVECS);
            let local: Vec<libc::iovec> =
                (0..count).map(|i| libc::iovec { iov_base: bytes[i..].as_mut_ptr().cast(), iov_len: 1 }).collect();
            let remote: Vec<libc::iovec> = (0..count)
                .map(|i| {
                    let at = if i == 0 { page.max(addr) } else { page + i * PAGE };
                    libc::iovec { iov_base: at as *mut libc::c_void, iov_len: 1 }
                })
                .collect();
            if transfer(&local, &remote, false) != Some(count)
                || (write && transfer(&local, &remote, true) != Some(count))
            {
                return false;
            }
            page += count * PAGE;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page readable and writable followed by a read-only one, unmapped on drop.
    struct Pages(*mut u8);

    impl Pages {
        fn new() -> Self {
            // SAFETY: a fresh anonymous mapping of two pages, the second made read-only.
            unsafe {
                let p = libc::mmap(
                    core::ptr::null_mut(),
                    2 * PAGE,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                );
                assert_ne!(p, libc::MAP_FAILED);
                assert_eq!(libc::mprotect(p.cast::<u8>().add(PAGE).cast(), PAGE, libc::PROT_READ), 0);
                Pages(p.cast())
            }
        }
        fn addr(&self) -> usize {
            self.0 as usize
        }
    }

    impl Drop for Pages {
        fn drop(&mut self) {
            // SAFETY: unmapping the mapping made in `new`.
            unsafe { libc::munmap(self.0.cast(), 2 * PAGE) };
        }
    }

    #[test]
    fn copies_answer_faults_instead_of_crashing() {
        let pages = Pages::new();
        let mem = ProcessMemory;
        let data = [1u8, 2, 3, 4, 5, 6, 7, 8];
        let mut back = [0u8; 8];
        // SAFETY: `data` and `back` are valid for 8 bytes.
        unsafe {
            assert!(mem.copy_to_user(pages.addr() + PAGE - 8, data.as_ptr(), 8));
            assert!(mem.copy_from_user(back.as_mut_ptr(), pages.addr() + PAGE - 8, 8));
            assert!(!mem.copy_to_user(pages.addr() + PAGE - 4, data.as_ptr(), 8), "straddles into read-only");
            assert!(mem.copy_from_user(back.as_mut_ptr(), pages.addr() + PAGE - 4, 8), "both pages readable");
            assert_eq!(back, [1, 2, 3, 4, 0, 0, 0, 0], "the write stopped at the read-only page");
            assert!(!mem.copy_from_user(back.as_mut_ptr(), 16, 8), "a small integer");
            assert!(!mem.copy_to_user(usize::MAX - 3, data.as_ptr(), 8), "wraps around");
        }
        assert!(mem.accessible(pages.addr(), 2 * PAGE, false));
        assert!(mem.accessible(pages.addr() + 5, PAGE - 5, true));
        assert!(!mem.accessible(pages.addr(), PAGE + 1, true));
        assert!(!mem.accessible(16, 64, false));
    }
}
