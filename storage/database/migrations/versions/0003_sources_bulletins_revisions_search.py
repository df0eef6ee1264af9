"""Sources, monthly bulletins, article revisions, and full-text search.

- source: one row per crawled board; back-filled from the distinct article.source and
  crawlrun.source values, its crawl span from their first/last seen and start times
- bulletin: one row per (source, month); back-filled from the articles' issue month, else the
  month they were published; article.bulletin_id (new, indexed) points at it
- articlerevision: one row per distinct content (storage.database.articles.content_hash) of an article;
  back-filled with one revision per article: its current title and body, first/last seen and
  the WARC pointer and extractor version it was parsed with
- ix_article_search: (id, published, source, language), read by search instead of the rows
- search structures (storage.database.models.SQLITE_SEARCH_DDL / POSTGRES_SEARCH_DDL, repeated here as
  they were at this revision): on SQLite an FTS5 trigram table `article_fts` over `article`
  kept in step by triggers, filled here, and two expression indexes; on PostgreSQL the pg_trgm
  extension and GIN trigram indexes on title and body_text

Existing rows are kept as they are; article gains a column (ALTER TABLE ... ADD COLUMN, no copy).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # autogenerate writes sqlmodel.sql.sqltypes.AutoString

from storage.database.articles import content_hash

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SQLITE_SEARCH_DDL = (
    "CREATE VIRTUAL TABLE article_fts USING fts5("
    "title, body_text, content='article', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER article_fts_insert AFTER INSERT ON article BEGIN "
    "INSERT INTO article_fts(rowid, title, body_text) VALUES (new.id, new.title, new.body_text); END",
    "CREATE TRIGGER article_fts_delete AFTER DELETE ON article BEGIN "
    "INSERT INTO article_fts(article_fts, rowid, title, body_text) "
    "VALUES ('delete', old.id, old.title, old.body_text); END",
    "CREATE TRIGGER article_fts_update AFTER UPDATE OF title, body_text ON article BEGIN "
    "INSERT INTO article_fts(article_fts, rowid, title, body_text) "
    "VALUES ('delete', old.id, old.title, old.body_text); "
    "INSERT INTO article_fts(rowid, title, body_text) VALUES (new.id, new.title, new.body_text); END",
    "CREATE INDEX ix_article_title_tail ON article (lower(substr(title, -2)))",
    "CREATE INDEX ix_article_body_tail ON article (lower(substr(body_text, -2)))",
)
POSTGRES_SEARCH_DDL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_article_title_trgm ON article USING gin (title gin_trgm_ops)",
    "CREATE INDEX ix_article_body_trgm ON article USING gin (body_text gin_trgm_ops)",
)
BATCH = 2000


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name

    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("base_url", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("first_crawled", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_crawled", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "bulletin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["source"], ["source.name"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "month", name="uq_bulletin_source_month"),
    )
    op.create_table(
        "articlerevision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("body_text", sa.Text(), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("warc_file", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("warc_offset", sa.Integer(), nullable=True),
        sa.Column("warc_record_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("extractor_version", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "content_hash", name="uq_articlerevision_article_hash"),
    )

    # A nullable column with a reference: SQLite adds it in place (no table copy).
    if dialect == "sqlite":
        op.execute("ALTER TABLE article ADD COLUMN bulletin_id INTEGER REFERENCES bulletin (id)")
    else:
        op.add_column("article", sa.Column("bulletin_id", sa.Integer(), nullable=True))
        op.create_foreign_key(None, "article", "bulletin", ["bulletin_id"], ["id"])
    op.create_index("ix_article_bulletin_id", "article", ["bulletin_id"], unique=False)
    # The issuing department, which Korean boards print beside (or instead of) a person.
    op.add_column("article", sa.Column("department", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.create_index("ix_article_search", "article", ["id", "published", "source", "language"], unique=False)

    # Sources: every name articles and crawl runs use, spanning their times.
    op.execute(
        "INSERT INTO source (name, first_crawled, last_crawled) "
        "SELECT name, min(first_at), max(last_at) FROM ("
        " SELECT source AS name, first_seen AS first_at, last_seen AS last_at FROM article"
        " UNION ALL SELECT source, started_at, started_at FROM crawlrun"
        ") AS seen GROUP BY name ORDER BY name"
    )

    # Bulletins: (source, issue month, else published month) of every article.
    published_month = "substr(published, 1, 7)" if dialect == "sqlite" else "to_char(published, 'YYYY-MM')"
    month = f"coalesce(issue_month, {published_month})"
    op.execute(
        f"INSERT INTO bulletin (source, month) SELECT DISTINCT source, {month} FROM article "
        f"WHERE {month} IS NOT NULL ORDER BY 1, 2"
    )
    op.execute(
        "UPDATE article SET bulletin_id = (SELECT bulletin.id FROM bulletin WHERE "
        f"bulletin.source = article.source AND bulletin.month = {month}) WHERE {month} IS NOT NULL"
    )

    # Revisions: one per article, its current content (hashed as save_article hashes it).
    article = sa.table(
        "article",
        *(
            sa.column(name)
            for name in (
                "id",
                "title",
                "body_text",
                "first_seen",
                "last_seen",
                "warc_file",
                "warc_offset",
                "warc_record_id",
                "extractor_version",
            )
        ),
    )
    revisions = sa.table(
        "articlerevision",
        *(
            sa.column(name)
            for name in (
                "article_id",
                "content_hash",
                "title",
                "body_text",
                "first_seen",
                "last_seen",
                "warc_file",
                "warc_offset",
                "warc_record_id",
                "extractor_version",
            )
        ),
    )
    last_id = 0
    while True:  # in pages of BATCH rows: memory stays flat on a large database
        rows = (
            bind.execute(sa.select(article).where(article.c.id > last_id).order_by(article.c.id).limit(BATCH))
            .mappings()
            .all()
        )
        if not rows:
            break
        bind.execute(
            revisions.insert(),
            [
                {
                    "article_id": r["id"],
                    "content_hash": content_hash(r["title"], r["body_text"]),
                    "title": r["title"],
                    "body_text": r["body_text"],
                    "first_seen": r["first_seen"],
                    "last_seen": r["last_seen"],
                    "warc_file": r["warc_file"],
                    "warc_offset": r["warc_offset"],
                    "warc_record_id": r["warc_record_id"],
                    "extractor_version": r["extractor_version"],
                }
                for r in rows
            ],
        )
        last_id = rows[-1]["id"]

    # Search.
    if dialect == "sqlite":
        for statement in SQLITE_SEARCH_DDL:
            op.execute(statement)
        op.execute("INSERT INTO article_fts(article_fts) VALUES ('rebuild')")
    elif dialect == "postgresql":
        for statement in POSTGRES_SEARCH_DDL:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("article_fts_insert", "article_fts_delete", "article_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS article_fts")
        op.execute("DROP INDEX IF EXISTS ix_article_title_tail")
        op.execute("DROP INDEX IF EXISTS ix_article_body_tail")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_article_title_trgm")
        op.execute("DROP INDEX IF EXISTS ix_article_body_trgm")
    op.drop_index("ix_article_search", table_name="article")
    op.drop_index("ix_article_bulletin_id", table_name="article")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_column("department")
        batch_op.drop_column("bulletin_id")
    op.drop_table("articlerevision")
    op.drop_table("bulletin")
    op.drop_table("source")
