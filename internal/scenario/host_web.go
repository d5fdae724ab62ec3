package scenario

import (
	"fmt"
	"slices"
	"time"
)

// web writes a public web server's day: shop traffic in nginx's access log
// (sent to syslog), the shop's application, and the internet's constant
// probing of ssh and of closed ports. web1 still allows passwords and runs
// fail2ban; web2 takes keys only.
func (h *hostDay) web() {
	e, r, d := h.e, h.r, h.d
	web1 := e.m.name == "web1"
	scale := 1.0
	if !web1 {
		scale = 0.8 // the load balancer weights web1 higher
	}
	h.shopTraffic(scale * r.lognorm(0.12))
	h.webProbes()
	h.sshNoise(web1)
	h.firewall()
	for _, from := range []time.Duration{0, 12 * time.Hour} {
		e.oneshot(r, d.at(from+r.between(0, 12*time.Hour)), unitCertbot, r.between(2*time.Second, 9*time.Second), nil)
	}
}

// nginxStamp is the time layout of nginx's combined log format.
const nginxStamp = "02/Jan/2006:15:04:05 -0700"

// Browsers and bots that visit the shop.
var userAgents = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
	"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
	"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
}

var (
	categories  = []string{"kitchen", "garden", "outdoor", "lighting", "storage", "gifts", "sale", "new"}
	searchTerms = []string{"lamp", "chair", "mug", "planter", "blanket", "candle", "rug", "shelf", "vase", "hammock"}
)

// customerIP returns the address of returning customer k: the same
// customers come back day after day.
func customerIP(seed uint64, k int) string {
	x := seed ^ uint64(k)*0x9e3779b97f4a7c15
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	return fmt.Sprintf("198.%d.%d.%d", 18+x&1, x>>8&255, 1+(x>>16)%254)
}

// shopTraffic writes visitors browsing the shop, the load balancer's health
// checks and the application's own lines. scale sets the day's volume.
func (h *hostDay) shopTraffic(scale float64) {
	e, r, d := h.e, h.r, h.d
	workers := []int{e.pid(d.start.Add(-20*time.Hour)) + 11, e.pid(d.start.Add(-20*time.Hour)) + 12}
	app := func(t time.Time, format string, args ...any) {
		e.add(t, "shop-api", workers[r.IntN(len(workers))], format, args...)
	}
	access := func(t time.Time, ip, method, uri string, status, size int, ref, ua string) {
		e.add(t, "nginx", 0, `%s - - [%s] "%s %s HTTP/2.0" %d %d "%s" "%s"`, ip, t.Format(nginxStamp), method, uri, status, size, ref, ua)
	}
	order := 100000 + h.d.idx*700
	const site = "https://shop.example.com"
	arrivals(r, d, shop(d), 190*scale, 0.2, func(t time.Time) {
		ip := r.clientIP()
		if r.chance(0.6) {
			u := r.Float64()
			ip = customerIP(h.seed, int(5000*u*u))
		}
		ua := r.pick(userAgents[:6])
		if r.chance(0.04) {
			ua = r.pick(userAgents[6:])
		}
		ref := "-"
		pages := 1 + int(r.ExpFloat64()*3)
		for p := range pages {
			var uri string
			switch q := r.IntN(100); {
			case p == 0 && q < 30:
				uri = "/"
			case q < 60:
				uri = fmt.Sprintf("/products/%d", 1000+r.IntN(2400))
			case q < 75:
				uri = "/category/" + r.pick(categories)
			case q < 85:
				uri = "/search?q=" + r.pick(searchTerms)
			default:
				uri = "/cart"
			}
			status, size := 200, 8000+r.IntN(40000)
			switch q := r.IntN(1000); {
			case q < 12:
				status, size = 404, 1520
			case q < 60:
				status, size = 304, 0
			case q < 62:
				status, size = 502, 157
				app(t, "ERROR upstream request failed: context deadline exceeded (path=%s)", uri)
			}
			access(t, ip, "GET", uri, status, size, ref, ua)
			ref = site + uri
			t = t.Add(r.between(2*time.Second, 50*time.Second))
		}
		switch q := r.IntN(100); {
		case q < 6: // logs in
			if r.chance(0.06) {
				access(t, ip, "POST", "/account/login", 401, 64, site+"/account/login", ua)
				app(t.Add(tick(r)), "WARN login failed: bad password (customer_id=%d)", 1+r.IntN(90000))
				t = t.Add(r.between(5*time.Second, 30*time.Second))
			}
			access(t, ip, "POST", "/account/login", 302, 0, site+"/account/login", ua)
			app(t.Add(tick(r)), "INFO login ok (customer_id=%d)", 1+r.IntN(90000))
		case q < 10: // buys
			access(t, ip, "GET", "/checkout", 200, 12000+r.IntN(4000), site+"/cart", ua)
			t = t.Add(r.between(20*time.Second, 3*time.Minute))
			access(t, ip, "POST", "/api/orders", 201, 310+r.IntN(60), site+"/checkout", ua)
			order += 1 + r.IntN(3)
			app(t.Add(tick(r)), "INFO order %d placed: items=%d total=%.2f", order, 1+r.IntN(5), 9.5+200*r.Float64()*r.Float64())
			app(t.Add(r.between(300*time.Millisecond, 4*time.Second)), "INFO payment captured for order %d in %dms", order, 180+r.IntN(1500))
		}
	})
	// The load balancers' health checks.
	for _, lb := range []string{"10.0.1.2", "10.0.1.3"} {
		for m := r.between(0, 2*time.Minute); m < 24*time.Hour; m += 2 * time.Minute {
			e.add(d.at(m+r.between(0, 300*time.Millisecond)), "nginx", 0, `%s - - [%s] "GET /healthz HTTP/1.1" 200 2 "-" "HAProxy/2.6"`, lb, d.at(m).Format(nginxStamp))
		}
	}
	// Each worker reports its figures every five minutes.
	for m := time.Duration(0); m < 24*time.Hour; m += 5 * time.Minute {
		load := shop(d).at(m) * scale
		for _, w := range workers {
			t := d.at(m + r.between(0, 2*time.Second))
			e.add(t, "shop-api", w, "INFO stats: requests=%d errors=%d p50=%dms p95=%dms db_pool=%d/20",
				int(float64(350)*load*r.lognorm(0.2)), r.poisson(0.3), 8+r.IntN(6), 60+int(80*load)+r.IntN(40), 2+int(12*load)+r.IntN(3))
		}
	}
	arrivals(r, d, shop(d), 0.8, 0.5, func(t time.Time) {
		app(t, "WARN payment provider slow: %dms (attempt 1 of 3)", 2500+r.IntN(6000))
	})
	arrivals(r, d, &flat, 1.0/6, 0, func(t time.Time) {
		app(t, "INFO catalogue cache refreshed: %d products in %dms", 3390+h.d.idx+r.IntN(12), 200+r.IntN(900))
	})
}

