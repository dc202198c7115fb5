"""Amazon SNS: topics, subscriptions, publishing and delivery."""
