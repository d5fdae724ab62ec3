package fleet

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// site is where a person works from.
type site int

const (
	siteOffice site = iota // a laptop on the office LAN, address by DHCP
	siteRemote             // from home through the VPN
	siteNOC                // the network operations centre's fixed desktop
)

// staffer is one person with a mailbox and a machine. The admins among
// them also log in to servers; their habits are in admins.go.
type staffer struct {
	user   string
	uid    int
	site   site
	device string
	mac    string
	// randomMAC laptops present a new MAC every day, so DHCP hands them
	// a new address every day.
	randomMAC bool
	// usual is the office lease the DHCP server gives back when it can
	// (sticky is how often), the static VPN address, or the NOC desk.
	usual  string
	sticky float64
	// home is a fixed home address; homeNet a prefix ("a.b.") the home
	// address is drawn from each day when the ISP changes it.
	home    string
	homeNet string
	mobile  string // prefix of the phone carrier's addresses
	attend  float64
	shares  []string
	// phone is whether the person reads mail on a phone as well.
	phone bool
}

// desk is where a person's machine is on a day: its address, and for
// the VPN the public address the tunnel comes from.
type desk struct {
	st      *staffer
	addr    string
	mac     string
	real    string
	vpn     bool
	windows []span
}

// Office DHCP pool and VPN pool.
const (
	poolLo, poolHi       = 100, 199 // 10.20.30.100-199
	vpnPoolLo, vpnPoolHi = 50, 99   // 10.8.0.50-99
)

// newStaff returns the organisation's people.
func newStaff() []*staffer {
	off := func(user string, uid int, dev, mac string, usual int, mobile string, shares ...string) *staffer {
		return &staffer{user: user, uid: uid, site: siteOffice, device: dev, mac: mac,
			usual: ip4(10, 20, 30, usual), sticky: 0.82, mobile: mobile, attend: 0.9, shares: shares, phone: true}
	}
	rem := func(user string, uid int, dev string, vip int, home, homeNet, mobile string) *staffer {
		return &staffer{user: user, uid: uid, site: siteRemote, device: dev,
			usual: ip4(10, 8, 0, vip), sticky: 0.9, home: home, homeNet: homeNet, mobile: mobile, attend: 0.88,
			shares: []string{"projects"}, phone: true}
	}
	hana := off("hana", 1001, "hana-lt", "3c:52:82:4e:91:0a", 114, "49.224.", "it", "public")
	hana.sticky = 0.78
	priya := off("priya", 1003, "priya-mbp", "", 0, "49.225.", "projects")
	priya.randomMAC, priya.usual, priya.sticky = true, "", 0
	ruben := rem("ruben", 1002, "ruben-home", 14, "27.252.141.37", "", "101.98.")
	ruben.attend = 0.93
	return []*staffer{
		hana, ruben, priya,
		{user: "mateo", uid: 1004, site: siteNOC, device: "noc-ws2", usual: nocAddr, mobile: "115.189.", attend: 1},
		off("akowalczyk", 1011, "ak-lt", "f0:2f:74:1c:22:b1", 121, "49.224.", "finance", "public"),
		off("bnguyen", 1012, "bn-lt", "f0:2f:74:1c:40:07", 133, "49.225.", "finance", "scans"),
		off("cduarte", 1013, "cd-lt", "a4:83:e7:0b:5c:19", 142, "101.98.", "projects", "public"),
		off("dfischer", 1014, "df-lt", "a4:83:e7:2a:91:6e", 108, "115.189.", "hr", "public"),
		off("eokafor", 1015, "eo-lt", "8c:16:45:33:0e:a2", 156, "49.224.", "projects"),
		off("fmorel", 1016, "fm-lt", "8c:16:45:71:b8:3c", 127, "121.98.", "finance", "projects"),
		off("gsilva", 1017, "gs-lt", "3c:52:82:90:17:d4", 163, "49.225.", "sales", "public"),
		off("hjansen", 1018, "hj-lt", "3c:52:82:61:aa:05", 118, "101.98.", "sales"),
		off("ilindqvist", 1019, "il-lt", "dc:a6:32:0f:4e:8b", 171, "115.189.", "projects", "scans"),
		off("jmurphy", 1020, "jm-lt", "dc:a6:32:5d:c1:70", 149, "49.224.", "hr", "finance"),
		rem("kyamamoto", 1021, "ky-home", 57, "118.92.77.210", "", "49.225."),
		rem("lrossi", 1022, "lr-home", 63, "", "122.56.", "121.98."),
		rem("nokoye", 1023, "no-home", 71, "", "125.236.", "101.98."),
	}
}

// fleet is the organisation: machines and people. It is read-only once
// built and shared by all goroutines.
type fleet struct {
	hosts  []*host
	byName map[string]*host
	staff  []*staffer
	byUser map[string]*staffer
	keys   map[string]string // users' SSH key fingerprints
}

func newFleet() *fleet {
	f := &fleet{hosts: newHosts(), byName: map[string]*host{}, staff: newStaff(), byUser: map[string]*staffer{}, keys: map[string]string{}}
	for _, h := range f.hosts {
		f.byName[h.name] = h
	}
	for _, s := range f.staff {
		f.byUser[s.user] = s
	}
	// Keys are part of the organisation, not of a seed.
	r := stream(0, "keys", 0)
	f.keys["hana"] = fingerprint(r, "ED25519")
	f.keys["ruben"] = fingerprint(r, "RSA")
	f.keys["mateo"] = fingerprint(r, "ED25519")
	f.keys["ansible"] = fingerprint(r, "ED25519")
	f.keys["backup"] = fingerprint(r, "ED25519")
	f.keys["orders-export"] = fingerprint(r, "RSA")
	return f
}

