package baseline

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sync"

	_ "modernc.org/sqlite" // the SQLite driver the baseline writes through
)

// ErrClosed is returned by Record once the writer is closed.
var ErrClosed = errors.New("baseline: writer closed")

// Row is one recorded event.
type Row struct {
	ID, Payload, CreatedAt string
}

type pending struct {
	row  Row
	done chan error
}

// Writer records rows through one SQLite writer connection with group commit:
// Record enqueues its row and returns only once the transaction holding it has
// committed (or failed), so every acknowledged row is durable.
type Writer struct {
	db       *sql.DB
	ins      *sql.Stmt
	queue    chan *pending
	quit     chan struct{}
	stopped  chan struct{}
	once     sync.Once
	maxBatch int
}

// DSN is the SQLite connection string the writer uses for path: busy_timeout first,
// then WAL and synchronous=NORMAL; BEGIN IMMEDIATE for write transactions.
func DSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// OpenWriter opens (creating if needed) the SQLite database at path and starts
// the writer goroutine. Call Close to stop it.
func OpenWriter(path string) (*Writer, error) {
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		db.Close()
		return nil, err
	}
	if mode != "wal" {
		db.Close()
		return nil, fmt.Errorf("baseline: journal_mode is %q, want wal", mode)
	}
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS events (
		id TEXT PRIMARY KEY,
		payload TEXT NOT NULL,
		created_at TEXT NOT NULL
	)`); err != nil {
		db.Close()
		return nil, err
	}
	ins, err := db.Prepare(`INSERT INTO events (id, payload, created_at) VALUES ($1, $2, $3)`)
	if err != nil {
		db.Close()
		return nil, err
	}
	w := &Writer{
		db:       db,
		ins:      ins,
		queue:    make(chan *pending),
		quit:     make(chan struct{}),
		stopped:  make(chan struct{}),
		maxBatch: 512,
	}
	go w.loop()
	return w, nil
}

// Record enqueues row and waits until the transaction containing it has committed.
// A nil error means the row is durable.
func (w *Writer) Record(ctx context.Context, row Row) error {
	p := &pending{row: row, done: make(chan error, 1)}
	select {
	case w.queue <- p:
	case <-w.quit:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once enqueued the row is written whatever happens to ctx: wait for the outcome.
	return <-p.done
}

// Count returns the number of rows recorded so far.
func (w *Writer) Count(ctx context.Context) (int, error) {
	var n int
	err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM events`).Scan(&n)
	return n, err
}

// Close stops accepting rows, finishes the batch in flight and closes the database.
func (w *Writer) Close() error {
	w.once.Do(func() { close(w.quit) })
	<-w.stopped
	return errors.Join(w.ins.Close(), w.db.Close())
}

func (w *Writer) loop() {
	defer close(w.stopped)
	batch := make([]*pending, 0, w.maxBatch)
	for {
		select {
		case p := <-w.queue:
			batch = append(batch[:0], p)
		case <-w.quit:
			return
		}
		// Group commit: take every row already waiting, up to maxBatch.
	drain:
		for len(batch) < w.maxBatch {
			select {
			case p := <-w.queue:
				batch = append(batch, p)
			default:
				break drain
			}
		}
		err := w.commit(batch)
		for i, p := range batch {
			p.done <- err
			batch[i] = nil
		}
	}
}

func (w *Writer) commit(batch []*pending) error {
	ctx := context.Background()
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	ins := tx.StmtContext(ctx, w.ins)
	for _, p := range batch {
		if _, err := ins.ExecContext(ctx, p.row.ID, p.row.Payload, p.row.CreatedAt); err != nil {
			_ = tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}
