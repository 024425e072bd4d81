"""complaint embedding cache

One sentence embedding per complaint and model, so a weekly run with the
semantic backend embeds only complaints it has not seen (or whose text
changed: ``text_hash`` is the digest of exactly the text that was embedded).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('complaint_embeddings',
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('model', sa.String(length=200), nullable=False),
    sa.Column('dim', sa.Integer(), nullable=False),
    sa.Column('text_hash', sa.String(length=32), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_embeddings_complaint_id_complaints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('complaint_id', 'model', name=op.f('pk_complaint_embeddings'))
    )


def downgrade() -> None:
    op.drop_table('complaint_embeddings')
