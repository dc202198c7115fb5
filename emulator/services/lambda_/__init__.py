"""AWS Lambda: the control plane over the runtime in ``emulator.runtime``."""
