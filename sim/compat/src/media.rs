//! Media controller emulation: one `/dev/mediaN` per emulated video node, with the topology
//! Linux's `v4l2_m2m_register_media_controller()` (drivers/media/v4l2-core/v4l2-mem2mem.c)
//! gives a memory-to-memory video device:
//!
//! ```text
//!  interface "V4L Video" (81:minor) --interface link--> <name>-source, <name>-sink
//!  <name>-source (IO_V4L, pad 0 source) --> <name>-proc (function; pad 0 sink, pad 1 source)
//!                                           --> <name>-sink (IO_V4L, pad 0 sink)
//! ```
//!
//! where the processing entity's function is `MEDIA_ENT_F_PROC_VIDEO_DECODER` when the
//! node's OUTPUT formats are compressed, `..._ENCODER` when its CAPTURE formats are, and
//! `..._SCALER` otherwise (a plain transform, as vim2m registers). The data links are
//! enabled and immutable, as the kernel makes them. No requests are supported:
//! `MEDIA_IOC_REQUEST_ALLOC` is ENOTTY, as for a media device without request ops.
//!
//! The ioctls are served as `drivers/media/mc/mc-device.c` does (Linux 6.1), including
//! EFAULT for unreadable or unwritable application pointers (checked with
//! `process_vm_readv`/`process_vm_writev` on our own process, never by dereferencing them).

use crate::backend::Errno;
use core::ffi::{c_int, c_void};
use core::mem::size_of;
use std::string::String;
use std::vec::Vec;
use v4l2m2m::abi;

/// The character-device major number shown for the emulated media nodes. Linux allocates
/// it dynamically (`alloc_chrdev_region`); 237 is a typical value.
pub const MEDIA_MAJOR: u32 = 237;

// ------------------------------------------------------------------------------------
// <linux/media.h> (Linux 6.1 uapi), checked against the system header by tests/media_abi.rs

/// Entity function: a V4L2 video device node (I/O entity).
pub const MEDIA_ENT_F_IO_V4L: u32 = 0x0001_0001;
/// Entity function: a video scaler, used here for raw-to-raw transforms.
pub const MEDIA_ENT_F_PROC_VIDEO_SCALER: u32 = 0x4005;
/// Entity function: a video encoder.
pub const MEDIA_ENT_F_PROC_VIDEO_ENCODER: u32 = 0x4007;
/// Entity function: a video decoder.
pub const MEDIA_ENT_F_PROC_VIDEO_DECODER: u32 = 0x4008;
/// Start of the range of legacy entity type values (`MEDIA_ENT_T_*`).
pub const MEDIA_ENT_F_OLD_BASE: u32 = 0x0001_0000;
/// Entity function: a tuner; with [`MEDIA_ENT_F_OLD_BASE`], bounds the range of legacy entity
/// types that MEDIA_IOC_ENUM_ENTITIES reports unchanged.
pub const MEDIA_ENT_F_TUNER: u32 = 0x0002_0005;
/// Legacy entity type reported by MEDIA_IOC_ENUM_ENTITIES for a device-node function it has no
/// legacy type for.
pub const MEDIA_ENT_T_DEVNODE_UNKNOWN: u32 = 0x0001_ffff;
/// Flag in an entity id passed to MEDIA_IOC_ENUM_ENTITIES: return the next entity with a larger
/// id instead of this one.
pub const MEDIA_ENT_ID_FLAG_NEXT: u32 = 1 << 31;
/// Pad flag: data flows into the entity through this pad.
pub const MEDIA_PAD_FL_SINK: u32 = 1 << 0;
/// Pad flag: data flows out of the entity through this pad.
pub const MEDIA_PAD_FL_SOURCE: u32 = 1 << 1;
/// Link flag: the link is active.
pub const MEDIA_LNK_FL_ENABLED: u32 = 1 << 0;
/// Link flag: MEDIA_IOC_SETUP_LINK cannot change the link's state.
pub const MEDIA_LNK_FL_IMMUTABLE: u32 = 1 << 1;
/// Link type (in the type bits of the flags): a data link between two pads.
pub const MEDIA_LNK_FL_DATA_LINK: u32 = 0;
/// Link type (in the type bits of the flags): a link from an interface to an entity.
pub const MEDIA_LNK_FL_INTERFACE_LINK: u32 = 1 << 28;
/// Interface type: a V4L2 video device node.
pub const MEDIA_INTF_T_V4L_VIDEO: u32 = 0x200;

/// `struct media_device_info`, the answer to MEDIA_IOC_DEVICE_INFO.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct media_device_info {
    /// Name of the driver behind the media device (NUL-terminated).
    pub driver: [u8; 16],
    /// Device model name (NUL-terminated).
    pub model: [u8; 32],
    /// Serial number, empty when unknown (NUL-terminated).
    pub serial: [u8; 40],
    /// Location of the device on its bus (NUL-terminated).
    pub bus_info: [u8; 32],
    /// Media controller API version.
    pub media_version: u32,
    /// Hardware revision, in a driver-specific format.
    pub hw_revision: u32,
    /// Driver version.
    pub driver_version: u32,
    /// Reserved, zeroed.
    pub reserved: [u32; 31],
}

