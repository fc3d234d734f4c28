package chart

import (
	"encoding/json"
	"testing"
)

func TestSuppress(t *testing.T) {
	got := Suppress(map[string]int{"KE": 12, "CN": 30, "FR": 1, "BR": 7, "JP": 7})
	for k, want := range map[string]Cell{"KE": {N: 12}, "CN": {N: 30}, "FR": {Suppressed: true},
		"BR": {Suppressed: true}, "JP": {N: 7}} { // one small cell: the smallest other (BR before JP) goes too
		if got[k] != want {
			t.Errorf("%s: %+v, want %+v", k, got[k], want)
		}
	}
	got = Suppress(map[string]int{"a": 0, "b": 3, "c": 9})
	if !got["a"].Suppressed || !got["b"].Suppressed || got["c"] != (Cell{N: 9}) {
		t.Errorf("two small cells: %+v", got)
	}
	b, _ := json.Marshal(map[string]Cell{"x": {N: 5}, "y": {Suppressed: true}})
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil || back["x"] != 5.0 || back["y"] != "<5" {
		t.Errorf("JSON %s", b)
	}
	if Total(4).Shown() || !Total(5).Shown() {
		t.Error("Total")
	}
}
