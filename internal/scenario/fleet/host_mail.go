package fleet

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// relay is a mail server that sends to us or receives from us.
type relay struct {
	name, ip string
	domains  []string // sender domains that use it
}

var (
	inboundRelays = []relay{
		{"mail-ej1-f41.google.com", "209.85.218.41", []string{"gmail.com", "kiwifreight.co.nz"}},
		{"mail-wm1-f54.google.com", "209.85.128.54", []string{"gmail.com"}},
		{"mail-pl1-f180.google.com", "209.85.214.180", []string{"gmail.com", "harbourlegal.co.nz"}},
		{"mail-sy4aus01on2107.outbound.protection.outlook.com", "40.107.107.107", []string{"acme-supplies.com.au", "outlook.com"}},
		{"mail-me3aus01on2091.outbound.protection.outlook.com", "40.107.108.91", []string{"westpac-merchant.co.nz", "hotmail.com"}},
		{"mail-ty0apc01on2128.outbound.protection.outlook.com", "40.107.117.128", []string{"pacificpack.com"}},
		{"a27-18.smtp-out.us-west-2.amazonses.com", "54.240.27.18", []string{"notifications.stripe.com", "aws.amazon.com"}},
		{"a8-31.smtp-out.amazonses.com", "54.240.8.31", []string{"xero.com"}},
		{"out-21.smtp.github.com", "192.30.252.204", []string{"github.com"}},
		{"mail131.suw161.mcdlv.net", "198.2.131.245", []string{"news.trademe.co.nz", "mail.atlassian.com"}},
		{"mx1.kiwifreight.co.nz", "202.27.184.10", []string{"kiwifreight.co.nz"}},
		{"smtp2.harbourlegal.co.nz", "103.18.57.44", []string{"harbourlegal.co.nz"}},
	}
	outboundMX = []relay{
		{"gmail-smtp-in.l.google.com", "142.250.4.26", []string{"gmail.com"}},
		{"alt1.gmail-smtp-in.l.google.com", "142.250.141.27", []string{"gmail.com"}},
		{"acmesupplies-com-au.mail.protection.outlook.com", "52.101.148.4", []string{"acme-supplies.com.au"}},
		{"kiwifreight-co-nz.mail.protection.outlook.com", "52.101.149.9", []string{"kiwifreight.co.nz"}},
		{"mx1.harbourlegal.co.nz", "103.18.57.40", []string{"harbourlegal.co.nz"}},
		{"mx.pacificpack.com", "185.70.42.11", []string{"pacificpack.com"}},
	}
	sharedBoxes = []string{"info", "sales", "accounts", "support"}
	senderNames = []string{"noreply", "notifications", "orders", "invoices", "j.smith", "mike", "anna.w", "support", "billing", "news", "team", "t.harris"}
	botLogins   = []string{"admin", "info", "test", "sales", "support", "office", "contact", "webmaster", "postmaster", "scanner", "user", "marketing", "hr", "noreply"}
)

// mailHost writes mail1: Postfix and Dovecot for the organisation, with
// the internet's spam and password guessing on top.
func (hd *hostDay) mailHost() {
	hd.inboundMail()
	hd.outboundMail()
	hd.imap()
	hd.saslBots()
	hd.sshBots(60, 0.7)
}

// pdelay formats a delay as Postfix does: two significant digits, at
// most two decimals, and 0 below 10 ms.
func pdelay(v float64) string {
	switch {
	case v < 0.005:
		return "0"
	case v < 1:
		return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	case v < 10:
		return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	}
	return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
}

// qid is a Postfix queue ID.
func qid(r *rand.Rand) string { return randString(r, upperHexs, 10+r.IntN(2)) }

// procPID is a Postfix or Dovecot worker: processes live a few minutes
// and serve many connections, so connections close in time share one.
func (hd *hostDay) procPID(t time.Time, kind int) int {
	return hd.pidAt(t.Truncate(7*time.Minute)) + kind*7 + hd.r.IntN(2)
}

// dovecotSession is a Dovecot session ID.
func dovecotSession(r *rand.Rand) string { return randString(r, base64s, 16) }

