"""HTML → PDF with WeasyPrint, fetching nothing but data: URIs; and the QR code as an SVG data: URI."""
import base64
import hashlib
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from weasyprint import HTML
from weasyprint.urls import URLFetcher


class FetchRefused(ValueError):
    """A document asked for a resource outside itself (a file, a web address): never fetched."""


class DataOnlyFetcher(URLFetcher):
    """Documents are self-contained: images and styles come as data: URIs. Anything else would read the
    server's files or call the network while rendering, so it is refused (WeasyPrint then skips it)."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        if not url.lower().startswith("data:"):
            raise FetchRefused(f"documents may only use data: URIs, refused: {url[:80]}")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def render_pdf(html: str) -> Rendered:
    document = HTML(string=html, url_fetcher=DataOnlyFetcher()).render()
    return Rendered(document.write_pdf(), len(document.pages))


def qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")
