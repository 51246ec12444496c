"""Finding and loading libdevmapper, and the C prototypes used by the package.

Everything that touches ctypes function pointers lives here; the rest of the
package calls ``Library`` attributes that already carry ``argtypes`` and
``restype``, so a wrong Python type is refused by ctypes (``ctypes.ArgumentError``)
before any C code runs.
"""

from __future__ import annotations

import ctypes
import os
import threading
from ctypes import (
    POINTER,
    Structure,
    c_char_p,
    c_int,
    c_size_t,
    c_uint16,
    c_uint32,
    c_uint64,
    c_void_p,
)
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

#: The names tried, in order, by the system search: upstream's soname (and
#: this project's), then Debian's (its C library is ``libdevmapper.so.1.02.1``).
SONAMES = ("libdevmapper.so.1.02", "libdevmapper.so.1.02.1")

#: The environment variable naming the library file to load.
ENV_LIBRARY = "DEVMAPPER_LIBRARY"

# enum of task types in libdevmapper.h
DM_DEVICE_CREATE = 0
DM_DEVICE_RELOAD = 1
DM_DEVICE_REMOVE = 2
DM_DEVICE_REMOVE_ALL = 3
DM_DEVICE_SUSPEND = 4
DM_DEVICE_RESUME = 5
DM_DEVICE_INFO = 6
DM_DEVICE_DEPS = 7
DM_DEVICE_RENAME = 8
DM_DEVICE_VERSION = 9
DM_DEVICE_STATUS = 10
DM_DEVICE_TABLE = 11
DM_DEVICE_WAITEVENT = 12
DM_DEVICE_LIST = 13
DM_DEVICE_CLEAR = 14
DM_DEVICE_MKNODES = 15
DM_DEVICE_LIST_VERSIONS = 16
DM_DEVICE_TARGET_MSG = 17
DM_DEVICE_SET_GEOMETRY = 18


class dm_info(Structure):
    """``struct dm_info``."""

    _fields_ = [
        ("exists", c_int),
        ("suspended", c_int),
        ("live_table", c_int),
        ("inactive_table", c_int),
        ("open_count", ctypes.c_int32),
        ("event_nr", c_uint32),
        ("major", c_uint32),
        ("minor", c_uint32),
        ("read_only", c_int),
        ("target_count", ctypes.c_int32),
        ("deferred_remove", c_int),
        ("internal_suspend", c_int),
    ]


class dm_names(Structure):
    """The fixed head of ``struct dm_names``; the name follows at offset 12."""

    _fields_ = [("dev", c_uint64), ("next", c_uint32)]


class dm_versions(Structure):
    """The fixed head of ``struct dm_versions``; the name follows at offset 16."""

    _fields_ = [("next", c_uint32), ("version", c_uint32 * 3)]


class dm_deps(Structure):
    """The fixed head of ``struct dm_deps``; ``count`` uint64 devices follow."""

    _fields_ = [("count", c_uint32), ("filler", c_uint32)]


class _DlInfo(Structure):
    _fields_ = [
        ("dli_fname", c_char_p),
        ("dli_fbase", c_void_p),
        ("dli_sname", c_char_p),
        ("dli_saddr", c_void_p),
    ]


P = c_void_p  # every opaque handle (dm_task, dm_tree, dm_tree_node, dm_pool)

