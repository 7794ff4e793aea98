"""The question for the night: one per evening, and its attendees' answers

Revision ID: d7e1a2b3c4f5
Revises: d3a1f0b7c2e4
Create Date: 2026-12-02 11:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import flashmob.types


# revision identifiers, used by Alembic.
revision = 'd7e1a2b3c4f5'
down_revision = 'd3a1f0b7c2e4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evening_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', flashmob.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', flashmob.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_evening_questions_event_id_events'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_evening_questions_set_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evening_questions')),
    sa.UniqueConstraint('event_id', name=op.f('uq_evening_questions_event_id'))
    )
    with op.batch_alter_table('evening_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evening_questions_set_by_id'), ['set_by_id'], unique=False)

    op.create_table('question_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=True),
    sa.Column('created_at', flashmob.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', flashmob.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_question_answers_lesson_id_lessons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['evening_questions.id'], name=op.f('fk_question_answers_question_id_evening_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_question_answers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_answers')),
    sa.UniqueConstraint('question_id', 'user_id', name=op.f('uq_question_answers_question_id_user_id'))
    )
    with op.batch_alter_table('question_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_answers_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_answers_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('question_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_answers_user_id'))
        batch_op.drop_index(batch_op.f('ix_question_answers_lesson_id'))
    op.drop_table('question_answers')
    with op.batch_alter_table('evening_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evening_questions_set_by_id'))
    op.drop_table('evening_questions')
