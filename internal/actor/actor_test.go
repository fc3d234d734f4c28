package actor

import "testing"

func TestHasRole(t *testing.T) {
	var none *Actor
	if none.HasRole("admin") || none.Signed() {
		t.Fatal("a nil actor holds no role and is not signed in")
	}
	a := &Actor{ID: 7, Roles: []string{"secretariat"}}
	if !a.HasRole("secretariat") || a.HasRole("admin") || !a.Signed() {
		t.Fatalf("roles of %+v", a)
	}
}
