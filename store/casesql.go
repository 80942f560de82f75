package store

import "strings"

// CaseByID builds "CASE id WHEN ? THEN ? ... END" for a set-based UPDATE
// that gives each row its own value. On Postgres each value is cast to the
// column's type, because an untyped parameter inside a CASE has none; this
// is the one place that difference lives.
type CaseByID struct {
	pg   bool
	sb   strings.Builder
	Args []any // the parameters, in order, for the SQL
}

// NewCaseByID starts a CASE expression for the dialect (pg: Postgres).
func NewCaseByID(pg bool) *CaseByID {
	c := &CaseByID{pg: pg}
	c.sb.WriteString("CASE id")
	return c
}

// When adds "WHEN id THEN v"; pgType is the column's Postgres type.
func (c *CaseByID) When(id int64, v any, pgType string) {
	if c.pg {
		c.sb.WriteString(" WHEN ? THEN CAST(? AS " + pgType + ")")
	} else {
		c.sb.WriteString(" WHEN ? THEN ?")
	}
	c.Args = append(c.Args, id, v)
}

// SQL is the finished expression.
func (c *CaseByID) SQL() string { return c.sb.String() + " END" }
