package baseline

import (
	"fmt"
	"net/netip"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/filters/template"
	"github.com/vigil-sec/vigil/internal/human"
)

// SourceName is the Source of the events a Detector makes for findings tied
// to no single event, and AppName their App.
const (
	SourceName = "baseline"
	AppName    = "vigil-baseline"
)

// Deviation kinds (the contract's, from package event).
const (
	KindNewTemplate = event.DevNewTemplate
	KindRateHigh    = event.DevRateHigh
	KindRateLow     = event.DevRateLow
	KindNewValue    = event.DevNewValue
	KindOutOfHours  = event.DevOutOfHours
	KindSilence     = event.DevSilence
	KindClockSkew   = event.DevClockSkew
)

// Thresholds. They are deliberately plain, so a reason can say them.
const (
	// minBurst is the fewest events in five minutes that can be a
	// rate_high: fewer is never news, whatever the baseline says.
	minBurst = 10
	// A rate_high needs more than twice the usual five-minute ceiling,
	// plus burstSlack.
	burstSlack = 5
	// Over a whole hour, a rate_high needs at least minHourBurst events
	// and more than twice the most learnt for the hour, plus hourSlack: a
	// brute force too slow for any five minutes to stand out.
	minHourBurst = 30
	hourSlack    = 15
	// A rate_low needs a key that was steady at that hour of the day on
	// days of the same kind: at least lowMin events in every calendar
	// hour learnt, never more than lowSpread times the least; and fewer
	// than a quarter of the least now.
	lowMin    = 20
	lowSpread = 3
	// New templates of an app are routine, and not reported, when the
	// history had a template seen only once for every newTemplateDays
	// days of it.
	newTemplateDays = 5
	// newTemplateQuiet is how long, in seconds, new templates on a host
	// are part of a finding it had about the same app family or user.
	newTemplateQuiet = 600
	// Silence needs a gap longer than quietFactor times the longest gap
	// learnt at those hours, and at least minSilence.
	quietFactor = 3
	minSilence  = 15 * 60
	// Silence is judged only for hosts and sources with at least
	// minQuietEvents events over at least a day of history: fewer say
	// nothing about their gaps.
	minQuietEvents = 200
	minQuietSpan   = 24 * 3600
	// A user needs minActive learnt logins and privileged commands before
	// their hours count as known.
	minActive = 10
	// A user's hours, addresses or commands are judged only when the
	// share of them first seen late in the history, as Good and Turing
	// estimate it (values seen once, over all), is at most maxUnseen: a
	// set still growing says a new value is nothing new.
	maxUnseen = 0.05
	// ... and when fewer than maxRecent of them (networks, for addresses)
	// were first seen in the second half of the history.
	maxRecent = 2
	// out_of_hours needs no activity within oddBand hours of the hour, in
	// an idle stretch of the day at least minIdle hours long, or
	// minIdleSparse for a user whose hours are still filling in.
	oddBand       = 2
	minIdle       = 8
	minIdleSparse = 10
	// out_of_hours fires again for a user only after rearmOutOfHours.
	rearmOutOfHours = 2 * 3600
	// clock_skew needs skewRun events in a row off by more than the limit.
	skewRun = 3
	// A rate_low is judged this long after its hour ends, so events that
	// arrive a little late still count.
	hourGrace = 120
)

// Options configures a Detector.
type Options struct {
	// Baseline is what normal looks like. Nil means learn first: the
	// Detector learns until its events span Warmup, then detects.
	Baseline *Baseline
	// Location is the zone hours of the week are counted in when there is
	// no Baseline (a Baseline names its own); nil means time.Local.
	Location *time.Location
	// Warmup is how much event time to learn from without a Baseline
	// (default 24h). After it the Detector goes on learning, and detects
	// against all it has learnt, refreshed every Refresh of event time
	// (default 24h): a new nightly job is news the first night, not every
	// night.
	Warmup, Refresh time.Duration
	// SkewLimit is how far a live event's time may be from its arrival
	// before it counts towards clock_skew (default 5 minutes).
	SkewLimit time.Duration
}

// Status is what a Detector is doing, for a status line.
type Status struct {
	// Learning is set while the Detector warms up without a Baseline;
	// Learned is the event time learnt so far and Warmup the target.
	Learning        bool
	Learned, Warmup time.Duration
	// Findings counts the findings made. Refreshes counts the baselines
	// taken from what the Detector goes on learning after a warm-up (the
	// first is the end of the warm-up).
	Findings  uint64
	Refreshes int64
}

func (s Status) String() string {
	if s.Learning {
		// Rounded up: "0s left" would say it is done.
		left := max((s.Warmup - s.Learned + time.Minute - 1).Truncate(time.Minute), time.Minute)
		return "baseline: warming up, " + human.Duration(left) + " left"
	}
	if s.Findings == 1 {
		return "baseline: 1 deviation"
	}
	return "baseline: " + strconv.FormatUint(s.Findings, 10) + " deviations"
}

// Detector compares events with a Baseline. Process and Tick must be
// called from one goroutine; Status is safe for concurrent use.
type Detector struct {
	opts    Options
	b       *Baseline
	learner *Learner
	clk     *clock
	miner   *template.Miner

	hosts map[string]*hostDet
	srcs  map[string]*sourceDet
	users map[string]*userDet
	// fired remembers new_template and new_value keys already reported.
	fired map[string]struct{}
	// novel says, per host group and app, whether new templates were
	// routine in the history.
	novel map[string]bool

	// judgedHosts is how many of the baseline's hosts logged enough to
	// judge their silence by, seenJudged how many of them logged in this
	// run, and expectAll is set once those are most of them.
	judgedHosts, seenJudged int
	expectAll               bool

	// mid is the middle of the history: values first seen after it are
	// recent.
	mid int64

	now       int64 // the event-time clock, Unix seconds
	lastCheck int64 // the minute of the last silence check
	openHour  int64 // start of the hour being counted for rate_low
	openHow   int
	last      *hostDet
	lastS     *sourceDet
	live      bool

	pending []event.Event // findings made by the current event

	findings atomic.Uint64
	learned  atomic.Int64
	// refreshes counts the baselines loaded from the Learner after the
	// warm-up; nextRefresh is the event time of the next.
	refreshes   atomic.Int64
	nextRefresh int64
}

