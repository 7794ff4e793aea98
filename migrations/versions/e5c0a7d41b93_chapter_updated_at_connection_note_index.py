"""chapters.updated_at (feed validators); index connection_notes.about_id

Revision ID: e5c0a7d41b93
Revises: e4c0b7a9d1f2
Create Date: 2026-12-02 14:15:00.000000

"""
from alembic import op
import sqlalchemy as sa

import flashmob.types


# revision identifiers, used by Alembic.
revision = 'e5c0a7d41b93'
down_revision = 'e4c0b7a9d1f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('chapters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', flashmob.types.UTCDateTime(timezone=True), nullable=True))
    # A chapter last changed, as far as anyone knows, when it was made.
    op.execute('UPDATE chapters SET updated_at = created_at')
    with op.batch_alter_table('chapters', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=flashmob.types.UTCDateTime(timezone=True), nullable=False)

    with op.batch_alter_table('connection_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_connection_notes_about_id'), ['about_id'], unique=False)


def downgrade():
    with op.batch_alter_table('connection_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_connection_notes_about_id'))

    with op.batch_alter_table('chapters', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
