"""The two ways a template goes wrong: before anything is deployed, and while it is."""

from __future__ import annotations


class TemplateError(Exception):
    """A template or its parameters rejected before any resource is touched; the API answers
    it as ``ValidationError`` with this exact message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ParameterError(TemplateError):
    """The parameter values given do not fit the template: refused when the request is made,
    even for a template whose transforms run while its change set is created."""


class ResourceError(Exception):
    """One resource could not be created, updated or deleted; the stack event's reason."""

    def __init__(self, message: str, code: str = "GeneralServiceException") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def format_error(message: str) -> TemplateError:
    return TemplateError(f"Template format error: {message}")


def template_error(message: str) -> TemplateError:
    return TemplateError(f"Template error: {message}")


__all__ = ["ParameterError", "ResourceError", "TemplateError", "format_error",
           "template_error"]
