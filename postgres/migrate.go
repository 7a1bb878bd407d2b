package postgres

import (
	"context"
	"fmt"
)

// migrations are the schema's versions, in order: migration i+1 takes the
// schema from version i to i+1. Never edit one that has shipped; append.
var migrations = []string{
	// 1: the state replicas share and the corpus of record.
	`
CREATE TABLE meta (
	key   text PRIMARY KEY,
	value text NOT NULL
);
-- Names this shared corpus: a replica whose index followed another
-- database rebuilds it from this one.
INSERT INTO meta (key, value) VALUES ('corpus_id', gen_random_uuid()::text);

-- Platform deliveries (event, interaction and trigger IDs) already taken by
-- a replica: insert-or-nothing decides which replica answers.
CREATE TABLE deliveries (
	platform text NOT NULL,
	key      text NOT NULL,
	seen_at  timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (platform, key)
);
CREATE INDEX deliveries_seen_at ON deliveries (seen_at);

-- One row per digest channel ("slack:C0123ABC"): its subscription and the
-- local date of its last digest, with the claim of the one being posted.
-- The row lock makes a claim exactly-once per channel and local date.
CREATE TABLE digest_channels (
	channel    text PRIMARY KEY,
	state      jsonb NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now()
);

-- The feed poller's memory: items seen and HTTP validators.
CREATE TABLE feed_state (
	name       text PRIMARY KEY,
	state      jsonb NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE feedback (
	id         bigserial PRIMARY KEY,
	at         timestamptz NOT NULL,
	platform   text NOT NULL,
	channel_id text NOT NULL,
	user_id    text NOT NULL,
	question   text NOT NULL,
	quotes     jsonb NOT NULL,
	verdict    text NOT NULL
);
CREATE INDEX feedback_at ON feedback (at);

-- The corpus of record. seq orders every change (a deletion too: the row
-- stays, marked deleted); writers take one lock, so changes commit in seq
-- order and a follower that has applied seq n has seen every change <= n.
CREATE SEQUENCE documents_seq;
CREATE TABLE documents (
	id         text PRIMARY KEY,
	title      text NOT NULL,
	date       timestamptz,
	url        text NOT NULL,
	source     text NOT NULL,
	kind       text NOT NULL,
	tags       text[] NOT NULL,
	body       text NOT NULL,
	passages   jsonb NOT NULL,
	hash       text NOT NULL,
	added_at   timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	seq        bigint NOT NULL,
	deleted    boolean NOT NULL DEFAULT false
);
CREATE INDEX documents_seq_idx ON documents (seq);
`,
	// 2: the conversations of the Slack and Discord bots: threads they
	// follow and the state behind each answer's buttons.
	`
CREATE TABLE conversations (
	kind       text NOT NULL,
	key        text NOT NULL,
	value      bytea NOT NULL,
	expires_at timestamptz NOT NULL,
	PRIMARY KEY (kind, key)
);
CREATE INDEX conversations_expires_at ON conversations (expires_at);
`,
}

// SchemaVersion is the schema version this build creates.
func SchemaVersion() int { return len(migrations) }

// migrate brings the schema to SchemaVersion under an advisory lock, so
// replicas starting together migrate once. A schema newer than this build
// is refused: an older replica must not write what it does not understand.
func (db *DB) migrate(ctx context.Context) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, db.key("migrate")); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    int PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return err
	}
	var have int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return err
	}
	if have > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this bot's %d: upgrade the bot", have, len(migrations))
	}
	for v := have + 1; v <= len(migrations); v++ {
		if _, err := tx.Exec(ctx, migrations[v-1]); err != nil {
			return fmt.Errorf("migration %d: %w", v, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, v); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

// Version returns the schema version recorded in the database.
func (db *DB) Version(ctx context.Context) (int, error) {
	var v int
	err := db.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
