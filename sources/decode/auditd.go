package decode

import (
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/event"
	"github.com/vigil-sec/vigil/sanitize"
)

// decodeAuditd decodes a raw Linux audit record from /var/log/audit/audit.log:
//
//	[node=HOST ]type=TYPE msg=audit(SECONDS.MILLIS:SERIAL): k=v ... [msg='k=v ...'][\x1dK="v" ...]
//
// Time is exact (the record carries Unix seconds). Host is node= when
// present, App is "audit", PID is pid=. Message is "type=TYPE body", the 0x1D
// before the enriched part written as a space.
//
// Fields: audit_type and audit_serial; every key=value pair under its audit
// name, the pairs inside msg='...' flattened in, the enriched upper-case
// pairs (UID="root") too. Values quoted in the record are unquoted. Values
// of fields audit hex-encodes (acct, cmd, comm, cwd, data, exe, key, name,
// path, proctitle, ...) are decoded when written unquoted as even-length
// hex; proctitle's NUL separators become spaces, and the 0x01 that joins
// several rule keys becomes a comma (key "time-change,audit_time").
//
// Contract names, added only where the meaning is sure:
//   - user: the enriched AUID (the login user behind the action) when set,
//     else acct on authentication and session records; acct values such
//     as "(unknown)" or sshd's "(invalid user)" name nobody;
//   - target_user: acct when it differs from user, and always on the
//     records of an elevation program (exe su, sudo, doas, pkexec, ksu,
//     runuser), whose acct is the account elevated to even when no login
//     user is behind it (a job's su) or it is the invoker's own; but
//     sudo's, doas's and pkexec's USER_AUTH/USER_ACCT/USER_ERR name the
//     invoker;
//     and acct (or the enriched ID) on account-management records (ADD_USER,
//     DEL_USER, USER_MGMT, USER_CHAUTHTOK, ACCT_LOCK, ...);
//   - group: acct on group records (ADD_GROUP, ...), grp on USER_MGMT;
//   - src_ip: addr when it is an address (not "?");
//   - tty: terminal without "/dev/" when it names a terminal ("ssh", "cron"
//     and "?" are not);
//   - command: the decoded cmd of USER_CMD; path: name of a PATH record;
//   - package, version: from sw= of SOFTWARE_UPDATE ("mod_ssl-1:2.4.57-8.el9.x86_64"
//     gives mod_ssl and 1:2.4.57-8.el9).
//
// res= stays as res (it is not an HTTP status). Severity is warning when
// res is failed/0 or success=no, for ANOM_* records and denied AVCs; info
// otherwise.
func (d *Decoder) decodeAuditd(ev *event.Event, s string) bool {
	rest := s
	if strings.HasPrefix(rest, "node=") {
		sp := strings.IndexByte(rest, ' ')
		if sp < 0 {
			return false
		}
		ev.Host = d.text(rest[5:sp])
		rest = rest[sp+1:]
	}
	if !strings.HasPrefix(rest, "type=") {
		return false
	}
	sp := strings.IndexByte(rest, ' ')
	if sp < 6 {
		return false
	}
	typ := rest[5:sp]
	rest = rest[sp+1:]
	if !strings.HasPrefix(rest, "msg=audit(") {
		return false
	}
	rest = rest[len("msg=audit("):]
	end := strings.Index(rest, "):")
	if end < 0 {
		return false
	}
	stamp := rest[:end]
	colon := strings.IndexByte(stamp, ':')
	dot := strings.IndexByte(stamp, '.')
	if colon < 0 || dot < 0 || dot > colon {
		return false
	}
	secs, err1 := strconv.ParseInt(stamp[:dot], 10, 64)
	ms, err2 := strconv.Atoi(stamp[dot+1 : colon])
	serial := stamp[colon+1:]
	if err1 != nil || err2 != nil || secs < 0 || ms < 0 || ms > 999 || !allDigits(serial) {
		return false
	}
	ev.Time = time.Unix(secs, int64(ms)*1e6).UTC()
	ev.App = "audit"
	body := strings.TrimLeft(rest[end+2:], " ")

	// Records carry 5 to 40 pairs: size the map once instead of growing it.
	ev.Fields = make(map[string]string, 2+strings.Count(body, "="))
	ev.SetField("audit_type", d.text(typ))
	ev.SetField("audit_serial", serial)
	var a auditInfo
	main, enriched := body, ""
	if gs := strings.IndexByte(body, 0x1d); gs >= 0 {
		main, enriched = body[:gs], body[gs+1:]
	}
	d.auditPairs(ev, main, &a)
	d.auditPairs(ev, enriched, &a)
	d.auditContract(ev, typ, &a)

	msg := "type=" + typ + " " + main
	if enriched != "" {
		msg += " " + enriched
	}
	ev.Message = d.text(msg)
	if strings.HasPrefix(typ, "ANOM_") || typ == "AVC" && strings.Contains(main, " denied ") {
		ev.Severity = event.Warning
	}
	return true
}

