"""What an upload really is, read from its bytes: an allow-list of document and image types. The name's
extension must agree with what the bytes are, so a renamed executable or web page is refused."""
import io
import re
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("application/pdf", (".pdf",))
PNG = Kind("image/png", (".png",))
JPEG = Kind("image/jpeg", (".jpg", ".jpeg"))
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
TEXT = Kind("text/plain", (".txt",))
CSV = Kind("text/csv", (".csv",))

ALLOWED_EXTENSIONS = (".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".txt", ".csv")

# Text a browser or a shell would run or render as markup: refused even in a .txt file.
ACTIVE_TEXT = re.compile(rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml)|^\s*#!", re.I)
# Control characters that plain text does not contain (tab, line feed, form feed and carriage return aside).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _office(content: bytes) -> Kind | None:
    """A Word or Excel document (Office Open XML, without macros), or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" not in names:
                return None
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:
                return None
            types = archive.read(info).lower()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, RuntimeError, NotImplementedError,
            EOFError, OSError):
        return None
    if b"macroenabled" in types or any(n.lower().endswith("vbaproject.bin") for n in names):
        return None
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    return None


def _text(content: bytes, ext: str) -> Kind | None:
    body = content.removeprefix(b"\xef\xbb\xbf")
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if CONTROL.search(decoded) or ACTIVE_TEXT.search(body[:65536]):
        return None
    return CSV if ext == ".csv" else TEXT


def detect(content: bytes, ext: str = "") -> Kind | None:
    """The allowed kind `content` is, or None for anything else (executables, HTML, SVG, archives …)."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        return _office(content)
    return _text(content, ext)


def check(name: str, content: bytes) -> Kind | None:
    """The kind when the bytes are allowed and the name's extension agrees with them, else None."""
    ext = extension(name)
    kind = detect(content, ext)
    return kind if kind is not None and ext in kind.extensions else None
