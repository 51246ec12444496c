import errno
import logging

import pytest

import devmapper
from devmapper.errors import DMError


def test_DMError_is_an_OSError_with_errno_function_and_messages():
    e = DMError(errno.ENXIO, "dm_task_run", ["Device x not found"])
    assert isinstance(e, OSError)
    assert e.errno == errno.ENXIO
    assert e.function == "dm_task_run"
    assert e.messages == ["Device x not found"]
    assert e.message == "Device x not found"
    assert str(e) == "[Errno 6] dm_task_run: Device x not found"


def test_a_library_failure_raises_with_the_librarys_log_message(lib_info):
    with pytest.raises(DMError) as caught:
        devmapper.parse_status("thin", "garbage")
    e = caught.value
    assert e.function == "dm_get_status_thin"
    assert e.errno > 0
    assert e.messages, "the library's error line is attached"
    assert any("thin" in m for m in e.messages)


def test_library_messages_reach_python_logging(lib_info, caplog):
    with caplog.at_level(logging.DEBUG, logger="devmapper.lib"):
        with pytest.raises(DMError) as caught:
            devmapper.parse_status("thin", "garbage")
    logged = [r.getMessage() for r in caplog.records if r.name == "devmapper.lib" and r.levelno == logging.ERROR]
    assert logged and logged[-1] == caught.value.messages[-1]


def test_messages_are_collected_per_call_not_accumulated(lib_info):
    for _ in range(3):
        with pytest.raises(DMError) as caught:
            devmapper.parse_status("snapshot", "nonsense")
    assert len(caught.value.messages) <= 2


def test_without_a_kernel_a_device_query_raises_not_crashes(lib_info):
    if devmapper.exists.__module__ and _kernel_present():
        pytest.skip("a kernel driver is present")
    with pytest.raises(DMError) as caught:
        devmapper.info("anything")
    assert caught.value.errno in (errno.ENODEV, errno.ENOENT, errno.EINVAL, errno.ENXIO)
    assert caught.value.messages


def _kernel_present():
    try:
        with open("/proc/misc") as f:
            return "device-mapper" in f.read()
    except OSError:
        return False
