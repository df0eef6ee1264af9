"""Why a field is missing: article.field_problems.

- article.field_problems: JSON {field: reason} for the fields left empty though the page printed
  something (a value refused as impossible: a negative or implausibly large view count, a date
  before 1990 or after the page's own day; a page object's error; undecodable text, whose
  language is not judged). Empty for the rows stored before: a reparse fills it.

Existing rows are kept as they are; the column is added (ALTER TABLE ... ADD COLUMN, no copy).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-13

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # autogenerate writes sqlmodel.sql.sqltypes.AutoString

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(sa.Column("field_problems", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+), not a batch copy of the table: the copy would lose the
    # search triggers and expression indexes on `article`.
    op.drop_column("article", "field_problems")