/// `struct media_entity_desc`; the trailing union is `raw` (`dev.major` = `raw[0]`,
/// `dev.minor` = `raw[1]`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct media_entity_desc {
    /// Entity id, unique within the media device.
    pub id: u32,
    /// Entity name (NUL-terminated).
    pub name: [u8; 32],
    /// Entity type: its function, or a legacy type for functions outside the legacy ranges.
    pub type_: u32,
    /// Entity revision (unused, 0 here).
    pub revision: u32,
    /// Entity flags (`MEDIA_ENT_FL_*`).
    pub flags: u32,
    /// Group id (obsolete, 0 here).
    pub group_id: u32,
    /// Number of pads of the entity.
    pub pads: u16,
    /// Number of outbound data links of the entity.
    pub links: u16,
    /// Reserved, zeroed.
    pub reserved: [u32; 4],
    /// The type-specific union (`dev.major`, `dev.minor` for device nodes), as raw words.
    pub raw: [u32; 46],
}

/// `struct media_pad_desc`: a pad as MEDIA_IOC_ENUM_LINKS and MEDIA_IOC_SETUP_LINK name it.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct media_pad_desc {
    /// Id of the entity the pad belongs to.
    pub entity: u32,
    /// Index of the pad within its entity.
    pub index: u16,
    /// Pad flags (`MEDIA_PAD_FL_*`).
    pub flags: u32,
    /// Reserved, zeroed.
    pub reserved: [u32; 2],
}

/// `struct media_link_desc`: a data link as MEDIA_IOC_ENUM_LINKS lists it and
/// MEDIA_IOC_SETUP_LINK takes it.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct media_link_desc {
    /// The pad the link starts at.
    pub source: media_pad_desc,
    /// The pad the link ends at.
    pub sink: media_pad_desc,
    /// Link flags (`MEDIA_LNK_FL_*`).
    pub flags: u32,
    /// Reserved, zeroed.
    pub reserved: [u32; 2],
}

/// `struct media_links_enum`, the argument of MEDIA_IOC_ENUM_LINKS.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct media_links_enum {
    /// Id of the entity whose pads and links are enumerated.
    pub entity: u32,
    /// Application array receiving the entity's pads (one per pad), or null.
    pub pads: *mut media_pad_desc,
    /// Application array receiving the entity's outbound data links, or null.
    pub links: *mut media_link_desc,
    /// Reserved, zeroed.
    pub reserved: [u32; 4],
}

/// `struct media_v2_entity`: an entity in MEDIA_IOC_G_TOPOLOGY.
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct media_v2_entity {
    /// Entity id.
    pub id: u32,
    /// Entity name (NUL-terminated).
    pub name: [u8; 64],
    /// Entity function (`MEDIA_ENT_F_*`).
    pub function: u32,
    /// Entity flags (`MEDIA_ENT_FL_*`).
    pub flags: u32,
    /// Reserved, zeroed.
    pub reserved: [u32; 5],
}

/// `struct media_v2_interface`; the trailing union is `raw` (`devnode.major` = `raw[0]`,
/// `devnode.minor` = `raw[1]`).
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct media_v2_interface {
    /// Interface id.
    pub id: u32,
    /// Interface type (`MEDIA_INTF_T_*`).
    pub intf_type: u32,
    /// Interface flags (none defined, 0).
    pub flags: u32,
    /// Reserved, zeroed.
    pub reserved: [u32; 9],
    /// The type-specific union (`devnode.major`, `devnode.minor`), as raw words.
    pub raw: [u32; 16],
}

/// `struct media_v2_pad`: a pad in MEDIA_IOC_G_TOPOLOGY.
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct media_v2_pad {
    /// Pad id.
    pub id: u32,
    /// Id of the entity the pad belongs to.
    pub entity_id: u32,
    /// Pad flags (`MEDIA_PAD_FL_*`).
    pub flags: u32,
    /// Index of the pad within its entity.
    pub index: u32,
    /// Reserved, zeroed.
    pub reserved: [u32; 4],
}

/// `struct media_v2_link`: a link in MEDIA_IOC_G_TOPOLOGY.
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct media_v2_link {
    /// Link id.
    pub id: u32,
    /// Source pad id (data link) or interface id (interface link).
    pub source_id: u32,
    /// Sink pad id (data link) or entity id (interface link).
    pub sink_id: u32,
    /// Link flags, including the link type (`MEDIA_LNK_FL_*`).
    pub flags: u32,
    /// Reserved, zeroed.
    pub reserved: [u32; 6],
}

/// `struct media_v2_topology`, the argument of MEDIA_IOC_G_TOPOLOGY: the object counts, and
/// application arrays (as addresses, 0 for none) that receive the objects.
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct media_v2_topology {
    /// Version of the graph; changes whenever the topology does.
    pub topology_version: u64,
    /// Number of entities (set by the ioctl; caller's array capacity on input).
    pub num_entities: u32,
    /// Reserved, zeroed.
    pub reserved1: u32,
    /// Address of the application's `media_v2_entity` array, or 0.
    pub ptr_entities: u64,
    /// Number of interfaces (set by the ioctl; caller's array capacity on input).
    pub num_interfaces: u32,
    /// Reserved, zeroed.
    pub reserved2: u32,
    /// Address of the application's `media_v2_interface` array, or 0.
    pub ptr_interfaces: u64,
    /// Number of pads (set by the ioctl; caller's array capacity on input).
    pub num_pads: u32,
    /// Reserved, zeroed.
    pub reserved3: u32,
    /// Address of the application's `media_v2_pad` array, or 0.
    pub ptr_pads: u64,
    /// Number of links (set by the ioctl; caller's array capacity on input).
    pub num_links: u32,
    /// Reserved, zeroed.
    pub reserved4: u32,
    /// Address of the application's `media_v2_link` array, or 0.
    pub ptr_links: u64,
}

const fn iowr(nr: u32, size: usize) -> u32 {
    (3 << 30) | ((size as u32) << 16) | ((b'|' as u32) << 8) | nr
}