// Paths the internet's vulnerability scanners try.
var probePaths = []string{
	"/wp-login.php", "/xmlrpc.php", "/.env", "/.git/config", "/phpmyadmin/", "/admin/", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
	"/cgi-bin/luci/;stok=/locale", "/actuator/health", "/boaform/admin/formLogin", "/.aws/credentials", "/server-status", "/owa/auth/logon.aspx",
	"/wp-content/plugins/", "/config.json", "/api/v1/pods", "/HNAP1/", "/solr/admin/info/system",
}

// webProbes writes scanners requesting paths that do not exist, one at a
// time and now and then in a burst.
func (h *hostDay) webProbes() {
	e, r, d := h.e, h.r, h.d
	probe := func(t time.Time, ip, ua string) {
		path := r.pick(probePaths)
		e.add(t, "nginx", 0, `%s - - [%s] "GET %s HTTP/1.1" 404 153 "-" "%s"`, ip, t.Format(nginxStamp), path, ua)
		if r.chance(0.5) {
			e.add(t.Add(tick(r)), "nginx", 0, `%s [error] %d#%d: *%d open() "/srv/shop/public%s" failed (2: No such file or directory), client: %s, server: shop.example.com, request: "GET %s HTTP/1.1", host: "%s"`,
				t.Format("2006/01/02 15:04:05"), 811, 811, 1000000+r.IntN(9000000), path, ip, path, e.m.public)
		}
	}
	scanners := []string{"Mozilla/5.0 zgrab/0.x", "python-requests/2.31.0", "Go-http-client/1.1", "curl/7.88.1", "Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)"}
	arrivals(r, d, &flat, 5, 0.5, func(t time.Time) {
		probe(t, r.internetIPv4(), r.pick(scanners))
	})
	for n := r.poisson(1.0); n > 0; n-- {
		t := d.at(r.between(0, 24*time.Hour))
		ip, ua := r.internetIPv4(), r.pick(scanners)
		for k := 30 + r.IntN(150); k > 0; k-- {
			probe(t, ip, ua)
			t = t.Add(r.between(50*time.Millisecond, 1500*time.Millisecond))
		}
	}
}

