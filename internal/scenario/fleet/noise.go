package fleet

import (
	"time"
)

// sshBotUsers are the names bots try; none of them is an account here.
var sshBotUsers = []string{
	"admin", "test", "user", "oracle", "postgres", "ubuntu", "git", "ftpuser", "guest", "support",
	"jenkins", "hadoop", "pi", "minecraft", "test1", "dev", "www", "mysql", "nagios", "steam",
	"tomcat", "elastic", "sol", "solana", "validator", "user1", "centos", "debian", "es", "ts3",
	"odoo", "vagrant", "docker", "kafka", "redis", "zabbix", "hive", "spark", "testuser", "administrator",
}

// botSource is one scanning address and how hard it tries today.
type botSource struct {
	ip    string
	tries int
	start time.Time
	gap   time.Duration
}

// sshBots writes the internet's SSH noise on an exposed host: mostly a
// few tries from many addresses, on some days one address that keeps
// going for an hour. mean is the expected number of connections on an
// average day, sigma how much days differ.
func (hd *hostDay) sshBots(mean, sigma float64) {
	r, d := hd.r, hd.d
	total := poisson(r, mean*wobble(r, sigma))
	var srcs []botSource
	for total > 0 {
		n := min(total, 1+int(min(40, 1.5/max(0.03, r.Float64()))))
		total -= n
		srcs = append(srcs, botSource{ip: publicIP(r), tries: n, start: d.start.Add(within(r, 0, d.end.Sub(d.start))), gap: within(r, 2*time.Second, 3*time.Minute)})
	}
	if chance(r, 0.2) {
		srcs = append(srcs, botSource{ip: publicIP(r), tries: 60 + r.IntN(200), start: d.start.Add(within(r, 0, 20*time.Hour)), gap: within(r, 4*time.Second, 20*time.Second)})
	}
	for _, s := range srcs {
		t := s.start
		for range s.tries {
			hd.sshBotConn(t, s.ip)
			t = t.Add(s.gap/2 + within(hd.r, 0, s.gap))
		}
	}
}

// sshBotConn writes one bot connection as the host's OpenSSH logs it.
func (hd *hostDay) sshBotConn(t time.Time, ip string) {
	r := hd.r
	pid := hd.pidAt(t)
	port := anyPort(r)
	el7h := hd.h.os == el7
	step := func(lo, hi float64) time.Time { t = t.Add(secs(between(r, lo, hi))); return t }
	switch k := r.Float64(); {
	case k < 0.5:
		u := pick(r, sshBotUsers)
		hd.logf(t, "sshd", pid, "Invalid user %s from %s port %d", u, ip, port)
		if el7h {
			hd.logf(step(0.001, 0.01), "sshd", pid, "input_userauth_request: invalid user %s [preauth]", u)
		}
		if !hd.h.passwords {
			hd.logf(step(0.2, 2), "sshd", pid, "Connection closed by invalid user %s %s port %d [preauth]", u, ip, port)
			return
		}
		hd.log(step(0.5, 2), "sshd", pid, "pam_unix(sshd:auth): check pass; user unknown")
		hd.logf(step(0.001, 0.005), "sshd", pid, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s", ip)
		hd.logf(step(1.5, 3), "sshd", pid, "Failed password for invalid user %s from %s port %d ssh2", u, ip, port)
		hd.logf(step(0.1, 1), "sshd", pid, "Received disconnect from %s port %d:11: Bye Bye [preauth]", ip, port)
		if el7h {
			hd.logf(step(0.0001, 0.001), "sshd", pid, "Disconnected from %s port %d [preauth]", ip, port)
		} else {
			hd.logf(step(0.0001, 0.001), "sshd", pid, "Disconnected from invalid user %s %s port %d [preauth]", u, ip, port)
		}
	case k < 0.7:
		if !hd.h.passwords {
			hd.logf(step(0.5, 3), "sshd", pid, "Connection closed by authenticating user root %s port %d [preauth]", ip, port)
			return
		}
		hd.logf(t, "sshd", pid, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=root", ip)
		hd.logf(step(1.5, 3), "sshd", pid, "Failed password for root from %s port %d ssh2", ip, port)
		hd.logf(step(0.1, 1), "sshd", pid, "Received disconnect from %s port %d:11: Bye Bye [preauth]", ip, port)
		if el7h {
			hd.logf(step(0.0001, 0.001), "sshd", pid, "Disconnected from %s port %d [preauth]", ip, port)
		} else {
			hd.logf(step(0.0001, 0.001), "sshd", pid, "Disconnected from authenticating user root %s port %d [preauth]", ip, port)
		}
	case k < 0.82:
		hd.logf(t, "sshd", pid, "Connection closed by %s port %d [preauth]", ip, port)
	case k < 0.92:
		if el7h {
			hd.logf(t, "sshd", pid, "Did not receive identification string from %s port %d", ip, port)
		} else {
			hd.log(t, "sshd", pid, "error: kex_exchange_identification: Connection closed by remote host")
			hd.logf(step(0.0001, 0.001), "sshd", pid, "Connection closed by %s port %d", ip, port)
		}
	case k < 0.96:
		if el7h {
			hd.logf(t, "sshd", pid, "Bad protocol version identification 'GET / HTTP/1.1' from %s port %d", ip, port)
		} else {
			hd.logf(t, "sshd", pid, "banner exchange: Connection from %s port %d: invalid format", ip, port)
		}
	default:
		hd.logf(t, "sshd", pid, "Unable to negotiate with %s port %d: no matching key exchange method found. Their offer: diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1 [preauth]", ip, port)
	}
}
