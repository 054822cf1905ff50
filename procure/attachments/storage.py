"""Where attachment bytes live: a directory outside the web root, files under generated names, written atomically."""
import os
import re
import secrets
import tempfile
from pathlib import Path

from flask import current_app

STORED_NAME = re.compile(r"[0-9a-f]{32}")


def directory() -> Path:
    """ATTACHMENTS_DIR, created on first use; refused if it would put uploads where the web server serves files."""
    path = Path(current_app.config["ATTACHMENTS_DIR"]).resolve()
    static = Path(current_app.static_folder).resolve() if current_app.static_folder else None
    if static and (path == static or static in path.parents):
        raise RuntimeError("ATTACHMENTS_DIR must not be inside the static folder")
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(stored_name: str) -> Path:
    if not STORED_NAME.fullmatch(stored_name or ""):  # never a path a caller could steer
        raise ValueError("not a stored attachment name")
    return directory() / stored_name


def save(content: bytes) -> str:
    """Write `content` under a new generated name and return the name. A reader never sees half a file:
    the bytes go to a temporary file in the same directory, which is then renamed into place."""
    folder = directory()
    name = secrets.token_hex(16)
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return name


def discard(stored_name: str):
    """Remove a stored file (after its record could not be committed)."""
    path_of(stored_name).unlink(missing_ok=True)
