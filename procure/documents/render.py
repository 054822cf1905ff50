"""HTML → PDF with WeasyPrint, fetching nothing but data: URIs; and the QR code as an SVG data: URI.

Run as a script, this module is the child process that procure.documents.render_pool renders in: it imports
nothing of procure, so that the child starts with WeasyPrint alone. WeasyPrint itself is imported where a PDF is
made, never by a web worker, whose renders all happen in that child: it would add some 40 MB to every worker."""
import base64
import hashlib
import sys
from dataclasses import dataclass
from functools import cache

import qrcode
import qrcode.image.svg


class FetchRefused(ValueError):
    """A document asked for a resource outside itself (a file, a web address): never fetched."""


@cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class DataOnlyFetcher(URLFetcher):
        """Documents are self-contained: images and styles come as data: URIs. Anything else would read the
        server's files or call the network while rendering, so it is refused (WeasyPrint then skips it)."""

        def __init__(self):
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            if not url.lower().startswith("data:"):
                raise FetchRefused(f"documents may only use data: URIs, refused: {url[:80]}")
            return super().fetch(url, headers)
    return DataOnlyFetcher


def data_only_fetcher():
    """A WeasyPrint URL fetcher that fetches data: URIs and refuses everything else."""
    return _fetcher_class()()


def _layout(html: str):
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=data_only_fetcher()).render()


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def render_pdf(html: str) -> Rendered:
    """Render in this process, without bounds (procure.documents.render_pool bounds the renders of requests)."""
    document = _layout(html)
    return Rendered(document.write_pdf(), len(document.pages))


TOO_MANY_PAGES = 3  # the child's exit status when the layout has more pages than allowed


def child(max_pages: int) -> int:
    """HTML on stdin; "<pages>\\n" and the PDF on stdout, or, with more than `max_pages` pages, the page count
    alone and the exit status TOO_MANY_PAGES: the layout is counted before the (costly) PDF is written."""
    out = sys.stdout.buffer
    document = _layout(sys.stdin.buffer.read().decode("utf-8"))
    pages = len(document.pages)
    if pages > max_pages:
        out.write(str(pages).encode())
        return TOO_MANY_PAGES
    out.write(f"{pages}\n".encode() + document.write_pdf())
    return 0


def qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


if __name__ == "__main__":
    sys.exit(child(int(sys.argv[1])))
