package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestTLSServing serves HTTPS with a throwaway certificate: TLS 1.1 is
// refused, TLS 1.2 works and the answer carries HSTS.
func TestTLSServing(t *testing.T) {
	t.Parallel()
	cert, key := selfSigned(t)
	b := setup(t, map[string]string{"DOSELOOP_ADDR": "127.0.0.1:0", "DOSELOOP_TLS_CERT_FILE": cert, "DOSELOOP_TLS_KEY_FILE": key})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.app.serve(ctx, io.Discard) }()
	defer func() { cancel(); <-done }()
	var addr string
	for i := 0; i < 300 && addr == ""; i++ {
		time.Sleep(10 * time.Millisecond)
		addr = b.app.listening()
	}
	get := func(max uint16) (*http.Response, error) {
		tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MaxVersion: max}}
		return (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get("https://" + addr + "/healthz")
	}
	if _, err := get(tls.VersionTLS11); err == nil {
		t.Fatal("TLS 1.1 was accepted")
	}
	res, err := get(tls.VersionTLS12)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Strict-Transport-Security") == "" {
		t.Fatalf("TLS 1.2: %d, HSTS %q", res.StatusCode, res.Header.Get("Strict-Transport-Security"))
	}
}

func selfSigned(t *testing.T) (certFile, keyFile string) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(k)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return certFile, keyFile
}
