package store

import "context"

// UpTo applies pending migrations up to and including version.
func (m *Migrator) UpTo(ctx context.Context, version int64) error {
	_, err := m.p.UpTo(ctx, version)
	return err
}

// DownTo rolls back migrations until version is the newest applied.
func (m *Migrator) DownTo(ctx context.Context, version int64) error {
	_, err := m.p.DownTo(ctx, version)
	return err
}
