"""Python bindings for libdevmapper, the Linux device-mapper library, over
ctypes: this project's Rust library or the C libdevmapper.

    >>> import devmapper as dm
    >>> dm.load()                      # optional: path, $DEVMAPPER_LIBRARY, or the system search
    >>> for d in dm.list_devices():
    ...     print(d.name, d.dev, d.uuid, d.event_nr)
    >>> dm.create("demo", [dm.Target(0, 2048, "zero")])
    >>> dm.status("demo")
    >>> dm.remove("demo")

Errors are ``DMError`` (an ``OSError``) with ``errno`` and the library's
messages; the library's log goes to the ``devmapper.lib`` logger.
"""

from ._lib import LibraryInfo, library_info, load
from .device import (
    DeviceEntry,
    DevNo,
    Info,
    Target,
    TargetStatus,
    clear,
    create,
    deps,
    driver_version,
    exists,
    info,
    library_version,
    list_devices,
    load_table,
    message,
    remove,
    rename,
    resume,
    status,
    suspend,
    suspended,
    suspended_counter,
    table,
    target_versions,
    wait_event,
)
from .errors import DeviceNotFound, DMError
from .status import (
    PARSED_TARGETS,
    CacheStatus,
    LegHealth,
    MirrorStatus,
    RaidStatus,
    SnapshotStatus,
    ThinPoolStatus,
    ThinStatus,
    parse_status,
)
from .pvmove import PvMove
from .tree import NodeInfo, Tree, TreeNode, create_snap, create_thin

__all__ = [
    "PvMove", "CacheStatus", "DMError", "DevNo", "DeviceEntry", "DeviceNotFound", "Info", "LegHealth", "LibraryInfo",
    "MirrorStatus", "NodeInfo", "PARSED_TARGETS", "RaidStatus", "SnapshotStatus", "Target", "TargetStatus",
    "ThinPoolStatus", "ThinStatus", "Tree", "TreeNode", "clear", "create", "create_snap", "create_thin", "deps",
    "driver_version", "exists", "info", "library_info", "library_version", "list_devices", "load", "load_table", "message",
    "parse_status", "remove", "rename", "resume", "status", "suspend", "suspended", "suspended_counter", "table",
    "target_versions", "wait_event",
]

__version__ = "1.2.214"
