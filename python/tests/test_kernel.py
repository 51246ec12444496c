"""Device operations against the real kernel (VM suite, as root)."""

import errno
import os
import subprocess
import tempfile
import threading
import time

import pytest

import devmapper as dm
from devmapper import DevNo, Target

pytestmark = pytest.mark.kernel

P = "pytest-"  # device names
U = "PYTEST-"  # uuids


def _ours_devices():
    return [d for d in dm.list_devices() if d.name.startswith(P)]


def _remove_all():
    for _ in range(6):
        left = _ours_devices()
        if not left:
            return
        for d in left:
            try:
                if dm.info(d.name).suspended:
                    dm.resume(d.name)
                dm.remove(d.name)
            except dm.DMError:
                pass  # a user still holds it; next round
    assert not _ours_devices(), "devices left behind"


@pytest.fixture(autouse=True)
def clean():
    _remove_all()
    yield
    _remove_all()


@pytest.fixture
def loops():
    tmp = tempfile.mkdtemp()
    devs = []
    try:
        for i in range(2):
            path = os.path.join(tmp, f"disk{i}")
            with open(path, "wb") as f:
                f.truncate(64 << 20)
            devs.append(subprocess.check_output(["losetup", "-f", "--show", path], text=True).strip())
        yield devs
    finally:
        _remove_all()
        for d in devs:
            subprocess.call(["losetup", "-d", d])
        subprocess.call(["rm", "-rf", tmp])


def devno(path):
    st = os.stat(path)
    return DevNo(os.major(st.st_rdev), os.minor(st.st_rdev))


@pytest.fixture
def parsers():
    try:
        dm.parse_status("thin", "0 -")
        return True
    except dm.DMError:
        return False


def test_driver_and_target_versions_come_from_the_kernel():
    assert dm.driver_version().startswith("4.")
    names = [name for name, _ in dm.target_versions()]
    assert "linear" in names and "zero" in names


def test_create_with_a_table_gives_a_live_device_with_that_table_and_status():
    i = dm.create(P + "zero", [Target(0, 2048, "zero")], uuid=U + "zero")
    assert (i.name, i.uuid, i.exists, i.live_table, i.suspended, i.target_count) == (
        P + "zero", U + "zero", True, True, False, 1)
    assert i.dev.major > 0
    assert dm.table(P + "zero") == [Target(0, 2048, "zero", "")]
    assert dm.status(P + "zero") == [dm.TargetStatus(0, 2048, "zero", "", None)]
    assert dm.info(uuid=U + "zero") == i
    assert dm.info(dev=i.dev).name == P + "zero"


def test_list_devices_gives_name_dev_uuid_and_event_number():
    i = dm.create(P + "listed", "0 8 zero", uuid=U + "listed")
    entries = [d for d in dm.list_devices() if d.name == P + "listed"]
    assert entries == [dm.DeviceEntry(P + "listed", i.dev, U + "listed", i.event_nr)]


def test_deps_name_the_devices_below(loops):
    dm.create(P + "lin", [(0, 4096, "linear", f"{loops[0]} 0"), (4096, 4096, "linear", f"{loops[1]} 8")])
    assert sorted(dm.deps(P + "lin"), key=str) == sorted([devno(loops[0]), devno(loops[1])], key=str)
    a, b = devno(loops[0]), devno(loops[1])
    assert dm.table(P + "lin") == [Target(0, 4096, "linear", f"{a} 0"), Target(4096, 4096, "linear", f"{b} 8")]


def test_create_without_table_then_load_and_resume():
    i = dm.create(P + "empty", uuid=U + "empty")
    assert not i.live_table and i.target_count == 0
    dm.load_table(P + "empty", [Target(0, 16, "error")])
    i = dm.info(P + "empty")
    assert i.inactive_table and not i.live_table
    assert dm.table(P + "empty", inactive=True) == [Target(0, 16, "error")]
    dm.resume(P + "empty")
    assert dm.info(P + "empty").live_table
    assert dm.table(P + "empty") == [Target(0, 16, "error")]


def test_read_only_create():
    assert dm.create(P + "ro", "0 8 zero", read_only=True).read_only


def test_clear_drops_the_inactive_table():
    dm.create(P + "clr", "0 8 zero")
    dm.load_table(P + "clr", "0 16 zero")
    dm.clear(P + "clr")
    assert not dm.info(P + "clr").inactive_table


def test_suspend_and_resume_with_flags():
    dm.create(P + "susp", "0 8 zero")
    dm.suspend(P + "susp", noflush=True, nolockfs=True)
    assert dm.info(P + "susp").suspended
    dm.resume(P + "susp", noflush=True)
    assert not dm.info(P + "susp").suspended


