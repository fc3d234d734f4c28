package countrydata

import (
	"slices"
	"strings"
	"testing"
)

func TestAssignedCodes(t *testing.T) {
	codes := AssignedCodes()
	if len(codes) != 249 {
		t.Errorf("AssignedCodes() has %d codes, want 249", len(codes))
	}
	if !slices.IsSorted(codes) {
		t.Error("AssignedCodes() is not sorted")
	}
	for _, c := range []string{"HK", "MO", "TW", "PR", "GL", "AQ", "BQ", "CW", "SX", "SS", "UM"} {
		if !slices.Contains(codes, c) {
			t.Errorf("AssignedCodes() lacks %s", c)
		}
	}
	for _, c := range []string{"XK", "AC", "AN", "CS", "SU", "YU", "UK", "EU", "EZ", "UN", "QO", "ZZ", "TP", "ZR"} {
		if slices.Contains(codes, c) {
			t.Errorf("AssignedCodes() has %s, which is not officially assigned", c)
		}
	}
}

func TestReadEconomies(t *testing.T) {
	codes := AssignedCodes()
	good := "# comment\ncode,income_group,ldc\nKE,lower_middle,false\nVE,,false\nET,low,true\n"
	got, err := ReadEconomies([]byte(good), codes)
	if err != nil {
		t.Fatalf("ReadEconomies(good): %v", err)
	}
	want := map[string]Economy{"KE": {"lower_middle", false}, "VE": {"", false}, "ET": {"low", true}}
	if len(got) != len(want) {
		t.Errorf("ReadEconomies(good) = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("ReadEconomies(good)[%s] = %v, want %v", k, got[k], v)
		}
	}

	for name, in := range map[string]string{
		"no header":    "KE,lower_middle,false\n",
		"bad header":   "code,income,ldc\nKE,lower_middle,false\n",
		"unknown code": "code,income_group,ldc\nXK,upper_middle,false\n",
		"lower code":   "code,income_group,ldc\nke,lower_middle,false\n",
		"duplicate":    "code,income_group,ldc\nKE,lower_middle,false\nKE,lower_middle,false\n",
		"bad income":   "code,income_group,ldc\nKE,middle,false\n",
		"bad ldc":      "code,income_group,ldc\nKE,lower_middle,yes\n",
		"empty ldc":    "code,income_group,ldc\nKE,lower_middle,\n",
		"few fields":   "code,income_group,ldc\nKE,lower_middle\n",
	} {
		if _, err := ReadEconomies([]byte(in), codes); err == nil {
			t.Errorf("%s: ReadEconomies accepted it", name)
		}
		if _, err := Generate([]byte(in)); err == nil {
			t.Errorf("%s: Generate accepted it", name)
		}
	}
}

func TestGenerateWithoutEconomies(t *testing.T) {
	out, err := Generate([]byte("code,income_group,ldc\n"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != 250 {
		t.Fatalf("%d lines, want a header and 249 rows", len(lines))
	}
	if lines[0] != strings.Join(Header, ",") {
		t.Errorf("header %q", lines[0])
	}
	for _, l := range lines[1:] {
		if !strings.HasSuffix(l, ",,false") {
			t.Errorf("row %q has income or LDC data with an empty economies.csv", l)
		}
	}
}
