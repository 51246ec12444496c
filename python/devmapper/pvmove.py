"""The pvmove helpers of this project's library (``devmapper-pvmove.h``):
move the linear segments that device-mapper volumes have on one block
device to another while they stay in use.

    >>> import devmapper as dm
    >>> with dm.PvMove.start(["vol1", "vol2"], source=(7, 0), dest=(7, 1), atomic=True) as mv:
    ...     mv.run(progress=lambda fraction: print(f"{fraction:.0%}"), save=open("state", "w").write)

The C libdevmapper has no such functions: on it, ``PvMove`` raises
``NotImplementedError``. The state text (``PvMove.state``) is what a
restart needs; save it after each step (``run`` calls ``save`` with it).
"""

from __future__ import annotations

import ctypes
import time
from typing import Callable, Optional, Sequence, Tuple

from . import _lib, _log
from ._task import fail


def _library() -> _lib.Library:
    lib = _lib.lib()
    if not lib.has("dmpv_start"):
        raise NotImplementedError(f"{lib.info.implementation} has no pvmove helpers (they are devmapper's extension)")
    return lib


class PvMove:
    """A move in progress (a ``struct dmpv_move``). Use as a context manager
    to free the handle; the devices stay as they are."""

    def __init__(self, handle: int) -> None:
        self._lib = _library()
        self._handle: Optional[int] = handle

    # -- constructors -------------------------------------------------------
    @classmethod
    def start(cls, volumes: Sequence[str], source: Tuple[int, int], dest: Tuple[int, int],
              atomic: bool = False, region_size: int = 1024) -> "PvMove":
        """Plan the move of ``volumes`` (names or uuids) from the block device
        ``source`` (major, minor) to the next free areas of ``dest`` and load
        its first layout."""
        lib = _library()
        if isinstance(volumes, (str, bytes)) or not volumes:
            raise TypeError("volumes must be a non-empty sequence of names or uuids")
        encoded = [v.encode() if isinstance(v, str) else bytes(v) for v in volumes]
        if any(b"\0" in v for v in encoded):
            raise ValueError("a volume name contains a NUL byte")
        array = (ctypes.c_char_p * len(encoded))(*encoded)
        (sa, si), (da, di) = source, dest
        with _log.capture() as cap:
            handle = lib.dmpv_start(array, len(encoded), sa, si, da, di, int(bool(atomic)), region_size)
        if not handle:
            raise fail("dmpv_start", cap)
        return cls(handle)

    @classmethod
    def restart(cls, state: str) -> "PvMove":
        """Continue a move from its saved state (recreating its devices after
        a reboot; mirrors resynchronise unless the last stop was clean)."""
        return cls._from_state("dmpv_restart", state)

    @classmethod
    def load(cls, state: str) -> "PvMove":
        """A handle over a saved state that touches no device (to abort or stop)."""
        return cls._from_state("dmpv_load", state)

    @classmethod
    def _from_state(cls, function: str, state: str) -> "PvMove":
        lib = _library()
        if not isinstance(state, str):
            raise TypeError("state must be the text dmpvmove saved")
        with _log.capture() as cap:
            handle = getattr(lib, function)(state.encode())
        if not handle:
            raise fail(function, cap)
        return cls(handle)

    # -- operations -----------------------------------------------------------
    def _h(self) -> int:
        if not self._handle:
            raise ValueError("the move has been closed")
        return self._handle

    def _call(self, function: str) -> None:
        with _log.capture() as cap:
            ok = getattr(self._lib, function)(self._h())
        if not ok:
            raise fail(function, cap)

    def poll(self) -> Tuple[float, bool]:
        """(fraction of the moved sectors in sync, whether the copy is done);
        advances a by-segment move."""
        fraction = ctypes.c_double(0.0)
        done = ctypes.c_int(0)
        with _log.capture() as cap:
            ok = self._lib.dmpv_poll(self._h(), ctypes.byref(fraction), ctypes.byref(done))
        if not ok:
            raise fail("dmpv_poll", cap)
        return fraction.value, bool(done.value)

    def run(self, progress: Optional[Callable[[float], None]] = None, save: Optional[Callable[[str], object]] = None,
            interval: float = 0.2) -> None:
        """Poll until the copy is complete, calling ``progress`` with each
        fraction and ``save`` with the state whenever it changed, then finish."""
        last = self.state
        if save:
            save(last)
        while True:
            fraction, done = self.poll()
            if progress:
                progress(fraction)
            now = self.state
            if save and now != last:
                save(now)
            last = now
            if done:
                break
            time.sleep(interval)
        self.finish()
        if save:
            save(self.state)

    def finish(self) -> None:
        """Point every volume at the destination and remove the pvmove device."""
        self._call("dmpv_finish")

    def abort(self) -> None:
        """Abandon the move (atomic: all back on the source; by segment: the
        copied segments stay on the destination)."""
        self._call("dmpv_abort")

    def stop(self) -> None:
        """Take the volumes and the pvmove device down cleanly, to restart later."""
        self._call("dmpv_stop")

    @property
    def state(self) -> str:
        """The state text to persist."""
        ptr = self._lib.dmpv_state(self._h())
        if not ptr:
            raise MemoryError("dmpv_state failed")
        try:
            return ctypes.string_at(ptr).decode()
        finally:
            ctypes.CDLL(None).free(ctypes.c_void_p(ptr))

    def close(self) -> None:
        """Free the handle (idempotent)."""
        if self._handle:
            self._lib.dmpv_destroy(self._handle)
            self._handle = None

    def __enter__(self) -> "PvMove":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
