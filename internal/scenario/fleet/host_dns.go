package fleet

import (
	"fmt"
	"strings"
	"time"
)

// fixedDevice is an always-on office device with a DHCP reservation.
type fixedDevice struct{ name, mac, addr string }

var (
	officeDevices = []fixedDevice{
		{"copier-l2", "00:26:73:4a:1b:9c", "10.20.30.21"},
		{"prn-l1-01", "00:17:c8:22:90:e1", "10.20.30.22"},
		{"prn-l2-02", "00:17:c8:22:91:4f", "10.20.30.23"},
		{"nvr-cctv", "bc:ad:28:0e:77:13", "10.20.30.50"},
		{"SEP00EBD5A1C201", "00:eb:d5:a1:c2:01", "10.20.30.30"},
		{"SEP00EBD5A1C2F4", "00:eb:d5:a1:c2:f4", "10.20.30.31"},
		{"SEP00EBD5A1C377", "00:eb:d5:a1:c3:77", "10.20.30.32"},
		{"SEP00EBD5A1C41A", "00:eb:d5:a1:c4:1a", "10.20.30.33"},
		{"SEP00EBD5A1C5B0", "00:eb:d5:a1:c5:b0", "10.20.30.34"},
		{"SEP00EBD5A1C6C9", "00:eb:d5:a1:c6:c9", "10.20.30.35"},
		{"SEP00EBD5A1C7D2", "00:eb:d5:a1:c7:d2", "10.20.30.36"},
		{"SEP00EBD5A1C833", "00:eb:d5:a1:c8:33", "10.20.30.37"},
	}
	guestNames  = []string{"iPhone", "Galaxy-S23", "Pixel-8", "android-%s", "DESKTOP-%s", "MacBook-Pro", "iPad", ""}
	officeNames = []string{
		"outlook.office365.com", "login.microsoftonline.com", "teams.microsoft.com", "www.google.com", "clients4.google.com",
		"update.googleapis.com", "ocsp.digicert.com", "github.com", "api.github.com", "slack.com", "www.xero.com",
		"go.xero.com", "www.nzherald.co.nz", "www.trademe.co.nz", "reports." + internal, "mail1." + domain,
		"files1." + internal, "fonts.gstatic.com", "www.youtube.com", "zoom.us", "safebrowsing.googleapis.com",
		"ctldl.windowsupdate.com", "settings-win.data.microsoft.com", "www.linkedin.com", "kiwifreight.co.nz",
	}
	serverNames = map[string][]string{
		"app1":   {"orders-db." + internal, "api.stripe.com", "files1." + internal, "redis." + internal, "mirrors.rockylinux.org", "2.rocky.pool.ntp.org"},
		"app2":   {"reports-db." + internal, "redis." + internal, "orders-db." + internal, "mirrors.rockylinux.org"},
		"vpn1":   {"mirrors.rockylinux.org", "2.rocky.pool.ntp.org", "ldap." + internal},
		"files1": {"mirrorlist.centos.org", "0.centos.pool.ntp.org", "ldap." + internal},
		"mon1":   {"app1." + internal, "app2." + internal, "mail1." + internal, "vpn1." + internal, "files1." + internal, "mirrorlist.centos.org"},
	}
)

// dnsHost writes ns1: ISC dhcpd for the office LAN and guest Wi-Fi, and
// BIND with query logging, resolving for servers and office machines.
// Always-on devices and servers keep it logging every hour of the day.
func (hd *hostDay) dnsHost() {
	hd.dhcp()
	hd.queries()
	hd.namedNoise()
}

