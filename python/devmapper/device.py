"""Device operations: one function per device-mapper command, each a
``dm_task`` run with keyword arguments for its flags.

A device is named by ``name``, or by ``uuid=`` or ``dev=(major, minor)``.
Operations that make udev events (create, resume, remove, rename) use a
udev cookie of their own and wait for it before returning (``udev=False``
turns that off); with ``DM_DISABLE_UDEV=1`` in the environment the library
manages ``/dev/mapper`` itself.
"""

from __future__ import annotations

import ctypes
import os
from contextlib import contextmanager
from ctypes import byref, c_char_p, c_uint64
from dataclasses import dataclass
from typing import Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from . import _lib
from ._task import StrLike, Task, cstr, dm_name, dm_uuid, ident, text, uint
from .errors import DeviceNotFound
from .status import PARSED_TARGETS, ParsedStatus, parse_status


@dataclass(frozen=True)
class DevNo:
    """A block device number."""

    major: int
    minor: int

    def __str__(self) -> str:
        return f"{self.major}:{self.minor}"

    @classmethod
    def from_dev_t(cls, dev: int) -> "DevNo":
        return cls(os.major(dev), os.minor(dev))


@dataclass(frozen=True)
class DeviceEntry:
    """One device of ``list_devices``."""

    name: str
    dev: DevNo
    uuid: str
    event_nr: int


@dataclass(frozen=True)
class Info:
    """``struct dm_info`` of a device, with its name and uuid."""

    name: str
    uuid: str
    exists: bool
    suspended: bool
    live_table: bool
    inactive_table: bool
    open_count: int
    event_nr: int
    dev: DevNo
    read_only: bool
    target_count: int
    deferred_remove: bool
    internal_suspend: bool


@dataclass(frozen=True)
class Target:
    """One table line: ``start length target_type params`` (sectors)."""

    start: int
    length: int
    target_type: str
    params: str = ""

    def __str__(self) -> str:
        return f"{self.start} {self.length} {self.target_type} {self.params}".rstrip()


@dataclass(frozen=True)
class TargetStatus:
    """One status line; ``parsed`` holds the library's parse for the target
    types of ``status.PARSED_TARGETS`` (``None`` for the others)."""

    start: int
    length: int
    target_type: str
    params: str
    parsed: Optional[ParsedStatus] = None


TargetLike = Union[Target, Tuple[int, int, str, str], str]
DevLike = Union[DevNo, Tuple[int, int]]


def _target(t: TargetLike) -> Target:
    if isinstance(t, Target):
        return t
    if isinstance(t, str):
        parts = t.split(None, 3)
        if len(parts) < 3:
            raise ValueError(f"table line needs start, length and target type: {t!r}")
        return Target(int(parts[0]), int(parts[1]), parts[2], parts[3] if len(parts) > 3 else "")
    if isinstance(t, tuple) and len(t) in (3, 4):
        return Target(*t)
    raise TypeError(f"a table line must be a Target, a (start, length, type, params) tuple or a str, not {t!r}")


def _table(table: Union[str, Iterable[TargetLike]]) -> List[Target]:
    if isinstance(table, str):
        lines = [line for line in table.splitlines() if line.strip()]
        return [_target(line) for line in lines]
    return [_target(t) for t in table]


def _task(task_type: int, name: Optional[StrLike], uuid: Optional[StrLike], dev: Optional[DevLike]) -> Task:
    who = ident(name, uuid, dev)  # checked before the task exists
    t = Task(task_type)
    try:
        t.identify(who)
    except BaseException:
        t.close()
        raise
    return t


def _info_of(t: Task, what: str) -> Info:
    i = t.info()
    if not i.exists:
        raise DeviceNotFound("dm_task_run", what)
    lib = t.lib
    return Info(
        name=text(lib.dm_task_get_name(t.handle)),
        uuid=text(lib.dm_task_get_uuid(t.handle)),
        exists=True,
        suspended=bool(i.suspended),
        live_table=bool(i.live_table),
        inactive_table=bool(i.inactive_table),
        open_count=i.open_count,
        event_nr=i.event_nr,
        dev=DevNo(i.major, i.minor),
        read_only=bool(i.read_only),
        target_count=i.target_count,
        deferred_remove=bool(i.deferred_remove),
        internal_suspend=bool(i.internal_suspend),
    )


