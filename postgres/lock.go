package postgres

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// lockCheck is how often a held lock checks its connection.
const lockCheck = 2 * time.Second

// Lock is a PostgreSQL session advisory lock held on a connection of its
// own. The server releases it when that connection ends, so a replica that
// dies (even by kill -9) hands it over; Lost tells the holder when its
// connection, and with it the lock, is gone.
type Lock struct {
	mu   sync.Mutex // serialises the connection between the check and Release
	conn *pgxpool.Conn
	key  int64
	lost chan struct{}
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// TryLock takes the advisory lock name without waiting: nil when another
// session holds it.
func (db *DB) TryLock(ctx context.Context, name string) (*Lock, error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	key := db.key(name)
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil {
		conn.Release()
		return nil, err
	}
	if !ok {
		conn.Release()
		return nil, nil
	}
	l := &Lock{conn: conn, key: key, lost: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	go l.watch()
	return l, nil
}

// watch pings the lock's connection until Release; a failed ping means the
// session, and the lock, may be gone.
func (l *Lock) watch() {
	defer close(l.done)
	t := time.NewTicker(lockCheck)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		l.mu.Lock()
		ctx, cancel := context.WithTimeout(context.Background(), lockCheck)
		err := l.conn.Ping(ctx)
		cancel()
		l.mu.Unlock()
		if err != nil {
			close(l.lost)
			return
		}
	}
}

// Lost is closed when the lock's connection failed: the lock may be held by
// another replica by now.
func (l *Lock) Lost() <-chan struct{} { return l.lost }

// Release gives the lock up and returns its connection. A connection that
// cannot unlock is closed, which releases the lock on the server.
func (l *Lock) Release() {
	l.once.Do(func() {
		close(l.stop)
		<-l.done
		l.mu.Lock()
		defer l.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), lockCheck)
		defer cancel()
		if _, err := l.conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, l.key); err != nil {
			l.conn.Conn().Close(ctx)
		}
		l.conn.Release()
	})
}
