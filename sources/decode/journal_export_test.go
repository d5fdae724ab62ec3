package decode

import (
	"encoding/binary"
	"testing"
	"time"
)

// exportBinary is one field in the export format's binary form.
func exportBinary(k, v string) string {
	return k + "\n" + string(binary.LittleEndian.AppendUint64(nil, uint64(len(v)))) + v + "\n"
}

// TestJournalExport checks the journal-export mapping, which is
// journal-json's: time with microseconds, PRIORITY, SYSLOG_IDENTIFIER
// before _COMM, _PID before SYSLOG_PID, UNIT before USER_UNIT, binary and
// multi-line messages kept as one event and made safe, Raw the message's
// bytes.
func TestJournalExport(t *testing.T) {
	us := "1795633262112233"
	tm := time.UnixMicro(1795633262112233).UTC()
	head := "__CURSOR=s=1;i=2\n__REALTIME_TIMESTAMP=" + us + "\n"
	tests := []struct {
		entry string
		want  want
		raw   string
	}{
		{head + "_HOSTNAME=web3\nPRIORITY=3\n_COMM=systemd\n_PID=1\nSYSLOG_PID=7\nMESSAGE=Started x.\nUNIT=x.service\n_SYSTEMD_UNIT=init.scope\nMESSAGE_ID=39f5\n_TRANSPORT=journal\n_BOOT_ID=8d84\n_UID=0\n",
			want{format: FormatJournalExport, time: tm, host: "web3", app: "systemd", pid: 1, sev: 3, msg: "Started x.",
				fields: map[string]string{"unit": "x.service", "systemd_unit": "init.scope", "message_id": "39f5", "transport": "journal", "boot_id": "8d84", "uid": "0"}},
			"Started x."},
		{head + "SYSLOG_IDENTIFIER=sshd\n_COMM=sshd-session\nSYSLOG_PID=7\n" + exportBinary("MESSAGE", "line one\nline two\x1b[2J\xff") + "USER_UNIT=u.service\n",
			want{format: FormatJournalExport, time: tm, app: "sshd", pid: 7, sev: 6, msg: `line one\nline two\x1b[2J\xff`,
				fields: map[string]string{"unit": "u.service"}},
			"line one\nline two\x1b[2J\xff"},
		{"__CURSOR=c\nMESSAGE=a\nMESSAGE=b\n",
			want{format: FormatJournalExport, time: testArrival.UTC(), guessed: true, sev: 6, msg: "a, b"},
			"a"},
		// A binary field cut short is not an entry: plain text.
		{"__CURSOR=c\nMESSAGE\n\x09\x00\x00\x00\x00\x00\x00\x00ab\n",
			want{format: FormatPlain, time: testArrival.UTC(), guessed: true, sev: 6, msg: `__CURSOR=c\nMESSAGE\n` + "\t" + `\x00\x00\x00\x00\x00\x00\x00ab\n`}, ""},
	}
	for _, tc := range tests {
		ev := decodeOne(t, FormatJournalExport, tc.entry, corpusRef, time.UTC)
		checkEvent(t, tc.entry, ev, tc.want)
		if tc.raw != "" && string(ev.Raw) != tc.raw {
			t.Errorf("%q: raw %q, want %q", tc.entry, ev.Raw, tc.raw)
		}
	}
}