def _what(name: Optional[StrLike], uuid: Optional[StrLike], dev: Optional[DevLike]) -> str:
    return str(name if name is not None else uuid if uuid is not None else dev)


def library_version() -> str:
    """``dm_get_library_version``: e.g. ``1.02.214 (devmapper 1.2.214)`` on this
    project's library, ``1.02.185 (2022-05-18)`` on Debian's C library."""
    return _lib.library_info().version


def driver_version() -> str:
    """The kernel driver's version (``dm_driver_version``)."""
    with Task(_lib.DM_DEVICE_VERSION) as t:
        t.run()
        buf = ctypes.create_string_buffer(64)
        t.call("dm_task_get_driver_version", buf, len(buf))
        return text(buf.value)


def target_versions() -> List[Tuple[str, Tuple[int, int, int]]]:
    """The target types the kernel has loaded, with their versions."""
    out: List[Tuple[str, Tuple[int, int, int]]] = []
    with Task(_lib.DM_DEVICE_LIST_VERSIONS) as t:
        t.run()
        p = t.lib.dm_task_get_versions(t.handle)
        while p:
            v = _lib.dm_versions.from_address(p)
            out.append((text(ctypes.string_at(p + 16)), (v.version[0], v.version[1], v.version[2])))
            if not v.next:
                break
            p += v.next
    return out


def info(name: Optional[StrLike] = None, *, uuid: Optional[StrLike] = None, dev: Optional[DevLike] = None) -> Info:
    """A device's info; ``DeviceNotFound`` if there is no such device."""
    with _task(_lib.DM_DEVICE_INFO, name, uuid, dev) as t:
        t.run()
        return _info_of(t, _what(name, uuid, dev))


def exists(name: Optional[StrLike] = None, *, uuid: Optional[StrLike] = None, dev: Optional[DevLike] = None) -> bool:
    """Whether the device exists."""
    try:
        info(name, uuid=uuid, dev=dev)
    except DeviceNotFound:
        return False
    return True


def list_devices() -> List[DeviceEntry]:
    """Every device-mapper device (``dm_task_get_names``), with its uuid and
    event number (one INFO each: the name list's uuid and event fields are
    not part of libdevmapper's ``struct dm_names``)."""
    names: List[Tuple[str, int]] = []
    with Task(_lib.DM_DEVICE_LIST) as t:
        t.run()
        p = t.lib.dm_task_get_names(t.handle)
        while p:
            n = _lib.dm_names.from_address(p)
            if not n.dev:
                break
            names.append((text(ctypes.string_at(p + 12)), n.dev))
            if not n.next:
                break
            p += n.next
    out = []
    for name, dev in names:
        try:
            i = info(name)
        except DeviceNotFound:  # removed in between
            continue
        out.append(DeviceEntry(name, DevNo.from_dev_t(dev), i.uuid, i.event_nr))
    return out


def deps(name: Optional[StrLike] = None, *, uuid: Optional[StrLike] = None, dev: Optional[DevLike] = None) -> List[DevNo]:
    """The devices a device's live table uses."""
    with _task(_lib.DM_DEVICE_DEPS, name, uuid, dev) as t:
        t.run()
        _info_of(t, _what(name, uuid, dev))
        p = t.lib.dm_task_get_deps(t.handle)
        if not p:
            return []
        d = _lib.dm_deps.from_address(p)
        devices = (ctypes.c_uint64 * d.count).from_address(p + 8)
        return [DevNo.from_dev_t(x) for x in devices]


def _lines(t: Task) -> List[Tuple[int, int, str, str]]:
    out = []
    start, length = c_uint64(), c_uint64()
    ttype, params = c_char_p(), c_char_p()
    nxt = None
    while True:
        nxt = t.lib.dm_get_next_target(t.handle, nxt, byref(start), byref(length), byref(ttype), byref(params))
        if ttype.value is not None:
            out.append((start.value, length.value, text(ttype.value), text(params.value)))
        if not nxt:
            break
    return out