// mailboxes are the local recipients.
func (hd *hostDay) mailboxes() []string {
	var out []string
	for _, st := range hd.f.staff {
		out = append(out, st.user)
	}
	return append(out, sharedBoxes...)
}

// inboundMail writes mail arriving from the internet, and spam rejected
// at RCPT by the blocklist.
func (hd *hostDay) inboundMail() {
	r := hd.r
	boxes := hd.mailboxes()
	spam := 6 * wobble(r, 0.5)
	hd.arrivals(func(h int) float64 { return 6 + 40*hd.busy*office(h) }, func(t time.Time) {
		rl := inboundRelays[zipf(r, len(inboundRelays))]
		from := pick(r, senderNames) + "@" + pick(r, rl.domains)
		rcpts := []string{pick(r, boxes)}
		if chance(r, 0.2) {
			rcpts = append(rcpts, pick(r, boxes))
		}
		hd.delivery(t, rl, from, rcpts)
	})
	hd.arrivals(func(int) float64 { return spam }, func(t time.Time) {
		ip := publicIP(r)
		pid := hd.procPID(t, 0)
		helo := pick(r, []string{"User", "localhost", "[" + ip + "]", "mail." + randString(r, lowers, 6) + ".com", "WIN-" + randString(r, upperHexs, 11)})
		bl := pick(r, []string{"zen.spamhaus.org", "zen.spamhaus.org", "bl.spamcop.net"})
		hd.logf(t, "postfix/smtpd", pid, "connect from unknown[%s]", ip)
		t = t.Add(secs(between(r, 0.3, 2)))
		hd.logf(t, "postfix/smtpd", pid, "NOQUEUE: reject: RCPT from unknown[%s]: 554 5.7.1 Service unavailable; Client host [%s] blocked using %s; from=<%s@%s> to=<%s@%s> proto=ESMTP helo=<%s>",
			ip, ip, bl, pick(r, senderNames), randString(r, lowers, 7)+".com", pick(r, boxes), domain, helo)
		hd.logf(t.Add(secs(between(r, 0.1, 1))), "postfix/smtpd", pid, "disconnect from unknown[%s] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4", ip)
	})
}

// delivery writes one message received over SMTP and delivered to
// local mailboxes through Dovecot's LMTP.
func (hd *hostDay) delivery(t time.Time, rl relay, from string, rcpts []string) {
	r := hd.r
	id := qid(r)
	pid := hd.procPID(t, 0)
	step := func(lo, hi float64) time.Time { t = t.Add(secs(between(r, lo, hi))); return t }
	msgid := fmt.Sprintf("<%s@%s>", uuid(r), strings.SplitN(rl.name, ".", 2)[1])
	hd.logf(t, "postfix/smtpd", pid, "connect from %s[%s]", rl.name, rl.ip)
	hd.logf(step(0.3, 1.5), "postfix/smtpd", pid, "%s: client=%s[%s]", id, rl.name, rl.ip)
	hd.logf(step(0.05, 0.4), "postfix/cleanup", hd.procPID(t, 1), "%s: message-id=%s", id, msgid)
	size := 3000 + int(float64(r.IntN(60000))*r.Float64())
	hd.logf(step(0.01, 0.05), "postfix/qmgr", hd.h.pid["qmgr"], "%s: from=<%s>, size=%d, nrcpt=%d (queue active)", id, from, size, len(rcpts))
	dis := t.Add(secs(between(r, 0.05, 0.3)))
	hd.logf(dis, "postfix/smtpd", pid, "disconnect from %s[%s] ehlo=2 starttls=1 mail=1 rcpt=%d data=1 quit=1 commands=%d", rl.name, rl.ip, len(rcpts), 6+len(rcpts))
	lpid := hd.procPID(t, 2)
	for _, rc := range rcpts {
		a, b, c, d := between(r, 0.05, 0.4), between(r, 0, 0.02), between(r, 0, 0.02), between(r, 0.02, 0.2)
		hd.logf(step(0.01, 0.05).Add(secs(d)), "dovecot", 0, "lmtp(%s)<%d><%s>: msgid=%s: saved mail to INBOX", rc, lpid, randString(r, base64s, 22), msgid)
		hd.logf(step(d+0.001, d+0.01), "postfix/lmtp", hd.procPID(t, 3), "%s: to=<%s@%s>, relay=mail1.%s[private/dovecot-lmtp], delay=%s, delays=%s/%s/%s/%s, dsn=2.0.0, status=sent (250 2.0.0 <%s@%s> %s Saved)",
			id, rc, domain, domain, pdelay(a+b+c+d), pdelay(a), pdelay(b), pdelay(c), pdelay(d), rc, domain, randString(r, base64s, 22))
	}
	hd.logf(step(0.001, 0.01), "postfix/qmgr", hd.h.pid["qmgr"], "%s: removed", id)
}

