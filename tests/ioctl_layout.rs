//! The byte layout in `kernel::ioctl` matches `/usr/include/linux/dm-ioctl.h`:
//! a C program prints sizeof/offsetof of every field we use and the ioctl
//! request numbers, and each must equal our constant.

use std::process::Command;

use devmapper::kernel::ioctl::{self, header, spec};
use devmapper::kernel::Command as Cmd;

fn c_facts() -> Vec<(String, u64)> {
    let dir = std::env::temp_dir().join(format!("dm-ioctl-layout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("probe.c");
    let bin = dir.join("probe");
    std::fs::write(
        &src,
        r#"
#include <stdio.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <linux/dm-ioctl.h>
#define P(name, v) printf("%s %llu\n", name, (unsigned long long)(v))
int main(void) {
    P("sizeof dm_ioctl", sizeof(struct dm_ioctl));
    P("version", offsetof(struct dm_ioctl, version));
    P("data_size", offsetof(struct dm_ioctl, data_size));
    P("data_start", offsetof(struct dm_ioctl, data_start));
    P("target_count", offsetof(struct dm_ioctl, target_count));
    P("open_count", offsetof(struct dm_ioctl, open_count));
    P("flags", offsetof(struct dm_ioctl, flags));
    P("event_nr", offsetof(struct dm_ioctl, event_nr));
    P("dev", offsetof(struct dm_ioctl, dev));
    P("name", offsetof(struct dm_ioctl, name));
    P("uuid", offsetof(struct dm_ioctl, uuid));
    P("sizeof dm_target_spec", sizeof(struct dm_target_spec));
    P("spec.sector_start", offsetof(struct dm_target_spec, sector_start));
    P("spec.length", offsetof(struct dm_target_spec, length));
    P("spec.status", offsetof(struct dm_target_spec, status));
    P("spec.next", offsetof(struct dm_target_spec, next));
    P("spec.target_type", offsetof(struct dm_target_spec, target_type));
    P("deps.dev", offsetof(struct dm_target_deps, dev));
    P("names.next", offsetof(struct dm_name_list, next));
    P("names.name", offsetof(struct dm_name_list, name));
    P("versions.name", offsetof(struct dm_target_versions, name));
    P("msg.message", offsetof(struct dm_target_msg, message));
    P("DM_VERSION", DM_VERSION);
    P("DM_DEV_CREATE", DM_DEV_CREATE);
    P("DM_TABLE_STATUS", DM_TABLE_STATUS);
    P("DM_GET_TARGET_VERSION", DM_GET_TARGET_VERSION);
    P("DM_NAME_LEN", DM_NAME_LEN);
    P("DM_UUID_LEN", DM_UUID_LEN);
    P("DM_MAX_TYPE_NAME", DM_MAX_TYPE_NAME);
    P("DM_NAME_LIST_FLAG_HAS_UUID", DM_NAME_LIST_FLAG_HAS_UUID);
    P("DM_NAME_LIST_FLAG_DOESNT_HAVE_UUID", DM_NAME_LIST_FLAG_DOESNT_HAVE_UUID);
    return 0;
}
"#,
    )
    .unwrap();
    let status = Command::new("cc").arg("-o").arg(&bin).arg(&src).status().expect("cc");
    assert!(status.success(), "compiling the layout probe failed");
    let out = Command::new(&bin).output().unwrap();
    std::fs::remove_dir_all(&dir).ok();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (k, v) = l.rsplit_once(' ').unwrap();
            (k.to_string(), v.parse().unwrap())
        })
        .collect()
}

