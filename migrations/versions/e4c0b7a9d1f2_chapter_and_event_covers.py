"""chapter and event cover pictures

Revision ID: e4c0b7a9d1f2
Revises: e5b8c2d4a6f1
Create Date: 2026-12-02 14:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import flashmob.types


# revision identifiers, used by Alembic.
revision = 'e4c0b7a9d1f2'
down_revision = 'e5b8c2d4a6f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cover_pictures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chapter_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('wide', sa.LargeBinary(), nullable=False),
    sa.Column('card', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', flashmob.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(chapter_id IS NULL) <> (event_id IS NULL)', name=op.f('ck_cover_pictures_one_owner')),
    sa.ForeignKeyConstraint(['chapter_id'], ['chapters.id'], name=op.f('fk_cover_pictures_chapter_id_chapters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_cover_pictures_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cover_pictures')),
    sa.UniqueConstraint('chapter_id', name=op.f('uq_cover_pictures_chapter_id')),
    sa.UniqueConstraint('event_id', name=op.f('uq_cover_pictures_event_id'))
    )
    with op.batch_alter_table('chapters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cover_version', sa.Integer(), nullable=True))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cover_version', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('cover_version')
    with op.batch_alter_table('chapters', schema=None) as batch_op:
        batch_op.drop_column('cover_version')
    op.drop_table('cover_pictures')
