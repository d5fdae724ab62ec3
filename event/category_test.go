package event

import "testing"

// TestCategoryTable checks the table the contract fixes: 21 unique IDs,
// short badge names unique and at most ten cells, every field filled.
func TestCategoryTable(t *testing.T) {
	cats := Categories()
	if len(cats) != 21 {
		t.Fatalf("%d categories, want 21", len(cats))
	}
	ids, shorts := map[string]bool{}, map[string]bool{}
	for i, c := range cats {
		if ids[c.ID] || shorts[c.Short] {
			t.Errorf("%s: ID or short name %q used twice", c.ID, c.Short)
		}
		ids[c.ID], shorts[c.Short] = true, true
		if c.Title == "" || c.Control == "" || c.Short == "" || len(c.Short) > 10 {
			t.Errorf("%+v: missing or too long fields", c)
		}
		if CategoryIndex(c.ID) != i {
			t.Errorf("CategoryIndex(%s) = %d, want %d", c.ID, CategoryIndex(c.ID), i)
		}
	}
	if CategoryIndex("nope") != -1 {
		t.Error("unknown ID has an index")
	}
}
