//! The raid target (dm-raid.rst): MD personalities driven by device-mapper.
//!
//! `raid <raid type> <#raid params> <chunk size> [raid params] <#raid devs>
//! (<metadata dev> <data dev>)+`, where a missing device of either kind is
//! `-`. The optional parameters come in the order the kernel documents
//! (the order libdm uses for every raid target version outside 1.9 and
//! 1.10, whose kernels had an ordering flaw; for those it keeps libdm's
//! other order).

use super::TargetError;

/// Entries of the rebuild and write-mostly bitmaps (4 x 64 bits: up to 256
/// devices; the kernel takes at most 253).
pub const RAID_BITMAP_SIZE: usize = 4;

/// A raid personality and layout, as libdm names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RaidLevel {
    /// Striping without parity (no metadata devices).
    Raid0,
    /// Striping with metadata devices (the kernel sees "raid0").
    Raid0Meta,
    /// Mirroring.
    Raid1,
    /// Striped mirrors.
    Raid10,
    /// Dedicated parity.
    Raid4,
    /// RAID5 with parity on the last device.
    Raid5N,
    /// RAID5 left asymmetric.
    Raid5La,
    /// RAID5 right asymmetric.
    Raid5Ra,
    /// RAID5 left symmetric (also "raid5").
    Raid5Ls,
    /// RAID5 right symmetric.
    Raid5Rs,
    /// RAID6 with P and Q on the last devices.
    Raid6N6,
    /// RAID6 zero restart (also "raid6").
    Raid6Zr,
    /// RAID6 N restart.
    Raid6Nr,
    /// RAID6 N continue.
    Raid6Nc,
    /// RAID6 left symmetric with Q last.
    Raid6Ls6,
    /// RAID6 right symmetric with Q last.
    Raid6Rs6,
    /// RAID6 left asymmetric with Q last.
    Raid6La6,
    /// RAID6 right asymmetric with Q last.
    Raid6Ra6,
}

impl RaidLevel {
    /// The level of a libdm raid type name ("raid5" is raid5_ls, "raid6"
    /// raid6_zr, "raid10_near" raid10), None for an unknown name.
    pub fn from_name(name: &str) -> Option<RaidLevel> {
        use RaidLevel::*;
        Some(match name {
            "raid0" => Raid0,
            "raid0_meta" => Raid0Meta,
            "raid1" => Raid1,
            "raid10" | "raid10_near" => Raid10,
            "raid4" => Raid4,
            "raid5_n" => Raid5N,
            "raid5_la" => Raid5La,
            "raid5_ra" => Raid5Ra,
            "raid5_ls" | "raid5" => Raid5Ls,
            "raid5_rs" => Raid5Rs,
            "raid6_n_6" => Raid6N6,
            "raid6_zr" | "raid6" => Raid6Zr,
            "raid6_nr" => Raid6Nr,
            "raid6_nc" => Raid6Nc,
            "raid6_ls_6" => Raid6Ls6,
            "raid6_rs_6" => Raid6Rs6,
            "raid6_la_6" => Raid6La6,
            "raid6_ra_6" => Raid6Ra6,
            _ => return None,
        })
    }

    /// The name the kernel is given (raid0_meta is plain raid0 to it).
    pub fn kernel_name(self) -> &'static str {
        use RaidLevel::*;
        match self {
            Raid0 | Raid0Meta => "raid0",
            Raid1 => "raid1",
            Raid10 => "raid10",
            Raid4 => "raid4",
            Raid5N => "raid5_n",
            Raid5La => "raid5_la",
            Raid5Ra => "raid5_ra",
            Raid5Ls => "raid5_ls",
            Raid5Rs => "raid5_rs",
            Raid6N6 => "raid6_n_6",
            Raid6Zr => "raid6_zr",
            Raid6Nr => "raid6_nr",
            Raid6Nc => "raid6_nc",
            Raid6Ls6 => "raid6_ls_6",
            Raid6Rs6 => "raid6_rs_6",
            Raid6La6 => "raid6_la_6",
            Raid6Ra6 => "raid6_ra_6",
        }
    }

    /// Whether a device of the set may be left out (a null area): every
    /// level but raid10, as in libdm.
    pub fn allows_null_areas(self) -> bool {
        self != RaidLevel::Raid10
    }
}

