"""Redeeming volunteer points (积分兑换): each community's catalogue of items with stock, and final redemptions."""
