"""Short words on PostgreSQL: GIN indexes of the characters and pairs of characters of articles.

- article_grams(title, body) (PostgreSQL only): every character and every pair of adjacent
  characters of the lower-cased title and body, pairs holding whitespace left out, as a text[]
- ix_article_title_grams on article_grams(title, NULL), ix_article_grams on
  article_grams(title, body_text): GIN indexes through which storage.database.search finds terms of one
  or two characters (Korean words such as "경기", which pg_trgm cannot index), their expression
  statistics off
- the statements are storage.database.models.POSTGRES_GRAMS_DDL, repeated here as they are at this revision

SQLite: nothing changes (its FTS5 trigram table already serves short terms).

No row changes. Building ix_article_grams computes the grams of every article: about 2 minutes
for 100,000 articles on a 2-CPU machine, during which the article table can be read but not
written (CREATE INDEX, in the upgrade's one transaction).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-20

"""

from typing import Sequence, Union

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

POSTGRES_GRAMS_DDL = (
    "CREATE OR REPLACE FUNCTION article_grams(title text, body text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 10000 AS $$ "
    "SELECT array_remove(array_remove(string_to_array(l, NULL) "
    r"|| string_to_array(regexp_replace(l, '(..)', '\1 ', 'g'), ' ') "
    r"|| string_to_array(regexp_replace(substr(l, 2), '(..)', '\1 ', 'g'), ' '), ' '), '') "
    "FROM (SELECT translate(lower(coalesce(title, '') || ' ' || coalesce(body, '')), "
    r"E'\t\n\r\f\v', '     ') AS l) AS lowered $$",
    'CREATE INDEX ix_article_title_grams ON article USING gin ((article_grams(title, NULL) COLLATE "C"))',
    'CREATE INDEX ix_article_grams ON article USING gin ((article_grams(title, body_text) COLLATE "C"))',
    "ALTER INDEX ix_article_title_grams ALTER COLUMN 1 SET STATISTICS 0",
    "ALTER INDEX ix_article_grams ALTER COLUMN 1 SET STATISTICS 0",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # A GIN build gathers keys in maintenance_work_mem (64 MB by default) before writing them:
    # more of it, fewer passes. LOCAL: for the upgrade's transaction only.
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for statement in POSTGRES_GRAMS_DDL:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_article_title_grams")
    op.execute("DROP INDEX IF EXISTS ix_article_grams")
    op.execute("DROP FUNCTION IF EXISTS article_grams(text, text)")
