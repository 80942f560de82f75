package store

import "context"

// DownTo rolls back migrations until version is the newest applied.
func (m *Migrator) DownTo(ctx context.Context, version int64) error {
	_, err := m.p.DownTo(ctx, version)
	return err
}
