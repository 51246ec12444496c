//! The simulated kernel's I/O statistics: the `@stats_*` messages answered
//! as the 6.1 kernel's dm-stats answers them (argument rules, region id
//! allocation, `@stats_list` and `@stats_print` formats, errnos). Counters
//! only move when a test sets them ([`super::SimKernel::stats_set_area`]).

use std::collections::BTreeMap;

/// One region.
#[derive(Debug, Clone, Default)]
struct SimRegion {
    start: u64,
    end: u64,
    step: u64,
    program_id: String,
    aux_data: String,
    precise: bool,
    bounds: Option<Vec<u64>>,
    /// Per area: thirteen counters (in the region's unit) and histogram counts.
    areas: Vec<([u64; 13], Vec<u64>)>,
}

impl SimRegion {
    fn nr_areas(&self) -> u64 {
        (self.end - self.start).div_ceil(self.step)
    }
}

/// The regions of one device.
#[derive(Debug, Clone, Default)]
pub struct DeviceStats {
    regions: BTreeMap<u64, SimRegion>,
}

/// What a message did: output text (DM_DATA_OUT), or nothing.
pub type MsgResult = Result<Option<String>, i32>;

impl DeviceStats {
    /// Handles one `@stats_*` message for a device of `size` sectors.
    pub fn message(&mut self, text: &str, size: u64) -> MsgResult {
        let argv: Vec<&str> = text.split_whitespace().collect();
        match argv.first().copied() {
            Some("@stats_create") => self.create(&argv, size).map(|id| Some(id.to_string())),
            Some("@stats_delete") => self.with_id(&argv, 2, |s, id| s.regions.remove(&id).map(|_| None)),
            Some("@stats_clear") => self.with_id(&argv, 2, |s, id| {
                s.regions.get_mut(&id).map(|r| {
                    Self::clear(r);
                    None
                })
            }),
            Some("@stats_list") => {
                if argv.len() > 2 {
                    return Err(libc::EINVAL);
                }
                Ok(Some(self.list(argv.get(1).copied())))
            }
            Some(p @ ("@stats_print" | "@stats_print_clear")) => {
                if argv.len() != 2 && argv.len() != 4 {
                    return Err(libc::EINVAL);
                }
                let id: u64 = argv[1].parse().map_err(|_| libc::EINVAL)?;
                let (first, count) = if argv.len() == 4 {
                    (argv[2].parse::<u64>().map_err(|_| libc::EINVAL)?, argv[3].parse::<u64>().map_err(|_| libc::EINVAL)?)
                } else {
                    (0, u64::MAX)
                };
                let r = self.regions.get_mut(&id).ok_or(libc::ENOENT)?;
                let out = Self::print(r, first, count);
                if p == "@stats_print_clear" {
                    Self::clear(r);
                }
                Ok(Some(out))
            }
            Some("@stats_set_aux") => {
                if argv.len() != 3 {
                    return Err(libc::EINVAL);
                }
                let aux = argv[2].to_string();
                self.with_id(&argv, 3, move |s, id| {
                    s.regions.get_mut(&id).map(|r| {
                        r.aux_data = aux;
                        None
                    })
                })
            }
            _ => Err(libc::EINVAL),
        }
    }

    fn with_id(&mut self, argv: &[&str], argc: usize, f: impl FnOnce(&mut Self, u64) -> Option<Option<String>>) -> MsgResult {
        if argv.len() != argc {
            return Err(libc::EINVAL);
        }
        let id: u64 = argv[1].parse().map_err(|_| libc::EINVAL)?;
        f(self, id).ok_or(libc::ENOENT)
    }

    fn clear(r: &mut SimRegion) {
        for (c, h) in &mut r.areas {
            // In-flight I/O is not cleared.
            for (i, v) in c.iter_mut().enumerate() {
                if i != 8 {
                    *v = 0;
                }
            }
            h.iter_mut().for_each(|x| *x = 0);
        }
    }

