"""Amazon CloudWatch: metrics, metric math, alarms (metric, math and composite) and dashboards."""
