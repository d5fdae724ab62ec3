// Package config reads the user's configuration file,
// $XDG_CONFIG_HOME/vigil/config.yaml (~/.config/vigil/config.yaml when
// XDG_CONFIG_HOME is unset):
//
//	theme: dark
//	buffer_size: 2M          # or 2000000; k and M count thousands and millions
//	sources: [/var/log/auth.log, journald]
//	rules: [~/rules/site.yaml]
//	utc: false
//	keys:
//	  filter: ["f", "ctrl+f"]   # action: a key or a list of keys
//	  quit: q
//	  help: []                  # an empty list (or nothing) unbinds
//
// Every key is optional and an empty file is a valid one. Parse checks the
// file's shape: unknown keys, values of the wrong kind, duplicates; each
// problem is an *Error naming the file and line. It does not judge names it
// cannot know: the caller checks the theme against package themes and the
// actions and keys against its keymap, with ThemeLine, KeyBinding.Line and
// File.ErrorAt to report them the same way.
//
// Paths: "~" and "~/" are expanded in sources and rules; relative rule
// files are resolved against the config file's directory. Sources are
// otherwise passed on as written (globs, "journald", "-", URLs).
package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/vigil-sec/vigil/internal/yamlerr"
)

// File is the content of a config file. Zero values mean "not set".
type File struct {
	// Path is where the file was read from, "" when there was none.
	Path string
	// Theme is the theme name as written ("" when not set), and ThemeLine
	// its line, for the caller's check of the name.
	Theme     string
	ThemeLine int
	// Sources are the default sources, used when none are given.
	Sources []string
	// BufferSize is the number of events kept in memory, 0 for the default.
	BufferSize int
	// Rules are extra rule files, as absolute or working-directory paths.
	Rules []string
	// UTC is whether to show times in UTC; nil when not set.
	UTC *bool
	// Keys are the key rebindings in file order. An action appears at most
	// once; an empty Keys unbinds it.
	Keys []KeyBinding

	lines map[string]int
}

// KeyBinding rebinds one action to keys written the way Bubble Tea names
// them ("ctrl+f", "enter", "f").
type KeyBinding struct {
	Action string
	Keys   []string
	// Line is the line of the action in the file.
	Line int
}

// Line returns the line of top-level key (such as "buffer_size") in the
// file, 0 if the file does not set it.
func (f File) Line(key string) int {
	return f.lines[key]
}

// ErrorAt returns an *Error at line of f's file, for a problem the caller
// finds in a value (an unknown theme or action).
func (f File) ErrorAt(line int, format string, args ...any) error {
	return &Error{File: f.Path, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// Error is one problem in a config file.
type Error struct {
	File string
	Line int
	Msg  string
}

// Error returns FILE:LINE: message.
func (e *Error) Error() string {
	if e.File == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// ErrorList is every problem Parse found, in file order.
type ErrorList = yamlerr.List[*Error]

// DefaultPath returns where the config file lives:
// $XDG_CONFIG_HOME/vigil/config.yaml, or ~/.config/vigil/config.yaml when
// XDG_CONFIG_HOME is unset or, as the XDG specification says to treat it,
// relative.
func DefaultPath() (string, error) {
	if dir := os.Getenv("XDG_CONFIG_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "vigil", "config.yaml"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("config: no config directory: %w", err)
	}
	return filepath.Join(home, ".config", "vigil", "config.yaml"), nil
}

// maxSize bounds a config file, so a path such as /dev/zero fails fast.
const maxSize = 1 << 20

// Load reads and parses the config file at path. An empty path means
// DefaultPath, where a missing file (or no home directory at all) is not an
// error: Load returns the zero File. A file given by path must exist.
func Load(path string) (File, error) {
	optional := path == ""
	if optional {
		p, err := DefaultPath()
		if err != nil {
			return File{}, nil
		}
		path = p
	}
	data, err := readFile(path)
	if err != nil {
		if optional && errors.Is(err, fs.ErrNotExist) {
			return File{}, nil
		}
		return File{}, fmt.Errorf("config: %w", err)
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return File{}, fmt.Errorf("config: %w", err)
	}
	return parse(path, dir, data)
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSize {
		return nil, fmt.Errorf("%s: larger than %d KiB, not a config file", path, maxSize>>10)
	}
	return data, nil
}

// Parse parses data as the config file name: name is used in errors, as
// File.Path, and its directory to resolve relative rule files. The error
// is an ErrorList; on error the File is zero.
func Parse(name string, data []byte) (File, error) {
	return parse(name, filepath.Dir(name), data)
}
