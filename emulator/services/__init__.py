"""One package per botocore service name; each holds a provider and its records."""
