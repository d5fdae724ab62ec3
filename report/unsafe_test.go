package report

import "unsafe"

// unsafeString aliases b as the decoder's strings alias the line buffer.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
