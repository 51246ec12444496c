"""The deptree (``dm_tree``): devices and their dependencies, built from the
kernel (``Tree.add_dev``) or described (``Tree.add_new_dev`` plus segments),
then preloaded, activated, suspended or deactivated as a whole, in
libdevmapper's order.

``Tree`` is a context manager: leaving the ``with`` block resumes whatever
this tree suspended and did not resume, then frees the tree, so a failed
block leaves nothing suspended. ``Tree.suspended`` does
the same for one suspend/resume pair, and ``Tree.activate`` deactivates the
devices it created when preload or activation fails part way.

A segment's devices are given either as a ``TreeNode`` of the same tree
(referenced by its uuid) or as a device path or ``"major:minor"`` string.
"""

from __future__ import annotations

import ctypes
from contextlib import contextmanager
from ctypes import c_void_p
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple, Union

from . import _lib, _log
from ._task import StrLike, cstr, dm_name, dm_uuid, fail, text, uint
from .device import DevNo, info as device_info

#: Thin-pool messages (``dm_thin_message_t``).
THIN_MESSAGE_CREATE_SNAP = 0
THIN_MESSAGE_CREATE_THIN = 1
THIN_MESSAGE_DELETE = 2
THIN_MESSAGE_SET_TRANSACTION_ID = 3

#: Mirror log flags.
DM_NOSYNC = 0x1
DM_FORCESYNC = 0x2
DM_BLOCK_ON_ERROR = 0x4
DM_CORELOG = 0x8

DM_CRYPT_IV_DEFAULT = (1 << 64) - 1


@dataclass(frozen=True)
class NodeInfo:
    """What the tree knows of a node."""

    name: str
    uuid: str
    dev: DevNo
    exists: bool
    suspended: bool
    live_table: bool
    read_only: bool
    open_count: int


Area = Union["TreeNode", str]


