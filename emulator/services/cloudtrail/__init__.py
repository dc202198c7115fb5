"""AWS CloudTrail: the event history of the calls the emulator answered, trails delivering
log files to S3, and EventBridge events for each call."""