// Account names ssh bots try.
var botUsers = []string{
	"admin", "test", "user", "ubuntu", "oracle", "postgres", "git", "guest", "ftpuser", "deploy", "pi", "support",
	"debian", "centos", "hadoop", "jenkins", "minecraft", "steam", "test1", "user1", "admin1", "administrator",
	"www", "mysql", "elastic", "ansible", "vagrant", "dev", "demo", "sysadmin", "nagios", "odoo", "es", "redis",
	"zabbix", "tomcat", "ts3", "testuser", "backup", "ftp", "web", "server", "student", "temp", "api", "docker",
}

// attempt is one ssh logon attempt from the internet.
type attempt struct {
	t        time.Time
	ip, user string
}

// sshNoise writes bots trying ssh logons all day, from a pool of addresses
// that changes daily, and on some days a scanner burst: tens of attempts
// in a few minutes from one address or a botnet. passwords says whether
// the host accepts passwords (and runs fail2ban) or keys only.
func (h *hostDay) sshNoise(passwords bool) {
	e, r, d := h.e, h.r, h.d
	user := func() string {
		if r.chance(0.3) {
			return "root"
		}
		return r.pick(botUsers)
	}
	pool := make([]string, 15+r.IntN(60))
	for i := range pool {
		pool[i] = r.internetIPv4()
	}
	var atts []attempt
	arrivals(r, d, &flat, 4*r.lognorm(0.5), 0.6, func(t time.Time) {
		atts = append(atts, attempt{t, pool[r.skewed(len(pool))], user()})
	})
	for n := r.poisson(0.7); n > 0; n-- {
		t := d.at(r.between(0, 24*time.Hour))
		span := r.between(2*time.Minute, 7*time.Minute)
		ips := []string{r.internetIPv4()}
		if r.chance(0.4) { // a botnet: many addresses, a few tries each
			for range 8 + r.IntN(18) {
				ips = append(ips, r.internetIPv4())
			}
		}
		for k := 20 + r.IntN(70); k > 0; k-- {
			atts = append(atts, attempt{t.Add(r.between(0, span)), r.pick(ips), user()})
		}
	}
	slices.SortFunc(atts, func(a, b attempt) int { return a.t.Compare(b.t) })

	f2b := 700 + r.IntN(100) // fail2ban-server's pid
	bannedUntil := map[string]time.Time{}
	recent := map[string][]time.Time{}
	for _, a := range atts {
		if until, ok := bannedUntil[a.ip]; ok && a.t.Before(until) {
			continue // dropped by the ban's firewall rule
		}
		end := e.attempt(r, a, passwords)
		if !passwords {
			continue
		}
		// fail2ban's sshd jail: maxretry 5 within findtime 10m, bantime 10m.
		t := end.Add(time.Duration(5+r.IntN(400)) * time.Millisecond)
		e.add(t, "fail2ban.filter", f2b, "INFO [sshd] Found %s - %s", a.ip, a.t.Format(time.DateTime))
		ts := append(recent[a.ip], a.t)
		for len(ts) > 0 && a.t.Sub(ts[0]) > 10*time.Minute {
			ts = ts[1:]
		}
		recent[a.ip] = ts
		if len(ts) >= 5 {
			t = t.Add(r.between(50*time.Millisecond, 900*time.Millisecond))
			e.add(t, "fail2ban.actions", f2b, "NOTICE [sshd] Ban %s", a.ip)
			bannedUntil[a.ip] = t.Add(10 * time.Minute)
			e.add(t.Add(10*time.Minute+tick(r)), "fail2ban.actions", f2b, "NOTICE [sshd] Unban %s", a.ip)
			delete(recent, a.ip)
		}
	}

	// Connections that never get as far as a logon.
	arrivals(r, d, &flat, 1.5, 0.5, func(t time.Time) {
		ip, port, pid := r.internetIPv4(), r.port(), e.pid(t)
		switch r.IntN(5) {
		case 0:
			e.add(t, "sshd", pid, "Connection closed by %s port %d [preauth]", ip, port)
		case 1:
			e.add(t, "sshd", pid, "error: kex_exchange_identification: Connection closed by remote host")
			e.add(t.Add(tick(r)), "sshd", pid, "Connection closed by %s port %d", ip, port)
		case 2:
			e.add(t, "sshd", pid, `error: kex_exchange_identification: client sent invalid protocol identifier "GET / HTTP/1.1"`)
			e.add(t.Add(tick(r)), "sshd", pid, "banner exchange: Connection from %s port %d: invalid format", ip, port)
		case 3:
			e.add(t, "sshd", pid, "Unable to negotiate with %s port %d: no matching host key type found. Their offer: ssh-rsa,ssh-dss [preauth]", ip, port)
		default:
			e.add(t, "sshd", pid, "error: kex_exchange_identification: read: Connection reset by peer")
			e.add(t.Add(tick(r)), "sshd", pid, "Connection reset by %s port %d", ip, port)
		}
	})
}

