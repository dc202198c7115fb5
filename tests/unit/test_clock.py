import asyncio
import time

import pytest

from emulator.clock import Clock


def test_real_time_by_default() -> None:
    clock = Clock()
    assert abs(clock.now() - time.time()) < 0.5
    assert clock.offset == 0


def test_advance_moves_forward_and_keeps_flowing() -> None:
    clock = Clock()
    before = clock.now()
    clock.advance(3600)
    assert clock.now() - before >= 3600
    assert clock.now_datetime().timestamp() == pytest.approx(clock.now(), abs=0.1)


def test_advance_rejects_negative() -> None:
    with pytest.raises(ValueError):
        Clock().advance(-1)


def test_set_and_reset() -> None:
    clock = Clock()
    clock.set(0)
    assert clock.now() < 5
    clock.reset()
    assert abs(clock.now() - time.time()) < 0.5


def test_advance_wakes_a_sleeper_long_before_its_real_deadline() -> None:
    clock = Clock()

    async def scenario() -> float:
        started = time.monotonic()
        sleeper = asyncio.create_task(clock.sleep(600))
        await asyncio.sleep(0.05)
        assert not sleeper.done()
        clock.advance(600)
        await asyncio.wait_for(sleeper, timeout=2)
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 2


def test_sleep_until_returns_true_when_woken_by_event() -> None:
    clock = Clock()

    async def scenario() -> bool:
        wake = asyncio.Event()
        asyncio.get_running_loop().call_later(0.02, wake.set)
        return await clock.sleep_until(clock.now() + 60, wake)

    assert asyncio.run(scenario()) is True


def test_sleep_until_past_deadline_returns_false_at_once() -> None:
    clock = Clock()
    assert asyncio.run(clock.sleep_until(clock.now() - 1)) is False


def test_advance_from_another_thread_wakes_the_loop() -> None:
    import threading

    clock = Clock()

    async def scenario() -> None:
        timer = threading.Timer(0.05, clock.advance, args=(120,))
        timer.start()
        await asyncio.wait_for(clock.sleep(120), timeout=2)

    asyncio.run(scenario())


def test_a_frozen_clock_stands_still_until_moved() -> None:
    clock = Clock()
    held = clock.freeze()
    assert clock.frozen
    time.sleep(0.02)
    assert clock.now() == held
    assert clock.advance(60) == held + 60
    assert clock.now() == held + 60
    assert clock.set(1_000) == 1_000  # still frozen, at the new time
    time.sleep(0.02)
    assert clock.now() == 1_000
    assert clock.freeze() == 1_000  # freezing twice keeps the held time


def test_unfreeze_flows_on_from_the_held_time_and_reset_goes_back_to_real_time() -> None:
    clock = Clock()
    clock.freeze()
    clock.set(1_000)
    clock.unfreeze()
    assert not clock.frozen
    time.sleep(0.02)
    assert 1_000 < clock.now() < 1_005
    clock.freeze()
    clock.reset()
    assert not clock.frozen
    assert abs(clock.now() - time.time()) < 0.5


def test_a_sleeper_on_a_frozen_clock_wakes_only_when_time_is_moved() -> None:
    clock = Clock()

    async def scenario() -> None:
        clock.freeze()
        sleeper = asyncio.create_task(clock.sleep(0.01))
        await asyncio.sleep(0.1)  # ten times its wait in real time
        assert not sleeper.done()
        clock.advance(0.01)
        await asyncio.wait_for(sleeper, timeout=2)

    asyncio.run(scenario())


def test_unfreezing_lets_a_sleeper_reach_its_deadline_in_real_time() -> None:
    clock = Clock()

    async def scenario() -> None:
        clock.freeze()
        sleeper = asyncio.create_task(clock.sleep(0.05))
        await asyncio.sleep(0.1)
        assert not sleeper.done()
        clock.unfreeze()
        await asyncio.wait_for(sleeper, timeout=2)

    asyncio.run(scenario())


def test_at_most_bounds_a_sleep_in_real_time_even_on_a_frozen_clock() -> None:
    clock = Clock()

    async def scenario() -> tuple[bool, float]:
        clock.freeze()
        started = time.monotonic()
        woken = await clock.sleep_until(clock.now() + 600, at_most=0.05)
        return woken, time.monotonic() - started

    woken, took = asyncio.run(scenario())
    assert woken is False
    assert 0.04 < took < 2


def test_a_rewound_sleeper_ends_when_the_clock_is_set_back_and_others_keep_sleeping() -> None:
    clock = Clock()

    async def scenario() -> None:
        clock.set(2_000_000_000)
        periodic = asyncio.create_task(clock.sleep_until(2_000_086_400, rewound=True))
        absolute = asyncio.create_task(clock.sleep_until(2_000_086_400))
        await asyncio.sleep(0.05)
        clock.set(1_900_000_000)
        assert await asyncio.wait_for(periodic, timeout=5) is False
        await asyncio.sleep(0.05)
        assert not absolute.done()  # a deadline in time stays one
        absolute.cancel()

    asyncio.run(scenario())
