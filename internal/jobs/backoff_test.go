package jobs

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		attempt int
		base    time.Duration
	}{
		{1, 10 * time.Second},
		{2, 20 * time.Second},
		{3, 40 * time.Second},
		{8, 1280 * time.Second},
		{9, 2560 * time.Second},
		{10, time.Hour},
		{1000, time.Hour},
	} {
		for range 50 {
			if d := backoff(c.attempt); d < c.base || d > c.base+c.base/10 {
				t.Fatalf("backoff(%d) = %v, want %v plus at most 10%%", c.attempt, d, c.base)
			}
		}
	}
}
