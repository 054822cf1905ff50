"""Bids, challenges, contracts and delivery."""
