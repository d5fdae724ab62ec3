package template

import "testing"

func TestMask(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		known          []string
	}{
		// Numbers.
		{"int", "took 42 steps", "took <NUM> steps", nil},
		{"signed", "offset -7 and blk_-6952295868487656571", "offset <NUM> and blk_<NUM>", nil},
		{"decimal", "load 3.75 version 1.2.3", "load <NUM> version <NUM>", nil},
		{"digits in words", "port 22 ssh2 on eth0", "port <NUM> ssh<NUM> on eth<NUM>", nil},
		{"key=value", "uid=0 euid=1000 ruser= rcpt=0/1", "uid=<NUM> euid=<NUM> ruser= rcpt=<NUM>/<NUM>", nil},
		{"bracketed pid", "sshd[24200]: x", "sshd[<NUM>]: x", nil},
		{"hyphenated", "session-123.scope and 2026-11-22", "session-<NUM>.scope and <NUM>-<NUM>-<NUM>", nil},
		{"time", "at 06:55:46", "at <NUM>:<NUM>:<NUM>", nil},
		// The word after "user" names one.
		{"after user", "Invalid user admin from 1.2.3.4", "Invalid user <USER> from <IP>", nil},
		{"after User", "session opened for User j.smith-2(uid=0) by x", "session opened for User <USER>(uid=<NUM>) by x", nil},
		{"user at the end", "check pass; user unknown", "check pass; user <USER>", nil},
		{"not a name", "user /home/x and user: x and username y", "user <PATH> and user: x and username y", nil},
		{"sentence", "no such user bob.", "no such user <USER>.", nil},
		// Dates that name their month.
		{"clf date", `1.2.3.4 - - [17/Nov/2026:14:51:40 +0000] "GET /"`, `<IP> - - [<TIME> +<NUM>] "GET /"`, nil},
		{"clf date alone", "on 7/dec/2026 ok", "on <TIME> ok", nil},
		{"month day", "since Nov 17 14:51:40", "since <TIME> <NUM> <NUM>:<NUM>:<NUM>", nil},
		{"month-day", "expires Jan-05", "expires <TIME>-<NUM>", nil},
		{"not a month", "May I ask, Mayday 5 and Nov x", "May I ask, Mayday <NUM> and Nov x", nil},
		{"not a clf date", "ratio 3/Nov/x", "ratio <NUM>/Nov/x", nil},
		// Addresses.
		{"ipv4", "from 203.0.113.9 port 52113", "from <IP> port <NUM>", nil},
		{"ipv4 port", "to 1.2.3.4:22 ok", "to <IP>:<NUM> ok", nil},
		{"ipv4 bracket", "[173.234.31.186] failed", "[<IP>] failed", nil},
		{"ipv4 slash", "src: /10.251.43.21:50010", "src: /<IP>:<NUM>", nil},
		{"not ipv4", "999.1.1.1 and 1.2.3", "<NUM> and <NUM>", nil},
		{"ipv6", "from 2001:db8::1 port 22", "from <IP> port <NUM>", nil},
		{"ipv6 loopback", "listen ::1 and [::1]:8080", "listen <IP> and [<IP>]:<NUM>", nil},
		{"ipv6 full", "fe80:0:0:0:200:f8ff:fe21:67cf", "<IP>", nil},
		{"ipv6 zone", "fe80::1%eth0 up", "<IP> up", nil},
		{"ipv6 v4 tail", "::ffff:192.0.2.1 ok", "<IP> ok", nil},
		{"ipv6 trailing colon", "from fe80::1: bye", "from <IP>: bye", nil},
		{"not ipv6", "std::string a:b:c", "std::string a:b:c", nil},
		{"mac", "MAC=52:54:00:12:34:56 dev", "MAC=<MAC> dev", nil},
		{"mac dashes", "hw 52-54-00-AB-cd-56", "hw <MAC>", nil},
		{"host with digits", "rhost=ec2-52-80-34-196.cn-north-1.compute.amazonaws.com.cn x", "rhost=<HOST> x", nil},
		{"ip-led host", "rhost=5.36.59.76.dynamic-dsl-ip.omantel.net.om", "rhost=<HOST>", nil},
		{"host without digits", "for ns.example.com [1.2.3.4]", "for <HOST> [<IP>]", nil},
		{"bundle name", "com.apple.CacheDelete.daily: told me to run", "<HOST>: told me to run", nil},
		{"class name", "at org.apache.spark.storage.BlockManager.get(x)", "at <HOST>(x)", nil},
		{"two-label names stay", "ssh.service and index.html", "ssh.service and index.html", nil},
		{"a sentence's end stays", "done. next", "done. next", nil},
		{"two labels", "workers2.properties", "workers<NUM>.properties", nil},
		{"email", "mail from alice.smith+x@example.co.uk done", "mail from <EMAIL> done", nil},
		{"user@host", "login root@web1 and user@1000.service", "login root@web<NUM> and user@<NUM>.service", nil},
		{"url", "GET https://example.com/a?b=1, then", "GET <URL>, then", nil},
		// Hex, IDs, UUIDs.
		{"0x", "at 0x7ffd5a3c and 0XFF", "at <HEX> and <HEX>", nil},
		{"hex run", "key 5f3a9c0e12 and deadbeef01", "key <HEX> and <HEX>", nil},
		{"hex-like words", "deadbeef added facade", "deadbeef added facade", nil},
		{"uuid", "id 123e4567-e89b-12d3-a456-426614174000.", "id <UUID>.", nil},
		{"random id", "SHA256:s6r2i6ZrTNHi5YtzFSdA9jrnGm20gVvDAW/qqxAG8yg x", "SHA<NUM>:<ID> x", nil},
		// Paths.
		{"path", "open /var/log/auth.log failed", "open <PATH> failed", nil},
		{"path sentence", "wrote /tmp/x.", "wrote <PATH>.", nil},
		{"path colon", "/usr/bin/foo: not found", "<PATH>: not found", nil},
		{"slash alone", "a / b", "a / b", nil},
		{"not path", "and/or pts/3", "and/or pts/<NUM>", nil},
		{"relative", "cd ./build/x to ~/y", "cd <PATH> to <PATH>", nil},
		{"windows", `C:\Windows\System32\x.dll loaded`, "<PATH> loaded", nil},
		{"key=path", "PWD=/home/alice ; COMMAND=/usr/bin/id", "PWD=<PATH> ; COMMAND=<PATH>", nil},
		// Quoted strings.
		{"double", `operation="open" name="/etc/shadow"`, "operation=<STR> name=<STR>", nil},
		{"single", `file 'my-file.txt' gone`, "file <STR> gone", nil},
		{"empty quotes", `user="" x`, "user=<STR> x", nil},
		{"words in quotes", `said "hello there" ok`, `said "hello there" ok`, nil},
		{"request line", `"GET /v2/servers/detail HTTP/1.1" status: 200`, `"GET <PATH> HTTP/<NUM>" status: <NUM>`, nil},
		{"apostrophe", "Can't find child 6725", "Can't find child <NUM>", nil},
		{"unclosed", `a "b c`, `a "b c`, nil},
		{"escaped", `msg="a\"x.y\"b" type=z`, "msg=<STR> type=z", nil},
		{"key value with spaces", `tag="View Lock", uid=1`, "tag=<STR>, uid=<NUM>", nil},
		{"single-quoted pairs", `msg='op=login res=failed'`, `msg='op=login res=failed'`, nil},
		// Durations.
		{"durations", "a 250ms b 1.5s c 1h30m d 10min", "a <DUR> b <DUR> c <DUR> d <DUR>", nil},
		{"not duration", "1st 5th 3rd", "<NUM>st <NUM>th <NUM>rd", nil},
		{"units", "took 160 ms, 3 seconds; size 5.2 KB, free 850.0 B", "took <DUR>, <DUR>; size <SIZE>, free <SIZE>", nil},
		{"not units", "state: 1 Memory 2 msgs 3 B2", "state: <NUM> Memory <NUM> msgs <NUM> B<NUM>", nil},
		{"restated", "sent 18846 bytes (18.4 KB) ok", "sent <SIZE> ok", nil},
		{"not restated", "code 5 (0x1f) and 5 (x)", "code <NUM> (<HEX>) and <NUM> (x)", nil},
		// Known values.
		{"known", "Failed password for alice from 1.2.3.4", "Failed password for <USER> from <IP>", []string{"alice"}},
		{"known in word", "alicex and alice. and (alice)", "alicex and <USER>. and (<USER>)", []string{"alice"}},
		{"known key", "user=bob by bob(uid=1000)", "user=<USER> by <USER>(uid=<NUM>)", []string{"bob"}},
		// Token handling.
		{"whitespace", "  a\t b  ", "a b", nil},
		{"list", "delete blk_1 blk_-2 blk_3 now", "delete blk_<NUM> now", nil},
		{"comma list", "from 10.0.0.1,10.0.0.2 ids 3,4,5 x", "from <IP> ids <NUM> x", nil},
		{"mixed comma list", "v 1,a,2 (1, 2)", "v <NUM>,a,<NUM> (<NUM>, <NUM>)", nil},
		{"constants repeat", "Bye Bye", "Bye Bye", nil},
		{"empty", "", "", nil},
		{"utf8", "défaut à 5", "défaut à <NUM>", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Mask(tc.in, tc.known...); got != tc.want {
				t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestMaskLimits(t *testing.T) {
	long := make([]byte, 300)
	for i := range long {
		long[i] = 'a' + byte(i%26)
	}
	if got := Mask("x " + string(long) + " y"); got != "x <LONG> y" {
		t.Errorf("long token: %q", got)
	}
	m := New(Options{MaxTokens: 4})
	r := m.Mine("app", "a b c d e f")
	if r.Template != "a b c <TAIL>" {
		t.Errorf("MaxTokens: %q", r.Template)
	}
}
