package httpx

import (
	"strings"
	"testing"

	"github.com/doseloop/doseloop/apperr"
)

type sample struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// FuzzDecodeStrict feeds arbitrary bodies to the strict decoder: it must
// never panic, and every failure must be a user-facing invalid/too-large error.
func FuzzDecodeStrict(f *testing.F) {
	for _, s := range []string{`{"name":"a","count":1}`, `{"name":`, `[]`, `{"x":1}`, `{"count":"1"}`, `{} {}`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var v sample
		err := decodeStrict(strings.NewReader(body), &v)
		if err != nil && apperr.CodeOf(err) != apperr.Invalid && apperr.CodeOf(err) != apperr.TooLarge {
			t.Fatalf("decode %q: non-user error %v", body, err)
		}
	})
}

func TestDecodeStrictRejectsTrailingData(t *testing.T) {
	t.Parallel()
	var v sample
	if err := decodeStrict(strings.NewReader(`{"name":"a"} {"name":"b"}`), &v); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("two JSON values: want invalid, got %v", err)
	}
	if err := decodeStrict(strings.NewReader(`{"name":"a","count":2}`+"\n"), &v); err != nil || v.Count != 2 {
		t.Fatalf("valid body: %v %+v", err, v)
	}
}
