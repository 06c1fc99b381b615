//! Checks the `<linux/media.h>` mirror in `v4l2_sim_compat::media` against the system
//! header: every struct's size, alignment and field offsets, and every constant and ioctl
//! number, compared with what gcc computes from `<linux/media.h>`.
//!
//! The test fails (it never skips) if `gcc` is missing or the program does not compile.

use std::mem::{align_of, offset_of, size_of};
use std::process::Command;

use v4l2_sim_compat::media::*;

macro_rules! layout {
    ($checks:ident, $ty:ident { $($field:ident => $cfield:expr),* $(,)? }) => {{
        let cname = stringify!($ty);
        $checks.push((format!("sizeof {cname}"), size_of::<$ty>() as i128, format!("sizeof(struct {cname})")));
        $checks.push((format!("alignof {cname}"), align_of::<$ty>() as i128, format!("_Alignof(struct {cname})")));
        $(
            $checks.push((
                format!("offsetof {cname}.{}", $cfield),
                offset_of!($ty, $field) as i128,
                format!("offsetof(struct {cname}, {})", $cfield),
            ));
        )*
    }};
}

macro_rules! consts {
    ($checks:ident, $($name:ident),* $(,)?) => {
        $( $checks.push((stringify!($name).to_string(), $name as i128, format!("(long long){}", stringify!($name)))); )*
    };
}

#[test]
fn media_h_layout_matches_gcc() {
    let mut checks: Vec<(String, i128, String)> = Vec::new();
    layout!(checks, media_device_info {
        driver => "driver", model => "model", serial => "serial", bus_info => "bus_info",
        media_version => "media_version", hw_revision => "hw_revision",
        driver_version => "driver_version", reserved => "reserved",
    });
    layout!(checks, media_entity_desc {
        id => "id", name => "name", type_ => "type", revision => "revision", flags => "flags",
        group_id => "group_id", pads => "pads", links => "links", reserved => "reserved",
        raw => "raw",
    });
    // The union members read through `raw`.
    checks.push((
        "media_entity_desc.dev.major".into(),
        offset_of!(media_entity_desc, raw) as i128,
        "offsetof(struct media_entity_desc, dev.major)".into(),
    ));
    checks.push((
        "media_entity_desc.dev.minor".into(),
        offset_of!(media_entity_desc, raw) as i128 + 4,
        "offsetof(struct media_entity_desc, dev.minor)".into(),
    ));
    checks.push(("sizeof media_entity_desc.raw".into(), 184, "sizeof(((struct media_entity_desc *)0)->raw)".into()));
    layout!(checks, media_pad_desc { entity => "entity", index => "index", flags => "flags", reserved => "reserved" });
    layout!(checks, media_link_desc { source => "source", sink => "sink", flags => "flags", reserved => "reserved" });
    layout!(checks, media_links_enum { entity => "entity", pads => "pads", links => "links", reserved => "reserved" });
    layout!(checks, media_v2_entity {
        id => "id", name => "name", function => "function", flags => "flags", reserved => "reserved",
    });
    layout!(checks, media_v2_interface {
        id => "id", intf_type => "intf_type", flags => "flags", reserved => "reserved", raw => "raw",
    });
    checks.push((
        "media_v2_interface.devnode.major".into(),
        offset_of!(media_v2_interface, raw) as i128,
        "offsetof(struct media_v2_interface, devnode.major)".into(),
    ));
    checks.push((
        "media_v2_interface.devnode.minor".into(),
        offset_of!(media_v2_interface, raw) as i128 + 4,
        "offsetof(struct media_v2_interface, devnode.minor)".into(),
    ));
    layout!(checks, media_v2_pad { id => "id", entity_id => "entity_id", flags => "flags", index => "index", reserved => "reserved" });
    layout!(checks, media_v2_link { id => "id", source_id => "source_id", sink_id => "sink_id", flags => "flags", reserved => "reserved" });
    layout!(checks, media_v2_topology {
        topology_version => "topology_version", num_entities => "num_entities", reserved1 => "reserved1",
        ptr_entities => "ptr_entities", num_interfaces => "num_interfaces", reserved2 => "reserved2",
        ptr_interfaces => "ptr_interfaces", num_pads => "num_pads", reserved3 => "reserved3",
        ptr_pads => "ptr_pads", num_links => "num_links", reserved4 => "reserved4", ptr_links => "ptr_links",
    });
    consts!(
        checks,
        MEDIA_ENT_F_IO_V4L,
        MEDIA_ENT_F_PROC_VIDEO_SCALER,
        MEDIA_ENT_F_PROC_VIDEO_ENCODER,
        MEDIA_ENT_F_PROC_VIDEO_DECODER,
        MEDIA_ENT_F_OLD_BASE,
        MEDIA_ENT_F_TUNER,
        MEDIA_ENT_T_DEVNODE_UNKNOWN,
        MEDIA_ENT_ID_FLAG_NEXT,
        MEDIA_PAD_FL_SINK,
        MEDIA_PAD_FL_SOURCE,
        MEDIA_LNK_FL_ENABLED,
        MEDIA_LNK_FL_IMMUTABLE,
        MEDIA_LNK_FL_DATA_LINK,
        MEDIA_LNK_FL_INTERFACE_LINK,
        MEDIA_INTF_T_V4L_VIDEO,
        MEDIA_IOC_DEVICE_INFO,
        MEDIA_IOC_ENUM_ENTITIES,
        MEDIA_IOC_ENUM_LINKS,
        MEDIA_IOC_SETUP_LINK,
        MEDIA_IOC_G_TOPOLOGY,
        MEDIA_IOC_REQUEST_ALLOC,
    );

    let mut src = String::from("#include <stdio.h>\n#include <stddef.h>\n#include <linux/media.h>\nint main(void) {\n");
    for (key, _, c) in &checks {
        src += &format!("    printf(\"%s=%lld\\n\", \"{key}\", (long long)({c}));\n");
    }
    src += "    return 0;\n}\n";
    let dir = std::env::temp_dir().join(format!("media-abi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let c = dir.join("layout.c");
    let exe = dir.join("layout");
    std::fs::write(&c, src).unwrap();
    let out = Command::new("gcc").arg(&c).arg("-o").arg(&exe).output().expect("gcc must be installed");
    assert!(out.status.success(), "gcc failed: {}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new(&exe).output().expect("run the layout program");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut bad = Vec::new();
    for ((key, rust, _), line) in checks.iter().zip(text.lines()) {
        let (k, v) = line.split_once('=').unwrap();
        assert_eq!(k, key);
        let c: i128 = v.parse().unwrap();
        if c != *rust {
            bad.push(format!("{key}: Rust {rust}, C {c}"));
        }
    }
    assert_eq!(text.lines().count(), checks.len());
    let _ = std::fs::remove_dir_all(&dir);
    assert!(bad.is_empty(), "layout mismatches:\n{}", bad.join("\n"));
}
