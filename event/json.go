package event

import (
	"strconv"
	"time"
	"unicode/utf8"
	"unsafe"
)

// AppendJSON appends e as one JSON object in the contract's format (no
// trailing newline), with empty fields omitted and field keys sorted so the
// output is stable. withRaw adds the original line as "raw". It is the hot
// path of `vigil stream --format json` and allocates nothing when dst has room.
func AppendJSON(dst []byte, e *Event, withRaw bool) []byte {
	dst = append(dst, `{"time":"`...)
	dst = AppendTime(dst, e.Time)
	dst = append(dst, '"')
	if e.TimeGuessed {
		dst = append(dst, `,"time_guessed":true`...)
	}
	if e.Host != "" {
		dst = append(dst, `,"host":`...)
		dst = AppendJSONString(dst, e.Host)
	}
	if e.App != "" {
		dst = append(dst, `,"app":`...)
		dst = AppendJSONString(dst, e.App)
	}
	if e.PID != 0 {
		dst = append(dst, `,"pid":`...)
		dst = strconv.AppendInt(dst, int64(e.PID), 10)
	}
	dst = append(dst, `,"severity":"`...)
	dst = append(dst, e.Severity.String()...)
	dst = append(dst, `","message":`...)
	dst = AppendJSONString(dst, e.Message)
	if len(e.Categories) > 0 {
		dst = append(dst, `,"categories":`...)
		dst = appendStrings(dst, e.Categories)
	}
	if len(e.Rules) > 0 {
		dst = append(dst, `,"rules":`...)
		dst = appendStrings(dst, e.Rules)
	}
	if len(e.Fields) > 0 {
		dst = append(dst, `,"fields":{`...)
		dst = appendFields(dst, e.Fields)
		dst = append(dst, '}')
	}
	if e.Template != "" {
		dst = append(dst, `,"template":`...)
		dst = AppendJSONString(dst, e.Template)
	}
	if e.Source != "" {
		dst = append(dst, `,"source":`...)
		dst = AppendJSONString(dst, e.Source)
	}
	if e.Truncated > 0 {
		dst = append(dst, `,"truncated_bytes":`...)
		dst = strconv.AppendInt(dst, e.Truncated, 10)
	}
	dst = append(dst, `,"deviations":[`...)
	for i := range e.Deviations {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendDeviation(dst, &e.Deviations[i])
	}
	dst = append(dst, ']')
	if withRaw && e.Raw != nil {
		dst = append(dst, `,"raw":`...)
		dst = appendJSONBytes(dst, e.Raw)
	}
	return append(dst, '}')
}

func appendDeviation(dst []byte, d *Deviation) []byte {
	dst = append(dst, `{"kind":`...)
	dst = AppendJSONString(dst, d.Kind)
	dst = append(dst, `,"key":`...)
	dst = AppendJSONString(dst, d.Key)
	dst = append(dst, `,"expected":`...)
	dst = AppendJSONString(dst, d.Expected)
	dst = append(dst, `,"observed":`...)
	dst = AppendJSONString(dst, d.Observed)
	dst = append(dst, `,"score":`...)
	dst = strconv.AppendFloat(dst, d.Score, 'g', -1, 64)
	dst = append(dst, `,"reason":`...)
	dst = AppendJSONString(dst, d.Reason)
	return append(dst, '}')
}

func appendStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendJSONString(dst, s)
	}
	return append(dst, ']')
}

// appendFields writes the map's pairs sorted by key without allocating for
// maps of up to 32 keys. Keys and values are read in one pass over the map.
func appendFields(dst []byte, m map[string]string) []byte {
	type pair struct{ k, v string }
	var buf [32]pair
	pairs := buf[:0]
	for k, v := range m {
		pairs = append(pairs, pair{k, v})
	}
	for i := 1; i < len(pairs); i++ { // insertion sort: maps here are small
		for j := i; j > 0 && pairs[j].k < pairs[j-1].k; j-- {
			pairs[j], pairs[j-1] = pairs[j-1], pairs[j]
		}
	}
	for i, p := range pairs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendJSONString(dst, p.k)
		dst = append(dst, ':')
		dst = AppendJSONString(dst, p.v)
	}
	return dst
}

// AppendTime appends t in UTC as RFC 3339 with microseconds and a Z suffix,
// the contract's time format. It does the calendar arithmetic itself
// (days to civil date, after Howard Hinnant's algorithm): on the stream hot
// path it costs a fraction of time.Time's Date and Clock.
func AppendTime(dst []byte, t time.Time) []byte {
	sec := t.Unix()
	us := t.Nanosecond() / 1000
	days := sec / 86400
	rem := sec % 86400
	if rem < 0 {
		rem += 86400
		days--
	}
	y, m, d := civil(days)
	if y < 0 || y > 9999 {
		return t.UTC().AppendFormat(dst, "2006-01-02T15:04:05.000000Z07:00")
	}
	h, mi, s := int(rem/3600), int(rem/60%60), int(rem%60)
	dst = append(dst,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':',
		byte('0'+s/10), byte('0'+s%10), '.')
	return append(dst,
		byte('0'+us/100000), byte('0'+us/10000%10), byte('0'+us/1000%10),
		byte('0'+us/100%10), byte('0'+us/10%10), byte('0'+us%10), 'Z')
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date.
func civil(days int64) (y, m, d int) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	yy := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd := doy - (153*mp+2)/5 + 1
	mm := mp + 3
	if mp >= 10 {
		mm = mp - 9
	}
	if mm <= 2 {
		yy++
	}
	return int(yy), int(mm), int(dd)
}

const hex = "0123456789abcdef"

// AppendJSONString appends s as a JSON string. Control characters are
// written as \u00XX and invalid UTF-8 as U+FFFD, so the output is always
// valid JSON whatever s holds.
func AppendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && plainWord(s, i) {
			i += 8
			continue
		}
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += n
			start = i
			continue
		}
		i += n
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// plainWord reports whether the 8 bytes at s[i:] need no JSON escaping:
// all printable ASCII other than '"' and '\\'. The caller guarantees
// i+8 <= len(s); the load is one unaligned 8-byte read.
func plainWord(s string, i int) bool {
	w := *(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
	const (
		lo = 0x0101010101010101
		hi = 0x8080808080808080
	)
	if w&hi != 0 || (w-0x2020202020202020)&^w&hi != 0 {
		return false
	}
	q := w ^ 0x2222222222222222 // '"' becomes zero
	b := w ^ 0x5c5c5c5c5c5c5c5c // '\\' becomes zero
	return (q-lo)&^q&hi == 0 && (b-lo)&^b&hi == 0
}

// appendJSONBytes is AppendJSONString for a byte slice, without copying it
// into a string first: the view is only read during the call. Invalid UTF-8
// becomes U+FFFD, as JSON cannot carry raw bytes.
func appendJSONBytes(dst []byte, b []byte) []byte {
	return AppendJSONString(dst, unsafe.String(unsafe.SliceData(b), len(b)))
}
