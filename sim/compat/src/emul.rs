//! What the emulated nodes look like from the outside: paths, device numbers, the files
//! under /sys that tools read, and what `stat` says. Pure functions, unit-tested.

use std::string::String;
use std::vec::Vec;

/// Linux's character-device major number for V4L2 video nodes.
pub const VIDEO_MAJOR: u32 = 81;

/// One emulated node: the path applications open, and the board node behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeMap {
    /// The path a program opens, e.g. `/dev/video1`.
    pub app_path: String,
    /// The path under which the board registered the node (its registry name).
    pub board_path: String,
    /// The minor device number shown by `stat` and used in /sys/dev/char/81:MINOR.
    pub minor: u32,
}

impl NodeMap {
    /// The name relative to /dev, as udev writes it in `DEVNAME=` (e.g. `video1`).
    pub fn devname(&self) -> &str {
        self.app_path.strip_prefix("/dev/").unwrap_or_else(|| basename(&self.app_path))
    }
}

/// The last component of a path.
pub fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Collapses repeated slashes and `.` components and drops a trailing slash, so that
/// `/dev//video1` and `/dev/./video1/` name the same node as `/dev/video1`. `..` is resolved
/// lexically (the emulated nodes live in plain directories, no symlinks involved).
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    let mut out = String::with_capacity(path.len());
    for p in &parts {
        out.push('/');
        out.push_str(p);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// The number at the end of a node name (`/dev/video12` → 12).
pub fn trailing_number(path: &str) -> Option<u32> {
    let name = basename(path);
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 6 {
        return None;
    }
    name[name.len() - digits..].parse().ok()
}

/// Builds the node map.
///
/// `spec` is the `V4L2_SIM_NODES` environment variable: a comma-separated list of
/// `APP_PATH=BOARD_PATH` entries (`/dev/video11=/dev/video1`), or of bare board paths that
/// appear under their own name. Without it every node the board registered appears under
/// the path it was registered with. Board nodes that the spec does not mention still
/// appear under their own path unless another entry already uses that path, so that every
/// registered node stays reachable. Minor numbers come from the number at the end of the
/// app path (`video3` → 3), or, when that is missing or taken, from 64 upwards.
///
/// With `exclusive` (`V4L2_SIM_EXCLUSIVE=1`), only the nodes the spec names appear: a test
/// can then show a client exactly one node.
pub fn build_map(spec: Option<&str>, board_paths: &[String], exclusive: bool) -> Result<Vec<NodeMap>, String> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let Some(spec) = spec {
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (app, board) = entry.split_once('=').map_or((entry, entry), |(a, b)| (a.trim(), b.trim()));
            if !app.starts_with('/') {
                return Err(format!("V4L2_SIM_NODES: '{app}' is not an absolute path"));
            }
            let (app, board) = (normalize(app), normalize(board));
            if !board_paths.iter().any(|p| normalize(p) == board) {
                return Err(format!(
                    "V4L2_SIM_NODES: the board has no node '{board}' (it has: {})",
                    board_paths.join(", ")
                ));
            }
            if pairs.iter().any(|(a, _)| *a == app) {
                return Err(format!("V4L2_SIM_NODES: '{app}' is mapped twice"));
            }
            pairs.push((app, board));
        }
    }
    for board in board_paths.iter().map(|p| normalize(p)).filter(|_| !(exclusive && spec.is_some())) {
        if !pairs.iter().any(|(_, b)| *b == board) && !pairs.iter().any(|(a, _)| *a == board) {
            pairs.push((board.clone(), board));
        }
    }
    let mut out: Vec<NodeMap> = Vec::with_capacity(pairs.len());
    for (app_path, board_path) in pairs {
        let wanted = trailing_number(&app_path).filter(|m| !out.iter().any(|n| n.minor == *m));
        let minor = match wanted {
            Some(m) => m,
            None => (64..).find(|m| !out.iter().any(|n| n.minor == *m)).unwrap_or(64),
        };
        out.push(NodeMap { app_path, board_path, minor });
    }
    Ok(out)
}

/// Whether a path may name an emulated node or one of its /sys files, judged without the
/// board (so that programs touching unrelated files never start the simulator): the paths
/// configured in `V4L2_SIM_NODES`, and V4L2-style names under /dev (where the board's
/// nodes appear by default).
pub fn may_be_emulated(path: &str, configured: Option<&[String]>) -> bool {
    if path.starts_with("/sys/") {
        return path.starts_with("/sys/dev/char/") || path.starts_with("/sys/class/video4linux");
    }
    if configured.is_some_and(|list| list.iter().any(|p| p == path)) {
        return true;
    }
    match path.strip_prefix("/dev/") {
        Some(name) => ["video", "v4l", "media", "radio", "vbi", "swradio"].iter().any(|p| name.starts_with(p)),
        None => false,
    }
}

