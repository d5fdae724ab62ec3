package template

import "strings"

// Placeholders the masker writes in place of variable parts of a message.
// A template shows them as they are; Wildcard marks a position where the
// miner saw different words.
const (
	PlaceNum   = "<NUM>"   // integers and decimals, with a sign: 42, -7, 3.5, 1.2.3
	PlaceIP    = "<IP>"    // IPv4 and IPv6 addresses (a port stays: <IP>:<NUM>)
	PlaceHex   = "<HEX>"   // 0x1f, and runs of 8+ hex digits mixing digits and letters
	PlacePath  = "<PATH>"  // /var/log/auth.log, ./x/y, ~/x, C:\x
	PlaceUUID  = "<UUID>"  // 123e4567-e89b-12d3-a456-426614174000
	PlaceStr   = "<STR>"   // a "quoted" or 'quoted' value without whitespace; key="any value"
	PlaceHost  = "<HOST>"  // host names of three or more labels holding a digit
	PlaceEmail = "<EMAIL>" // someone@example.com
	PlaceMAC   = "<MAC>"   // 52:54:00:12:34:56
	PlaceDur   = "<DUR>"   // 250ms, 1.5s, 1h30m, 5min, 160 ms, 3 seconds
	PlaceSize  = "<SIZE>"  // 5.2 KB, 512 MiB, 300 bytes
	PlaceID    = "<ID>"    // long random-looking runs of letters and digits
	PlaceURL   = "<URL>"   // https://example.com/x
	PlaceUser  = "<USER>"  // a user name the caller knew (MineKnown)
	PlaceCmd   = "<CMD>"   // a command line the caller knew (MineEvent)
	PlaceLong  = "<LONG>"  // a token longer than maxTokenBytes after masking
	PlaceTail  = "<TAIL>"  // what follows the first MaxTokens-1 tokens
	PlaceTime  = "<TIME>"  // a month name in a date (Nov 17, 17/Nov/2026:14:51:40)
	Wildcard   = "<*>"
)

// Token kinds. A pure token is placeholders and punctuation (<NUM>,
// [<IP>]:, <IP>:<NUM>); a mixed token holds a placeholder and a literal
// word (uid=<NUM>, blk_<NUM>).
const (
	kindConst uint8 = iota
	kindMixed
	kindPure
	kindWild
	// kindPartial is a template token with a literal prefix or suffix
	// around <*> (rhost=<*>); messages never have it.
	kindPartial
)

const (
	// maxTokenBytes bounds a token after masking; longer ones become
	// PlaceLong, so a template's size is bounded by MaxTokens.
	maxTokenBytes = 192
	// maxQuoted bounds how far a quote looks for its closing quote.
	maxQuoted = 512
)

// span is one masked token: its bytes in masker.buf and its kind.
type span struct {
	start, end int32
	kind       uint8
}

// masker splits a message into whitespace-separated tokens and masks the
// variable parts of each. It reuses its buffers: after a message's shape has
// been seen it allocates nothing.
type masker struct {
	buf       []byte
	toks      []span
	maxTokens int
	known     []string
	cmd       string

	// State of the token being written.
	tokStart int
	vars     int // placeholders written into it
	lits     int // letters and digits written into it
}

// run masks msg, appending to buf from its current length (the caller may
// have written a prefix) and recording the tokens.
func (k *masker) run(msg string) {
	k.toks = k.toks[:0]
	n := len(msg)
	inTok := false
	for i := 0; i < n; {
		c := msg[i]
		if isSpace(c) {
			if inTok {
				k.endToken()
				inTok = false
			}
			i++
			continue
		}
		if !inTok {
			if len(k.toks) == k.maxTokens-1 && !lastToken(msg, i) {
				k.startToken()
				k.put(PlaceTail)
				k.endToken()
				return
			}
			k.startToken()
			inTok = true
		}
		if isAlnum(c) {
			// The word after "user" names one: "for user root",
			// "Invalid user admin from", "user unknown".
			if k.afterUser(msg, i) {
				if n := userName(msg, i); n > 0 {
					k.put(PlaceUser)
					i += n
					continue
				}
			}
			// A run of letters and digits; runs always start at a boundary.
			r := scanRun(msg, i)
			if ph, adv := k.recognizeWord(msg, i, r); adv > 0 {
				k.put(ph)
				i += adv
				continue
			}
			i = k.word(msg, i, r)
			continue
		}
		if i == 0 || !isAlnum(msg[i-1]) {
			if ph, adv := k.recognize(msg, i); adv > 0 {
				k.put(ph)
				i += adv
				continue
			}
		}
		k.buf = append(k.buf, c)
		i++
	}
	if inTok {
		k.endToken()
	}
}

