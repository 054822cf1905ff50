"""The layers hold (docs/architecture.md): the import-linter contracts in .importlinter are kept, so an import
that makes the lifecycle core depend on a stage, closes a cycle among the stages or among the packages below
the web layer, or reaches up into the web layer, fails the suite."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# In a process of its own: import-linter configures logging as a command does, which would silence the
# app's loggers for the tests after this one.
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports('.importlinter', no_cache=True))"


def test_the_import_contracts_are_kept():
    run = subprocess.run([sys.executable, "-c", LINT], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout
