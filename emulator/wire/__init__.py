"""The only code that knows AWS HTTP encodings. It knows no service by name."""
