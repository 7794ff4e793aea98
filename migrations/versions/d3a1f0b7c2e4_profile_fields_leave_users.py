"""profile fields leave users for member_profiles

Revision ID: d3a1f0b7c2e4
Revises: d2a7c1e9b4f0
Create Date: 2026-12-02 11:20:00

Headline, organisation and bio move from users (loaded on every request) to member_profiles; show_email
becomes share_email_with_connections (its meaning narrows: an address is now shown only to connections).
Only members who had said something get a profile row; the others get one when they first edit.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd3a1f0b7c2e4'
down_revision = 'd2a7c1e9b4f0'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        """
        INSERT INTO member_profiles (
            user_id, headline, organisation, bio, linkedin_url, website_url, phone, visibility,
            listed_on_attendee_lists, share_email_with_connections, share_phone_with_connections,
            updated_at
        )
        SELECT u.id, u.headline, u.organisation, u.bio, '', '', '', 'members', true, u.show_email, false,
               CURRENT_TIMESTAMP
        FROM users u
        WHERE (u.headline <> '' OR u.organisation <> '' OR u.bio <> '' OR u.show_email)
          AND NOT EXISTS (SELECT 1 FROM member_profiles p WHERE p.user_id = u.id)
        """
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('show_email')
        batch_op.drop_column('bio')
        batch_op.drop_column('organisation')
        batch_op.drop_column('headline')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headline', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('organisation', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('bio', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('show_email', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    op.execute(
        """
        UPDATE users SET
            headline = COALESCE((SELECT p.headline FROM member_profiles p WHERE p.user_id = users.id), ''),
            organisation = COALESCE((SELECT p.organisation FROM member_profiles p WHERE p.user_id = users.id), ''),
            bio = COALESCE((SELECT p.bio FROM member_profiles p WHERE p.user_id = users.id), ''),
            show_email = COALESCE(
                (SELECT p.share_email_with_connections FROM member_profiles p WHERE p.user_id = users.id), false)
        """
    )