class TreeNode:
    """One device of a ``Tree``; its target methods add table segments."""

    def __init__(self, tree: "Tree", handle: int, name: Optional[str] = None, uuid: Optional[str] = None) -> None:
        self.tree = tree
        self.handle = handle
        # libdevmapper reports a node's name and uuid only once the device
        # exists; a new node keeps the ones it was given.
        self._name = name
        self._uuid = uuid

    def __repr__(self) -> str:
        return f"TreeNode({self.name!r}, uuid={self.uuid!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TreeNode) and other.handle == self.handle

    def __hash__(self) -> int:
        return hash(self.handle)

    # -- properties -----------------------------------------------------
    @property
    def name(self) -> str:
        got = text(self.tree._lib.dm_tree_node_get_name(self.tree._h(self.handle)))
        return got or self._name or ""

    @property
    def uuid(self) -> str:
        got = text(self.tree._lib.dm_tree_node_get_uuid(self.tree._h(self.handle)))
        return got or self._uuid or ""

    @property
    def is_root(self) -> bool:
        return self.handle == self.tree.root.handle

    @property
    def info(self) -> NodeInfo:
        p = self.tree._lib.dm_tree_node_get_info(self.tree._h(self.handle))
        if not p:
            return NodeInfo(self.name, self.uuid, DevNo(0, 0), False, False, False, False, 0)
        i = p.contents
        return NodeInfo(self.name, self.uuid, DevNo(i.major, i.minor), bool(i.exists), bool(i.suspended),
                        bool(i.live_table), bool(i.read_only), i.open_count)

    def children(self, inverted: bool = False) -> List["TreeNode"]:
        """The devices this one uses (its users with ``inverted=True``), the
        root excluded."""
        lib = self.tree._lib
        handle = c_void_p(None)
        out = []
        while True:
            child = lib.dm_tree_next_child(ctypes.byref(handle), self.tree._h(self.handle), 1 if inverted else 0)
            if not child:
                break
            node = self.tree._new.get(child) or TreeNode(self.tree, child)
            if not node.is_root:
                out.append(node)
        return out

    def parents(self) -> List["TreeNode"]:
        return self.children(inverted=True)

    # -- segments -------------------------------------------------------
    def _call(self, function: str, *args: Any) -> None:
        self.tree._call(function, self.tree._h(self.handle), *args)

    def add_area(self, device: Area, offset: int = 0) -> None:
        """``dm_tree_node_add_target_area``: a device of the last segment."""
        if isinstance(device, TreeNode):
            if device.tree is not self.tree:
                raise ValueError("the area's node belongs to another tree")
            self._call("dm_tree_node_add_target_area", None, cstr(device.uuid, "uuid"), uint(offset, "offset"))
        else:
            self._call("dm_tree_node_add_target_area", cstr(device, "device"), None, uint(offset, "offset"))

    def linear(self, size: int, device: Area, offset: int = 0) -> "TreeNode":
        """A linear segment of ``size`` sectors onto ``device`` at ``offset``."""
        self._call("dm_tree_node_add_linear_target", uint(size, "size"))
        self.add_area(device, offset)
        return self

    def striped(self, size: int, stripe_size: int, areas: Sequence[Tuple[Area, int]]) -> "TreeNode":
        """A striped segment over ``areas`` ((device, offset) pairs)."""
        self._call("dm_tree_node_add_striped_target", uint(size, "size"), uint(stripe_size, "stripe_size", 32))
        for device, offset in areas:
            self.add_area(device, offset)
        return self

    def zero(self, size: int) -> "TreeNode":
        self._call("dm_tree_node_add_zero_target", uint(size, "size"))
        return self

    def error(self, size: int) -> "TreeNode":
        self._call("dm_tree_node_add_error_target", uint(size, "size"))
        return self

    def crypt(self, size: int, cipher: str, key: str, device: Area, offset: int = 0, *,
              iv_offset: int = DM_CRYPT_IV_DEFAULT, chainmode: Optional[str] = None,
              iv: Optional[str] = None) -> "TreeNode":
        """A crypt segment; ``cipher`` like ``"aes-xts-plain64"``, ``key`` in hex."""
        self._call("dm_tree_node_add_crypt_target", uint(size, "size"), cstr(cipher, "cipher"),
                   cstr(chainmode, "chainmode", optional=True), cstr(iv, "iv", optional=True),
                   uint(iv_offset, "iv_offset"), cstr(key, "key"))
        self.add_area(device, offset)
        return self

    def snapshot_origin(self, size: int, origin: "TreeNode") -> "TreeNode":
        self._call("dm_tree_node_add_snapshot_origin_target", uint(size, "size"), cstr(origin.uuid, "origin uuid"))
        return self

    def snapshot(self, size: int, origin: "TreeNode", cow: "TreeNode", *, persistent: bool = True,
                 chunk_size: int = 16) -> "TreeNode":
        """A snapshot of ``origin`` (the origin's real device) using ``cow``."""
        self._call("dm_tree_node_add_snapshot_target", uint(size, "size"), cstr(origin.uuid, "origin uuid"),
                   cstr(cow.uuid, "cow uuid"), 1 if persistent else 0, uint(chunk_size, "chunk_size", 32))
        return self

    def mirror(self, size: int, legs: Sequence[Area], *, region_size: int = 1024, log: Optional["TreeNode"] = None,
               flags: int = 0) -> "TreeNode":
        """A mirror over ``legs``, with a disk ``log`` node or an in-memory log."""
        self._call("dm_tree_node_add_mirror_target", uint(size, "size"))
        if log is None:
            flags |= DM_CORELOG
        self._call("dm_tree_node_add_mirror_target_log", uint(region_size, "region_size", 32), 0,
                   None if log is None else cstr(log.uuid, "log uuid"), len(legs), uint(flags, "flags", 32))
        for leg in legs:
            self.add_area(leg, 0)
        return self

    def thin_pool(self, size: int, metadata: "TreeNode", data: "TreeNode", *, transaction_id: int,
                  data_block_size: int = 128, low_water_mark: int = 0, skip_block_zeroing: bool = False,
                  messages: Sequence[Tuple[int, int, int]] = (), error_if_no_space: Optional[bool] = None,
                  discards: Optional[str] = None) -> "TreeNode":
        """A thin-pool over ``metadata`` and ``data`` nodes. ``messages`` are
        ``(THIN_MESSAGE_*, id1, id2)`` sent when the pool's transaction id is
        one below ``transaction_id`` (see ``create_thin``/``create_snap``)."""
        self._call("dm_tree_node_add_thin_pool_target", uint(size, "size"), uint(transaction_id, "transaction_id"),
                   cstr(metadata.uuid, "metadata uuid"), cstr(data.uuid, "data uuid"),
                   uint(data_block_size, "data_block_size", 32), uint(low_water_mark, "low_water_mark"),
                   1 if skip_block_zeroing else 0)
        for kind, id1, id2 in messages:
            self.thin_pool_message(kind, id1, id2)
        if error_if_no_space is not None:
            self._call("dm_tree_node_set_thin_pool_error_if_no_space", 1 if error_if_no_space else 0)
        if discards is not None:
            modes = {"ignore": (1, 0), "no_passdown": (0, 1), "passdown": (0, 0)}
            if discards not in modes:
                raise ValueError(f"discards must be one of {sorted(modes)}")
            self._call("dm_tree_node_set_thin_pool_discard", *modes[discards])
        return self

    def thin_pool_message(self, kind: int, id1: int, id2: int = 0) -> "TreeNode":
        self._call("dm_tree_node_add_thin_pool_message", uint(kind, "message type", 31), uint(id1, "id1"),
                   uint(id2, "id2"))
        return self

    def thin(self, size: int, pool: "TreeNode", device_id: int) -> "TreeNode":
        """A thin volume ``device_id`` of ``pool``."""
        self._call("dm_tree_node_add_thin_target", uint(size, "size"), cstr(pool.uuid, "pool uuid"),
                   uint(device_id, "device_id", 24))
        return self

    # -- per-node options ------------------------------------------------
    def skip_lockfs(self) -> None:
        self.tree._lib.dm_tree_skip_lockfs(self.tree._h(self.handle))

    def use_no_flush_suspend(self) -> None:
        self.tree._lib.dm_tree_use_no_flush_suspend(self.tree._h(self.handle))

    def retry_remove(self) -> None:
        self.tree._lib.dm_tree_retry_remove(self.tree._h(self.handle))


