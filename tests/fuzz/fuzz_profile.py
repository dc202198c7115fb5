"""How hard the fuzz suite pushes: the fast profile runs in the normal suite, the long one by
hand (``FUZZ_PROFILE=long python -m pytest tests/fuzz``), and ``FUZZ_REPORT=path`` writes the
counts by status class per service there as JSON."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    examples_per_operation: int  # botocore-serialised requests with mutated members
    raw_bodies_per_operation: int  # malformed bodies per protocol case
    gateway_examples: int  # malformed requests per data-plane route
    huge_values: bool  # 1 MB strings in every operation, not only a sample
    seeds_per_operation: int  # valid requests to each creating operation, for names to aim at


FAST = Profile("fast", examples_per_operation=3, raw_bodies_per_operation=1,
               gateway_examples=25, huge_values=False,
               seeds_per_operation=2)
LONG = Profile("long", examples_per_operation=60, raw_bodies_per_operation=12,
               gateway_examples=600, huge_values=True,
               seeds_per_operation=10)

PROFILE = LONG if os.environ.get("FUZZ_PROFILE", "fast") == "long" else FAST
