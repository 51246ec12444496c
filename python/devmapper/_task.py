"""One libdevmapper ``dm_task``, wrapped so that it is always destroyed and
every failure becomes a ``DMError``; and the argument checks shared by the
package (a Python value never reaches C unless it has the right type)."""

from __future__ import annotations

import ctypes
import errno as _errno
from ctypes import byref, c_uint32
from typing import Any, Optional, Tuple, Union

from . import _lib, _log
from .errors import DMError

StrLike = Union[str, bytes]


def cstr(value: Any, what: str, *, optional: bool = False) -> Optional[bytes]:
    """``value`` as NUL-free bytes for a ``const char *`` parameter.

    ``None`` is accepted only when ``optional``; anything but ``str`` or
    ``bytes`` is a ``TypeError``; an embedded NUL (which C would silently cut
    the string at) is a ``ValueError``.
    """
    if value is None:
        if optional:
            return None
        raise TypeError(f"{what} must be a str, not None")
    if isinstance(value, str):
        data = value.encode("utf-8", "surrogateescape")
    elif isinstance(value, bytes):
        data = value
    else:
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if b"\0" in data:
        raise ValueError(f"{what} contains a NUL character")
    return data


DM_NAME_LEN = 128  # with the NUL
DM_UUID_LEN = 129


def dm_name(value: Any, what: str = "name") -> bytes:
    """A device name: a str without NUL, shorter than ``DM_NAME_LEN`` bytes."""
    data = cstr(value, what)
    assert data is not None
    if not data:
        raise ValueError(f"{what} is empty")
    if len(data) >= DM_NAME_LEN:
        raise ValueError(f"{what} is {len(data)} bytes long; device-mapper allows at most {DM_NAME_LEN - 1}")
    return data


def dm_uuid(value: Any, what: str = "uuid") -> bytes:
    """A device uuid: a str without NUL, shorter than ``DM_UUID_LEN`` bytes."""
    data = cstr(value, what)
    assert data is not None
    if len(data) >= DM_UUID_LEN:
        raise ValueError(f"{what} is {len(data)} bytes long; device-mapper allows at most {DM_UUID_LEN - 1}")
    return data


Ident = Tuple[Optional[bytes], Optional[bytes], Optional[Tuple[int, int]]]


def ident(name: Any = None, uuid: Any = None, dev: Any = None) -> Ident:
    """A device's name, uuid and (major, minor), checked before any C call."""
    if name is None and uuid is None and dev is None:
        raise TypeError("a device name, uuid= or dev=(major, minor) is needed")
    numbers = None
    if dev is not None:
        if hasattr(dev, "major") and hasattr(dev, "minor"):
            dev = (dev.major, dev.minor)
        if not isinstance(dev, tuple) or len(dev) != 2:
            raise TypeError(f"dev must be a DevNo or a (major, minor) tuple, not {dev!r}")
        numbers = (uint(dev[0], "major", 31), uint(dev[1], "minor", 31))
    return (
        None if name is None else dm_name(name),
        None if uuid is None else dm_uuid(uuid),
        numbers,
    )


def uint(value: Any, what: str, bits: int = 64) -> int:
    """``value`` checked as an unsigned integer of ``bits`` bits."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if value < 0 or value >= 1 << bits:
        raise ValueError(f"{what} out of range for a {bits}-bit unsigned integer: {value}")
    return value


def text(data: Optional[bytes]) -> str:
    return "" if data is None else data.decode("utf-8", "surrogateescape")


def fail(function: str, cap: _log.Capture, err: int = 0) -> DMError:
    """The exception for a failed call, with the messages logged during it."""
    return DMError(err or cap.errno or _errno.EINVAL, function, cap.messages)


class Task:
    """A ``dm_task`` of one type; use as a context manager."""

    def __init__(self, task_type: int) -> None:
        self.lib = _lib.lib()
        self.cookie = c_uint32(0)
        self._use_cookie = False
        with _log.capture() as cap:
            handle = self.lib.dm_task_create(task_type)
        if not handle:
            # The C library fails here without a kernel driver; its errno is
            # the one left by the failed open.
            raise fail("dm_task_create", cap, ctypes.get_errno() if cap.messages else _errno.ENOMEM)
        self.handle: Optional[int] = handle

    def __enter__(self) -> "Task":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self.handle:
            self.lib.dm_task_destroy(self.handle)
            self.handle = None

    def call(self, function: str, *args: Any) -> int:
        """Call ``function(task, *args)``; a zero return raises ``DMError``."""
        if not self.handle:
            raise ValueError("task already destroyed")
        with _log.capture() as cap:
            ok = getattr(self.lib, function)(self.handle, *args)
        if not ok:
            raise fail(function, cap)
        return int(ok)

    def identify(self, ident: "Ident") -> None:
        """Name the device the task is about (see ``ident``)."""
        name, uuid, dev = ident
        if name is not None:
            self.call("dm_task_set_name", name)
        if uuid is not None:
            self.call("dm_task_set_uuid", uuid)
        if dev is not None:
            self.call("dm_task_set_major", dev[0])
            self.call("dm_task_set_minor", dev[1])

    def use_cookie(self, udev_flags: int = 0) -> None:
        """Synchronise with udev through a cookie of this task's own.

        ``run`` then waits for udev (or, without udev, for the library's own
        node handling) before returning, as dmsetup does.
        """
        self.call("dm_task_set_cookie", byref(self.cookie), uint(udev_flags, "udev_flags", 16))
        self._use_cookie = True

    def run(self, function: str = "dm_task_run") -> None:
        """Run the task; on failure raise with the ioctl's errno and messages."""
        if not self.handle:
            raise ValueError("task already destroyed")
        with _log.capture() as cap:
            ok = self.lib.dm_task_run(self.handle)
            err = self.lib.dm_task_get_errno(self.handle) if not ok and self.lib.has("dm_task_get_errno") else 0
            if self._use_cookie:
                # Wait also after a failure: the cookie may have been used.
                waited = self.lib.dm_udev_wait(self.cookie.value)
                self._use_cookie = False
            else:
                waited = 1
        if not ok:
            raise fail(function, cap, err if err > 0 else 0)
        if not waited:
            raise fail("dm_udev_wait", cap)

    def info(self) -> Any:
        info = _lib.dm_info()
        self.call("dm_task_get_info", byref(info))
        return info
