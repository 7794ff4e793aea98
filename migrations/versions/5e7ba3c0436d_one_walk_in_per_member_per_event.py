"""one walk-in per member per event

A member is walked in to an evening at most once: the rule add_walk_in keeps, now backed by the
database, so that two organisers adding the same member at the same moment cannot make two rows.
Walk-ins without an account (user_id NULL) stay unlimited: NULLs never clash in a unique constraint,
on SQLite or PostgreSQL.

Revision ID: 5e7ba3c0436d
Revises: 31bcea0523a9
Create Date: 2026-12-02 07:33:54.971010

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e7ba3c0436d'
down_revision = '31bcea0523a9'
branch_labels = None
depends_on = None


def upgrade():
    # A race before this constraint could have left a member walked in twice: keep the first.
    op.execute(sa.text(
        "DELETE FROM walk_ins WHERE user_id IS NOT NULL AND EXISTS ("
        "SELECT 1 FROM walk_ins AS earlier WHERE earlier.event_id = walk_ins.event_id "
        "AND earlier.user_id = walk_ins.user_id AND earlier.id < walk_ins.id)"
    ))
    with op.batch_alter_table('walk_ins', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_walk_ins_event_id_user_id'), ['event_id', 'user_id'])


def downgrade():
    with op.batch_alter_table('walk_ins', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_walk_ins_event_id_user_id'), type_='unique')
