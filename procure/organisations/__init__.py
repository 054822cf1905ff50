"""Organisations (机构管理): the admin keeps their unified social credit codes, with an audited override."""
