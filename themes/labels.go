package themes

import "github.com/vigil-sec/vigil/event"

// severityLabels holds the eight four-cell labels, emerg first, so that
// badges line up in columns. A constant, so nothing can change it.
const severityLabels = "EMRGALRTCRITERR WARNNOTEINFODBUG"

// SeverityLabel returns the four-cell label of a severity ("ERR ", "WARN",
// ...), which says the level without relying on colour. An unknown severity
// is labelled as info, as event.Severity.String does.
func SeverityLabel(s event.Severity) string {
	if s > event.Debug {
		s = event.Info
	}
	return severityLabels[4*int(s) : 4*int(s)+4]
}
