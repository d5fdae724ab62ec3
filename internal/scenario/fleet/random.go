package fleet

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// stream returns the random stream for one purpose and index under a
// seed. Every host day, person day and incident draws from its own
// stream, so the order in which work runs never changes the lines.
func stream(seed uint64, label string, idx int) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(label))
	h.Write([]byte{'/'})
	h.Write(strconv.AppendInt(nil, int64(idx), 10))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// poisson draws a Poisson count with the given mean.
func poisson(r *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean > 40 {
		return max(0, int(math.Round(mean+math.Sqrt(mean)*r.NormFloat64())))
	}
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// pick returns a uniformly chosen element of xs.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// weighted returns an index drawn with the given weights.
func weighted(r *rand.Rand, w []float64) int {
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	v := r.Float64() * sum
	for i, x := range w {
		if v < x {
			return i
		}
		v -= x
	}
	return len(w) - 1
}

// zipf returns an index in [0, n) where low indexes are much likelier,
// the way a few clients make most of a server's traffic.
func zipf(r *rand.Rand, n int) int {
	return min(n-1, int(math.Floor(math.Pow(float64(n), r.Float64())))-1)
}

// between returns a uniform float in [lo, hi).
func between(r *rand.Rand, lo, hi float64) float64 { return lo + r.Float64()*(hi-lo) }

// within returns a uniform duration in [lo, hi).
func within(r *rand.Rand, lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(r.Int64N(int64(hi-lo)))
}

// secs is a duration of f seconds.
func secs(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

// wobble is a multiplicative day-to-day factor around 1.
func wobble(r *rand.Rand, sigma float64) float64 {
	return math.Exp(sigma*r.NormFloat64() - sigma*sigma/2)
}

const (
	lowerHex  = "0123456789abcdef"
	upperHexs = "0123456789ABCDEF"
	lowers    = "abcdefghijklmnopqrstuvwxyz"
	base64s   = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	digits    = "0123456789"
)

// randString returns n characters drawn from alphabet.
func randString(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// ephemeralPort is a Linux client's source port.
func ephemeralPort(r *rand.Rand) int { return 32768 + r.IntN(28232) }

// anyPort is a source port as bots and NATs use them.
func anyPort(r *rand.Rand) int { return 1024 + r.IntN(64511) }

// publicIP returns a random routable IPv4 address outside private,
// shared, loopback, link-local, documentation and multicast space.
func publicIP(r *rand.Rand) string {
	for {
		a := 1 + r.IntN(223)
		b := r.IntN(256)
		switch {
		case a == 10 || a == 127 || a == 0:
			continue
		case a == 100 && b >= 64 && b < 128:
			continue
		case a == 169 && b == 254, a == 172 && b >= 16 && b < 32, a == 192 && b == 168:
			continue
		case a == 192 && b == 0, a == 198 && (b == 18 || b == 19 || b == 51), a == 203 && b == 0:
			continue
		}
		return ip4(a, b, r.IntN(256), 1+r.IntN(254))
	}
}

// ip4 formats a dotted quad.
func ip4(a, b, c, d int) string {
	buf := make([]byte, 0, 15)
	buf = strconv.AppendInt(buf, int64(a), 10)
	buf = append(buf, '.')
	buf = strconv.AppendInt(buf, int64(b), 10)
	buf = append(buf, '.')
	buf = strconv.AppendInt(buf, int64(c), 10)
	buf = append(buf, '.')
	buf = strconv.AppendInt(buf, int64(d), 10)
	return string(buf)
}

// inPrefix returns a random address under a "a.b." prefix.
func inPrefix(r *rand.Rand, prefix string) string {
	return prefix + strconv.Itoa(r.IntN(256)) + "." + strconv.Itoa(1+r.IntN(254))
}

// fingerprint is an OpenSSH SHA256 key fingerprint of the given type.
func fingerprint(r *rand.Rand, typ string) string {
	return typ + " SHA256:" + randString(r, base64s, 43)
}

// uuid returns a random version 4 UUID.
func uuid(r *rand.Rand) string {
	s := randString(r, lowerHex, 32)
	return s[0:8] + "-" + s[8:12] + "-4" + s[13:16] + "-" + string("89ab"[r.IntN(4)]) + s[17:20] + "-" + s[20:32]
}
