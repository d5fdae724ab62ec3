package export

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vigil-sec/vigil/event"
)

func TestWriteFile(t *testing.T) {
	for _, f := range []Format{JSONL, CSV, Text} {
		t.Run(f.String(), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "case-42"+f.Ext())
			evs := sample()
			n, err := WriteFile(path, false, f, header(len(evs)), slices.Values(evs))
			if err != nil || n != len(evs) {
				t.Fatalf("WriteFile = %d, %v", n, err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if want := write(t, f, evs); !bytes.Equal(got, want) {
				t.Error("file differs from Write's output")
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", st.Mode().Perm())
			}
			onlyFiles(t, dir, "case-42"+f.Ext())
		})
	}
}

func TestWriteFileRefusesOverwrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ev.txt")
	if err := os.WriteFile(path, []byte("earlier evidence\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	evs := sample()
	n, err := WriteFile(path, false, Text, header(len(evs)), slices.Values(evs))
	if !errors.Is(err, fs.ErrExist) || n != 0 {
		t.Fatalf("WriteFile over an existing file = %d, %v; want fs.ErrExist", n, err)
	}
	if b, _ := os.ReadFile(path); string(b) != "earlier evidence\n" {
		t.Errorf("existing file changed: %q", b)
	}
	onlyFiles(t, dir, "ev.txt")

	// A dangling symlink is a name in use too.
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), link); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteFile(link, false, Text, header(len(evs)), slices.Values(evs)); !errors.Is(err, fs.ErrExist) {
		t.Errorf("dangling symlink: %v", err)
	}

	n, err = WriteFile(path, true, Text, header(len(evs)), slices.Values(evs))
	if err != nil || n != len(evs) {
		t.Fatalf("overwrite: %d, %v", n, err)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, write(t, Text, evs)) {
		t.Error("overwrite did not replace the file")
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("overwritten file mode %v, want 0600", st.Mode().Perm())
	}
	onlyFiles(t, dir, "ev.txt", "link.txt")
}

// TestWriteFileAppearsMeanwhile checks the final, race-free check: a file
// that appears while the export is written is not replaced.
func TestWriteFileAppearsMeanwhile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ev.jsonl")
	evs := sample()
	seq := func(yield func(*event.Event) bool) {
		if err := os.WriteFile(path, []byte("other\n"), 0o600); err != nil {
			t.Error(err)
		}
		for _, e := range evs {
			if !yield(e) {
				return
			}
		}
	}
	if _, err := WriteFile(path, false, JSONL, header(len(evs)), seq); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("err %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "other\n" {
		t.Errorf("file replaced: %q", b)
	}
	onlyFiles(t, dir, "ev.jsonl")
}

func TestWriteFileFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ev.csv")
	evs := sample()
	if _, err := WriteFile(path, false, CSV, header(len(evs)+1), slices.Values(evs)); !errors.Is(err, ErrCount) {
		t.Fatalf("err %v, want ErrCount", err)
	}
	onlyFiles(t, dir)

	if _, err := WriteFile(filepath.Join(dir, "missing", "ev.csv"), false, CSV, header(len(evs)), slices.Values(evs)); err == nil {
		t.Error("no error for a missing directory")
	}
	if _, err := WriteFile(path, false, Format(0), header(len(evs)), slices.Values(evs)); err == nil {
		t.Error("no error for an unknown format")
	}
	onlyFiles(t, dir)
}

// onlyFiles fails unless dir holds exactly names: no temporary files left.
func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	slices.Sort(names)
	if !slices.Equal(got, names) {
		t.Errorf("directory holds %q, want %q", got, names)
	}
}