/// The raid target's parameters (libdm's dm_tree_node_raid_params_v2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Raid {
    /// Personality and layout.
    pub level: RaidLevel,
    /// Region size in sectors (0: the kernel's default).
    pub region_size: u32,
    /// Chunk (stripe) size in sectors.
    pub stripe_size: u32,
    /// Devices to rebuild, one bit per metadata/data pair.
    pub rebuilds: [u64; RAID_BITMAP_SIZE],
    /// Devices marked write-mostly (raid1).
    pub writemostly: [u64; RAID_BITMAP_SIZE],
    /// max_write_behind (raid1), 0 for none.
    pub writebehind: u32,
    /// raid10_copies; emitted above 1 for raid10.
    pub data_copies: u32,
    /// min_recovery_rate in KiB/s per device, 0 for none.
    pub min_recovery_rate: u32,
    /// max_recovery_rate in KiB/s per device, 0 for none.
    pub max_recovery_rate: u32,
    /// delta_disks for reshaping, 0 for none.
    pub delta_disks: i32,
    /// data_offset for out-of-place reshaping, 0 for none (1 means 0).
    pub data_offset: i32,
    /// DM_NOSYNC: the array is known to be in sync.
    pub nosync: bool,
    /// DM_FORCESYNC: resynchronise it.
    pub forcesync: bool,
    /// The kernel's raid target is version 1.9 or 1.10: libdm then orders
    /// the optional parameters differently.
    pub legacy_order: bool,
}

impl Raid {
    /// Takes DM_NOSYNC and DM_FORCESYNC (see [`super::mirror_flags`]) from
    /// libdm's raid flags; libdm keeps them in 32 bits, other bits count
    /// for nothing.
    pub fn set_sync_flags(&mut self, flags: u64) {
        let flags = flags as u32;
        self.nosync = flags & super::mirror_flags::NOSYNC != 0;
        self.forcesync = flags & super::mirror_flags::FORCESYNC != 0;
    }

    /// A raid segment of `level` with nothing else set.
    pub fn new(level: RaidLevel) -> Raid {
        Raid {
            level,
            region_size: 0,
            stripe_size: 0,
            rebuilds: [0; RAID_BITMAP_SIZE],
            writemostly: [0; RAID_BITMAP_SIZE],
            writebehind: 0,
            data_copies: 0,
            min_recovery_rate: 0,
            max_recovery_rate: 0,
            delta_disks: 0,
            data_offset: 0,
            nosync: false,
            forcesync: false,
            legacy_order: false,
        }
    }

    /// Whether libdm's ordering applies to raid target `version`.
    pub fn order_is_legacy(version: [u32; 3]) -> bool {
        let [maj, min, _] = version;
        !(maj > 1 || (maj == 1 && !(9..11).contains(&min)))
    }