// afterUser reports whether msg[i] starts a token that follows a token
// "user" (in any case).
func (k *masker) afterUser(msg string, i int) bool {
	if len(k.buf) != k.tokStart || len(k.toks) == 0 {
		return false // not at a token's start
	}
	t := k.toks[len(k.toks)-1]
	w := k.buf[t.start:t.end]
	return len(w) == 4 && w[0]|0x20 == 'u' && w[1]|0x20 == 's' && w[2]|0x20 == 'e' && w[3]|0x20 == 'r'
}

// userName returns the length of a user name at msg[i]: letters, digits,
// '.', '_' and '-', ending where a name ends; 0 if there is none.
func userName(msg string, i int) int {
	j := i
	for j < len(msg) && (isAlnum(msg[j]) || msg[j] == '_' || msg[j] == '-' || msg[j] == '.') {
		j++
	}
	for j > i && msg[j-1] == '.' {
		j-- // a full stop ends the sentence, not the name
	}
	if j == i || !nameEnds(msg, j) {
		return 0
	}
	return j - i
}

func (k *masker) startToken() {
	if len(k.toks) > 0 {
		k.buf = append(k.buf, ' ')
	}
	k.tokStart = len(k.buf)
	k.vars, k.lits = 0, 0
}

// put writes a placeholder into the current token. One that repeats the
// placeholder just before it across a comma is dropped with the comma, so a
// comma-separated list of any length (a proxy chain 10.0.0.1,10.0.0.2, ids
// 3,4,5) has the shape of a list of one, as a space-separated one does.
func (k *masker) put(ph string) {
	if n := len(k.buf) - 1; n >= k.tokStart+len(ph) && k.buf[n] == ',' && string(k.buf[n-len(ph):n]) == ph {
		k.buf = k.buf[:n]
		return
	}
	k.buf = append(k.buf, ph...)
	k.vars++
}

// endToken closes the current token: an over-long one becomes PlaceLong,
// and a variable token equal to the one before it is dropped, so a list of
// any length (blk_1 blk_2 blk_3) has the shape of a list of one. So is a
// value restated in parentheses after it (18846 bytes (18.4 KB)), which
// some messages add and others of the same kind leave out.
func (k *masker) endToken() {
	start, end := k.tokStart, len(k.buf)
	kind := kindConst
	switch {
	case end-start > maxTokenBytes:
		k.buf = append(k.buf[:start], PlaceLong...)
		end = len(k.buf)
		kind = kindPure
	case k.vars > 0 && k.lits == 0:
		kind = kindPure
	case k.vars > 0:
		kind = kindMixed
	}
	if kind != kindConst && len(k.toks) > 0 {
		p := k.toks[len(k.toks)-1]
		if p.kind == kind && (string(k.buf[p.start:p.end]) == string(k.buf[start:end]) || restated(k.buf, p, start, end)) {
			k.buf = k.buf[:p.end]
			return
		}
	}
	k.toks = append(k.toks, span{int32(start), int32(end), kind})
}

// restated reports whether the pure token buf[start:end] is the pure token
// p in parentheses.
func restated(buf []byte, p span, start, end int) bool {
	return kindPure == p.kind && end-start == int(p.end-p.start)+2 && buf[start] == '(' && buf[end-1] == ')' &&
		string(buf[start+1:end-1]) == string(buf[p.start:p.end])
}

// lastToken reports whether the token at msg[i] is the message's last.
func lastToken(msg string, i int) bool {
	for i < len(msg) && !isSpace(msg[i]) {
		i++
	}
	for ; i < len(msg); i++ {
		if !isSpace(msg[i]) {
			return false
		}
	}
	return true
}

