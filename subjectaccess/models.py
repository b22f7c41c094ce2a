"""Models of this app (see its docs in docs/)."""
