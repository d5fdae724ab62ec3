package query

import (
	"errors"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/event"
)

func TestParseTree(t *testing.T) {
	for _, tc := range []struct{ q, tree string }{
		{"", "all"},
		{" \t\n", "all"},
		{"Failed", `"failed"`},
		{"failed root", `(and "failed" "root")`},
		{`"Session  Opened"`, `"session  opened"`},
		{`"say \"hi\" \\ \d"`, `"say \"hi\" \\ \\d"`},
		{"a b OR c", `(or "c" (and "a" "b"))`},
		{"a OR b c", `(or "a" (and "b" "c"))`},
		{"a AND b OR c AND d", `(or (and "a" "b") (and "c" "d"))`},
		{"(a OR b) c", `(and "c" (or "a" "b"))`},
		{"NOT a b", `(and (not "a") "b")`},
		{"-(a OR b)", `(not (or "a" "b"))`},
		{"--a", `"a"`},
		{"NOT -a", `"a"`},
		{"or and not", `(and "or" "and" "not")`},
		{"USER=root", `"user=root"`},
		{"foo-bar 03:05:49 -x", `(and "foo-bar" "03:05:49" (not "x"))`},
		{"cat:auth.failure", `cat:"auth.failure"`},
		{"cat:auth.*", `cat:glob("auth.*")`},
		{"category:*", `cat:*`},
		{"failed cat:auth.*", `(and cat:glob("auth.*") "failed")`},
		{"/ssh/ user:root", `(and user:"root" msg:/ssh/)`},
		{"/a\\/b/i", `msg:/a/b/`},
		{"rule:ssh-*", `rule:glob("ssh-*")`},
		{"tpl:A41F", `tpl:"a41f"`},
		{"dev:", `dev:any`},
		{"dev:rate_*", `dev:glob("rate_*")`},
		{"devkey:sshd*", `devkey:glob("sshd*")`},
		{`devkey:"sshd 'x*' on web1"`, `devkey:"sshd 'x*' on web1"`},
		{"devkey:*", `devkey:*`},
		{`devkey:""`, `(not devkey:*)`},
		{"devkey~^sshd", `devkey:/^sshd/`},
		{"HOST:Web1", `host:"web1"`},
		{"Host:web* app:sshd", `(and app:"sshd" host:glob("web*"))`},
		{`user:"john smith"`, `user:"john smith"`},
		{`user:"a*"`, `user:"a*"`},
		{"user:*", `user:*`},
		{`user:""`, `(not user:*)`},
		{`cat:""`, `(not cat:*)`},
		{"src_ip:10.0.0.0/8", `src_ip:cidr(10.0.0.0/8)`},
		{"src_ip:10.1.2.3/8", `src_ip:cidr(10.0.0.0/8)`},
		{"dst_ip:2001:db8::/32", `dst_ip:cidr(2001:db8::/32)`},
		{"src_ip:10.0.0.1", `src_ip:addr(10.0.0.1)`},
		{"path:/var/log/x", `path:"/var/log/x"`},
		{"uri:cafe.de/x", `uri:"cafe.de/x"`},
		{`msg~"fail(ed|ure)"`, `msg:/fail(ed|ure)/`},
		{"message~/^x/i", `msg:/^x/`},
		{`msg~a(b|c)\)`, `msg:/a(b|c)\)/`},
		{"(msg~x) y", `(and "y" msg:/x/)`},
		{"pid:42", `pid:42`},
		{"pid:*", `pid:*`},
		{"sev:err", `sev{err}`},
		{"sev=error", `sev{err}`},
		{"level:WARN", `sev{warning}`},
		{"sev>=warning", `sev{emerg,alert,crit,err,warning}`},
		{"sev>err", `sev{emerg,alert,crit}`},
		{"sev<=info", `sev{info,debug}`},
		{"severity<notice", `sev{info,debug}`},
		{"sev>=warning sev<=err", `sev{err,warning}`},
		{"sev:err OR sev:crit", `sev{crit,err}`},
		{"-sev>=err", `sev{warning,notice,info,debug}`},
		{"sev>=debug", "all"},
		{"sev>=debug x", `"x"`},
		{"-sev>=debug", "none"},
		{"x -sev>=debug", "none"},
		{"x OR sev>=debug", "all"},
		{"cat:auth.failure -user:root", `(and cat:"auth.failure" (not user:"root"))`},
		{`(cat:auth.* OR sev>=err) -user:root "session opened"`, `(and (not user:"root") (or sev{emerg,alert,crit,err} cat:glob("auth.*")) "session opened")`},
	} {
		q, err := Parse(tc.q)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.q, err)
			continue
		}
		if got := q.tree(); got != tc.tree {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tc.q, got, tc.tree)
		}
		if q.String() != tc.q {
			t.Errorf("Parse(%q).String() = %q", tc.q, q.String())
		}
		if q.IsEmpty() != (tc.tree == "all") {
			t.Errorf("Parse(%q).IsEmpty() = %v", tc.q, q.IsEmpty())
		}
	}
}

