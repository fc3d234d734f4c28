package errs

import "testing"

func TestOneLine(t *testing.T) {
	for s, want := range map[string]bool{
		"Kenya ICT Action Network": true, "数字丝路联盟": true, "O'Brien & Søn": true, "": true,
		"नमस्‍ते": true, "👩‍💻": true, // ZWJ
		"line\nbreak": false, "carriage\rreturn": false, "nul\x00": false, "tab\there": false,
		"\u202egnp.exe": false, "\u2066isolate\u2069": false, "mark\u200f": false, "zero\u200bwidth": false,
		"\ufeffbom": false, "para\u2029graph": false, "line\u2028sep": false, "c1\u0085": false, "del\x7f": false,
	} {
		if got := OneLine(s); got != want {
			t.Errorf("OneLine(%q) = %v, want %v", s, got, want)
		}
		var fs Fields
		fs.Line("name", s)
		if fs.Has("name") == want {
			t.Errorf("Line(%q): error %v", s, fs)
		}
	}
}