type hostDet struct {
	name  string
	group string
	// groupKnown is set when the baseline has a host of the same group.
	groupKnown bool
	h          *Host // nil for a host the baseline does not know
	cov        [HoursPerWeek]uint16
	total      keyDet
	cats       map[string]*keyDet
	tpls       map[string]*keyDet
	quiet      quietWatch
	// foldUntil says, per app family and per user (see foldKeys), until
	// when a new template on the host is part of a finding it had.
	foldUntil map[string]int64
	// burstUntil is the minute until which a rate_high of the host is
	// part of the burst already reported.
	burstUntil int64
	lowFired   map[string]bool
	skewN      int
	skewed     bool
	// counted is set once the host has logged in this run.
	counted bool
}

type sourceDet struct {
	name  string
	quiet quietWatch
}

// quietWatch follows when a host or source last logged, to tell when its
// quiet has become a silence.
type quietWatch struct {
	// key and name say it in findings ("host:web1", "web1"); host is the
	// host a finding is about ("" for a source of several hosts).
	key, name, host string
	// q is what was learnt; nil when there is too little history to judge
	// (see minQuietEvents) or nothing to judge for.
	q      *Quiet
	last   int64
	silent bool
	// expected is set while last is not an event but the moment the
	// run started to expect one (see Detector.source and
	// Detector.expectAll).
	expected bool
}

// saw notes an event at t.
func (w *quietWatch) saw(t int64) {
	w.last = max(w.last, t)
	w.silent = false
	w.expected = false
}

// expect starts waiting at t for something not seen in this run yet.
func (w *quietWatch) expect(t int64) {
	if w.last == 0 {
		w.last = t
		w.expected = true
	}
}

// judged returns the learnt quiet of something with events over
// [first, last], or nil when that is too little to judge a silence by.
func judged(q *Quiet, events uint64, first, last int64) *Quiet {
	if events < minQuietEvents || last-first < minQuietSpan {
		return nil
	}
	return q
}

type userDet struct {
	lastOdd int64 // when out_of_hours last fired
}

// keyDet is the live state of one rate key.
type keyDet struct {
	s   *Series
	win window
	// hour counts of the hour being counted and the one before.
	hs [2]int64
	hn [2]uint32
	// the five-minute ceiling and threshold for thrHow, and the hour's.
	thrHow      int
	ceil, thr   uint32
	hceil, hthr uint32
	fired       bool
	// hourFired is the start of the hour in which the key was last part
	// of a rate_high, carried on to the next hour while the one before
	// stayed over half the hour's threshold (a slow brute force that goes
	// on for hours is one finding), 0 when none: an hour's count is
	// judged only outside one.
	hourFired int64
	// judged is set once a template key has been judged for
	// new_template.
	judged bool
	// chatter is set for a template whose events carry no security
	// category: its bursts count in the host's total, not on their own.
	// Such templates split one kind of traffic (by user agent, URL shape,
	// job), so one template's bursts say little, and a surge of chatter
	// big enough to matter shows in the total.
	chatter bool
	// lowNews is set for a template with a category whose drop can be
	// news (see lowIsNews).
	lowNews bool
	// key names the key in findings: "tpl:ID", "cat:ID", or "" for the
	// host's total.
	key string
}