// dhcp writes the day's DHCP conversations.
func (hd *hostDay) dhcp() {
	r, d := hd.r, hd.d
	pid := hd.h.pid["dhcpd"]
	const prog = "dhcpd"
	via := func(relay string) string { return " via " + relay }
	who := func(mac, name string) string {
		if name == "" {
			return mac
		}
		return mac + " (" + name + ")"
	}
	renew := func(t time.Time, addr, mac, name, relay string) {
		hd.logf(t, prog, pid, "DHCPREQUEST for %s from %s%s", addr, who(mac, name), via(relay))
		hd.logf(t.Add(secs(between(r, 0.001, 0.01))), prog, pid, "DHCPACK on %s to %s%s", addr, who(mac, name), via(relay))
	}
	join := func(t time.Time, addr, mac, name, relay string, ddns bool) {
		hd.logf(t, prog, pid, "DHCPDISCOVER from %s%s", who(mac, name), via(relay))
		t = t.Add(secs(between(r, 0.001, 0.01)))
		hd.logf(t, prog, pid, "DHCPOFFER on %s to %s%s", addr, who(mac, name), via(relay))
		t = t.Add(secs(between(r, 0.01, 1.2)))
		hd.logf(t, prog, pid, "DHCPREQUEST for %s (%s) from %s%s", addr, dnsAddr, who(mac, name), via(relay))
		t = t.Add(secs(between(r, 0.001, 0.01)))
		hd.logf(t, prog, pid, "DHCPACK on %s to %s%s", addr, who(mac, name), via(relay))
		if ddns {
			hd.logf(t.Add(secs(between(r, 0.005, 0.03))), prog, pid, "Added new forward map from %s.%s to %s", name, internal, addr)
			hd.logf(t.Add(secs(between(r, 0.031, 0.06))), prog, pid, "Added reverse map from %s.in-addr.arpa. to %s.%s", reverse(addr), name, internal)
		}
	}
	// Reservations renew every two hours, each on its own phase.
	for i, dev := range officeDevices {
		phase := secs(float64((i*977+hd.d.idx*131)%7200) + between(r, 0, 5))
		for t := d.start.Add(phase); t.Before(d.end); t = t.Add(secs(7200 + between(r, -3, 3))) {
			renew(t, dev.addr, dev.mac, dev.name, officeRelay)
		}
	}
	// Office laptops join when people arrive and renew hourly.
	for _, dk := range hd.plan.desks {
		if dk.st.site != siteOffice {
			continue
		}
		for _, w := range dk.windows {
			t := w.from.Add(-secs(between(r, 20, 240)))
			join(t, dk.addr, dk.mac, dk.st.device, officeRelay, true)
			for t = t.Add(secs(3600 + between(r, -20, 20))); t.Before(w.to); t = t.Add(secs(3600 + between(r, -20, 20))) {
				renew(t, dk.addr, dk.mac, dk.st.device, officeRelay)
			}
			if chance(r, 0.4) {
				hd.logf(w.to, prog, pid, "DHCPRELEASE of %s from %s%s (found)", dk.addr, who(dk.mac, dk.st.device), via(officeRelay))
			}
		}
	}
	// Guest Wi-Fi: visitors' phones and laptops.
	guests := poisson(r, 2+10*hd.busy)
	if !d.workday() {
		guests = poisson(r, 1.5)
	}
	for range guests {
		name := pick(r, guestNames)
		if strings.Contains(name, "%s") {
			if strings.HasPrefix(name, "DESKTOP") {
				name = fmt.Sprintf(name, randString(r, upperHexs[:10]+"ABCDEFGHJKLMNPQRSTUVWXYZ", 7))
			} else {
				name = fmt.Sprintf(name, randString(r, lowerHex, 16))
			}
		}
		mac := fmt.Sprintf("%02x:%s", 0x02|r.IntN(64)<<2, randMACTail(r))
		addr := ip4(10, 20, 31, 20+r.IntN(200))
		from := d.at(8, 0, between(r, 0, 9*3600))
		stay := within(r, 20*time.Minute, 4*time.Hour)
		join(from, addr, mac, name, "10.20.31.1", false)
		for t := from.Add(30 * time.Minute); t.Before(from.Add(stay)); t = t.Add(30 * time.Minute) {
			renew(t, addr, mac, name, "10.20.31.1")
		}
	}
}

// reverse is the in-addr.arpa name of an address, without the suffix.
func reverse(addr string) string {
	p := strings.Split(addr, ".")
	return p[3] + "." + p[2] + "." + p[1] + "." + p[0]
}

// queries writes BIND's query log.
func (hd *hostDay) queries() {
	r := hd.r
	pid := hd.h.pid["named"]
	q := func(t time.Time, client, name string) {
		typ := "A"
		switch k := r.Float64(); {
		case k < 0.3:
			typ = "AAAA"
		case k < 0.36 && !strings.HasSuffix(name, internal):
			typ = "TYPE65"
		}
		flags := pick(r, []string{"+E(0)K", "+E(0)K", "+E(0)", "+"})
		hd.logf(t, "named", pid, "client @0x7f%s %s#%d (%s): query: %s IN %s %s (%s)",
			randString(r, lowerHex, 10), client, ephemeralPort(r), name, name, typ, flags, dnsAddr)
	}
	// Servers resolve all day; the mail server checks blocklists.
	for _, h := range hd.f.hosts {
		names := serverNames[h.name]
		rate := 4.0
		switch h.role {
		case roleMail:
			rate = 30 + 30*hd.busy
		case roleOrders:
			rate = 18
		case roleDNS:
			continue
		}
		hd.arrivals(func(hour int) float64 {
			if h.role == roleMail {
				return rate * (0.4 + office(hour))
			}
			return rate
		}, func(t time.Time) {
			if h.role == roleMail {
				name := reverse(publicIP(r)) + ".zen.spamhaus.org"
				if chance(r, 0.3) {
					name = pick(r, []string{"_dmarc.gmail.com", "gmail.com", "outlook.com", "_dmarc.kiwifreight.co.nz", "kiwifreight.co.nz", "amazonses.com"})
				}
				q(t, h.addr, name)
				return
			}
			q(t, h.addr, pick(r, names))
		})
	}
	for _, dk := range hd.plan.desks {
		if dk.st.site != siteOffice {
			continue
		}
		for _, w := range dk.windows {
			n := poisson(hd.r, 25*w.dur().Hours())
			for range n {
				q(w.from.Add(within(r, 0, w.dur())), dk.addr, officeNames[zipf(r, len(officeNames))])
			}
		}
	}
}

// namedNoise writes BIND's complaints about other people's servers.
func (hd *hostDay) namedNoise() {
	r := hd.r
	pid := hd.h.pid["named"]
	for range poisson(r, 9) {
		t := hd.d.start.Add(within(r, 0, hd.d.end.Sub(hd.d.start)))
		name := pick(r, []string{"mail.acme-supplies.com.au", "www.pacificpack.com", "ns2.harbourlegal.co.nz", "cdn.trademe.co.nz", "ocsp.sectigo.com"})
		switch r.IntN(3) {
		case 0:
			hd.logf(t, "named", pid, "REFUSED unexpected RCODE resolving '%s/A/IN': %s#53", name, publicIP(r))
		case 1:
			hd.logf(t, "named", pid, "timed out resolving '%s/AAAA/IN': %s#53", name, publicIP(r))
		default:
			hd.logf(t, "named", pid, "lame-servers: info: host unreachable resolving '%s/A/IN': 2001:4860:4802:3%d::a#53", name, r.IntN(8))
		}
	}
}
