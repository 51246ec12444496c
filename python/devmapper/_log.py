"""The libdevmapper log callback: library messages to Python's ``logging``.

libdevmapper's log functions are C-variadic (``printf`` style), and a ctypes
callback cannot receive C varargs portably. Both libraries, though, format a
message themselves and call a function registered with ``dm_log_init`` as
``fn(level, file, line, "%s", message)``: the C library through its
``_log_to_default_log`` adapter, this project's library always. So the
callback is registered with ``dm_log_init`` and declared with exactly those
five parameters; on the x86-64, AArch64 and other Linux ABIs the first
variadic pointer argument arrives where a fifth named one would. The message
is only read when the format is exactly ``"%s"``; any other format is logged
as it is, never combined with arguments it cannot see. On this project's
library, whose callback carries the errno as well, ``dm_log_with_errno_init``
is used (it too passes ``"%s"`` and the message).

Messages go to the ``devmapper.lib`` logger; error-level messages are also
collected per thread while a binding call runs, for the exception it raises.
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import threading
from contextlib import contextmanager
from ctypes import CFUNCTYPE, c_char_p, c_int, c_void_p
from typing import TYPE_CHECKING, Iterator, List, Optional, Tuple

if TYPE_CHECKING:
    from ._lib import Library

logger = logging.getLogger("devmapper.lib")
# A library does not print on its own: errors reach the caller as exceptions.
logging.getLogger("devmapper").addHandler(logging.NullHandler())

# libdm levels (_LOG_FATAL .. _LOG_DEBUG) to logging levels
_LEVELS = {
    2: logging.CRITICAL,
    3: logging.ERROR,
    4: logging.WARNING,
    5: logging.INFO,
    6: logging.INFO,
    7: logging.DEBUG,
}

_LOG_FN = CFUNCTYPE(None, c_int, c_char_p, c_int, c_char_p, c_void_p)
_LOG_ERRNO_FN = CFUNCTYPE(None, c_int, c_char_p, c_int, c_int, c_char_p, c_void_p)

_state = threading.local()


class Capture:
    """The error messages logged by the library during one binding call."""

    def __init__(self) -> None:
        self.errors: List[Tuple[int, str]] = []  # (errno, message)

    @property
    def messages(self) -> List[str]:
        return [m for _, m in self.errors]

    @property
    def errno(self) -> int:
        for e, _ in reversed(self.errors):
            if e > 0:
                return e
        return 0


@contextmanager
def capture() -> Iterator[Capture]:
    """Collect the library's error messages on this thread while the block runs."""
    stack: List[Capture] = getattr(_state, "stack", None) or []
    _state.stack = stack
    cap = Capture()
    stack.append(cap)
    try:
        yield cap
    finally:
        stack.pop()


def _text(fmt: Optional[bytes], arg: Optional[int]) -> str:
    if fmt == b"%s":
        if not arg:
            return "(null)"
        return ctypes.string_at(arg).decode("utf-8", "replace")
    return (fmt or b"").decode("utf-8", "replace")


def _deliver(level: int, file: Optional[bytes], line: int, err: int, text: str) -> None:
    level &= 0x7
    pylevel = _LEVELS.get(level, logging.DEBUG)
    if level <= 3:
        for cap in getattr(_state, "stack", None) or []:
            cap.errors.append((err, text))
    if logger.isEnabledFor(pylevel):
        where = (file or b"").decode("utf-8", "replace")
        logger.log(pylevel, "%s", text, extra={"dm_file": where, "dm_line": line, "dm_errno": err})


def _on_log(level: int, file: Optional[bytes], line: int, fmt: Optional[bytes], arg: Optional[int]) -> None:
    try:
        _deliver(level, file, line, 0, _text(fmt, arg))
    except BaseException:  # never let an exception unwind into C
        pass


def _on_log_errno(
    level: int, file: Optional[bytes], line: int, err: int, fmt: Optional[bytes], arg: Optional[int]
) -> None:
    try:
        _deliver(level, file, line, err, _text(fmt, arg))
    except BaseException:
        pass


# Kept alive for the life of the process: the library holds these pointers.
_callback = _LOG_FN(_on_log)
_callback_errno = _LOG_ERRNO_FN(_on_log_errno)


def install(lib: "Library") -> None:
    """Register the callback with ``lib`` (see the module docstring).

    At interpreter exit the library's default log is restored first: the
    library's destructor may still log (the C library reports unreleased
    pools there), and Python must not be called once it is finalised.
    """
    atexit.register(_uninstall, lib)
    if lib.info.is_devmapper:
        lib.dm_log_with_errno_init(ctypes.cast(_callback_errno, c_void_p))
    else:
        lib.dm_log_init(ctypes.cast(_callback, c_void_p))
    # Debug lines are produced only when the library is verbose; follow the
    # logger's level at load time (set_verbose changes it later).
    if logger.isEnabledFor(logging.DEBUG):
        lib.dm_log_init_verbose(7)


def _uninstall(lib: "Library") -> None:
    if lib.info.is_devmapper:
        lib.dm_log_with_errno_init(None)
    else:
        lib.dm_log_init(None)
