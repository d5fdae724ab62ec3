package event

// Severity is a syslog severity level, 0 (emerg) to 7 (debug).
type Severity uint8

// Syslog severities, RFC 5424 section 6.2.1.
const (
	Emerg Severity = iota
	Alert
	Crit
	Err
	Warning
	Notice
	Info
	Debug
)

var severityNames = [...]string{"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"}

// String returns the contract name of the severity ("err", "warning", ...).
func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return "info"
}

// ParseSeverity maps a level word used by common log formats to a Severity.
// It accepts syslog names, their long forms, and words such as "fatal",
// "error", "warn", "trace", in any case. ok is false for an unknown word.
func ParseSeverity(s string) (sev Severity, ok bool) {
	if len(s) > 16 {
		return Info, false
	}
	var buf [16]byte
	b := buf[:len(s)]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	switch string(b) {
	case "emerg", "emergency", "panic":
		return Emerg, true
	case "alert":
		return Alert, true
	case "crit", "critical", "fatal", "dpanic":
		return Crit, true
	case "err", "error", "eror", "severe":
		return Err, true
	case "warning", "warn":
		return Warning, true
	case "notice":
		return Notice, true
	case "info", "information", "informational", "inf":
		return Info, true
	case "debug", "trace", "dbg", "verbose", "fine", "finer", "finest":
		return Debug, true
	}
	return Info, false
}
