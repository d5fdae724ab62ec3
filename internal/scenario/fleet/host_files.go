package fleet

import (
	"fmt"
	"path"
	"time"
)

// sftpOp is one operation of an sftp session, as internal-sftp logs
// it at level INFO.
type sftpOp struct {
	at   time.Duration
	kind string // "put", "list"
	path string
	size int
}

// sftpOps writes an sftp session's subsystem lines.
func (hd *hostDay) sftpOps(s *session, t time.Time) {
	r := hd.r
	pid := hd.pidAt(t) + 1
	const prog = "internal-sftp"
	hd.logf(t.Add(secs(0.05)), prog, pid, "session opened for local user %s from [%s]", s.user, s.from)
	for _, op := range s.sftp {
		ot := s.start.Add(op.at)
		switch op.kind {
		case "list":
			hd.logf(ot, prog, pid, "opendir \"%s\"", op.path)
			hd.logf(ot.Add(secs(between(r, 0.005, 0.05))), prog, pid, "closedir \"%s\"", op.path)
		default:
			hd.logf(ot, prog, pid, "open \"%s\" flags WRITE,CREATE,TRUNCATE mode 0644", op.path)
			hd.logf(ot.Add(secs(between(r, 0.05, 0.2)+float64(op.size)/4e7)), prog, pid, "close \"%s\" bytes read 0 written %d", op.path, op.size)
		}
	}
	hd.logf(s.end.Add(-secs(0.01)), prog, pid, "session closed for local user %s from [%s]", s.user, s.from)
}

// filesHost writes files1: the office's Samba shares, the hourly order
// export pushed by app1 over sftp, and every host's nightly backup.
// It is on the internal network only: no failed logins, ever.
func (hd *hostDay) filesHost() []*session {
	r := hd.r
	var ss []*session
	exp := hd.f.byName["app1"]
	for h := 6; h <= 22; h++ {
		t := hd.d.at(h, 15, between(r, 2, 40))
		s := &session{user: "orders-export", uid: 1070, host: hd.h.name, from: exp.addr, start: t, key: hd.f.keys["orders-export"]}
		file := fmt.Sprintf("/upload/orders_%s_%02d15.csv", t.Format("20060102"), h)
		s.sftp = []sftpOp{{at: secs(0.4), kind: "list", path: "/upload"}, {at: secs(between(r, 0.6, 1.2)), kind: "put", path: file, size: 2000 + int(float64(90000)*hd.busy*office(h)*r.Float64())}}
		s.end = t.Add(secs(between(r, 2, 5)))
		ss = append(ss, s)
	}
	for _, c := range hd.f.hosts {
		if c.backupMin < 0 {
			continue
		}
		t := backupAt(hd.seed, c, hd.d).Add(secs(between(r, 1, 3)))
		s := &session{user: "backup", uid: 1060, host: hd.h.name, from: c.addr, start: t, key: hd.f.keys["backup"]}
		at := secs(1)
		s.sftp = append(s.sftp, sftpOp{at: at, kind: "list", path: "/srv/backup/" + c.name + "/snapshots"})
		for range backupSize(hd.seed, c, hd.d) {
			at += secs(between(r, 8, 25))
			id := randString(r, lowerHex, 64)
			s.sftp = append(s.sftp, sftpOp{at: at, kind: "put", path: "/srv/backup/" + c.name + "/data/" + id[:2] + "/" + id, size: 4000000 + r.IntN(12000000)})
		}
		at += secs(between(r, 1, 3))
		id := randString(r, lowerHex, 64)
		s.sftp = append(s.sftp, sftpOp{at: at, kind: "put", path: "/srv/backup/" + c.name + "/snapshots/" + id, size: 300 + r.IntN(200)})
		s.end = t.Add(at + secs(between(r, 1, 4)))
		ss = append(ss, s)
	}
	hd.samba()
	return ss
}

