package baseline

import (
	"bytes"
	"slices"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/filters/template"
)

// Category IDs the baseline reads.
const (
	catLogin      = "auth.success"
	catPrivilege  = "privilege.use"
	catSoftware   = "software.change"
	catAccount    = "account.change"
	catPermission = "permission.change"
)

// Learner builds a Baseline from events given in (roughly) time order. It
// mines each event's message template itself, on one goroutine, so the
// templates and their IDs do not depend on how the events were spread over
// workers. A Learner is not safe for concurrent use.
type Learner struct {
	b     *Baseline
	caps  Caps
	clk   *clock
	miner *template.Miner
	hosts map[string]*hostLearn
	srcs  map[string]*sourceLearn
	last  *hostLearn
	lastS *sourceLearn
}

type hostLearn struct {
	name  string
	h     *Host
	total counter
	cats  map[string]*counter
	tpls  map[string]*counter
	last  int64
}

type sourceLearn struct {
	name string
	s    *Source
	last int64
}

// counter counts one key's events in the current calendar hour and in a
// sliding five minutes, and folds each finished hour into its Series.
type counter struct {
	s         *Series
	hourStart int64
	how       int
	n, peak   uint32
	win       window
}

// window counts events in the last five minutes of event time, in
// one-minute buckets.
type window struct {
	minute int64
	b      [5]uint32
	sum    uint32
}

// add counts an event in minute m (Unix minutes) and returns the count for
// the five minutes up to it. An event older than the window counts in the
// current minute.
func (w *window) add(m int64) uint32 {
	if m > w.minute {
		if m-w.minute >= 5 {
			w.b, w.sum = [5]uint32{}, 0
		} else {
			for x := w.minute + 1; x <= m; x++ {
				w.sum -= w.b[x%5]
				w.b[x%5] = 0
			}
		}
		w.minute = m
	} else if w.minute-m >= 5 {
		m = w.minute
	}
	w.b[m%5]++
	w.sum++
	return w.sum
}

// count returns the five-minute count as of minute m without adding.
func (w *window) count(m int64) uint32 {
	if m-w.minute >= 5 {
		return 0
	}
	n := w.sum
	for x := w.minute + 1; x <= m; x++ {
		n -= w.b[x%5]
	}
	return n
}

func (c *counter) add(t, hourStart int64, how int) {
	if hourStart != c.hourStart {
		c.flush()
		c.hourStart, c.how = hourStart, how
	}
	c.n++
	c.peak = max(c.peak, c.win.add(t/60))
	c.s.Count++
}

// flush folds the current hour into the series.
func (c *counter) flush() {
	if c.n > 0 {
		c.s.addHour(c.how, c.n, c.peak)
	}
	c.n, c.peak = 0, 0
}

// NewLearner returns a Learner that counts hours of the week in loc (nil
// means UTC) and keeps within caps (the zero Caps means DefaultCaps).
func NewLearner(loc *time.Location, caps Caps) *Learner {
	if caps == (Caps{}) {
		caps = DefaultCaps
	}
	if caps.AppsPerUser == 0 {
		caps.AppsPerUser = DefaultCaps.AppsPerUser
	}
	l := &Learner{
		caps:  caps,
		clk:   newClock(loc),
		miner: template.New(template.Options{}),
		hosts: make(map[string]*hostLearn),
		srcs:  make(map[string]*sourceLearn),
	}
	l.b = &Baseline{
		Version:   Version,
		Zone:      l.clk.loc.String(),
		Hosts:     make(map[string]*Host),
		Users:     make(map[string]*User),
		Templates: make(map[string]*Template),
		Packages:  make(map[string]Seen),
		Accounts:  make(map[string]Seen),
		Sources:   make(map[string]*Source),
	}
	return l
}

// Events returns how many events the Learner has taken.
func (l *Learner) Events() uint64 { return l.b.Events }

