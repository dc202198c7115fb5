"""AWS Cloud Control API: resources read by their CloudFormation type name and identifier."""
