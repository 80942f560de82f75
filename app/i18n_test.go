package app_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every English text has a Spanish one and the other way round, with the
// same {placeholders}: no screen shows a key or half a sentence.
func TestSpanishMatchesEnglish(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("src/i18n.js")
	if err != nil {
		t.Fatal(err)
	}
	block := func(name string) map[string]string {
		start := strings.Index(string(src), "const "+name+" = {")
		end := strings.Index(string(src)[start:], "\n};")
		out := map[string]string{}
		for _, m := range regexp.MustCompile(`(\w+): '((?:[^'\\]|\\.)*)'`).FindAllStringSubmatch(string(src)[start:start+end], -1) {
			out[m[1]] = m[2]
		}
		return out
	}
	en, es := block("en"), block("es")
	if len(en) < 100 {
		t.Fatalf("parsed only %d English texts", len(en))
	}
	vars := regexp.MustCompile(`\{\w+\}`)
	for k, v := range en {
		w, ok := es[k]
		a, b := vars.FindAllString(v, -1), vars.FindAllString(w, -1)
		slices.Sort(a)
		slices.Sort(b)
		if !ok || !slices.Equal(a, b) {
			t.Errorf("%s: en %q, es %q", k, v, w)
		}
	}
	for k := range es {
		if _, ok := en[k]; !ok {
			t.Errorf("%s: Spanish only", k)
		}
	}
}