// Span returns the event times of the first and last event taken.
func (l *Learner) Span() (start, end time.Time) { return l.b.Start, l.b.End }

// learnable reports whether an event says something about normal
// behaviour: not the sources' own notices, not the baseline's findings.
func learnable(e *event.Event) bool {
	return e.Format != "notice" && e.Source != SourceName && !e.Time.IsZero()
}

// Add learns from one event and sets its Template.
func (l *Learner) Add(e *event.Event) {
	if !learnable(e) {
		return
	}
	m := l.miner.MineEvent(e.App, e.Message, e.Fields["command"], e.Fields["user"], e.Fields["target_user"])
	e.Template = m.ID
	if m.Generalised {
		l.rekey(m.PreviousID, m.ID)
	}
	if m.Overflow {
		l.b.Dropped.TemplateOverflow++
	}
	l.add(e, m.ID)
}

func (l *Learner) add(e *event.Event, tpl string) {
	b := l.b
	t := e.Time.Unix()
	if b.Events == 0 || e.Time.Before(b.Start) {
		b.Start = e.Time
	}
	if e.Time.After(b.End) {
		b.End = e.Time
	}
	b.Events++

	hl := l.host(e.Host)
	if s := l.source(e.Source); s != nil {
		if s.last != 0 && t > s.last {
			s.s.Quiet.add(l.clk, s.last, t)
		}
		s.last = max(s.last, t)
		if s.s.Events == 0 || t < s.s.First {
			s.s.First = t
		}
		s.s.Events++
		s.s.Last = max(s.s.Last, t)
		if len(s.s.Hosts) < maxSourceHosts && !slices.Contains(s.s.Hosts, e.Host) {
			s.s.Hosts = append(s.s.Hosts, e.Host)
		}
	}
	if hl == nil {
		return
	}
	h := hl.h
	if hl.last != 0 && t > hl.last {
		h.Quiet.add(l.clk, hl.last, t)
	}
	hl.last = max(hl.last, t)
	if h.Events == 0 || t < h.First {
		h.First = t
	}
	h.Last = max(h.Last, t)
	h.Events++
	how, _ := l.clk.hourOf(t)
	start := l.clk.start
	hl.total.add(t, start, how)
	for _, c := range e.Categories {
		k := hl.cats[c]
		if k == nil {
			s := &Series{}
			h.Categories[c] = s
			k = &counter{s: s}
			hl.cats[c] = k
		}
		k.add(t, start, how)
	}
	if tpl != "" {
		k := hl.tpls[tpl]
		if k == nil && len(hl.tpls) < l.caps.TemplatesPerHost {
			k = &counter{s: &Series{}}
			hl.tpls[tpl] = k
		}
		if k != nil {
			k.add(t, start, how)
		} else {
			b.Dropped.TemplateSeries++
		}
	}
	if e.App != "" {
		addSeen(h.Apps, e.App, t, l.caps.AppsPerHost, &b.Dropped.Apps)
	}
	if u := e.Fields["unit"]; u != "" {
		addSeen(h.Units, u, t, l.caps.UnitsPerHost, &b.Dropped.Units)
	}
	login, priv := e.HasCategory(catLogin), e.HasCategory(catPrivilege)
	if name := e.Fields["user"]; name != "" && (login || priv) {
		if u := l.user(name); u != nil {
			if u.First == 0 || t < u.First {
				u.First = t
			}
			u.Last = max(u.Last, t)
			if u.Active[how] < ^uint16(0) {
				u.Active[how]++
			}
			ua := l.userApp(u, e.App)
			if ua != nil && ua.Active[how] < ^uint16(0) {
				ua.Active[how]++
			}
			if login {
				u.Logins++
				if ip := e.Fields["src_ip"]; ip != "" {
					addSeen(u.Addrs, ip, t, l.caps.AddrsPerUser, &b.Dropped.Addrs)
					if ua != nil {
						addSeen(ua.Addrs, ip, t, l.caps.AddrsPerUser, &b.Dropped.Addrs)
					}
				}
				addSeen(u.Hosts, e.Host, t, l.caps.HostsPerUser, &b.Dropped.Hosts)
			}
			if cmd := e.Fields["command"]; priv && cmd != "" {
				addSeen(u.Sudo, CommandKey(cmd), t, l.caps.SudoPerUser, &b.Dropped.Sudo)
			}
		}
	}
	if name := changedAccount(e); name != "" {
		addSeen(b.Accounts, name, t, l.caps.Users, &b.Dropped.Accounts)
	}
	if p := e.Fields["package"]; p != "" && e.HasCategory(catSoftware) {
		addSeen(b.Packages, p, t, l.caps.Packages, &b.Dropped.Packages)
	}
}

