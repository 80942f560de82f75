package faults

import (
	"context"
	"testing"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"go.uber.org/goleak"
	"gorm.io/gorm"
)

// Proxied gives a fault test a migrated Postgres schema of its own,
// reached directly (to seed and to check) and through a Proxy the test can
// cut (for the code under test): it returns the direct connection, the
// proxy and the URL through it. It skips t without DOSELOOP_TEST_DATABASE_URL.
func Proxied(t testing.TB) (direct *gorm.DB, px *Proxy, via string) {
	t.Helper()
	direct, dsn := storetest.PostgresURL(t)
	if err := store.Migrate(context.Background(), direct); err != nil {
		t.Fatal(err)
	}
	up, err := Upstream(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if px, err = NewProxy(up); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(px.Close)
	if via, err = px.Via(dsn); err != nil {
		t.Fatal(err)
	}
	return direct, px, via
}

// IgnoreProxy is the goleak option set a fault test's goroutine check
// adds: the proxy's own accept loop (restarted by Restore) is the test's.
func IgnoreProxy(opts ...goleak.Option) []goleak.Option {
	return append(opts, goleak.IgnoreAnyFunction("github.com/Shopify/toxiproxy/v2.(*Proxy).server"),
		goleak.IgnoreAnyFunction("github.com/Shopify/toxiproxy/v2.(*Proxy).freeBlocker"))
}
