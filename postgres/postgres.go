// Package postgres keeps the state that several replicas of the bot share in
// PostgreSQL: delivery de-duplication, digest subscriptions and claims, feed
// state, feedback, advisory locks and the corpus of record that every
// replica's local index follows. It is the only importer of pgx.
//
// The schema lives in the search_path's first schema (public unless the
// URL says otherwise, as tests do) and is created and migrated by Open.
// Advisory lock keys and the notification channel are derived from that
// schema's name, so two schemas in one database never disturb each other.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is an open connection pool to the shared database, its schema
// migrated. It is safe for concurrent use.
type DB struct {
	pool     *pgxpool.Pool
	connCfg  *pgx.ConnConfig // for the dedicated LISTEN connection
	schema   string
	channel  string // NOTIFY channel of the documents table
	redacted string // the URL without its password, for messages
}

// connectTimeout bounds one connection attempt when the URL sets none.
const connectTimeout = 5 * time.Second

// Open connects to the database at rawURL (DATABASE_URL), checks it
// answers and creates or migrates the schema. Its errors name DATABASE_URL
// and never contain the password.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	redacted := Redact(rawURL)
	fail := func(what string, err error) error {
		return fmt.Errorf("DATABASE_URL %s: %s: %s", redacted, what, scrub(err, rawURL))
	}
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, fail("not a PostgreSQL URL (want postgres://user:password@host:5432/dbname)", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	// Advisory locks pin a connection each (the feed poller's for as long
	// as the replica leads): leave room for queries beside them.
	cfg.MaxConns = max(cfg.MaxConns, 8)
	// A connection cut by a restart of the server is noticed and replaced
	// without waiting for a query to fail on it.
	cfg.HealthCheckPeriod = 10 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fail("cannot connect", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 2*connectTimeout)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fail("cannot reach the database", err)
	}
	db := &DB{pool: pool, connCfg: cfg.ConnConfig.Copy(), redacted: redacted}
	if err := pool.QueryRow(pctx, `SELECT current_schema()`).Scan(&db.schema); err != nil || db.schema == "" {
		pool.Close()
		if err == nil {
			err = errors.New("no schema in the search_path exists")
		}
		return nil, fail("find the schema", err)
	}
	db.channel = "briefbot_documents_" + db.schema
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, fail("migrate the schema", err)
	}
	return db, nil
}

// Close closes every connection. It waits for the locks still held to be
// released: release them first.
func (db *DB) Close() { db.pool.Close() }

// Redacted is the database URL without its password, for logs.
func (db *DB) Redacted() string { return db.redacted }

// Ping checks that the database answers within two seconds.
func (db *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return db.pool.Ping(ctx)
}

// key is the advisory lock key of name in this schema.
func (db *DB) key(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("briefbot\x00" + db.schema + "\x00" + name))
	return int64(h.Sum64())
}

// Redact returns a database URL fit to print: the password of a URL is
// replaced by xxxxx, and so is a password= of the key=value form.
func Redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Scheme != "" {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	return dsnPassword.ReplaceAllString(raw, "password=xxxxx")
}

var dsnPassword = regexp.MustCompile(`password=('[^']*'|\S*)`)

// scrub returns err's text with any password of raw replaced, in case a
// driver message quotes the URL.
func scrub(err error, raw string) string {
	msg := err.Error()
	var pw string
	if u, perr := url.Parse(raw); perr == nil && u.User != nil {
		pw, _ = u.User.Password()
		if pw == "" {
			pw = u.Query().Get("password")
		}
	} else if m := dsnPassword.FindStringSubmatch(raw); m != nil {
		pw = strings.Trim(m[1], "'")
	}
	if pw != "" {
		msg = strings.ReplaceAll(msg, pw, "xxxxx")
	}
	return msg
}
