"""Function and layer code on disk: uploaded zips by digest, unpacked once, checked first.

Zips are kept under the state folder when state persists (so functions survive a restart),
otherwise in a temporary folder removed at shutdown. A hot-reload "package" is a host folder,
used in place.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import threading
from pathlib import Path

from emulator import leftovers
from emulator.errors import ServiceError
from emulator.runtime import codezip
from emulator.services.lambda_.models import CodeRef

UNZIP_FAILED = "Could not unzip uploaded file. Please check your file, then try to upload again."


def too_large(operation: str) -> ServiceError:
    # AWS's limit on the request body: a 50 MB zip, base64-encoded in JSON.
    return ServiceError(
        "RequestEntityTooLargeException",
        f"Request must be smaller than 70167211 bytes for the {operation} operation",
        status=413,
        fields={"Type": "User"},
    )


def invalid(message: str) -> ServiceError:
    return ServiceError("InvalidParameterValueException", message, fields={"Type": "User"})


def _hex(ref: CodeRef) -> str:
    return base64.b64decode(ref.sha256).hex()


class CodeStore:
    def __init__(self, root: Path | None) -> None:
        self._temporary = root is None
        self.root = root if root is not None else leftovers.folder("lambda")
        self._lock = threading.Lock()
        self._folders: dict[str, Path] = {}  # digest -> folder unpacked (or found) here

    def put_zip(self, data: bytes, operation: str) -> CodeRef:
        """Store an uploaded zip after checking it; raises the API's errors."""
        if len(data) > codezip.ZIPPED_LIMIT:
            raise too_large(operation)
        try:
            unzipped = codezip.inspect(data)
        except codezip.ZipRejected as rejected:
            if rejected.unzipped_size is not None:
                raise invalid(
                    f"Unzipped size must be smaller than {codezip.UNZIPPED_LIMIT} bytes"
                ) from None
            raise invalid(UNZIP_FAILED) from None
        digest = hashlib.sha256(data).digest()
        ref = CodeRef(sha256=base64.b64encode(digest).decode(), size=len(data))
        path = self.zip_path(ref)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            staging = path.with_suffix(".part")
            staging.write_bytes(data)
            staging.replace(path)
        del unzipped
        return ref

    @staticmethod
    def hot_reload(folder: str) -> CodeRef:
        path = Path(folder)
        if not path.is_absolute() or not path.is_dir():
            raise invalid(
                f"Hot reload needs an absolute path to a folder on the emulator's host; "
                f"{folder!r} is not one."
            )
        digest = hashlib.sha256(str(path.resolve()).encode()).digest()
        return CodeRef(sha256=base64.b64encode(digest).decode(), size=0,
                       hot_reload_path=str(path.resolve()))

    def zip_path(self, ref: CodeRef) -> Path:
        return self.root / "zips" / f"{_hex(ref)}.zip"

    def unzipped_size(self, ref: CodeRef) -> int:
        if ref.hot_reload_path is not None:
            return 0
        return codezip.inspect(self.zip_path(ref).read_bytes(), verify=False)

    def folder(self, ref: CodeRef) -> Path:
        """The unpacked code (unpacked on first use) or the hot-reload folder."""
        if ref.hot_reload_path is not None:
            return Path(ref.hot_reload_path)
        # Every invocation asks; the disk is only checked the first time in this process.
        found = self._folders.get(ref.sha256)
        if found is not None:
            return found
        target = self.root / "unpacked" / _hex(ref)
        if not target.is_dir():
            with self._lock:
                if not target.is_dir():
                    codezip.extract(self.zip_path(ref).read_bytes(), target)
        self._folders[ref.sha256] = target
        return target

    def read_zip(self, ref: CodeRef) -> bytes | None:
        path = self.zip_path(ref)
        return path.read_bytes() if ref.hot_reload_path is None and path.exists() else None

    def close(self) -> None:
        if self._temporary:
            shutil.rmtree(self.root, ignore_errors=True)


__all__ = ["UNZIP_FAILED", "CodeStore", "invalid", "too_large"]
