package scenario

import (
	"fmt"
	"strings"
	"time"
)

// PostgreSQL logs to syslog with syslog_sequence_numbers on and Debian's
// log_line_prefix '%m [%p] %q%u@%d ', so each line reads
// "postgres[pid]: [seq-part] <stamp> [pid] user@db LEVEL:  message".
const pgStamp = "2006-01-02 15:04:05.000 MST"

// pg writes one PostgreSQL message; who is "user@db " for a session or ""
// for a background process. More parts become continuation lines: the
// DETAIL and STATEMENT of a message, or the rest of a message that spans
// lines (rsyslog writes its tabs as #011).
func (e *emitter) pg(t time.Time, pid, seq int, who, level, msg string, more ...string) {
	stamp := t.Format(pgStamp)
	e.add(t, "postgres", pid, "[%d-1] %s [%d] %s%s:  %s", seq, stamp, pid, who, level, msg)
	for i, m := range more {
		e.add(t, "postgres", pid, "[%d-%d] %s", seq, i+2, m)
	}
}

// pgSession writes one client session: connection, authorisation and,
// after dur, the disconnection; during, when set, writes what the session
// does and returns the next sequence number.
func (e *emitter) pgSession(r rng, t time.Time, host string, port int, user, db, appName string, dur time.Duration, during func(pid, seq int, who string) int) time.Time {
	pid := e.pid(t)
	where := fmt.Sprintf("host=%s port=%d", host, port)
	ssl := " SSL enabled (protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256)"
	if host == "[local]" {
		where, ssl = "host=[local]", ""
	}
	e.pg(t, pid, 1, "[unknown]@[unknown] ", "LOG", "connection received: "+where)
	t = t.Add(time.Duration(1+r.IntN(20)) * time.Millisecond)
	who := user + "@" + db + " "
	e.pg(t, pid, 2, who, "LOG", fmt.Sprintf("connection authorized: user=%s database=%s application_name=%s%s", user, db, appName, ssl))
	seq := 3
	if during != nil {
		seq = during(pid, seq, who)
	}
	t = t.Add(dur)
	h, m, s := int(dur.Hours()), int(dur.Minutes())%60, dur.Seconds()-float64(int(dur.Minutes())*60)
	e.pg(t, pid, seq, who, "LOG", fmt.Sprintf("disconnection: session time: %d:%02d:%06.3f user=%s database=%s %s", h, m, s, user, db, where))
	return t
}

// pgLocal writes a session over the local socket, as psql and pg_dump run
// on the host open.
func (e *emitter) pgLocal(r rng, t time.Time, user, db, appName string, dur time.Duration) time.Time {
	return e.pgSession(r, t, "[local]", 0, user, db, appName, dur, nil)
}

// Tables the shop's database has.
var shopTables = []string{"orders", "order_items", "carts", "cart_items", "sessions", "products", "stock_levels", "customers", "payments"}

// db writes the database server's day: the shop's connection pools
// opening and closing connections with the day's traffic, reporting
// queries in office hours, checkpoints, autovacuum, slow statements and the
// odd error, and the nightly backup. It never sees a failed logon.
func (h *hostDay) db() {
	e, r, d := h.e, h.r, h.d
	ckpt := 800 + int(e.m.boot.Unix()%97) // the checkpointer's pid, up since boot
	apps := []string{"10.0.1.11", "10.0.1.12"}
	arrivals(r, d, shop(d), 40, 0.25, func(t time.Time) {
		dur := r.between(20*time.Second, 30*time.Minute)
		e.pgSession(r, t, r.pick(apps), r.port(), "app", "shop", "shop-api", dur, func(pid, seq int, who string) int {
			if r.chance(0.08) {
				at := t.Add(r.between(time.Second, dur))
				ms := 1000 + 4000*r.Float64()*r.Float64()
				table := r.pick(shopTables)
				e.pg(at, pid, seq, who, "LOG", fmt.Sprintf("duration: %.3f ms  statement: SELECT * FROM %s WHERE updated_at > $1 ORDER BY id LIMIT 500", ms, table))
				seq++
			}
			if r.chance(0.015) {
				at := t.Add(r.between(time.Second, dur))
				id := 1000 + r.IntN(900000)
				e.pg(at, pid, seq, who, "ERROR", `duplicate key value violates unique constraint "cart_items_pkey"`,
					fmt.Sprintf("%s [%d] %sDETAIL:  Key (cart_id, product_id)=(%d, %d) already exists.", at.Format(pgStamp), pid, who, id, 1000+r.IntN(2400)),
					fmt.Sprintf("%s [%d] %sSTATEMENT:  INSERT INTO cart_items (cart_id, product_id, qty) VALUES ($1, $2, $3)", at.Format(pgStamp), pid, who))
				seq++
			}
			return seq
		})
	})
	if !d.weekend() {
		arrivals(r, d, &officeHours, 6, 0.4, func(t time.Time) {
			e.pgSession(r, t, "10.0.2.40", r.port(), "metabase", "shop", "Metabase v0.50.31", r.between(time.Second, 40*time.Second), nil)
		})
	}
	seq := int(d.start.Sub(e.m.boot)/(150*time.Second)) + 1
	for m := time.Duration(0); m < 24*time.Hour; m += 5 * time.Minute {
		if shop(d).at(m) < 0.1 && r.chance(0.5) {
			continue // nothing written since the last checkpoint
		}
		t := d.at(m + r.between(0, 200*time.Millisecond))
		e.pg(t, ckpt, seq, "", "LOG", "checkpoint starting: time")
		busy := shop(d).at(m)
		bufs := int(2000*busy*r.lognorm(0.3)) + 20
		write := 269.5 + r.Float64()
		lsn := d.idx*40 + int(m/time.Minute)/36
		e.pg(t.Add(time.Duration(write*float64(time.Second))), ckpt, seq+1, "", "LOG",
			fmt.Sprintf("checkpoint complete: wrote %d buffers (%.1f%%); 0 WAL file(s) added, 0 removed, %d recycled; write=%.3f s, sync=0.%03d s, total=%.3f s; sync files=%d, longest=0.%03d s, average=0.001 s; distance=%d kB, estimate=%d kB; lsn=%X/%08X, redo lsn=%X/%08X",
				bufs, float64(bufs)/163.84, r.IntN(3), write, 2+r.IntN(20), write+0.02, 10+r.IntN(60), 1+r.IntN(9), bufs*9, bufs*10, lsn/256, r.Uint32(), lsn/256, r.Uint32()))
		seq += 2
	}
	arrivals(r, d, shop(d), 3, 0.5, func(t time.Time) {
		pid := e.pid(t)
		table := r.pick(shopTables)
		pages := 2000 + r.IntN(20000)
		scanned := pages/10 + r.IntN(pages/2)
		e.pg(t, pid, 1, "", "LOG", fmt.Sprintf(`automatic vacuum of table "shop.public.%s": index scans: %d`, table, r.IntN(2)),
			fmt.Sprintf("#011pages: 0 removed, %d remain, %d scanned (%.2f%% of total)", pages, scanned, 100*float64(scanned)/float64(pages)),
			fmt.Sprintf("#011tuples: %d removed, %d remain, 0 are dead but not yet removable", r.IntN(5000), pages*60+r.IntN(1000)),
			fmt.Sprintf("#011avg read rate: %.3f MB/s, avg write rate: %.3f MB/s", 5*r.Float64(), 3*r.Float64()),
			fmt.Sprintf("#011system usage: CPU: user: 0.%02d s, system: 0.%02d s, elapsed: %.2f s", r.IntN(100), r.IntN(100), 0.1+3*r.Float64()))
	})
	h.backup()
}

