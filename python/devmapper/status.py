"""Target status lines parsed by the library's ``dm_get_status_*`` parsers.

The ctypes structures mirror the upstream header's ``struct dm_status_*``
(bit-fields included); each parser allocates its result from a ``dm_pool``
that is destroyed once the values are copied into a frozen dataclass.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, Structure, byref, c_char_p, c_int, c_uint, c_uint32, c_uint64
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple, Type, Union

from . import _lib, _log
from ._task import cstr, fail


class _LegHealth(Structure):
    _fields_ = [("health", c_int), ("major", c_uint32), ("minor", c_uint32)]


class _StatusMirror(Structure):
    _fields_ = [
        ("total_regions", c_uint64),
        ("insync_regions", c_uint64),
        ("dev_count", c_uint32),
        ("devs", POINTER(_LegHealth)),
        ("log_type", c_char_p),
        ("log_count", c_uint32),
        ("logs", POINTER(_LegHealth)),
    ]


class _StatusRaid(Structure):
    _fields_ = [
        ("reserved", c_uint64),
        ("total_regions", c_uint64),
        ("insync_regions", c_uint64),
        ("mismatch_count", c_uint64),
        ("dev_count", c_uint32),
        ("raid_type", c_char_p),
        ("dev_health", c_char_p),
        ("sync_action", c_char_p),
        ("data_offset", c_uint64),
    ]


class _StatusCache(Structure):
    _fields_ = [
        ("version", c_uint64),
        ("metadata_block_size", c_uint32),
        ("block_size", c_uint32),
        ("metadata_used_blocks", c_uint64),
        ("metadata_total_blocks", c_uint64),
        ("used_blocks", c_uint64),
        ("dirty_blocks", c_uint64),
        ("total_blocks", c_uint64),
        ("read_hits", c_uint64),
        ("read_misses", c_uint64),
        ("write_hits", c_uint64),
        ("write_misses", c_uint64),
        ("demotions", c_uint64),
        ("promotions", c_uint64),
        ("feature_flags", c_uint64),
        ("core_argc", c_int),
        ("core_argv", POINTER(c_char_p)),
        ("policy_name", c_char_p),
        ("policy_argc", c_int),
        ("policy_argv", POINTER(c_char_p)),
        ("error", c_uint, 1),
        ("fail", c_uint, 1),
        ("needs_check", c_uint, 1),
        ("read_only", c_uint, 1),
        ("reserved", c_uint32, 28),
    ]


class _StatusSnapshot(Structure):
    _fields_ = [
        ("used_sectors", c_uint64),
        ("total_sectors", c_uint64),
        ("metadata_sectors", c_uint64),
        ("has_metadata_sectors", c_uint, 1),
        ("invalid", c_uint, 1),
        ("merge_failed", c_uint, 1),
        ("overflow", c_uint, 1),
    ]


class _StatusThinPool(Structure):
    _fields_ = [
        ("transaction_id", c_uint64),
        ("used_metadata_blocks", c_uint64),
        ("total_metadata_blocks", c_uint64),
        ("used_data_blocks", c_uint64),
        ("total_data_blocks", c_uint64),
        ("held_metadata_root", c_uint64),
        ("read_only", c_uint32),
        ("discards", c_int),
        ("fail", c_uint32, 1),
        ("error_if_no_space", c_uint32, 1),
        ("out_of_data_space", c_uint32, 1),
        ("needs_check", c_uint32, 1),
        ("error", c_uint32, 1),
        ("reserved", c_uint32, 27),
    ]


class _StatusThin(Structure):
    _fields_ = [
        ("mapped_sectors", c_uint64),
        ("highest_mapped_sector", c_uint64),
        ("fail", c_uint32, 1),
        ("reserved", c_uint32, 31),
    ]


@dataclass(frozen=True)
class LegHealth:
    """A mirror leg or log: its health letter (A, F, D, S, R, U) and device."""

    health: str
    major: int
    minor: int


@dataclass(frozen=True)
class MirrorStatus:
    total_regions: int
    insync_regions: int
    devs: Tuple[LegHealth, ...]
    log_type: str
    logs: Tuple[LegHealth, ...]

    @property
    def in_sync(self) -> bool:
        return self.insync_regions == self.total_regions


@dataclass(frozen=True)
class RaidStatus:
    raid_type: str
    dev_count: int
    dev_health: str
    total_regions: int
    insync_regions: int
    sync_action: str
    mismatch_count: int
    data_offset: int


@dataclass(frozen=True)
class CacheStatus:
    metadata_block_size: int
    block_size: int
    metadata_used_blocks: int
    metadata_total_blocks: int
    used_blocks: int
    dirty_blocks: int
    total_blocks: int
    read_hits: int
    read_misses: int
    write_hits: int
    write_misses: int
    demotions: int
    promotions: int
    feature_flags: int
    core_args: Tuple[str, ...]
    policy_name: str
    policy_args: Tuple[str, ...]
    error: bool
    fail: bool
    needs_check: bool
    read_only: bool


@dataclass(frozen=True)
class SnapshotStatus:
    used_sectors: int
    total_sectors: int
    metadata_sectors: Optional[int]
    invalid: bool
    merge_failed: bool
    overflow: bool


@dataclass(frozen=True)
class ThinPoolStatus:
    transaction_id: int
    used_metadata_blocks: int
    total_metadata_blocks: int
    used_data_blocks: int
    total_data_blocks: int
    held_metadata_root: int
    read_only: bool
    discards: str  # "ignore", "no_passdown" or "passdown"
    fail: bool
    error_if_no_space: bool
    out_of_data_space: bool
    needs_check: bool
    error: bool


@dataclass(frozen=True)
class ThinStatus:
    mapped_sectors: int
    highest_mapped_sector: int
    fail: bool


ParsedStatus = Union[MirrorStatus, RaidStatus, CacheStatus, SnapshotStatus, ThinPoolStatus, ThinStatus]


def _s(b: Optional[bytes]) -> str:
    return "" if b is None else b.decode("utf-8", "replace")


def _legs(p: "ctypes._Pointer[_LegHealth]", n: int) -> Tuple[LegHealth, ...]:
    if not p:
        return ()
    return tuple(LegHealth(chr(p[i].health) if 0 < p[i].health < 256 else "?", p[i].major, p[i].minor) for i in range(n))


def _argv(p: "ctypes._Pointer[c_char_p]", n: int) -> Tuple[str, ...]:
    if not p or n <= 0:
        return ()
    return tuple(_s(p[i]) for i in range(n))


def _mirror(s: _StatusMirror) -> MirrorStatus:
    return MirrorStatus(s.total_regions, s.insync_regions, _legs(s.devs, s.dev_count), _s(s.log_type), _legs(s.logs, s.log_count))


def _raid(s: _StatusRaid) -> RaidStatus:
    return RaidStatus(_s(s.raid_type), s.dev_count, _s(s.dev_health), s.total_regions, s.insync_regions,
                      _s(s.sync_action), s.mismatch_count, s.data_offset)


def _cache(s: _StatusCache) -> CacheStatus:
    return CacheStatus(
        s.metadata_block_size, s.block_size, s.metadata_used_blocks, s.metadata_total_blocks, s.used_blocks,
        s.dirty_blocks, s.total_blocks, s.read_hits, s.read_misses, s.write_hits, s.write_misses, s.demotions,
        s.promotions, s.feature_flags, _argv(s.core_argv, s.core_argc), _s(s.policy_name),
        _argv(s.policy_argv, s.policy_argc), bool(s.error), bool(s.fail), bool(s.needs_check), bool(s.read_only),
    )


def _snapshot(s: _StatusSnapshot) -> SnapshotStatus:
    return SnapshotStatus(s.used_sectors, s.total_sectors, s.metadata_sectors if s.has_metadata_sectors else None,
                          bool(s.invalid), bool(s.merge_failed), bool(s.overflow))


_DISCARDS = {0: "ignore", 1: "no_passdown", 2: "passdown"}


def _thin_pool(s: _StatusThinPool) -> ThinPoolStatus:
    return ThinPoolStatus(
        s.transaction_id, s.used_metadata_blocks, s.total_metadata_blocks, s.used_data_blocks, s.total_data_blocks,
        s.held_metadata_root, bool(s.read_only), _DISCARDS.get(s.discards, str(s.discards)), bool(s.fail),
        bool(s.error_if_no_space), bool(s.out_of_data_space), bool(s.needs_check), bool(s.error),
    )


def _thin(s: _StatusThin) -> ThinStatus:
    return ThinStatus(s.mapped_sectors, s.highest_mapped_sector, bool(s.fail))


_PARSERS: Dict[str, Tuple[str, Type[Structure], Callable[..., ParsedStatus]]] = {
    "mirror": ("dm_get_status_mirror", _StatusMirror, _mirror),
    "raid": ("dm_get_status_raid", _StatusRaid, _raid),
    "cache": ("dm_get_status_cache", _StatusCache, _cache),
    "snapshot": ("dm_get_status_snapshot", _StatusSnapshot, _snapshot),
    "thin-pool": ("dm_get_status_thin_pool", _StatusThinPool, _thin_pool),
    "thin": ("dm_get_status_thin", _StatusThin, _thin),
}

#: The target types ``parse_status`` understands.
PARSED_TARGETS: Tuple[str, ...] = tuple(_PARSERS)


def parse_status(target_type: str, params: str) -> ParsedStatus:
    """Parse one status line's parameters for ``target_type`` with the library.

    ``target_type`` is one of ``PARSED_TARGETS`` (``KeyError`` otherwise);
    the library's refusal of ``params`` raises ``DMError`` with its message.
    """
    if not isinstance(target_type, str):
        raise TypeError(f"target_type must be a str, not {type(target_type).__name__}")
    try:
        function, struct, convert = _PARSERS[target_type]
    except KeyError:
        raise KeyError(f"no status parser for target type {target_type!r}") from None
    data = cstr(params, "params")
    lib = _lib.lib()
    with _log.capture() as cap:
        pool = lib.dm_pool_create(b"python-status", 1024)
    if not pool:
        raise fail("dm_pool_create", cap)
    try:
        out = POINTER(struct)()
        with _log.capture() as cap:
            ok = getattr(lib, function)(pool, data, byref(out))
        if not ok or not out:
            raise fail(function, cap)
        return convert(out.contents)
    finally:
        lib.dm_pool_destroy(pool)
