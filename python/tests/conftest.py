"""The library under test is named by DEVMAPPER_LIBRARY (the runners set it
to this project's build or to Debian's C library) and loaded once.

DEVMAPPER_EXPECT ("devmapper" or "c") says which implementation that is, so
the loading tests check the report. Tests marked ``kernel`` need the
device-mapper driver and root: they run only with DEVMAPPER_KERNEL_TESTS=1
(the VM suite), and then must pass.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import devmapper  # noqa: E402

KERNEL = os.environ.get("DEVMAPPER_KERNEL_TESTS") == "1"


def pytest_collection_modifyitems(config, items):
    if KERNEL:
        return
    skip = pytest.mark.skip(reason="needs the kernel driver: set DEVMAPPER_KERNEL_TESTS=1 (VM suite)")
    for item in items:
        if "kernel" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def lib_info():
    return devmapper.load()


@pytest.fixture
def ours(lib_info):
    return lib_info.is_devmapper
