"""Amazon EventBridge: event buses, rules, targets, scheduled rules and PutEvents."""
