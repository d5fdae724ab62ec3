package query

import (
	"net/netip"
	"strings"
)

// parseIP reads an IPv4 or IPv6 address the way netip.ParseAddr does, but
// without allocating when s is not an address (netip's error does
// allocate, and most field values are not addresses). An IPv6 zone
// ("fe80::1%eth0") is dropped. IPv4-mapped IPv6 addresses are unmapped.
func parseIP(s string) (netip.Addr, bool) {
	if i := strings.IndexByte(s, '%'); i >= 0 {
		s = s[:i]
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '.':
			v4, ok := parseIPv4(s)
			return netip.AddrFrom4(v4), ok
		case ':':
			v6, ok := parseIPv6(s)
			return netip.AddrFrom16(v6).Unmap(), ok
		}
	}
	return netip.Addr{}, false
}

// parseIPv4 reads a dotted quad: four decimal numbers up to 255, without
// leading zeros.
func parseIPv4(s string) (ip [4]byte, ok bool) {
	n := 0 // octets read
	for n < 4 {
		v, digits := 0, 0
		for digits < len(s) && s[digits] >= '0' && s[digits] <= '9' {
			v = v*10 + int(s[digits]-'0')
			digits++
			if digits > 3 || v > 255 {
				return ip, false
			}
		}
		if digits == 0 || digits > 1 && s[0] == '0' {
			return ip, false
		}
		ip[n] = byte(v)
		n++
		s = s[digits:]
		if n < 4 {
			if len(s) == 0 || s[0] != '.' {
				return ip, false
			}
			s = s[1:]
		}
	}
	return ip, len(s) == 0
}

// parseIPv6 reads an IPv6 address: up to eight groups of one to four hex
// digits, one "::" for a run of zero groups, and an optional dotted quad
// in place of the last two groups.
func parseIPv6(s string) (ip [16]byte, ok bool) {
	ellipsis := -1 // byte index in ip where :: was
	if len(s) >= 2 && s[0] == ':' && s[1] == ':' {
		ellipsis = 0
		s = s[2:]
		if len(s) == 0 {
			return ip, true
		}
	}
	i := 0
	for i < 16 {
		v, digits := 0, 0
		for digits < len(s) && digits < 5 {
			c := s[digits]
			switch {
			case c >= '0' && c <= '9':
				v = v<<4 | int(c-'0')
			case c >= 'a' && c <= 'f':
				v = v<<4 | int(c-'a'+10)
			case c >= 'A' && c <= 'F':
				v = v<<4 | int(c-'A'+10)
			default:
				goto done
			}
			digits++
		}
	done:
		if digits == 0 || digits > 4 {
			return ip, false
		}
		if digits < len(s) && s[digits] == '.' {
			// A trailing dotted quad.
			if ellipsis < 0 && i != 12 || i+4 > 16 {
				return ip, false
			}
			v4, ok := parseIPv4(s)
			if !ok {
				return ip, false
			}
			copy(ip[i:], v4[:])
			i += 4
			s = ""
			break
		}
		ip[i], ip[i+1] = byte(v>>8), byte(v)
		i += 2
		s = s[digits:]
		if len(s) == 0 {
			break
		}
		if s[0] != ':' || len(s) == 1 {
			return ip, false
		}
		s = s[1:]
		if s[0] == ':' {
			if ellipsis >= 0 {
				return ip, false
			}
			ellipsis = i
			s = s[1:]
			if len(s) == 0 {
				break
			}
		}
	}
	if len(s) != 0 {
		return ip, false
	}
	if i < 16 {
		if ellipsis < 0 {
			return ip, false
		}
		n := 16 - i
		copy(ip[ellipsis+n:], ip[ellipsis:i])
		clear(ip[ellipsis : ellipsis+n])
	} else if ellipsis >= 0 {
		// A :: that stands for no group at all.
		return ip, false
	}
	return ip, true
}
