"""Building OCDS 1.1.5 releases from a project's public data (procure.public.disclosure says what is public)."""


def ocid(project) -> str:
    from flask import current_app

    return f"{current_app.config['OCDS_PREFIX']}-{project.code}"


def snapshot(project) -> dict | None:
    """The project's public data as OCDS fields (no ocid, id, date or tag), or None while it is not a public
    contracting process."""
    return None  # procure/opendata: built by the open-data work


def tags_for(previous: dict | None, current: dict) -> list[str]:
    """The release tags for going from `previous` (the last release, or None) to `current`."""
    raise NotImplementedError
