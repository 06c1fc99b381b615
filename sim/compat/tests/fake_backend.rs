//! The interposition machinery against a fake backend: emulated fds are eventfds whose
//! readiness the test sets (waking the threads that watch them), so fd bookkeeping (dup, close, fcntl), poll/select/epoll over
//! mixed emulated and real fds, mmap of buffers, stat, /sys files and /dev scans are
//! checked without the simulator board.
//!
//! The test executable itself defines the interposed symbols, so every libc call in this
//! process (the test harness's included) goes through the layer, as in a preloaded program.

use core::ffi::{c_int, c_void};
use std::collections::HashMap;
use std::ffi::CString;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
use v4l2_sim_compat::interpose as ip;
use v4l2_sim_compat::{state, Backend, BufferMap, Watch};
use v4l2m2m::abi;

const ARENA: usize = 1 << 20;

#[derive(Default)]
struct FakeFile {
    nonblock: bool,
    ready: i16,
    generation: u32,
    watchers: Vec<c_int>,
}

struct Fake {
    files: Mutex<HashMap<c_int, FakeFile>>,
    arena: c_int,
    closes: AtomicUsize,
    maps: AtomicUsize,
    unmaps: AtomicUsize,
}

impl Fake {
    fn signal(&self, fd: c_int, ready: i16) {
        let mut files = self.files.lock().unwrap();
        let f = files.get_mut(&fd).unwrap();
        f.ready = ready;
        f.generation = f.generation.wrapping_add(1);
        for &w in &f.watchers {
            // SAFETY: 8-byte write to a watcher's eventfd.
            unsafe { libc::eventfd_write(w, 1) };
        }
    }
    fn nonblock(&self, fd: c_int) -> bool {
        self.files.lock().unwrap()[&fd].nonblock
    }
}

impl Backend for Fake {
    fn node_paths(&self) -> Vec<String> {
        vec!["/dev/video1".into(), "/dev/video3".into()]
    }
    fn open(&self, _path: &str, nonblock: bool) -> Result<c_int, c_int> {
        // SAFETY: plain syscall wrapper.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        self.files.lock().unwrap().insert(fd, FakeFile { nonblock, ..FakeFile::default() });
        Ok(fd)
    }
    fn close(&self, fd: c_int) -> Result<(), c_int> {
        self.files.lock().unwrap().remove(&fd).ok_or(libc::EBADF)?;
        self.closes.fetch_add(1, Ordering::SeqCst);
        // SAFETY: closing our own eventfd (the layer is bypassed: we are inside it).
        unsafe { libc::close(fd) };
        Ok(())
    }
    unsafe fn ioctl(&self, fd: c_int, request: u32, arg: *mut c_void) -> Result<c_int, c_int> {
        if !self.files.lock().unwrap().contains_key(&fd) {
            return Err(libc::EBADF);
        }
        match request {
            abi::VIDIOC_QUERYCAP => {
                // SAFETY: QUERYCAP's argument is NULL or a `struct v4l2_capability`.
                let Some(cap) = (unsafe { arg.cast::<abi::v4l2_capability>().as_mut() }) else {
                    return Err(libc::EFAULT);
                };
                *cap = abi::v4l2_capability::zeroed();
                cap.driver[..4].copy_from_slice(b"fake");
                cap.card[..8].copy_from_slice(b"Fake M2M");
                Ok(0)
            }
            _ => Err(libc::ENOTTY),
        }
    }
    fn set_nonblock(&self, fd: c_int, nonblock: bool) -> Result<(), c_int> {
        self.files.lock().unwrap().get_mut(&fd).ok_or(libc::EBADF)?.nonblock = nonblock;
        Ok(())
    }
    fn poll(&self, fd: c_int, events: i16) -> Result<i16, c_int> {
        let ready = self.files.lock().unwrap().get(&fd).ok_or(libc::EBADF)?.ready;
        Ok(ready & (events | libc::POLLERR | libc::POLLHUP))
    }
    fn watch(&self, fd: c_int, waiter: c_int) -> Result<Watch, c_int> {
        self.files.lock().unwrap().get_mut(&fd).ok_or(libc::EBADF)?.watchers.push(waiter);
        Ok(Watch { key: fd as usize, waiter })
    }
    fn unwatch(&self, w: Watch) {
        if let Some(f) = self.files.lock().unwrap().get_mut(&(w.key as c_int)) {
            if let Some(i) = f.watchers.iter().position(|&x| x == w.waiter) {
                f.watchers.swap_remove(i);
            }
        }
    }
    fn generation(&self, fd: c_int) -> Result<u32, c_int> {
        Ok(self.files.lock().unwrap().get(&fd).ok_or(libc::EBADF)?.generation)
    }
    fn mmap(&self, _fd: c_int, offset: u64, len: usize) -> Result<BufferMap, c_int> {
        if offset % 4096 != 0 || offset as usize + len > ARENA {
            return Err(libc::EINVAL);
        }
        self.maps.fetch_add(1, Ordering::SeqCst);
        Ok(BufferMap { arena_fd: self.arena, arena_offset: offset, region: (offset as usize, len) })
    }
    fn munmap(&self, _map: &BufferMap) {
        self.unmaps.fetch_add(1, Ordering::SeqCst);
    }
}

