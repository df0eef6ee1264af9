"""Everything since the first schema version: provenance, dedup index, run records.

- article.extractor_version (the page object that parsed the row)
- an index on attachment.url (download sizes are matched by URL)
- capture: every WARC response record an article was parsed from
- payloaddigest: the digest index behind WARC revisit records
- crawlrun: one row per crawl

Development versions between the first release and this migration created some of these with
create_all and recorded no version; storage.database.schema takes such a database for 0001, so each
step is skipped when what it adds is already there. Nothing here rewrites a table: existing rows
stay as they are.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # autogenerate writes sqlmodel.sql.sqltypes.AutoString

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    found = sa.inspect(op.get_bind())
    tables = set(found.get_table_names())

    if "extractor_version" not in {c["name"] for c in found.get_columns("article")}:
        with op.batch_alter_table("article", schema=None) as batch_op:
            batch_op.add_column(sa.Column("extractor_version", sqlmodel.sql.sqltypes.AutoString(), nullable=True))

    if "ix_attachment_url" not in {i["name"] for i in found.get_indexes("attachment")}:
        with op.batch_alter_table("attachment", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_attachment_url"), ["url"], unique=False)

    if "capture" not in tables:
        op.create_table(
            "capture",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("article_id", sa.Integer(), nullable=False),
            sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("warc_file", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("warc_offset", sa.Integer(), nullable=False),
            sa.Column("warc_record_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("captured_at", sa.DateTime(timezone=True), nullable=True),
            sa.ForeignKeyConstraint(["article_id"], ["article.id"]),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("warc_record_id"),
        )
        with op.batch_alter_table("capture", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_capture_article_id"), ["article_id"], unique=False)

    if "payloaddigest" not in tables:
        op.create_table(
            "payloaddigest",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("warc_record_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("warc_date", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("warc_file", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("warc_offset", sa.Integer(), nullable=False),
            sa.Column("etag", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.Column("last_modified", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("warc_record_id"),
        )
        with op.batch_alter_table("payloaddigest", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_payloaddigest_digest"), ["digest"], unique=False)
            batch_op.create_index(batch_op.f("ix_payloaddigest_url"), ["url"], unique=False)

    if "crawlrun" not in tables:
        op.create_table(
            "crawlrun",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("complete", sa.Boolean(), nullable=False),
            sa.Column("options", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.Column("listing_pages", sa.Integer(), nullable=False),
            sa.Column("articles_new", sa.Integer(), nullable=False),
            sa.Column("articles_updated", sa.Integer(), nullable=False),
            sa.Column("pages_failed", sa.Integer(), nullable=False),
            sa.Column("items_failed", sa.Integer(), nullable=False),
            sa.Column("warc_records", sa.Integer(), nullable=False),
            sa.Column("warc_files", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.Column("failure", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("crawlrun", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_crawlrun_source"), ["source"], unique=False)


def downgrade() -> None:
    op.drop_table("crawlrun")
    op.drop_table("payloaddigest")
    op.drop_table("capture")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_url"))
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_column("extractor_version")
