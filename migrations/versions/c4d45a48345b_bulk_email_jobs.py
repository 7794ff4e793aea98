"""bulk email jobs, messages rendered at send time, retention of sent mail

An email to many people is one row in outbox_jobs, expanded by the mail worker into one message per
recipient (at most one per job and person: uq_outbox_messages_job_id_user_id). A message may be queued
unrendered, with a payload of ids and facts (subject and text_body empty until the worker writes them),
and a sent one loses its bodies after FLASHMOB_MAIL_RETENTION_DAYS (text_body empty again). The index the
worker's claim reads holds only unsent messages.

Downgrading: the older code can neither expand jobs nor render messages, so the jobs not yet expanded and
the messages not yet rendered are deleted (that mail is not sent), and pruned bodies become empty text.

Revision ID: c4d45a48345b
Revises: b05fd5bf423e
Create Date: 2026-12-02 09:14:57.766805

"""
from alembic import op
import sqlalchemy as sa

import flashmob.types


# revision identifiers, used by Alembic.
revision = 'c4d45a48345b'
down_revision = 'b05fd5bf423e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('created_at', flashmob.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_user_id', sa.Integer(), server_default='0', nullable=False),
    sa.Column('queued', sa.Integer(), server_default='0', nullable=False),
    sa.Column('claimed_until', flashmob.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_at', flashmob.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_jobs'))
    )
    with op.batch_alter_table('outbox_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_jobs_unfinished', ['id'], unique=False, postgresql_where=sa.text('done_at IS NULL'), sqlite_where=sa.text('done_at IS NULL'))

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('payload', sa.JSON(none_as_null=True), nullable=True))
        batch_op.alter_column('subject',
               existing_type=sa.VARCHAR(length=200),
               nullable=True)
        batch_op.alter_column('text_body',
               existing_type=sa.TEXT(),
               nullable=True)
        batch_op.drop_index(batch_op.f('ix_outbox_messages_pending'))
        batch_op.create_index('ix_outbox_messages_kept_bodies', ['sent_at'], unique=False, postgresql_where=sa.text('text_body IS NOT NULL'), sqlite_where=sa.text('text_body IS NOT NULL'))
        batch_op.create_index('ix_outbox_messages_unsent', ['send_after', 'id'], unique=False, postgresql_where=sa.text('sent_at IS NULL'), sqlite_where=sa.text('sent_at IS NULL'))
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_messages_job_id_user_id'), ['job_id', 'user_id'])
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_job_id_outbox_jobs'), 'outbox_jobs', ['job_id'], ['id'], ondelete='SET NULL')


def downgrade():
    op.execute(sa.text("DELETE FROM outbox_messages WHERE sent_at IS NULL AND text_body IS NULL"))
    op.execute(sa.text("UPDATE outbox_messages SET text_body = '' WHERE text_body IS NULL"))
    op.execute(sa.text("UPDATE outbox_messages SET subject = '' WHERE subject IS NULL"))
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_job_id_outbox_jobs'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_outbox_messages_job_id_user_id'), type_='unique')
        batch_op.drop_index('ix_outbox_messages_unsent', postgresql_where=sa.text('sent_at IS NULL'), sqlite_where=sa.text('sent_at IS NULL'))
        batch_op.drop_index('ix_outbox_messages_kept_bodies', postgresql_where=sa.text('text_body IS NOT NULL'), sqlite_where=sa.text('text_body IS NOT NULL'))
        batch_op.create_index(batch_op.f('ix_outbox_messages_pending'), ['sent_at', 'send_after'], unique=False)
        batch_op.alter_column('text_body',
               existing_type=sa.TEXT(),
               nullable=False)
        batch_op.alter_column('subject',
               existing_type=sa.VARCHAR(length=200),
               nullable=False)
        batch_op.drop_column('payload')
        batch_op.drop_column('job_id')

    with op.batch_alter_table('outbox_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_jobs_unfinished', postgresql_where=sa.text('done_at IS NULL'), sqlite_where=sa.text('done_at IS NULL'))

    op.drop_table('outbox_jobs')