fn fake() -> &'static Fake {
    static F: OnceLock<&'static Fake> = OnceLock::new();
    F.get_or_init(|| {
        // SAFETY: plain syscall wrappers.
        let arena = unsafe { libc::memfd_create(c"fake-arena".as_ptr(), libc::MFD_CLOEXEC) };
        assert!(arena >= 0);
        // SAFETY: resizing the memfd created above.
        assert_eq!(unsafe { libc::ftruncate(arena, ARENA as i64) }, 0);
        let f: &'static Fake = Box::leak(Box::new(Fake {
            files: Mutex::new(HashMap::new()),
            arena,
            closes: AtomicUsize::new(0),
            maps: AtomicUsize::new(0),
            unmaps: AtomicUsize::new(0),
        }));
        state::set_backend(f);
        f
    })
}

/// Tests share one process-wide layer; run them one at a time.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static M: Mutex<()> = Mutex::new(());
    fake();
    M.lock().unwrap_or_else(|e| e.into_inner())
}

fn open_node(path: &str, flags: c_int) -> c_int {
    let p = CString::new(path).unwrap();
    // SAFETY: valid C string.
    unsafe { ip::open(p.as_ptr(), flags, 0) }
}

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap()
}

#[test]
fn open_stat_access_and_sysfs() {
    let _s = serial();
    let fd = open_node("/dev/video1", libc::O_RDWR);
    assert!(fd >= 0, "open failed: {}", errno());
    // SAFETY: the shims are called as libc would be: C strings, live buffers of the sizes
    // passed, and fds this test opened.
    unsafe {
        let mut st: libc::stat = core::mem::zeroed();
        assert_eq!(ip::fstat(fd, &mut st), 0);
        assert_eq!(st.st_mode & libc::S_IFMT, libc::S_IFCHR);
        assert_eq!((libc::major(st.st_rdev), libc::minor(st.st_rdev)), (81, 1));
        let mut st2: libc::stat = core::mem::zeroed();
        assert_eq!(ip::stat(c"/dev//video3".as_ptr(), &mut st2), 0);
        assert_eq!(libc::minor(st2.st_rdev), 3);
        let mut sx: libc::statx = core::mem::zeroed();
        assert_eq!(ip::statx(fd, c"".as_ptr(), libc::AT_EMPTY_PATH, libc::STATX_BASIC_STATS, &mut sx), 0);
        assert_eq!((sx.stx_rdev_major, sx.stx_rdev_minor), (81, 1));
        assert_eq!(ip::access(c"/dev/video1".as_ptr(), libc::R_OK | libc::W_OK), 0);
        assert_eq!(ip::stat(c"/dev/video2".as_ptr(), &mut st2), -1);
        assert_eq!(errno(), libc::ENOENT);
        let mut buf = [0i8; 16];
        assert_eq!(ip::readlink(c"/dev/video1".as_ptr(), buf.as_mut_ptr(), 16), -1);
        assert_eq!(errno(), libc::EINVAL);
        // A 1-byte read is V4L2 read() I/O, which the nodes do not support.
        let mut b = 0u8;
        assert_eq!(ip::read(fd, (&mut b as *mut u8).cast(), 1), -1);
        assert_eq!(errno(), libc::EINVAL);
        assert_eq!(ip::close(fd), 0);
    }
    // std's File goes through the interposed open64/read.
    let uevent = std::fs::read_to_string("/sys/dev/char/81:3/uevent").unwrap();
    assert_eq!(uevent, "MAJOR=81\nMINOR=3\nDEVNAME=video3\n");
    assert_eq!(std::fs::read_to_string("/sys/class/video4linux/video1/name").unwrap(), "Fake M2M\n");
    assert_eq!(std::fs::read_to_string("/sys/class/video4linux/video1/dev").unwrap(), "81:1\n");
    // SAFETY: the shims are called as libc would be: C strings, live buffers of the sizes
    // passed, and fds this test opened.
    unsafe {
        let f = ip::fopen(c"/sys/dev/char/81:1/uevent".as_ptr(), c"r".as_ptr());
        assert!(!f.is_null());
        let mut line = [0i8; 64];
        assert!(!libc::fgets(line.as_mut_ptr(), 64, f).is_null());
        assert_eq!(core::ffi::CStr::from_ptr(line.as_ptr()).to_str().unwrap(), "MAJOR=81\n");
        libc::fclose(f);
    }
    assert!(std::fs::read_to_string("/sys/dev/char/81:2/uevent").is_err());
}

