"""Make a thumbnail of each uploaded picture: a binary PGM (greyscale) image shrunk by a factor
of four, each thumbnail pixel the mean of the 4x4 block it stands for.

S3 invokes this function for every new object under ``incoming/`` ending in ``.pgm``; the
thumbnail goes to the output bucket under ``thumbnails/``, and a file that is not a PGM image
gets a note under ``rejected/`` instead.
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import unquote_plus

import boto3

SCALE = 4
s3 = boto3.client("s3")


def parse_pgm(data: bytes) -> tuple[int, int, bytes]:
    """(width, height, pixels) of a binary PGM ("P5") with 8-bit pixels."""
    fields: list[bytes] = []
    position = 0
    while len(fields) < 4:
        while position < len(data) and data[position:position + 1].isspace():
            position += 1
        if data[position:position + 1] == b"#":  # a comment runs to the end of its line
            position = data.index(b"\n", position)
            continue
        end = position
        while end < len(data) and not data[end:end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    magic, width, height, maximum = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    if magic != b"P5" or maximum > 255:
        raise ValueError("not an 8-bit binary PGM image")
    pixels = data[position + 1:position + 1 + width * height]
    if len(pixels) != width * height:
        raise ValueError("the image is shorter than its header says")
    return width, height, pixels


def shrink(width: int, height: int, pixels: bytes) -> tuple[int, int, bytes]:
    small_width, small_height = max(1, width // SCALE), max(1, height // SCALE)
    out = bytearray()
    for row in range(small_height):
        for column in range(small_width):
            block = [pixels[(row * SCALE + y) * width + column * SCALE + x]
                     for y in range(SCALE) for x in range(SCALE)
                     if row * SCALE + y < height and column * SCALE + x < width]
            out.append(sum(block) // len(block))
    return small_width, small_height, bytes(out)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    output = os.environ["OUTPUT_BUCKET"]
    made = []
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])  # keys arrive URL-encoded
        data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        name = key.rsplit("/", 1)[-1]
        try:
            width, height, pixels = parse_pgm(data)
        except (ValueError, IndexError) as problem:
            s3.put_object(Bucket=output, Key=f"rejected/{name}.json",
                          Body=json.dumps({"source": key, "reason": str(problem)}),
                          ContentType="application/json")
            continue
        small_width, small_height, small = shrink(width, height, pixels)
        s3.put_object(
            Bucket=output, Key=f"thumbnails/{name}",
            Body=b"P5\n%d %d\n255\n" % (small_width, small_height) + small,
            ContentType="image/x-portable-graymap",
            Metadata={"source": key, "width": str(small_width), "height": str(small_height)})
        made.append(f"thumbnails/{name}")
    return {"made": made}