// recognize tries the placeholders that start at msg[i], a boundary (the
// start of the message or after a byte that is not a letter or digit). It
// returns the placeholder and how many bytes it covers, or 0.
func (k *masker) recognize(msg string, i int) (string, int) {
	if ph, n := k.knownAt(msg, i); n > 0 {
		return ph, n
	}
	c := msg[i]
	switch {
	case c == '"' || c == '\'':
		// A double-quoted value of a key (tag="View Lock") is one value
		// whatever it holds. A single-quoted one is not: audit records nest
		// their pairs in msg='...'.
		if n := quoted(msg, i, c == '"' && i > 0 && msg[i-1] == '='); n > 0 {
			return PlaceStr, n
		}
	case c == '/':
		if i+1 < len(msg) && isDigit(msg[i+1]) && ipv4(msg, i+1) > 0 {
			return "", 0 // "/10.0.0.1": the address is masked next
		}
		if n := path(msg, i); n > 0 {
			return PlacePath, n
		}
	case c == '.' || c == '~':
		if i+1 < len(msg) && msg[i+1] == '/' {
			if n := path(msg, i+1); n > 0 {
				return PlacePath, n + 1
			}
		}
	case c == '-':
		if i+1 < len(msg) && isDigit(msg[i+1]) {
			if n := number(msg, i+1); n > 0 {
				return PlaceNum, n + 1
			}
		}
	case c == ':':
		if n := ipv6(msg, i); n > 0 {
			return PlaceIP, n
		}
	}
	return "", 0
}

// run describes a run of letters and digits: where it ends, how many digits
// it has, how often it switches between letters and digits, and whether all
// of it is hex.
type run struct {
	end, digits, switches int
	hex                   bool
}

func scanRun(msg string, i int) run {
	r := run{hex: true}
	prevDigit := false
	j := i
	for ; j < len(msg); j++ {
		cl := class[msg[j]]
		if cl&clAlnum == 0 {
			break
		}
		d := cl&clDigit != 0
		if d {
			r.digits++
		} else if cl&clHex == 0 {
			r.hex = false
		}
		if j > i && d != prevDigit {
			r.switches++
		}
		prevDigit = d
	}
	r.end = j
	return r
}

// knownAt returns the placeholder and length of a known value (the
// command line, a user name) that stands at msg[i] as a whole word, or 0.
func (k *masker) knownAt(msg string, i int) (string, int) {
	if v := k.cmd; v != "" && strings.HasPrefix(msg[i:], v) && nameEnds(msg, i+len(v)) {
		return PlaceCmd, len(v)
	}
	for _, v := range k.known {
		if v != "" && strings.HasPrefix(msg[i:], v) && nameEnds(msg, i+len(v)) {
			return PlaceUser, len(v)
		}
	}
	return "", 0
}

// recognizeWord tries the placeholders that start with the run of letters
// and digits r at msg[i] and may reach past it (known values, addresses,
// host names, e-mail addresses, URLs, durations, 0x numbers).
func (k *masker) recognizeWord(msg string, i int, r run) (string, int) {
	if len(k.known) > 0 || k.cmd != "" {
		if ph, n := k.knownAt(msg, i); n > 0 {
			return ph, n
		}
	}
	n, j := len(msg), r.end
	c := msg[i]
	// A date naming its month would give every month its own template:
	// 17/Nov/2026:14:51:40 (web logs) becomes one placeholder, and a
	// month name before a day (Nov 17) becomes one.
	if isDigit(c) && j-i <= 2 && j < n && msg[j] == '/' {
		if m := clfDate(msg, i); m > 0 {
			return PlaceTime, m
		}
	}
	if j-i == 3 && r.digits == 0 && j+1 < n && (msg[j] == ' ' || msg[j] == '-') && isDigit(msg[j+1]) && isMonth(msg[i:j]) {
		return PlaceTime, 3
	}
	if isDigit(c) {
		if c == '0' && j-i > 2 && (msg[i+1] == 'x' || msg[i+1] == 'X') && allHex(msg[i+2:j]) {
			return PlaceHex, j - i
		}
		if r.digits < j-i || (j+1 < n && msg[j] == '.' && isDigit(msg[j+1])) {
			if n := duration(msg, i); n > 0 {
				return PlaceDur, n
			}
		}
	}
	if j == n {
		return "", 0
	}
	switch msg[j] {
	case '-':
		if isHex(c) && j-i == 8 {
			if n := uuid(msg, i); n > 0 {
				return PlaceUUID, n
			}
		}
		if j-i == 2 && isHex(c) {
			if n := mac(msg, i); n > 0 {
				return PlaceMAC, n
			}
		}
		if n := host(msg, i); n > 0 {
			return PlaceHost, n
		}
	case ':':
		if j-i == 2 && isHex(c) {
			if n := mac(msg, i); n > 0 {
				return PlaceMAC, n
			}
		}
		if isHex(c) && j-i <= 4 {
			if n := ipv6(msg, i); n > 0 {
				return PlaceIP, n
			}
		}
		if !isDigit(c) && j+2 < n && msg[j+1] == '/' && msg[j+2] == '/' {
			return PlaceURL, url(msg, j+3) - i
		}
		if j-i == 1 && !isDigit(c) && j+1 < n && msg[j+1] == '\\' {
			if n := winPath(msg, i); n > 0 {
				return PlacePath, n
			}
		}
	case '.':
		if isDigit(c) {
			if n := ipv4(msg, i); n > 0 {
				return PlaceIP, n
			}
		}
		if n := host(msg, i); n > 0 {
			return PlaceHost, n
		}
	}
	switch msg[j] {
	case '.', '-', '_', '+', '%', '@':
		if n := email(msg, i); n > 0 {
			return PlaceEmail, n
		}
	}
	return "", 0
}

