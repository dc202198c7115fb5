"""The X-Ray engine: trace headers, segment documents, the trace collector, filter
expressions, sampling, service graphs, OTLP conversion and the daemon's UDP and TCP servers.

Nothing here knows HTTP encodings of the X-Ray API: the xray service provider wraps it.
"""
