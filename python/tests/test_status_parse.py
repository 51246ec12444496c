"""Status lines parsed by the library's dm_get_status_* functions."""

import pytest

import devmapper
from devmapper import (
    CacheStatus,
    LegHealth,
    MirrorStatus,
    RaidStatus,
    SnapshotStatus,
    ThinPoolStatus,
    ThinStatus,
)


CASES = [
    ("thin-pool", "1 10/100 20/200 - rw discard_passdown queue_if_no_space - 1024",
     ThinPoolStatus(1, 10, 100, 20, 200, 0, False, "passdown", False, False, False, False, False)),
    ("thin-pool", "7 11/4096 0/1024 - ro ignore_discard error_if_no_space needs_check 0",
     ThinPoolStatus(7, 11, 4096, 0, 1024, 0, True, "ignore", False, True, False, True, False)),
    ("thin-pool", "Fail", ThinPoolStatus(0, 0, 0, 0, 0, 0, False, "ignore", True, False, False, False, False)),
    ("thin", "100 199", ThinStatus(100, 199, False)),
    ("thin", "0 -", ThinStatus(0, 0, False)),
    ("thin", "Fail", ThinStatus(0, 0, True)),
    ("snapshot", "16/8192 16", SnapshotStatus(16, 8192, 16, False, False, False)),
    ("snapshot", "24/4096", SnapshotStatus(24, 4096, None, False, False, False)),
    ("snapshot", "Invalid", SnapshotStatus(0, 0, None, True, False, False)),
    ("snapshot", "Overflow", SnapshotStatus(0, 0, None, False, False, True)),
    ("mirror", "2 254:1 254:2 10/10 1 AA 3 disk 254:3 A",
     MirrorStatus(10, 10, (LegHealth("A", 254, 1), LegHealth("A", 254, 2)), "disk", (LegHealth("A", 254, 3),))),
    ("mirror", "2 7:0 7:1 3/20 1 AD 1 core",
     MirrorStatus(20, 3, (LegHealth("A", 7, 0), LegHealth("D", 7, 1)), "core", ())),
    ("raid", "raid1 2 AA 100/100 idle 0 0 -", RaidStatus("raid1", 2, "AA", 100, 100, "idle", 0, 0)),
    ("raid", "raid5_ls 3 aAD 5/200 recover 7 4096 -", RaidStatus("raid5_ls", 3, "aAD", 200, 5, "recover", 7, 4096)),
    ("cache", "8 27/1024 128 3/4096 10 11 12 13 0 1 0 1 writeback 2 migration_threshold 2048 smq 0 rw -",
     CacheStatus(8, 128, 27, 1024, 3, 0, 4096, 10, 11, 12, 13, 0, 1, 1, ("migration_threshold", "2048"), "smq",
                 (), False, False, False, False)),
]


@pytest.mark.parametrize("target,params,expected", CASES, ids=[f"{c[0]}:{c[1][:24]}" for c in CASES])
def test_status_line_parses_to(target, params, expected):
    assert devmapper.parse_status(target, params) == expected


@pytest.mark.parametrize("target,params", [("thin", "x y"), ("snapshot", "1-2"), ("mirror", "2 254:1"),
                                           ("raid", "raid1"), ("thin-pool", "1 2")])
def test_malformed_status_is_a_DMError_with_the_librarys_message(target, params):
    with pytest.raises(devmapper.DMError) as caught:
        devmapper.parse_status(target, params)
    assert caught.value.messages