// clfDate returns the length of a date such as 17/Nov/2026 or
// 17/Nov/2026:14:51:40 at msg[i], or 0.
func clfDate(msg string, i int) int {
	j := i
	for j < len(msg) && isDigit(msg[j]) {
		j++
	}
	if j-i < 1 || j-i > 2 || j+9 > len(msg) || msg[j] != '/' || !isMonth(msg[j+1:j+4]) || msg[j+4] != '/' {
		return 0
	}
	j += 5
	k := j
	for k < len(msg) && isDigit(msg[k]) {
		k++
	}
	if k-j != 4 {
		return 0
	}
	// The time of day, if any: :hh:mm:ss.
	for part := 0; part < 3 && k+3 <= len(msg) && msg[k] == ':' && isDigit(msg[k+1]) && isDigit(msg[k+2]); part++ {
		k += 3
	}
	return k - i
}

// isMonth reports whether w is an English month abbreviation (Nov, nov,
// NOV).
func isMonth(w string) bool {
	if len(w) != 3 {
		return false
	}
	var b [3]byte
	for i := range 3 {
		b[i] = w[i] | 0x20
	}
	switch string(b[:]) {
	case "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec":
		return true
	}
	return false
}

// word writes the run of letters and digits msg[i:j] that no recognizer
// took, and returns where to go on. Letters stay; a run of digits becomes
// PlaceNum (a decimal or dotted number in one piece); a long hex run with
// digits becomes PlaceHex; a long run that keeps switching between letters
// and digits becomes PlaceID; in any other word each digit group becomes
// PlaceNum (ssh2 is ssh<NUM>).
func (k *masker) word(msg string, i int, r run) int {
	j, digits, switches, hex := r.end, r.digits, r.switches, r.hex
	w := j - i
	switch {
	case digits == 0:
		k.buf = append(k.buf, msg[i:j]...)
		k.lits += w
		return j
	case digits == w:
		e := dotted(msg, j)
		if ph, n := unitWord(msg, e); n > 0 {
			k.put(ph)
			return e + n
		}
		k.put(PlaceNum)
		return e
	case hex && w >= 8:
		k.put(PlaceHex)
		return j
	case (w >= 10 && switches >= 3) || w >= 20:
		// The rest of a base64 blob belongs to it too.
		for j < len(msg) && (isAlnum(msg[j]) || msg[j] == '+' || msg[j] == '/' || msg[j] == '=') {
			j++
		}
		k.put(PlaceID)
		return j
	}
	for p := i; p < j; {
		if isDigit(msg[p]) {
			for p < j && isDigit(msg[p]) {
				p++
			}
			k.put(PlaceNum)
			continue
		}
		k.buf = append(k.buf, msg[p])
		k.lits++
		p++
	}
	return j
}