/// A file under /sys describing a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SysAttr {
    /// `uevent`: MAJOR, MINOR, DEVNAME (read by v4l2-compliance and v4l2-ctl to find
    /// the device type and the /dev name from a device number).
    Uevent,
    /// `dev`: `MAJOR:MINOR`.
    Dev,
    /// `name`: the card name (from VIDIOC_QUERYCAP); video nodes only.
    Name,
    /// `index`: the node index within its device (always 0: one node per device); video nodes only.
    Index,
    /// `model`: the media device's model (the card name); media nodes only.
    Model,
}

/// A device the layer shows: video node `i` of the node map, or its media device
/// (`/dev/media<i>`, one per video node, as `v4l2_m2m_register_media_controller()` makes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dev {
    /// Video node `i` of the node map (`81:minor`).
    Video(usize),
    /// The media device of video node `i` (`/dev/media<i>`).
    Media(usize),
}

/// What a /sys path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SysItem {
    /// The device's directory (`/sys/dev/char/MAJ:MIN`).
    Dir,
    /// A video node's parent device directory (`.../device`), which holds `media<i>`.
    DeviceDir,
    /// An attribute file.
    Attr(SysAttr),
}

/// The /dev name of media device `i`.
pub fn media_devname(i: usize) -> String {
    format!("media{i}")
}

/// The /dev path of media device `i`.
pub fn media_path(i: usize) -> String {
    format!("/dev/media{i}")
}

/// The media device a path names (`/dev/media<i>` with `i` a node index).
pub fn media_by_path(path: &str, nodes: &[NodeMap]) -> Option<usize> {
    let n: usize = path.strip_prefix("/dev/media")?.parse().ok()?;
    (n < nodes.len() && media_path(n) == path).then_some(n)
}

fn attr_of(name: &str, dev: Dev) -> Option<SysAttr> {
    Some(match (name, dev) {
        ("uevent", _) => SysAttr::Uevent,
        ("dev", _) => SysAttr::Dev,
        ("name", Dev::Video(_)) => SysAttr::Name,
        ("index", Dev::Video(_)) => SysAttr::Index,
        ("model", Dev::Media(_)) => SysAttr::Model,
        _ => return None,
    })
}

/// What a /sys path names: `/sys/dev/char/81:N[/attr]`, `/sys/dev/char/81:N/device`,
/// `/sys/dev/char/81:N/device/media<i>[/attr]`, `/sys/dev/char/237:i[/attr]`, and
/// `/sys/class/video4linux/videoN/...` like the first three.
pub fn classify_sysfs(path: &str, nodes: &[NodeMap]) -> Option<(Dev, SysItem)> {
    let (video, rest) = if let Some(rest) = path.strip_prefix("/sys/dev/char/") {
        let (num, rest) = rest.split_once('/').unwrap_or((rest, ""));
        let (maj, min) = num.split_once(':')?;
        let (maj, min): (u32, u32) = (maj.parse().ok()?, min.parse().ok()?);
        if maj == crate::media::MEDIA_MAJOR {
            let i = min as usize;
            if i >= nodes.len() {
                return None;
            }
            return match rest {
                "" => Some((Dev::Media(i), SysItem::Dir)),
                a => Some((Dev::Media(i), SysItem::Attr(attr_of(a, Dev::Media(i))?))),
            };
        }
        if maj != VIDEO_MAJOR {
            return None;
        }
        (nodes.iter().position(|n| n.minor == min)?, rest)
    } else if let Some(rest) = path.strip_prefix("/sys/class/video4linux/") {
        let (name, rest) = rest.split_once('/').unwrap_or((rest, ""));
        (nodes.iter().position(|n| n.devname() == name || basename(&n.app_path) == name)?, rest)
    } else {
        return None;
    };
    let dev = Dev::Video(video);
    match rest {
        "" => Some((dev, SysItem::Dir)),
        "device" => Some((dev, SysItem::DeviceDir)),
        _ => {
            if let Some(m) = rest.strip_prefix("device/") {
                let (name, attr) = m.split_once('/').unwrap_or((m, ""));
                if name != media_devname(video) {
                    return None;
                }
                let media = Dev::Media(video);
                return match attr {
                    "" => Some((media, SysItem::Dir)),
                    a => Some((media, SysItem::Attr(attr_of(a, media)?))),
                };
            }
            Some((dev, SysItem::Attr(attr_of(rest, dev)?)))
        }
    }
}