// addSeen records value v at t in m unless m is at its cap and lacks v.
// Keys are cloned: event strings may share a line buffer.
func addSeen(m map[string]Seen, v string, t int64, max int, dropped *uint64) {
	s, ok := m[v]
	if !ok {
		if len(m) >= max {
			*dropped++
			return
		}
		v = strings.Clone(v)
	}
	s.add(t)
	m[v] = s
}

func (l *Learner) host(name string) *hostLearn {
	if l.last != nil && l.last.name == name {
		return l.last
	}
	hl := l.hosts[name]
	if hl == nil {
		if len(l.hosts) >= l.caps.Hosts {
			l.b.Dropped.Hosts++
			return nil
		}
		name = strings.Clone(name)
		h := &Host{
			Group:      Group(name),
			Categories: make(map[string]*Series),
			Templates:  make(map[string]*Series),
			Apps:       make(map[string]Seen),
			Units:      make(map[string]Seen),
		}
		hl = &hostLearn{name: name, h: h, cats: make(map[string]*counter), tpls: make(map[string]*counter)}
		hl.total.s = &h.Total
		l.hosts[name] = hl
		l.b.Hosts[name] = h
	}
	l.last = hl
	return hl
}

func (l *Learner) source(name string) *sourceLearn {
	if l.lastS != nil && l.lastS.name == name {
		return l.lastS
	}
	key := sourceKey(name)
	sl := l.srcs[key]
	if sl == nil {
		if len(l.srcs) >= l.caps.Sources {
			l.b.Dropped.Sources++
			return nil
		}
		key = strings.Clone(key)
		sl = &sourceLearn{s: &Source{}}
		l.srcs[key] = sl
		l.b.Sources[key] = sl.s
	}
	sl.name = strings.Clone(name)
	l.lastS = sl
	return sl
}

func (l *Learner) user(name string) *User {
	u := l.b.Users[name]
	if u == nil {
		if len(l.b.Users) >= l.caps.Users {
			l.b.Dropped.Users++
			return nil
		}
		u = &User{Addrs: make(map[string]Seen), Sudo: make(map[string]Seen), Hosts: make(map[string]Seen),
			Apps: make(map[string]*UserApp)}
		l.b.Users[strings.Clone(name)] = u
	}
	return u
}

// userApp returns what u did through app, or nil when u is at its cap of
// apps.
func (l *Learner) userApp(u *User, app string) *UserApp {
	ua := u.Apps[app]
	if ua == nil {
		if len(u.Apps) >= l.caps.AppsPerUser {
			l.b.Dropped.UserApps++
			return nil
		}
		ua = &UserApp{Addrs: make(map[string]Seen)}
		u.Apps[strings.Clone(app)] = ua
	}
	return ua
}

// rekey moves what was counted under a template's old ID to its new one,
// after the miner generalised it.
func (l *Learner) rekey(old, id string) {
	if old == id {
		return
	}
	for _, hl := range l.hosts {
		c := hl.tpls[old]
		if c == nil {
			continue
		}
		delete(hl.tpls, old)
		if n := hl.tpls[id]; n != nil {
			n.s.merge(c.s)
			if n.hourStart == c.hourStart {
				n.n += c.n
				n.peak += c.peak
			} else {
				c.flush()
			}
			continue
		}
		hl.tpls[id] = c
	}
}