// unitWord reports whether the number that ended at msg[j] is followed by
// one space and a unit of time or size (160 ms, 3 seconds, 5.2 KB,
// 300 bytes), which makes the two words one value: the unit varies with
// the number (850.0 B, 5.2 KB) and is no word of the message. It returns
// the placeholder and the length of the space and the unit, or 0.
func unitWord(msg string, j int) (string, int) {
	if j+1 >= len(msg) || msg[j] != ' ' || !isLetter(msg[j+1]) {
		return "", 0
	}
	e := j + 1
	for e < len(msg) && isLetter(msg[e]) {
		e++
	}
	if e < len(msg) && (isDigit(msg[e]) || msg[e] == '_' || msg[e] == '-') {
		return "", 0
	}
	switch msg[j+1 : e] {
	case "ms", "us", "ns", "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes",
		"hour", "hours", "day", "days":
		return PlaceDur, e - j
	case "B", "KB", "MB", "GB", "TB", "PB", "KiB", "MiB", "GiB", "TiB", "bytes":
		return PlaceSize, e - j
	}
	return "", 0
}

// dotted extends a number that ended at j over ".digits" groups (3.14,
// 1.2.3) and returns the new end.
func dotted(msg string, j int) int {
	for j+1 < len(msg) && msg[j] == '.' && isDigit(msg[j+1]) {
		e := j + 1
		for e < len(msg) && isDigit(msg[e]) {
			e++
		}
		if e < len(msg) && isAlnum(msg[e]) {
			break
		}
		j = e
	}
	return j
}

// number returns the length of an unsigned number at msg[i] (digits, then
// dotted groups) when it ends at a word boundary, else 0.
func number(msg string, i int) int {
	j := i
	for j < len(msg) && isDigit(msg[j]) {
		j++
	}
	if j == i || (j < len(msg) && isAlnum(msg[j])) {
		return 0
	}
	return dotted(msg, j) - i
}

// duration returns the length of a duration at msg[i] (250ms, 1.5s,
// 1h30m, 10min), or 0.
func duration(msg string, i int) int {
	n, j, units := len(msg), i, 0
	for j < n && isDigit(msg[j]) {
		for j < n && isDigit(msg[j]) {
			j++
		}
		if j+1 < n && msg[j] == '.' && isDigit(msg[j+1]) {
			j++
			for j < n && isDigit(msg[j]) {
				j++
			}
		}
		u := unit(msg[j:])
		if u == 0 {
			return 0
		}
		j += u
		units++
	}
	if units == 0 || (j < n && isAlnum(msg[j])) {
		return 0
	}
	return j - i
}

// unit returns the length of the time unit s starts with, or 0.
func unit(s string) int {
	if s == "" {
		return 0
	}
	switch s[0] {
	case 'h', 'd':
		return 1
	case 'm':
		switch {
		case strings.HasPrefix(s, "mins"):
			return 4
		case strings.HasPrefix(s, "min"):
			return 3
		case strings.HasPrefix(s, "ms"):
			return 2
		}
		return 1
	case 's':
		switch {
		case strings.HasPrefix(s, "secs"):
			return 4
		case strings.HasPrefix(s, "sec"):
			return 3
		}
		return 1
	case 'u', 'n':
		if len(s) > 1 && s[1] == 's' {
			return 2
		}
	}
	return 0
}

// ipv4 returns the length of a dotted-quad address at msg[i] that ends at a
// boundary (not followed by a letter, a digit or ".x"), or 0.
func ipv4(msg string, i int) int {
	n, j := len(msg), i
	for part := 0; part < 4; part++ {
		if part > 0 {
			if j >= n || msg[j] != '.' {
				return 0
			}
			j++
		}
		s, v := j, 0
		for j < n && isDigit(msg[j]) && j-s < 3 {
			v = v*10 + int(msg[j]-'0')
			j++
		}
		if j == s || v > 255 {
			return 0
		}
	}
	if j < n && (isAlnum(msg[j]) || (msg[j] == '.' && j+1 < n && isAlnum(msg[j+1]))) {
		return 0
	}
	return j - i
}

