"""The CloudFront data plane: a distribution's viewer endpoint, its behaviours and cache,
its origins, and the code that runs at the edge (Lambda@Edge and CloudFront Functions)."""
