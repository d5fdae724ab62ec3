package scenario

import "time"

// day is one calendar day of the scenario in the people's zone.
type day struct {
	idx        int // 0 is the first learning day
	y          int
	m          time.Month
	d          int
	zone       *time.Location
	start, end time.Time // local midnight to the next local midnight
}

// newDay returns the day idx days after the one that starts at first.
func newDay(first time.Time, idx int) day {
	y, m, d := first.Date()
	zone := first.Location()
	return day{
		idx: idx, y: y, m: m, d: d + idx, zone: zone,
		start: time.Date(y, m, d+idx, 0, 0, 0, 0, zone),
		end:   time.Date(y, m, d+idx+1, 0, 0, 0, 0, zone),
	}
}

// at returns the instant whose local wall clock reads off after this day's
// midnight. off may pass 24h: the time then falls on the next day.
func (d day) at(off time.Duration) time.Time {
	return time.Date(d.y, d.m, d.d, 0, 0, 0, int(off), d.zone)
}

// weekday returns the day of the week.
func (d day) weekday() time.Weekday { return d.start.Weekday() }

// weekend reports whether the day is a Saturday or a Sunday.
func (d day) weekend() bool {
	w := d.weekday()
	return w == time.Saturday || w == time.Sunday
}

// hm is a wall-clock time of day.
func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

// curve is a daily rhythm: a relative rate at each full hour, linearly
// interpolated between them.
type curve [24]float64

// at returns the rate at wall-clock offset off.
func (c *curve) at(off time.Duration) float64 {
	h := off.Hours()
	for h >= 24 {
		h -= 24
	}
	i := int(h)
	f := h - float64(i)
	return c[i]*(1-f) + c[(i+1)%24]*f
}

// Traffic rhythms. Shoppers browse through the day with a lunch bump and
// an after-dinner peak; weekends start late and stay lower.
var (
	shopWeekday = curve{0.10, 0.07, 0.05, 0.04, 0.04, 0.06, 0.15, 0.35, 0.60, 0.80, 0.90, 0.95,
		1.00, 0.95, 0.88, 0.86, 0.84, 0.80, 0.78, 0.88, 0.92, 0.76, 0.45, 0.22}
	shopWeekend = curve{0.14, 0.10, 0.07, 0.05, 0.04, 0.04, 0.07, 0.13, 0.25, 0.40, 0.52, 0.58,
		0.60, 0.60, 0.58, 0.56, 0.55, 0.55, 0.58, 0.65, 0.66, 0.55, 0.35, 0.20}
	// officeHours is when developers push and pipelines run.
	officeHours = curve{0.01, 0, 0, 0, 0, 0, 0.01, 0.08, 0.50, 0.95, 1.00, 0.95,
		0.55, 0.85, 1.00, 0.95, 0.85, 0.55, 0.20, 0.08, 0.06, 0.05, 0.03, 0.02}
	// flat is the internet's background noise: there is always someone.
	flat = curve{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
)

// shop returns the shop's traffic rhythm for d.
func shop(d day) *curve {
	if d.weekend() {
		return &shopWeekend
	}
	return &shopWeekday
}

// arrivals calls fn at the times of a Poisson process that runs at perHour
// times the curve, with the rate of each ten-minute stretch shaken by a
// log-normal factor of spread wobble (real traffic comes in clumps).
func arrivals(r rng, d day, c *curve, perHour, wobble float64, fn func(t time.Time)) {
	const bin = 10 * time.Minute
	for b := time.Duration(0); b < 24*time.Hour; b += bin {
		l := perHour * bin.Hours() * c.at(b+bin/2)
		if wobble > 0 {
			l *= r.lognorm(wobble)
		}
		for n := r.poisson(l); n > 0; n-- {
			fn(d.at(b + r.between(0, bin)))
		}
	}
}
