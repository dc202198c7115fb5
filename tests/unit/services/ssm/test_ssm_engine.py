"""Parameter Store's pieces without HTTP: names and selectors, and the SecureString cipher."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from emulator.errors import ServiceError
from emulator.services.ssm import names
from emulator.services.ssm.secure import KEY_FILE, SecureValues


@pytest.mark.parametrize(("text", "expected"), [
    ("/a/b", names.Selected("/a/b")),
    ("/a/b:12", names.Selected("/a/b", version=12)),
    ("plain:prod", names.Selected("plain", label="prod")),
    ("arn:aws:ssm:us-east-1:123456789012:parameter/a/b:3", names.Selected("/a/b", version=3)),
    ("arn:aws:ssm:us-east-1:123456789012:parameter/top", names.Selected("top")),
])
def test_selectors(text: str, expected: names.Selected) -> None:
    assert names.select(text) == expected


def test_paths_one_level_and_recursive() -> None:
    assert names.in_path("/a/b", "/a", False) and names.in_path("/a/b", "/a/", False)
    assert not names.in_path("/a/b/c", "/a", False) and names.in_path("/a/b/c", "/a", True)
    assert not names.in_path("/ab", "/a", True)
    assert names.in_path("top", "/", False)  # a name without a slash stands at the root


def test_names_are_trimmed_and_checked() -> None:
    assert names.check_name("  /a/b  ", "us-east-1", "123456789012") == "/a/b"
    for bad in ("", "/a//b", "SSM-x", "/aws/x", "a b"):
        with pytest.raises(ServiceError):
            names.check_name(bad, "us-east-1", "123456789012")
    long_name = "/" + "x" * 1000
    with pytest.raises(ServiceError, match="maximum length"):
        names.check_name(long_name, "us-east-1", "123456789012")


@pytest.mark.parametrize(("label", "valid"), [
    ("prod", True), ("a.b-c_d", True), ("9x", False), ("AWSx", False), ("ssmy", False),
    ("x" * 100, True), ("x" * 101, False), ("has/slash", False), ("", False)])
def test_label_rules(label: str, valid: bool) -> None:
    assert names.valid_label(label) is valid


def test_sealed_values_are_bound_to_their_parameter_and_version() -> None:
    cipher = SecureValues(None)
    sealed = cipher.seal("pw", name="/a", version=1, key_id="alias/aws/ssm")
    assert "pw" not in sealed
    assert cipher.open(sealed, name="/a", version=1, key_id="alias/aws/ssm") == "pw"
    # Moved to another parameter or version, it no longer opens.
    assert cipher.open(sealed, name="/b", version=1, key_id="alias/aws/ssm") == sealed
    assert cipher.open(sealed, name="/a", version=2, key_id="alias/aws/ssm") == sealed
    assert SecureValues(None).open(sealed, name="/a", version=1,
                                   key_id="alias/aws/ssm") == sealed


def test_the_key_is_kept_beside_the_state_for_its_owner_only(tmp_path: Path) -> None:
    sealed = SecureValues(tmp_path).seal("pw", name="/a", version=1, key_id="k")
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    assert SecureValues(tmp_path).open(sealed, name="/a", version=1, key_id="k") == "pw"