# name: (restype, argtypes). Functions missing from a library are left out
# of it (``Library.has``); the binding only calls those it checked for.
_PROTOTYPES: Dict[str, Tuple[Any, List[Any]]] = {
    "dm_get_library_version": (c_int, [c_char_p, c_size_t]),
    "dm_driver_version": (c_int, [c_char_p, c_size_t]),
    "dm_log_init": (None, [c_void_p]),
    "dm_log_with_errno_init": (None, [c_void_p]),
    "dm_log_init_verbose": (None, [c_int]),
    "dm_lib_release": (None, []),
    "dm_task_create": (P, [c_int]),
    "dm_task_destroy": (None, [P]),
    "dm_task_set_name": (c_int, [P, c_char_p]),
    "dm_task_set_uuid": (c_int, [P, c_char_p]),
    "dm_task_set_major": (c_int, [P, c_int]),
    "dm_task_set_minor": (c_int, [P, c_int]),
    "dm_task_set_ro": (c_int, [P]),
    "dm_task_set_newname": (c_int, [P, c_char_p]),
    "dm_task_set_newuuid": (c_int, [P, c_char_p]),
    "dm_task_set_cookie": (c_int, [P, POINTER(c_uint32), c_uint16]),
    "dm_task_set_event_nr": (c_int, [P, c_uint32]),
    "dm_task_set_message": (c_int, [P, c_char_p]),
    "dm_task_set_sector": (c_int, [P, c_uint64]),
    "dm_task_no_flush": (c_int, [P]),
    "dm_task_no_open_count": (c_int, [P]),
    "dm_task_skip_lockfs": (c_int, [P]),
    "dm_task_query_inactive_table": (c_int, [P]),
    "dm_task_secure_data": (c_int, [P]),
    "dm_task_retry_remove": (c_int, [P]),
    "dm_task_deferred_remove": (c_int, [P]),
    "dm_task_add_target": (c_int, [P, c_uint64, c_uint64, c_char_p, c_char_p]),
    "dm_task_run": (c_int, [P]),
    "dm_task_get_errno": (c_int, [P]),
    "dm_task_get_info": (c_int, [P, POINTER(dm_info)]),
    "dm_task_get_uuid": (c_char_p, [P]),
    "dm_task_get_name": (c_char_p, [P]),
    "dm_task_get_names": (P, [P]),
    "dm_task_get_deps": (P, [P]),
    "dm_task_get_versions": (P, [P]),
    "dm_task_get_message_response": (c_char_p, [P]),
    "dm_task_get_driver_version": (c_int, [P, c_char_p, c_size_t]),
    "dm_get_next_target": (
        P,
        [P, P, POINTER(c_uint64), POINTER(c_uint64), POINTER(c_char_p), POINTER(c_char_p)],
    ),
    "dm_udev_wait": (c_int, [c_uint32]),
    "dm_udev_get_sync_support": (c_int, []),
    "dm_cookie_supported": (c_int, []),
    "dm_get_suspended_counter": (c_int, []),
    "dm_pool_create": (P, [c_char_p, c_size_t]),
    "dm_pool_destroy": (None, [P]),
    # status parsers: the out-parameter is typed per parser in status.py
    "dm_get_status_mirror": (c_int, [P, c_char_p, c_void_p]),
    "dm_get_status_raid": (c_int, [P, c_char_p, c_void_p]),
    "dm_get_status_cache": (c_int, [P, c_char_p, c_void_p]),
    "dm_get_status_snapshot": (c_int, [P, c_char_p, c_void_p]),
    "dm_get_status_thin_pool": (c_int, [P, c_char_p, c_void_p]),
    "dm_get_status_thin": (c_int, [P, c_char_p, c_void_p]),
    # deptree
    "dm_tree_create": (P, []),
    "dm_tree_free": (None, [P]),
    "dm_tree_add_dev": (c_int, [P, c_uint32, c_uint32]),
    "dm_tree_add_new_dev": (
        P,
        [P, c_char_p, c_char_p, c_uint32, c_uint32, c_int, c_int, c_void_p],
    ),
    "dm_tree_find_node": (P, [P, c_uint32, c_uint32]),
    "dm_tree_find_node_by_uuid": (P, [P, c_char_p]),
    "dm_tree_next_child": (P, [POINTER(c_void_p), P, c_uint32]),
    "dm_tree_node_get_name": (c_char_p, [P]),
    "dm_tree_node_get_uuid": (c_char_p, [P]),
    "dm_tree_node_get_info": (POINTER(dm_info), [P]),
    "dm_tree_node_num_children": (c_int, [P, c_uint32]),
    "dm_tree_preload_children": (c_int, [P, c_char_p, c_size_t]),
    "dm_tree_activate_children": (c_int, [P, c_char_p, c_size_t]),
    "dm_tree_suspend_children": (c_int, [P, c_char_p, c_size_t]),
    "dm_tree_deactivate_children": (c_int, [P, c_char_p, c_size_t]),
    "dm_tree_get_cookie": (c_uint32, [P]),
    "dm_tree_set_cookie": (None, [P, c_uint32]),
    "dm_task_update_nodes": (None, []),
    "dm_tree_skip_lockfs": (None, [P]),
    "dm_tree_use_no_flush_suspend": (None, [P]),
    "dm_tree_retry_remove": (None, [P]),
    "dm_tree_node_add_linear_target": (c_int, [P, c_uint64]),
    "dm_tree_node_add_striped_target": (c_int, [P, c_uint64, c_uint32]),
    "dm_tree_node_add_zero_target": (c_int, [P, c_uint64]),
    "dm_tree_node_add_error_target": (c_int, [P, c_uint64]),
    "dm_tree_node_add_crypt_target": (
        c_int,
        [P, c_uint64, c_char_p, c_char_p, c_char_p, c_uint64, c_char_p],
    ),
    "dm_tree_node_add_snapshot_origin_target": (c_int, [P, c_uint64, c_char_p]),
    "dm_tree_node_add_snapshot_target": (
        c_int,
        [P, c_uint64, c_char_p, c_char_p, c_int, c_uint32],
    ),
    "dm_tree_node_add_mirror_target": (c_int, [P, c_uint64]),
    "dm_tree_node_add_mirror_target_log": (
        c_int,
        [P, c_uint32, ctypes.c_uint, c_char_p, ctypes.c_uint, c_uint32],
    ),
    "dm_tree_node_add_thin_pool_target": (
        c_int,
        [P, c_uint64, c_uint64, c_char_p, c_char_p, c_uint32, c_uint64, ctypes.c_uint],
    ),
    "dm_tree_node_add_thin_pool_message": (c_int, [P, c_int, c_uint64, c_uint64]),
    "dm_tree_node_set_thin_pool_discard": (c_int, [P, ctypes.c_uint, ctypes.c_uint]),
    "dm_tree_node_set_thin_pool_error_if_no_space": (c_int, [P, ctypes.c_uint]),
    "dm_tree_node_add_thin_target": (c_int, [P, c_uint64, c_char_p, c_uint32]),
    "dm_tree_node_add_target_area": (c_int, [P, c_char_p, c_char_p, c_uint64]),
    # This project's extension (devmapper-pvmove.h); absent from the C library.
    "dmpv_start": (P, [POINTER(c_char_p), ctypes.c_uint, c_uint32, c_uint32, c_uint32, c_uint32, c_int, c_uint32]),
    "dmpv_restart": (P, [c_char_p]),
    "dmpv_load": (P, [c_char_p]),
    "dmpv_poll": (c_int, [P, POINTER(ctypes.c_double), POINTER(c_int)]),
    "dmpv_finish": (c_int, [P]),
    "dmpv_abort": (c_int, [P]),
    "dmpv_stop": (c_int, [P]),
    "dmpv_state": (c_void_p, [P]),
    "dmpv_destroy": (None, [P]),
}