#[test]
fn dup_close_and_fcntl_share_one_open() {
    let _s = serial();
    let f = fake();
    let closes = f.closes.load(Ordering::SeqCst);
    let fd = open_node("/dev/video1", libc::O_RDWR | libc::O_NONBLOCK);
    assert!(f.nonblock(fd));
    // SAFETY: the shims are called as libc would be: C strings, live buffers of the sizes
    // passed, and fds this test opened.
    unsafe {
        assert_eq!(
            ip::fcntl(fd, libc::F_GETFL, 0) & (libc::O_ACCMODE | libc::O_NONBLOCK),
            libc::O_RDWR | libc::O_NONBLOCK
        );
        assert_eq!(ip::fcntl(fd, libc::F_SETFL, 0), 0);
        assert!(!f.nonblock(fd));
        assert_eq!(ip::fcntl(fd, libc::F_GETFL, 0) & libc::O_NONBLOCK, 0);
        let on: c_int = 1;
        assert_eq!(ip::ioctl(fd, libc::FIONBIO, (&on as *const c_int) as *mut c_void), 0);
        assert!(f.nonblock(fd));

        let d = ip::dup(fd);
        assert!(d >= 0 && d != fd);
        let mut cap = [0u8; 104];
        assert_eq!(ip::ioctl(d, abi::VIDIOC_QUERYCAP as _, cap.as_mut_ptr().cast()), 0);
        assert_eq!(&cap[..4], b"fake");
        // The flags are those of the open, shared by the duplicate.
        assert_eq!(ip::fcntl(d, libc::F_GETFL, 0) & libc::O_NONBLOCK, libc::O_NONBLOCK);
        // Closing the original keeps the open alive for the duplicate.
        assert_eq!(ip::close(fd), 0);
        assert_eq!(f.closes.load(Ordering::SeqCst), closes);
        assert_eq!(ip::ioctl(d, abi::VIDIOC_QUERYCAP as _, cap.as_mut_ptr().cast()), 0);
        assert_eq!(ip::ioctl(fd, abi::VIDIOC_QUERYCAP as _, cap.as_mut_ptr().cast()), -1);
        assert_eq!(errno(), libc::EBADF);
        let d2 = ip::fcntl(d, libc::F_DUPFD_CLOEXEC, 100);
        assert!(d2 >= 100);
        assert_eq!(ip::close(d), 0);
        assert_eq!(f.closes.load(Ordering::SeqCst), closes);
        assert_eq!(ip::close(d2), 0);
        assert_eq!(f.closes.load(Ordering::SeqCst), closes + 1);
        // dup2 onto an emulated fd releases its open.
        let a = open_node("/dev/video1", libc::O_RDWR);
        let b = open_node("/dev/video3", libc::O_RDWR);
        assert_eq!(ip::dup2(a, b), b);
        assert_eq!(f.closes.load(Ordering::SeqCst), closes + 2);
        assert_eq!(ip::close(a), 0);
        assert_eq!(f.closes.load(Ordering::SeqCst), closes + 2);
        assert_eq!(ip::close(b), 0);
        assert_eq!(f.closes.load(Ordering::SeqCst), closes + 3);
        // Unknown ioctls reach the backend, NULL is its business too.
        let c = open_node("/dev/video1", libc::O_RDWR);
        assert_eq!(ip::ioctl(c, 0xdead, core::ptr::null_mut()), -1);
        assert_eq!(errno(), libc::ENOTTY);
        assert_eq!(ip::close(c), 0);
    }
}

