"""`mccredit._gc.paused_gc`: pauses the cyclic collector in the main thread only, restores it
however the block ends, and nested pauses end at the outermost."""

from __future__ import annotations

import gc
import threading

import pytest

from mccredit._gc import paused_gc
from mccredit.scenarios.costing import cost_scenarios
from mccredit.scenarios.roster import load_costing_roster


def test_the_main_thread_pauses_the_collector_and_gets_it_back() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_comes_back_when_the_block_raises() -> None:
    with pytest.raises(ValueError), paused_gc():
        assert not gc.isenabled()
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_nested_pause_ends_with_the_outermost() -> None:
    with paused_gc():
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block did not turn it back on
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off() -> None:
    gc.disable()
    try:
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_worker_thread_leaves_the_collector_running() -> None:
    """A server's worker thread (the API's scenario runs) must not pause it for the whole
    process."""
    seen: list[bool] = []

    def job() -> None:
        with paused_gc():
            seen.append(gc.isenabled())

    t = threading.Thread(target=job)
    t.start()
    t.join()
    assert seen == [True]
    assert gc.isenabled()


def test_the_costing_entry_points_pause_it() -> None:
    """Reading a costing roster and costing run under the pause (decorated), keeping their
    signatures and names."""
    for fn in (load_costing_roster, cost_scenarios):
        assert hasattr(fn, "__wrapped__"), fn
        assert fn.__name__ == fn.__wrapped__.__name__
