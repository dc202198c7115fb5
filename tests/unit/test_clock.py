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
