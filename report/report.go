// Package report builds the triage summary of "vigil scan": what an
// incident responder wants to know first about a set of logs. A Builder
// takes tagged events one at a time and keeps only aggregates and the
// lists a responder reads in full (changes, integrity problems), each
// capped; Report returns the summary, which encodes as one JSON document
// and renders as text.
package report

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/event"
)

// Options bounds a report.
type Options struct {
	// Top is how many entries ranked lists keep (addresses, users,
	// commands per user); 0 means 10.
	Top int
	// MaxItems caps each list of individual events (changes, integrity
	// problems) and each table keyed by values from the logs (logons,
	// users, units); 0 means 10,000. What the cap leaves out is counted.
	MaxItems int
}

// Report is the summary. Times are UTC; zero times are omitted.
type Report struct {
	// First and Last are the earliest and latest event times.
	First  time.Time `json:"first,omitzero"`
	Last   time.Time `json:"last,omitzero"`
	Events int       `json:"events"`
	// Tagged counts events with at least one category.
	Tagged  int          `json:"tagged"`
	Sources []SourceStat `json:"sources"`
	// Categories lists every category seen, in the contract's order.
	Categories   []CategoryStat `json:"categories"`
	AuthFailures AuthFailures   `json:"auth_failures"`
	// Logons are successful logons per user and address.
	Logons []Logon `json:"logons"`
	// Privilege is privilege use per user, with the commands.
	Privilege []PrivilegeUse `json:"privilege"`
	// Changes are account, permission, configuration and software changes
	// in time order.
	Changes []Item `json:"changes"`
	// ServiceFailures are counted by unit (or program when the line names
	// no unit).
	ServiceFailures []Count `json:"service_failures"`
	// Integrity lists log integrity problems in time order: events tagged
	// log.integrity and vigil's own notices (lines cut, data skipped,
	// sources that failed).
	Integrity []Item `json:"integrity"`
	// Deviations are the baseline's findings (with --baseline) in time
	// order, one item per finding: its kind, and its reason as message.
	Deviations []Item `json:"deviations,omitempty"`
	// Omitted counts what the caps left out, by list name.
	Omitted map[string]int `json:"omitted,omitempty"`
}

// SourceStat is what one source held.
type SourceStat struct {
	Name   string    `json:"name"`
	Events int       `json:"events"`
	Tagged int       `json:"tagged"`
	First  time.Time `json:"first,omitzero"`
	Last   time.Time `json:"last,omitzero"`
}

// CategoryStat counts one category.
type CategoryStat struct {
	ID      string    `json:"id"`
	Title   string    `json:"title"`
	Control string    `json:"nzism_control"`
	Weight  string    `json:"weight"`
	Count   int       `json:"count"`
	First   time.Time `json:"first,omitzero"`
	Last    time.Time `json:"last,omitzero"`
}

// Count is a value with how often and when it was seen.
type Count struct {
	Value string    `json:"value"`
	Count int       `json:"count"`
	First time.Time `json:"first,omitzero"`
	Last  time.Time `json:"last,omitzero"`
	// Example is the first message seen with the value, where that helps
	// (service failures).
	Example string `json:"example,omitempty"`
}

// AuthFailures summarises failed logons.
type AuthFailures struct {
	Total int `json:"total"`
	// Sources and Users are the top source addresses and users.
	Sources []Count `json:"top_sources"`
	Users   []Count `json:"top_users"`
}

// Logon is the successful logons of one user from one address.
type Logon struct {
	User  string    `json:"user"`
	SrcIP string    `json:"src_ip,omitempty"`
	Hosts []string  `json:"hosts,omitempty"`
	Count int       `json:"count"`
	First time.Time `json:"first,omitzero"`
	Last  time.Time `json:"last,omitzero"`
}

