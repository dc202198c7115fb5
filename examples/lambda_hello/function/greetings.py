"""The function's own helper module."""


def greet(name: str) -> str:
    return f"Hello, {name}!"
