package scenario

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Projects the CI host builds and the developers who push to them (they
// have no accounts on the servers).
var (
	projects   = []string{"shop-api", "shop-web", "catalogue-sync", "payments-gw", "ops-tools"}
	developers = []string{"erin", "frank", "grace", "heidi", "ivan", "judy"}
	branches   = []string{"feature/cart-v2", "fix/stock-race", "feature/search-facets", "chore/deps", "feature/gift-cards", "fix/tz-report"}
)

// build writes the CI host's day: the runner polling repositories every
// five minutes around the clock, pipelines in office hours, the nightly
// build at 23:00, a daily image prune and runner restart, and now and
// then the runner killed by the OOM killer and restarted by systemd.
func (h *hostDay) build() {
	e, r, d := h.e, h.r, h.d
	for m := time.Duration(0); m < 24*time.Hour; m += 5 * time.Minute {
		e.cron(r, d.at(m+time.Second+r.between(0, 600*time.Millisecond)), "ci", 998, "/opt/ci/bin/poll-repos --quiet")
	}

	// The runner's restarts decide its pid through the day.
	restarts := []time.Time{d.at(hm(4, 0) + r.between(0, 3*time.Second))}
	var crash time.Time
	if r.chance(0.12) {
		crash = d.at(r.between(hm(9, 0), hm(18, 0)))
		restarts = append(restarts, crash)
	}
	for _, s := range h.sessions {
		for _, c := range s.cmds {
			if strings.HasSuffix(c.cmd.line, "restart ci-runner") {
				restarts = append(restarts, c.at)
			}
		}
	}
	slices.SortFunc(restarts, func(a, b time.Time) int { return a.Compare(b) })
	yesterday := e.pid(d.start.Add(-20 * time.Hour))
	runner := func(t time.Time) int {
		pid := yesterday
		for _, x := range restarts {
			if x.Before(t) {
				pid = e.pid(x) + 1
			}
		}
		return pid
	}
	started := func(t time.Time) {
		e.add(t, "ci-runner", runner(t), "ci-runner 2.14.1 starting: 4 executors, config /etc/ci-runner/config.toml")
	}
	e.oneshot(r, restarts[0], unit{"ci-runner-restart.service", "Restart the CI runner"}, 0, func(t time.Time) time.Time {
		t = e.restart(r, t, unitRunner)
		started(t.Add(tick(r)))
		return t
	})
	if !crash.IsZero() {
		victim := runner(crash.Add(-time.Second))
		e.kernel(crash, "Out of memory: Killed process %d (ci-runner) total-vm:%dkB, anon-rss:%dkB, file-rss:0kB, shmem-rss:0kB, UID:998 pgtables:%dkB oom_score_adj:0",
			victim, 6000000+r.IntN(2000000), 3800000+r.IntN(400000), 8000+r.IntN(1000))
		t := crash.Add(r.between(10*time.Millisecond, 200*time.Millisecond))
		e.add(t, "systemd", 1, "ci-runner.service: Main process exited, code=killed, status=9/KILL")
		t = t.Add(tick(r))
		e.add(t, "systemd", 1, "ci-runner.service: Failed with result 'signal'.")
		t = t.Add(5 * time.Second)
		e.add(t, "systemd", 1, "ci-runner.service: Scheduled restart job, restart counter is at 1.")
		t = t.Add(tick(r))
		e.add(t, "systemd", 1, "Stopped %s - %s.", unitRunner.name, unitRunner.desc)
		t = t.Add(tick(r))
		e.add(t, "systemd", 1, "Started %s - %s.", unitRunner.name, unitRunner.desc)
		started(t.Add(tick(r)))
	}
	for _, s := range h.sessions {
		for _, c := range s.cmds {
			if strings.HasSuffix(c.cmd.line, "restart ci-runner") {
				started(c.at.Add(3 * time.Second))
			}
		}
	}

	// Pipelines, numbered in the order they were queued.
	var jobs []time.Time
	rate := 4.0
	if d.weekend() {
		rate = 0.25
	}
	arrivals(r, d, &officeHours, rate, 0.4, func(t time.Time) { jobs = append(jobs, t) })
	slices.SortFunc(jobs, func(a, b time.Time) int { return a.Compare(b) })
	for i, t := range jobs {
		id := 48000 + d.idx*150 + i
		project := projects[r.skewed(len(projects))]
		ref := "refs/heads/main"
		if r.chance(0.7) {
			ref = "refs/heads/" + r.pick(branches)
		}
		pid := runner(t)
		e.add(t, "ci-runner", pid, "job %d queued: project=%s ref=%s sha=%s trigger=push author=%s", id, project, ref, r.hex(7), r.pick(developers))
		steps := []string{"checkout", "build", "test", "package"}
		if ref == "refs/heads/main" {
			steps = append(steps, "publish")
		}
		h.container(t.Add(r.between(time.Second, 40*time.Second)), func(t time.Time) (time.Time, bool) {
			e.add(t, "ci-runner", pid, "job %d started on executor docker-%d (image registry.internal/ci/golang:1.23)", id, 1+r.IntN(4))
			ok := true
			for _, st := range steps {
				dur := time.Duration(float64(stepTime(st)) * r.lognorm(0.35))
				t = t.Add(dur)
				if st == "test" && r.chance(0.12) {
					e.add(t, "ci-runner", pid, "job %d step %s: failed: exit status 1 (%.1fs)", id, st, dur.Seconds())
					ok = false
					break
				}
				e.add(t, "ci-runner", pid, "job %d step %s: ok (%.1fs)", id, st, dur.Seconds())
			}
			return t, ok
		}, func(t time.Time, start time.Time, ok bool) {
			status := "success"
			if !ok {
				status = "failed"
			}
			e.add(t, "ci-runner", pid, "job %d finished: status=%s duration=%.0fs", id, status, t.Sub(start).Seconds())
		})
	}

	h.nightly()
	e.oneshot(r, d.at(hm(3, 30)+r.between(0, 5*time.Minute)), unit{"docker-prune.service", "Prune unused Docker images"}, 0, func(t time.Time) time.Time {
		t = t.Add(r.between(2*time.Second, 40*time.Second))
		e.add(t, "docker-prune", e.pid(t), "Total reclaimed space: %.2fGB", 0.2+6*r.Float64())
		return t
	})
}

// stepTime is a pipeline step's typical duration.
func stepTime(step string) time.Duration {
	switch step {
	case "checkout":
		return 3 * time.Second
	case "build":
		return 55 * time.Second
	case "test":
		return 140 * time.Second
	case "integration":
		return 7 * time.Minute
	default:
		return 20 * time.Second
	}
}

// container writes a job's container starting (the scope and the kernel's
// veth lines), run writing the job's own lines from t and returning when
// it ended, then the container going away and done writing the job's last
// line.
func (h *hostDay) container(t time.Time, run func(t time.Time) (time.Time, bool), done func(t, start time.Time, ok bool)) {
	e, r := h.e, h.r
	id := r.hex(64)
	veth, peer := r.hex(7), r.hex(7)
	port := 1 + r.IntN(4)
	start := t
	e.add(t, "systemd", 1, "Started docker-%s.scope - libcontainer container %s.", id, id)
	for _, f := range []string{
		"docker0: port %[1]d(veth%[2]s) entered blocking state",
		"docker0: port %[1]d(veth%[2]s) entered disabled state",
		"device veth%[2]s entered promiscuous mode",
		"eth0: renamed from veth%[3]s",
		"IPv6: ADDRCONF(NETDEV_CHANGE): veth%[2]s: link becomes ready",
		"docker0: port %[1]d(veth%[2]s) entered blocking state",
		"docker0: port %[1]d(veth%[2]s) entered forwarding state",
	} {
		t = t.Add(time.Duration(100+r.IntN(40000)) * time.Microsecond)
		e.kernel(t, f, port, veth, peer)
	}
	t, ok := run(t.Add(r.between(200*time.Millisecond, 2*time.Second)))
	for _, f := range []string{
		"docker0: port %[1]d(veth%[2]s) entered disabled state",
		"veth%[3]s: renamed from eth0",
		"docker0: port %[1]d(veth%[2]s) entered disabled state",
		"device veth%[2]s left promiscuous mode",
		"docker0: port %[1]d(veth%[2]s) entered disabled state",
	} {
		t = t.Add(time.Duration(100+r.IntN(40000)) * time.Microsecond)
		e.kernel(t, f, port, veth, peer)
	}
	t = t.Add(tick(r))
	e.add(t, "systemd", 1, "docker-%s.scope: Deactivated successfully.", id)
	t = t.Add(tick(r))
	e.add(t, "systemd", 1, "docker-%s.scope: Consumed %dmin %.3fs CPU time.", id, int(t.Sub(start).Minutes()*1.5), 60*r.Float64())
	done(t.Add(tick(r)), start, ok)
}

// nightly writes the nightly build: a systemd timer at 23:00 builds every
// project, runs its integration tests and pushes its image.
func (h *hostDay) nightly() {
	e, r, d := h.e, h.r, h.d
	e.oneshot(r, d.at(hm(23, 0)+r.between(0, 2*time.Second)), unitNightly, 0, func(t time.Time) time.Time {
		pid := e.pid(t)
		start := t
		date := d.start.Format("20060102")
		e.add(t, "nightly-build", pid, "nightly %s started: %d projects", date, len(projects))
		good := 0
		for _, p := range projects {
			var ok bool
			h.container(t.Add(r.between(time.Second, 5*time.Second)), func(t time.Time) (time.Time, bool) {
				dur := time.Duration(float64(stepTime("build")) * 3 * r.lognorm(0.3))
				t = t.Add(dur)
				e.add(t, "nightly-build", pid, "%s: build ok (%.1fs)", p, dur.Seconds())
				dur = time.Duration(float64(stepTime("integration")) * r.lognorm(0.3))
				t = t.Add(dur)
				if r.chance(0.08) {
					e.add(t, "nightly-build", pid, "%s: integration tests failed: %d of %d (%.1fs)", p, 1+r.IntN(3), 380+r.IntN(60), dur.Seconds())
					return t, false
				}
				e.add(t, "nightly-build", pid, "%s: integration tests passed: %d tests (%.1fs)", p, 380+r.IntN(60), dur.Seconds())
				t = t.Add(r.between(5*time.Second, 30*time.Second))
				e.add(t, "nightly-build", pid, "%s: pushed registry.internal/shop/%s:nightly-%s", p, p, date)
				return t, true
			}, func(end, _ time.Time, k bool) {
				t, ok = end, k
			})
			if ok {
				good++
			}
		}
		t = t.Add(tick(r))
		took := t.Sub(start).Round(time.Second)
		e.add(t, "nightly-build", pid, "nightly %s finished: %d/%d projects ok in %s", date, good, len(projects), fmt.Sprint(took))
		return t
	})
}

// bastion writes the jump host's own day beyond what every host and the
// people's sessions write: nothing, it is a quiet host.
func (h *hostDay) bastion() {}