#[test]
fn poll_select_epoll_report_v4l2_readiness() {
    let _s = serial();
    let f = fake();
    let fd = open_node("/dev/video1", libc::O_RDWR);
    let mut pipe = [0 as c_int; 2];
    // SAFETY: the shims are called as libc would be: C strings, live buffers of the sizes
    // passed, and fds this test opened.
    unsafe {
        assert_eq!(libc::pipe(pipe.as_mut_ptr()), 0);
        // Nothing ready: times out.
        let mut p = [libc::pollfd { fd, events: libc::POLLIN | libc::POLLOUT, revents: 0 }];
        let t = Instant::now();
        assert_eq!(ip::poll(p.as_mut_ptr(), 1, 50), 0);
        assert!(t.elapsed() >= Duration::from_millis(45));
        // Readiness from another thread wakes a blocked poll.
        let fdc = fd;
        let th = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            fake().signal(fdc, libc::POLLIN | libc::POLLRDNORM);
        });
        let t = Instant::now();
        assert_eq!(ip::poll(p.as_mut_ptr(), 1, 2000), 1);
        assert!(t.elapsed() < Duration::from_millis(1500));
        assert_eq!(p[0].revents, libc::POLLIN);
        th.join().unwrap();
        // Mixed with a real fd.
        assert_eq!(ip::write(pipe[1], b"x".as_ptr().cast(), 1), 1);
        let mut p2 = [
            libc::pollfd { fd: pipe[0], events: libc::POLLIN, revents: 0 },
            libc::pollfd { fd, events: libc::POLLOUT, revents: 0 },
        ];
        assert_eq!(ip::poll(p2.as_mut_ptr(), 2, 100), 1);
        assert_eq!((p2[0].revents, p2[1].revents), (libc::POLLIN, 0));
        f.signal(fd, libc::POLLOUT | libc::POLLPRI);
        assert_eq!(ip::poll(p2.as_mut_ptr(), 2, 100), 2);
        assert_eq!(p2[1].revents, libc::POLLOUT);

        // select: POLLPRI shows in the exception set (the kernel always asks for it).
        let mut r: libc::fd_set = core::mem::zeroed();
        let mut w: libc::fd_set = core::mem::zeroed();
        let mut e: libc::fd_set = core::mem::zeroed();
        libc::FD_SET(fd, &mut r);
        libc::FD_SET(fd, &mut w);
        libc::FD_SET(fd, &mut e);
        let mut tv = libc::timeval { tv_sec: 2, tv_usec: 0 };
        assert_eq!(ip::select(fd + 1, &mut r, &mut w, &mut e, &mut tv), 2);
        assert!(!libc::FD_ISSET(fd, &r) && libc::FD_ISSET(fd, &w) && libc::FD_ISSET(fd, &e));

        // epoll: registered with no events, then modified, as v4l2-compliance does.
        let ep = libc::epoll_create1(libc::EPOLL_CLOEXEC);
        let mut ev = libc::epoll_event { events: 0, u64: 0 };
        assert_eq!(ip::epoll_ctl(ep, libc::EPOLL_CTL_ADD, fd, &mut ev), 0);
        let mut out = [libc::epoll_event { events: 0, u64: 0 }; 4];
        assert_eq!(ip::epoll_wait(ep, out.as_mut_ptr(), 4, 20), 0);
        let mut ev = libc::epoll_event { events: (libc::EPOLLIN | libc::EPOLLOUT | libc::EPOLLPRI) as u32, u64: 77 };
        assert_eq!(ip::epoll_ctl(ep, libc::EPOLL_CTL_MOD, fd, &mut ev), 0);
        assert_eq!(ip::epoll_wait(ep, out.as_mut_ptr(), 4, 20), 1);
        let (evs, data) = (out[0].events, out[0].u64);
        assert_eq!((evs, data), ((libc::EPOLLOUT | libc::EPOLLPRI) as u32, 77));
        f.signal(fd, 0);
        assert_eq!(ip::epoll_wait(ep, out.as_mut_ptr(), 4, 30), 0);
        let fdc = fd;
        let th = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            fake().signal(fdc, libc::POLLIN);
        });
        assert_eq!(ip::epoll_wait(ep, out.as_mut_ptr(), 4, 2000), 1);
        let evs = out[0].events;
        assert_eq!(evs, libc::EPOLLIN as u32);
        th.join().unwrap();
        // A real fd in the same instance is reported alongside.
        let mut pev = libc::epoll_event { events: libc::EPOLLIN as u32, u64: 5 };
        assert_eq!(ip::epoll_ctl(ep, libc::EPOLL_CTL_ADD, pipe[0], &mut pev), 0);
        assert_eq!(ip::epoll_wait(ep, out.as_mut_ptr(), 4, 100), 2);
        assert_eq!(ip::epoll_ctl(ep, libc::EPOLL_CTL_DEL, fd, core::ptr::null_mut()), 0);
        assert_eq!(ip::epoll_wait(ep, out.as_mut_ptr(), 4, 100), 1);
        let data = out[0].u64;
        assert_eq!(data, 5);
        ip::close(ep);
        ip::close(pipe[0]);
        ip::close(pipe[1]);
        assert_eq!(ip::close(fd), 0);
    }
}

