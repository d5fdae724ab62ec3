package export

import (
	"encoding/csv"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sanitize"
)

// csvColumns are the CSV table's columns, in order.
var csvColumns = []string{
	"time", "host", "app", "pid", "severity", "categories", "rules",
	"user", "src_ip", "message", "source", "offset", "raw_sha256",
}

func writeCSV(w io.Writer, h Header, events iter.Seq[*event.Event]) (int, error) {
	cw := csv.NewWriter(w)
	meta := func(k, v string) {
		cw.Write([]string{"# " + k, cell(v)}) // errors stick in cw
	}
	meta("vigil export", h.Version)
	meta("created", string(appendTime(nil, h.Created, "")))
	meta("host", h.Host)
	meta("selection", h.Selection)
	meta("query", h.Query)
	meta("from", string(appendTime(nil, h.From, "")))
	meta("to", string(appendTime(nil, h.To, "")))
	for _, s := range h.Sources {
		meta("source", s)
	}
	meta("events", strconv.Itoa(h.Count))
	meta("hash", hashNote)
	cw.Write(csvColumns)

	rec := make([]string, len(csvColumns))
	var buf []byte
	n := 0
	for e := range events {
		if e == nil {
			continue
		}
		// The generated cells share one string: one allocation a row.
		buf = event.AppendTime(buf[:0], e.Time)
		t := len(buf)
		buf = appendRawSHA256(buf, e)
		h := len(buf)
		if e.PID != 0 {
			buf = strconv.AppendInt(buf, int64(e.PID), 10)
		}
		p := len(buf)
		if e.Offset >= 0 {
			buf = strconv.AppendInt(buf, e.Offset, 10)
		}
		gen := string(buf)
		rec[0] = gen[:t]
		rec[1] = cell(e.Host)
		rec[2] = cell(e.App)
		rec[3] = gen[h:p]
		rec[4] = e.Severity.String()
		rec[5] = cell(strings.Join(e.Categories, ";"))
		rec[6] = cell(strings.Join(e.Rules, ";"))
		rec[7] = cell(e.Fields["user"])
		rec[8] = cell(e.Fields["src_ip"])
		rec[9] = cell(e.Message)
		rec[10] = cell(e.Source)
		rec[11] = gen[p:]
		rec[12] = gen[t:h]
		if err := cw.Write(rec); err != nil {
			return n, err
		}
		n++
	}
	cw.Flush()
	return n, cw.Error()
}

// cell makes s safe for a CSV cell: escaped if it still holds anything a
// terminal would act on, and with an apostrophe in front if a spreadsheet
// would take it for a formula.
func cell(s string) string {
	if sanitize.NeededString(s) {
		s = sanitize.String(s)
	}
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + s
		}
	}
	return s
}