// NewDetector returns a Detector.
func NewDetector(opts Options) *Detector {
	if opts.Warmup <= 0 {
		opts.Warmup = 24 * time.Hour
	}
	if opts.Refresh <= 0 {
		opts.Refresh = 24 * time.Hour
	}
	if opts.SkewLimit <= 0 {
		opts.SkewLimit = 5 * time.Minute
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	d := &Detector{opts: opts}
	if opts.Baseline != nil {
		d.load(opts.Baseline)
	} else {
		d.learner = NewLearner(opts.Location, Caps{})
	}
	return d
}

// load starts detecting against b.
func (d *Detector) load(b *Baseline) {
	b.init()
	loc, err := time.LoadLocation(b.Zone)
	if err != nil || b.Zone == "" {
		loc = d.opts.Location
	}
	d.b = b
	d.clk = newClock(loc)
	d.miner = template.New(template.Options{FreezeSeeded: true})
	// Seeded in a fixed order, so ties between templates resolve alike in
	// every run.
	ids := make([]string, 0, len(b.Templates))
	for id := range b.Templates {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		t := b.Templates[id]
		d.miner.Seed(t.App, t.Text)
	}
	d.hosts = make(map[string]*hostDet)
	d.srcs = make(map[string]*sourceDet)
	d.users = make(map[string]*userDet)
	d.fired = make(map[string]struct{})
	d.novel = novelty(b)
	d.mid = b.Start.Unix() + (b.End.Unix()-b.Start.Unix())/2
	d.judgedHosts, d.seenJudged, d.expectAll = 0, 0, false
	for _, h := range b.Hosts {
		if judged(&h.Quiet, h.Events, h.First, h.Last) != nil {
			d.judgedHosts++
		}
	}
	d.last, d.lastS = nil, nil
	d.openHour = 0
}

// Status returns what the Detector is doing.
func (d *Detector) Status() Status {
	s := Status{
		Findings: d.findings.Load(),
	}
	if l := d.learned.Load(); l >= 0 && d.opts.Baseline == nil {
		s.Learning = true
		s.Learned = time.Duration(l) * time.Second
		s.Warmup = d.opts.Warmup
	}
	s.Refreshes = d.refreshes.Load()
	return s
}

// Process gives each event of evs its template and its deviations, in
// order, and returns the batch with the findings tied to no single event
// inserted where they were detected. evs is changed in place; the result
// may be a new slice.
func (d *Detector) Process(evs []event.Event) []event.Event {
	var out []event.Event
	for i := range evs {
		e := &evs[i]
		d.event(e)
		if len(d.pending) > 0 {
			if out == nil {
				out = make([]event.Event, 0, len(evs)+len(d.pending))
				out = append(out, evs[:i]...)
			}
			out = append(out, d.pending...)
			d.pending = d.pending[:0]
		}
		if out != nil {
			out = append(out, *e)
		}
	}
	if out == nil {
		return evs
	}
	return out
}

// Tick moves the clock on to wall time now when the sources are live (an
// event has arrived live), so that a host gone quiet is noticed while
// nothing arrives, and returns the findings that makes.
func (d *Detector) Tick(now time.Time) []event.Event {
	if !d.live || d.b == nil {
		return nil
	}
	d.advance(now.Unix() - hourGrace/4)
	out := slices.Clone(d.pending)
	d.pending = d.pending[:0]
	return out
}

func (d *Detector) event(e *event.Event) {
	if !learnable(e) {
		return
	}
	if d.b == nil {
		d.learner.Add(e)
		start, end := d.learner.Span()
		span := end.Sub(start)
		d.learned.Store(int64(span / time.Second))
		if span >= d.opts.Warmup {
			d.refresh(end.Unix())
			d.learned.Store(-1)
		}
		return
	}
	d.detect(e)
	if d.learner != nil {
		// Learnt after it is judged, and with the Detector's template
		// kept: the Learner mines with its own miner.
		tpl := e.Template
		d.learner.Add(e)
		e.Template = tpl
		if t := e.Time.Unix(); t >= d.nextRefresh {
			d.refresh(t)
		}
	}
}

// refresh starts detecting against what the Learner has learnt by event
// time now. A snapshot that fails keeps the baseline detected against.
func (d *Detector) refresh(now int64) {
	d.nextRefresh = now + int64(d.opts.Refresh/time.Second)
	b, err := d.learner.Snapshot()
	if err != nil {
		return
	}
	d.load(b)
	d.refreshes.Add(1)
	if d.now != 0 {
		d.clk.hourOf(d.now)
		d.openHour, d.openHow = d.clk.start, d.clk.how
	}
}

// detect judges one event against the baseline.
func (d *Detector) detect(e *event.Event) {
	t := e.Time.Unix()
	if !e.Arrival.IsZero() {
		d.live = true
		// A live event's clock cannot run the detector's clock ahead of
		// the arrival time.
		d.skew(e)
		d.advance(min(t, e.Arrival.Unix()))
	} else {
		d.advance(t)
	}
	m := d.miner.MineEvent(e.App, e.Message, e.Fields["command"], e.Fields["user"], e.Fields["target_user"])
	e.Template = m.ID

	d.source(e.Source, t).quiet.saw(t)
	hd := d.host(e.Host)
	hd.quiet.saw(t)
	if !hd.counted {
		d.count(hd, t)
	}
	how, _ := d.clk.hourOf(t)
	hstart := d.clk.start
	minute := t / 60

	// rate_high: of the template, the categories and the host's total,
	// the one furthest over its threshold speaks for the event.
	// A key crosses in five minutes (a burst) or, slower, over the hour
	// (a brute force that takes its time).
	var best *keyDet
	var bestC, bestThr uint32
	bestHour := false
	check := func(k *keyDet) {
		c := k.add(minute, hstart)
		if k.thrHow != how {
			k.ceil, k.thr, k.hceil, k.hthr = ceiling(k.s, how, &hd.cov)
			k.thrHow = how
		}
		if k.chatter {
			return
		}
		if k.fired {
			if c <= k.thr/2 {
				k.fired = false
			}
			return
		}
		if k.hourFired != 0 && k.hourFired != hstart {
			if k.hourFired == hstart-3600 && k.hourCount(k.hourFired) > k.hthr/2 {
				k.hourFired = hstart
			} else {
				k.hourFired = 0
			}
		}
		thr, hour := k.thr, false
		if c < thr && k.hourFired == 0 {
			c, thr, hour = k.hourCount(hstart), k.hthr, true
		}
		if c >= thr && (best == nil || float64(c)/float64(thr) > float64(bestC)/float64(bestThr)) {
			best, bestC, bestThr, bestHour = k, c, thr, hour
		}
	}
	tk := hd.tpls[m.ID]
	if tk == nil {
		tk = &keyDet{thrHow: -1, key: "tpl:" + m.ID, chatter: len(e.Categories) == 0, lowNews: lowIsNews(e.Categories...)}
		if hd.h != nil {
			tk.s = hd.h.Templates[m.ID]
		}
		hd.tpls[tk.key[4:]] = tk
	}
	check(tk)
	for _, c := range e.Categories {
		ck := hd.cats[c]
		if ck == nil {
			ck = &keyDet{thrHow: -1, key: "cat:" + c}
			if hd.h != nil {
				ck.s = hd.h.Categories[c]
			}
			hd.cats[ck.key[4:]] = ck
		}
		check(ck)
	}
	check(&hd.total)
	if best != nil {
		// Every key that crossed is in the same burst, and so is a key
		// of the host that crosses while the burst goes on: one finding.
		tk.fire(minute, hstart)
		hd.total.fire(minute, hstart)
		for _, c := range e.Categories {
			hd.cats[c].fire(minute, hstart)
		}
		best.hourFired = hstart
		if !bestHour {
			best.fired = true
		}
		if minute > hd.burstUntil {
			d.add(e, d.rateHigh(hd, best, bestC, how, bestHour))
		}
		hd.burstUntil = minute + 5
	}

	if !tk.judged {
		// A template is news once: judged on its first event on the
		// host, it is not looked at again.
		tk.judged = true
		d.newTemplate(e, hd, m, t)
	}
	d.values(e, hd, t, how)
}

// newTemplate reports a template of the event's app that the baseline
// never saw, on any host, unless the host's group is new altogether (a new
// host says so), new templates were routine for the app on the group, or
// the host had a finding about the same app family or user in the last ten
// minutes (a new program or an install says many new things at once, and
// one line about it is enough for a person to look).
func (d *Detector) newTemplate(e *event.Event, hd *hostDet, m template.Match, t int64) {
	if m.Overflow || !hd.groupKnown || d.novel[hd.group+"\x00"+e.App] {
		return
	}
	// A template the baseline saw on any host group is a known kind of
	// event: a mistyped sudo password on a host that never had one is
	// news for its category's rate, not a new kind of message.
	if d.b.Templates[m.ID] != nil {
		return
	}
	if d.once("tpl\x00"+hd.group+"\x00"+m.ID) && !hd.folded(e, t) {
		d.add(e, event.Deviation{
			Kind:     KindNewTemplate,
			Key:      e.App + " " + m.Template,
			Expected: "templates of " + e.App + " in the baseline",
			Observed: m.Template,
			Score:    1,
			Reason:   "new kind of " + e.App + " message on " + hd.name + ": '" + clip(m.Template, 60) + "'",
		})
	}
}

// novelty works out, per host group and app, whether new templates were
// routine in the history: templates seen only once (Good and Turing's
// estimate of how often a new one turns up) came at least once in every
// newTemplateDays days.
func novelty(b *Baseline) map[string]bool {
	counts := map[string]uint64{} // group, app, template -> count
	span := map[string][2]int64{} // group -> first, last
	for _, h := range b.Hosts {
		sp, ok := span[h.Group]
		if !ok {
			sp = [2]int64{h.First, h.Last}
		}
		span[h.Group] = [2]int64{min(sp[0], h.First), max(sp[1], h.Last)}
		for id, s := range h.Templates {
			if t := b.Templates[id]; t != nil {
				counts[h.Group+"\x00"+t.App+"\x00"+id] += s.Count
			}
		}
	}
	once := map[string]int{}
	for k, n := range counts {
		i := strings.LastIndexByte(k, 0)
		key := k[:i]
		if _, ok := once[key]; !ok {
			once[key] = 0
		}
		if n == 1 {
			once[key]++
		}
	}
	out := make(map[string]bool, len(once))
	for key, n := range once {
		g := key[:strings.IndexByte(key, 0)]
		days := float64(span[g][1]-span[g][0]) / 86400
		out[key] = float64(n) >= max(days, 1)/newTemplateDays
	}
	return out
}

// add attaches a finding to e.
func (d *Detector) add(e *event.Event, dev event.Deviation) {
	e.Deviations = append(e.Deviations, dev)
	d.findings.Add(1)
	if hd := d.hosts[e.Host]; hd != nil {
		if hd.foldUntil == nil {
			hd.foldUntil = make(map[string]int64)
		}
		until := e.Time.Unix() + newTemplateQuiet
		for _, k := range foldKeys(e) {
			if k != "" {
				hd.foldUntil[k] = max(hd.foldUntil[k], until)
			}
		}
	}
}

// foldKeys are what ties a new template to a finding made shortly before
// on the same host: the app's family (postfix/smtpd and postfix/qmgr are
// one mail message's path; fail2ban.filter and fail2ban.actions one ban),
// the user, and the program a privileged command ran (sudo postfix reload,
// then postfix's own lines); "" for what the event lacks. A sudo of a
// first-time command and what it makes the system say, a new mail path's
// several programs, say one thing, once.
func foldKeys(e *event.Event) [3]string {
	var keys [3]string
	keys[0] = "app:" + family(e.App)
	if u := e.Fields["user"]; u != "" {
		keys[1] = "user:" + u
	}
	if cmd := e.Fields["command"]; cmd != "" {
		prog, _, _ := strings.Cut(cmd, " ")
		keys[2] = "app:" + family(path.Base(prog))
	}
	return keys
}

// family is an app's name up to its first / or . (postfix/smtpd:
// postfix).
func family(app string) string {
	if i := strings.IndexAny(app, "/."); i > 0 {
		return app[:i]
	}
	return app
}

// folded reports whether a new template in e at t is part of a finding
// the host had in the last newTemplateQuiet seconds.
func (hd *hostDet) folded(e *event.Event, t int64) bool {
	for _, k := range foldKeys(e) {
		if k != "" && t < hd.foldUntil[k] {
			return true
		}
	}
	return false
}

// once reports whether key is reported for the first time.
func (d *Detector) once(key string) bool {
	if _, ok := d.fired[key]; ok {
		return false
	}
	d.fired[key] = struct{}{}
	return true
}

// fire marks the key as in a burst if its count is over its threshold,
// and its hour as one with a rate_high if the hour's count is.
func (k *keyDet) fire(minute, hourStart int64) {
	if k.thrHow < 0 {
		return
	}
	if k.win.count(minute) >= k.thr {
		k.fired = true
		k.hourFired = hourStart
	}
	if k.hourCount(hourStart) >= k.hthr {
		k.hourFired = hourStart
	}
}

func (k *keyDet) add(minute, hourStart int64) uint32 {
	i := (hourStart / 3600) & 1
	if k.hs[i] != hourStart {
		k.hs[i], k.hn[i] = hourStart, 0
	}
	k.hn[i]++
	return k.win.add(minute)
}

// hourCount returns the key's count in the hour starting at hs.
func (k *keyDet) hourCount(hs int64) uint32 {
	if k == nil {
		return 0
	}
	i := (hs / 3600) & 1
	if k.hs[i] != hs {
		return 0
	}
	return k.hn[i]
}

// ceiling returns the most events the key usually has in five minutes at
// hour of week how, and the count that makes a rate_high; and the same for
// the whole hour. The ceiling is the highest five-minute peak (the highest
// hour) learnt in the hour and the hours either side, that week day and
// every day of the same kind (weekday or weekend); for a key that was busy
// at all hours of the day (internet noise, steady jobs) it is its highest
// at any hour, since when its bursts come says nothing.
func ceiling(s *Series, how int, cov *[HoursPerWeek]uint16) (ceil, thr, hceil, hthr uint32) {
	if s != nil {
		hod, dt := how%24, dayType(how)
		sameKind := false
		for day := range 7 {
			if dayType(day*24+hod) == dt && cov[day*24+hod] > 0 {
				sameKind = true
			}
		}
		for day := range 7 {
			if sameKind && dayType(day*24+hod) != dt {
				continue
			}
			for dh := -1; dh <= 1; dh++ {
				if h := s.hour((day*24 + hod + dh + HoursPerWeek) % HoursPerWeek); h != nil {
					ceil = max(ceil, h.Peak)
					hceil = max(hceil, h.Max)
				}
			}
		}
		var hods [24]bool
		spread := 0
		var top, htop uint32
		for _, h := range s.Hours {
			top = max(top, h.Peak)
			htop = max(htop, h.Max)
			if !hods[h.How%24] {
				hods[h.How%24] = true
				spread++
			}
		}
		if spread >= 18 {
			ceil = max(ceil, top)
			hceil = max(hceil, htop)
		}
	}
	return ceil, max(minBurst, 2*ceil+burstSlack), hceil, max(minHourBurst, 2*hceil+hourSlack)
}

func (d *Detector) rateHigh(hd *hostDet, k *keyDet, c uint32, how int, hour bool) event.Deviation {
	ceil, span := k.ceil, " in 5 min"
	if hour {
		ceil, span = k.hceil, " in an hour"
	}
	expected := "0"
	if ceil > 0 {
		expected = "0–" + strconv.FormatUint(uint64(ceil), 10)
	}
	return event.Deviation{
		Kind:     KindRateHigh,
		Key:      hd.name + " " + d.keyText(k.key),
		Expected: expected + span,
		Observed: strconv.FormatUint(uint64(c), 10) + span,
		Score:    round2(float64(c) / float64(max(ceil, 1))),
		Reason:   d.keyWhat(k.key, hd.name) + ": " + strconv.FormatUint(uint64(c), 10) + span + "; usual for " + howName(how) + " is " + expected,
	}
}

// keyWhat says what a rate key of a host counts, for a reason: "all events
// on web1", "auth.failure on web1", "sshd 'Failed password for …' on web1".
func (d *Detector) keyWhat(key, host string) string {
	switch {
	case key == "":
		return "all events on " + host
	case strings.HasPrefix(key, "tpl:"):
		if app, text, ok := d.templateText(key[4:]); ok {
			return app + " '" + clip(text, 40) + "' on " + host
		}
		return key + " on " + host
	}
	return strings.TrimPrefix(key, "cat:") + " on " + host
}

// templateText returns the app and text of a template the baseline or
// this run's miner knows.
func (d *Detector) templateText(id string) (app, text string, ok bool) {
	if t := d.b.Templates[id]; t != nil {
		return t.App, t.Text, true
	}
	if t, ok := d.miner.Lookup(id); ok {
		return t.App, t.Text, true
	}
	return "", "", false
}

// keyText names a rate key for people: "total", "cat:auth.failure", or a
// template's app and text.
func (d *Detector) keyText(key string) string {
	switch {
	case key == "":
		return "total"
	case strings.HasPrefix(key, "tpl:"):
		if app, text, ok := d.templateText(key[4:]); ok {
			return app + " " + text
		}
	}
	return key
}

// values checks the event's user, address, command, package and host
// against those seen before, and the hour against the user's usual ones.
func (d *Detector) values(e *event.Event, hd *hostDet, t int64, how int) {
	b := d.b
	if hd.h == nil && b.Dropped.Hosts == 0 && d.once("host\x00"+hd.name) {
		d.add(e, event.Deviation{
			Kind: KindNewValue, Key: "host:" + hd.name,
			Expected: strconv.Itoa(len(b.Hosts)) + " hosts seen", Observed: hd.name, Score: 1,
			Reason: "first events from host " + hd.name + "; the baseline has " + strconv.Itoa(len(b.Hosts)) + " hosts",
		})
	}
	if p := e.Fields["package"]; p != "" && e.HasCategory(catSoftware) && b.Dropped.Packages == 0 {
		if _, ok := b.Packages[p]; !ok && d.once("pkg\x00"+p) {
			d.add(e, event.Deviation{
				Kind: KindNewValue, Key: "package:" + p,
				Expected: strconv.Itoa(len(b.Packages)) + " packages seen", Observed: p, Score: 1,
				Reason: "package " + p + " on " + hd.name + " was never seen in the baseline",
			})
		}
	}
	if name := changedAccount(e); name != "" {
		_, inUse := b.Users[name]
		_, changed := b.Accounts[name]
		if !inUse && !changed && b.Dropped.Users == 0 && b.Dropped.Accounts == 0 && d.once("account\x00"+name) {
			d.add(e, event.Deviation{
				Kind: KindNewValue, Key: "account:" + name,
				Expected: "accounts seen in use or changed", Observed: name, Score: 1,
				Reason: "account change for " + name + " on " + hd.name + ", an account the baseline never saw",
			})
		}
	}
	login, priv := e.HasCategory(catLogin), e.HasCategory(catPrivilege)
	name := e.Fields["user"]
	if name == "" || !(login || priv) {
		return
	}
	u := b.Users[name]
	if u == nil {
		if b.Dropped.Users == 0 && d.once("user\x00"+name) {
			what := "login"
			if !login {
				what = "privileged command"
			}
			d.add(e, event.Deviation{
				Kind: KindNewValue, Key: "user:" + name,
				Expected: strconv.Itoa(len(b.Users)) + " users seen", Observed: name, Score: 1,
				Reason: "first " + what + " by " + name + " (on " + hd.name + "); the baseline never saw " + name + " log in or use privilege",
			})
		}
		return
	}
	// A user's addresses and hours are judged against what the user did
	// through the same app, when the baseline has that; else against all.
	ua := u.Apps[e.App]
	addrs, usual := u.Addrs, "usual: "
	if ua != nil && len(ua.Addrs) > 0 {
		addrs, usual = ua.Addrs, "usual over "+e.App+": "
	}
	// The app's addresses say whether the user keeps to a few; any address
	// the user came from before, through any app, is not new, nor is one
	// in a network where the user moved between addresses.
	if ip := e.Fields["src_ip"]; login && ip != "" && len(addrs) > 0 && len(addrs) < DefaultCaps.AddrsPerUser {
		_, ok := addrs[ip]
		if !ok {
			_, ok = u.Addrs[ip]
		}
		if !ok && d.stable(addrs, network) && !nearKnown(ip, u.Addrs) && d.once("addr\x00"+name+"\x00"+ip) {
			d.add(e, event.Deviation{
				Kind: KindNewValue, Key: "addr:" + name + "@" + ip,
				Expected: addrList(addrs), Observed: ip, Score: 1,
				Reason: name + " logged in to " + hd.name + " from " + ip + " for the first time; " + usual + addrList(addrs),
			})
		}
	}
	if cmd := e.Fields["command"]; priv && cmd != "" && len(u.Sudo) < DefaultCaps.SudoPerUser {
		ck := CommandKey(cmd)
		if _, ok := u.Sudo[ck]; !ok && d.stable(u.Sudo, nil) &&
			d.once("sudo\x00"+name+"\x00"+ck) {
			d.add(e, event.Deviation{
				Kind: KindNewValue, Key: "sudo:" + name + ":" + ck,
				Expected: strconv.Itoa(len(u.Sudo)) + " commands seen", Observed: ck, Score: 1,
				Reason: name + " ran " + clip(ck, 40) + " with privilege on " + hd.name + " for the first time",
			})
		}
	}
	active := &u.Active
	if ua != nil && sum(&ua.Active) >= minActive {
		active = &ua.Active
	}
	d.outOfHours(e, hd, name, active, t, how, login)
}

// outOfHours flags a login or privileged command at an hour of the day at
// which the user was never active (oddBand hours either side count: people
// start early and stay late), or at a weekend when the user never was.
func (d *Detector) outOfHours(e *event.Event, hd *hostDet, name string, active *[HoursPerWeek]uint16, t int64, how int, login bool) {
	byHod, total, weekend := dayProfile(active)
	var band uint32
	if total < minActive {
		return
	}
	// How often did a login or command come at an hour of the day not
	// seen before? Good and Turing's estimate of the unseen share: hours
	// seen exactly once, over all. When that is small, the user's hours
	// are known. When it is not, the user may still keep to a part of the
	// day while its hours fill in one by one (a day shift with a handful
	// of commands a day): then few activities came alone, oddBand hours
	// from any other, and a longer idle stretch (minIdleSparse) is needed.
	// A user whose activities still turn up alone at new times (a service
	// account with few logins, an admin paged now and then at night) is
	// not judged.
	once, alone := 0, 0
	for h, n := range byHod {
		if n != 1 {
			continue
		}
		once++
		near := uint32(0)
		for dh := -oddBand; dh <= oddBand; dh++ {
			if dh != 0 {
				near += byHod[(h+dh+24)%24]
			}
		}
		if near == 0 {
			alone++
		}
	}
	idle := minIdle
	if float64(once) > maxUnseen*float64(total) {
		if float64(alone) > maxUnseen*float64(total) {
			return
		}
		idle = minIdleSparse
	}
	hod := how % 24
	for dh := -oddBand; dh <= oddBand; dh++ {
		band += byHod[(hod+dh+24)%24]
	}
	// The hour must also lie in a long idle stretch of the user's day
	// (their night, say), not in one of the short gaps of someone whose
	// hours are scattered.
	odd := band == 0 && idleStretch(&byHod, hod) >= idle
	lt := time.Unix(t, 0).In(d.clk.loc)
	why := "at " + lt.Format("15:04") + " (" + weekdays[lt.Weekday()] + ")"
	if !odd && dayType(how) == 1 && weekend == 0 && total >= 3*minActive {
		odd = true
		why = "at the weekend (" + lt.Format("Mon 15:04") + ")"
	}
	if !odd {
		return
	}
	ud := d.users[name]
	if ud == nil {
		ud = &userDet{}
		d.users[name] = ud
	}
	if ud.lastOdd != 0 && t-ud.lastOdd < rearmOutOfHours {
		ud.lastOdd = t
		return
	}
	ud.lastOdd = t
	what := "privileged command"
	if login {
		what = "login"
	}
	usual := activeHours(byHod)
	d.add(e, event.Deviation{
		Kind: KindOutOfHours, Key: "user:" + name,
		Expected: usual, Observed: lt.Format("Mon 15:04"),
		Score:  round2(1 - 1/float64(total+1)),
		Reason: what + " by " + name + " on " + hd.name + " " + why + "; " + name + " is usually active " + usual,
	})
}

func sum(a *[HoursPerWeek]uint16) (n uint32) {
	for _, v := range a {
		n += uint32(v)
	}
	return n
}

// dayProfile folds a user's activity by hour of the week into hours of
// the day, with the total and how much of it came at weekends.
func dayProfile(active *[HoursPerWeek]uint16) (byHod [24]uint32, total, weekend uint32) {
	for h, n := range active {
		total += uint32(n)
		byHod[h%24] += uint32(n)
		if dayType(h) == 1 {
			weekend += uint32(n)
		}
	}
	return byHod, total, weekend
}

// stable reports whether a user's set of values (addresses, commands) has
// stopped growing: settled by sightings, and fewer than maxRecent groups
// of values (networks for addresses, by group; nil means each value) new
// in the second half of the history. A phone's mail client logs in many
// times from each new address, so sightings alone call a set settled that
// gains a network a day.
func (d *Detector) stable(m map[string]Seen, group func(string) string) bool {
	return settled(m) && d.recent(m, group) < maxRecent
}

// recent counts the groups of values in m (by group; nil means each value)
// first seen in the second half of the history.
func (d *Detector) recent(m map[string]Seen, group func(string) string) int {
	first := make(map[string]int64, len(m))
	for v, s := range m {
		g := v
		if group != nil {
			g = group(v)
		}
		if f, ok := first[g]; !ok || s.First < f {
			first[g] = s.First
		}
	}
	n := 0
	for _, f := range first {
		if f >= d.mid {
			n++
		}
	}
	return n
}

// network returns the /24 (IPv4) or /64 (IPv6) an address is in, or the
// value itself when it is not an address.
func network(v string) string {
	if p, ok := netOf(v); ok {
		return p.String()
	}
	return v
}

// netOf returns the /24 (IPv4) or /64 (IPv6) of an address.
func netOf(ip string) (netip.Prefix, bool) {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return netip.Prefix{}, false
	}
	bits := 24
	if a.Is6() && !a.Is4In6() {
		bits = 64
	}
	p, err := a.Prefix(bits)
	return p, err == nil
}

