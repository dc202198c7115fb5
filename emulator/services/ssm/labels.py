"""Labels on parameter versions: LabelParameterVersion and UnlabelParameterVersion.

A label names one version of a parameter at a time (attaching it elsewhere moves it); a
version holds at most ten; a label that breaks the naming rules is reported, not attached.
https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-labels.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.ssm import names
from emulator.services.ssm.common import SsmBase

MAX_LABELS = 10


class LabelsApi(SsmBase):
    def label_parameter_version(self, ctx: RequestContext, *, name: str, labels: list[str],
                                parameter_version: int | None = None, **_: Any
                                ) -> dict[str, Any]:
        record = self.parameter(ctx, name)
        version = self.version_of(record, parameter_version)
        valid = [label for label in dict.fromkeys(labels) if names.valid_label(label)]
        added = [label for label in valid if label not in version.labels]
        if len(version.labels) + len(added) > MAX_LABELS:
            raise ServiceError(
                "ParameterVersionLabelLimitExceeded",
                f"A parameter version can have maximum {MAX_LABELS} labels. Move one or more "
                "labels to another version and try again.")
        for other in record.versions:
            if other is not version:
                other.labels = [label for label in other.labels if label not in added]
        version.labels.extend(added)
        self.parameters(ctx).put(record.name, record)
        return {"InvalidLabels": [label for label in labels if label not in valid],
                "ParameterVersion": version.version}

    def unlabel_parameter_version(self, ctx: RequestContext, *, name: str,
                                  parameter_version: int, labels: list[str], **_: Any
                                  ) -> dict[str, Any]:
        record = self.parameter(ctx, name)
        version = self.version_of(record, parameter_version)
        removed = [label for label in dict.fromkeys(labels) if label in version.labels]
        version.labels = [label for label in version.labels if label not in removed]
        self.parameters(ctx).put(record.name, record)
        return {"RemovedLabels": removed,
                "InvalidLabels": [label for label in labels if label not in removed]}


__all__ = ["MAX_LABELS", "LabelsApi"]
