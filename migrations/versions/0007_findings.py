"""scan findings

`rca scan` reads the company's own pages and records what is wrong with them
(typos, facts that differ between pages, broken links, missing images) as
findings tracked like root causes: a stable key, a status, and a link to the
cause whose complaints report the same problem. scan_runs records each scan.

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-02 15:45:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scan_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('pages_scanned', sa.Integer(), nullable=False),
    sa.Column('pages_skipped', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.JSON(), nullable=False),
    sa.Column('findings_new', sa.Integer(), nullable=False),
    sa.Column('findings_fixed', sa.Integer(), nullable=False),
    sa.Column('findings_open', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scan_runs'))
    )
    op.create_table('findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=16), nullable=False),
    sa.Column('fingerprint', sa.String(length=400), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('suggestion', sa.String(length=300), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('pages', sa.JSON(), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_note', sa.Text(), nullable=True),
    sa.Column('cause_id', sa.Integer(), nullable=True),
    sa.Column('link_reason', sa.String(length=300), nullable=True),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fixed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_scan_id', sa.Integer(), nullable=True),
    sa.Column('last_scan_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cause_id'], ['root_causes.id'], name=op.f('fk_findings_cause_id_root_causes')),
    sa.ForeignKeyConstraint(['first_scan_id'], ['scan_runs.id'], name=op.f('fk_findings_first_scan_id_scan_runs')),
    sa.ForeignKeyConstraint(['last_scan_id'], ['scan_runs.id'], name=op.f('fk_findings_last_scan_id_scan_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_findings')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_findings_fingerprint')),
    sa.UniqueConstraint('key', name=op.f('uq_findings_key'))
    )
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_findings_cause_id'), ['cause_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_findings_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_findings_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_findings_status'))
        batch_op.drop_index(batch_op.f('ix_findings_kind'))
        batch_op.drop_index(batch_op.f('ix_findings_cause_id'))
    op.drop_table('findings')
    op.drop_table('scan_runs')
