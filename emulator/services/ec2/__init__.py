"""Amazon EC2, only as far as serverless work needs it: VPC endpoints (for private REST APIs)
and each account and region's default VPC, subnets and security group."""