/// `_IOWR('|', 0x00, struct media_device_info)`: device information.
pub const MEDIA_IOC_DEVICE_INFO: u32 = iowr(0x00, size_of::<media_device_info>());
/// `_IOWR('|', 0x01, struct media_entity_desc)`: one entity, by id.
pub const MEDIA_IOC_ENUM_ENTITIES: u32 = iowr(0x01, size_of::<media_entity_desc>());
/// `_IOWR('|', 0x02, struct media_links_enum)`: an entity's pads and outbound links.
pub const MEDIA_IOC_ENUM_LINKS: u32 = iowr(0x02, size_of::<media_links_enum>());
/// `_IOWR('|', 0x03, struct media_link_desc)`: enable or disable a link.
pub const MEDIA_IOC_SETUP_LINK: u32 = iowr(0x03, size_of::<media_link_desc>());
/// `_IOWR('|', 0x04, struct media_v2_topology)`: the whole graph.
pub const MEDIA_IOC_G_TOPOLOGY: u32 = iowr(0x04, size_of::<media_v2_topology>());
/// `_IOR('|', 0x05, int)`.
pub const MEDIA_IOC_REQUEST_ALLOC: u32 = (2 << 30) | (4 << 16) | ((b'|' as u32) << 8) | 0x05;

// ------------------------------------------------------------------------------------
// the topology

/// What the processing entity does, from the formats the video node offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transform {
    /// Compressed OUTPUT formats.
    Decoder,
    /// Compressed CAPTURE formats.
    Encoder,
    /// Neither: a raw-to-raw transform (scaler, converter), as vim2m registers.
    Other,
}

impl Transform {
    /// The `MEDIA_ENT_F_PROC_VIDEO_*` function of the processing entity.
    pub fn function(self) -> u32 {
        match self {
            Transform::Decoder => MEDIA_ENT_F_PROC_VIDEO_DECODER,
            Transform::Encoder => MEDIA_ENT_F_PROC_VIDEO_ENCODER,
            Transform::Other => MEDIA_ENT_F_PROC_VIDEO_SCALER,
        }
    }
}

/// What the media device says about itself (MEDIA_IOC_DEVICE_INFO), from the video node's
/// VIDIOC_QUERYCAP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Info {
    /// Driver name (`driver`).
    pub driver: String,
    /// Model name (`model`).
    pub model: String,
    /// Bus location (`bus_info`).
    pub bus_info: String,
    /// `media_version` and `driver_version` (the kernel reports LINUX_VERSION_CODE in both).
    pub version: u32,
}

/// A pad of an [`Entity`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pad {
    /// Graph object id of the pad.
    pub id: u32,
    /// Index of the pad within its entity.
    pub index: u16,
    /// `MEDIA_PAD_FL_*` flags.
    pub flags: u32,
}

/// An entity of the graph, with its pads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// Graph object id of the entity.
    pub id: u32,
    /// Entity name.
    pub name: String,
    /// Entity function (`MEDIA_ENT_F_*`).
    pub function: u32,
    /// Entity flags (`MEDIA_ENT_FL_*`).
    pub flags: u32,
    /// `dev.major:dev.minor` of MEDIA_IOC_ENUM_ENTITIES (the I/O entities carry the video node's).
    pub dev: (u32, u32),
    /// The entity's pads, in index order.
    pub pads: Vec<Pad>,
}

/// An interface of the graph (a device node).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    /// Graph object id of the interface.
    pub id: u32,
    /// Interface type (`MEDIA_INTF_T_*`).
    pub intf_type: u32,
    /// Major number of the device node.
    pub major: u32,
    /// Minor number of the device node.
    pub minor: u32,
}

/// A data link (pad to pad) or an interface link (interface to entity).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// Graph object id of the link.
    pub id: u32,
    /// Pad id (data link) or interface id (interface link).
    pub source_id: u32,
    /// Pad id (data link) or entity id (interface link).
    pub sink_id: u32,
    /// `MEDIA_LNK_FL_*` flags, including the link type.
    pub flags: u32,
}

impl Link {
    fn is_data(&self) -> bool {
        self.flags & (0xf << 28) == MEDIA_LNK_FL_DATA_LINK
    }
}

/// One media device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topology {
    /// What MEDIA_IOC_DEVICE_INFO reports.
    pub info: Info,
    /// Topology version (MEDIA_IOC_G_TOPOLOGY's `topology_version`).
    pub version: u64,
    /// The entities, in creation order.
    pub entities: Vec<Entity>,
    /// The interfaces, in creation order.
    pub interfaces: Vec<Interface>,
    /// The links shown to applications (data and interface links; no back links).
    pub links: Vec<Link>,
}

/// Graph object ids as the kernel makes them: `type << 24 | ++mdev->id`.
const GRAPH_ENTITY: u32 = 0;
const GRAPH_PAD: u32 = 1;
const GRAPH_LINK: u32 = 2;
const GRAPH_INTF_DEVNODE: u32 = 3;

/// Truncates `s` to at most `max` bytes on a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

