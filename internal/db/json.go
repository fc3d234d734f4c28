package db

import "encoding/json"

// JSON writes v for a TEXT column that holds JSON (a list of codes, a
// form's questions). v is the caller's own plain data: a value that cannot
// be marshalled is a programming error, and JSON panics.
func JSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