// ipv6 returns the length of an IPv6 address at msg[i] (with "::"
// shortening, an IPv4 tail and a %zone), or 0. A trailing single colon is
// left out, so "fe80::1:" in "from fe80::1: bye" covers "fe80::1".
func ipv6(msg string, i int) int {
	n, j := len(msg), i
	for j < n && (isHex(msg[j]) || msg[j] == ':' || msg[j] == '.') {
		j++
	}
	for j-i > 2 && msg[j-1] == ':' && msg[j-2] != ':' {
		j--
	}
	for j > i && msg[j-1] == '.' {
		j--
	}
	s := msg[i:j]
	if strings.Contains(s, ":::") || strings.Count(s, "::") > 1 || strings.Count(s, ":") < 2 {
		return 0
	}
	double := strings.Contains(s, "::")
	groups := 0
	for p := 0; p <= len(s); {
		e := p
		for e < len(s) && s[e] != ':' {
			e++
		}
		g := s[p:e]
		switch {
		case g == "":
		case strings.IndexByte(g, '.') >= 0:
			if e != len(s) || ipv4(g, 0) != len(g) {
				return 0
			}
			groups += 2
		case len(g) > 4 || !allHex(g):
			return 0
		default:
			groups++
		}
		p = e + 1
	}
	if (!double && groups != 8) || groups > 8 {
		return 0
	}
	if j < n && msg[j] == '%' {
		j++
		for j < n && (isAlnum(msg[j]) || msg[j] == '_' || msg[j] == '-' || msg[j] == '.') {
			j++
		}
	}
	if j < n && isAlnum(msg[j]) {
		return 0
	}
	return j - i
}

// mac returns the length of a MAC address (six hex pairs joined by ':' or
// '-') at msg[i], or 0.
func mac(msg string, i int) int {
	if i+17 > len(msg) {
		return 0
	}
	sep := msg[i+2]
	for p := 0; p < 6; p++ {
		o := i + 3*p
		if !isHex(msg[o]) || !isHex(msg[o+1]) || (p < 5 && msg[o+2] != sep) {
			return 0
		}
	}
	if i+17 < len(msg) && (isAlnum(msg[i+17]) || msg[i+17] == sep) {
		return 0
	}
	return 17
}

// uuid returns 36 when msg[i:] starts with a UUID, else 0.
func uuid(msg string, i int) int {
	if i+36 > len(msg) {
		return 0
	}
	for p := 0; p < 36; p++ {
		c := msg[i+p]
		if p == 8 || p == 13 || p == 18 || p == 23 {
			if c != '-' {
				return 0
			}
		} else if !isHex(c) {
			return 0
		}
	}
	if i+36 < len(msg) && isAlnum(msg[i+36]) {
		return 0
	}
	return 36
}

// host returns the length of a dotted name at msg[i] of at least three
// labels, the last of two or more letters, or 0: host names
// (ec2-3-1-2-9.compute-1.amazonaws.com, 5.36.59.76.dsl.example.net,
// ns.example.com) and names built the same way that vary as much, class
// and bundle names (org.apache.spark.storage.BlockManager,
// com.apple.CacheDelete.daily). Two labels stay a word (ssh.service).
func host(msg string, i int) int {
	n, j := len(msg), i
	for j < n && (isAlnum(msg[j]) || msg[j] == '-' || msg[j] == '.') {
		j++
	}
	for j > i && (msg[j-1] == '.' || msg[j-1] == '-') {
		j--
	}
	if j < n && (msg[j] == '_' || msg[j] == '@') {
		return 0
	}
	s := msg[i:j]
	labels, last := 1, 0
	for p := 0; p < len(s); p++ {
		if s[p] == '.' {
			if p == last || s[p-1] == '-' {
				return 0
			}
			labels++
			last = p + 1
		}
	}
	if labels < 3 || len(s)-last < 2 {
		return 0
	}
	for p := last; p < len(s); p++ {
		if !isLetter(s[p]) {
			return 0
		}
	}
	return j - i
}

// email returns the length of an e-mail address at msg[i], or 0. The
// domain needs a dot and a label with a letter before its last one, so
// systemd's user@1000.service is not an address.
func email(msg string, i int) int {
	n, j := len(msg), i
	for j < n && (isAlnum(msg[j]) || strings.IndexByte("._%+-", msg[j]) >= 0) {
		j++
	}
	if j == i || j >= n || msg[j] != '@' {
		return 0
	}
	d := j + 1
	e := d
	for e < n && (isAlnum(msg[e]) || msg[e] == '-' || msg[e] == '.') {
		e++
	}
	for e > d && msg[e-1] == '.' {
		e--
	}
	dom := msg[d:e]
	dot := strings.LastIndexByte(dom, '.')
	if dot <= 0 || len(dom)-dot < 3 {
		return 0
	}
	letter := false
	for p := 0; p < dot; p++ {
		if isLetter(dom[p]) {
			letter = true
			break
		}
	}
	for p := dot + 1; p < len(dom); p++ {
		if !isLetter(dom[p]) {
			return 0
		}
	}
	if !letter || (e < n && msg[e] == '_') {
		return 0
	}
	return e - i
}