impl Topology {
    /// The topology of `v4l2_m2m_register_media_controller()` for the video node
    /// `video_major:video_minor` named `name`, in the kernel's creation order (entities with
    /// their pads, the two data links with their back links, the interface, the two
    /// interface links), so ids and `topology_version` match what Linux would show.
    pub fn m2m(info: Info, name: &str, transform: Transform, video_major: u32, video_minor: u32) -> Topology {
        let mut next = 0u32;
        let mut gen = |ty: u32| {
            next += 1;
            (ty << 24) | (next & 0x00ff_ffff)
        };
        // Entity names must be unique in their first 31 bytes (media_entity_desc.name is 32).
        let base = truncate(name, 31 - "-source".len());
        let mut entities = Vec::new();
        let kinds: [(&str, u32, &[u32]); 3] = [
            ("source", MEDIA_ENT_F_IO_V4L, &[MEDIA_PAD_FL_SOURCE]),
            ("proc", transform.function(), &[MEDIA_PAD_FL_SINK, MEDIA_PAD_FL_SOURCE]),
            ("sink", MEDIA_ENT_F_IO_V4L, &[MEDIA_PAD_FL_SINK]),
        ];
        for (suffix, function, pad_flags) in kinds {
            let id = gen(GRAPH_ENTITY);
            let pads = pad_flags
                .iter()
                .enumerate()
                .map(|(i, &f)| Pad { id: gen(GRAPH_PAD), index: i as u16, flags: f })
                .collect();
            let dev = if function == MEDIA_ENT_F_IO_V4L { (video_major, video_minor) } else { (0, 0) };
            entities.push(Entity { id, name: format!("{base}-{suffix}"), function, flags: 0, dev, pads });
        }
        let fixed = MEDIA_LNK_FL_IMMUTABLE | MEDIA_LNK_FL_ENABLED;
        let mut links = Vec::new();
        for (src, dst) in [((0, 0), (1, 0)), ((1, 1), (2, 0))] {
            let (s, d): (&Pad, &Pad) = (&entities[src.0].pads[src.1], &entities[dst.0].pads[dst.1]);
            links.push(Link {
                id: gen(GRAPH_LINK),
                source_id: s.id,
                sink_id: d.id,
                flags: fixed | MEDIA_LNK_FL_DATA_LINK,
            });
            // The back link the kernel keeps on the sink entity takes an id too; it is never shown.
            gen(GRAPH_LINK);
        }
        let intf = Interface {
            id: gen(GRAPH_INTF_DEVNODE),
            intf_type: MEDIA_INTF_T_V4L_VIDEO,
            major: video_major,
            minor: video_minor,
        };
        for e in [0, 2] {
            links.push(Link {
                id: gen(GRAPH_LINK),
                source_id: intf.id,
                sink_id: entities[e].id,
                flags: fixed | MEDIA_LNK_FL_INTERFACE_LINK,
            });
        }
        Topology { info, version: next as u64, entities, interfaces: vec![intf], links }
    }

    /// `find_entity()` of mc-device.c: the entity with this id, or with MEDIA_ENT_ID_FLAG_NEXT
    /// the first one with a larger id.
    fn find_entity(&self, id: u32) -> Option<&Entity> {
        let next = id & MEDIA_ENT_ID_FLAG_NEXT != 0;
        let id = id & !MEDIA_ENT_ID_FLAG_NEXT;
        self.entities.iter().find(|e| (e.id == id && !next) || (e.id > id && next))
    }

    fn pad(&self, pad_id: u32) -> Option<(&Entity, &Pad)> {
        self.entities.iter().find_map(|e| e.pads.iter().find(|p| p.id == pad_id).map(|p| (e, p)))
    }

    /// The data links whose source pad belongs to `entity` (what ENUM_LINKS lists: no back links).
    fn forward_links<'a>(&'a self, entity: &'a Entity) -> impl Iterator<Item = &'a Link> + 'a {
        self.links.iter().filter(move |l| l.is_data() && entity.pads.iter().any(|p| p.id == l.source_id))
    }

    fn pad_desc(&self, pad_id: u32) -> media_pad_desc {
        let (e, p) = self.pad(pad_id).expect("link to a known pad");
        media_pad_desc { entity: e.id, index: p.index, flags: p.flags, reserved: [0; 2] }
    }

    /// The MEDIA_IOC_ENUM_ENTITIES view of an entity (with mc-device.c's mapping of functions
    /// outside the legacy ranges to MEDIA_ENT_T_DEVNODE_UNKNOWN for non-subdevice entities).
    pub fn entity_desc(&self, e: &Entity) -> media_entity_desc {
        // SAFETY: plain old data.
        let mut d: media_entity_desc = unsafe { core::mem::zeroed() };
        d.id = e.id;
        copy_str(&mut d.name, &e.name);
        d.type_ = e.function;
        if (e.function < MEDIA_ENT_F_OLD_BASE || e.function > MEDIA_ENT_F_TUNER) && e.function != MEDIA_ENT_F_IO_V4L {
            d.type_ = MEDIA_ENT_T_DEVNODE_UNKNOWN;
        }
        d.flags = e.flags;
        d.pads = e.pads.len() as u16;
        d.links = self.forward_links(e).count() as u16;
        d.raw[0] = e.dev.0;
        d.raw[1] = e.dev.1;
        d
    }
}

fn copy_str(dst: &mut [u8], s: &str) {
    let n = s.len().min(dst.len() - 1);
    dst[..n].copy_from_slice(&s.as_bytes()[..n]);
    dst[n..].fill(0);
}

// ------------------------------------------------------------------------------------
// application memory

