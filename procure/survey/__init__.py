"""The resident satisfaction survey: a public page, one response per resident token, aggregates only."""
