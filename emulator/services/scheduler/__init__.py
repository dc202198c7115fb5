"""Amazon EventBridge Scheduler: schedules and schedule groups, fired on the emulator clock."""