/// The entries of an emulated /sys directory: name and `d_type`.
pub fn sysfs_dir_entries(dev: Dev, item: SysItem) -> Vec<(String, u8)> {
    let mut v: Vec<(String, u8)> = vec![(".".into(), libc::DT_DIR), ("..".into(), libc::DT_DIR)];
    let files: &[&str] = match (dev, item) {
        (Dev::Video(_), SysItem::Dir) => &["dev", "index", "name", "uevent"],
        (Dev::Media(_), SysItem::Dir) => &["dev", "model", "uevent"],
        (Dev::Video(i), SysItem::DeviceDir) => {
            v.push((media_devname(i), libc::DT_DIR));
            &[]
        }
        _ => &[],
    };
    v.extend(files.iter().map(|f| (f.to_string(), libc::DT_REG)));
    if matches!((dev, item), (Dev::Video(_), SysItem::Dir)) {
        // A symbolic link to the parent device in sysfs.
        v.push(("device".into(), libc::DT_LNK));
    }
    v
}

/// The text of a /sys attribute file, as the kernel formats it.
pub fn sysfs_content(dev: Dev, nodes: &[NodeMap], attr: SysAttr, card: &str) -> String {
    let (major, minor, devname) = match dev {
        Dev::Video(i) => (VIDEO_MAJOR, nodes[i].minor, nodes[i].devname().to_string()),
        Dev::Media(i) => (crate::media::MEDIA_MAJOR, i as u32, media_devname(i)),
    };
    match attr {
        SysAttr::Uevent => format!("MAJOR={major}\nMINOR={minor}\nDEVNAME={devname}\n"),
        SysAttr::Dev => format!("{major}:{minor}\n"),
        SysAttr::Name | SysAttr::Model => format!("{card}\n"),
        SysAttr::Index => "0\n".into(),
    }
}

/// `makedev` as glibc defines it.
pub fn makedev(major: u32, minor: u32) -> u64 {
    let (ma, mi) = (major as u64, minor as u64);
    ((ma & 0xffff_f000) << 32) | ((ma & 0xfff) << 8) | ((mi & 0xffff_ff00) << 12) | (mi & 0xff)
}

/// The fields `stat` reports for an emulated node (a character device owned by root,
/// group `video`, mode 0660, on devtmpfs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeStat {
    /// File type and permission bits (`st_mode`).
    pub mode: u32,
    /// Device number of the node itself (`st_rdev`).
    pub rdev: u64,
    /// Device number of the file system holding the node (`st_dev`; devtmpfs).
    pub dev: u64,
    /// Inode number (`st_ino`).
    pub ino: u64,
    /// Owner user id (`st_uid`).
    pub uid: u32,
    /// Owner group id (`st_gid`).
    pub gid: u32,
    /// Hard link count (`st_nlink`).
    pub nlink: u64,
    /// Preferred I/O block size (`st_blksize`).
    pub blksize: i64,
    /// Access, modification and change time, in seconds since the epoch.
    pub time: i64,
}

/// What `stat` says about node `node`.
pub fn node_stat(node: &NodeMap, time: i64) -> NodeStat {
    NodeStat {
        mode: libc::S_IFCHR | 0o660,
        rdev: makedev(VIDEO_MAJOR, node.minor),
        dev: makedev(0, 5),
        ino: 0x5634_0000 + node.minor as u64,
        uid: 0,
        gid: 44,
        nlink: 1,
        blksize: 4096,
        time,
    }
}

/// What `stat` says about media device `i` (`/dev/media<i>`).
pub fn media_stat(i: usize, time: i64) -> NodeStat {
    NodeStat {
        mode: libc::S_IFCHR | 0o660,
        rdev: makedev(crate::media::MEDIA_MAJOR, i as u32),
        dev: makedev(0, 5),
        ino: 0x5635_0000 + i as u64,
        uid: 0,
        gid: 44,
        nlink: 1,
        blksize: 4096,
        time,
    }
}

