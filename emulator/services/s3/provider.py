"""Amazon S3: buckets and their settings, objects with versions, listings and multipart
uploads, bodies streamed to files. The ``objects`` port lets other services read objects
(Lambda's code from S3)."""

from __future__ import annotations

from typing import Any

from emulator.services.s3.access_logging import AccessLoggingApi
from emulator.services.s3.acls import ObjectAclsApi
from emulator.services.s3.buckets import BucketsApi
from emulator.services.s3.common import moment
from emulator.services.s3.lifecycle import LifecycleApi
from emulator.services.s3.listing import ListingApi
from emulator.services.s3.multipart import MultipartApi
from emulator.services.s3.notifications import NotificationsApi
from emulator.services.s3.object_lock import ObjectLockApi
from emulator.services.s3.port import ObjectsPort
from emulator.services.s3.restore import RestoreApi
from emulator.services.s3.website import WebsiteApi


class S3Provider(NotificationsApi, RestoreApi, LifecycleApi, MultipartApi, ObjectAclsApi,
                 ObjectLockApi, ListingApi, WebsiteApi, AccessLoggingApi, BucketsApi):
    service_name = "s3"

    def port(self, name: str) -> object | None:
        if name == "s3-browser":  # CORS preflights and POST forms (http.py)
            return self
        return ObjectsPort(self) if name == "objects" else None

    async def start(self) -> None:
        if self.store.persistent:
            self.blobs.sweep(self.stored_blobs())
        self.start_lifecycle()
        self.follow_restores()

    async def stop(self) -> None:
        self.stop_lifecycle()
        self.stop_restores()
        await super().stop()

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        buckets = []
        for record in sorted(self.buckets().values(), key=lambda record: record.name):
            buckets.append({
                "name": record.name, "account": record.account, "region": record.region,
                "created": moment(record.created).isoformat(),
                "objects": len(self.objects(record.name)),
                "versioning": record.versioning or "Disabled",
            })
        return {"buckets": buckets}


__all__ = ["S3Provider"]
