package themes

import (
	"strconv"

	"github.com/vigil-sec/vigil/event"
)

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

// WeightOf returns the weight of a category ID from the category table;
// unknown IDs are low.
func WeightOf(id string) Weight {
	c, _ := event.LookupCategory(id)
	switch c.Weight {
	case event.WeightHigh:
		return High
	case event.WeightMedium:
		return Medium
	}
	return Low
}

// weightGlyph marks a badge's weight in text, so weight never rests on
// colour alone: "!" high, "*" medium, nothing for low.
func weightGlyph(w Weight) string {
	switch w {
	case High:
		return "!"
	case Medium:
		return "*"
	}
	return ""
}

// AppendBadge appends the category badge of an event with categories ids
// (most specific first): "[!auth.failure]" with the weight glyph of the
// first. With all it lists every ID ("[*privilege.use auth.success]"),
// else it counts the others ("[*privilege.use+1]"). Nothing is appended
// for no categories. IDs are written as they are: they come from the rule
// set, which only allows the contract's IDs.
func AppendBadge(dst []byte, ids []string, all bool) []byte {
	if len(ids) == 0 {
		return dst
	}
	dst = append(dst, '[')
	dst = append(dst, weightGlyph(WeightOf(ids[0]))...)
	dst = append(dst, ids[0]...)
	if all {
		for _, id := range ids[1:] {
			dst = append(dst, ' ')
			dst = append(dst, id...)
		}
	} else if n := len(ids) - 1; n > 0 {
		dst = append(dst, '+')
		dst = strconv.AppendInt(dst, int64(n), 10)
	}
	return append(dst, ']')
}

// AppendShortBadge is AppendBadge with each category's short name
// ("[!login-fail+1]"), for the UI's event list where width is tight.
// Unknown IDs are written as they are.
func AppendShortBadge(dst []byte, ids []string, all bool) []byte {
	if len(ids) == 0 {
		return dst
	}
	short := func(id string) string {
		if c, ok := event.LookupCategory(id); ok {
			return c.Short
		}
		return id
	}
	dst = append(dst, '[')
	dst = append(dst, weightGlyph(WeightOf(ids[0]))...)
	dst = append(dst, short(ids[0])...)
	if all {
		for _, id := range ids[1:] {
			dst = append(dst, ' ')
			dst = append(dst, short(id)...)
		}
	} else if n := len(ids) - 1; n > 0 {
		dst = append(dst, '+')
		dst = strconv.AppendInt(dst, int64(n), 10)
	}
	return append(dst, ']')
}
