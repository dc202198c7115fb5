"""What is wrong with a definition, worded as Step Functions words it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    code: str  # SCHEMA_VALIDATION_FAILED, MISSING_TRANSITION_TARGET, ...
    message: str
    location: str | None = None  # "/States/A/Next"; None for the whole workflow
    severity: str = "ERROR"

    def text(self) -> str:
        # InvalidDefinition writes a diagnostic without a location as "at null".
        return f"{self.code}: {self.message} at {self.location or 'null'}"

    def as_dict(self) -> dict[str, str]:
        out = {"severity": self.severity, "code": self.code, "message": self.message}
        if self.location is not None:
            out["location"] = self.location
        return out


class InvalidDefinition(Exception):
    """A definition Step Functions refuses; ``str()`` is the InvalidDefinition message."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity == "ERROR"]
        super().__init__(
            "Invalid State Machine Definition: '" + ", ".join(d.text() for d in errors) + "'"
        )


__all__ = ["Diagnostic", "InvalidDefinition"]
