"""history kept: archived chapters, deleted accounts, and foreign keys that refuse to erase history

Chapters get archived_at and accounts deleted_at: both stay as rows, so that the evenings of an archived
chapter and the attendance of a former member still count. The foreign keys that would erase that history
when a parent row is deleted (a chapter's events; an event's RSVPs, walk-ins and save-the-date interests; a
person's RSVPs and walk-ins) become RESTRICT, so the database refuses the DELETE. A person's outbox messages
now go with their account (CASCADE): an email is its recipient's private data.

Revision ID: b05fd5bf423e
Revises: 5e7ba3c0436d
Create Date: 2026-12-02 09:07:38.186512

"""
from alembic import op
import sqlalchemy as sa

import flashmob.types


# revision identifiers, used by Alembic.
revision = 'b05fd5bf423e'
down_revision = '5e7ba3c0436d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('chapters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', flashmob.types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('event_interests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_interests_event_id_events'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_event_interests_event_id_events'), 'events', ['event_id'], ['id'], ondelete='RESTRICT')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_events_chapter_id_chapters'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_events_chapter_id_chapters'), 'chapters', ['chapter_id'], ['id'], ondelete='RESTRICT')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_user_id_users'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_user_id_users'), 'users', ['user_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('rsvps', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_rsvps_user_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_rsvps_event_id_events'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_rsvps_event_id_events'), 'events', ['event_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_foreign_key(batch_op.f('fk_rsvps_user_id_users'), 'users', ['user_id'], ['id'], ondelete='RESTRICT')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', flashmob.types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('walk_ins', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_walk_ins_event_id_events'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_walk_ins_user_id_users'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_walk_ins_event_id_events'), 'events', ['event_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_foreign_key(batch_op.f('fk_walk_ins_user_id_users'), 'users', ['user_id'], ['id'], ondelete='RESTRICT')


def downgrade():
    with op.batch_alter_table('walk_ins', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_walk_ins_user_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_walk_ins_event_id_events'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_walk_ins_user_id_users'), 'users', ['user_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_walk_ins_event_id_events'), 'events', ['event_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')

    with op.batch_alter_table('rsvps', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_rsvps_user_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_rsvps_event_id_events'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_rsvps_event_id_events'), 'events', ['event_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_rsvps_user_id_users'), 'users', ['user_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_user_id_users'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_user_id_users'), 'users', ['user_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_events_chapter_id_chapters'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_events_chapter_id_chapters'), 'chapters', ['chapter_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('event_interests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_interests_event_id_events'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_event_interests_event_id_events'), 'events', ['event_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('chapters', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
