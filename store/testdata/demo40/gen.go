//go:build ignore

// gen dumps a DoseLoop SQLite database as portable INSERT statements (every
// value a quoted literal or NULL, tables in creation order so foreign keys
// hold) that load into either dialect's schema at the same migration
// version. demo_v40.sql.gz was made from the demo seeded by the commit
// before migration 00100 (21ad1b9):
//
//	git archive 21ad1b9 | tar -x -C /tmp/base && (cd /tmp/base && go build -o /tmp/old ./server)
//	DOSELOOP_DATABASE_URL=sqlite:/tmp/old.db /tmp/old seed
//	go run ./store/testdata/demo40/gen.go /tmp/old.db | gzip -9 > store/testdata/demo40/demo_v40.sql.gz
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/doseloop/doseloop/store"
)

func main() {
	db, err := store.Open(context.Background(), "sqlite:"+os.Args[1])
	if err != nil {
		panic(err)
	}
	var tables []string
	db.Raw(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'
		ORDER BY rowid`).Scan(&tables)
	sqlDB, _ := db.DB()
	for _, t := range tables {
		rows, err := sqlDB.Query("SELECT * FROM " + t + " ORDER BY rowid")
		if err != nil {
			panic(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				panic(err)
			}
			lits := make([]string, len(cols))
			for i, v := range vals {
				lits[i] = literal(v)
			}
			fmt.Printf("INSERT INTO %s (%s) VALUES (%s);\n", t, strings.Join(cols, ","), strings.Join(lits, ","))
		}
		rows.Close()
	}
}

func literal(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case bool:
		if x {
			return "'true'"
		}
		return "'false'"
	case []byte:
		return quote(string(x))
	case interface{ UTC() interface{} }:
		return quote(fmt.Sprint(x))
	default:
		if t, ok := v.(interface{ Format(string) string }); ok {
			return quote(t.Format("2006-01-02 15:04:05.999999-07:00"))
		}
		return quote(fmt.Sprint(x))
	}
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