/// Copies `len` bytes from the application's `addr` into `dst`; EFAULT if unreadable.
fn copy_from_user(dst: *mut u8, addr: usize, len: usize) -> Result<(), Errno> {
    if len == 0 {
        return Ok(());
    }
    if addr == 0 || addr.checked_add(len).is_none() {
        return Err(libc::EFAULT);
    }
    let local = libc::iovec { iov_base: dst.cast(), iov_len: len };
    let remote = libc::iovec { iov_base: addr as *mut c_void, iov_len: len };
    // SAFETY: `dst` is ours and valid for `len`; the kernel checks the remote side.
    let n = unsafe { libc::process_vm_readv(libc::getpid(), &local, 1, &remote, 1, 0) };
    match n {
        n if n == len as isize => Ok(()),
        -1 if matches!(errno(), libc::ENOSYS | libc::EPERM) => fallback_copy(addr as *const u8, dst, len, addr),
        _ => Err(libc::EFAULT),
    }
}

/// Copies `src` to the application's `addr`; EFAULT if unwritable.
fn copy_to_user(addr: usize, src: *const u8, len: usize) -> Result<(), Errno> {
    if len == 0 {
        return Ok(());
    }
    if addr == 0 || addr.checked_add(len).is_none() {
        return Err(libc::EFAULT);
    }
    let local = libc::iovec { iov_base: src as *mut c_void, iov_len: len };
    let remote = libc::iovec { iov_base: addr as *mut c_void, iov_len: len };
    // SAFETY: `src` is ours and valid for `len`; the kernel checks the remote side.
    let n = unsafe { libc::process_vm_writev(libc::getpid(), &local, 1, &remote, 1, 0) };
    match n {
        n if n == len as isize => Ok(()),
        -1 if matches!(errno(), libc::ENOSYS | libc::EPERM) => fallback_copy(src, addr as *mut u8, len, addr),
        _ => Err(libc::EFAULT),
    }
}

/// Where process_vm_{read,write}v are forbidden (seccomp): the null page still faults.
fn fallback_copy(src: *const u8, dst: *mut u8, len: usize, user: usize) -> Result<(), Errno> {
    if user < 65536 {
        return Err(libc::EFAULT);
    }
    // SAFETY: the application promised a valid pointer (the best that can be checked here).
    unsafe { core::ptr::copy(src, dst, len) };
    Ok(())
}

fn errno() -> c_int {
    // SAFETY: thread-local errno.
    unsafe { *libc::__errno_location() }
}

fn read_user<T: Copy>(addr: usize) -> Result<T, Errno> {
    let mut v = core::mem::MaybeUninit::<T>::uninit();
    copy_from_user(v.as_mut_ptr().cast(), addr, size_of::<T>())?;
    // SAFETY: fully written (all our T are plain old data).
    Ok(unsafe { v.assume_init() })
}

fn write_user<T: Copy>(addr: usize, v: &T) -> Result<(), Errno> {
    copy_to_user(addr, (v as *const T).cast(), size_of::<T>())
}

// ------------------------------------------------------------------------------------
// the ioctls

/// A media ioctl on a media device of topology `t`.
///
/// # Safety
/// None beyond the application's: every access to `arg` and the pointers in it is checked.
pub fn ioctl(t: &Topology, request: u32, arg: *mut c_void) -> Result<c_int, Errno> {
    let arg = arg as usize;
    match request {
        MEDIA_IOC_DEVICE_INFO => {
            // IOWR: the kernel copies the argument in before answering.
            let _: media_device_info = read_user(arg)?;
            // SAFETY: plain old data.
            let mut d: media_device_info = unsafe { core::mem::zeroed() };
            copy_str(&mut d.driver, &t.info.driver);
            copy_str(&mut d.model, &t.info.model);
            copy_str(&mut d.bus_info, &t.info.bus_info);
            d.media_version = t.info.version;
            d.driver_version = t.info.version;
            write_user(arg, &d)?;
            Ok(0)
        }
        MEDIA_IOC_ENUM_ENTITIES => {
            let d: media_entity_desc = read_user(arg)?;
            let e = t.find_entity(d.id).ok_or(libc::EINVAL)?;
            write_user(arg, &t.entity_desc(e))?;
            Ok(0)
        }
        MEDIA_IOC_ENUM_LINKS => {
            let mut d: media_links_enum = read_user(arg)?;
            let e = t.find_entity(d.entity).ok_or(libc::EINVAL)?;
            if !d.pads.is_null() {
                for (i, p) in e.pads.iter().enumerate() {
                    let pd = media_pad_desc { entity: e.id, index: p.index, flags: p.flags, reserved: [0; 2] };
                    write_user(d.pads as usize + i * size_of::<media_pad_desc>(), &pd)?;
                }
            }
            if !d.links.is_null() {
                for (i, l) in t.forward_links(e).enumerate() {
                    let ld = media_link_desc {
                        source: t.pad_desc(l.source_id),
                        sink: t.pad_desc(l.sink_id),
                        flags: l.flags,
                        reserved: [0; 2],
                    };
                    write_user(d.links as usize + i * size_of::<media_link_desc>(), &ld)?;
                }
            }
            d.reserved = [0; 4];
            write_user(arg, &d)?;
            Ok(0)
        }
        MEDIA_IOC_SETUP_LINK => {
            let mut d: media_link_desc = read_user(arg)?;
            let (Some(src), Some(dst)) = (t.find_entity(d.source.entity), t.find_entity(d.sink.entity)) else {
                return Err(libc::EINVAL);
            };
            let (Some(sp), Some(dp)) = (src.pads.get(d.source.index as usize), dst.pads.get(d.sink.index as usize))
            else {
                return Err(libc::EINVAL);
            };
            let link = t
                .links
                .iter()
                .find(|l| l.is_data() && l.source_id == sp.id && l.sink_id == dp.id)
                .ok_or(libc::EINVAL)?;
            d.reserved = [0; 2];
            // __media_entity_setup_link(): only ENABLED may change, and not on an immutable link.
            if (link.flags & !MEDIA_LNK_FL_ENABLED) != (d.flags & !MEDIA_LNK_FL_ENABLED) {
                return Err(libc::EINVAL);
            }
            if link.flags & MEDIA_LNK_FL_IMMUTABLE != 0 && link.flags != d.flags {
                return Err(libc::EBUSY);
            }
            write_user(arg, &d)?;
            Ok(0)
        }
        MEDIA_IOC_G_TOPOLOGY => {
            let mut d: media_v2_topology = read_user(arg)?;
            let ret = g_topology(t, &mut d);
            if ret.is_ok() {
                write_user(arg, &d)?;
            }
            ret.map(|()| 0)
        }
        // mc-device.c: no request ops → ENOTTY.
        MEDIA_IOC_REQUEST_ALLOC => Err(libc::ENOTTY),
        _ => Err(libc::ENOTTY),
    }
}

