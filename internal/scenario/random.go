package scenario

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"
)

// rng is a seeded random stream with the draws the generators need. Every
// stream is named (a host and a day, a person and a day, an incident), so
// one part of a scenario never shifts another: adding a test day or a host
// leaves the lines of the others as they were.
type rng struct{ *rand.Rand }

// stream returns the random stream called name for day idx under seed.
func stream(seed uint64, name string, idx int) rng {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rng{rand.New(rand.NewPCG(seed, h.Sum64()^uint64(idx+1)*0x9e3779b97f4a7c15))}
}

// chance reports true with probability p.
func (r rng) chance(p float64) bool { return r.Float64() < p }

// between returns a duration uniform in [a, b).
func (r rng) between(a, b time.Duration) time.Duration {
	if b <= a {
		return a
	}
	return a + time.Duration(r.Int64N(int64(b-a)))
}

// around returns a normally distributed duration, mean m and spread sd.
func (r rng) around(m, sd time.Duration) time.Duration {
	return m + time.Duration(r.NormFloat64()*float64(sd))
}

// lognorm returns a factor with mean 1 whose logarithm has spread sd: the
// day-to-day and bin-to-bin wobble of real traffic.
func (r rng) lognorm(sd float64) float64 {
	return math.Exp(sd*r.NormFloat64() - sd*sd/2)
}

// poisson draws a Poisson count with mean l (a normal approximation above
// 30, where the difference no longer shows).
func (r rng) poisson(l float64) int {
	if l <= 0 {
		return 0
	}
	if l > 30 {
		n := int(math.Round(l + math.Sqrt(l)*r.NormFloat64()))
		return max(n, 0)
	}
	limit, p, n := math.Exp(-l), r.Float64(), 0
	for p > limit {
		p *= r.Float64()
		n++
	}
	return n
}

// pick returns one of xs, uniformly.
func (r rng) pick(xs []string) string { return xs[r.IntN(len(xs))] }

// skewed returns an index below n that favours the first ones, the way
// people reach for the same few commands and addresses.
func (r rng) skewed(n int) int {
	for i := 0; i < n-1; i++ {
		if r.chance(0.55) {
			return i
		}
	}
	return n - 1
}

// port returns an ephemeral source port from Linux's default range.
func (r rng) port() int { return 32768 + r.IntN(28232) }

// hex returns n random lower-case hexadecimal digits.
func (r rng) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.IntN(16)]
	}
	return string(b)
}

// Addresses. Everything outside the organisation comes from ranges that
// are reserved for documentation and benchmarking (RFC 5737, RFC 2544,
// RFC 3849), so no real network is named. 198.51.100.0/24 is kept out of
// normal traffic: the web servers' own public addresses live there, and
// so do the addresses the incidents introduce, which must be new.

// internetIPv4 returns a random outside address for scanners and bots.
func (r rng) internetIPv4() string {
	switch p := r.IntN(100); {
	case p < 35:
		return fmt.Sprintf("203.0.113.%d", 1+r.IntN(254))
	case p < 60:
		return fmt.Sprintf("192.0.2.%d", 1+r.IntN(254))
	default:
		return fmt.Sprintf("198.%d.%d.%d", 18+r.IntN(2), r.IntN(256), 1+r.IntN(254))
	}
}

// clientIP returns a random visitor of the shop: mostly IPv4 from the
// benchmark range, some IPv6.
func (r rng) clientIP() string {
	if r.chance(0.15) {
		return fmt.Sprintf("2001:db8:%x:%x::%x", r.IntN(0x10000), r.IntN(0x10000), 1+r.IntN(0xfff))
	}
	return fmt.Sprintf("198.%d.%d.%d", 18+r.IntN(2), r.IntN(256), 1+r.IntN(254))
}
