//! Statistics on the simulated kernel: regions, counters, metrics, walks,
//! groups and file maps, each behaviour asserted on what the kernel holds
//! and what the handle reports.

use std::sync::Arc;

use super::filemap::{merge_extents, FileExtent};
use super::*;
use crate::kernel::fiemap::Extent;
use crate::kernel::SimKernel;

/// A simulated kernel with a 1000-sector zero device "s".
fn device() -> (Arc<SimKernel>, Stats) {
    let sim = Arc::new(SimKernel::new());
    let mut t = Task::new(TaskType::Create);
    t.name = Some("s".into());
    t.add_target(0, 1000, "zero", "");
    t.run(&*sim).unwrap();
    let mut s = Stats::new(sim.clone(), Some("test"));
    s.bind_name("s");
    (sim, s)
}

/// The kernel's `@stats_list` of device "s" for every program.
fn kernel_list(s: &Stats) -> String {
    s.message("@stats_list").unwrap().unwrap_or_default()
}

fn counters(v: [u64; 13]) -> [u64; 13] {
    v
}

#[test]
fn a_region_is_created_with_the_kernel_message_format() {
    let (_sim, mut s) = device();
    assert_eq!(s.create_region(0, 0, -4, 0, None, None, "").unwrap(), 0);
    assert_eq!(s.create_region(100, 200, 50, 0, None, Some("other"), "mine").unwrap(), 1);
    assert_eq!(kernel_list(&s), "0: 0+1000 250 test -\n1: 100+200 50 other mine\n");
}

#[test]
fn precise_and_histogram_options_reach_the_kernel() {
    let (_sim, mut s) = device();
    let b = Histogram::parse_bounds("10ms,20ms").unwrap();
    s.create_region(0, 0, -1, 1, Some(&b), None, "").unwrap();
    let b = Histogram::parse_bounds("100us").unwrap();
    s.create_region(0, 0, -1, 0, Some(&b), None, "").unwrap();
    assert_eq!(
        kernel_list(&s),
        "0: 0+1000 1000 test - precise_timestamps histogram:10000000,20000000\n\
         1: 0+1000 1000 test - precise_timestamps histogram:100000\n"
    );
}

#[test]
fn a_list_fills_the_region_table() {
    let (_sim, mut s) = device();
    s.create_region(0, 0, -2, 0, None, None, "").unwrap();
    s.create_region(10, 20, 20, 1, None, None, "aux").unwrap();
    s.list(None).unwrap();
    assert_eq!(s.nr_regions(), 2);
    let r = s.region(1).unwrap();
    assert_eq!((r.start, r.len, r.step, r.precise()), (10, 20, 20, true));
    assert_eq!(r.aux_data, "aux");
    assert_eq!(s.region_nr_areas(0), 2);
    assert_eq!(s.nr_areas(), 3);
    assert_eq!(s.device_name(), Some("s"));
}

#[test]
fn holes_in_region_ids_are_absent() {
    let (_sim, mut s) = device();
    for _ in 0..3 {
        s.create_region(0, 0, -1, 0, None, None, "").unwrap();
    }
    s.delete_region(1).unwrap();
    s.list(None).unwrap();
    assert_eq!((s.nr_regions(), s.region_present(1), s.region_present(2)), (2, false, true));
    // The kernel reuses the lowest free id.
    assert_eq!(s.create_region(0, 0, -1, 0, None, None, "").unwrap(), 1);
}

#[test]
fn an_empty_device_lists_no_regions() {
    let (_sim, mut s) = device();
    s.list(None).unwrap();
    assert_eq!(s.nr_regions(), 0);
    assert!(!s.populate(None, CURRENT).unwrap());
}

#[test]
fn a_list_by_program_id_sees_only_that_program() {
    let (_sim, mut s) = device();
    s.create_region(0, 0, -1, 0, None, Some("a"), "").unwrap();
    s.create_region(0, 0, -1, 0, None, Some("b"), "").unwrap();
    s.list(Some("b")).unwrap();
    assert_eq!((s.nr_regions(), s.region_present(1)), (1, true));
    s.list(Some("")).unwrap();
    assert_eq!(s.nr_regions(), 2);
}

