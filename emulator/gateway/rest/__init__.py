"""The REST API data plane: the engine, the pipeline of AWS's steps, and what they use."""
