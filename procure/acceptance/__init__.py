"""Acceptance (验收): the checklist from the contract, site visits, rectification rounds, the community's
confirmation and the acceptance certificate."""
