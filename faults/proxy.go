package faults

import (
	"fmt"
	"net/url"
	"sync"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// Proxy is a TCP proxy in front of one upstream (a Postgres address).
// Cut closes every connection through it and refuses new ones until
// Restore: to the server, exactly what a database that went away looks like.
type Proxy struct {
	mu sync.Mutex
	p  *toxiproxy.Proxy
}

// NewProxy starts a proxy on a free loopback port forwarding to upstream
// ("host:port").
func NewProxy(upstream string) (*Proxy, error) {
	srv := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	p := toxiproxy.NewProxy(srv, "postgres", "127.0.0.1:0", upstream)
	if err := p.Start(); err != nil {
		return nil, fmt.Errorf("faults: start proxy: %w", err)
	}
	return &Proxy{p: p}, nil
}

// Addr is the proxy's listen address.
func (p *Proxy) Addr() string { return p.p.Listen }

// Cut drops every open connection and refuses new ones.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.p.Stop()
}

// Restore accepts connections again, on the same address.
func (p *Proxy) Restore() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.p.Start()
}

// Close stops the proxy for good.
func (p *Proxy) Close() { p.Cut() }

// Via rewrites a postgres:// URL to connect through the proxy; the other
// parts (user, database, search_path) stay.
func (p *Proxy) Via(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	u.Host = p.Addr()
	return u.String(), nil
}

// Upstream returns the host:port a postgres:// URL names.
func Upstream(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	if u.Port() == "" {
		return u.Hostname() + ":5432", nil
	}
	return u.Host, nil
}