#[test]
fn counters_come_from_a_print_row_in_nanoseconds() {
    let (_, _, c) = parse_print_line("0+100 1 2 3 4 5 6 7 8 9 10 11 12 13", NSEC_PER_MSEC, None).unwrap();
    assert_eq!(c.get(Counter::Reads), 1);
    assert_eq!(c.get(Counter::ReadNsecs), 4_000_000);
    assert_eq!(c.get(Counter::IoInProgress), 9);
    assert_eq!(c.get(Counter::TotalWriteNsecs), 13_000_000);
    let (_, _, c) = parse_print_line("0+100 1 2 3 4 5 6 7 8 9 10 11 12 13", 1, None).unwrap();
    assert_eq!(c.get(Counter::ReadNsecs), 4);
}

#[test]
fn a_print_row_with_a_histogram() {
    let b = Histogram::from_kernel_spec("10,20", NSEC_PER_MSEC).unwrap();
    let (s, l, c) = parse_print_line("200+100 0 0 0 0 0 0 0 0 0 0 0 0 0 4:0:1\n", NSEC_PER_MSEC, Some(&b)).unwrap();
    assert_eq!((s, l), (200, 100));
    let h = c.histogram.unwrap();
    assert_eq!((h.bin_count(0), h.bin_count(2), h.sum), (4, 1, 5));
    assert!(parse_print_line("0+1 1 2 3", 1, None).is_err());
}

#[test]
fn populate_reads_and_clears_the_counters() {
    let (sim, mut s) = device();
    s.create_region(0, 0, -2, 0, None, None, "").unwrap();
    sim.stats_set_area("s", 0, 0, counters([10, 1, 80, 5, 4, 0, 32, 3, 0, 7, 9, 5, 3]), &[]);
    sim.stats_set_area("s", 0, 1, counters([2, 0, 16, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0]), &[]);
    assert!(s.populate(None, CURRENT).unwrap());
    assert_eq!(s.counter(Counter::Reads, 0, 0), 10);
    assert_eq!(s.counter(Counter::Reads, 0, 1), 2);
    assert_eq!(s.counter(Counter::Reads, 0, WALK_REGION), 12);
    assert_eq!(s.counter(Counter::WriteNsecs, 0, 0), 3_000_000);
    // The counters were cleared by the populate.
    assert!(s.populate(None, CURRENT).unwrap());
    assert_eq!(s.counter(Counter::Reads, 0, WALK_REGION), 0);
}

#[test]
fn derived_metrics_follow_libdm_formulas() {
    let (sim, mut s) = device();
    s.create_region(0, 0, -1, 0, None, None, "").unwrap();
    // 10 reads, 2 merged, 80 sectors, 50 ms reading; 5 writes, 40 sectors,
    // 25 ms writing; 500 ms busy, 900 ms weighted.
    sim.stats_set_area("s", 0, 0, counters([10, 2, 80, 50, 5, 1, 40, 25, 0, 500, 900, 50, 25]), &[]);
    s.populate(None, CURRENT).unwrap();
    s.set_interval_ns(NSEC_PER_SEC);
    let m = |k| s.metric(k, 0, 0).unwrap();
    assert_eq!(m(Metric::ReadsPerSec), 10.0);
    assert_eq!(m(Metric::WriteSectorsPerSec), 40.0);
    assert_eq!(m(Metric::RdMergesPerSec), 2.0 / 1e9);
    assert_eq!(m(Metric::AverageRequestSize), 8.0);
    assert_eq!(m(Metric::AverageQueueSize), 0.9);
    assert_eq!(m(Metric::AverageWaitTime), 75e6 / 15.0);
    assert_eq!(m(Metric::AverageRdWaitTime), 5e6);
    assert_eq!(m(Metric::AverageWrWaitTime), 5e6);
    assert_eq!(m(Metric::Throughput), 15.0);
    assert_eq!(m(Metric::Utilization), 0.5);
    let svctm = 1e9 * f64::from(crate::util::units::percent_to_float(50)) / (100.0 * 15.0);
    assert_eq!(m(Metric::ServiceTime), svctm);
}

