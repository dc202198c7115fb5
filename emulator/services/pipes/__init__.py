"""Amazon EventBridge Pipes: point-to-point pipes from a queue or stream to a target."""