// PrivilegeUse is one user's privileged operations.
type PrivilegeUse struct {
	User     string `json:"user"`
	Count    int    `json:"count"`
	Failures int    `json:"failures"`
	// Commands are the most used commands, most used first.
	Commands []Count   `json:"commands,omitempty"`
	First    time.Time `json:"first,omitzero"`
	Last     time.Time `json:"last,omitzero"`
}

// Item is one event listed in full.
type Item struct {
	Time time.Time `json:"time,omitzero"`
	// Kind is a deviation's kind (Deviations only).
	Kind       string            `json:"kind,omitempty"`
	Host       string            `json:"host,omitempty"`
	App        string            `json:"app,omitempty"`
	Categories []string          `json:"categories,omitempty"`
	Rules      []string          `json:"rules,omitempty"`
	Message    string            `json:"message"`
	Fields     map[string]string `json:"fields,omitempty"`
	Source     string            `json:"source,omitempty"`
}

// itemFields are the fields an Item keeps: the ones that say who changed
// what.
var itemFields = [...]string{"user", "target_user", "group", "package", "version", "unit", "path", "command", "src_ip"}

// changeCategories are the categories listed as changes.
var changeCategories = [...]string{"account.change", "permission.change", "config.change", "software.change"}

// Builder accumulates a report. It is not safe for concurrent use.
type Builder struct {
	opts      Options
	rep       Report
	sources   map[string]*SourceStat
	srcOrder  []string
	lastSrc   *SourceStat
	cats      [21]CategoryStat
	failIPs   map[string]*Count
	failUsers map[string]*Count
	logons    map[[2]string]*logon
	priv      map[string]*priv
	failures  map[string]*Count
	omitted   map[string]int
}

type logon struct {
	Logon
	hosts map[string]bool
}

type priv struct {
	PrivilegeUse
	cmds map[string]*Count
}

// New returns an empty Builder.
func New(opts Options) *Builder {
	if opts.Top <= 0 {
		opts.Top = 10
	}
	if opts.MaxItems <= 0 {
		opts.MaxItems = 10000
	}
	return &Builder{
		opts:      opts,
		sources:   map[string]*SourceStat{},
		failIPs:   map[string]*Count{},
		failUsers: map[string]*Count{},
		logons:    map[[2]string]*logon{},
		priv:      map[string]*priv{},
		failures:  map[string]*Count{},
		omitted:   map[string]int{},
	}
}

// Add counts one event. Strings the report keeps are copied, so the
// caller may reuse the event's memory afterwards (the engine recycles
// batches). An untagged event costs a map lookup and a few comparisons.
func (b *Builder) Add(e *event.Event) {
	t := e.Time
	b.rep.Events++
	// Consecutive events nearly always share their source.
	src := b.lastSrc
	if src == nil || src.Name != e.Source {
		src = b.sources[e.Source]
		b.lastSrc = src
	}
	if src == nil {
		src = &SourceStat{Name: strings.Clone(e.Source)}
		b.sources[src.Name] = src
		b.srcOrder = append(b.srcOrder, src.Name)
		b.lastSrc = src
	}
	src.Events++
	widen(&src.First, &src.Last, t)
	for i := range e.Deviations {
		d := &e.Deviations[i]
		if len(b.rep.Deviations) >= b.opts.MaxItems {
			b.omitted["deviations"]++
			continue
		}
		b.rep.Deviations = append(b.rep.Deviations, Item{
			Time: e.Time, Kind: d.Kind, Host: strings.Clone(e.Host), App: strings.Clone(e.App),
			Message: strings.Clone(d.Reason), Source: strings.Clone(e.Source),
		})
	}
	notice := e.Format == "notice"
	if len(e.Categories) == 0 && !notice {
		return
	}
	if len(e.Categories) > 0 {
		b.rep.Tagged++
		src.Tagged++
	}
	// One pass over the categories into a set of their positions, then
	// cheap tests.
	var set uint32
	for _, c := range e.Categories {
		if i := event.CategoryIndex(c); i >= 0 {
			set |= 1 << i
			s := &b.cats[i]
			s.Count++
			widen(&s.First, &s.Last, t)
		}
	}
	is := func(i int) bool { return set&(1<<i) != 0 }
	user, ip := e.Fields["user"], e.Fields["src_ip"]
	if is(catAuthFailure) {
		b.rep.AuthFailures.Total++
		if ip != "" {
			b.count(b.failIPs, "auth_failures.top_sources", ip, t, "")
		}
		if user != "" {
			b.count(b.failUsers, "auth_failures.top_users", user, t, "")
		}
	}
	if is(catAuthSuccess) && user != "" {
		b.addLogon(e, user, ip)
	}
	if is(catPrivilegeUse) || is(catPrivilegeFailure) {
		b.addPrivilege(e, is(catPrivilegeFailure))
	}
	if set&changeSet != 0 {
		b.rep.Changes = b.appendItem(b.rep.Changes, "changes", e)
	}
	if is(catServiceFailure) {
		unit := e.Fields["unit"]
		if unit == "" {
			unit = e.App
		}
		b.count(b.failures, "service_failures", unit, t, e.Message)
	}
	if is(catLogIntegrity) || notice {
		b.rep.Integrity = b.appendItem(b.rep.Integrity, "integrity", e)
	}
}

