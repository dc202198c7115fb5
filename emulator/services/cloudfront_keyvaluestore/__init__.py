"""CloudFront KeyValueStore: the keys of CloudFront's key value stores."""
