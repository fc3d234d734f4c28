package main

import (
	"os"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	// Fields 14 and 15 are 250 and 50 ticks; the name holds ") (".
	line := "4242 (wu zhen) (x)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 9 0 100 2000000 500 18446744073709551615\n"
	got, ok := parseStatCPU(line)
	if !ok || got != 300*clockTick {
		t.Errorf("parseStatCPU = %v, %v; want %v", got, ok, 300*clockTick)
	}
	if _, ok := parseStatCPU("garbage"); ok {
		t.Error("garbage parsed")
	}
	if _, ok := processCPU(os.Getpid()); !ok {
		t.Error("processCPU of this process failed")
	}
	if d, ok := selfCPU(); !ok || d < 0 || d > 24*time.Hour {
		t.Errorf("selfCPU = %v, %v", d, ok)
	}
}

func TestParseProcStat(t *testing.T) {
	stat := "cpu  100 5 50 9000 20 1 2 3 0 0\ncpu0 50 2 25 4500 10 0 1 1 0 0\n"
	got, ok := parseProcStat(stat)
	if want := (100 + 5 + 50 + 1 + 2 + 3) * clockTick; !ok || got != want {
		t.Errorf("parseProcStat = %v, %v; want %v", got, ok, want)
	}
	if _, ok := parseProcStat("intr 1 2 3"); ok {
		t.Error("a line without cpu parsed")
	}
	if _, ok := machineBusy(); !ok {
		t.Error("machineBusy failed")
	}
}
