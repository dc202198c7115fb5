"""AWS Systems Manager Parameter Store: String, StringList and SecureString parameters with
their versions, labels, tags, hierarchies and filters, and an (empty) document list. Other
Systems Manager APIs answer NotImplemented.

Each parameter is one record holding its versions (at most 100); SecureString values are
stored encrypted (secure.py) and returned decrypted only WithDecryption.
"""

from __future__ import annotations

from typing import Any

from emulator.services.ssm.documents import DocumentsApi
from emulator.services.ssm.labels import LabelsApi
from emulator.services.ssm.parameters import ParametersApi
from emulator.services.ssm.queries import QueriesApi
from emulator.services.ssm.tags import TagsApi


class SsmProvider(ParametersApi, QueriesApi, LabelsApi, TagsApi, DocumentsApi):
    service_name = "ssm"

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        """Parameters by name, type and version (never their values)."""
        return {"parameters": [{"name": record.name, "type": record.latest.type,
                                "version": record.latest.version, "account": account,
                                "region": region}
                               for account, region, record in self.parameters.everywhere()]}


__all__ = ["SsmProvider"]