// outboundMail writes staff sending mail through the submission port,
// from wherever they are.
func (hd *hostDay) outboundMail() {
	r := hd.r
	for _, dk := range hd.plan.desks {
		for _, w := range dk.windows {
			for t := w.from.Add(within(r, 0, 90*time.Minute)); t.Before(w.to); t = t.Add(within(r, 5*time.Minute, 100*time.Minute)) {
				hd.submission(t, dk.st.user, dk.addr)
			}
		}
	}
}

// submission writes one message sent by user from addr.
func (hd *hostDay) submission(t time.Time, user, addr string) {
	r := hd.r
	const prog = "postfix/submission/smtpd"
	id := qid(r)
	pid := hd.procPID(t, 4)
	step := func(lo, hi float64) time.Time { t = t.Add(secs(between(r, lo, hi))); return t }
	mx := outboundMX[zipf(r, len(outboundMX))]
	to := pick(r, senderNames) + "@" + pick(r, mx.domains)
	msgid := fmt.Sprintf("<%s@%s>", uuid(r), domain)
	hd.logf(t, prog, pid, "connect from unknown[%s]", addr)
	hd.logf(step(0.2, 0.8), prog, pid, "%s: client=unknown[%s], sasl_method=PLAIN, sasl_username=%s", id, addr, user)
	hd.logf(step(0.05, 0.3), "postfix/cleanup", hd.procPID(t, 1), "%s: message-id=%s", id, msgid)
	hd.logf(step(0.01, 0.05), "postfix/qmgr", hd.h.pid["qmgr"], "%s: from=<%s@%s>, size=%d, nrcpt=1 (queue active)", id, user, domain, 2000+r.IntN(200000))
	hd.logf(t.Add(secs(between(r, 0.05, 0.2))), prog, pid, "disconnect from unknown[%s] ehlo=2 starttls=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=8", addr)
	a, b, c, d := between(r, 0.05, 0.3), between(r, 0, 0.02), between(r, 0.1, 0.6), between(r, 0.2, 1.5)
	resp := fmt.Sprintf("250 2.0.0 OK  %d %s - gsmtp", t.Unix(), randString(r, lowers+digits, 30))
	if !strings.Contains(mx.name, "google") {
		resp = fmt.Sprintf("250 2.0.0 Ok: queued as %s", randString(r, base64s, 12))
		if strings.Contains(mx.name, "outlook") {
			resp = fmt.Sprintf("250 2.6.0 %s [InternalId=%d, Hostname=SY4P282MB%04d.AUSP282.PROD.OUTLOOK.COM] %d bytes in %.3f, %.3f KB/sec Queued mail for delivery",
				msgid, 10000000000+r.Int64N(90000000000), r.IntN(10000), 2000+r.IntN(200000), between(r, 0.05, 0.4), between(r, 20, 900))
		}
	}
	hd.logf(step(a+b+c+d, a+b+c+d+0.01), "postfix/smtp", hd.procPID(t, 5), "%s: to=<%s>, relay=%s[%s]:25, delay=%s, delays=%s/%s/%s/%s, dsn=2.0.0, status=sent (%s)",
		id, to, mx.name, mx.ip, pdelay(a+b+c+d), pdelay(a), pdelay(b), pdelay(c), pdelay(d), resp)
	hd.logf(step(0.001, 0.01), "postfix/qmgr", hd.h.pid["qmgr"], "%s: removed", id)
}