    fn create(&mut self, argv: &[&str], size: u64) -> Result<u64, i32> {
        if argv.len() < 3 {
            return Err(libc::EINVAL);
        }
        let (start, end) = if argv[1] == "-" {
            (0, size)
        } else {
            let (s, l) = argv[1].split_once('+').ok_or(libc::EINVAL)?;
            let s: u64 = s.parse().map_err(|_| libc::EINVAL)?;
            let l: u64 = l.parse().map_err(|_| libc::EINVAL)?;
            (s, s.checked_add(l).ok_or(libc::EINVAL)?)
        };
        if start >= end {
            return Err(libc::EINVAL);
        }
        let step = if let Some(d) = argv[2].strip_prefix('/') {
            let d: u64 = d.parse().map_err(|_| libc::EINVAL)?;
            if d == 0 {
                return Err(libc::EINVAL);
            }
            ((end - start).div_ceil(d)).max(1)
        } else {
            let s: u64 = argv[2].parse().map_err(|_| libc::EINVAL)?;
            if s == 0 {
                return Err(libc::EINVAL);
            }
            s
        };
        let mut r = SimRegion { start, end, step, program_id: "-".into(), aux_data: "-".into(), ..SimRegion::default() };
        let mut i = 3;
        if let Some(n) = argv.get(3).and_then(|a| a.parse::<usize>().ok()) {
            i += 1;
            for _ in 0..n {
                let a = argv.get(i).ok_or(libc::EINVAL)?;
                i += 1;
                if *a == "precise_timestamps" {
                    r.precise = true;
                } else if let Some(h) = a.strip_prefix("histogram:") {
                    let mut b = Vec::new();
                    for v in h.split(',') {
                        let v: u64 = v.parse().map_err(|_| libc::EINVAL)?;
                        if b.last().is_some_and(|&l| v <= l) {
                            return Err(libc::EINVAL);
                        }
                        b.push(v);
                    }
                    r.bounds = Some(b);
                } else {
                    return Err(libc::EINVAL);
                }
            }
        }
        if let Some(p) = argv.get(i) {
            r.program_id = p.to_string();
            i += 1;
        }
        if let Some(a) = argv.get(i) {
            r.aux_data = a.to_string();
            i += 1;
        }
        if i < argv.len() {
            return Err(libc::EINVAL);
        }
        let bins = r.bounds.as_ref().map_or(0, |b| b.len() + 1);
        r.areas = vec![([0; 13], vec![0; bins]); r.nr_areas() as usize];
        let id = (0..).find(|id| !self.regions.contains_key(id)).unwrap_or(0);
        self.regions.insert(id, r);
        Ok(id)
    }

    fn list(&self, program: Option<&str>) -> String {
        let mut out = String::new();
        for (id, r) in &self.regions {
            if program.is_some_and(|p| p != r.program_id) {
                continue;
            }
            out += &format!("{id}: {}+{} {} {} {}", r.start, r.end - r.start, r.step, r.program_id, r.aux_data);
            if r.precise {
                out += " precise_timestamps";
            }
            if let Some(b) = &r.bounds {
                out += &format!(" histogram:{}", b.iter().map(u64::to_string).collect::<Vec<_>>().join(","));
            }
            out.push('\n');
        }
        out
    }

    fn print(r: &SimRegion, first: u64, count: u64) -> String {
        let mut out = String::new();
        for (i, (c, h)) in r.areas.iter().enumerate().skip(first as usize).take(count.min(usize::MAX as u64) as usize) {
            let s = r.start + i as u64 * r.step;
            let len = r.step.min(r.end - s);
            out += &format!("{s}+{len}");
            for v in c {
                out += &format!(" {v}");
            }
            if r.bounds.is_some() {
                out += &format!(" {}", h.iter().map(u64::to_string).collect::<Vec<_>>().join(":"));
            }
            out.push('\n');
        }
        out
    }

    /// Sets the counters (in the region's unit) and histogram counts of an area.
    pub fn set_area(&mut self, region: u64, area: usize, counters: [u64; 13], histogram: &[u64]) -> bool {
        let Some((c, h)) = self.regions.get_mut(&region).and_then(|r| r.areas.get_mut(area)) else { return false };
        *c = counters;
        for (dst, src) in h.iter_mut().zip(histogram) {
            *dst = *src;
        }
        true
    }
}
