"""The file store: the bytes of uploaded attachments and of issued PDFs, kept in the application's database.

In the database (PostgreSQL in production, SQLite embedded) rather than on one machine's disk, so that every
application node serves every file, one backup holds the records and their files together, and no further
service has to run. A file is written in the transaction of the record that names it: when that transaction
rolls back the file goes too, so no file outlives its record and no record names a half-written file.
Keys are generated (32 hex digits), never taken from a user."""
import hashlib
import re
import secrets
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, LargeBinary, String, delete as sql_delete, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from procure import clock
from procure.extensions import db
from procure.types import UTCDateTime

KEY = re.compile(r"[0-9a-f]{32}")


class StoredFile(db.Model):
    __tablename__ = "stored_files"
    __table_args__ = (CheckConstraint("size >= 0", name="size_not_negative"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


def put(content: bytes) -> str:
    """Keep `content` under a new key (in the session's transaction, not committed) and return the key.
    A Core insert: the bytes do not stay in the session's identity map."""
    key = secrets.token_hex(16)
    db.session.execute(insert(StoredFile).values(key=key, content=content, size=len(content),
                                                 sha256=hashlib.sha256(content).hexdigest(), created_at=clock.now()))
    return key


def get(key: str) -> bytes | None:
    """The bytes kept under `key`, or None when there are none (or `key` is not a key)."""
    if not isinstance(key, str) or not KEY.fullmatch(key):
        return None
    return db.session.scalar(select(StoredFile.content).where(StoredFile.key == key))


def delete(key: str):
    """Forget the bytes kept under `key` (in the session's transaction)."""
    db.session.execute(sql_delete(StoredFile).where(StoredFile.key == key))
