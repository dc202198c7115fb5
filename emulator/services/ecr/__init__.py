"""Amazon Elastic Container Registry: private repositories (the control plane; no images)."""