    /// The parameters after "raid": `devices` holds one entry per area
    /// (metadata, data, metadata, data ...), None for a missing device.
    pub(super) fn params(&self, devices: &[Option<String>]) -> Result<String, TargetError> {
        if !devices.len().is_multiple_of(2) {
            return Err(TargetError::Areas { target: "raid", got: devices.len(), want: "an even number (metadata and data pairs)".into() });
        }
        let pairs = devices.len() / 2;
        if pairs > RAID_BITMAP_SIZE * 64 {
            // libdm would read past its rebuild and write-mostly bitmaps.
            return Err(TargetError::Areas { target: "raid", got: devices.len(), want: format!("at most {} (metadata and data pairs)", RAID_BITMAP_SIZE * 128) });
        }
        let bit = |map: &[u64; RAID_BITMAP_SIZE], i: usize| map.get(i / 64).is_some_and(|w| w & (1u64 << (i % 64)) != 0);
        let bits = |map: &[u64; RAID_BITMAP_SIZE]| map.iter().map(|w| w.count_ones() as usize).sum::<usize>();
        let two_if = |set: bool| if set { 2 } else { 0 };
        let raid10 = self.level == RaidLevel::Raid10;

        // The count libdm gives: every set bit counts, even past the
        // number of devices, and raid10_copies counts on every level.
        let count = 1
            + usize::from(self.nosync || self.forcesync)
            + two_if(self.data_offset != 0)
            + two_if(self.delta_disks != 0)
            + two_if(self.region_size != 0)
            + two_if(self.writebehind != 0)
            + two_if(self.min_recovery_rate != 0)
            + two_if(self.max_recovery_rate != 0)
            + two_if(self.data_copies > 1)
            + 2 * bits(&self.rebuilds)
            + 2 * bits(&self.writemostly);

        let mut out = format!("{} {} {}", self.level.kernel_name(), count, self.stripe_size);
        let sync = if self.nosync {
            " nosync"
        } else if self.forcesync {
            " sync"
        } else {
            ""
        };
        let rebuild = |out: &mut String| (0..pairs).filter(|i| bit(&self.rebuilds, *i)).for_each(|i| out.push_str(&format!(" rebuild {i}")));
        let mostly = |out: &mut String| (0..pairs).filter(|i| bit(&self.writemostly, *i)).for_each(|i| out.push_str(&format!(" write_mostly {i}")));
        let opt = |out: &mut String, set: bool, text: String| {
            if set {
                out.push_str(&text);
            }
        };
        let data_offset = if self.data_offset == 1 { 0 } else { self.data_offset };
        if !self.legacy_order {
            out.push_str(sync);
            rebuild(&mut out);
            opt(&mut out, self.min_recovery_rate != 0, format!(" min_recovery_rate {}", self.min_recovery_rate));
            opt(&mut out, self.max_recovery_rate != 0, format!(" max_recovery_rate {}", self.max_recovery_rate));
            mostly(&mut out);
            opt(&mut out, self.writebehind != 0, format!(" max_write_behind {}", self.writebehind));
            opt(&mut out, self.region_size != 0, format!(" region_size {}", self.region_size));
            opt(&mut out, self.data_copies > 1 && raid10, format!(" raid10_copies {}", self.data_copies));
            opt(&mut out, self.delta_disks != 0, format!(" delta_disks {}", self.delta_disks));
            opt(&mut out, self.data_offset != 0, format!(" data_offset {data_offset}"));
        } else {
            opt(&mut out, self.data_copies > 1 && raid10, format!(" raid10_copies {}", self.data_copies));
            out.push_str(sync);
            opt(&mut out, self.region_size != 0, format!(" region_size {}", self.region_size));
            opt(&mut out, self.data_offset != 0, format!(" data_offset {data_offset}"));
            opt(&mut out, self.delta_disks != 0, format!(" delta_disks {}", self.delta_disks));
            rebuild(&mut out);
            mostly(&mut out);
            opt(&mut out, self.writebehind != 0, format!(" max_write_behind {}", self.writebehind));
            opt(&mut out, self.max_recovery_rate != 0, format!(" max_recovery_rate {}", self.max_recovery_rate));
            opt(&mut out, self.min_recovery_rate != 0, format!(" min_recovery_rate {}", self.min_recovery_rate));
        }
        out.push_str(&format!(" {pairs}"));
        for d in devices {
            out.push(' ');
            out.push_str(d.as_deref().unwrap_or("-"));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_low_sync_flags_count() {
        let mut r = Raid::new(RaidLevel::Raid1);
        r.set_sync_flags((1 << 32) | 2);
        assert_eq!((r.nosync, r.forcesync), (false, true));
        r.set_sync_flags(1 | 8);
        assert_eq!((r.nosync, r.forcesync), (true, false));
    }

    fn devs(list: &[Option<&str>]) -> Vec<Option<String>> {
        list.iter().map(|d| d.map(str::to_string)).collect()
    }

    #[test]
    fn names_and_aliases_map_to_the_kernel_names() {
        assert_eq!(RaidLevel::from_name("raid5").unwrap().kernel_name(), "raid5_ls");
        assert_eq!(RaidLevel::from_name("raid6").unwrap().kernel_name(), "raid6_zr");
        assert_eq!(RaidLevel::from_name("raid10_near").unwrap().kernel_name(), "raid10");
        assert_eq!(RaidLevel::from_name("raid0_meta").unwrap().kernel_name(), "raid0");
        assert_eq!(RaidLevel::from_name("raid6_la_6").unwrap().kernel_name(), "raid6_la_6");
        assert_eq!(RaidLevel::from_name("raid7"), None);
        assert_eq!(RaidLevel::from_name("RAID1"), None);
    }

    #[test]
    fn a_plain_raid1_line_has_only_the_chunk_size() {
        let r = Raid::new(RaidLevel::Raid1);
        assert_eq!(r.params(&devs(&[Some("254:1"), Some("254:2"), Some("254:3"), Some("254:4")])).unwrap(), "raid1 1 0 2 254:1 254:2 254:3 254:4");
    }

    #[test]
    fn every_option_in_the_documented_order_with_its_count() {
        let mut r = Raid::new(RaidLevel::Raid10);
        r.stripe_size = 64;
        r.region_size = 1024;
        r.nosync = true;
        r.rebuilds[0] = 0b10;
        r.writemostly[0] = 0b1;
        r.writebehind = 256;
        r.min_recovery_rate = 10;
        r.max_recovery_rate = 100;
        r.data_copies = 2;
        r.delta_disks = -1;
        r.data_offset = 1;
        let d = devs(&[None, Some("7:0"), None, Some("7:1")]);
        assert_eq!(
            r.params(&d).unwrap(),
            "raid10 20 64 nosync rebuild 1 min_recovery_rate 10 max_recovery_rate 100 write_mostly 0 max_write_behind 256 region_size 1024 raid10_copies 2 delta_disks -1 data_offset 0 2 - 7:0 - 7:1"
        );
        r.legacy_order = true;
        assert_eq!(
            r.params(&d).unwrap(),
            "raid10 20 64 raid10_copies 2 nosync region_size 1024 data_offset 0 delta_disks -1 rebuild 1 write_mostly 0 max_write_behind 256 max_recovery_rate 100 min_recovery_rate 10 2 - 7:0 - 7:1"
        );
    }

    #[test]
    fn bits_past_the_devices_count_but_are_not_emitted_as_libdm_does() {
        let mut r = Raid::new(RaidLevel::Raid5Ls);
        r.stripe_size = 128;
        r.rebuilds = [1 << 5, 0, 0, 1];
        r.forcesync = true;
        let d = devs(&[None, Some("7:0"), None, Some("7:1"), None, Some("7:2")]);
        assert_eq!(r.params(&d).unwrap(), "raid5_ls 6 128 sync 3 - 7:0 - 7:1 - 7:2");
    }

    #[test]
    fn high_bitmap_words_address_devices_past_64() {
        let mut r = Raid::new(RaidLevel::Raid1);
        r.rebuilds[1] = 1 << 2; // device 66
        let d: Vec<Option<String>> = (0..134).map(|i| Some(format!("7:{i}"))).collect();
        let line = r.params(&d).unwrap();
        assert!(line.starts_with("raid1 3 0 rebuild 66 67 7:0 7:1"), "{line}");
    }

    #[test]
    fn raid10_copies_only_on_raid10_but_counted_everywhere() {
        let mut r = Raid::new(RaidLevel::Raid1);
        r.data_copies = 3;
        assert_eq!(r.params(&devs(&[Some("1:1"), Some("1:2")])).unwrap(), "raid1 3 0 1 1:1 1:2");
    }

    #[test]
    fn more_devices_than_the_bitmaps_hold_are_refused() {
        let r = Raid::new(RaidLevel::Raid1);
        let d: Vec<Option<String>> = (0..514).map(|i| Some(format!("7:{i}"))).collect();
        assert!(matches!(r.params(&d), Err(TargetError::Areas { got: 514, .. })));
        assert!(r.params(&d[..512]).is_ok());
    }

    #[test]
    fn an_odd_number_of_areas_is_refused() {
        let r = Raid::new(RaidLevel::Raid1);
        assert!(r.params(&devs(&[Some("1:1")])).is_err());
    }

    #[test]
    fn versions_1_9_and_1_10_use_the_legacy_order() {
        assert!(!Raid::order_is_legacy([1, 15, 1]));
        assert!(!Raid::order_is_legacy([1, 8, 0]));
        assert!(Raid::order_is_legacy([1, 9, 0]));
        assert!(Raid::order_is_legacy([1, 10, 1]));
        assert!(!Raid::order_is_legacy([1, 11, 0]));
        assert!(!Raid::order_is_legacy([2, 0, 0]));
        assert!(Raid::order_is_legacy([0, 0, 0]), "no version known: libdm takes the legacy branch");
    }
}
