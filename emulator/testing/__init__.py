"""Helpers for testing against the emulator: the pytest plugin and its handle."""

from emulator.testing.handle import EmulatorHandle, VirtualClock

__all__ = ["EmulatorHandle", "VirtualClock"]