#[test]
fn counters_and_metrics_by_number() {
    assert_eq!(Counter::from_index(12), Ok(Counter::TotalWriteNsecs));
    assert_eq!(Metric::from_index(13), Ok(Metric::Utilization));
    assert_eq!(Counter::from_index(13).unwrap_err().to_string(), "Attempt to read invalid counter: 13");
    assert_eq!(Metric::from_index(-1).unwrap_err().to_string(), "Attempt to read invalid metric: -1");
}

#[test]
fn the_current_area_is_the_cursors() {
    let (_sim, mut s) = device();
    s.create_region(0, 0, -2, 0, None, None, "").unwrap();
    s.list(None).unwrap();
    s.walk_init(WALK_AREA).unwrap();
    s.walk_start();
    s.walk_next();
    assert_eq!((s.cursor().region, s.cursor().area), (0, 1));
    assert_eq!((s.current_area_start(), s.current_area_offset()), (Some(500), Some(500)));
}

#[test]
fn metrics_need_an_interval() {
    let (_sim, mut s) = device();
    s.create_region(0, 0, -1, 0, None, None, "").unwrap();
    s.populate(None, CURRENT).unwrap();
    assert!(s.metric(Metric::Throughput, 0, 0).is_err());
}

#[test]
fn utilization_is_capped_at_the_interval() {
    let (sim, mut s) = device();
    s.create_region(0, 0, -1, 0, None, None, "").unwrap();
    sim.stats_set_area("s", 0, 0, counters([0, 0, 0, 0, 0, 0, 0, 0, 0, 3000, 0, 0, 0]), &[]);
    s.populate(None, CURRENT).unwrap();
    s.set_interval_ns(NSEC_PER_SEC);
    assert_eq!(s.metric(Metric::Utilization, 0, 0).unwrap(), 1.0);
    assert_eq!(s.utilization_percent(0, 0), Ok(crate::util::units::PERCENT_100));
    s.set_interval_ns(0);
    assert!(s.utilization_percent(0, 0).is_err());
}

#[test]
fn the_interval_in_ms() {
    let (_sim, mut s) = device();
    s.set_interval_ms(1500);
    assert_eq!((s.interval_ns(), s.interval_ms()), (1_500_000_000, 1500));
    s.set_interval_ns(2_999_999);
    assert_eq!(s.interval_ms(), 2);
}

/// (object type, region, area) of each step of a walk with `flags`.
fn walk(s: &mut Stats, flags: u64) -> Vec<(ObjectType, u64, u64)> {
    s.walk_init(flags).unwrap();
    s.walk_start();
    let mut seen = Vec::new();
    loop {
        let c = s.cursor();
        seen.push((s.object_type(CURRENT, CURRENT), c.region, c.area & !WALK_ALL));
        s.walk_next();
        if s.walk_end() || seen.len() > 50 {
            return seen;
        }
    }
}

#[test]
fn the_default_walk_visits_areas_then_regions() {
    let (_sim, mut s) = device();
    s.create_region(0, 0, -2, 0, None, None, "").unwrap();
    s.create_region(0, 0, -1, 0, None, None, "").unwrap();
    s.list(None).unwrap();
    assert_eq!(walk(&mut s, WALK_DEFAULT), vec![(ObjectType::Area, 0, 0), (ObjectType::Area, 0, 1), (ObjectType::Area, 1, 0), (ObjectType::Region, 0, 0), (ObjectType::Region, 1, 0)]);
}

#[test]
fn a_walk_with_groups_ends_with_the_groups() {
    let (_sim, mut s) = device();
    for _ in 0..3 {
        s.create_region(0, 0, -1, 0, None, None, "").unwrap();
    }
    s.list(None).unwrap();
    s.create_group("1-2", Some("g")).unwrap();
    let w = walk(&mut s, WALK_REGION | WALK_GROUP);
    assert_eq!(w, vec![(ObjectType::Region, 0, 0), (ObjectType::Region, 1, 0), (ObjectType::Region, 2, 0), (ObjectType::Group, WALK_GROUP, 0)]);
}

