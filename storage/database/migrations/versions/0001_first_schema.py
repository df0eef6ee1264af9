"""The first schema version (commit 370f414): article, attachment, viewobservation.

Databases made by the first release have exactly these tables and no alembic_version table;
storage.database.schema recognizes them and stamps them 0001 before upgrading.

Revision ID: 0001
Revises:
Create Date: 2026-11-28

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # autogenerate writes sqlmodel.sql.sqltypes.AutoString

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "article",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("board_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("issue_month", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("headline", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("views", sa.Integer(), nullable=True),
        sa.Column("body_text", sa.Text(), nullable=True),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("language_probability", sa.Float(), nullable=True),
        sa.Column("missing_fields", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        # DateTime(timezone=True): what SQLModel's datetime fields create (DATETIME on SQLite,
        # TIMESTAMP WITH TIME ZONE on PostgreSQL).
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("warc_file", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("warc_offset", sa.Integer(), nullable=True),
        sa.Column("warc_record_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "board_id", name="uq_article_source_board"),
    )
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_issue_month"), ["issue_month"], unique=False)
        batch_op.create_index(batch_op.f("ix_article_published"), ["published"], unique=False)
        batch_op.create_index(batch_op.f("ix_article_source"), ["source"], unique=False)

    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        # In the first release's order, so the DDL is the same text as create_all wrote then.
        sa.UniqueConstraint("article_id", "url", name="uq_attachment_article_url"),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"]),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_article_id"), ["article_id"], unique=False)

    op.create_table(
        "viewobservation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("viewobservation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_viewobservation_article_id"), ["article_id"], unique=False)


def downgrade() -> None:
    op.drop_table("viewobservation")
    op.drop_table("attachment")
    op.drop_table("article")
