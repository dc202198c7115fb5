"""The Lambda engine: execution environments, executors, the invoker. Knows no HTTP."""

from emulator.runtime.invoker import LogSink, Runtime
from emulator.runtime.spec import FunctionSpec, InvocationRequest, InvocationResult, Throttled

__all__ = ["FunctionSpec", "InvocationRequest", "InvocationResult", "LogSink", "Runtime",
           "Throttled"]
