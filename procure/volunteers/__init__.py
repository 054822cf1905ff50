"""Volunteer service points (志愿服务积分制): volunteers, activities, organiser-recorded hours and the ledger."""