// auditInfo keeps the values the contract mapping needs.
type auditInfo struct {
	acct, auid, id, grp, addr, terminal, cmd, name, sw, exe string
}

// auditHex lists fields that auditd writes hex-encoded when their value
// contains a space, a quote or a control character.
func auditHex(key string) bool {
	switch key {
	case "acct", "cmd", "comm", "cwd", "data", "dir", "exe", "file", "name", "new", "old",
		"path", "proctitle", "ocomm", "watch", "sw", "root_dir", "new-disk", "old-disk", "key":
		return true
	}
	return false
}

// auditPairs stores the key=value pairs of s, recursing into msg='...'.
func (d *Decoder) auditPairs(ev *event.Event, s string, a *auditInfo) {
	for i := 0; i < len(s); {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		k := i
		for i < len(s) && s[i] != '=' && s[i] != ' ' {
			i++
		}
		if i >= len(s) || s[i] != '=' || i == k {
			// A word that is not a pair (AVC's "avc:  denied  { x } for").
			for i < len(s) && s[i] != ' ' {
				i++
			}
			continue
		}
		key := s[k:i]
		i++
		var val string
		quoted := false
		switch {
		case i < len(s) && (s[i] == '"' || s[i] == '\''):
			q := s[i]
			e := strings.IndexByte(s[i+1:], q)
			if e < 0 {
				val, i = s[i+1:], len(s)
			} else {
				val, i = s[i+1:i+1+e], i+2+e
			}
			quoted = true
			if q == '\'' && key == "msg" {
				d.auditPairs(ev, val, a)
				continue
			}
		default:
			v := i
			for i < len(s) && s[i] != ' ' {
				i++
			}
			val = s[v:i]
		}
		if !quoted && auditHex(key) && len(val) >= 2 && len(val)%2 == 0 && isHex(val) {
			if b, err := hex.DecodeString(val); err == nil {
				switch key {
				case "proctitle":
					for j := range b {
						if b[j] == 0 {
							b[j] = ' '
						}
					}
				case "key":
					// Several rule keys are joined by 0x01.
					for j := range b {
						if b[j] == 1 {
							b[j] = ','
						}
					}
				}
				val = sanitize.String(string(b))
			} else {
				val = d.text(val)
			}
		} else {
			val = d.text(val)
		}
		key = d.text(key)
		ev.SetField(key, val)
		switch key {
		case "acct":
			a.acct = val
		case "AUID":
			a.auid = val
		case "ID":
			a.id = val
		case "grp":
			a.grp = val
		case "addr":
			a.addr = val
		case "terminal":
			a.terminal = val
		case "cmd":
			a.cmd = val
		case "name":
			a.name = val
		case "sw":
			a.sw = val
		case "exe":
			a.exe = val
		case "pid":
			if n, err := strconv.Atoi(val); err == nil && n > 0 {
				ev.PID = n
			}
		case "res":
			if val == "failed" || val == "fail" || val == "0" || val == "no" {
				ev.Severity = event.Warning
			}
		case "success":
			if val == "no" {
				ev.Severity = event.Warning
			}
		}
	}
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// auditContract adds the contract field names (see decodeAuditd).
func (d *Decoder) auditContract(ev *event.Event, typ string, a *auditInfo) {
	user := ""
	if a.auid != "" && a.auid != "unset" && a.auid != "?" {
		user = a.auid
	}
	acct := a.acct
	if acct == "?" || strings.HasPrefix(acct, "(") {
		// "(unknown)", sshd's "(invalid user)" and "(unknown user)".
		acct = ""
	}
	switch typ {
	case "ADD_USER", "DEL_USER", "USER_MGMT", "USER_CHAUTHTOK", "ACCT_LOCK", "ACCT_UNLOCK",
		"USER_MODIFY", "MODIFY_USER":
		if acct == "" && a.id != "" && a.id != "unknown(-1)" {
			acct = a.id
		}
		if acct != "" {
			ev.SetField("target_user", acct)
		}
		if a.grp != "" {
			ev.SetField("group", a.grp)
		}
	case "ADD_GROUP", "DEL_GROUP", "GRP_MGMT", "GRP_CHAUTHTOK", "GRP_MODIFY":
		switch {
		case a.grp != "":
			// A membership change names the group in grp= and the
			// member in acct= (gpasswd's add-user-to-group).
			ev.SetField("group", a.grp)
			if acct != "" {
				ev.SetField("target_user", acct)
			}
		case acct != "":
			ev.SetField("group", acct)
		}
	default:
		switch {
		case acct != "" && auditElevation(a.exe) && !auditInvokerAcct(typ, a.exe):
			// acct of a su/sudo session is the account elevated to, even
			// when it is the invoker's own or no login user is behind it
			// (a job): never the actor.
			ev.SetField("target_user", acct)
		case user == "":
			user = acct
		case acct != "" && acct != user:
			ev.SetField("target_user", acct)
		}
	}
	if user != "" {
		ev.SetField("user", user)
	}
	if a.addr != "" && a.addr != "?" && strings.ContainsAny(a.addr, ".:") {
		ev.SetField("src_ip", a.addr)
	}
	if t := strings.TrimPrefix(a.terminal, "/dev/"); t != "" &&
		(strings.HasPrefix(t, "pts") || strings.HasPrefix(t, "tty") || t == "console") {
		ev.SetField("tty", t)
	}
	if typ == "USER_CMD" && a.cmd != "" {
		ev.SetField("command", a.cmd)
	}
	if typ == "PATH" && a.name != "" && a.name != "(null)" {
		ev.SetField("path", a.name)
	}
	if typ == "SOFTWARE_UPDATE" && a.sw != "" {
		if pkg, ver, ok := splitNEVRA(a.sw); ok {
			ev.SetField("package", pkg)
			ev.SetField("version", ver)
		}
	}
}

// auditElevation reports whether exe is a program that runs commands or
// sessions as another account (su, sudo, doas, pkexec, ksu, runuser).
func auditElevation(exe string) bool {
	switch exe[strings.LastIndexByte(exe, '/')+1:] {
	case "su", "sudo", "doas", "pkexec", "ksu", "runuser":
		return true
	}
	return false
}

// auditInvokerAcct reports whether acct on a record of type typ written by
// the elevation program exe names the invoking user rather than the
// target: sudo, doas and pkexec authenticate and check the invoker.
func auditInvokerAcct(typ, exe string) bool {
	switch typ {
	case "USER_AUTH", "USER_ACCT", "USER_ERR":
	default:
		return false
	}
	switch exe[strings.LastIndexByte(exe, '/')+1:] {
	case "sudo", "doas", "pkexec":
		return true
	}
	return false
}

// splitNEVRA splits an RPM "name-[epoch:]version-release.arch" into the
// name and "[epoch:]version-release".
func splitNEVRA(s string) (name, version string, ok bool) {
	if dot := strings.LastIndexByte(s, '.'); dot > 0 {
		switch s[dot+1:] {
		case "x86_64", "noarch", "i686", "i386", "aarch64", "ppc64le", "s390x", "armv7hl", "src":
			s = s[:dot]
		}
	}
	rel := strings.LastIndexByte(s, '-')
	if rel <= 0 {
		return "", "", false
	}
	ver := strings.LastIndexByte(s[:rel], '-')
	if ver <= 0 {
		return "", "", false
	}
	return s[:ver], s[ver+1:], true
}
