"""panoramasdk: an open, self-hosted runtime for AWS Panorama applications (API skeleton)."""
__version__ = "0.1.0"
