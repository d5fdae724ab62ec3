package loggen

import (
	"bytes"
	"testing"
	"time"
)

func TestSyslogDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if err := Syslog(&a, 1000, 7, start); err != nil {
		t.Fatal(err)
	}
	if err := Syslog(&b, 1000, 7, start); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("same seed gave different output")
	}
	if n := bytes.Count(a.Bytes(), []byte{'\n'}); n != 1000 {
		t.Fatalf("got %d lines, want 1000", n)
	}
	if avg := a.Len() / 1000; avg < 80 || avg > 200 {
		t.Errorf("average line length %d, want a realistic 80..200", avg)
	}
}

func TestServerDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if err := Server(&a, 2000, 7, start); err != nil {
		t.Fatal(err)
	}
	if err := Server(&b, 2000, 7, start); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("same seed gave different output")
	}
	if n := bytes.Count(a.Bytes(), []byte{'\n'}); n != 2000 {
		t.Fatalf("got %d lines, want 2000", n)
	}
}
