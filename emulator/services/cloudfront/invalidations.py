"""Invalidations: CreateInvalidation (which empties the matching cache entries at once),
GetInvalidation and ListInvalidations; a batch is InProgress until the clock passes its
deployment, then Completed.

https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateInvalidation.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_InvalidationBatch.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.cloudfront import names
from emulator.services.cloudfront.common import (
    CloudFrontBase,
    items_of,
    marker_listing,
    moment,
    quantity_list,
)
from emulator.services.cloudfront.distribution_config import check_quantities
from emulator.services.cloudfront.models import InvalidationRecord

MAX_PATHS = 3000


class InvalidationsApi(CloudFrontBase):
    def _invalidation_shape(self, record: InvalidationRecord) -> dict[str, Any]:
        return {"Id": record.id, "Status": self.invalidation_status(record),
                "CreateTime": moment(record.created),
                "InvalidationBatch": {"Paths": quantity_list(record.paths),
                                      "CallerReference": record.caller_reference}}

    def create_invalidation(self, ctx: RequestContext, *, distribution_id: str,
                            invalidation_batch: dict[str, Any], **_: Any) -> dict[str, Any]:
        self.distribution(ctx, distribution_id)
        check_quantities(invalidation_batch, "InvalidationBatch")
        paths = items_of(invalidation_batch, "Paths")
        reference = invalidation_batch.get("CallerReference", "")
        if not paths or len(paths) > MAX_PATHS or any(
                not path.startswith("/") or "*" in path[:-1] for path in paths):
            raise ServiceError("InvalidArgument",
                               "Your request contains one or more invalid invalidation "
                               "paths.")
        table = self.invalidations(ctx)
        for record in table.values():
            if record.distribution_id == distribution_id and \
                    record.caller_reference == reference:
                if record.paths != paths:
                    raise ServiceError(
                        "InvalidationBatchAlreadyExists",
                        "The CallerReference you attempted to create the invalidation with "
                        "is associated with another invalidation.")
                return self._answer(record)
        record = InvalidationRecord(id=names.invalidation_id(),
                                    distribution_id=distribution_id, paths=paths,
                                    caller_reference=reference, created=self.clock.now())
        table.put(f"{distribution_id}/{record.id}", record)
        self.edge.invalidate(distribution_id, paths)
        return self._answer(record)

    def _answer(self, record: InvalidationRecord) -> dict[str, Any]:
        return {"Location": "https://cloudfront.amazonaws.com/2020-05-31/distribution/"
                            f"{record.distribution_id}/invalidation/{record.id}",
                "Invalidation": self._invalidation_shape(record)}

    def get_invalidation(self, ctx: RequestContext, *, distribution_id: str, id: str,
                         **_: Any) -> dict[str, Any]:
        self.distribution(ctx, distribution_id)
        record = self.found(self.invalidations(ctx).get(f"{distribution_id}/{id}"),
                            ServiceError("NoSuchInvalidation",
                                         "The specified invalidation does not exist."))
        return {"Invalidation": self._invalidation_shape(record)}

    def list_invalidations(self, ctx: RequestContext, *, distribution_id: str,
                           marker: str | None = None, max_items: str | None = None,
                           **_: Any) -> dict[str, Any]:
        self.distribution(ctx, distribution_id)
        records = sorted((r for r in self.invalidations(ctx).values()
                          if r.distribution_id == distribution_id),
                         key=lambda r: (-r.created, r.id))
        return {"InvalidationList": marker_listing(
            records, marker, max_items, lambda r: r.id,
            lambda r: {"Id": r.id, "CreateTime": moment(r.created),
                       "Status": self.invalidation_status(r)})}


__all__ = ["InvalidationsApi"]
