"""The service-category tree that projects are filed under, the negative list, and the annual purchase
catalogue (购买服务目录) with its items and versioned amendments."""
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure import clock
from procure.extensions import db
from procure.types import Money, UTCDateTime, sql_in

if TYPE_CHECKING:  # relationship targets, resolved by name at mapping time
    from procure.accounts.models import User

CATALOGUE_STATES = ("draft", "published", "in_force")


class Category(db.Model):
    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # 政府采购品目 (government-procurement item code); migration 0005 fills defaults an admin may change.
    procurement_item_code: Mapped[str | None] = mapped_column(String(16))

    children: Mapped[list["Category"]] = relationship(order_by="Category.position")

    @property
    def is_leaf(self) -> bool:
        return not self.children


class NegativeListItem(db.Model):
    """What may not be bought as a service (负面清单); the reviewer confirms each approved project is clear."""

    __tablename__ = "negative_list_items"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text, default="")


class Catalogue(db.Model):
    """One year's purchase catalogue: draft → published (public notice) → in force."""

    __tablename__ = "catalogues"
    __table_args__ = (
        CheckConstraint(f"state IN ({sql_in(CATALOGUE_STATES)})", name="state"),
        CheckConstraint("state = 'draft' OR (published_at IS NOT NULL AND notice_ends_on IS NOT NULL)",
                        name="published_has_notice"),
        CheckConstraint("state <> 'in_force' OR in_force_at IS NOT NULL", name="in_force_has_time"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notice_ends_on: Mapped[date | None] = mapped_column()
    in_force_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    items: Mapped[list["CatalogueItem"]] = relationship(
        order_by="CatalogueItem.id", cascade="all, delete-orphan", back_populates="catalogue")
    amendments: Mapped[list["CatalogueAmendment"]] = relationship(
        order_by="CatalogueAmendment.version", cascade="all, delete-orphan")
    groups: Mapped[list["CatalogueGroup"]] = relationship(
        order_by="CatalogueGroup.listing_key", cascade="all, delete-orphan", back_populates="catalogue")

    @property
    def item_count(self) -> int:
        """The current items, from the kept groups (never by reading the items)."""
        return sum(group.items for group in self.groups)

    @property
    def budget_total(self) -> Decimal:
        return sum((group.budget for group in self.groups), Decimal("0.00"))

    @property
    def current_items(self) -> list["CatalogueItem"]:
        return [item for item in self.items if item.removed_in_version is None]

    @property
    def total(self) -> Decimal:
        return sum((item.budget for item in self.current_items), Decimal("0.00"))


class CatalogueItem(db.Model):
    __tablename__ = "catalogue_items"
    __table_args__ = (
        UniqueConstraint("catalogue_id", "project_id", name="uq_catalogue_items_project"),
        CheckConstraint("budget >= 0", name="budget_nonnegative"),
        CheckConstraint("removed_in_version IS NULL OR removed_in_version > added_in_version",
                        name="removed_after_added"),
        # A catalogue's count and total (the home page, the catalogue list) from the index alone.
        Index("ix_catalogue_items_totals", "catalogue_id", "removed_in_version", "budget"),
        # A catalogue's current items in its order, so that a page reads one slice of them.
        Index("ix_catalogue_items_listing", "catalogue_id", "removed_in_version", "listing_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_id: Mapped[int] = mapped_column(ForeignKey("catalogues.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    budget: Mapped[Decimal] = mapped_column(Money)  # the approved amount when listed
    added_in_version: Mapped[int] = mapped_column(default=1)
    removed_in_version: Mapped[int | None] = mapped_column()
    # The catalogue's order (top-level category, category, project code) as one sortable text: listing_key().
    listing_key: Mapped[str] = mapped_column(String(64), default="")

    catalogue: Mapped[Catalogue] = relationship(back_populates="items")
    # Resolved by name at mapping time: the projects sit above the catalogue and are not imported here.
    project: Mapped["Project"] = relationship()  # noqa: F821
    category: Mapped[Category] = relationship()


class CatalogueGroup(db.Model):
    """A catalogue's current items under one top-level category: how many and their budget. Kept by
    procure.catalogue.operations in the transaction that lists or removes an item, so that the catalogue's
    subtotals, total and number of items never need its items read."""

    __tablename__ = "catalogue_groups"
    __table_args__ = (CheckConstraint("items >= 0", name="items_nonnegative"),)

    catalogue_id: Mapped[int] = mapped_column(ForeignKey("catalogues.id", ondelete="CASCADE"), primary_key=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"), primary_key=True)  # top level
    listing_key: Mapped[str] = mapped_column(String(8))  # the category's place, as its items' keys begin
    items: Mapped[int] = mapped_column(default=0)
    budget: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))

    catalogue: Mapped[Catalogue] = relationship(back_populates="groups")
    category: Mapped[Category] = relationship()


def listing_key(top: Category, category: Category, project_code: str) -> str:
    """An item's place in its catalogue: top-level category, then its category, then the project code (the order
    the catalogue is printed in)."""
    return f"{top.position:04d}{category.position:04d}{project_code}"


class CatalogueAmendment(db.Model):
    """A change to a catalogue already published or in force: each bumps its version."""

    __tablename__ = "catalogue_amendments"
    __table_args__ = (UniqueConstraint("catalogue_id", "version", name="uq_catalogue_amendments_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_id: Mapped[int] = mapped_column(ForeignKey("catalogues.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))

    by: Mapped["User"] = relationship()


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

