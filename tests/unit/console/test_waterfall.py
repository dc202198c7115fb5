"""The trace waterfall's time scale: positions, bars and round tick steps."""

from __future__ import annotations

import json

import pytest

from emulator.console.waterfall import TimeScale, nice_step, offset_label, waterfall


def test_times_map_linearly_onto_the_width_and_stay_inside_it() -> None:
    scale = TimeScale(100.0, 100.5, width=100.0)
    assert scale.x(100.0) == 0.0 and scale.x(100.5) == 100.0
    assert scale.x(100.25) == pytest.approx(50.0)
    assert scale.x(99.0) == 0.0 and scale.x(101.0) == 100.0


def test_bars_have_a_minimum_width_and_a_running_bar_reaches_the_end() -> None:
    scale = TimeScale(0.0, 1.0)
    left, width = scale.bar(0.2, 0.2)
    assert left == pytest.approx(20.0) and width > 0
    left, width = scale.bar(0.5, None)
    assert left == pytest.approx(50.0) and left + width == pytest.approx(100.0)
    left, width = scale.bar(1.0, 1.0)  # an instant at the very end stays inside
    assert left + width <= 100.0 + 1e-9


@pytest.mark.parametrize(("raw", "step"), [
    (0.00013, 0.0002), (0.001, 0.001), (0.0031, 0.005), (0.07, 0.1), (0.2, 0.2), (1.5, 2.0),
    (4.0, 5.0), (12.0, 20.0), (700.0, 1000.0)])
def test_steps_are_one_two_or_five_times_a_power_of_ten(raw: float, step: float) -> None:
    assert nice_step(raw) == pytest.approx(step)


def test_ticks_cover_the_span_at_round_offsets_labelled_in_a_readable_unit() -> None:
    ticks = TimeScale(10.0, 10.250).ticks(5)
    assert [t.label for t in ticks] == ["0 ms", "50 ms", "100 ms", "150 ms", "200 ms", "250 ms"]
    assert ticks[0].at == 0.0 and ticks[-1].at == pytest.approx(100.0)
    assert [t.label for t in TimeScale(0.0, 12.0).ticks(6)] == [
        "0 s", "2 s", "4 s", "6 s", "8 s", "10 s", "12 s"]
    assert offset_label(0.00025, 0.00005) == "0.25 ms"


def test_a_zero_length_trace_still_has_a_scale() -> None:
    scale = TimeScale(5.0, 5.0)
    assert scale.span == 0.001 and scale.ticks()[0].label == "0.0 ms"


def test_a_trace_becomes_rows_nested_by_depth_on_one_scale() -> None:
    start = 1_700_000_000.0
    segment = {"id": "a" * 16, "name": "api", "trace_id": "1-x-y", "start_time": start,
               "end_time": start + 0.2, "http": {"response": {"status": 502}}, "fault": True,
               "annotations": {"order": "42"},
               "subsegments": [{"id": "b" * 16, "name": "Lambda", "start_time": start + 0.05,
                                "end_time": start + 0.15, "namespace": "aws"}]}
    called = {"id": "c" * 16, "name": "checkout", "trace_id": "1-x-y", "parent_id": "b" * 16,
              "start_time": start + 0.06, "end_time": start + 0.14, "error": True}
    drawn = waterfall({"Id": "1-x-y", "Segments": [
        {"Id": "a" * 16, "Document": json.dumps(segment)},
        {"Id": "c" * 16, "Document": json.dumps(called)}]})
    assert [(r.name, r.depth) for r in drawn.rows] == [("api", 0), ("Lambda", 1),
                                                       ("checkout", 2)]
    api, lam, checkout = drawn.rows
    assert drawn.duration_ms == pytest.approx(200.0)
    assert (api.left, api.width) == (pytest.approx(0.0), pytest.approx(100.0))
    assert lam.left == pytest.approx(25.0, abs=1e-3) and lam.width == pytest.approx(50.0, abs=1e-3)
    assert checkout.offset_ms == pytest.approx(60.0, abs=1e-3)
    assert checkout.duration_ms == pytest.approx(80.0, abs=1e-3)
    assert api.http_status == 502 and api.flags == ["fault"] and checkout.flags == ["error"]
    assert api.annotations == {"order": "42"} and drawn.flags == ["error", "fault"]