func TestNilQuery(t *testing.T) {
	var q *Query
	if !q.Match(&event.Event{}) || !q.IsEmpty() || q.String() != "" || len(q.Highlights("x", nil)) != 0 {
		t.Error("nil query should match everything and highlight nothing")
	}
}

func TestErrors(t *testing.T) {
	deep := strings.Repeat("(", 300) + "a" + strings.Repeat(")", 300)
	for _, tc := range []struct {
		q        string
		pos, end int
		msg      string
	}{
		{"cat:auth.* (user:root", 11, 12, "unbalanced parenthesis"},
		{"a)", 1, 2, "unbalanced parenthesis: no ("},
		{"(a OR b) c)", 10, 11, "unbalanced parenthesis"},
		{"((a)", 0, 1, "never closed"},
		{"()", 0, 2, "empty parentheses"},
		{`x "abc`, 2, 6, "unterminated quote"},
		{`user:"abc`, 5, 9, "unterminated quote"},
		{`"a"b`, 3, 4, "right after a closing quote"},
		{`""`, 0, 2, "empty phrase"},
		{"/abc", 0, 4, "unterminated regex"},
		{`/a\/`, 0, 4, "unterminated regex"},
		{"//", 0, 2, "empty regex"},
		{"/a(b/", 0, 5, "invalid regex: missing closing )"},
		{"/a/x", 3, 4, `unknown regex flag "x"`},
		{"/var/log/syslog", 5, 15, `quote it: "/var/log/syslog"`},
		{"/a/\"", 3, 4, "right after a closing regex"},
		{"/a/b", 3, 4, `quote it: "/a/b"`},
		{"msg~a(b|c)d)", 11, 12, "unbalanced parenthesis"},
		{"msg~a(b", 4, 7, "invalid regex"},
		{"user~/[z-a]/", 5, 12, "invalid character class range"},
		{"msg~", 0, 4, "needs a regex"},
		{`msg~""`, 0, 6, "needs a regex"},
		{"sev:bogus", 4, 9, `unknown severity "bogus": want one of emerg, alert, crit, err, warning, notice, info, debug`},
		{"sev>=", 0, 5, "needs a severity"},
		{"sev~err", 0, 4, "severity takes"},
		{"level!=err", 0, 7, "severity takes"},
		{"src_ip:10.0.0/8", 7, 15, "bad CIDR"},
		{"src_ip:10.0.0.0/33", 7, 18, "bad CIDR"},
		{"dst_ip:2001:db8::/x", 7, 19, "bad CIDR"},
		{"a OR", 2, 4, "OR needs a term after it"},
		{"a OR OR b", 2, 4, "OR needs a term after it"},
		{"(a OR )", 3, 5, "OR needs a term after it"},
		{"OR a", 0, 2, "OR needs a term before it"},
		{"(AND a)", 1, 4, "AND needs a term before it"},
		{"a AND", 2, 5, "AND needs a term after it"},
		{"NOT", 0, 3, "NOT needs a term after it"},
		{"a NOT)", 2, 5, "NOT needs a term after it"},
		{"-OR a", 0, 1, "- needs a term after it"},
		{"a -", 2, 3, `"-" needs a term`},
		{"a - b", 2, 3, `"-" needs a term`},
		{"user:", 0, 5, "user: needs a value"},
		{"devkey:", 0, 7, "devkey: needs a value"},
		{"user: root", 0, 5, "needs a value"},
		{"(host:)", 1, 6, "needs a value"},
		{"host:(a OR b)", 0, 5, "write (host:a OR host:b)"},
		{"pid:abc", 0, 7, "want a process ID"},
		{"pid~1", 0, 5, "want a process ID"},
		{deep, 200, 201, "nested too deeply"},
	} {
		_, err := Parse(tc.q)
		var qe *Error
		if !errors.As(err, &qe) {
			t.Errorf("Parse(%q): error %v, want an *Error", tc.q, err)
			continue
		}
		if qe.Pos != tc.pos || qe.End != tc.end || !strings.Contains(qe.Msg, tc.msg) {
			t.Errorf("Parse(%q): got [%d,%d) %q, want [%d,%d) containing %q", tc.q, qe.Pos, qe.End, qe.Msg, tc.pos, tc.end, tc.msg)
		}
		if want := "at " + itoa(tc.pos+1) + ": "; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Parse(%q).Error() = %q, want prefix %q", tc.q, err.Error(), want)
		}
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParse of a bad query did not panic")
		}
	}()
	MustParse("(")
}
