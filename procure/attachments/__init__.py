"""Files attached to a project: proposals, bids (sealed like the bid), milestone reports, contracts, acceptance."""
