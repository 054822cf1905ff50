"""The text of a PDF as pdftotext reads it, for tests of the official documents (skipped without
poppler-utils)."""
import shutil
import subprocess

import pytest

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")


class Text(str):
    """pdftotext's output; `in` ignores white space (it comes and goes between CJK characters)."""

    def __contains__(self, part):
        return "".join(part.split()) in "".join(self.split())


def text_of(pdf: bytes) -> Text:
    return Text(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode())
