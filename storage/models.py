"""All tables in one module, so relationships never import in circles.

No `from __future__ import annotations` here: SQLModel needs real annotations for relationships.
"""

from datetime import date, datetime
from typing import List, Optional

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel


class Article(SQLModel, table=True):
    """One bulletin article as last seen; unique on (source, board_id)."""

    __table_args__ = (UniqueConstraint("source", "board_id", name="uq_article_source_board"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(index=True)
    board_id: str = Field(description="the board's own article id")
    url: str = Field(description="canonical URL of the view page")
    title: str | None = Field(default=None, description="full title as printed")
    issue_month: str | None = Field(
        default=None, index=True, description="bulletin issue YYYY-MM from a '[JUN. 2022]' prefix"
    )
    headline: str | None = Field(default=None, description="title without the issue prefix")
    author: str | None = None
    published: date | None = Field(default=None, index=True)
    views: int | None = None
    body_text: str | None = Field(default=None, sa_column=Column(Text))
    body_html: str | None = Field(default=None, sa_column=Column(Text))
    language: str | None = Field(default=None, description="ISO 639-1")
    language_probability: float | None = None
    missing_fields: str | None = Field(
        default=None, description="comma-separated fields that could not be read"
    )
    first_seen: datetime
    last_seen: datetime
    warc_file: str | None = Field(default=None, description="WARC file of the response parsed")
    warc_offset: int | None = None
    warc_record_id: str | None = None
    extractor_version: str | None = Field(default=None, description="page object that parsed it")

    attachments: List["Attachment"] = Relationship(
        back_populates="article",
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "order_by": "Attachment.id"},
    )


class Attachment(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("article_id", "url", name="uq_attachment_article_url"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    name: str
    url: str = Field(index=True)
    size: int | None = Field(default=None, description="bytes: as downloaded, else as printed")
    content_type: str | None = None

    article: Optional[Article] = Relationship(back_populates="attachments")


class ViewObservation(SQLModel, table=True):
    """A view count seen at a time: one per article per crawl, so counts form a series."""

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    observed_at: datetime
    views: int

    # One-way on purpose: adding an observation never loads an article's whole series.
    article: Optional[Article] = Relationship()


class Capture(SQLModel, table=True):
    """A WARC response record an article was parsed from: one per article per crawl."""

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    url: str
    warc_file: str
    warc_offset: int
    warc_record_id: str = Field(unique=True)
    captured_at: datetime | None = None

    article: Optional[Article] = Relationship()


class PayloadDigest(SQLModel, table=True):
    """A full response record of a non-HTML resource: the digest index behind revisit records.

    Written when such a record is archived; looked up by digest (identical payload: write a
    revisit) and by URL (its ETag / Last-Modified make the next fetch conditional).
    """

    id: int | None = Field(default=None, primary_key=True)
    digest: str = Field(index=True, description="WARC-Payload-Digest, e.g. sha1:BASE32")
    url: str = Field(index=True)
    warc_record_id: str = Field(unique=True)
    warc_date: str = Field(description="WARC-Date exactly as written (WARC-Refers-To-Date)")
    warc_file: str
    warc_offset: int
    etag: str | None = None
    last_modified: str | None = Field(default=None, description="Last-Modified as sent")


class CrawlRun(SQLModel, table=True):
    """One crawl of one source: what it did and whether its listing walk was complete.

    A run left `running` (killed) or not `complete` (a --since/--until window, a failed listing
    page) tells the next incremental crawl not to trust that stored articles imply older ones.
    """

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(index=True)
    started_at: datetime
    finished_at: datetime | None = None
    status: str = Field(default="running", description="running, ok or failed")
    complete: bool = Field(default=False, description="walked every listing page it needed to")
    options: str | None = Field(default=None, description="spider arguments, JSON")
    listing_pages: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    pages_failed: int = 0
    items_failed: int = 0
    warc_records: int = 0
    warc_files: str | None = Field(default=None, description="comma-separated WARC file names")
    failure: str | None = None