// imap writes mail clients logging in: desktops while people are at
// work, phones from the carrier through the day.
func (hd *hostDay) imap() {
	r := hd.r
	login := func(t time.Time, user, addr string) {
		pid := hd.pidAt(t)
		sess := dovecotSession(r)
		hd.logf(t, "dovecot", 0, "imap-login: Login: user=<%s>, method=PLAIN, rip=%s, lip=%s, mpid=%d, TLS, session=<%s>", user, addr, mailAddr, pid, sess)
		end := t.Add(within(r, 2*time.Second, 25*time.Minute))
		hd.logf(end, "dovecot", 0, "imap(%s)<%d><%s>: Logged out in=%d out=%d deleted=%d expunged=%d trashed=%d hdr_count=%d hdr_bytes=%d body_count=%d body_bytes=%d",
			user, pid, sess, 50+r.IntN(900), 400+r.IntN(40000), r.IntN(2), r.IntN(2), r.IntN(2), r.IntN(20), r.IntN(9000), r.IntN(6), r.IntN(90000))
	}
	for _, dk := range hd.plan.desks {
		for _, w := range dk.windows {
			for t := w.from.Add(within(r, time.Minute, 10*time.Minute)); t.Before(w.to); t = t.Add(within(r, 8*time.Minute, 45*time.Minute)) {
				login(t, dk.st.user, dk.addr)
			}
		}
		if dk.st.phone && dk.st.mobile != "" {
			addr := inPrefix(r, dk.st.mobile)
			hd.arrivals(func(h int) float64 {
				if h < 7 || h > 22 {
					return 0.05
				}
				return 0.5
			}, func(t time.Time) {
				if chance(r, 0.3) {
					addr = inPrefix(r, dk.st.mobile)
				}
				login(t, dk.st.user, addr)
			})
		}
	}
	// Password guessing against IMAP.
	n := poisson(r, 25*wobble(r, 0.6))
	for range n {
		t := hd.d.start.Add(within(r, 0, hd.d.end.Sub(hd.d.start)))
		ip := publicIP(r)
		k := 1 + r.IntN(3)
		hd.logf(t, "dovecot", 0, "imap-login: Disconnected (auth failed, %d attempts in %d secs): user=<%s>, method=PLAIN, rip=%s, lip=%s, TLS, session=<%s>",
			k, 2+k*3+r.IntN(4), pick(r, botLogins), ip, mailAddr, dovecotSession(r))
	}
}

// saslBots writes SMTP AUTH guessing: on some days one or two botnets
// hammer the submission port, on others a trickle.
func (hd *hostDay) saslBots() {
	r := hd.r
	sources := 3 + poisson(r, 12*wobble(r, 0.7))
	for range sources {
		ip := publicIP(r)
		tries := 1 + int(min(80, 2/max(0.02, r.Float64())))
		prog := "postfix/smtpd"
		if chance(r, 0.6) {
			prog = "postfix/submission/smtpd"
		}
		t := hd.d.start.Add(within(r, 0, hd.d.end.Sub(hd.d.start)-2*time.Hour))
		gap := within(r, 3*time.Second, 4*time.Minute)
		for range tries {
			pid := hd.procPID(t, 6)
			hd.logf(t, prog, pid, "connect from unknown[%s]", ip)
			hd.logf(t.Add(secs(between(r, 0.5, 3))), prog, pid, "warning: unknown[%s]: SASL LOGIN authentication failed: UGFzc3dvcmQ6", ip)
			hd.logf(t.Add(secs(between(r, 3.1, 4))), prog, pid, "lost connection after AUTH from unknown[%s]", ip)
			hd.logf(t.Add(secs(between(r, 4.1, 4.2))), prog, pid, "disconnect from unknown[%s] ehlo=1 auth=0/1 commands=1/2", ip)
			t = t.Add(gap + within(r, 0, gap))
		}
	}
}
