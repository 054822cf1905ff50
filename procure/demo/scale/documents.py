"""Issued-document records for a copy's public documents (the demo has none: its PDFs are issued when first
downloaded). Numbers and verification codes of their own; no PDF bytes (file_key empty: the first download renders
the document once and keeps it, as for a record issued before PDFs were kept)."""
import hashlib

from procure.demo.scale.rewrites import moved_time

DOCUMENT_PAGES = {"proposal": 3, "award_notice": 1, "contract": 4, "acceptance_certificate": 2,
                  "evaluation_report": 3}
DOCUMENT_COLUMNS = ("id", "kind", "project_id", "number", "verification_code", "sha256", "source_digest",
                    "page_count", "issued_at")
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # procure.documents.issuance's


def verification_code(record_id: int, seed: int) -> str:
    """12 characters of the documents' alphabet: the record's id in 6 (so no two are alike) and 6 more drawn
    from a hash (so neighbours do not look alike)."""
    digits = []
    for _ in range(6):
        record_id, digit = divmod(record_id, 32)
        digits.append(ALPHABET[digit])
    noise = hashlib.sha256(f"scale:{seed}:code:{''.join(digits)}".encode()).digest()
    return "".join(digits) + "".join(ALPHABET[b % 32] for b in noise[:6])


def document_rows(template, copy, counters: dict, seed: int) -> list[tuple]:
    """One record (DOCUMENT_COLUMNS) per public document of the template, numbered after the copy's code."""
    from procure.documents.models import KIND_CODES

    project_id = copy.ids["projects"][template.project_id]
    made = []
    for kind, issued_at in template.documents:
        record_id = counters["issued_documents"]
        counters["issued_documents"] += 1
        number = f"{copy.code}-{KIND_CODES[kind]}-01"
        fingerprint = hashlib.sha256(f"scale:{seed}:{number}".encode()).hexdigest()
        made.append((record_id, kind, project_id, number, verification_code(record_id, seed), fingerprint,
                     fingerprint, DOCUMENT_PAGES.get(kind, 2), moved_time(issued_at, copy)))
    return made