// settled reports whether a set of values has stopped growing: the
// values seen once are at most maxUnseen of all sightings.
func settled(m map[string]Seen) bool {
	var once, total uint64
	for _, s := range m {
		total += uint64(s.Count)
		if s.Count == 1 {
			once++
		}
	}
	return float64(once) <= maxUnseen*float64(total)
}

// idleStretch returns how many hours of the day in a row, around hour hod,
// have no activity (24 for none at all).
func idleStretch(byHod *[24]uint32, hod int) int {
	if byHod[hod] != 0 {
		return 0
	}
	n := 1
	for h := (hod + 1) % 24; h != hod && byHod[h] == 0; h = (h + 1) % 24 {
		n++
	}
	if n == 24 {
		return n
	}
	for h := (hod + 23) % 24; byHod[h] == 0; h = (h + 23) % 24 {
		n++
	}
	return n
}

// activeHours describes the hours of the day with activity: "08:00–18:59".
func activeHours(byHod [24]uint32) string {
	var s string
	for h := 0; h < 24; {
		if byHod[h] == 0 {
			h++
			continue
		}
		end := h
		for end+1 < 24 && byHod[end+1] > 0 {
			end++
		}
		if s != "" {
			s += ", "
		}
		s += twoDigits(h) + ":00–" + twoDigits(end) + ":59"
		h = end + 1
	}
	if s == "" {
		return "never"
	}
	return s
}