// url returns the end of a URL whose scheme ended before msg[j]: the first
// whitespace, quote or closing bracket.
func url(msg string, j int) int {
	for j < len(msg) && !isSpace(msg[j]) && strings.IndexByte("\"'<>)]}", msg[j]) < 0 {
		j++
	}
	for msg[j-1] == '.' || msg[j-1] == ',' || msg[j-1] == ';' {
		j--
	}
	return j
}

// path returns the length of a slash-led path at msg[i] ("/" alone is not
// one), up to whitespace or a delimiter; a trailing dot ends a sentence and
// is left out.
func path(msg string, i int) int {
	j := i + 1
	for j < len(msg) && isPathByte(msg[j]) {
		j++
	}
	for j > i+1 && msg[j-1] == '.' {
		j--
	}
	if j == i+1 {
		return 0
	}
	return j - i
}

// winPath returns the length of a Windows path (C:\x) at msg[i], or 0.
func winPath(msg string, i int) int {
	j := i + 3
	for j < len(msg) && (isPathByte(msg[j]) || msg[j] == '\\') {
		j++
	}
	for j > i+3 && msg[j-1] == '.' {
		j--
	}
	return j - i
}

// quoted returns the length of a quoted value at msg[i], quotes included,
// or 0. The closing quote is the first one within maxQuoted bytes that is
// neither escaped with a backslash nor followed by a letter or digit (so
// 'don't' does not end at its apostrophe). Unless spaces is set (the text is
// a key's value), a quoted text with whitespace in it is not a value but
// words (a request line "GET /x HTTP/1.1", a quoted sentence), so it is left
// to be masked word by word like the rest.
func quoted(msg string, i int, spaces bool) int {
	q := msg[i]
	lim := min(len(msg), i+maxQuoted)
	for j := i + 1; j < lim; j++ {
		if !spaces && isSpace(msg[j]) {
			return 0
		}
		if msg[j] == q && msg[j-1] != '\\' && (j+1 == len(msg) || !isAlnum(msg[j+1])) {
			return j + 1 - i
		}
	}
	return 0
}

// nameEnds reports whether a user name that ends at msg[j] ends there: the
// message ends, or a byte follows that cannot be part of a name (a dot
// counts only when a name byte follows it).
func nameEnds(msg string, j int) bool {
	if j >= len(msg) {
		return true
	}
	c := msg[j]
	if c == '.' {
		return j+1 >= len(msg) || !isAlnum(msg[j+1])
	}
	return !isAlnum(c) && c != '_' && c != '-'
}

func isPathByte(c byte) bool {
	return isAlnum(c) || c == '/' || c == '.' || c == '_' || c == '-' || c == '~' ||
		c == '+' || c == '@' || c == '%' || c == '=' || c == '#' || c == '$' || c == '&' || c == '?' || c == '!'
}

// Byte classes, looked up in class.
const (
	clDigit uint8 = 1 << iota
	clLetter
	clHex
	clSpace
	clAlnum = clDigit | clLetter
)

var class = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = clDigit | clHex
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = clLetter
		t[c-'a'+'A'] = clLetter
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] |= clHex
		t[c-'a'+'A'] |= clHex
	}
	for _, c := range " \t\n\r\v\f" {
		t[c] = clSpace
	}
	return t
}()

func isSpace(c byte) bool  { return class[c]&clSpace != 0 }
func isDigit(c byte) bool  { return class[c]&clDigit != 0 }
func isLetter(c byte) bool { return class[c]&clLetter != 0 }
func isAlnum(c byte) bool  { return class[c]&clAlnum != 0 }
func isHex(c byte) bool    { return class[c]&clHex != 0 }

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return len(s) > 0
}

// Mask returns message as the Miner sees it before clustering: its
// variable parts replaced by placeholders, tokens joined by single spaces.
// Values in known are masked as PlaceUser where they stand as whole words.
// Mask allocates; the Miner reuses its buffers instead.
func Mask(message string, known ...string) string {
	k := masker{maxTokens: 1 << 30, known: known}
	k.run(message)
	return string(k.buf)
}
