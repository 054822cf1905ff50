"""The public tables' totals (projects, contracts, payments, evaluations), kept per filter as projects change, so
that a table's totals row reads a row or three instead of summing every matching project (procure.totals.keeping)."""
