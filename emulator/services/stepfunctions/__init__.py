"""AWS Step Functions: state machines, versions, aliases and executions."""