// sambaFiles are paths people work on, by share.
var sambaFiles = map[string][]string{
	"finance":  {"invoices/%s/INV-%05d.pdf", "ledger/2026/ledger-%s.xlsx", "payroll/%s/summary.xlsx", "expenses/claims-%05d.xlsx"},
	"projects": {"warehouse-move/plan-v%d.docx", "tenders/%s/response-%d.docx", "orders-api/specs/api-%d.md", "freight/quotes/Q-%05d.pdf"},
	"hr":       {"contracts/%s/contract-%04d.pdf", "leave/%s/requests.xlsx", "policies/policy-%02d.docx"},
	"sales":    {"pipeline/%s/pipeline.xlsx", "quotes/QT-%05d.docx", "customers/%s/notes-%d.docx"},
	"public":   {"menus/lunch-%s.pdf", "forms/form-%02d.pdf", "photos/%s/IMG_%04d.jpg"},
	"it":       {"runbooks/%s.md", "inventory/assets-%d.xlsx", "network/diagram-v%d.drawio"},
	"scans":    {"%s/scan_%04d.pdf"},
}

// sambaPath returns a file on share for today.
func (hd *hostDay) sambaPath(share string) string {
	r := hd.r
	f := pick(r, sambaFiles[share])
	month := hd.d.start.Format("2006-01")
	args := []any{}
	for i := 0; i < len(f); i++ {
		if f[i] == '%' {
			if f[i+1] == 's' {
				args = append(args, month)
			} else {
				args = append(args, 1+r.IntN(9999))
			}
		}
	}
	return fmt.Sprintf(f, args...)
}

// samba writes vfs_full_audit lines ("%u|%I" prefix) of people at work
// on their shares.
func (hd *hostDay) samba() {
	r := hd.r
	const prog = "smbd_audit"
	audit := func(t time.Time, user, addr, op string, rest ...string) {
		msg := user + "|" + addr + "|" + op + "|ok"
		for _, x := range rest {
			msg += "|" + x
		}
		hd.log(t, prog, 0, msg)
	}
	for _, dk := range hd.plan.desks {
		if len(dk.st.shares) == 0 {
			continue
		}
		for _, w := range dk.windows {
			if w.from.Hour() >= 20 || w.dur() < time.Hour {
				continue
			}
			for _, share := range dk.st.shares {
				t := w.from.Add(within(r, time.Minute, 20*time.Minute))
				audit(t, dk.st.user, dk.addr, "connect", share)
				for t = t.Add(within(r, 0, time.Hour)); t.Before(w.to); t = t.Add(within(r, 2*time.Minute, 70*time.Minute)) {
					p := hd.sambaPath(share)
					switch k := r.Float64(); {
					case k < 0.55:
						audit(t, dk.st.user, dk.addr, "open", "r", p)
					case k < 0.85:
						audit(t, dk.st.user, dk.addr, "open", "w", p)
						if chance(r, 0.3) {
							audit(t.Add(secs(between(r, 0.1, 2))), dk.st.user, dk.addr, "rename", p+"~", p)
						}
					case k < 0.93:
						audit(t, dk.st.user, dk.addr, "mkdir", path.Dir(p)+"/"+randString(r, lowers, 6))
					default:
						audit(t, dk.st.user, dk.addr, "unlink", p)
					}
				}
				audit(w.to.Add(secs(between(r, 1, 300))), dk.st.user, dk.addr, "disconnect", share)
			}
		}
	}
	// The copier stores scans in the scans share, business hours.
	if hd.d.workday() {
		hd.arrivals(func(h int) float64 { return 3 * hd.busy * office(h) }, func(t time.Time) {
			audit(t, "scanner", "10.20.30.21", "connect", "scans")
			audit(t.Add(secs(0.2)), "scanner", "10.20.30.21", "open", "w", hd.sambaPath("scans"))
			audit(t.Add(secs(between(r, 1, 4))), "scanner", "10.20.30.21", "disconnect", "scans")
		})
	}
}
