"""AWS X-Ray: segments in (PutTraceSegments, the daemon's UDP port, OTLP), traces, summaries
with filter expressions and service graphs out, sampling rules, groups and tags.

Traces are kept per account and region (see emulator.xray.collector), and written through
to the store when state persists; rules, groups and tags are records. The daemon (UDP
segments and the TCP API proxy) starts with the server (host.py) on ``xray_daemon_port``.
"""

from __future__ import annotations

from typing import Any

from emulator.config import DEFAULT_ACCOUNT
from emulator.services.xray.common import all_rules
from emulator.services.xray.groups import GroupsApi
from emulator.services.xray.port import SegmentsPort, TraceListing
from emulator.services.xray.rules import SamplingRulesApi
from emulator.services.xray.traces import TracesApi


class XrayProvider(TracesApi, GroupsApi, SamplingRulesApi):
    service_name = "xray"

    # -- life cycle ----------------------------------------------------------------------

    def port(self, name: str) -> object | None:
        if name == "segments":
            return SegmentsPort(self)
        return TraceListing(self.collector) if name == "traces" else None

    def reset(self) -> None:
        super().reset()
        self.collector.reset()
        self._samplers.clear()
        self._rules.clear()

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        found = []
        for account, region in self.store.scopes("rules"):
            for record in all_rules(self.store, account, region, self._now()):
                found.append({"account": account, "region": region,
                              "rule": record.rule["RuleName"]})
        return {"sampling_rules": found}

    def receive_datagram(self, document: bytes) -> None:
        """A segment document from the daemon's UDP port, for the daemon's account/region."""
        self.collector.put_documents(DEFAULT_ACCOUNT, self.settings.region, [document])


__all__ = ["XrayProvider"]
