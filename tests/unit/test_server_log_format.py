"""The server's log lines: the formatter that formats each second's date and time once writes
exactly what the standard formatter writes."""

from __future__ import annotations

import logging

from emulator.server import LOG_FORMAT, SecondCachedFormatter


def test_lines_match_the_standard_formatter() -> None:
    cached, standard = SecondCachedFormatter(LOG_FORMAT), logging.Formatter(LOG_FORMAT)
    for created in (1_800_000_000.001, 1_800_000_000.999, 1_800_000_001.0, 1_800_000_001.5,
                    1_799_999_999.25, 1_800_003_600.042):
        record = logging.LogRecord("emulator.lambda", logging.INFO, __file__, 1,
                                   "[%s] %s", ("fn", "START"), None)
        record.created, record.msecs = created, int((created - int(created)) * 1000) + 0.0
        assert cached.format(record) == standard.format(record)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    assert cached.formatTime(record, "%H") == standard.formatTime(record, "%H")
