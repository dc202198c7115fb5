"""Amazon CloudWatch Logs: groups, streams, events, retention, filtering."""
