import os
import re
import subprocess
import sys

import pytest

import devmapper

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.dirname(HERE)
EXPECT = os.environ.get("DEVMAPPER_EXPECT")


def run_python(code, env_library=None):
    env = dict(os.environ, PYTHONPATH=PKG)
    env.pop("DEVMAPPER_LIBRARY", None)
    if env_library:
        env["DEVMAPPER_LIBRARY"] = env_library
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_loads_the_library_named_by_DEVMAPPER_LIBRARY(lib_info):
    assert lib_info.path == os.path.realpath(os.environ["DEVMAPPER_LIBRARY"])


def test_reports_which_implementation_it_loaded(lib_info):
    assert EXPECT in ("devmapper", "c"), "the runner sets DEVMAPPER_EXPECT"
    assert lib_info.is_devmapper == (EXPECT == "devmapper")
    assert lib_info.implementation == ("devmapper (Rust)" if EXPECT == "devmapper" else "libdevmapper (C)")


def test_version_string_has_the_implementations_format(lib_info):
    if lib_info.is_devmapper:
        assert re.fullmatch(r"1\.02\.\d+ \(devmapper 1\.2\.\d+\)", lib_info.version), lib_info.version
    else:
        assert re.fullmatch(r"1\.02\.\d+ \(\d{4}-\d\d-\d\d\)", lib_info.version), lib_info.version
    assert devmapper.library_version() == lib_info.version


def test_loading_another_library_in_the_same_process_is_refused(lib_info):
    other = "/nonexistent/libdevmapper.so.1.02"
    with pytest.raises(RuntimeError, match="already loaded"):
        devmapper.load(other)


def test_loading_the_same_path_again_returns_the_same_info(lib_info):
    assert devmapper.load(lib_info.path) == lib_info


@pytest.mark.subprocess
def test_explicit_path_wins_over_the_environment(lib_info):
    code = f"import devmapper; print(devmapper.load({lib_info.path!r}).path)"
    assert run_python(code, env_library="/nonexistent/libdevmapper.so") == lib_info.path


@pytest.mark.subprocess
def test_system_search_finds_a_libdevmapper_without_configuration():
    code = "import devmapper; i = devmapper.load(); print(i.path, i.version)"
    path, _, version = run_python(code).partition(" ")
    assert os.path.basename(path).startswith("libdevmapper.so.1.02")
    assert version.startswith("1.02.")


@pytest.mark.subprocess
def test_a_missing_library_is_an_OSError_not_a_crash():
    code = (
        "import devmapper\n"
        "try:\n    devmapper.load('/nonexistent/libdevmapper.so.1.02')\n"
        "except OSError as e:\n    print('OSError')\n"
    )
    assert run_python(code) == "OSError"