// Positions of the categories the report looks at.
var (
	catAuthSuccess      = event.CategoryIndex("auth.success")
	catAuthFailure      = event.CategoryIndex("auth.failure")
	catPrivilegeUse     = event.CategoryIndex("privilege.use")
	catPrivilegeFailure = event.CategoryIndex("privilege.failure")
	catServiceFailure   = event.CategoryIndex("service.failure")
	catLogIntegrity     = event.CategoryIndex("log.integrity")
	changeSet           = func() uint32 {
		var m uint32
		for _, c := range changeCategories {
			m |= 1 << event.CategoryIndex(c)
		}
		return m
	}()
)

// count adds one sighting of value to m, copying value on first sight.
func (b *Builder) count(m map[string]*Count, list, value string, t time.Time, example string) {
	c := m[value]
	if c == nil {
		if len(m) >= b.opts.MaxItems {
			b.omitted[list]++
			return
		}
		c = &Count{Value: strings.Clone(value), Example: strings.Clone(example)}
		m[c.Value] = c
	}
	c.Count++
	widen(&c.First, &c.Last, t)
}

func (b *Builder) addLogon(e *event.Event, user, ip string) {
	l := b.logons[[2]string{user, ip}]
	if l == nil {
		if len(b.logons) >= b.opts.MaxItems {
			b.omitted["logons"]++
			return
		}
		l = &logon{Logon: Logon{User: strings.Clone(user), SrcIP: strings.Clone(ip)}, hosts: map[string]bool{}}
		b.logons[[2]string{l.User, l.SrcIP}] = l
	}
	l.Count++
	widen(&l.First, &l.Last, e.Time)
	if e.Host != "" && !l.hosts[e.Host] && len(l.hosts) < b.opts.Top {
		l.hosts[strings.Clone(e.Host)] = true
	}
}

func (b *Builder) addPrivilege(e *event.Event, failed bool) {
	// On elevation lines the invoker is user; a root logon (sshd) names
	// only user too.
	user := e.Fields["user"]
	if user == "" {
		user = "(unknown)"
	}
	p := b.priv[user]
	if p == nil {
		if len(b.priv) >= b.opts.MaxItems {
			b.omitted["privilege"]++
			return
		}
		p = &priv{PrivilegeUse: PrivilegeUse{User: strings.Clone(user)}, cmds: map[string]*Count{}}
		b.priv[p.User] = p
	}
	widen(&p.First, &p.Last, e.Time)
	if failed {
		p.Failures++
	} else {
		p.Count++
	}
	if cmd := e.Fields["command"]; cmd != "" {
		if target := e.Fields["target_user"]; target != "" && target != "root" {
			cmd = "(as " + target + ") " + cmd
		}
		b.count(p.cmds, "privilege.commands", cmd, e.Time, "")
	}
}