// attempt writes one failed ssh logon and returns the time of its last
// line. With passwords the bot gets to try one; without, sshd closes the
// connection once the bot has no key to offer.
func (e *emitter) attempt(r rng, a attempt, passwords bool) time.Time {
	t, pid, port := a.t, e.pid(a.t), r.port()
	invalid := a.user != "root"
	if invalid {
		e.add(t, "sshd", pid, "Invalid user %s from %s port %d", a.user, a.ip, port)
		t = t.Add(tick(r))
	}
	who := "authenticating user " + a.user
	if invalid {
		who = "invalid user " + a.user
	}
	if passwords {
		if invalid {
			e.add(t, "sshd", pid, "pam_unix(sshd:auth): check pass; user unknown")
			t = t.Add(tick(r))
			e.add(t, "sshd", pid, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s", a.ip)
			t = t.Add(r.between(1500*time.Millisecond, 3*time.Second))
			e.add(t, "sshd", pid, "Failed password for invalid user %s from %s port %d ssh2", a.user, a.ip, port)
		} else {
			e.add(t, "sshd", pid, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=%s", a.ip, a.user)
			t = t.Add(r.between(1500*time.Millisecond, 3*time.Second))
			e.add(t, "sshd", pid, "Failed password for %s from %s port %d ssh2", a.user, a.ip, port)
		}
		t = t.Add(r.between(100*time.Millisecond, 2*time.Second))
	}
	if r.chance(0.5) {
		e.add(t, "sshd", pid, "Received disconnect from %s port %d:11: Bye Bye [preauth]", a.ip, port)
		t = t.Add(tick(r))
		e.add(t, "sshd", pid, "Disconnected from %s %s port %d [preauth]", who, a.ip, port)
	} else {
		e.add(t, "sshd", pid, "Connection closed by %s %s port %d [preauth]", who, a.ip, port)
	}
	return t
}

// firewall writes UFW blocking packets to closed ports: a steady trickle
// and a few port scans a day.
func (h *hostDay) firewall() {
	e, r, d := h.e, h.r, h.d
	mac := "52:54:00:" + macTail(e.m.name) + ":fe:ff:ff:ee:ee:01:08:00"
	ports := []int{23, 445, 3389, 8080, 1433, 5900, 6379, 8443, 2323, 3306, 5432, 9200, 81, 8888, 27017, 11211}
	block := func(t time.Time, ip string, port int) {
		if port == 5060 || port == 1900 || port == 161 || (port == 0 && r.chance(0.15)) {
			if port == 0 {
				port = []int{5060, 1900, 161, 123}[r.IntN(4)]
			}
			n := 60 + r.IntN(400)
			e.kernel(t, "[UFW BLOCK] IN=eth0 OUT= MAC=%s SRC=%s DST=%s LEN=%d TOS=0x00 PREC=0x00 TTL=%d ID=%d DF PROTO=UDP SPT=%d DPT=%d LEN=%d",
				mac, ip, e.m.public, n+20, 40+r.IntN(20), r.IntN(65536), r.port(), port, n)
			return
		}
		if port == 0 {
			port = ports[r.skewed(len(ports))]
		}
		e.kernel(t, "[UFW BLOCK] IN=eth0 OUT= MAC=%s SRC=%s DST=%s LEN=44 TOS=0x00 PREC=0x00 TTL=%d ID=%d PROTO=TCP SPT=%d DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0",
			mac, ip, e.m.public, 230+r.IntN(26), r.IntN(65536), 1024+r.IntN(64000), port)
	}
	arrivals(r, d, &flat, 30*r.lognorm(0.3), 0.4, func(t time.Time) {
		block(t, r.internetIPv4(), 0)
	})
	for n := r.poisson(1.2); n > 0; n-- {
		t := d.at(r.between(0, 24*time.Hour))
		ip := r.internetIPv4()
		for k := 15 + r.IntN(45); k > 0; k-- {
			block(t, ip, 1+r.IntN(10000))
			t = t.Add(r.between(100*time.Millisecond, 3*time.Second))
		}
	}
}

// macTail returns the last three bytes of a host's MAC address.
func macTail(host string) string {
	var x byte
	for _, c := range []byte(host) {
		x = x*31 + c
	}
	return fmt.Sprintf("%02x:%02x:%02x", x, x^0x5a, byte(len(host))*17)
}
