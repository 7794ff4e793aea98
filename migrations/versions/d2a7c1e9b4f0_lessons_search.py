"""Search of the lessons: the vocabulary of synonyms, the words lessons use, and the engine's index

SQLite gets an FTS5 table (porter stemming) kept clean by a trigger when a lesson row goes; PostgreSQL gets
a lesson_search table with a weighted tsvector (A statement, B paragraph, C themes) and a GIN index, and
pg_trgm with a trigram index on the words for typo correction. Those engine objects are not models
(flashmob.search.SCHEMA_OUTSIDE_MODELS).

Revision ID: d2a7c1e9b4f0
Revises: b15256c3b0c3
Create Date: 2026-12-02 11:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import flashmob.types


# revision identifiers, used by Alembic.
revision = 'd2a7c1e9b4f0'
down_revision = 'b15256c3b0c3'
branch_labels = None
depends_on = None

# The starter vocabulary (a copy of flashmob.search.STARTER_SYNONYMS as it was when this ran).
STARTER_SYNONYMS = (
    ("raid", "risk log"),
    ("raid log", "risk log"),
    ("risk log", "risk register"),
    ("rag", "status"),
    ("rag", "traffic light"),
    ("benefits realisation", "benefits tracking"),
    ("benefits realization", "benefits realisation"),
    ("lessons learnt", "lessons learned"),
    ("programme", "program"),
    ("organisation", "organization"),
    ("pmo", "project management office"),
    ("sro", "senior responsible owner"),
    ("raci", "responsibility matrix"),
    ("kpi", "key performance indicator"),
    ("steerco", "steering committee"),
    ("steering committee", "programme board"),
    ("status report", "highlight report"),
    ("wbs", "work breakdown structure"),
    ("change request", "change control"),
    ("exec", "executive"),
)


def upgrade():
    synonyms = op.create_table('search_synonyms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=60), nullable=False),
    sa.Column('synonym', sa.String(length=60), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', flashmob.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_search_synonyms_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_synonyms')),
    sa.UniqueConstraint('term', 'synonym', name=op.f('uq_search_synonyms_term_synonym'))
    )
    with op.batch_alter_table('search_synonyms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_synonyms_created_by_id'), ['created_by_id'], unique=False)

    op.create_table('search_words',
    sa.Column('word', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('word', name=op.f('pk_search_words'))
    )

    from datetime import UTC, datetime
    now = datetime.now(UTC)
    op.bulk_insert(synonyms, [{"term": t, "synonym": s, "created_at": now} for t, s in STARTER_SYNONYMS])

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE TABLE lesson_search ("
            " lesson_id integer PRIMARY KEY REFERENCES lessons (id) ON DELETE CASCADE,"
            " statement text NOT NULL DEFAULT '',"
            " body text NOT NULL DEFAULT '',"
            " themes text NOT NULL DEFAULT '',"
            " document tsvector GENERATED ALWAYS AS ("
            "  setweight(to_tsvector('english', statement), 'A') ||"
            "  setweight(to_tsvector('english', body), 'B') ||"
            "  setweight(to_tsvector('english', themes), 'C')"
            " ) STORED)"
        )
        op.execute("CREATE INDEX ix_lesson_search_document ON lesson_search USING gin (document)")
        op.execute("CREATE INDEX ix_search_words_word_trgm ON search_words USING gin (word gin_trgm_ops)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE lesson_fts USING fts5("
            "statement, body, themes, tokenize='porter unicode61 remove_diacritics 2')"
        )
        # A lesson row removed takes its index entry with it (PostgreSQL's foreign key does the same).
        op.execute(
            "CREATE TRIGGER lesson_fts_forget AFTER DELETE ON lessons "
            "BEGIN DELETE FROM lesson_fts WHERE rowid = old.id; END"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_words_word_trgm")
        op.execute("DROP TABLE IF EXISTS lesson_search")
    else:
        op.execute("DROP TRIGGER IF EXISTS lesson_fts_forget")
        op.execute("DROP TABLE IF EXISTS lesson_fts")
    op.drop_table('search_words')
    with op.batch_alter_table('search_synonyms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_synonyms_created_by_id'))
    op.drop_table('search_synonyms')
