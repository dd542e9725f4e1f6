"""The HTTP front: readiness, slow and idle connections."""
