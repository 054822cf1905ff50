"""The service-category tree that projects are filed under."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure.extensions import db


class Category(db.Model):
    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    children: Mapped[list["Category"]] = relationship(order_by="Category.position")

    @property
    def is_leaf(self) -> bool:
        return not self.children


def category_tree() -> list[dict]:
    """All categories as nested dicts, roots first, in one query."""
    rows = db.session.scalars(db.select(Category).order_by(Category.position, Category.code)).all()
    nodes = {c.code: {"code": c.code, "name": c.name, "name_en": c.name_en, "children": []} for c in rows}
    roots = []
    for c in rows:
        (nodes[c.parent_code]["children"] if c.parent_code else roots).append(nodes[c.code])
    return roots


def leaf_codes() -> set[str]:
    parents = set(db.session.scalars(db.select(Category.parent_code).where(Category.parent_code.is_not(None))))
    return set(db.session.scalars(db.select(Category.code))) - parents