// nearKnown reports whether ip is in the same /24 (IPv4) or /64 (IPv6) as an
// address the user came from before: a new lease on a known network is not
// news.
func nearKnown(ip string, known map[string]Seen) bool {
	p, ok := netOf(ip)
	if !ok {
		return false
	}
	for k := range known {
		if b, err := netip.ParseAddr(k); err == nil && p.Contains(b) {
			return true
		}
	}
	return false
}

func addrList(m map[string]Seen) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) > 3 {
		return fmt.Sprintf("%s, %s, %s and %d more", keys[0], keys[1], keys[2], len(keys)-3)
	}
	s := ""
	for i, k := range keys {
		if i > 0 {
			s += ", "
		}
		s += k
	}
	if s == "" {
		return "none"
	}
	return s
}

// skew counts a live event whose time is far from its arrival.
func (d *Detector) skew(e *event.Event) {
	hd := d.host(e.Host)
	off := e.Arrival.Sub(e.Time)
	if off < 0 {
		off = -off
	}
	if off <= d.opts.SkewLimit {
		hd.skewN = 0
		if hd.skewed && off <= d.opts.SkewLimit/2 {
			hd.skewed = false
		}
		return
	}
	hd.skewN++
	if hd.skewN < skewRun || hd.skewed {
		return
	}
	hd.skewed = true
	dir := "behind"
	if e.Time.After(e.Arrival) {
		dir = "ahead of"
	}
	d.add(e, event.Deviation{
		Kind: KindClockSkew, Key: "host:" + hd.name,
		Expected: "within " + human.Duration(d.opts.SkewLimit), Observed: human.Duration(off.Round(time.Second)),
		Score:  round2(off.Seconds() / d.opts.SkewLimit.Seconds()),
		Reason: hd.name + "'s event times are " + human.Duration(off.Round(time.Second)) + " " + dir + " their arrival (" + strconv.Itoa(skewRun) + " in a row)",
	})
}

