"""The thumbnail pipeline end to end: an upload invokes the function through the bucket's
notification, and the thumbnail (or a rejection note) lands in the output bucket."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "functions"))

import pytest
from botocore.exceptions import ClientError
from deploy_thumbnails import Pipeline, deploy
from thumbnail import parse_pgm, shrink

from emulator.testing import EmulatorHandle


def pgm(width: int, height: int) -> bytes:
    """A gradient: each pixel's value is its column times two (mod 256)."""
    pixels = bytes((column * 2) % 256 for _row in range(height) for column in range(width))
    return b"P5\n# made by the test\n%d %d\n255\n" % (width, height) + pixels


@pytest.fixture
def pipeline(fresh_emulator: EmulatorHandle) -> Pipeline:
    return deploy(fresh_emulator.client)


def test_shrink_averages_blocks() -> None:
    width, height, pixels = parse_pgm(pgm(8, 4))
    assert shrink(width, height, pixels) == (2, 1, bytes([3, 11]))


def test_an_upload_becomes_a_thumbnail(pipeline: Pipeline,
                                       fresh_emulator: EmulatorHandle) -> None:
    s3 = fresh_emulator.client("s3")
    s3.put_object(Bucket=pipeline.uploads, Key="incoming/holiday photo.pgm", Body=pgm(64, 32))
    fresh_emulator.wait_idle()
    thumb = s3.get_object(Bucket=pipeline.thumbnails, Key="thumbnails/holiday photo.pgm")
    assert thumb["Metadata"] == {"source": "incoming/holiday photo.pgm", "width": "16",
                                 "height": "8"}
    assert thumb["ContentType"] == "image/x-portable-graymap"
    width, height, pixels = parse_pgm(thumb["Body"].read())
    assert (width, height) == (16, 8)
    assert pixels[:3] == bytes([3, 11, 19])  # the mean of columns 0-3, 4-7, 8-11 doubled


def test_only_matching_keys_are_processed_and_bad_files_are_rejected(
        pipeline: Pipeline, fresh_emulator: EmulatorHandle) -> None:
    s3 = fresh_emulator.client("s3")
    s3.put_object(Bucket=pipeline.uploads, Key="incoming/notes.txt", Body=b"not a picture")
    s3.put_object(Bucket=pipeline.uploads, Key="elsewhere/pic.pgm", Body=pgm(8, 8))
    s3.put_object(Bucket=pipeline.uploads, Key="incoming/broken.pgm", Body=b"P6\n1 1\n255\nx")
    fresh_emulator.wait_idle()
    listed = s3.list_objects_v2(Bucket=pipeline.thumbnails).get("Contents", [])
    assert [item["Key"] for item in listed] == ["rejected/broken.pgm.json"]
    note = json.loads(s3.get_object(Bucket=pipeline.thumbnails,
                                    Key="rejected/broken.pgm.json")["Body"].read())
    assert note == {"source": "incoming/broken.pgm", "reason": "not an 8-bit binary PGM image"}
    with pytest.raises(ClientError):
        s3.head_object(Bucket=pipeline.thumbnails, Key="thumbnails/pic.pgm")
