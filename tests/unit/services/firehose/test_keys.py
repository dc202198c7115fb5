"""S3 keys of delivered objects: the default YYYY/MM/dd/HH/ folders after a plain prefix,
!{timestamp:...} expressions (Java DateTimeFormatter letters, quoted text) in their place, and
the <stream>-<version>-<time>-<uuid><extension> suffix, all in UTC.

https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html
https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html
https://docs.aws.amazon.com/firehose/latest/APIReference/API_S3DestinationConfiguration.html
("The YYYY/MM/DD/HH time format prefix is automatically used for delivered Amazon S3 files")
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from emulator.services.firehose.keys import evaluated_prefix, java_time, object_key

WHEN = datetime(2018, 8, 27, 10, 30, 5, tzinfo=UTC)


def test_a_plain_prefix_gets_the_default_time_folders() -> None:
    assert evaluated_prefix("", WHEN) == "2018/08/27/10/"
    assert evaluated_prefix("myPrefix/", WHEN) == "myPrefix/2018/08/27/10/"


def test_timestamp_expressions_replace_the_default_folders() -> None:
    assert evaluated_prefix("dt=!{timestamp:yyyy-MM-dd}/h=!{timestamp:HH}/", WHEN) == (
        "dt=2018-08-27/h=10/")
    assert java_time("yyyy'/year='yy", WHEN) == "2018/year=18"


def test_random_strings_are_eleven_characters() -> None:
    prefix = evaluated_prefix("r=!{firehose:random-string}/!{timestamp:yyyy}/", WHEN)
    assert re.fullmatch(r"r=[a-z0-9]{11}/2018/", prefix)


def test_the_suffix_names_the_stream_version_and_time_in_utc() -> None:
    key = object_key("logs/", "orders", "3", WHEN.timestamp(), ".gz")
    assert re.fullmatch(r"logs/2018/08/27/10/orders-3-2018-08-27-10-30-05-"
                        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.gz", key)
