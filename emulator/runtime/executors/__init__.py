"""Executors: where handler code runs (``inprocess`` threads or ``process`` workers)."""
