package db

import "testing"

func TestJSON(t *testing.T) {
	if got := JSON([]string{"ai", "5g"}); got != `["ai","5g"]` {
		t.Fatalf("JSON = %s", got)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a value JSON cannot write did not panic")
		}
	}()
	JSON(make(chan int))
}