func (d *Detector) host(name string) *hostDet {
	if d.last != nil && d.last.name == name {
		return d.last
	}
	hd := d.hosts[name]
	if hd == nil {
		hd = &hostDet{name: name, cats: make(map[string]*keyDet), tpls: make(map[string]*keyDet),
			lowFired: make(map[string]bool), total: keyDet{thrHow: -1}}
		hd.quiet = quietWatch{key: "host:" + name, name: name, host: name}
		hd.group = Group(name)
		for _, h := range d.b.Hosts {
			if h.Group == hd.group {
				hd.groupKnown = true
				break
			}
		}
		if h := d.b.Hosts[name]; h != nil {
			hd.h = h
			hd.total.s = &h.Total
			hd.cov = coverage(d.clk, h.First, h.Last)
			hd.quiet.q = judged(&h.Quiet, h.Events, h.First, h.Last)
		}
		d.hosts[hd.name] = hd
	}
	d.last = hd
	return hd
}

// count notes the first event of hd in this run, at t. Once most of the
// baseline's hosts that log steadily (more than half, and at least two)
// have logged, the run is watching what the baseline watched, however its
// sources are named: the rest of those hosts are expected from then on,
// and one that never turns up goes silent like one that stops. A run over
// one host's file of several says nothing about the others.
func (d *Detector) count(hd *hostDet, t int64) {
	hd.counted = true
	if hd.quiet.q == nil || hd.h == nil {
		return
	}
	d.seenJudged++
	if d.expectAll || d.seenJudged < 2 || 2*d.seenJudged <= d.judgedHosts {
		return
	}
	d.expectAll = true
	names := make([]string, 0, len(d.b.Hosts))
	for name := range d.b.Hosts {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if o := d.host(name); o.quiet.q != nil {
			o.quiet.expect(t)
		}
	}
	d.last = hd
}

