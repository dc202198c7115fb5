"""Amazon CloudFront: distributions, invalidations, policies and CloudFront Functions."""