def table(name: Optional[StrLike] = None, *, uuid: Optional[StrLike] = None, dev: Optional[DevLike] = None,
          inactive: bool = False, show_keys: bool = False) -> List[Target]:
    """A device's table (the inactive one with ``inactive=True``); crypt keys
    are shown only with ``show_keys=True``."""
    with _task(_lib.DM_DEVICE_TABLE, name, uuid, dev) as t:
        if inactive:
            t.call("dm_task_query_inactive_table")
        if show_keys:
            t.call("dm_task_secure_data")
        t.run()
        _info_of(t, _what(name, uuid, dev))
        return [Target(*line) for line in _lines(t)]


def status(name: Optional[StrLike] = None, *, uuid: Optional[StrLike] = None, dev: Optional[DevLike] = None,
           inactive: bool = False, parse: bool = True) -> List[TargetStatus]:
    """A device's status lines, each parsed by the library for thin-pool, thin,
    mirror, snapshot, cache and raid targets (``parse=False`` skips that)."""
    with _task(_lib.DM_DEVICE_STATUS, name, uuid, dev) as t:
        if inactive:
            t.call("dm_task_query_inactive_table")
        t.run()
        _info_of(t, _what(name, uuid, dev))
        lines = _lines(t)
    out = []
    for start, length, ttype, params in lines:
        parsed = parse_status(ttype, params) if parse and ttype in PARSED_TARGETS else None
        out.append(TargetStatus(start, length, ttype, params, parsed))
    return out


def _checked_table(table: Union[str, Iterable[TargetLike]]) -> List[Tuple[int, int, bytes, bytes]]:
    out = []
    for line in _table(table):
        ttype = cstr(line.target_type, "target type")
        params = cstr(line.params, "params")
        assert ttype is not None and params is not None
        out.append((uint(line.start, "start"), uint(line.length, "length"), ttype, params))
    return out


def create(name: StrLike, table: Union[str, Sequence[TargetLike], None] = None, *, uuid: Optional[StrLike] = None,
           read_only: bool = False, dev: Optional[DevLike] = None, udev: bool = True, udev_flags: int = 0) -> Info:
    """Create a device, with its table loaded and resumed if ``table`` is given
    (a list of ``Target``/tuples or dmsetup-style lines), else without one."""
    who = ident(name, uuid, dev)
    lines = None if table is None else _checked_table(table)
    with Task(_lib.DM_DEVICE_CREATE) as t:
        t.identify(who)
        if read_only:
            t.call("dm_task_set_ro")
        for line in lines or ():
            t.call("dm_task_add_target", *line)
        if udev:
            t.use_cookie(udev_flags)
        t.run()
    return info(name)


def load_table(name: Optional[StrLike], table: Union[str, Sequence[TargetLike]], *, uuid: Optional[StrLike] = None,
         dev: Optional[DevLike] = None, read_only: bool = False) -> None:
    """Load ``table`` into the device's inactive slot (``resume`` makes it live)."""
    lines = _checked_table(table)
    with _task(_lib.DM_DEVICE_RELOAD, name, uuid, dev) as t:
        if read_only:
            t.call("dm_task_set_ro")
        for line in lines:
            t.call("dm_task_add_target", *line)
        t.run()


def suspend(name: Optional[StrLike] = None, *, uuid: Optional[StrLike] = None, dev: Optional[DevLike] = None,
            noflush: bool = False, nolockfs: bool = False) -> None:
    """Suspend a device (``noflush``: queue I/O rather than flush it;
    ``nolockfs``: do not freeze a mounted filesystem)."""
    with _task(_lib.DM_DEVICE_SUSPEND, name, uuid, dev) as t:
        if noflush:
            t.call("dm_task_no_flush")
        if nolockfs:
            t.call("dm_task_skip_lockfs")
        t.run()


def resume(name: Optional[StrLike] = None, *, uuid: Optional[StrLike] = None, dev: Optional[DevLike] = None,
           noflush: bool = False, nolockfs: bool = False, udev: bool = True, udev_flags: int = 0) -> None:
    """Resume a device, making a loaded inactive table live."""
    with _task(_lib.DM_DEVICE_RESUME, name, uuid, dev) as t:
        if noflush:
            t.call("dm_task_no_flush")
        if nolockfs:
            t.call("dm_task_skip_lockfs")
        if udev:
            t.use_cookie(udev_flags)
        t.run()


