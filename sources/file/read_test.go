package file

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/vigil-sec/vigil/sources"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "ok.log")
	writeFile(t, regular, "x\n")
	link := filepath.Join(dir, "link.log")
	if err := os.Symlink(regular, link); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling.log")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		is   error
		text string
	}{
		{"regular", regular, nil, ""},
		{"symlink", link, nil, ""},
		{"missing", filepath.Join(dir, "missing.log"), fs.ErrNotExist, "no such file or directory"},
		{"dangling symlink", dangling, fs.ErrNotExist, "no such file or directory"},
		{"directory", dir, ErrNotRegular, "is a directory"},
		{"device", "/dev/null", ErrNotRegular, "not a regular file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.path)
			if tc.is == nil {
				if err != nil {
					t.Fatalf("Check = %v", err)
				}
				return
			}
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.path) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("Check = %v, want %v mentioning %q and %q", err, tc.is, tc.path, tc.text)
			}
			if _, oerr := Open(tc.path, Options{}); oerr == nil || oerr.Error() != err.Error() {
				t.Fatalf("Open error %v, want %v", oerr, err)
			}
		})
	}
}

func TestCheckPermission(t *testing.T) {
	if os.Geteuid() == 0 {
		// Root reads any file, so run this test again as nobody.
		asNobody(t, "^TestCheckPermission$")
		return
	}
	p := tempPath(t, "secret.log")
	writeFile(t, p, "x\n")
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	if err := Check(p); !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("Check = %v", err)
	}
	if _, err := Open(p, Options{}); !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("Open = %v", err)
	}
}

// asNobody re-runs the tests matching pattern in a copy of the test binary
// as uid/gid 65534 and fails unless they pass there.
func asNobody(t *testing.T, pattern string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "vigil-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	bin := filepath.Join(dir, "file.test")
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run="+pattern, "-test.v")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TMPDIR="+dir, "GOCOVERDIR=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
}

// runToEnd runs a non-following source and returns its batches.
func runToEnd(t *testing.T, src sources.Source) []sources.Batch {
	t.Helper()
	out := make(chan sources.Batch, 1<<12)
	if err := src.Run(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	close(out)
	var bs []sources.Batch
	for b := range out {
		bs = append(bs, b)
	}
	return bs
}

func flatten(bs []sources.Batch) (lines []string, offs []int64) {
	for _, b := range bs {
		for _, l := range b.Lines {
			lines = append(lines, string(l.Data))
			offs = append(offs, l.Offset)
		}
	}
	return lines, offs
}

func TestReadToEnd(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    []string
	}{
		{"empty", "", nil},
		{"lines", "a\nbb\nccc\n", []string{"a", "bb", "ccc"}},
		{"no final newline", "a\nbb", []string{"a", "bb"}},
		{"blank lines", "\n\n", []string{"", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tempPath(t, "x.log")
			writeFile(t, p, tc.content)
			src, err := Open(p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			bs := runToEnd(t, src)
			got, offs := flatten(bs)
			if joined(got) != joined(tc.want) || len(got) != len(tc.want) {
				t.Fatalf("got %q want %q", got, tc.want)
			}
			var off int64
			for i := range got {
				if offs[i] != off {
					t.Errorf("line %d offset %d want %d", i, offs[i], off)
				}
				off += int64(len(got[i])) + 1
			}
			fi, _ := os.Stat(p)
			for _, b := range bs {
				if b.Source != "file:"+p || b.Live || !b.ModTime.Equal(fi.ModTime()) {
					t.Errorf("batch meta: %q live=%v mtime=%v", b.Source, b.Live, b.ModTime)
				}
			}
		})
	}
}

func TestHugeLineInFile(t *testing.T) {
	p := tempPath(t, "huge.log")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("before\n")
	f.Write(bytes.Repeat([]byte{'x'}, 10<<20))
	f.WriteString("\nafter\n")
	f.Close()
	src, _ := Open(p, Options{})
	bs := runToEnd(t, src)
	var ls []sources.Line
	for _, b := range bs {
		ls = append(ls, b.Lines...)
	}
	if len(ls) != 3 || string(ls[0].Data) != "before" || string(ls[2].Data) != "after" {
		t.Fatalf("got %d lines", len(ls))
	}
	if len(ls[1].Data) != sources.MaxLine || ls[1].Truncated != 10<<20-sources.MaxLine || ls[1].Offset != 7 {
		t.Fatalf("huge line len %d truncated %d offset %d", len(ls[1].Data), ls[1].Truncated, ls[1].Offset)
	}
}

func TestGzip(t *testing.T) {
	p := tempPath(t, "old.log.2.gz")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("one\ntwo\n"))
	zw.Close()
	writeFile(t, p, buf.String())
	for _, follow := range []bool{false, true} {
		src, err := Open(p, Options{Follow: follow})
		if err != nil {
			t.Fatal(err)
		}
		// Even with Follow, a .gz file is read to its end and Run returns.
		got, _ := flatten(runToEnd(t, src))
		if joined(got) != "one|two" {
			t.Fatalf("follow=%v: got %q", follow, got)
		}
	}
	writeFile(t, p, "not gzip")
	src, _ := Open(p, Options{})
	if err := src.Run(context.Background(), make(chan sources.Batch, 1)); err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("corrupt gzip: %v", err)
	}
}

func TestGlobToEnd(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.log"), "a1\na2\n")
	writeFile(t, filepath.Join(dir, "b.log"), "b1\n")
	writeFile(t, filepath.Join(dir, "c.txt"), "no\n")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("z1\n"))
	zw.Close()
	writeFile(t, filepath.Join(dir, "z.log.gz"), buf.String())
	src, err := Open(filepath.Join(dir, "*.log*"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	bs := runToEnd(t, src)
	got, _ := flatten(bs)
	if joined(got) != "a1|a2|b1|z1" {
		t.Fatalf("got %q", got)
	}
	names := map[string]bool{}
	for _, b := range bs {
		names[b.Source] = true
	}
	for _, n := range []string{"a.log", "b.log", "z.log.gz"} {
		if !names["file:"+filepath.Join(dir, n)] {
			t.Errorf("no batch named for %s: %v", n, names)
		}
	}
	// A glob matching nothing is an error when reading once, not when
	// following (files may appear); a bad pattern always is.
	if _, err := Open(filepath.Join(dir, "*.none"), Options{}); err == nil || !strings.Contains(err.Error(), "no file matches") {
		t.Fatalf("empty glob without follow: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "*.none"), Options{Follow: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(dir, "[.log"), Options{}); err == nil {
		t.Fatal("bad pattern accepted")
	}
}
