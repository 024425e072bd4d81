"""what an import did, newer-wins updates, and complaints found again by content

- import_batches.mapping: the mapping an import used (profile and why, each
  field's column, skipped rows by reason, date order, warnings), as JSON;
- import_batches.received_on: the date given with --received-on, when a file
  has no date column; import_batches.rows_skipped: rows that were not a
  customer's complaint (company replies, deleted tickets, high ratings);
- complaints.source_updated_at: when the help desk last changed the ticket
  (an "Updated at" column), so an older export never overwrites a newer one;
- an index on complaints (received_at, content_hash), so a row imported again
  under another id mapping or source is recognised by its text, customer and
  date. Led by the date, it grows at its end for exports in date order, as
  the period index does; a content_hash index alone cost every import a
  random-order insert per complaint.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 16:00:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mapping', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('received_on', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('rows_skipped', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_complaints_received_content', ['received_at', 'content_hash'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_received_content')
        batch_op.drop_column('source_updated_at')
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.drop_column('rows_skipped')
        batch_op.drop_column('received_on')
        batch_op.drop_column('mapping')