def test_tree_suspends_are_counted_by_the_suspended_counter(loops):
    with dm.Tree() as tree:
        a = tree.add_new_dev(P + "c-a", U + "C-A").linear(8192, loops[0])
        tree.add_new_dev(P + "c-top", U + "C-TOP").linear(8192, a)
        tree.activate(U + "C-")
    before = dm.suspended_counter()
    with dm.Tree() as tree:
        tree.add_dev(P + "c-top")
        with tree.suspended(U + "C-"):
            during = dm.suspended_counter()
    assert (during, dm.suspended_counter()) == (before + 2, before)


def test_a_task_level_suspend_is_not_counted_as_in_the_C_library():
    dm.create(P + "cnt", "0 8 zero")
    before = dm.suspended_counter()
    with dm.suspended(P + "cnt"):
        during = dm.suspended_counter()
    assert during == before


def test_a_failed_suspended_block_leaves_the_device_running():
    dm.create(P + "ctx", "0 8 zero")
    with pytest.raises(RuntimeError):
        with dm.suspended(P + "ctx"):
            assert dm.info(P + "ctx").suspended
            raise RuntimeError("boom")
    assert not dm.info(P + "ctx").suspended


def test_rename_and_set_uuid():
    dm.create(P + "old", "0 8 zero")
    dm.rename(P + "old", P + "new")
    assert not dm.exists(P + "old") and dm.exists(P + "new")
    dm.rename(P + "new", new_uuid=U + "set")
    assert dm.info(P + "new").uuid == U + "set"
    with pytest.raises(TypeError):
        dm.rename(P + "new", P + "x", new_uuid=U + "y")


def test_remove_and_removing_a_missing_device():
    dm.create(P + "gone", "0 8 zero")
    dm.remove(P + "gone", retry=True)
    assert not dm.exists(P + "gone")
    with pytest.raises(dm.DMError) as caught:
        dm.remove(P + "gone")
    assert caught.value.errno == errno.ENXIO


def test_info_of_a_missing_device_is_DeviceNotFound():
    with pytest.raises(dm.DeviceNotFound) as caught:
        dm.info(P + "missing")
    assert caught.value.errno == errno.ENXIO


def test_a_kernel_refusal_carries_errno_and_message():
    with pytest.raises(dm.DMError) as caught:
        dm.create(P + "bad", "0 8 no-such-target-type")
    assert caught.value.errno > 0
    assert caught.value.messages
    assert not dm.exists(P + "bad")


def test_an_unknown_message_is_EINVAL():
    dm.create(P + "msg", "0 8 zero")
    with pytest.raises(dm.DMError) as caught:
        dm.message(P + "msg", "hello")
    assert caught.value.errno == errno.EINVAL


def test_wait_event_returns_when_the_event_counter_moves():
    i = dm.create(P + "wait", "0 8 zero", uuid=U + "wait")
    result = {}

    def waiter():
        result["info"] = dm.wait_event(uuid=U + "wait", event_nr=i.event_nr)

    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(0.5)
    assert t.is_alive(), "wait_event returned before any event"
    dm.rename(P + "wait", P + "waited")  # a rename raises an event
    t.join(20)
    assert not t.is_alive()
    assert result["info"].event_nr > i.event_nr


def test_thin_pool_by_tables_messages_and_parsed_status(loops, parsers):
    meta, data = loops
    dm.create(P + "pool", f"0 131072 thin-pool {meta} {data} 128 0", uuid=U + "pool")
    assert dm.message(P + "pool", "create_thin 0") is None
    dm.create(P + "thin", "0 65536 thin /dev/mapper/" + P + "pool 0" if os.path.exists("/dev/mapper/" + P + "pool")
              else f"0 65536 thin {dm.info(P + 'pool').dev} 0")
    lines = dm.status(P + "pool", parse=parsers)
    assert [x.target_type for x in lines] == ["thin-pool"]
    if parsers:
        st = lines[0].parsed
        assert isinstance(st, dm.ThinPoolStatus)
        assert (st.transaction_id, st.total_data_blocks, st.read_only, st.fail) == (0, 1024, False, False)
        thin = dm.status(P + "thin")[0].parsed
        assert thin == dm.ThinStatus(0, 0, False) or isinstance(thin, dm.ThinStatus)
    dm.remove(P + "thin")
    dm.message(P + "pool", "delete 0")