#[test]
fn skip_single_area_leaves_out_one_area_regions() {
    let (_sim, mut s) = device();
    s.create_region(0, 0, -1, 0, None, None, "").unwrap();
    s.create_region(0, 0, -3, 0, None, None, "").unwrap();
    s.list(None).unwrap();
    assert_eq!(walk(&mut s, WALK_REGION | WALK_SKIP_SINGLE_AREA), vec![(ObjectType::Region, 1, 0)]);
}

#[test]
fn unknown_walk_flags_are_refused() {
    let (_sim, mut s) = device();
    assert!(s.walk_init(1).is_err());
}

#[test]
fn a_group_is_stored_in_the_leaders_aux_data() {
    let (_sim, mut s) = device();
    for _ in 0..4 {
        s.create_region(0, 0, -1, 0, None, None, "").unwrap();
    }
    s.create_region(0, 0, -1, 0, None, None, "user").unwrap();
    s.list(None).unwrap();
    assert_eq!(s.create_group("1-2,4", Some("grp")).unwrap(), 1);
    assert!(kernel_list(&s).contains("1: 0+1000 1000 test DMS_GROUP=grp:1-2,4#-\n"));
    s.list(None).unwrap();
    let g = s.group(1).unwrap();
    assert_eq!((g.alias.as_deref(), g.members.clone()), (Some("grp"), vec![1, 2, 4]));
    assert_eq!(s.group_id(4), 1);
    assert_eq!(s.region(4).unwrap().aux_data, "user");
    assert_eq!(s.alias(2), Some("grp"));
    assert_eq!(s.alias(0), Some("s"));
    assert_eq!(s.group_descriptor(1).as_deref(), Ok("1-2,4"));
    assert_eq!(s.group_descriptor(2).unwrap_err().to_string(), "Group ID 2 does not exist");
}

#[test]
fn a_group_descriptor_written_by_libdm_is_read_back() {
    // What the C library writes for a group of regions 0 and 1 named foo,
    // whose leader has the user data "bar".
    let (g, user) = parse_group_tag(0, "DMS_GROUP=foo:0-1#bar").unwrap();
    assert_eq!(g.unwrap(), Group { id: 0, alias: Some("foo".into()), members: vec![0, 1] });
    assert_eq!(user, "bar");
    let (g, user) = parse_group_tag(3, "DMS_GROUP=:3,5#-").unwrap();
    assert_eq!((g.unwrap().alias, user.as_str()), (None, ""));
    assert!(parse_group_tag(1, "DMS_GROUP=x:0-1#-").is_err());
    assert!(parse_group_tag(1, "DMS_GROUP=x").is_err());
    assert_eq!(group_tag(&Group { id: 2, alias: None, members: vec![2, 3, 4, 7] }), "DMS_GROUP=:2-4,7");
}

#[test]
fn grouping_refuses_missing_and_grouped_regions() {
    let (_sim, mut s) = device();
    for _ in 0..3 {
        s.create_region(0, 0, -1, 0, None, None, "").unwrap();
    }
    s.list(None).unwrap();
    assert!(s.create_group("0,7", None).is_err());
    s.create_group("0-1", None).unwrap();
    assert!(s.create_group("1-2", None).is_err());
}

#[test]
fn grouping_refuses_different_histogram_bounds() {
    let (_sim, mut s) = device();
    s.create_region(0, 0, -1, 0, Some(&Histogram::parse_bounds("1ms").unwrap()), None, "").unwrap();
    s.create_region(0, 0, -1, 0, Some(&Histogram::parse_bounds("2ms").unwrap()), None, "").unwrap();
    s.list(None).unwrap();
    assert_eq!(s.create_group("0-1", None), Err(StatsError::Invalid("All region histogram bounds must match exactly".into())));
}