#[test]
fn dm_ioctl_layout_matches_the_kernel_header() {
    let ours: Vec<(&str, u64)> = vec![
        ("sizeof dm_ioctl", ioctl::HEADER_SIZE as u64),
        ("version", header::VERSION as u64),
        ("data_size", header::DATA_SIZE as u64),
        ("data_start", header::DATA_START as u64),
        ("target_count", header::TARGET_COUNT as u64),
        ("open_count", header::OPEN_COUNT as u64),
        ("flags", header::FLAGS as u64),
        ("event_nr", header::EVENT_NR as u64),
        ("dev", header::DEV as u64),
        ("name", header::NAME as u64),
        ("uuid", header::UUID as u64),
        ("sizeof dm_target_spec", ioctl::TARGET_SPEC_SIZE as u64),
        ("spec.sector_start", spec::SECTOR_START as u64),
        ("spec.length", spec::LENGTH as u64),
        ("spec.status", spec::STATUS as u64),
        ("spec.next", spec::NEXT as u64),
        ("spec.target_type", spec::TARGET_TYPE as u64),
        ("deps.dev", ioctl::DEPS_DEV as u64),
        ("names.next", ioctl::NAME_LIST_NEXT as u64),
        ("names.name", ioctl::NAME_LIST_NAME as u64),
        ("versions.name", ioctl::VERSIONS_NAME as u64),
        ("msg.message", ioctl::MSG_TEXT as u64),
        ("DM_VERSION", ioctl::request_code(Cmd::Version)),
        ("DM_DEV_CREATE", ioctl::request_code(Cmd::DevCreate)),
        ("DM_TABLE_STATUS", ioctl::request_code(Cmd::TableStatus)),
        ("DM_GET_TARGET_VERSION", ioctl::request_code(Cmd::GetTargetVersion)),
        ("DM_NAME_LEN", devmapper::kernel::DM_NAME_LEN as u64),
        ("DM_UUID_LEN", devmapper::kernel::DM_UUID_LEN as u64),
        ("DM_MAX_TYPE_NAME", devmapper::kernel::DM_MAX_TYPE_NAME as u64),
        ("DM_NAME_LIST_FLAG_HAS_UUID", ioctl::NAME_LIST_FLAG_HAS_UUID as u64),
        ("DM_NAME_LIST_FLAG_DOESNT_HAVE_UUID", ioctl::NAME_LIST_FLAG_DOESNT_HAVE_UUID as u64),
    ];
    let theirs = c_facts();
    assert_eq!(theirs.len(), ours.len());
    for ((name, value), (cname, cvalue)) in ours.iter().zip(theirs.iter()) {
        assert_eq!(name, cname);
        assert_eq!(value, cvalue, "{name}: ours {value}, linux/dm-ioctl.h {cvalue}");
    }
}

#[test]
fn flag_bits_match_the_kernel_header() {
    use devmapper::kernel::Flags;
    let header = std::fs::read_to_string("/usr/include/linux/dm-ioctl.h").unwrap();
    let bit = |name: &str| -> u32 {
        let line = header.lines().find(|l| l.starts_with(&format!("#define {name}\t")) || l.starts_with(&format!("#define {name} "))).unwrap_or_else(|| panic!("{name}"));
        let shift: u32 = line.split("<<").nth(1).unwrap().trim().trim_start_matches(' ').split(')').next().unwrap().trim().parse().unwrap();
        1 << shift
    };
    let pairs = [
        ("DM_READONLY_FLAG", Flags::READONLY),
        ("DM_SUSPEND_FLAG", Flags::SUSPEND),
        ("DM_PERSISTENT_DEV_FLAG", Flags::PERSISTENT_DEV),
        ("DM_STATUS_TABLE_FLAG", Flags::STATUS_TABLE),
        ("DM_ACTIVE_PRESENT_FLAG", Flags::ACTIVE_PRESENT),
        ("DM_INACTIVE_PRESENT_FLAG", Flags::INACTIVE_PRESENT),
        ("DM_BUFFER_FULL_FLAG", Flags::BUFFER_FULL),
        ("DM_SKIP_LOCKFS_FLAG", Flags::SKIP_LOCKFS),
        ("DM_NOFLUSH_FLAG", Flags::NOFLUSH),
        ("DM_QUERY_INACTIVE_TABLE_FLAG", Flags::QUERY_INACTIVE_TABLE),
        ("DM_UUID_FLAG", Flags::UUID),
        ("DM_SECURE_DATA_FLAG", Flags::SECURE_DATA),
        ("DM_DATA_OUT_FLAG", Flags::DATA_OUT),
        ("DM_DEFERRED_REMOVE", Flags::DEFERRED_REMOVE),
        ("DM_INTERNAL_SUSPEND_FLAG", Flags::INTERNAL_SUSPEND),
        ("DM_IMA_MEASUREMENT_FLAG", Flags::IMA_MEASUREMENT),
    ];
    for (name, flag) in pairs {
        assert_eq!(bit(name), flag.bits(), "{name}");
    }
}
