"""AWS X-Ray: the API, the daemon's UDP and TCP ports, OTLP traces and readable waterfalls."""
