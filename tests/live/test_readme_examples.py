"""The README's shell examples work: each ```sh block that talks to the server (it runs `curl`) is run with bash
against the demo served by gunicorn, with the README's address http://127.0.0.1:5000 replaced by the live
server's, in a temporary directory (for the files it downloads). A block fails on a non-zero exit, a curl error,
an HTTP status of 400 or more or a Python traceback: every curl in it fails on such a status (--fail-with-body,
unless the example already asks for -f) and shows its errors, also inside $(…) where bash would not stop.

Blocks without curl (`make run`, `make test`, installation) set up or serve the app: they are listed and
skipped, never run."""
import re
import subprocess
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
README_URL = "http://127.0.0.1:5000"
BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.M | re.S)
# Wraps curl so that an HTTP status >= 400 is an error (exit code 22) and curl's own errors are printed.
PRELUDE = r"""set -euo pipefail
curl() {
  local arg fail=--fail-with-body
  for arg in "$@"; do
    if [[ $arg == --fail || $arg == --fail-with-body || $arg =~ ^-[a-zA-Z]*f[a-zA-Z]*$ ]]; then fail=; fi
  done
  command curl --show-error $fail "$@"
}
"""


def sh_blocks() -> list[str]:
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def talks_to_the_server(block: str) -> bool:
    """The rule: a block runs when one of its commands (comments aside) is curl."""
    commands = "\n".join(line.split("#", 1)[0] for line in block.splitlines())
    return re.search(r"(^|[\s|;(&$])curl\s", commands) is not None


BLOCKS = sh_blocks()
RUN = [block for block in BLOCKS if talks_to_the_server(block)]


def test_the_readme_has_server_examples_and_skips_only_setup_blocks():
    assert len(RUN) >= 3, "the README's API and open-data examples were not found"
    for block in BLOCKS:
        if block not in RUN:
            first = block.strip().split()[0]
            assert first in ("make", "bash", "sudo", "apt-get"), f"neither a server example nor setup:\n{block}"


@pytest.mark.parametrize("block", RUN, ids=[f"sh-{n}" for n in range(1, len(RUN) + 1)])
def test_a_readme_example_runs_against_the_demo(live_demo, block, tmp_path):
    assert README_URL in block
    script = PRELUDE + block.replace(README_URL, live_demo.url)
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"exit {done.returncode}\n--- block\n{block}\n--- stderr\n{done.stderr[-3000:]}"
    assert "curl:" not in done.stderr and "Traceback" not in done.stderr, done.stderr[-3000:]
