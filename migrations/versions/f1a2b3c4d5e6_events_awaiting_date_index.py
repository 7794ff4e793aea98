"""a partial index for save-the-dates still waiting for a date

Revision ID: f1a2b3c4d5e6
Revises: e5c0a7d41b93
Create Date: 2026-12-02 15:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1a2b3c4d5e6'
down_revision = 'e5c0a7d41b93'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_events_awaiting_date',
        'events',
        ['starts_at', 'id'],
        unique=False,
        sqlite_where=sa.text('date_tbc'),
        postgresql_where=sa.text('date_tbc'),
    )


def downgrade():
    op.drop_index('ix_events_awaiting_date', table_name='events')
