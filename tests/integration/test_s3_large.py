"""Large transfers (the slow profile: ``pytest -m slow``, which CI runs): a 100 MB file through
boto3's transfer manager (concurrent multipart upload, ranged concurrent download), and a 1 GB
upload and download that keep the emulator's memory within 50 MB of where it started."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import psutil
import pytest
from boto3.s3.transfer import TransferConfig
from emulator_process import EmulatorProcess

from emulator.testing import EmulatorHandle

pytestmark = pytest.mark.slow
MB = 1024 * 1024


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(4 * MB):
            digest.update(chunk)
    return digest.hexdigest()


def test_upload_file_and_download_file_of_100_mb(fresh_emulator: EmulatorHandle,
                                                 tmp_path: Path) -> None:
    s3 = fresh_emulator.client("s3")
    s3.create_bucket(Bucket="transfers")
    source = tmp_path / "source.bin"
    with source.open("wb") as handle:
        for _ in range(100):
            handle.write(os.urandom(MB))
    config = TransferConfig(multipart_threshold=8 * MB, multipart_chunksize=8 * MB,
                            max_concurrency=8)
    s3.upload_file(str(source), "transfers", "big.bin", Config=config)
    head = s3.head_object(Bucket="transfers", Key="big.bin")
    assert head["ContentLength"] == 100 * MB
    assert head["ETag"].endswith('-13"')  # 12 parts of 8 MB and one of 4 MB
    target = tmp_path / "target.bin"
    s3.download_file("transfers", "big.bin", str(target), Config=config)
    assert _sha256(target) == _sha256(source)


class _Peak:
    """The highest resident memory of a process, sampled while a transfer runs."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.02)

    def __enter__(self) -> _Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _gigabyte() -> Iterator[bytes]:
    block = os.urandom(MB)
    for index in range(1024):
        yield block[index % 7:] + block[:index % 7]


def test_a_gigabyte_streams_through_without_growing_memory(tmp_path: Path) -> None:
    with EmulatorProcess() as emulator:
        emulator.wait_healthy()
        s3 = boto3.client("s3", endpoint_url=emulator.url, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
        s3.create_bucket(Bucket="huge")
        s3.put_object(Bucket="huge", Key="warm-up", Body=b"x")  # load what a request loads
        s3.get_object(Bucket="huge", Key="warm-up")["Body"].read()
        baseline = psutil.Process(emulator.proc.pid).memory_info().rss
        put_url = s3.generate_presigned_url("put_object", Params={"Bucket": "huge",
                                                                  "Key": "gigabyte"})
        sent = hashlib.md5()

        def body() -> Iterator[bytes]:
            for chunk in _gigabyte():
                sent.update(chunk)
                yield chunk

        with _Peak(emulator.proc.pid) as during_upload:
            answer = httpx.put(put_url, content=body(), timeout=600,
                               headers={"Content-Length": str(1024 * MB)})
        assert answer.status_code == 200, answer.text
        assert answer.headers["etag"] == f'"{sent.hexdigest()}"'
        get_url = s3.generate_presigned_url("get_object", Params={"Bucket": "huge",
                                                                  "Key": "gigabyte"})
        received = hashlib.md5()
        size = 0
        with _Peak(emulator.proc.pid) as during_download, httpx.stream(
                "GET", get_url, timeout=600) as reply:
            for chunk in reply.iter_bytes(MB):
                received.update(chunk)
                size += len(chunk)
        assert size == 1024 * MB and received.hexdigest() == sent.hexdigest()
        growth = max(during_upload.peak, during_download.peak) - baseline
        assert growth < 50 * MB, f"RSS grew by {growth / MB:.1f} MB"