/// media_device_get_topology(): every array is counted; one whose pointer is set is filled
/// (ENOSPC if its count is too small, EFAULT if it cannot be written).
fn g_topology(t: &Topology, d: &mut media_v2_topology) -> Result<(), Errno> {
    fn fill<T: Copy>(items: &[T], ptr: u64, num: &mut u32, ret: &mut Result<(), Errno>) {
        if ptr != 0 && ret.is_ok() {
            if items.len() > *num as usize {
                *ret = Err(libc::ENOSPC);
            } else {
                for (i, it) in items.iter().enumerate() {
                    if let Err(e) = write_user(ptr as usize + i * size_of::<T>(), it) {
                        *ret = Err(e);
                        break;
                    }
                }
            }
        }
        *num = items.len() as u32;
    }
    let mut ret = Ok(());
    d.topology_version = t.version;
    let ents: Vec<media_v2_entity> = t
        .entities
        .iter()
        .map(|e| {
            let mut v =
                media_v2_entity { id: e.id, name: [0; 64], function: e.function, flags: e.flags, reserved: [0; 5] };
            copy_str(&mut v.name, &e.name);
            v
        })
        .collect();
    let (p, mut n) = (d.ptr_entities, d.num_entities);
    fill(&ents, p, &mut n, &mut ret);
    d.num_entities = n;
    d.reserved1 = 0;
    let ifs: Vec<media_v2_interface> = t
        .interfaces
        .iter()
        .map(|i| {
            let mut raw = [0u32; 16];
            raw[0] = i.major;
            raw[1] = i.minor;
            media_v2_interface { id: i.id, intf_type: i.intf_type, flags: 0, reserved: [0; 9], raw }
        })
        .collect();
    let (p, mut n) = (d.ptr_interfaces, d.num_interfaces);
    fill(&ifs, p, &mut n, &mut ret);
    d.num_interfaces = n;
    d.reserved2 = 0;
    let pads: Vec<media_v2_pad> = t
        .entities
        .iter()
        .flat_map(|e| {
            e.pads.iter().map(move |p| media_v2_pad {
                id: p.id,
                entity_id: e.id,
                flags: p.flags,
                index: p.index as u32,
                reserved: [0; 4],
            })
        })
        .collect();
    let (p, mut n) = (d.ptr_pads, d.num_pads);
    fill(&pads, p, &mut n, &mut ret);
    d.num_pads = n;
    d.reserved3 = 0;
    let links: Vec<media_v2_link> = t
        .links
        .iter()
        .map(|l| media_v2_link {
            id: l.id,
            source_id: l.source_id,
            sink_id: l.sink_id,
            flags: l.flags,
            reserved: [0; 6],
        })
        .collect();
    let (p, mut n) = (d.ptr_links, d.num_links);
    fill(&links, p, &mut n, &mut ret);
    d.num_links = n;
    d.reserved4 = 0;
    ret
}

// ------------------------------------------------------------------------------------
// probing the video node

/// What a video node reports in its VIDIOC_QUERYCAP.
pub struct Caps {
    /// `driver` field.
    pub driver: String,
    /// `card` field.
    pub card: String,
    /// `bus_info` field.
    pub bus_info: String,
    /// `version` field.
    pub version: u32,
    /// `device_caps` if the driver sets V4L2_CAP_DEVICE_CAPS, else `capabilities`.
    pub device_caps: u32,
}

