package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/doseloop/doseloop/migrations"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/gorm"
)

// Migrator applies the embedded migrations for db's dialect.
type Migrator struct{ p *goose.Provider }

// NewMigrator builds a goose provider over the dialect's migration folder. On
// Postgres an advisory session lock keeps replicas from migrating at once.
func NewMigrator(db *gorm.DB) (*Migrator, error) {
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	dialect, dir := goose.DialectSQLite3, "sqlite"
	var opts []goose.ProviderOption
	if IsPostgres(db) {
		dialect, dir = goose.DialectPostgres, "postgres"
		// The lock is per schema, so replicas sharing a schema take turns
		// while tests in schemas of their own never wait for each other.
		var schema string
		if err := db.Raw("SELECT current_schema()").Scan(&schema).Error; err != nil {
			return nil, err
		}
		h := fnv.New64a()
		h.Write([]byte("doseloop-migrate:" + schema))
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64()>>1)), lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	sub, err := fs.Sub(migrations.FS, dir)
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(dialect, sqlDB, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return &Migrator{p: p}, nil
}

// Up applies every pending migration.
func (m *Migrator) Up(ctx context.Context) error {
	_, err := m.p.Up(ctx)
	return err
}

// Down rolls back the most recent migration.
func (m *Migrator) Down(ctx context.Context) error {
	_, err := m.p.Down(ctx)
	return err
}

// Reset rolls back every migration.
func (m *Migrator) Reset(ctx context.Context) error {
	_, err := m.p.DownTo(ctx, 0)
	return err
}

// Status lists each migration and whether it is applied.
func (m *Migrator) Status(ctx context.Context) ([]*goose.MigrationStatus, error) {
	return m.p.Status(ctx)
}

// Current reports whether every migration is applied (for /readyz).
func (m *Migrator) Current(ctx context.Context) (bool, error) {
	pending, err := m.p.HasPending(ctx)
	return !pending, err
}

// Migrate opens a migrator for db and applies every pending migration.
func Migrate(ctx context.Context, db *gorm.DB) error {
	m, err := NewMigrator(db)
	if err != nil {
		return err
	}
	return m.Up(ctx)
}

// OpenMigrated opens the database named by url and applies every pending
// migration: what the server and the benchmarks need before any work.
func OpenMigrated(ctx context.Context, url string) (*gorm.DB, error) {
	db, err := Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := Migrate(ctx, db); err != nil {
		Close(db)
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return db, nil
}