// source returns the state of the source named name, first seen in this
// run at t. The hosts the history saw in a source are expected in it from
// then on: one that never turns up goes silent like one that stops.
func (d *Detector) source(name string, t int64) *sourceDet {
	if d.lastS != nil && d.lastS.name == name {
		return d.lastS
	}
	key := sourceKey(name)
	sd := d.srcs[key]
	if sd == nil {
		sd = &sourceDet{quiet: quietWatch{key: "source:" + key, name: key}}
		if s := d.b.Sources[key]; s != nil {
			for _, h := range s.Hosts {
				d.host(h).quiet.expect(t)
			}
			sd.quiet.q = judged(&s.Quiet, s.Events, s.First, s.Last)
			if len(s.Hosts) == 1 {
				sd.quiet.host = s.Hosts[0]
				// A source that is all one host's, and the host's only
				// one, goes quiet when the host does: the host's silence
				// says it.
				only := true
				for k, o := range d.b.Sources {
					if k != key && slices.Contains(o.Hosts, s.Hosts[0]) {
						only = false
					}
				}
				if only {
					sd.quiet.q = nil
				}
			}
		}
		d.srcs[key] = sd
	}
	sd.name = name
	d.lastS = sd
	return sd
}

// advance moves the event-time clock to t (it never goes back) and makes
// the findings that time passing reveals: hours that ended low, hosts and
// sources gone quiet.
func (d *Detector) advance(t int64) {
	if t <= d.now {
		return
	}
	if d.now == 0 {
		d.now = t
		d.clk.hourOf(t)
		d.openHour, d.openHow = d.clk.start, d.clk.how
		d.lastCheck = t / 60
		return
	}
	d.now = t
	// Hours that ended (and their grace) are judged in order.
	for d.openHour+3600+hourGrace <= t {
		d.judgeHour(d.openHour, d.openHow)
		how, _ := d.clk.hourOf(d.openHour + 3600)
		d.openHour, d.openHow = d.clk.start, how
		if t-d.openHour > 8*24*3600 { // a jump of more than a week
			d.clk.hourOf(t)
			d.openHour, d.openHow = d.clk.start, d.clk.how
		}
	}
	if m := t / 60; m > d.lastCheck {
		d.lastCheck = m
		d.silences(t)
	}
}

// quietIsGood are the categories of failures and alerts: fewer of them
// than usual (attackers busy elsewhere, a fault fixed) is no news.
var quietIsGood = map[string]bool{
	"auth.failure": true, "privilege.failure": true, "access.denied": true,
	"security.alert": true, "service.failure": true,
}

// lowIsNews reports whether a drop in events of these categories can be
// news for rate_low: when one of them is not a failure or alert.
func lowIsNews(cats ...string) bool {
	for _, c := range cats {
		if !quietIsGood[c] {
			return true
		}
	}
	return false
}