// backup writes the nightly backup: a systemd timer at 01:30 with a
// randomised delay of up to ten minutes runs pg-backup, which dumps the
// shop's database, copies the dump away and mails a report.
func (h *hostDay) backup() {
	e, r, d := h.e, h.r, h.d
	start := d.at(hm(1, 30) + r.between(0, 10*time.Minute))
	e.oneshot(r, start, unitBackup, 0, func(t time.Time) time.Time {
		pid := e.pid(t)
		day := d.start.Format(time.DateOnly)
		file := "shop-" + day + ".dump"
		e.add(t, "pg-backup", pid, "backup started: database=shop target=/var/backups/postgres/%s", file)
		gb := 1.80 + 0.012*float64(d.idx) + 0.03*r.Float64()
		dump := time.Duration((170 + 20*gb + 40*r.Float64()) * float64(time.Second))
		t = e.pgLocal(r, t.Add(r.between(50*time.Millisecond, 400*time.Millisecond)), "postgres", "shop", "pg_dump", dump)
		t = t.Add(tick(r))
		e.add(t, "pg-backup", pid, "dump of database shop written: %.2f GB in %.0f s", gb, dump.Seconds())
		t = t.Add(tick(r))
		e.add(t, "pg-backup", pid, "copying %s to backup1.internal:/srv/backups/db1/", file)
		cp := time.Duration((gb*1000/(40+20*r.Float64()))*float64(time.Second)) + r.between(0, 5*time.Second)
		t = t.Add(cp)
		e.add(t, "pg-backup", pid, "copy finished: %.2f GB in %.0f s (%.1f MB/s)", gb, cp.Seconds(), gb*1000/cp.Seconds())
		t = t.Add(r.between(100*time.Millisecond, 2*time.Second))
		e.add(t, "pg-backup", pid, "pruned 1 dump(s) older than 14 days")
		t = t.Add(tick(r))
		e.add(t, "pg-backup", pid, "backup finished OK: database=shop size=%.2fGB duration=%.0fs", gb, t.Sub(start).Seconds())
		return e.mail(r, t.Add(r.between(100*time.Millisecond, time.Second)), "postgres", 114, "dba@example.org")
	})
}

// mail writes postfix taking a locally submitted mail from user to rcpt
// and relaying it to the mail hub.
func (e *emitter) mail(r rng, t time.Time, user string, uid int, rcpt string) time.Time {
	id := strings.ToUpper(r.hex(10))
	e.add(t, "postfix/pickup", e.pid(t)-r.IntN(500), "%s: uid=%d from=<%s>", id, uid, user)
	t = t.Add(tick(r))
	e.add(t, "postfix/cleanup", e.pid(t), "%s: message-id=<%s.%s@%s.internal>", id, t.Format("20060102150405"), id, e.m.name)
	t = t.Add(tick(r))
	qmgr := 1100 + int(e.m.boot.Unix()%300)
	e.add(t, "postfix/qmgr", qmgr, "%s: from=<%s@%s.internal>, size=%d, nrcpt=1 (queue active)", id, user, e.m.name, 600+r.IntN(400))
	t = t.Add(r.between(50*time.Millisecond, 400*time.Millisecond))
	e.add(t, "postfix/smtp", e.pid(t), "%s: to=<%s>, relay=mail.internal[10.0.0.25]:25, delay=%.2f, delays=0.02/0.01/0.05/0.%02d, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as %s)",
		id, rcpt, 0.1+0.3*r.Float64(), r.IntN(99), r.hex(10))
	t = t.Add(tick(r))
	e.add(t, "postfix/qmgr", qmgr, "%s: removed", id)
	return t
}
