"""The pvmove helpers through Python: refusals without a kernel, and on the
C library a clear NotImplementedError (the helpers are devmapper's own)."""

import os

import pytest

import devmapper as dm


def ours() -> bool:
    return dm.library_info().is_devmapper


@pytest.mark.skipif("not ours()")
def test_a_bad_state_is_an_exception_with_the_library_message():
    with pytest.raises(dm.DMError) as e:
        dm.PvMove.restart("dmpvmove-state 9\n")
    assert "version 9 is not understood" in str(e.value)


@pytest.mark.skipif("not ours()")
def test_wrong_argument_types_are_python_exceptions():
    with pytest.raises(TypeError):
        dm.PvMove.start("vol1", (7, 0), (7, 1))
    with pytest.raises(ValueError):
        dm.PvMove.start(["a\0b"], (7, 0), (7, 1))
    with pytest.raises(TypeError):
        dm.PvMove.restart(None)  # type: ignore[arg-type]


@pytest.mark.skipif("not ours()")
def test_a_loaded_state_reads_back_as_text():
    state = (
        "dmpvmove-state 1\nmode atomic\nclean 1\nsynced 0\nregion-size 512\nsource 7:0\ndest 7:1\n"
        "pvmove dmpvmove-7_0 DMPVMOVE-7_0\nvolume v U-v\nline 0 8 linear 7:0 0\nsegment 0 0 8 0 0 running\n"
    )
    with dm.PvMove.load(state) as mv:
        assert mv.state == state


@pytest.mark.skipif("ours()")
def test_the_c_library_has_no_pvmove_helpers():
    with pytest.raises(NotImplementedError):
        dm.PvMove.restart("x")


@pytest.mark.skipif("os.environ.get('DEVMAPPER_KERNEL_TESTS') == '1'")
def test_starting_without_a_kernel_fails_with_the_reason():
    if not ours():
        pytest.skip("devmapper's extension")
    with pytest.raises(dm.DMError):
        dm.PvMove.start(["nosuch"], (7, 0), (7, 1))