#[test]
fn edge_triggered_epoll_reports_an_fd_once_per_change() {
    let _s = serial();
    let f = fake();
    let fd = open_node("/dev/video1", libc::O_RDWR);
    f.signal(fd, libc::POLLIN);
    // SAFETY: the shims are called as libc would be, with live buffers and fds of the test.
    unsafe {
        let ep = libc::epoll_create1(libc::EPOLL_CLOEXEC);
        let mut ev = libc::epoll_event { events: (libc::EPOLLIN | libc::EPOLLET) as u32, u64: 9 };
        assert_eq!(ip::epoll_ctl(ep, libc::EPOLL_CTL_ADD, fd, &mut ev), 0);
        let mut out = [libc::epoll_event { events: 0, u64: 0 }; 2];
        // Ready when added: reported once, then not again until something changes.
        assert_eq!(ip::epoll_wait(ep, out.as_mut_ptr(), 2, 0), 1);
        assert_eq!(ip::epoll_wait(ep, out.as_mut_ptr(), 2, 20), 0);
        // A change while a thread sleeps wakes it, and is reported once.
        let th = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            fake().signal(fd, libc::POLLIN);
        });
        assert_eq!(ip::epoll_wait(ep, out.as_mut_ptr(), 2, 2000), 1);
        th.join().unwrap();
        assert_eq!(ip::epoll_wait(ep, out.as_mut_ptr(), 2, 0), 0);
        // EPOLL_CTL_MOD re-arms it, as in the kernel.
        assert_eq!(ip::epoll_ctl(ep, libc::EPOLL_CTL_MOD, fd, &mut ev), 0);
        assert_eq!(ip::epoll_wait(ep, out.as_mut_ptr(), 2, 0), 1);
        let data = out[0].u64;
        assert_eq!(data, 9);
        ip::close(ep);
        f.signal(fd, 0);
        assert_eq!(ip::close(fd), 0);
    }
}