func (b *Builder) appendItem(list []Item, name string, e *event.Event) []Item {
	if len(list) >= b.opts.MaxItems {
		b.omitted[name]++
		return list
	}
	it := Item{
		Time:       e.Time,
		Host:       strings.Clone(e.Host),
		App:        strings.Clone(e.App),
		Categories: slices.Clone(e.Categories),
		Rules:      slices.Clone(e.Rules),
		Message:    strings.Clone(e.Message),
		Source:     strings.Clone(e.Source),
	}
	for _, k := range itemFields {
		if v := e.Fields[k]; v != "" {
			if it.Fields == nil {
				it.Fields = map[string]string{}
			}
			it.Fields[k] = strings.Clone(v)
		}
	}
	return append(list, it)
}

// Report returns the summary of everything added so far.
func (b *Builder) Report() *Report {
	r := b.rep
	r.Sources = make([]SourceStat, 0, len(b.srcOrder))
	for _, n := range b.srcOrder {
		src := *b.sources[n]
		r.Sources = append(r.Sources, src)
		// The span is the sources' spans together.
		widen(&r.First, &r.Last, src.First)
		widen(&r.First, &r.Last, src.Last)
	}
	r.Categories = []CategoryStat{}
	for i, c := range event.Categories() {
		s := b.cats[i]
		if s.Count == 0 {
			continue
		}
		s.ID, s.Title, s.Control, s.Weight = c.ID, c.Title, c.Control, c.Weight.String()
		r.Categories = append(r.Categories, s)
	}
	r.AuthFailures.Sources = top(b.failIPs, b.opts.Top)
	r.AuthFailures.Users = top(b.failUsers, b.opts.Top)

	r.Logons = []Logon{}
	for _, l := range b.logons {
		x := l.Logon
		for h := range l.hosts {
			x.Hosts = append(x.Hosts, h)
		}
		slices.Sort(x.Hosts)
		r.Logons = append(r.Logons, x)
	}
	slices.SortFunc(r.Logons, func(a, b Logon) int {
		return cmp.Or(cmp.Compare(a.User, b.User), a.First.Compare(b.First), cmp.Compare(a.SrcIP, b.SrcIP))
	})

	r.Privilege = []PrivilegeUse{}
	for _, p := range b.priv {
		x := p.PrivilegeUse
		x.Commands = top(p.cmds, b.opts.Top)
		r.Privilege = append(r.Privilege, x)
	}
	slices.SortFunc(r.Privilege, func(a, b PrivilegeUse) int {
		return cmp.Or(cmp.Compare(b.Count+b.Failures, a.Count+a.Failures), cmp.Compare(a.User, b.User))
	})

	r.Changes = sortItems(slices.Clone(b.rep.Changes))
	r.Integrity = sortItems(slices.Clone(b.rep.Integrity))
	r.Deviations = sortItems(slices.Clone(b.rep.Deviations))
	r.ServiceFailures = top(b.failures, len(b.failures))
	if r.Changes == nil {
		r.Changes = []Item{}
	}
	if r.Integrity == nil {
		r.Integrity = []Item{}
	}
	if len(b.omitted) > 0 {
		r.Omitted = map[string]int{}
		for k, v := range b.omitted {
			r.Omitted[k] = v
		}
	}
	return &r
}

// top returns the n most frequent values of m, ties by value.
func top(m map[string]*Count, n int) []Count {
	out := make([]Count, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// sortItems orders items by time, keeping read order for equal times.
func sortItems(items []Item) []Item {
	slices.SortStableFunc(items, func(a, b Item) int { return a.Time.Compare(b.Time) })
	return items
}

// widen stretches [first, last] to include t; zero times are ignored.
func widen(first, last *time.Time, t time.Time) {
	if t.IsZero() {
		return
	}
	if first.IsZero() || t.Before(*first) {
		*first = t
	}
	if last.IsZero() || t.After(*last) {
		*last = t
	}
}
