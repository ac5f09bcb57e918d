package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Batcher is a group-commit writer: many callers hand it small write functions,
// it runs whatever is waiting in one transaction, and each caller returns only
// after the transaction holding its write has committed. On SQLite one commit per
// batch instead of one per request is what lets a single writer keep up with
// hundreds of learners posting answers at once, with every acknowledged write
// durable.
//
// Each function runs inside its own SAVEPOINT, so one bad write fails alone and
// the rest of its batch still commits.
type Batcher struct {
	db       *DB
	maxBatch int
	maxWait  time.Duration
	queue    chan *batchItem
	done     chan struct{}
	stopOnce sync.Once
	closed   chan struct{}
}

type batchItem struct {
	ctx context.Context
	fn  func(tx *sql.Tx) error
	err chan error
}

// ErrBatcherClosed is returned by Do after Close.
var ErrBatcherClosed = errors.New("db: batcher closed")

// NewBatcher starts a batcher. maxBatch caps writes per transaction (default 256);
// maxWait is how long the first write of a batch may wait for company (default 0:
// a batch is whatever queued while the previous one committed).
func NewBatcher(d *DB, maxBatch int, maxWait time.Duration) *Batcher {
	if maxBatch <= 0 {
		maxBatch = 256
	}
	b := &Batcher{
		db:       d,
		maxBatch: maxBatch,
		maxWait:  maxWait,
		queue:    make(chan *batchItem, maxBatch*4),
		done:     make(chan struct{}),
		closed:   make(chan struct{}),
	}
	go b.loop()
	return b
}

// Do runs fn in the next batch and returns fn's error, or the commit's. It
// returns once the write is committed (or failed).
func (b *Batcher) Do(ctx context.Context, fn func(tx *sql.Tx) error) error {
	it := &batchItem{ctx: ctx, fn: fn, err: make(chan error, 1)}
	select {
	case <-b.closed:
		return ErrBatcherClosed
	default:
	}
	select {
	case b.queue <- it:
	case <-b.closed:
		return ErrBatcherClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Wait for the outcome even if ctx ends: the write may already be in a batch
	// that is committing, and the caller must not report failure for a write
	// that lands. If Close raced with the enqueue and the loop has already
	// drained and stopped, nothing will answer: report the batcher closed.
	select {
	case err := <-it.err:
		return err
	case <-b.done:
		select {
		case err := <-it.err:
			return err
		default:
			return ErrBatcherClosed
		}
	}
}

// Close stops taking writes, finishes what is queued, and waits.
func (b *Batcher) Close() {
	b.stopOnce.Do(func() { close(b.closed) })
	<-b.done
}

func (b *Batcher) loop() {
	defer close(b.done)
	batch := make([]*batchItem, 0, b.maxBatch)
	for {
		batch = batch[:0]
		select {
		case it := <-b.queue:
			batch = append(batch, it)
		case <-b.closed:
			// Drain whatever was enqueued before Close.
			for {
				select {
				case it := <-b.queue:
					batch = append(batch, it)
					if len(batch) == b.maxBatch {
						b.commit(batch)
						batch = batch[:0]
					}
				default:
					if len(batch) > 0 {
						b.commit(batch)
					}
					return
				}
			}
		}
		b.fill(&batch)
		b.commit(batch)
	}
}

func (b *Batcher) fill(batch *[]*batchItem) {
	var timer <-chan time.Time
	if b.maxWait > 0 {
		t := time.NewTimer(b.maxWait)
		defer t.Stop()
		timer = t.C
	}
	for len(*batch) < b.maxBatch {
		if timer == nil {
			select {
			case it := <-b.queue:
				*batch = append(*batch, it)
			default:
				return
			}
			continue
		}
		select {
		case it := <-b.queue:
			*batch = append(*batch, it)
		case <-timer:
			return
		}
	}
}

func (b *Batcher) commit(batch []*batchItem) {
	results := make([]error, len(batch))
	err := b.db.Tx(context.Background(), func(tx *sql.Tx) error {
		for i, it := range batch {
			if it.ctx.Err() != nil {
				results[i] = it.ctx.Err()
				continue
			}
			if _, err := tx.Exec("SAVEPOINT w"); err != nil {
				return err
			}
			if err := it.fn(tx); err != nil {
				results[i] = err
				if _, rerr := tx.Exec("ROLLBACK TO SAVEPOINT w"); rerr != nil {
					return rerr
				}
			}
			if _, err := tx.Exec("RELEASE SAVEPOINT w"); err != nil {
				return err
			}
		}
		return nil
	})
	for i, it := range batch {
		if err != nil {
			it.err <- fmt.Errorf("db: batch commit: %w", err)
			continue
		}
		it.err <- results[i]
	}
}