// judgeHour reports the rate_low findings of the hour starting at hs: for
// each host seen this run that logged in that hour, the key furthest below
// the least count learnt for that hour of week.
func (d *Detector) judgeHour(hs int64, how int) {
	names := make([]string, 0, len(d.hosts))
	for n, hd := range d.hosts {
		if hd.h != nil && hd.total.hourCount(hs) > 0 {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		hd := d.hosts[n]
		cov := hd.cov[how]
		if cov < 2 {
			continue
		}
		type low struct {
			key              string
			obs, least, most uint32
		}
		var lows []low
		consider := func(key string, s *Series, k *keyDet) {
			least, most, ok := steady(s, how, &hd.cov)
			if !ok {
				return
			}
			obs := k.hourCount(hs)
			if obs*4 >= least {
				if obs*2 >= least {
					delete(hd.lowFired, key)
				}
				return
			}
			if hd.lowFired[key] {
				return
			}
			hd.lowFired[key] = true
			lows = append(lows, low{key, obs, least, most})
		}
		consider("", &hd.h.Total, &hd.total)
		for c, s := range hd.h.Categories {
			if lowIsNews(c) {
				consider("cat:"+c, s, hd.cats[c])
			}
		}
		// A template is judged only when its events carry a category, as
		// for rate_high: chatter templates split one kind of traffic (a
		// day's mix of pages or agents moves lines between them), and the
		// host's total judges the traffic. One not seen at all in this run
		// is left to its categories.
		for id, s := range hd.h.Templates {
			if k := hd.tpls[id]; k != nil && !k.chatter && k.lowNews {
				consider("tpl:"+id, s, k)
			}
		}
		if len(lows) == 0 {
			continue
		}
		slices.SortFunc(lows, func(a, b low) int {
			ra, rb := float64(a.least)/float64(a.obs+1), float64(b.least)/float64(b.obs+1)
			switch {
			case ra > rb:
				return -1
			case ra < rb:
				return 1
			}
			if a.key < b.key {
				return -1
			}
			return 1
		})
		w := lows[0]
		more := ""
		if len(lows) > 1 {
			more = " (" + strconv.Itoa(len(lows)-1) + " more keys low)"
		}
		expected := strconv.FormatUint(uint64(w.least), 10) + "–" + strconv.FormatUint(uint64(w.most), 10) + " an hour"
		d.emit(hs+3600, n, event.Deviation{
			Kind: KindRateLow, Key: n + " " + d.keyText(w.key),
			Expected: expected, Observed: strconv.FormatUint(uint64(w.obs), 10) + " in the hour",
			Score:  round2(float64(w.least) / float64(w.obs+1)),
			Reason: d.keyWhat(w.key, n) + ": " + strconv.FormatUint(uint64(w.obs), 10) + " in the hour from " + howName(how) + "; usual is " + expected + more,
		})
	}
}

// steady reports whether a key's hourly count at hour of week how was
// steady enough to call a low count news: in every calendar hour learnt at
// that hour of the day, on days of the same kind (weekdays or weekends), it
// had at least lowMin events and never more than lowSpread times the least.
// It returns the least and the most.
func steady(s *Series, how int, cov *[HoursPerWeek]uint16) (least, most uint32, ok bool) {
	hod, dt := how%24, dayType(how)
	least = ^uint32(0)
	days := 0
	for day := range 7 {
		w := day*24 + hod
		if dayType(w) != dt || cov[w] == 0 {
			continue
		}
		h := s.hour(w)
		if h == nil || h.N < cov[w] {
			return 0, 0, false
		}
		least, most = min(least, h.Min), max(most, h.Max)
		days += int(cov[w])
	}
	if days < 2 || least < lowMin || most > lowSpread*least {
		return 0, 0, false
	}
	return least, most, true
}

// silences reports hosts and sources seen this run that have been quiet
// for far longer than they were at these hours while learning.
func (d *Detector) silences(now int64) {
	var ws []*quietWatch
	for _, hd := range d.hosts {
		ws = append(ws, &hd.quiet)
	}
	for _, sd := range d.srcs {
		ws = append(ws, &sd.quiet)
	}
	slices.SortFunc(ws, func(a, b *quietWatch) int { return strings.Compare(a.key, b.key) })
	for _, w := range ws {
		if w.q == nil || w.silent || w.last == 0 || now-w.last <= minSilence {
			continue
		}
		if at, limit, ok := d.silentAt(w.q, w.last, now); ok {
			w.silent = true
			d.emit(at, w.host, d.silence(w, at, limit))
		}
	}
}

// silentAt returns when a gap that started at since became a silence, if
// it has by now: the first moment the gap is longer than quietFactor times
// the longest quiet learnt over the hours it spans (at least minSilence),
// and that limit. The moment depends only on since and the baseline, not
// on when the check runs, so a replay stamps a silence as live watching
// would.
func (d *Detector) silentAt(q *Quiet, since, now int64) (at, limit int64, ok bool) {
	var longest uint32
	for t, n := since, 0; t <= now && n <= HoursPerWeek; n++ {
		how, end := d.clk.hourOf(t)
		longest = max(longest, q[dayType(how)][how%24])
		limit = max(int64(longest)*quietFactor, minSilence)
		at = since + limit + 1
		if at < end {
			// Crossed within the hours spanned so far (or never will be
			// before the next hour raises the limit).
			return at, limit, at <= now
		}
		t = end
	}
	return at, limit, at <= now
}

func (d *Detector) silence(w *quietWatch, now, limit int64) event.Deviation {
	gap := time.Duration(now-w.last) * time.Second
	usual := time.Duration(limit/quietFactor) * time.Second
	since := "since " + time.Unix(w.last, 0).In(d.clk.loc).Format("Mon 15:04")
	if w.expected {
		since = "expected since " + time.Unix(w.last, 0).In(d.clk.loc).Format("Mon 15:04") + ", nothing in this run"
	}
	return event.Deviation{
		Kind: KindSilence, Key: w.key,
		Expected: "quiet at most " + human.Duration(usual),
		Observed: "quiet " + human.Duration(gap),
		Score:    round2(float64(now-w.last) / float64(max(limit/quietFactor, 1))),
		Reason:   w.name + " has logged nothing for " + human.Duration(gap) + " (" + since + "); at these hours it is quiet at most " + human.Duration(usual),
	}
}

// emit queues a finding tied to no single event, as an event at time t.
func (d *Detector) emit(t int64, host string, dev event.Deviation) {
	d.findings.Add(1)
	d.pending = append(d.pending, event.Event{
		Time:       time.Unix(t, 0).UTC(),
		Host:       host,
		App:        AppName,
		Severity:   event.Warning,
		Message:    dev.Reason,
		Source:     SourceName,
		Format:     SourceName,
		Offset:     -1,
		Deviations: []event.Deviation{dev},
	})
}

// clip shortens s to n characters with an ellipsis (n 0: no limit).
func clip(s string, n int) string {
	if n <= 0 || len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func round2(f float64) float64 {
	return float64(int64(f*100+0.5)) / 100
}