def create_thin(device_id: int) -> Tuple[int, int, int]:
    """The thin-pool message creating thin volume ``device_id``."""
    return (THIN_MESSAGE_CREATE_THIN, device_id, 0)


def create_snap(device_id: int, origin_id: int) -> Tuple[int, int, int]:
    """The thin-pool message creating ``device_id`` as a snapshot of ``origin_id``."""
    return (THIN_MESSAGE_CREATE_SNAP, device_id, origin_id)


class Tree:
    """A ``dm_tree``; use as a context manager (see the module docstring)."""

    def __init__(self) -> None:
        self._lib = _lib.lib()
        with _log.capture() as cap:
            handle = self._lib.dm_tree_create()
        if not handle:
            raise fail("dm_tree_create", cap)
        self.handle: Optional[int] = handle
        self._suspended: Set[Tuple[int, bytes]] = set()
        self._new: Dict[int, TreeNode] = {}

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __enter__(self) -> "Tree":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if self._suspended:
                self.resume_all()
        finally:
            self.close()

    def close(self) -> None:
        """Free the tree (devices stay as they are)."""
        if self.handle:
            self._lib.dm_tree_free(self.handle)
            self.handle = None

    def _h(self, node_handle: int) -> int:
        if not self.handle:
            raise ValueError("the tree has been freed")
        return node_handle

    def _call(self, function: str, *args: Any) -> int:
        if not self.handle:
            raise ValueError("the tree has been freed")
        with _log.capture() as cap:
            ok = getattr(self._lib, function)(*args)
        if not ok:
            raise fail(function, cap)
        return int(ok) if isinstance(ok, int) else 1

    # -- building --------------------------------------------------------
    @property
    def root(self) -> TreeNode:
        node = self._lib.dm_tree_find_node(self._h(self.handle or 0), 0, 0)
        return TreeNode(self, node)

    def add_dev(self, device: Union[StrLike, DevNo, Tuple[int, int]]) -> TreeNode:
        """Add an existing device (by name, ``DevNo`` or (major, minor)) and
        every device below it, as the kernel reports them."""
        if isinstance(device, (str, bytes)):
            dev = device_info(device).dev
        elif isinstance(device, DevNo):
            dev = device
        elif isinstance(device, tuple) and len(device) == 2:
            dev = DevNo(*device)
        else:
            raise TypeError(f"device must be a name, DevNo or (major, minor), not {device!r}")
        self._call("dm_tree_add_dev", self.handle, uint(dev.major, "major", 32), uint(dev.minor, "minor", 32))
        node = self._lib.dm_tree_find_node(self.handle, dev.major, dev.minor)
        if not node:
            raise LookupError(f"{dev} not in the tree after dm_tree_add_dev")
        return TreeNode(self, node)

    def add_new_dev(self, name: StrLike, uuid: StrLike, *, read_only: bool = False,
                    clear_inactive: bool = False, dev: Optional[Tuple[int, int]] = None) -> TreeNode:
        """A device to create (or reload) at ``preload``; give it segments."""
        major, minor = dev if dev is not None else (0, 0)
        if not self.handle:
            raise ValueError("the tree has been freed")
        with _log.capture() as cap:
            node = self._lib.dm_tree_add_new_dev(self.handle, dm_name(name), dm_uuid(uuid),
                                                 uint(major, "major", 32), uint(minor, "minor", 32),
                                                 1 if read_only else 0, 1 if clear_inactive else 0, None)
        if not node:
            raise fail("dm_tree_add_new_dev", cap)
        made = TreeNode(self, node, text(dm_name(name)), text(dm_uuid(uuid)))
        self._new[node] = made
        return made

    def find(self, uuid: StrLike) -> Optional[TreeNode]:
        if not self.handle:
            raise ValueError("the tree has been freed")
        node = self._lib.dm_tree_find_node_by_uuid(self.handle, cstr(uuid, "uuid"))
        if not node:
            return None
        return self._new.get(node) or TreeNode(self, node)

    # -- phases ----------------------------------------------------------
    def _phase(self, function: str, uuid_prefix: StrLike, node: Optional[TreeNode]) -> None:
        prefix = cstr(uuid_prefix, "uuid_prefix") or b""
        target = node if node is not None else self.root
        self._run_phase(function, target.handle, prefix)

    def _run_phase(self, function: str, handle: int, prefix: bytes) -> None:
        """One phase, then the udev wait for the cookie the tree used (as LVM
        does: otherwise the semaphore would outlive the process) or, without
        one, the library's pending /dev/mapper node operations."""
        try:
            self._call(function, self._h(handle), prefix, len(prefix))
        finally:
            self._settle()

    def _settle(self) -> None:
        root = self.root.handle
        cookie = self._lib.dm_tree_get_cookie(root) if self._lib.has("dm_tree_get_cookie") else 0
        if cookie:
            with _log.capture():
                self._lib.dm_udev_wait(cookie)
            self._lib.dm_tree_set_cookie(root, 0)
        else:
            self._lib.dm_task_update_nodes()

    def preload(self, uuid_prefix: StrLike = "", node: Optional[TreeNode] = None) -> None:
        """``dm_tree_preload_children``: create and load the new devices."""
        self._phase("dm_tree_preload_children", uuid_prefix, node)

    def activate_children(self, uuid_prefix: StrLike = "", node: Optional[TreeNode] = None) -> None:
        """``dm_tree_activate_children``: resume them, bottom up."""
        self._phase("dm_tree_activate_children", uuid_prefix, node)

    def activate(self, uuid_prefix: StrLike = "", node: Optional[TreeNode] = None) -> None:
        """Preload then activate; if either fails, the devices under
        ``uuid_prefix`` that did not exist before are deactivated again."""
        before = {n.uuid for n in self._new_nodes() if n.info.exists}
        try:
            self.preload(uuid_prefix, node)
            self.activate_children(uuid_prefix, node)
        except BaseException:
            self._rollback(uuid_prefix, before)
            raise

    def _new_nodes(self) -> List[TreeNode]:
        seen: List[TreeNode] = []
        stack = [self.root]
        while stack:
            for child in stack.pop().children():
                if child not in seen:
                    seen.append(child)
                    stack.append(child)
        return seen

    def _rollback(self, uuid_prefix: StrLike, keep: Set[str]) -> None:
        from . import device

        prefix = text(cstr(uuid_prefix, "uuid_prefix"))
        for n in reversed(self._new_nodes()):
            uuid = n.uuid
            if not uuid.startswith(prefix) or uuid in keep:
                continue
            try:
                if device.exists(uuid=uuid):
                    if device.info(uuid=uuid).suspended:
                        device.resume(uuid=uuid)
                    device.remove(uuid=uuid, retry=True)
            except Exception:  # best effort; the original error is raised
                _log.logger.warning("rollback: could not remove %s", uuid)

    def suspend(self, uuid_prefix: StrLike = "", node: Optional[TreeNode] = None) -> None:
        """``dm_tree_suspend_children``: suspend, top down. Prefer
        ``suspended()``, which resumes again whatever happens."""
        target = node if node is not None else self.root
        key = (target.handle, cstr(uuid_prefix, "uuid_prefix") or b"")
        self._suspended.add(key)
        self._phase("dm_tree_suspend_children", uuid_prefix, node)

    def resume(self, uuid_prefix: StrLike = "", node: Optional[TreeNode] = None) -> None:
        """Resume what ``suspend`` suspended (``dm_tree_activate_children``)."""
        target = node if node is not None else self.root
        self._phase("dm_tree_activate_children", uuid_prefix, node)
        self._suspended.discard((target.handle, cstr(uuid_prefix, "uuid_prefix") or b""))

    def resume_all(self) -> None:
        """Resume everything this tree suspended and did not resume."""
        errors = []
        for handle, prefix in list(self._suspended):
            try:
                self._run_phase("dm_tree_activate_children", handle, prefix)
                self._suspended.discard((handle, prefix))
            except Exception as e:  # keep resuming the others
                errors.append(e)
        if errors:
            raise errors[0]

    @contextmanager
    def suspended(self, uuid_prefix: StrLike = "", node: Optional[TreeNode] = None) -> Iterator["Tree"]:
        """Suspend for the ``with`` block; resume afterwards even if it raised
        (and if the suspend itself failed half way)."""
        try:
            self.suspend(uuid_prefix, node)
            yield self
        finally:
            self.resume(uuid_prefix, node)

    def deactivate(self, uuid_prefix: StrLike = "", node: Optional[TreeNode] = None) -> None:
        """``dm_tree_deactivate_children``: remove the devices, top down."""
        self._phase("dm_tree_deactivate_children", uuid_prefix, node)

    # -- output ----------------------------------------------------------
    def format(self, node: Optional[TreeNode] = None) -> str:
        """The tree as ``dmsetup ls --tree`` draws it: each top-level device
        with the devices it uses below it."""
        lines: List[str] = []

        def label(n: TreeNode) -> str:
            i = n.info
            return f"{n.name} ({i.dev})" if n.name else f"({i.dev})"

        def walk(n: TreeNode, prefix: str) -> None:
            kids = n.children()
            for k, child in enumerate(kids):
                last = k == len(kids) - 1
                lines.append(prefix + ("`-" if last else "|-") + label(child))
                walk(child, prefix + ("  " if last else "| "))

        tops = [node] if node is not None else [n for n in self.root.children(inverted=False)
                                                 if not [p for p in n.parents()]]
        for top in tops:
            lines.append(label(top))
            walk(top, " ")
        return "\n".join(lines)