/// The text of a NUL-terminated (or full) C string field.
pub fn cstr_field(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

impl Caps {
    /// The fields of a `struct v4l2_capability`.
    pub fn parse(cap: &abi::v4l2_capability) -> Caps {
        Caps {
            driver: cstr_field(&cap.driver),
            card: cstr_field(&cap.card),
            bus_info: cstr_field(&cap.bus_info),
            version: cap.version,
            device_caps: if cap.capabilities & abi::V4L2_CAP_DEVICE_CAPS != 0 {
                cap.device_caps
            } else {
                cap.capabilities
            },
        }
    }
}

/// Whether any format of buffer type `ty` is compressed, asked with VIDIOC_ENUM_FMT
/// through `ioctl` (the board's), which gets a `struct v4l2_fmtdesc`.
pub fn any_compressed(ty: u32, mut ioctl: impl FnMut(u32, *mut c_void) -> Result<c_int, Errno>) -> bool {
    for index in 0..64u32 {
        let mut desc = abi::v4l2_fmtdesc::zeroed();
        desc.index = index;
        desc.type_ = ty;
        if ioctl(abi::VIDIOC_ENUM_FMT, (&mut desc as *mut abi::v4l2_fmtdesc).cast()).is_err() {
            return false;
        }
        if desc.flags & abi::V4L2_FMT_FLAG_COMPRESSED != 0 {
            return true;
        }
    }
    false
}

/// The processing function of a node: decoder if OUTPUT formats are compressed, encoder if
/// CAPTURE formats are, else a plain transform.
pub fn classify(caps: &Caps, mut ioctl: impl FnMut(u32, *mut c_void) -> Result<c_int, Errno>) -> Transform {
    let (out, cap) = if caps.device_caps & abi::V4L2_CAP_VIDEO_M2M_MPLANE != 0 {
        (abi::V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, abi::V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE)
    } else {
        (abi::V4L2_BUF_TYPE_VIDEO_OUTPUT, abi::V4L2_BUF_TYPE_VIDEO_CAPTURE)
    };
    if any_compressed(out, &mut ioctl) {
        Transform::Decoder
    } else if any_compressed(cap, &mut ioctl) {
        Transform::Encoder
    } else {
        Transform::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The application's pointer to `x`, taken afresh for every call.
    fn ptr<T>(x: &mut T) -> *mut c_void {
        (x as *mut T).cast()
    }

    fn topo() -> Topology {
        let info =
            Info { driver: "drv".into(), model: "card".into(), bus_info: "platform:x".into(), version: 0x060100 };
        Topology::m2m(info, "card", Transform::Decoder, 81, 3)
    }

    #[test]
    fn m2m_topology_matches_the_kernel() {
        let t = topo();
        let ids: Vec<u32> = t.entities.iter().map(|e| e.id).collect();
        assert_eq!(ids, [1, 3, 6]);
        assert_eq!(t.entities[1].pads.iter().map(|p| p.id).collect::<Vec<_>>(), [0x0100_0004, 0x0100_0005]);
        assert_eq!(t.entities[0].name, "card-source");
        assert_eq!(t.entities[1].function, MEDIA_ENT_F_PROC_VIDEO_DECODER);
        assert_eq!(t.interfaces[0].id, 0x0300_000c);
        assert_eq!(t.links.len(), 4);
        assert_eq!(t.links[0].id, 0x0200_0008);
        assert_eq!(t.links[1].id, 0x0200_000a);
        assert_eq!(t.links[3].id, 0x0200_000e);
        assert_eq!(t.version, 14);
        assert_eq!(t.entity_desc(&t.entities[0]).links, 1);
        assert_eq!(t.entity_desc(&t.entities[1]).links, 1);
        assert_eq!(t.entity_desc(&t.entities[2]).links, 0);
        assert_eq!(t.entity_desc(&t.entities[1]).type_, MEDIA_ENT_T_DEVNODE_UNKNOWN);
        assert_eq!(t.entity_desc(&t.entities[0]).type_, MEDIA_ENT_F_IO_V4L);
        assert_eq!(t.entity_desc(&t.entities[0]).raw[..2], [81, 3]);
        assert_eq!(t.entity_desc(&t.entities[1]).raw[..2], [0, 0]);
        // Long names stay unique within the 31 bytes ENUM_ENTITIES shows.
        let long = "x".repeat(40);
        let t = Topology::m2m(t.info.clone(), &long, Transform::Encoder, 81, 1);
        assert!(t.entities.iter().all(|e| e.name.len() <= 31));
        assert_eq!(t.entities[1].function, MEDIA_ENT_F_PROC_VIDEO_ENCODER);
    }

    #[test]
    fn device_info_and_efault() {
        let t = topo();
        assert_eq!(ioctl(&t, MEDIA_IOC_DEVICE_INFO, core::ptr::null_mut()), Err(libc::EFAULT));
        assert_eq!(ioctl(&t, MEDIA_IOC_DEVICE_INFO, 4 as *mut c_void), Err(libc::EFAULT));
        // SAFETY: plain old data; all-zero is a valid value.
        let mut d: media_device_info = unsafe { core::mem::zeroed() };
        d.reserved = [0xffff_ffff; 31];
        assert_eq!(ioctl(&t, MEDIA_IOC_DEVICE_INFO, ptr(&mut d)), Ok(0));
        assert_eq!(cstr_field(&d.driver), "drv");
        assert_eq!(cstr_field(&d.bus_info), "platform:x");
        assert_eq!((d.media_version, d.driver_version), (0x060100, 0x060100));
        assert_eq!(d.reserved, [0; 31]);
        // Unknown requests (and the right number with the wrong size) are ENOTTY.
        let mut buf = [0u8; 64];
        assert_eq!(ioctl(&t, MEDIA_IOC_DEVICE_INFO ^ (1 << 16), buf.as_mut_ptr().cast()), Err(libc::ENOTTY));
        assert_eq!(ioctl(&t, MEDIA_IOC_REQUEST_ALLOC, buf.as_mut_ptr().cast()), Err(libc::ENOTTY));
    }

    #[test]
    fn g_topology_two_calls() {
        let t = topo();
        // SAFETY: plain old data; all-zero is a valid value.
        let mut d: media_v2_topology = unsafe { core::mem::zeroed() };
        d.num_entities = !0;
        d.num_interfaces = !0;
        d.num_pads = !0;
        d.num_links = !0;
        d.reserved1 = !0;
        assert_eq!(ioctl(&t, MEDIA_IOC_G_TOPOLOGY, ptr(&mut d)), Ok(0));
        assert_eq!({ d.num_entities }, 3);
        assert_eq!({ d.num_interfaces }, 1);
        assert_eq!({ d.num_pads }, 4);
        assert_eq!({ d.num_links }, 4);
        assert_eq!({ d.reserved1 }, 0);
        d.ptr_entities = 4;
        assert_eq!(ioctl(&t, MEDIA_IOC_G_TOPOLOGY, ptr(&mut d)), Err(libc::EFAULT));
        d.ptr_entities = 0;
        let mut ents = [media_v2_entity { id: !0, name: [0xff; 64], function: !0, flags: !0, reserved: [!0; 5] }; 3];
        let mut links = [media_v2_link { id: 0, source_id: 0, sink_id: 0, flags: 0, reserved: [!0; 6] }; 4];
        d.ptr_entities = ents.as_mut_ptr() as u64;
        d.ptr_links = links.as_mut_ptr() as u64;
        assert_eq!(ioctl(&t, MEDIA_IOC_G_TOPOLOGY, ptr(&mut d)), Ok(0));
        assert_eq!({ ents[1].function }, MEDIA_ENT_F_PROC_VIDEO_DECODER);
        assert_eq!(cstr_field(&ents[2].name), "card-sink");
        assert_eq!({ links[2].flags }, MEDIA_LNK_FL_INTERFACE_LINK | MEDIA_LNK_FL_IMMUTABLE | MEDIA_LNK_FL_ENABLED);
        assert_eq!({ links[2].reserved }, [0; 6]);
        // Too small an array: ENOSPC.
        d.num_links = 2;
        assert_eq!(ioctl(&t, MEDIA_IOC_G_TOPOLOGY, ptr(&mut d)), Err(libc::ENOSPC));
    }

    #[test]
    fn enum_entities_links_and_setup_link() {
        let t = topo();
        // SAFETY: plain old data; all-zero is a valid value.
        let mut e: media_entity_desc = unsafe { core::mem::zeroed() };
        assert_eq!(ioctl(&t, MEDIA_IOC_ENUM_ENTITIES, ptr(&mut e)), Err(libc::EINVAL));
        let mut seen = Vec::new();
        let mut last = 0;
        loop {
            e.id = last | MEDIA_ENT_ID_FLAG_NEXT;
            if ioctl(&t, MEDIA_IOC_ENUM_ENTITIES, ptr(&mut e)).is_err() {
                break;
            }
            seen.push((e.id, e.pads, e.links));
            last = e.id;
        }
        assert_eq!(seen, [(1, 1, 1), (3, 2, 1), (6, 1, 0)]);

        let mut pads = [media_pad_desc::default(); 2];
        let mut links = [media_link_desc::default(); 1];
        let mut le =
            media_links_enum { entity: 3, pads: pads.as_mut_ptr(), links: links.as_mut_ptr(), reserved: [!0; 4] };
        assert_eq!(ioctl(&t, MEDIA_IOC_ENUM_LINKS, ptr(&mut le)), Ok(0));
        assert_eq!(le.reserved, [0; 4]);
        assert_eq!(pads[1], media_pad_desc { entity: 3, index: 1, flags: MEDIA_PAD_FL_SOURCE, reserved: [0; 2] });
        assert_eq!(
            (links[0].source.entity, links[0].source.index, links[0].sink.entity, links[0].sink.index),
            (3, 1, 6, 0)
        );
        le.links = core::ptr::without_provenance_mut(4);
        assert_eq!(ioctl(&t, MEDIA_IOC_ENUM_LINKS, ptr(&mut le)), Err(libc::EFAULT));
        le.entity = 0;
        assert_eq!(ioctl(&t, MEDIA_IOC_ENUM_LINKS, ptr(&mut le)), Err(libc::EINVAL));

        let mut l = links[0];
        l.reserved = [!0; 2];
        assert_eq!(ioctl(&t, MEDIA_IOC_SETUP_LINK, ptr(&mut l)), Ok(0));
        assert_eq!(l.reserved, [0; 2]);
        l.flags = MEDIA_LNK_FL_ENABLED;
        assert_eq!(ioctl(&t, MEDIA_IOC_SETUP_LINK, ptr(&mut l)), Err(libc::EINVAL));
        l.flags = MEDIA_LNK_FL_IMMUTABLE;
        assert_eq!(ioctl(&t, MEDIA_IOC_SETUP_LINK, ptr(&mut l)), Err(libc::EBUSY));
        let mut zero = media_link_desc::default();
        assert_eq!(ioctl(&t, MEDIA_IOC_SETUP_LINK, ptr(&mut zero)), Err(libc::EINVAL));
    }

    #[test]
    fn classify_by_formats() {
        let mut cap = abi::v4l2_capability::zeroed();
        cap.capabilities = abi::V4L2_CAP_DEVICE_CAPS | abi::V4L2_CAP_VIDEO_M2M_MPLANE;
        cap.device_caps = abi::V4L2_CAP_VIDEO_M2M_MPLANE;
        let caps = Caps::parse(&cap);
        let fake = |compressed_type: u32| {
            move |_req: u32, arg: *mut c_void| -> Result<c_int, Errno> {
                // SAFETY: `any_compressed` passes a live `v4l2_fmtdesc`.
                let d = unsafe { &mut *arg.cast::<abi::v4l2_fmtdesc>() };
                if d.index > 1 {
                    return Err(libc::EINVAL);
                }
                d.flags = if d.type_ == compressed_type && d.index == 1 { abi::V4L2_FMT_FLAG_COMPRESSED } else { 0 };
                Ok(0)
            }
        };
        assert_eq!(classify(&caps, fake(abi::V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE)), Transform::Decoder);
        assert_eq!(classify(&caps, fake(abi::V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE)), Transform::Encoder);
        assert_eq!(classify(&caps, fake(abi::V4L2_BUF_TYPE_VIDEO_OUTPUT)), Transform::Other);
    }
}
