"""covering index for period queries

Reports and listings count complaints, customers and unassigned complaints
per period; with (received_at, cause_id, customer_key) indexed together those
queries read the index only. It replaces the single-column received_at index,
which is its prefix, and the customer_key index, which no query used and
which cost every import a random-order index insert per complaint. The
(cause_id, received_at) index gains customer_key so per-cause figures are
read from the index alone as well.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 08:45:00.000000
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_received_cause_customer', ['received_at', 'cause_id', 'customer_key'],
                              unique=False)
        batch_op.drop_index('ix_complaints_received_at')
        batch_op.drop_index('ix_complaints_customer_key')
        # Per-cause period counts with distinct customers: covered too.
        batch_op.create_index('ix_complaints_cause_received_customer', ['cause_id', 'received_at', 'customer_key'],
                              unique=False)
        batch_op.drop_index('ix_complaints_cause_received')


def downgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_cause_received', ['cause_id', 'received_at'], unique=False)
        batch_op.drop_index('ix_complaints_cause_received_customer')
        batch_op.create_index('ix_complaints_customer_key', ['customer_key'], unique=False)
        batch_op.create_index('ix_complaints_received_at', ['received_at'], unique=False)
        batch_op.drop_index('ix_complaints_received_cause_customer')
