"""The service-category tree."""
