from pathlib import Path

import pytest

from emulator.config import Settings, options


def test_defaults() -> None:
    settings = Settings()
    assert (settings.host, settings.port, settings.region) == ("127.0.0.1", 4566, "us-east-1")
    assert settings.state_dir is None and settings.database_path is None
    assert settings.deploy == []


def test_environment_is_read_in_any_case_and_keywords_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMULATOR_PORT", "5001")
    monkeypatch.setenv("emulator_region", "eu-west-1")
    monkeypatch.setenv("EMULATOR_REQUEST_LOG", "false")
    monkeypatch.setenv("EMULATOR_STATE_DIR", "/tmp/state")
    monkeypatch.setenv("EMULATOR_DEPLOY", '["a.py", "b.py"]')
    settings = Settings()
    assert settings.port == 5001 and settings.region == "eu-west-1"
    assert settings.request_log is False
    assert settings.database_path == Path("/tmp/state/state.db")
    assert settings.deploy == [Path("a.py"), Path("b.py")]
    assert Settings(port=6000).port == 6000


def test_step_functions_local_variable_names_still_work(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SFN_WAIT_SCALE", "0")
    monkeypatch.setenv("SFN_MOCK_CONFIG", "/mocks.json")
    settings = Settings()
    assert settings.sfn_wait_scale == 0
    assert settings.sfn_mock_config == Path("/mocks.json")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("port", "70000"),
        ("port", "-1"),
        ("port", "eighty"),
        ("log_level", "loud"),
        ("request_log", "maybe"),
        ("lambda_executor", "docker"),
        ("lambda_idle_seconds", "0"),
        ("sfn_wait_scale", "-2"),
    ],
)
def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(f"EMULATOR_{name.upper()}", value)
    with pytest.raises(ValueError, match=name):
        Settings()


def test_copy_with_changes_keeps_the_rest() -> None:
    settings = Settings(region="ap-south-1")
    copied = settings.model_copy(update={"port": 0})
    assert (copied.port, copied.region) == (0, "ap-south-1")
    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]


def test_every_option_has_a_description() -> None:
    assert all(option.description for option in options())