#[test]
fn mmap_maps_the_arena_and_munmap_reports_back() {
    let _s = serial();
    let f = fake();
    let fd = open_node("/dev/video1", libc::O_RDWR);
    // SAFETY: the shims are called as libc would be: C strings, live buffers of the sizes
    // passed, and fds this test opened.
    unsafe {
        let maps = f.maps.load(Ordering::SeqCst);
        let p = ip::mmap(core::ptr::null_mut(), 8192, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED, fd, 4096);
        assert_ne!(p, libc::MAP_FAILED);
        assert_eq!(f.maps.load(Ordering::SeqCst), maps + 1);
        core::ptr::write_bytes(p as *mut u8, 0xab, 8192);
        let mut b = [0u8; 4];
        assert_eq!(libc::pread(f.arena, b.as_mut_ptr().cast(), 4, 4096 + 8188), 4);
        assert_eq!(b, [0xab; 4]);
        // Private mappings and bad offsets are refused.
        assert_eq!(ip::mmap(core::ptr::null_mut(), 4096, libc::PROT_READ, libc::MAP_PRIVATE, fd, 0), libc::MAP_FAILED);
        assert_eq!(errno(), libc::EINVAL);
        assert_eq!(
            ip::mmap(core::ptr::null_mut(), 4096, libc::PROT_READ, libc::MAP_SHARED, fd, 0xdeadbeef),
            libc::MAP_FAILED
        );
        let unmaps = f.unmaps.load(Ordering::SeqCst);
        assert_eq!(ip::munmap(p, 8192), 0);
        assert_eq!(f.unmaps.load(Ordering::SeqCst), unmaps + 1);
        assert_eq!(ip::close(fd), 0);
    }
}

#[test]
fn dev_scan_lists_the_nodes() {
    let _s = serial();
    let names: Vec<String> =
        std::fs::read_dir("/dev").unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(names.iter().any(|n| n == "video1"), "{names:?}");
    assert!(names.iter().any(|n| n == "video3"));
    assert!(names.iter().any(|n| n == "null"));
    assert_eq!(names.iter().filter(|n| *n == "video1").count(), 1);
    // SAFETY: the shims are called as libc would be: C strings, live buffers of the sizes
    // passed, and fds this test opened.
    unsafe {
        let d = ip::opendir(c"/dev/".as_ptr());
        let mut found = 0;
        loop {
            let e = ip::readdir(d);
            if e.is_null() {
                break;
            }
            let n = core::ffi::CStr::from_ptr((*e).d_name.as_ptr());
            if n.to_bytes() == b"video3" {
                assert_eq!((*e).d_type, libc::DT_CHR);
                found += 1;
            }
        }
        ip::closedir(d);
        assert_eq!(found, 1);
    }
}

/// The names `opendir`/`readdir` (interposed) list in `path`.
fn scan(path: &std::ffi::CStr) -> Option<Vec<(String, u8)>> {
    // SAFETY: the shims are called as libc would be: C strings, live buffers of the sizes
    // passed, and fds this test opened.
    unsafe {
        let d = ip::opendir(path.as_ptr());
        if d.is_null() {
            return None;
        }
        let mut out = Vec::new();
        loop {
            let e = ip::readdir(d);
            if e.is_null() {
                break;
            }
            let n = core::ffi::CStr::from_ptr((*e).d_name.as_ptr()).to_str().unwrap().to_owned();
            out.push((n, (*e).d_type));
        }
        ip::closedir(d);
        Some(out)
    }
}

