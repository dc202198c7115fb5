"""Benchmarks: ``python -m bench`` measures the emulator against floors in the same run.

Kept free of imports so ``python -m bench.bare_app`` starts as lightly as a bare app can.
"""
