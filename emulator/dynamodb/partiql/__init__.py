"""PartiQL for DynamoDB: SELECT, INSERT, UPDATE and DELETE statements, parsed once per text
into typed statements the provider runs against its tables."""
