package dispenser_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/dispenser"
)

// block returns the fenced code block that follows marker in doc.
func block(t *testing.T, doc, marker string) string {
	t.Helper()
	_, after, ok := strings.Cut(doc, marker)
	if !ok {
		t.Fatalf("PROTOCOL.md has no %s", marker)
	}
	_, after, _ = strings.Cut(after, "```\n")
	body, _, ok := strings.Cut(after, "\n```")
	if !ok {
		t.Fatalf("no fenced block after %s", marker)
	}
	return body
}

var twoSpaces = regexp.MustCompile(`\s{2,}`)

// vector parses "label   value" lines.
func vector(t *testing.T, doc, name string) map[string]string {
	v := map[string]string{}
	for _, line := range strings.Split(block(t, doc, "<!-- vector:"+name+" -->"), "\n") {
		parts := twoSpaces.Split(strings.TrimRight(line, " "), 2)
		if len(parts) == 2 {
			v[parts[0]] = parts[1]
		} else {
			v[parts[0]] = ""
		}
	}
	return v
}

// TestProtocolVectors recomputes the published test vectors from
// PROTOCOL.md and sends them, byte for byte, to a server on both databases.
func TestProtocolVectors(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	each(t, func(t *testing.T, b *bundle) {
		for i, name := range []string{"heartbeat", "schedule"} {
			v := vector(t, doc, name)
			seed, _ := hex.DecodeString(v["secret seed (hex)"])
			key := ed25519.NewKeyFromSeed(seed)
			if got := pubOf(key); got != v["public key (base64)"] {
				t.Fatalf("%s: public key %s, doc says %s", name, got, v["public key (base64)"])
			}
			body := []byte(v["body"])
			if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != v["sha256(body) (hex)"] {
				t.Fatalf("%s: body hash %x", name, sum)
			}
			msg, err := dispenser.StringToSign(v["serial"], v["method"], v["path"], v["query"], v["timestamp"], body)
			if want := block(t, doc, "<!-- string-to-sign:"+name+" -->"); err != nil || string(msg) != want {
				t.Fatalf("%s: string to sign\n%q\ndoc:\n%q (%v)", name, msg, want, err)
			}
			if sig := base64.StdEncoding.EncodeToString(ed25519.Sign(key, msg)); sig != v["signature (base64)"] {
				t.Fatalf("%s: signature %s, doc says %s", name, sig, v["signature (base64)"])
			}
			if i == 0 {
				b.addDispenser(v["serial"], key, &b.w.Patient.ID)
			}
			ts, _ := time.Parse(time.RFC3339, "2026-03-10T14:00:00Z")
			b.clk.Set(ts.Add(time.Duration(i) * time.Minute))
			target := v["path"]
			if v["query"] != "" {
				target += "?" + v["query"]
			}
			hdr := [][2]string{{dispenser.HeaderSerial, v["serial"]}, {dispenser.HeaderTimestamp, v["timestamp"]},
				{dispenser.HeaderSignature, v["signature (base64)"]}}
			if len(body) > 0 {
				hdr = append(hdr, [2]string{"Content-Type", "application/json"})
			}
			if rec := b.raw(v["method"], target, body, hdr); rec.Code != 200 {
				t.Fatalf("%s: the server refused the published request: %d %s", name, rec.Code, rec.Body)
			}
		}
	})
}
