"""Models of the badges app."""
