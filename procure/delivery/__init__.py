"""Delivery: service records, the community's confirmation of milestones, and payment requests."""
