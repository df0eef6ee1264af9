"""Nothing lost, nothing hidden: unfinished URLs, where attachments are archived, run states.

- unfinished: one row per URL a crawl discovered but could not archive and store, with the
  reason; the next plain crawl fetches it again and deletes the row once done
- attachment.warc_file / warc_offset / warc_record_id: the record (response or revisit) of its
  download; back-filled from the digest index (the newest full record of its URL). Attachments
  left without one are fetched once more by the next crawl of their source: a conditional
  request or a revisit record when the bytes are archived already
- crawlrun.host / pid (a `running` row of a process gone from its host is marked `killed`),
  unfinished, retried (counts), failures (unfinished URLs by reason, JSON) and package (the
  WACZ of its files; runs that named their files before are taken as packaged); status takes
  `incomplete` and `killed` besides running, ok and failed

Existing rows are kept as they are; columns are added (ALTER TABLE ... ADD COLUMN, no copy).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # autogenerate writes sqlmodel.sql.sqltypes.AutoString

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "unfinished",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("board_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_failed", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_failed", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "kind", "url", name="uq_unfinished_source_kind_url"),
    )
    with op.batch_alter_table("unfinished", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unfinished_source"), ["source"], unique=False)

    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warc_file", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("warc_offset", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("warc_record_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    # The newest full record of each attachment URL in the digest index.
    op.execute(
        "UPDATE attachment SET (warc_file, warc_offset, warc_record_id) = ("
        "SELECT d.warc_file, d.warc_offset, d.warc_record_id FROM payloaddigest d "
        "WHERE d.url = attachment.url ORDER BY d.id DESC LIMIT 1) "
        "WHERE EXISTS (SELECT 1 FROM payloaddigest d WHERE d.url = attachment.url)"
    )

    with op.batch_alter_table("crawlrun", schema=None) as batch_op:
        batch_op.add_column(sa.Column("host", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("pid", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("unfinished", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("retried", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("failures", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("package", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    # Runs before 0004 that named their files were packaged after the run (or failed to be: the
    # log said so); "(before 0004)" keeps the next crawl from packaging their files again.
    op.execute("UPDATE crawlrun SET package = '(before 0004)' WHERE warc_files IS NOT NULL")
    # server defaults only fill the existing rows: the models give the values from now on
    with op.batch_alter_table("crawlrun", schema=None) as batch_op:
        batch_op.alter_column("unfinished", server_default=None)
        batch_op.alter_column("retried", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("crawlrun", schema=None) as batch_op:
        for name in ("package", "failures", "retried", "unfinished", "pid", "host"):
            batch_op.drop_column(name)
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        for name in ("warc_record_id", "warc_offset", "warc_file"):
            batch_op.drop_column(name)
    op.drop_table("unfinished")
