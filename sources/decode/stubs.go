package decode

import (
	"time"

	"github.com/vigil-sec/vigil/event"
)

func looksJSONObject(s string) bool { return len(s) >= 2 && s[0] == '{' }

func (d *Decoder) decodeRFC5424(ev *event.Event, s string, arrival time.Time) bool     { return false }
func (d *Decoder) decodeJournalJSON(ev *event.Event, s string, arrival time.Time) bool { return false }
func (d *Decoder) decodeJSON(ev *event.Event, s string, arrival time.Time) bool        { return false }
func (d *Decoder) decodeLogfmt(ev *event.Event, s string, arrival time.Time) bool      { return false }
func (d *Decoder) decodeAccess(ev *event.Event, s string) bool                         { return false }
func (d *Decoder) decodeApacheError(ev *event.Event, s string, arrival time.Time) bool { return false }
func (d *Decoder) decodeAuditd(ev *event.Event, s string) bool                         { return false }
