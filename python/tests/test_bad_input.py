"""Hostile values from Python: each is a Python exception, never a crash."""

import ctypes

import pytest

import devmapper
from devmapper import _lib


@pytest.mark.parametrize("bad", [None, 42, 1.5, ["x"], object()])
def test_a_device_name_of_the_wrong_type_is_a_TypeError(lib_info, bad):
    with pytest.raises(TypeError):
        devmapper.info(bad) if bad is not None else devmapper.create(bad)


def test_no_device_named_at_all_is_a_TypeError(lib_info):
    with pytest.raises(TypeError):
        devmapper.info()


def test_an_embedded_NUL_is_a_ValueError(lib_info):
    with pytest.raises(ValueError, match="NUL"):
        devmapper.info("abc\0def")
    with pytest.raises(ValueError, match="NUL"):
        devmapper.parse_status("thin", "1 2\0 3")


def test_an_over_long_name_is_a_ValueError(lib_info):
    with pytest.raises(ValueError, match="at most 127"):
        devmapper.info("x" * 128)
    with pytest.raises(ValueError, match="at most 128"):
        devmapper.info(uuid="u" * 129)


def test_an_empty_name_is_a_ValueError(lib_info):
    with pytest.raises(ValueError):
        devmapper.info("")


@pytest.mark.parametrize("table", [[(0, -1, "zero", "")], [(0, 1 << 64, "zero", "")], [("0", 8, "zero", "")],
                                   ["0 8"], [object()]])
def test_a_bad_table_is_refused_before_the_library_sees_it(lib_info, table):
    with pytest.raises((TypeError, ValueError)):
        devmapper.create("pybad", table, udev=False)


def test_an_unknown_status_target_is_a_KeyError(lib_info):
    with pytest.raises(KeyError):
        devmapper.parse_status("linear", "8:1 0")


@pytest.mark.parametrize("params", ["", " ", "-", "1/0 0", "18446744073709551616 1", "1 2 3 4 5 6 7 8 9 10 11 12",
                                    "99999999 254:1 " * 40, "a/b c/d", "%s%s%s%n", "\xff\xfe"])
@pytest.mark.parametrize("target", devmapper.PARSED_TARGETS)
def test_hostile_status_strings_are_a_DMError_or_a_parse(lib_info, target, params):
    try:
        devmapper.parse_status(target, params)
    except devmapper.DMError as e:
        assert e.errno > 0


def test_the_library_refuses_wrong_ctypes_arguments_without_calling_C(lib_info):
    lib = _lib.lib()
    with pytest.raises(ctypes.ArgumentError):
        lib.dm_task_set_name(None, 42)


def test_a_freed_tree_refuses_further_use(lib_info):
    tree = devmapper.Tree()
    tree.close()
    with pytest.raises(ValueError, match="freed"):
        tree.add_new_dev("pyfree", "PY-FREE")
    with pytest.raises(ValueError, match="freed"):
        tree.preload()


def test_tree_nodes_reject_bad_arguments(lib_info):
    with devmapper.Tree() as tree:
        node = tree.add_new_dev("pybadnode", "PY-BADNODE")
        with pytest.raises(TypeError):
            node.linear("8", "/dev/loop0")
        with pytest.raises(ValueError):
            node.linear(-8, "/dev/loop0")
        with pytest.raises(TypeError):
            node.linear(8, None)
        with pytest.raises(ValueError):
            node.thin(8, node, 1 << 24)
        with pytest.raises(ValueError):
            tree.add_new_dev("n" * 200, "PY-LONG")
