"""Making a database file read-only for a while, as an operator's mistake or a full or remounted disk would:
chmod for an ordinary user; as root (whom chmod does not stop) the immutable attribute (chattr +i)."""
import contextlib
import os
import shutil
import subprocess

import pytest


@contextlib.contextmanager
def read_only(path):
    if os.geteuid() != 0:
        mode = os.stat(path).st_mode
        os.chmod(path, 0o444)
        try:
            yield
        finally:
            os.chmod(path, mode)
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: no way to make a file read-only for root")
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if made.returncode:
        pytest.skip(f"running as root and chattr +i does not work here: {made.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
