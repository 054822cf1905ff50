"""What the final instalment releases for each performance grade (FINAL_PAYMENT_PERCENT of the last instalment).
The performance evaluation gives the grade and calls payments; this table sits with payments, below it."""
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app

from procure.types import CENT


def final_instalment(last_share: Decimal, grade: str, percents=None) -> Decimal:
    """What is due of the final instalment for `grade` (FINAL_PAYMENT_PERCENT of it)."""
    percents = percents if percents is not None else current_app.config["FINAL_PAYMENT_PERCENT"]
    return (Decimal(last_share) * Decimal(percents[grade]) / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
