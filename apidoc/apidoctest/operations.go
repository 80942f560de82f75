package apidoctest

import (
	"net/http"
	"sort"
	"strings"
)

// Operations lists every documented operation as "METHOD /path/{param}",
// sorted, so a test can check it exercised them all.
func Operations() ([]string, error) {
	doc, err := Load()
	if err != nil {
		return nil, err
	}
	var out []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(out)
	return out, nil
}

// Operation names the documented operation req matches, in the form
// Operations uses.
func (v *Validator) Operation(req *http.Request) (string, error) {
	route, _, err := v.router.FindRoute(req)
	if err != nil {
		return "", err
	}
	return req.Method + " " + route.Path, nil
}