#[test]
fn ungrouping_clears_the_descriptor() {
    let (_sim, mut s) = device();
    s.create_region(0, 0, -1, 0, None, None, "").unwrap();
    s.create_region(0, 0, -1, 0, None, None, "").unwrap();
    s.list(None).unwrap();
    s.create_group("0-1", Some("g")).unwrap();
    s.delete_group(0, false).unwrap();
    assert_eq!(kernel_list(&s), "0: 0+1000 1000 test -\n1: 0+1000 1000 test -\n");
}

#[test]
fn deleting_a_member_rewrites_the_leaders_descriptor() {
    let (_sim, mut s) = device();
    for _ in 0..3 {
        s.create_region(0, 0, -1, 0, None, None, "").unwrap();
    }
    s.list(None).unwrap();
    s.create_group("0-2", Some("g")).unwrap();
    s.list(None).unwrap();
    s.delete_region(1).unwrap();
    assert_eq!(kernel_list(&s), "0: 0+1000 1000 test DMS_GROUP=g:0,2#-\n2: 0+1000 1000 test -\n");
}

#[test]
fn deleting_a_group_with_its_regions() {
    let (_sim, mut s) = device();
    for _ in 0..3 {
        s.create_region(0, 0, -1, 0, None, None, "").unwrap();
    }
    s.list(None).unwrap();
    s.create_group("1-2", None).unwrap();
    s.list(None).unwrap();
    s.delete_group(1, true).unwrap();
    assert_eq!(kernel_list(&s), "0: 0+1000 1000 test -\n");
}