// Finish returns the Baseline. The Learner must not be used after.
func (l *Learner) Finish() *Baseline {
	b := l.b
	b.Created = time.Now().UTC()
	end := b.End.Unix()
	for _, sl := range l.srcs {
		// The quiet from a source's last event to the end of the history
		// was normal too.
		if sl.last != 0 && end > sl.last {
			sl.s.Quiet.add(l.clk, sl.last, end)
		}
	}
	for _, hl := range l.hosts {
		if hl.last != 0 && end > hl.last {
			hl.h.Quiet.add(l.clk, hl.last, end)
		}
		hl.total.flush()
		for _, c := range hl.cats {
			c.flush()
		}
		for id, c := range hl.tpls {
			c.flush()
			hl.h.Templates[id] = c.s
		}
	}
	for _, app := range l.miner.Apps() {
		for _, t := range l.miner.Templates(app) {
			b.Templates[t.ID] = &Template{App: t.App, Text: t.Text, Count: t.Count}
		}
	}
	return b
}

// Snapshot returns a Baseline of what the Learner has learnt so far, for
// detecting against while it goes on learning: the hour still being
// counted, and the quiet since each host's last event, are left out. The
// Learner stays usable.
func (l *Learner) Snapshot() (*Baseline, error) {
	b := l.b
	// A key's hour is folded into its series when the key's next event
	// comes, which for a nightly job is a day later: the hours that have
	// ended are folded now.
	l.clk.hourOf(b.End.Unix())
	current := l.clk.start
	ended := func(c *counter) {
		if c.n > 0 && c.hourStart < current {
			c.flush()
		}
	}
	for _, hl := range l.hosts {
		ended(&hl.total)
		for _, c := range hl.cats {
			ended(c)
		}
		for id, c := range hl.tpls {
			ended(c)
			hl.h.Templates[id] = c.s
		}
	}
	b.Templates = make(map[string]*Template, len(b.Templates))
	for _, app := range l.miner.Apps() {
		for _, t := range l.miner.Templates(app) {
			b.Templates[t.ID] = &Template{App: t.App, Text: t.Text, Count: t.Count}
		}
	}
	b.Created = time.Now().UTC()
	// The file format is the deep copy: what the Learner goes on changing
	// is not shared with the copy.
	var buf bytes.Buffer
	if err := Write(&buf, b); err != nil {
		return nil, err
	}
	return Read(&buf)
}

// CommandKey is what a privileged command is remembered by: its program,
// and its first argument when that is a plain word (a subcommand such as
// "restart" or "install"), so /usr/bin/systemctl restart nginx and
// /usr/bin/systemctl restart ssh are one command and /usr/bin/systemctl
// stop auditd another.
func CommandKey(cmd string) string {
	f := strings.Fields(cmd)
	if len(f) == 0 {
		return ""
	}
	if len(f) > 1 && isSubcommand(f[1]) {
		return f[0] + " " + f[1]
	}
	return f[0]
}

func isSubcommand(w string) bool {
	if len(w) < 2 || len(w) > 20 {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if (c < 'a' || c > 'z') && !(i > 0 && c == '-') {
			return false
		}
	}
	return true
}

// changedAccount returns the account an account or permission change is
// about: the target user when the line names one (useradd, usermod,
// gpasswd: "user" is then who made the change), else the user. A line of
// privilege use names only who ran it and as whom, so it has none, even
// when a rule of the user's tags a command (sudo usermod -aG ...) as a
// change.
func changedAccount(e *event.Event) string {
	if !e.HasCategory(catAccount) && !e.HasCategory(catPermission) || e.HasCategory(catPrivilege) {
		return ""
	}
	if name := e.Fields["target_user"]; name != "" {
		return name
	}
	return e.Fields["user"]
}
