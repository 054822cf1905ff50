"""Providers (承接主体): their register, eligibility to bid and be awarded, debarments and relations."""