// dayPlan is what the people do on one day, decided before any host
// writes a line so that every host tells the same story.
type dayPlan struct {
	d        day
	desks    []*desk
	byUser   map[string]*desk
	sessions map[string][]*session // by host
}

// addSession files s under its host.
func (p *dayPlan) addSession(s *session) { p.sessions[s.host] = append(p.sessions[s.host], s) }

// plan decides every day's desks and sessions.
func (f *fleet) plan(seed uint64, days []day) []*dayPlan {
	plans := make([]*dayPlan, len(days))
	for i, d := range days {
		p := &dayPlan{d: d, byUser: map[string]*desk{}, sessions: map[string][]*session{}}
		used := map[string]bool{}
		for _, st := range f.staff {
			dk := f.deskFor(stream(seed, "desk/"+st.user, d.idx), st, d, used)
			p.desks = append(p.desks, dk)
			p.byUser[st.user] = dk
		}
		plans[i] = p
	}
	// Sessions are filed by the day they start on; night shifts and
	// late sessions cross midnight.
	file := func(s *session) {
		for _, p := range plans {
			if !s.start.Before(p.d.start) && s.start.Before(p.d.end) {
				p.addSession(s)
				return
			}
		}
	}
	for _, p := range plans {
		d := p.d
		for _, s := range f.planHana(stream(seed, "hana", d.idx), d, p.byUser["hana"]) {
			file(s)
		}
		for _, s := range f.planPriya(stream(seed, "priya", d.idx), d, p.byUser["priya"]) {
			file(s)
		}
		for _, s := range f.planRuben(stream(seed, "ruben", d.idx), d, p.byUser["ruben"]) {
			file(s)
		}
		for _, h := range f.hosts {
			for _, s := range f.planAnsible(stream(seed, "ansible/"+h.name, d.idx), d, h) {
				file(s)
			}
		}
	}
	// The night shift that ends on the first morning started the
	// evening before.
	for i := -1; i < len(days); i++ {
		d := newDay(days[0].start, i)
		if nightShift(d.wd) {
			for _, s := range f.planMateo(stream(seed, "mateo", i), d) {
				file(s)
			}
		}
	}
	for _, p := range plans {
		for _, ss := range p.sessions {
			slices.SortStableFunc(ss, func(a, b *session) int { return a.start.Compare(b.start) })
		}
	}
	return plans
}

// nightShift reports whether the night shift starts at 22:00 on wd.
func nightShift(wd time.Weekday) bool { return wd != time.Friday && wd != time.Saturday }

// deskFor decides where st is on day d.
func (f *fleet) deskFor(r *rand.Rand, st *staffer, d day, used map[string]bool) *desk {
	dk := &desk{st: st, mac: st.mac}
	switch st.site {
	case siteNOC:
		dk.addr = st.usual
		if nightShift(newDay(d.start, -1).wd) {
			dk.windows = append(dk.windows, span{d.start, d.at(6, 0, between(r, 300, 1500))})
		}
		if nightShift(d.wd) {
			dk.windows = append(dk.windows, span{d.at(21, 45, between(r, 0, 900)), d.end})
		}
		return dk
	case siteRemote:
		dk.vpn = true
		dk.real = st.home
		if dk.real == "" {
			dk.real = inPrefix(r, st.homeNet)
		}
		dk.addr = st.usual
		if st.user != "ruben" && !chance(r, st.sticky) {
			dk.addr = ip4(10, 8, 0, vpnPoolLo+r.IntN(vpnPoolHi-vpnPoolLo+1))
		}
		switch {
		case d.workday() && chance(r, st.attend):
			from := d.at(8, 0, between(r, 0, 3600)+600*r.NormFloat64())
			dk.windows = []span{{from, from.Add(secs(8*3600 + between(r, -2400, 3000)))}}
		case st.user == "ruben" && d.wd == time.Saturday && chance(r, []float64{1, 0.25}[d.week()%2]):
			// On call every other Saturday morning, now and then on the
			// others too.
			from := d.at(9, 0, between(r, 0, 1800))
			dk.windows = []span{{from, from.Add(secs(between(r, 1.8, 3.2) * 3600))}}
		}
		return dk
	}
	// Office: the laptop gets its old lease back when the server can.
	dk.mac = st.mac
	if st.randomMAC {
		dk.mac = fmt.Sprintf("%02x:%s", 0x02|r.IntN(64)<<2, randMACTail(r))
	}
	dk.addr = st.usual
	if dk.addr == "" || used[dk.addr] || !chance(r, st.sticky) {
		for {
			a := ip4(10, 20, 30, poolLo+r.IntN(poolHi-poolLo+1))
			if !used[a] {
				dk.addr = a
				break
			}
		}
	}
	used[dk.addr] = true
	// hana never misses patch day.
	if d.workday() && (chance(r, st.attend) || st.user == "hana" && d.wd == time.Wednesday) {
		from := d.at(8, 25, 1500*r.NormFloat64())
		if st.user == "priya" {
			from = d.at(9, 30, between(r, -900, 1800))
		}
		dk.windows = []span{{from, from.Add(secs(8.6*3600 + 1800*r.NormFloat64()))}}
	}
	return dk
}

// randMACTail is five random MAC octets.
func randMACTail(r *rand.Rand) string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x", r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(256))
}
