"""an index on events.starts_at: the lessons archive's newest-evening-first order without sorting every lesson

Revision ID: e5b8c2d4a6f1
Revises: d2bd87830c13
Create Date: 2026-12-02 14:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e5b8c2d4a6f1'
down_revision = 'd2bd87830c13'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_starts_at', ['starts_at'], unique=False)


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_starts_at')