def test_tree_builds_a_stack_prints_it_and_deactivates_it(loops):
    with dm.Tree() as tree:
        a = tree.add_new_dev(P + "t-a", U + "T-A").linear(8192, loops[0])
        b = tree.add_new_dev(P + "t-b", U + "T-B").linear(8192, loops[1], 8)
        top = tree.add_new_dev(P + "t-top", U + "T-TOP").striped(16384, 128, [(a, 0), (b, 0)])
        tree.add_new_dev(P + "t-z", U + "T-Z").zero(64).error(64)
        tree.activate(U + "T-")
        ia, ib = dm.info(P + "t-a"), dm.info(P + "t-b")
        assert dm.table(P + "t-top") == [Target(0, 16384, "striped", f"2 128 {ia.dev} 0 {ib.dev} 0")]
        assert dm.table(P + "t-z") == [Target(0, 64, "zero"), Target(64, 64, "error")]
        assert top.uuid == U + "T-TOP"
    with dm.Tree() as tree:
        tree.add_dev(P + "t-top")
        tree.add_dev(P + "t-z")
        text = tree.format()
        assert f"{P}t-top ({dm.info(P + 't-top').dev})" in text.splitlines()
        assert any(line.lstrip(" |").startswith(f"|-{P}t-a") or f"-{P}t-a (" in line for line in text.splitlines())
        top = tree.find(U + "T-TOP")
        assert sorted(n.name for n in top.children()) == [P + "t-a", P + "t-b"]
        tree.deactivate(U + "T-")
    assert not _ours_devices()


def test_a_failed_tree_suspended_block_leaves_nothing_suspended(loops):
    with dm.Tree() as tree:
        a = tree.add_new_dev(P + "s-a", U + "S-A").linear(8192, loops[0])
        tree.add_new_dev(P + "s-top", U + "S-TOP").linear(8192, a)
        tree.activate(U + "S-")
    with pytest.raises(RuntimeError):
        with dm.Tree() as tree:
            tree.add_dev(P + "s-top")
            with tree.suspended(U + "S-"):
                assert dm.info(P + "s-top").suspended and dm.info(P + "s-a").suspended
                raise RuntimeError("boom")
    assert not dm.info(P + "s-top").suspended and not dm.info(P + "s-a").suspended
    # and a bare suspend is undone when the tree's with block fails
    with pytest.raises(RuntimeError):
        with dm.Tree() as tree:
            tree.add_dev(P + "s-top")
            tree.suspend(U + "S-")
            raise RuntimeError("boom")
    assert not dm.info(P + "s-top").suspended and not dm.info(P + "s-a").suspended


def test_a_failed_tree_activation_removes_what_it_created(loops):
    with dm.Tree() as tree:
        a = tree.add_new_dev(P + "f-a", U + "F-A").linear(8192, loops[0])
        # the kernel refuses this table (beyond the end of the loop device)
        tree.add_new_dev(P + "f-top", U + "F-TOP").linear(8192, a).linear(8192, loops[1], 1 << 30)
        with pytest.raises(dm.DMError):
            tree.activate(U + "F-")
    assert not _ours_devices()


def test_tree_snapshot_of_an_origin(loops):
    with dm.Tree() as tree:
        real = tree.add_new_dev(P + "o-real", U + "O-REAL").linear(8192, loops[0])
        cow = tree.add_new_dev(P + "o-cow", U + "O-COW").linear(8192, loops[1])
        tree.add_new_dev(P + "o-origin", U + "O-ORIGIN").snapshot_origin(8192, real)
        tree.add_new_dev(P + "o-snap", U + "O-SNAP").snapshot(8192, real, cow, chunk_size=16)
        tree.activate(U + "O-")
    r, c = dm.info(P + "o-real").dev, dm.info(P + "o-cow").dev
    assert dm.table(P + "o-snap") == [Target(0, 8192, "snapshot", f"{r} {c} P 16")]
    assert dm.table(P + "o-origin") == [Target(0, 8192, "snapshot-origin", f"{r}")]


def test_tree_mirror_with_a_core_log(loops):
    with dm.Tree() as tree:
        legs = [tree.add_new_dev(P + f"m-{i}", U + f"M-{i}").linear(8192, loops[i]) for i in range(2)]
        tree.add_new_dev(P + "m-mirror", U + "M-MIRROR").mirror(8192, legs, region_size=1024, flags=0x1)
        tree.activate(U + "M-")
    line = dm.table(P + "m-mirror")[0]
    assert line.target_type == "mirror"
    assert line.params.startswith("core 2 1024 nosync 2 ")


def test_a_tree_activating_a_new_thin_pool_sends_its_messages(loops):
    meta, data = loops
    with dm.Tree() as tree:
        m = tree.add_new_dev(P + "p-meta", U + "P-META").linear(8192, meta)
        d = tree.add_new_dev(P + "p-data", U + "P-DATA").linear(131072, data)
        tree.add_new_dev(P + "p-pool", U + "P-POOL").thin_pool(131072, m, d, transaction_id=1,
                                                             messages=[dm.create_thin(1)])
        tree.activate(U + "P-")
    pool = dm.info(P + "p-pool").dev
    # thin volume 1 exists in the pool only if the message was sent
    dm.create(P + "p-thin", f"0 8192 thin {pool} 1")
    assert dm.info(P + "p-thin").live_table
