"""AWS Security Token Service: who the caller is, and temporary credentials for a role."""