#[test]
fn counters_of_a_group_sum_its_regions() {
    let (sim, mut s) = device();
    s.create_region(0, 0, -2, 0, None, None, "").unwrap();
    s.create_region(0, 0, -1, 0, None, None, "").unwrap();
    s.list(None).unwrap();
    s.create_group("0-1", None).unwrap();
    sim.stats_set_area("s", 0, 1, counters([3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), &[]);
    sim.stats_set_area("s", 1, 0, counters([4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), &[]);
    s.populate(None, CURRENT).unwrap();
    s.walk_init(WALK_GROUP).unwrap();
    s.walk_start();
    assert_eq!(s.resolve(CURRENT, CURRENT), (s.cursor().region, s.cursor().area, s.cursor().group));
    assert_eq!(s.resolve(1, CURRENT), (1, s.cursor().area, 0));
    assert_eq!(s.counter(Counter::Reads, WALK_GROUP, 0), 4);
    assert_eq!(s.counter(Counter::Reads, CURRENT, CURRENT), 7);
    assert_eq!(s.region_len(WALK_GROUP).unwrap(), 2000);
}

#[test]
fn histograms_aggregate_over_areas() {
    let (sim, mut s) = device();
    let b = Histogram::parse_bounds("10ms,20ms").unwrap();
    s.create_region(0, 0, -2, 0, Some(&b), None, "").unwrap();
    sim.stats_set_area("s", 0, 0, [0; 13], &[1, 2, 3]);
    sim.stats_set_area("s", 0, 1, [0; 13], &[4, 0, 1]);
    s.list(None).unwrap();
    assert_eq!(s.histogram(0, 0).unwrap().sum, 0, "bounds only before a populate");
    assert_eq!(s.region_nr_histogram_bins(0), 3);
    s.populate(None, CURRENT).unwrap();
    assert_eq!(s.histogram(0, 1).unwrap().bins.iter().map(|b| b.count).collect::<Vec<_>>(), vec![4, 0, 1]);
    let h = s.histogram(0, WALK_REGION).unwrap();
    assert_eq!((h.bin_count(0), h.bin_count(1), h.bin_count(2), h.sum), (5, 2, 4, 11));
    assert_eq!(h.to_text(-1, -1, histogram::VALUES | histogram::BOUNDS_UPPER | histogram::SUFFIX), "10ms:5:20ms:2:>20ms:4");
}

#[test]
fn print_region_returns_the_kernels_rows() {
    let (sim, mut s) = device();
    s.create_region(0, 0, -2, 0, None, None, "").unwrap();
    sim.stats_set_area("s", 0, 1, counters([1, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), &[]);
    assert_eq!(s.print_region(0, 1, 1, false).unwrap(), "500+500 1 0 8 0 0 0 0 0 0 0 0 0 0\n");
    s.clear_region(0).unwrap();
    assert_eq!(s.print_region(0, 1, 1, false).unwrap(), "500+500 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
}

#[test]
fn errors_of_the_kernel_are_reported() {
    let (_sim, mut s) = device();
    assert_eq!(s.clear_region(5).unwrap_err().errno(), libc::ENOENT);
    assert_eq!(s.delete_region(0), Err(StatsError::Invalid("Could not delete region ID 0: no regions found".into())));
    let mut unbound = Stats::new(Arc::new(SimKernel::new()), Some("x"));
    assert!(unbound.list(None).is_err());
    unbound.bind_name("missing");
    assert_eq!(unbound.list(None).unwrap_err().errno(), libc::ENXIO);
}

#[test]
fn file_extents_merge_when_contiguous() {
    let raw = [
        Extent::new(0, 8192, 4096, 0),
        Extent::new(4096, 12288, 4096, 0),
        Extent::new(8192, 40960, 4096, 0),
        Extent::new(12288, 0, 4096, fiemap_unknown()),
    ];
    assert_eq!(merge_extents(&raw), vec![FileExtent { start: 16, len: 16 }, FileExtent { start: 80, len: 8 }]);
}

fn fiemap_unknown() -> u32 {
    crate::kernel::fiemap::EXTENT_UNKNOWN
}

#[test]
fn a_file_map_is_one_grouped_region_per_extent() {
    let (_sim, mut s) = device();
    let ext = [FileExtent { start: 16, len: 16 }, FileExtent { start: 80, len: 8 }];
    let ids = s.create_regions_for_extents(&ext, true, false, None, Some("file")).unwrap();
    assert_eq!(ids, vec![0, 1]);
    assert_eq!(kernel_list(&s), "0: 16+16 16 test DMS_GROUP=file:0-1#-\n1: 80+8 8 test -\n");
}

#[test]
fn updating_a_file_map_follows_changed_extents() {
    let (_sim, mut s) = device();
    let ext = [FileExtent { start: 16, len: 16 }, FileExtent { start: 80, len: 8 }];
    s.create_regions_for_extents(&ext, true, false, None, Some("file")).unwrap();
    let now = [FileExtent { start: 16, len: 16 }, FileExtent { start: 200, len: 8 }];
    assert_eq!(s.update_regions_for_extents(&now, 0).unwrap(), vec![0, 1]);
    assert_eq!(kernel_list(&s), "0: 16+16 16 test DMS_GROUP=file:0-1#-\n1: 200+8 8 test -\n");
    // The leader's extent went: the group is made again from what is left.
    let now = [FileExtent { start: 200, len: 8 }, FileExtent { start: 300, len: 8 }];
    assert_eq!(s.update_regions_for_extents(&now, 0).unwrap(), vec![1, 0]);
    assert_eq!(kernel_list(&s), "0: 300+8 8 test DMS_GROUP=file:0-1#-\n1: 200+8 8 test -\n");
}

#[test]
fn filemapd_arguments_are_checked() {
    assert!(filemap::start_filemapd(-1, 0, "/x", 0, 0, 0).is_err());
    assert!(filemap::start_filemapd(3, 0, "x", 0, 0, 0).is_err());
    assert!(filemap::start_filemapd(3, 0, "/x", 2, 0, 0).is_err());
    assert!(filemap::start_filemapd(3, 0, "/x", 0, 2, 0).is_err());
    assert!(filemap::start_filemapd(3, 0, "/x", 0, 0, 4).is_err());
    assert_eq!(filemap::FollowMode::parse(Some("path")).unwrap(), filemap::FollowMode::Path);
    assert!(filemap::FollowMode::parse(Some("bad")).is_err());
}
