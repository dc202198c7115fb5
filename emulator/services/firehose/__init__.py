"""Amazon Data Firehose: Direct PUT delivery streams that buffer records and write them to S3."""
