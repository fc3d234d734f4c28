package db

import (
	"context"
	"fmt"
)

// Scanner is a row to scan: *sql.Row or *sql.Rows.
type Scanner interface{ Scan(dest ...any) error }

// All runs a query and scans every row with scan. Errors name the query's
// origin, what.
func All[T any](ctx context.Context, q Querier, what string, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// Counts runs a query whose rows are (key, count) and returns them as a map.
func Counts[K ~string](ctx context.Context, q Querier, what, query string, args ...any) (map[K]int, error) {
	type kv struct {
		k K
		n int
	}
	rows, err := All(ctx, q, what, func(r Scanner) (kv, error) {
		var x kv
		err := r.Scan(&x.k, &x.n)
		return x, err
	}, query, args...)
	if err != nil {
		return nil, err
	}
	m := make(map[K]int, len(rows))
	for _, x := range rows {
		m[x.k] += x.n
	}
	return m, nil
}
