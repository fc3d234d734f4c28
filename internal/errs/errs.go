// Package errs is the one error type of the platform: a code that the web
// layer maps to an HTTP status in one place, a message key for the reader, and
// field errors that go back to the field of the form or API request.
package errs

import (
	"errors"
	"fmt"
)

// Code classifies an error. Stored nowhere; mapped to HTTP status by web.
type Code string

// The codes a capability may return.
const (
	Internal     Code = "internal"
	Invalid      Code = "invalid"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	Forbidden    Code = "forbidden"
	Unauthorized Code = "unauthorized"
	TooMany      Code = "too_many_requests"
)

// Field is an error at one field: Key is a message catalog key, Args its
// arguments, so that the web layer says it in the reader's language.
type Field struct {
	Name string
	Key  string
	Args []any
}

// Error is the platform's error: Key is a catalog key describing the problem
// for the reader; Fields lists the fields at fault for Invalid.
type Error struct {
	Code   Code
	Key    string
	Args   []any // arguments of Key, for a message that names something (a deadline, a time)
	Fields []Field
	Err    error
}

func (e *Error) Error() string {
	s := string(e.Code)
	if e.Key != "" {
		s += ": " + e.Key
	}
	for _, f := range e.Fields {
		s += fmt.Sprintf(" [%s: %s]", f.Name, f.Key)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with code and catalog key.
func New(code Code, key string) *Error { return &Error{Code: code, Key: key} }

// Newf returns an error whose message, Key, takes args: the API gives it as
// the problem's detail, a page as its message.
func Newf(code Code, key string, args ...any) *Error { return &Error{Code: code, Key: key, Args: args} }

// Wrap returns an error with code and key that wraps err.
func Wrap(code Code, key string, err error) *Error { return &Error{Code: code, Key: key, Err: err} }

// CodeOf returns the code of err: Internal unless err wraps an *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns the *Error within err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Fields collects field errors while validating input.
type Fields []Field

// Add records an error at field name.
func (fs *Fields) Add(name, key string, args ...any) {
	*fs = append(*fs, Field{Name: name, Key: key, Args: args})
}

// Has reports whether field name already has an error.
func (fs Fields) Has(name string) bool {
	for _, f := range fs {
		if f.Name == name {
			return true
		}
	}
	return false
}

// Err returns an Invalid error holding the fields, or nil when there are none.
func (fs Fields) Err() error {
	if len(fs) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Key: "error.invalid", Fields: fs}
}

// NotFoundError is the one "not found" error a store answers for what does
// not exist or what the asker may not know exists (error.not_found).
func NotFoundError() *Error { return New(NotFound, "error.not_found") }