#[test]
fn media_device_is_found_as_v4l2_compliance_finds_it() {
    use v4l2_sim_compat::media::*;
    let _s = serial();
    let fd = open_node("/dev/video3", libc::O_RDWR);
    assert!(fd >= 0);
    // SAFETY: the shims are called as libc would be: C strings, live buffers of the sizes
    // passed, and fds this test opened.
    unsafe {
        // mi_get_media_fd(): the video node's device number, then its device directory in /sys.
        let mut st: libc::stat = core::mem::zeroed();
        assert_eq!(ip::fstat(fd, &mut st), 0);
        let dir = format!("/sys/dev/char/{}:{}/device", libc::major(st.st_rdev), libc::minor(st.st_rdev));
        let entries = scan(&CString::new(dir).unwrap()).expect("device directory");
        let media: Vec<&String> = entries.iter().map(|e| &e.0).filter(|n| n.starts_with("media")).collect();
        assert_eq!(media, ["media1"]);
        assert!(scan(c"/sys/dev/char/81:3").unwrap().iter().any(|e| e.0 == "uevent"));
        assert!(scan(c"/sys/dev/char/237:1").unwrap().iter().any(|e| e.0 == "dev"));
        assert!(scan(c"/sys/dev/char/81:3/uevent").is_none());
        assert_eq!(errno(), libc::ENOTDIR);

        let m = open_node("/dev/media1", libc::O_RDWR);
        assert!(m >= 0, "open /dev/media1: {}", errno());
        let mut mst: libc::stat = core::mem::zeroed();
        assert_eq!(ip::fstat(m, &mut mst), 0);
        assert_eq!(mst.st_mode & libc::S_IFMT, libc::S_IFCHR);
        assert_eq!((libc::major(mst.st_rdev), libc::minor(mst.st_rdev)), (MEDIA_MAJOR, 1));
        assert_eq!(ip::stat(c"/dev/media1".as_ptr(), &mut st), 0);
        assert_eq!(st.st_rdev, mst.st_rdev);
        let uevent = std::fs::read_to_string(format!("/sys/dev/char/{MEDIA_MAJOR}:1/uevent")).unwrap();
        assert_eq!(uevent, format!("MAJOR={MEDIA_MAJOR}\nMINOR=1\nDEVNAME=media1\n"));

        let mut info: media_device_info = core::mem::zeroed();
        assert_eq!(ip::ioctl(m, MEDIA_IOC_DEVICE_INFO as _, (&mut info as *mut media_device_info).cast()), 0);
        assert_eq!(&info.driver[..5], b"fake\0");
        assert_eq!(ip::ioctl(m, MEDIA_IOC_DEVICE_INFO as _, core::ptr::null_mut()), -1);
        assert_eq!(errno(), libc::EFAULT);
        // V4L2 ioctls are not media ioctls.
        let mut cap = [0u8; 104];
        assert_eq!(ip::ioctl(m, abi::VIDIOC_QUERYCAP as _, cap.as_mut_ptr().cast()), -1);
        assert_eq!(errno(), libc::ENOTTY);

        // read_topology(): the interface with the video node's number, its link, the entity.
        let mut t: media_v2_topology = core::mem::zeroed();
        assert_eq!(ip::ioctl(m, MEDIA_IOC_G_TOPOLOGY as _, (&mut t as *mut media_v2_topology).cast()), 0);
        let mut ifs = vec![
            media_v2_interface { id: 0, intf_type: 0, flags: 0, reserved: [0; 9], raw: [0; 16] };
            t.num_interfaces as usize
        ];
        let mut ents = vec![
            media_v2_entity { id: 0, name: [0; 64], function: 0, flags: 0, reserved: [0; 5] };
            t.num_entities as usize
        ];
        t.ptr_interfaces = ifs.as_mut_ptr() as u64;
        t.ptr_entities = ents.as_mut_ptr() as u64;
        assert_eq!(ip::ioctl(m, MEDIA_IOC_G_TOPOLOGY as _, (&mut t as *mut media_v2_topology).cast()), 0);
        assert_eq!(ifs.len(), 1);
        assert_eq!({ ifs[0].raw }[..2], [81, 3]);
        // The fake node offers no formats: a plain transform.
        assert_eq!({ ents[1].function }, MEDIA_ENT_F_PROC_VIDEO_SCALER);

        // No read, write or mmap on a media device; poll shows DEFAULT_POLLMASK.
        let mut b = [0u8; 8];
        assert_eq!(ip::read(m, b.as_mut_ptr().cast(), 8), -1);
        assert_eq!(errno(), libc::EINVAL);
        let p = ip::mmap(core::ptr::null_mut(), 4096, libc::PROT_READ, libc::MAP_SHARED, m, 0);
        assert_eq!(p, libc::MAP_FAILED);
        assert_eq!(errno(), libc::ENODEV);
        let mut pfd = libc::pollfd { fd: m, events: libc::POLLIN | libc::POLLPRI, revents: 0 };
        assert_eq!(ip::poll(&mut pfd, 1, 0), 1);
        assert_eq!(pfd.revents, libc::POLLIN);
        let d = ip::dup(m);
        assert_eq!(ip::close(m), 0);
        assert_eq!(ip::ioctl(d, MEDIA_IOC_DEVICE_INFO as _, (&mut info as *mut media_device_info).cast()), 0);
        assert_eq!(ip::close(d), 0);
        assert_eq!(ip::close(fd), 0);
    }
    assert!(open_node("/dev/media2", libc::O_RDWR) < 0);
    let names: Vec<String> =
        std::fs::read_dir("/dev").unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(names.iter().any(|n| n == "media0") && names.iter().any(|n| n == "media1"), "{names:?}");
}
