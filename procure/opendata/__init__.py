"""Open data: OCDS 1.1.5 releases kept as each public change commits, and the packages built from them."""
