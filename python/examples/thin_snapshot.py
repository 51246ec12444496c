#!/usr/bin/env python3
"""Build a thin pool with two thin volumes on two loop devices, snapshot one
volume, and print the device tree; then take it all down again.

    sudo python3 thin_snapshot.py [--library PATH] [--keep]

Everything goes through deptrees (``devmapper.Tree``), as LVM does it: the
pool's metadata and data devices are linear devices over the loop devices;
the pool is activated first, and its thin-pool messages create thin volumes 1
and 2 in one transaction; a second tree activates the two volumes. The
snapshot (volume 3 of volume 1) is made by a pool message while volume 1 is
suspended, as the kernel's thin-provisioning documentation asks.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import devmapper as dm  # noqa: E402

PREFIX = "PYEX-THIN-"  # uuid prefix of every device of the example
META_SECTORS = 8192  # 4 MiB of metadata
DATA_SECTORS = 131072  # 64 MiB of data
BLOCK = 128  # 64 KiB data blocks
VOLUME = 262144  # 128 MiB thin volumes (over-provisioned)


def loop_device(directory: str, name: str, size: int) -> str:
    path = os.path.join(directory, name)
    with open(path, "wb") as f:
        f.truncate(size)
    return subprocess.check_output(["losetup", "-f", "--show", path], text=True).strip()


def build_pool(meta_loop: str, data_loop: str) -> None:
    """Metadata, data and pool first (the pool's messages create thin
    volumes 1 and 2 when it is activated), then the two thin volumes."""
    with dm.Tree() as tree:
        meta = tree.add_new_dev("pyex-tmeta", PREFIX + "tmeta").linear(META_SECTORS, meta_loop)
        data = tree.add_new_dev("pyex-tdata", PREFIX + "tdata").linear(DATA_SECTORS, data_loop)
        tree.add_new_dev("pyex-pool", PREFIX + "pool").thin_pool(
            DATA_SECTORS, meta, data, transaction_id=1, data_block_size=BLOCK,
            messages=[dm.create_thin(1), dm.create_thin(2)])
        tree.activate(PREFIX)
    with dm.Tree() as tree:
        tree.add_dev("pyex-pool")
        pool = tree.find(PREFIX + "pool")
        assert pool is not None
        tree.add_new_dev("pyex-thin1", PREFIX + "thin1").thin(VOLUME, pool, 1)
        tree.add_new_dev("pyex-thin2", PREFIX + "thin2").thin(VOLUME, pool, 2)
        tree.activate(PREFIX)


def snapshot_thin1() -> None:
    """Volume 3 as a snapshot of volume 1 (suspended meanwhile), activated."""
    # the pool's transaction id is the first field of its status line
    tid = int(dm.status("pyex-pool", parse=False)[0].params.split()[0])
    print(f"pyex-pool: transaction id {tid} after creating volumes 1 and 2")
    with dm.suspended("pyex-thin1"):
        dm.message("pyex-pool", "create_snap 3 1")
        dm.message("pyex-pool", f"set_transaction_id {tid} {tid + 1}")
    with dm.Tree() as tree:
        tree.add_dev("pyex-pool")
        pool = tree.find(PREFIX + "pool")
        assert pool is not None
        tree.add_new_dev("pyex-snap1", PREFIX + "snap1").thin(VOLUME, pool, 3)
        tree.activate(PREFIX + "snap1")


def show() -> str:
    """The tree of every device of the example, and the pool's status."""
    with dm.Tree() as tree:
        for d in dm.list_devices():
            if d.uuid.startswith(PREFIX):
                tree.add_dev(d.dev)
        text = tree.format()
    print(text)
    for line in dm.status("pyex-pool"):
        print(f"pyex-pool: {line.target_type} {line.params}")
        if line.parsed is not None:
            print(f"  parsed: {line.parsed}")
    return text


def tear_down() -> None:
    devices = [d for d in dm.list_devices() if d.uuid.startswith(PREFIX)]
    if not devices:
        return
    with dm.Tree() as tree:
        for d in devices:
            tree.add_dev(d.dev)
        tree.deactivate(PREFIX)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", help="libdevmapper to load (default: $DEVMAPPER_LIBRARY or the system's)")
    parser.add_argument("--keep", action="store_true", help="leave the devices in place")
    parser.add_argument("--debug", action="store_true", help="show the library's debug log")
    args = parser.parse_args()
    if args.debug:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s %(levelname)s %(message)s")
    lib = dm.load(args.library)
    print(f"library: {lib.implementation} {lib.version} ({lib.path})")
    tmp = tempfile.mkdtemp(prefix="pyex-thin-")
    loops = []
    try:
        loops.append(loop_device(tmp, "meta", META_SECTORS * 512))
        loops.append(loop_device(tmp, "data", DATA_SECTORS * 512))
        build_pool(loops[0], loops[1])
        snapshot_thin1()
        text = show()
        names = ["pyex-thin1", "pyex-thin2", "pyex-snap1", "pyex-pool", "pyex-tmeta", "pyex-tdata"]
        missing = [n for n in names if n not in text]
        if missing:
            print(f"missing from the tree: {missing}", file=sys.stderr)
            return 1
        return 0
    finally:
        if not args.keep:
            tear_down()
            for loop in loops:
                subprocess.call(["losetup", "-d", loop])
            subprocess.call(["rm", "-rf", tmp])


if __name__ == "__main__":
    sys.exit(main())
