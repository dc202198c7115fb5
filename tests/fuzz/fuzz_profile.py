"""How hard the fuzz suite pushes.

- fast, in the normal suite: one broken request to each of five operations of every service,
  two raw-body cases per service and protocol, and the API Gateway data plane; every operation
  at one request each is marked slow (``pytest -m slow tests/fuzz``, a CI profile of its own);
- long, by hand: ``FUZZ_PROFILE=long python -m pytest tests/fuzz`` (every operation, many
  examples each, 1 MB values everywhere).

``FUZZ_REPORT=path`` writes the counts by status class per service there as JSON.
"""

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


# The fast profile runs in the normal suite: one broken request per operation (seconds).
FAST = Profile("fast", examples_per_operation=1, raw_bodies_per_operation=1,
               gateway_examples=25, huge_values=False,
               seeds_per_operation=1)
# About 13,000 member requests, 3,000 raw bodies and 600 data-plane requests in all.
LONG = Profile("long", examples_per_operation=20, raw_bodies_per_operation=6,
               gateway_examples=200, huge_values=True,
               seeds_per_operation=3)

PROFILE = LONG if os.environ.get("FUZZ_PROFILE", "fast") == "long" else FAST
