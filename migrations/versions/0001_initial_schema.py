"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 07:51:20.504602
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cluster_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('backend', sa.String(length=32), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('window_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('n_considered', sa.Integer(), nullable=False),
    sa.Column('n_assigned_existing', sa.Integer(), nullable=False),
    sa.Column('n_new_causes', sa.Integer(), nullable=False),
    sa.Column('n_new_cause_members', sa.Integer(), nullable=False),
    sa.Column('n_unassigned', sa.Integer(), nullable=False),
    sa.Column('silhouette', sa.Float(), nullable=True),
    sa.Column('seconds', sa.Float(), nullable=True),
    sa.Column('max_complaint_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cluster_runs'))
    )
    op.create_table('import_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=512), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('file_format', sa.String(length=16), nullable=False),
    sa.Column('profile', sa.String(length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('rows_new', sa.Integer(), nullable=False),
    sa.Column('rows_updated', sa.Integer(), nullable=False),
    sa.Column('rows_duplicate', sa.Integer(), nullable=False),
    sa.Column('rows_rejected', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batches'))
    )
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_batches_file_sha256'), ['file_sha256'], unique=False)

    op.create_table('settings',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_settings'))
    )
    op.create_table('rejects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('raw', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_rejects_batch_id_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rejects'))
    )
    with op.batch_alter_table('rejects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rejects_batch_id'), ['batch_id'], unique=False)

    op.create_table('root_causes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('representative_ids', sa.JSON(), nullable=False),
    sa.Column('defect_type', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('owner', sa.String(length=128), nullable=True),
    sa.Column('ticket_url', sa.String(length=1000), nullable=True),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fixed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_run_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_run_id'], ['cluster_runs.id'], name=op.f('fk_root_causes_created_run_id_cluster_runs')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['root_causes.id'], name=op.f('fk_root_causes_merged_into_id_root_causes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_root_causes')),
    sa.UniqueConstraint('key', name=op.f('uq_root_causes_key'))
    )
    with op.batch_alter_table('root_causes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_root_causes_owner'), ['owner'], unique=False)
        batch_op.create_index(batch_op.f('ix_root_causes_status'), ['status'], unique=False)

    op.create_table('cause_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cause_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cause_id'], ['root_causes.id'], name=op.f('fk_cause_events_cause_id_root_causes')),
    sa.ForeignKeyConstraint(['run_id'], ['cluster_runs.id'], name=op.f('fk_cause_events_run_id_cluster_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cause_events'))
    )
    with op.batch_alter_table('cause_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cause_events_cause_id'), ['cause_id'], unique=False)

    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=True),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('page_url', sa.String(length=1000), nullable=True),
    sa.Column('product', sa.String(length=300), nullable=True),
    sa.Column('defect_type', sa.String(length=32), nullable=False),
    sa.Column('ticket_status', sa.String(length=64), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('customer_key', sa.String(length=64), nullable=True),
    sa.Column('contact', sa.String(length=320), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('fields_hash', sa.String(length=64), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cause_id', sa.Integer(), nullable=True),
    sa.Column('assigned_by', sa.String(length=16), nullable=True),
    sa.Column('similarity', sa.Float(), nullable=True),
    sa.Column('assigned_run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assigned_run_id'], ['cluster_runs.id'], name=op.f('fk_complaints_assigned_run_id_cluster_runs')),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_complaints_batch_id_import_batches')),
    sa.ForeignKeyConstraint(['cause_id'], ['root_causes.id'], name=op.f('fk_complaints_cause_id_root_causes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    sa.UniqueConstraint('source', 'external_id', name=op.f('uq_complaints_source'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_complaints_cause_received', ['cause_id', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_customer_key'), ['customer_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_received_at'), ['received_at'], unique=False)

    op.create_table('rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('cause_id', sa.Integer(), nullable=True),
    sa.Column('target_cause_id', sa.Integer(), nullable=True),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cause_id'], ['root_causes.id'], name=op.f('fk_rules_cause_id_root_causes')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_rules_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['target_cause_id'], ['root_causes.id'], name=op.f('fk_rules_target_cause_id_root_causes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rules'))
    )


def downgrade() -> None:
    op.drop_table('rules')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaints_received_at'))
        batch_op.drop_index(batch_op.f('ix_complaints_customer_key'))
        batch_op.drop_index('ix_complaints_cause_received')
        batch_op.drop_index(batch_op.f('ix_complaints_batch_id'))

    op.drop_table('complaints')
    with op.batch_alter_table('cause_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cause_events_cause_id'))

    op.drop_table('cause_events')
    with op.batch_alter_table('root_causes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_root_causes_status'))
        batch_op.drop_index(batch_op.f('ix_root_causes_owner'))

    op.drop_table('root_causes')
    with op.batch_alter_table('rejects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rejects_batch_id'))

    op.drop_table('rejects')
    op.drop_table('settings')
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_batches_file_sha256'))

    op.drop_table('import_batches')
    op.drop_table('cluster_runs')