@dataclass(frozen=True)
class LibraryInfo:
    """Which libdevmapper was loaded.

    ``path`` is the file the dynamic linker actually mapped, ``version`` what
    ``dm_get_library_version`` says, and ``is_devmapper`` whether it is this
    project's Rust library (its version string names ``devmapper``) rather
    than the C libdevmapper.
    """

    path: str
    version: str
    is_devmapper: bool

    @property
    def implementation(self) -> str:
        """``"devmapper (Rust)"`` or ``"libdevmapper (C)"``."""
        return "devmapper (Rust)" if self.is_devmapper else "libdevmapper (C)"


class Library:
    """A loaded libdevmapper with typed function pointers as attributes."""

    def __init__(self, name: str) -> None:
        self._cdll = ctypes.CDLL(name, use_errno=True)
        self._functions: Dict[str, Any] = {}
        for fname, (restype, argtypes) in _PROTOTYPES.items():
            try:
                fn = getattr(self._cdll, fname)
            except AttributeError:
                continue
            fn.restype = restype
            fn.argtypes = argtypes
            self._functions[fname] = fn
        buf = ctypes.create_string_buffer(128)
        if not self._functions["dm_get_library_version"](buf, len(buf)):
            raise OSError(f"{name}: dm_get_library_version failed")
        version = buf.value.decode("utf-8", "replace")
        self.info = LibraryInfo(
            path=_mapped_path(self._cdll, name),
            version=version,
            is_devmapper="devmapper" in version,
        )

    def has(self, name: str) -> bool:
        """Whether the library exports ``name``."""
        return name in self._functions

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_functions"][name]
        except KeyError:
            raise AttributeError(f"libdevmapper has no function {name}") from None


def _mapped_path(cdll: ctypes.CDLL, fallback: str) -> str:
    """The real path of the file behind ``cdll`` (dladdr on one of its symbols)."""
    try:
        libc = ctypes.CDLL(None)
        dladdr = libc.dladdr
        dladdr.argtypes = [c_void_p, POINTER(_DlInfo)]
        dladdr.restype = c_int
        info = _DlInfo()
        addr = ctypes.cast(cdll.dm_task_create, c_void_p)
        if dladdr(addr, ctypes.byref(info)) and info.dli_fname:
            fname: bytes = info.dli_fname
            return os.path.realpath(fname.decode())
    except (AttributeError, OSError):
        pass
    return fallback


_lock = threading.Lock()
_loaded: Optional[Library] = None


def load(path: Optional[str] = None) -> LibraryInfo:
    """Load libdevmapper once for this process and return what was loaded.

    The library is taken from ``path`` if given, else from the file named by
    the ``DEVMAPPER_LIBRARY`` environment variable, else from the dynamic
    linker's search for ``libdevmapper.so.1.02`` and then Debian's
    ``libdevmapper.so.1.02.1``. Calling ``load`` again with
    another path once a library is loaded raises ``RuntimeError``: the log
    callback and the library's global state belong to one library per process.
    Every other function of the package loads the library on first use.
    """
    global _loaded
    with _lock:
        name = path or os.environ.get(ENV_LIBRARY)
        if _loaded is not None:
            if path and os.path.realpath(path) != _loaded.info.path:
                raise RuntimeError(
                    f"libdevmapper already loaded from {_loaded.info.path}; cannot also load {path}"
                )
            return _loaded.info
        lib = Library(name) if name else _search()
        from . import _log

        _log.install(lib)
        _loaded = lib
        return lib.info


def _search() -> Library:
    errors = []
    for soname in SONAMES:
        try:
            return Library(soname)
        except OSError as e:
            errors.append(str(e))
    raise OSError("libdevmapper not found: " + "; ".join(errors))


def lib() -> Library:
    """The loaded library, loading it with the default search if needed."""
    if _loaded is None:
        load()
    assert _loaded is not None
    return _loaded


def library_info() -> LibraryInfo:
    """What ``load`` loaded (loading with the default search if needed)."""
    return lib().info