@contextmanager
def suspended(name: Optional[StrLike] = None, *, uuid: Optional[StrLike] = None, dev: Optional[DevLike] = None,
              noflush: bool = False, nolockfs: bool = False) -> Iterator[None]:
    """Suspend the device for the ``with`` block and resume it afterwards,
    also when the block raises."""
    suspend(name, uuid=uuid, dev=dev, noflush=noflush, nolockfs=nolockfs)
    try:
        yield
    finally:
        resume(name, uuid=uuid, dev=dev, noflush=noflush, nolockfs=nolockfs)


def remove(name: Optional[StrLike] = None, *, uuid: Optional[StrLike] = None, dev: Optional[DevLike] = None,
           retry: bool = False, deferred: bool = False, udev: bool = True, udev_flags: int = 0) -> None:
    """Remove a device (``retry``: retry while it is busy; ``deferred``:
    remove when its last opener closes it)."""
    with _task(_lib.DM_DEVICE_REMOVE, name, uuid, dev) as t:
        if retry:
            t.call("dm_task_retry_remove")
        if deferred:
            t.call("dm_task_deferred_remove")
        if udev:
            t.use_cookie(udev_flags)
        t.run()


def rename(name: Optional[StrLike] = None, new_name: Optional[StrLike] = None, *, uuid: Optional[StrLike] = None,
           new_uuid: Optional[StrLike] = None, udev: bool = True, udev_flags: int = 0) -> None:
    """Give a device a new name, or (``new_uuid=``) set its uuid."""
    if (new_name is None) == (new_uuid is None):
        raise TypeError("rename needs exactly one of new_name and new_uuid")
    new = dm_name(new_name, "new_name") if new_name is not None else dm_uuid(new_uuid, "new_uuid")
    with _task(_lib.DM_DEVICE_RENAME, name, uuid, None) as t:
        t.call("dm_task_set_newname" if new_name is not None else "dm_task_set_newuuid", new)
        if udev:
            t.use_cookie(udev_flags)
        t.run()


def clear(name: Optional[StrLike] = None, *, uuid: Optional[StrLike] = None, dev: Optional[DevLike] = None) -> None:
    """Drop a device's inactive table."""
    with _task(_lib.DM_DEVICE_CLEAR, name, uuid, dev) as t:
        t.run()


def message(name: Optional[StrLike], text_: str, *, sector: int = 0, uuid: Optional[StrLike] = None,
            dev: Optional[DevLike] = None) -> Optional[str]:
    """Send a target message (e.g. ``"create_thin 1"`` to a thin-pool); returns
    the target's response, if it gave one."""
    args = (uint(sector, "sector"), cstr(text_, "message"))
    with _task(_lib.DM_DEVICE_TARGET_MSG, name, uuid, dev) as t:
        t.call("dm_task_set_sector", args[0])
        t.call("dm_task_set_message", args[1])
        t.run()
        response = t.lib.dm_task_get_message_response(t.handle)
        return text(response) if response else None


def wait_event(name: Optional[StrLike] = None, event_nr: Optional[int] = None, *, uuid: Optional[StrLike] = None,
               dev: Optional[DevLike] = None) -> Info:
    """Block until the device's event counter passes ``event_nr`` (by default
    its current value) and return its info; the GIL is released meanwhile."""
    ident(name, uuid, dev)
    if event_nr is None:
        event_nr = info(name, uuid=uuid, dev=dev).event_nr
    nr = uint(event_nr, "event_nr", 32)
    with _task(_lib.DM_DEVICE_WAITEVENT, name, uuid, dev) as t:
        t.call("dm_task_set_event_nr", nr)
        t.run()
        return _info_of(t, _what(name, uuid, dev))


def suspended_counter() -> int:
    """How many devices this process has suspended and not yet resumed
    (``dm_get_suspended_counter``)."""
    return int(_lib.lib().dm_get_suspended_counter())