/// Fills a `struct stat` (identical to `struct stat64` on 64-bit Linux).
pub fn fill_stat(st: &NodeStat, out: &mut libc::stat) {
    // SAFETY: `struct stat` is plain old data; all-zero is a valid value.
    *out = unsafe { core::mem::zeroed() };
    out.st_mode = st.mode;
    out.st_rdev = st.rdev;
    out.st_dev = st.dev;
    out.st_ino = st.ino;
    out.st_uid = st.uid;
    out.st_gid = st.gid;
    out.st_nlink = st.nlink as _;
    out.st_blksize = st.blksize as _;
    out.st_atime = st.time;
    out.st_mtime = st.time;
    out.st_ctime = st.time;
}

/// Fills a `struct statx`.
pub fn fill_statx(st: &NodeStat, out: &mut libc::statx) {
    // SAFETY: `struct statx` is plain old data; all-zero is a valid value.
    *out = unsafe { core::mem::zeroed() };
    out.stx_mask = libc::STATX_BASIC_STATS;
    out.stx_blksize = st.blksize as u32;
    out.stx_nlink = st.nlink as u32;
    out.stx_uid = st.uid;
    out.stx_gid = st.gid;
    out.stx_mode = st.mode as u16;
    out.stx_ino = st.ino;
    for t in [&mut out.stx_atime, &mut out.stx_ctime, &mut out.stx_mtime] {
        t.tv_sec = st.time;
    }
    out.stx_rdev_major = (((st.rdev >> 8) & 0xfff) | ((st.rdev >> 32) & 0xffff_f000)) as u32;
    out.stx_rdev_minor = (st.rdev & 0xff) as u32 | ((st.rdev >> 12) & 0xffff_ff00) as u32;
    out.stx_dev_major = 0;
    out.stx_dev_minor = 5;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board() -> Vec<String> {
        vec!["/dev/video1".into(), "/dev/video3".into()]
    }

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize("/dev//video1"), "/dev/video1");
        assert_eq!(normalize("/dev/./video1/"), "/dev/video1");
        assert_eq!(normalize("/dev/x/../video1"), "/dev/video1");
        assert_eq!(normalize("/"), "/");
    }

    #[test]
    fn default_map_is_identity_with_minor_from_name() {
        let m = build_map(None, &board(), false).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0], NodeMap { app_path: "/dev/video1".into(), board_path: "/dev/video1".into(), minor: 1 });
        assert_eq!(m[1].minor, 3);
        assert_eq!(m[1].devname(), "video3");
    }

    #[test]
    fn spec_remaps_and_keeps_every_board_node_reachable() {
        let m = build_map(Some("/dev/video11=/dev/video1"), &board(), false).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].app_path, "/dev/video11");
        assert_eq!(m[0].minor, 11);
        assert_eq!(m[1].app_path, "/dev/video3");
        // Swapping two paths works and collisions of minors are resolved.
        let m = build_map(Some("/dev/video3=/dev/video1,/dev/video1=/dev/video3"), &board(), false).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].minor, m[1].minor), (3, 1));
        let m = build_map(Some("/tmp/dec=/dev/video1"), &board(), false).unwrap();
        assert_eq!(m[0].minor, 64);
        assert_eq!(m[0].devname(), "dec");
        let m = build_map(Some("/dev/video3"), &board(), true).unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].board_path, "/dev/video3");
    }

    #[test]
    fn spec_errors() {
        assert!(build_map(Some("/dev/video9=/dev/video7"), &board(), false).is_err());
        assert!(build_map(Some("video1=/dev/video1"), &board(), false).is_err());
        assert!(build_map(Some("/dev/a=/dev/video1,/dev/a=/dev/video3"), &board(), false).is_err());
    }

    #[test]
    fn sysfs_paths_and_content() {
        let m = build_map(None, &board(), false).unwrap();
        let v = |i| Dev::Video(i);
        assert_eq!(classify_sysfs("/sys/dev/char/81:3/uevent", &m), Some((v(1), SysItem::Attr(SysAttr::Uevent))));
        assert_eq!(classify_sysfs("/sys/dev/char/81:3", &m), Some((v(1), SysItem::Dir)));
        assert_eq!(classify_sysfs("/sys/dev/char/81:4/uevent", &m), None);
        assert_eq!(classify_sysfs("/sys/dev/char/10:3/uevent", &m), None);
        assert_eq!(classify_sysfs("/sys/dev/char/81:3/model", &m), None);
        assert_eq!(
            classify_sysfs("/sys/class/video4linux/video1/name", &m),
            Some((v(0), SysItem::Attr(SysAttr::Name)))
        );
        assert_eq!(classify_sysfs("/sys/class/video4linux/video1/device", &m), Some((v(0), SysItem::DeviceDir)));
        assert_eq!(classify_sysfs("/sys/dev/char/81:3/device", &m), Some((v(1), SysItem::DeviceDir)));
        assert_eq!(classify_sysfs("/sys/dev/char/81:3/device/media1", &m), Some((Dev::Media(1), SysItem::Dir)));
        assert_eq!(classify_sysfs("/sys/dev/char/81:3/device/media0", &m), None);
        assert_eq!(
            classify_sysfs("/sys/dev/char/81:3/device/media1/dev", &m),
            Some((Dev::Media(1), SysItem::Attr(SysAttr::Dev)))
        );
        assert_eq!(classify_sysfs("/sys/dev/char/237:1", &m), Some((Dev::Media(1), SysItem::Dir)));
        assert_eq!(
            classify_sysfs("/sys/dev/char/237:0/uevent", &m),
            Some((Dev::Media(0), SysItem::Attr(SysAttr::Uevent)))
        );
        assert_eq!(
            classify_sysfs("/sys/dev/char/237:0/model", &m),
            Some((Dev::Media(0), SysItem::Attr(SysAttr::Model)))
        );
        assert_eq!(classify_sysfs("/sys/dev/char/237:0/name", &m), None);
        assert_eq!(classify_sysfs("/sys/dev/char/237:2", &m), None);
        assert_eq!(sysfs_content(v(1), &m, SysAttr::Uevent, "x"), "MAJOR=81\nMINOR=3\nDEVNAME=video3\n");
        assert_eq!(sysfs_content(v(1), &m, SysAttr::Dev, "x"), "81:3\n");
        assert_eq!(sysfs_content(v(1), &m, SysAttr::Name, "sim-dec"), "sim-dec\n");
        assert_eq!(sysfs_content(Dev::Media(1), &m, SysAttr::Uevent, "x"), "MAJOR=237\nMINOR=1\nDEVNAME=media1\n");
        assert_eq!(sysfs_content(Dev::Media(1), &m, SysAttr::Dev, "x"), "237:1\n");
        let names: Vec<String> = sysfs_dir_entries(v(1), SysItem::DeviceDir).into_iter().map(|e| e.0).collect();
        assert_eq!(names, [".", "..", "media1"]);
        assert!(sysfs_dir_entries(v(0), SysItem::Dir).iter().any(|e| e.0 == "device" && e.1 == libc::DT_LNK));
        assert_eq!(media_by_path("/dev/media1", &m), Some(1));
        assert_eq!(media_by_path("/dev/media2", &m), None);
        assert_eq!(media_by_path("/dev/media01", &m), None);
    }

    #[test]
    fn quick_filter() {
        assert!(may_be_emulated("/dev/video1", None));
        assert!(!may_be_emulated("/dev/null", None));
        assert!(!may_be_emulated("/tmp/video1", None));
        assert!(may_be_emulated("/sys/dev/char/81:1/uevent", None));
        assert!(!may_be_emulated("/sys/kernel/mm", None));
        let list = vec!["/tmp/dec".to_string()];
        assert!(may_be_emulated("/tmp/dec", Some(&list)));
        assert!(may_be_emulated("/dev/video1", Some(&list)));
        assert!(!may_be_emulated("/tmp/other", Some(&list)));
    }

    #[test]
    fn device_numbers_match_glibc() {
        // SAFETY: pure arithmetic functions.
        let want = libc::makedev(81, 3);
        assert_eq!(makedev(81, 3), want);
        assert_eq!(makedev(81, 300), libc::makedev(81, 300));
        let st = node_stat(&build_map(None, &board(), false).unwrap()[1], 0);
        assert_eq!(libc::major(st.rdev), 81);
        assert_eq!(libc::minor(st.rdev), 3);
        // SAFETY: `struct statx` is plain old data; all-zero is a valid value.
        let mut sx: libc::statx = unsafe { core::mem::zeroed() };
        fill_statx(&st, &mut sx);
        assert_eq!((sx.stx_rdev_major, sx.stx_rdev_minor), (81, 3));
        let ms = media_stat(1, 0);
        assert_eq!((libc::major(ms.rdev), libc::minor(ms.rdev)), (crate::media::MEDIA_MAJOR, 1));
        fill_statx(&ms, &mut sx);
        assert_eq!((sx.stx_rdev_major, sx.stx_rdev_minor), (crate::media::MEDIA_MAJOR, 1));
    }
}
