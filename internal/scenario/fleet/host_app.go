package fleet

import (
	"fmt"
	"strconv"
	"time"
)

// Browsers and clients seen on the app servers.
var (
	apiAgents = []string{
		"okhttp/4.12.0",
		"orders-sync/2.3.1 (+https://kiwifreight.co.nz)",
		"python-requests/2.31.0",
		"Dalvik/2.1.0 (Linux; U; Android 14; SM-S918B Build/UP1A.231005.007)",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
		"PacificPack-ERP/7.1",
	}
	browserAgents = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
	}
	scanPaths = []string{
		"/.env", "/wp-login.php", "/.git/config", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
		"/cgi-bin/luci/;stok=/locale", "/actuator/env", "/admin/config.php", "/boaform/admin/formLogin",
		"/owa/auth/logon.aspx", "/server-status", "/phpmyadmin/index.php", "/.aws/credentials",
	}
	scanAgents = []string{
		"Mozilla/5.0 zgrab/0.x", "python-requests/2.32.3", "Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)",
		"curl/7.88.1", "Go-http-client/1.1", "Mozilla/5.0 (l9scan/2.0.1; +https://leakix.net)",
	}
	reportNames = []string{"monthly-sales", "open-orders", "freight-costs", "customer-aging", "stock-levels", "margin-by-product"}
	stripeIPs   = []string{"3.18.12.63", "3.130.192.231", "13.235.14.237", "13.235.122.149", "18.211.135.69", "35.154.171.200", "52.15.183.38", "54.88.130.119"}
)

// clients is a host's stable population of API clients.
func clients(seed uint64, h *host, n int) []string {
	r := stream(seed, "clients/"+h.name, 0)
	out := make([]string, n)
	for i := range out {
		out[i] = publicIP(r)
	}
	return out
}

// nginx writes one access log line as nginx sends it to syslog.
func (hd *hostDay) nginx(t time.Time, ip, method, path string, status, size int, ref, ua string) {
	t, b := hd.header(t, "nginx", 0, len(path)+len(ua)+96)
	b = append(b, ' ')
	b = append(b, ip...)
	b = append(b, " - - ["...)
	b = t.AppendFormat(b, "02/Jan/2006:15:04:05 -0700")
	b = append(b, "] \""...)
	b = append(b, method...)
	b = append(b, ' ')
	b = append(b, path...)
	b = append(b, " HTTP/1.1\" "...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(size), 10)
	b = append(b, " \""...)
	b = append(b, ref...)
	b = append(b, "\" \""...)
	b = append(b, ua...)
	hd.add(t, append(b, '"'))
}

// springLog writes a Spring Boot 3 console line through journald.
func (hd *hostDay) springLog(t time.Time, level, thread, logger, msg string) {
	pid := hd.h.pid["orders-api"]
	ts := t.In(hd.d.start.Location()).Format("2006-01-02T15:04:05.000-07:00")
	hd.logf(t, "orders-api", pid, "%s %5s %d --- [orders-api] [%15s] %-40s : %s", ts, level, pid, thread, logger, msg)
}

// probes writes the monitoring host's HTTP check every five minutes.
func (hd *hostDay) probes(path string) {
	for t := hd.d.start.Add(secs(between(hd.r, 0, 300))); t.Before(hd.d.end); t = t.Add(secs(between(hd.r, 298, 302))) {
		hd.nginx(t, ansibleAddr, "GET", path, 200, 17+hd.r.IntN(3), "-", "check_http/v2.4.5 (nagios-plugins 2.4.5)")
	}
}

// scanners writes the internet's web scanners hitting a public site.
func (hd *hostDay) scanners(mean float64) {
	r := hd.r
	rate := mean / 24 * wobble(r, 0.6)
	hd.arrivals(func(int) float64 { return rate }, func(t time.Time) {
		ip, ua := publicIP(r), pick(r, scanAgents)
		for range 1 + r.IntN(4) {
			hd.nginx(t, ip, "GET", pick(r, scanPaths), pick(r, []int{404, 404, 404, 400, 403}), 153+r.IntN(400), "-", ua)
			t = t.Add(secs(between(r, 0.1, 2)))
		}
	})
}

// ordersHost writes app1: the orders API (Java, Spring Boot) behind
// nginx, used by customers' systems over the internet.
func (hd *hostDay) ordersHost() {
	r := hd.r
	cl := clients(hd.seed, hd.h, 350)
	orderID := 880000 + hd.d.idx*900
	exec := func() string { return fmt.Sprintf("nio-8080-exec-%d", 1+r.IntN(10)) }
	hd.arrivals(func(h int) float64 { return 40 + 850*hd.busy*office(h) }, func(t time.Time) {
		ip := cl[zipf(r, len(cl))]
		if chance(r, 0.06) {
			ip = publicIP(r)
		}
		ua := apiAgents[zipf(r, len(apiAgents))]
		id := 870000 + r.IntN(orderID-870000+900)
		status, size := 200, 400+r.IntN(6000)
		switch k := r.Float64(); {
		case k < 0.35:
			hd.nginx(t, ip, "GET", fmt.Sprintf("/api/v1/orders/%d", id), pick(r, []int{200, 200, 200, 200, 200, 404}), size, "-", ua)
		case k < 0.55:
			hd.nginx(t, ip, "GET", fmt.Sprintf("/api/v1/orders?status=%s&page=%d", pick(r, []string{"open", "shipped", "invoiced"}), 1+r.IntN(5)), status, size*3, "-", ua)
		case k < 0.75:
			hd.nginx(t, ip, "GET", fmt.Sprintf("/api/v1/products/%s-%04d", pick(r, []string{"PAL", "BOX", "CRT", "WRP"}), r.IntN(3000)), status, size/2, "-", ua)
		case k < 0.87:
			orderID++
			st := 201
			if chance(r, 0.02) {
				st = 422
			}
			hd.nginx(t, ip, "POST", "/api/v1/orders", st, 300+r.IntN(400), "-", ua)
			if st == 201 {
				hd.springLog(t.Add(-secs(between(r, 0.01, 0.2))), "INFO", exec(), "c.e.orders.web.OrderController",
					fmt.Sprintf("Created order %d for customer %d (%d items, total %.2f NZD)", orderID, 1000+zipf(r, 4000), 1+r.IntN(30), between(r, 20, 9000)))
			}
		case k < 0.93:
			hd.nginx(t, ip, "PUT", fmt.Sprintf("/api/v1/orders/%d/status", id), 204, 0, "-", ua)
		case k < 0.97:
			hd.nginx(t, pick(r, stripeIPs), "POST", "/api/v1/payments/webhook", 200, 2, "-", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
			hd.springLog(t.Add(-secs(between(r, 0.01, 0.1))), "INFO", exec(), "c.e.o.payments.StripeWebhookHandler",
				fmt.Sprintf("Payment pi_%s succeeded for order %d", randString(r, base64s[:62], 24), id))
		default:
			st := pick(r, []int{401, 401, 429, 500})
			hd.nginx(t, ip, "GET", fmt.Sprintf("/api/v1/customers/%d/orders", 1000+r.IntN(4000)), st, 100+r.IntN(200), "-", ua)
			if st == 500 {
				hd.springLog(t.Add(-secs(0.002)), "ERROR", exec(), "o.a.c.c.C.[.[.[/].[dispatcherServlet]",
					"Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception [Request processing failed: org.springframework.dao.QueryTimeoutException: JDBC query timed out] with root cause")
			}
		}
	})
	for t := hd.d.start.Add(secs(between(r, 0, 900))); t.Before(hd.d.end); t = t.Add(15 * time.Minute) {
		hd.springLog(t.Add(secs(between(r, 0.5, 9))), "INFO", "scheduling-1", "c.e.o.sync.ReconciliationJob",
			fmt.Sprintf("Reconciliation finished: %d payments checked, %d pending, took %d ms", 20+r.IntN(300), r.IntN(6), 200+r.IntN(3000)))
	}
	for range poisson(r, 8*hd.busy) {
		t := hd.d.start.Add(within(r, 0, hd.d.end.Sub(hd.d.start)))
		hd.springLog(t, "WARN", exec(), "c.e.o.repo.OrderRepository", fmt.Sprintf("Slow query orders_by_customer took %d ms", 1500+r.IntN(9000)))
	}
	if chance(r, 0.3) {
		t := hd.d.start.Add(within(r, 0, hd.d.end.Sub(hd.d.start)))
		hd.springLog(t, "WARN", "HikariPool-1 housekeeper", "com.zaxxer.hikari.pool.HikariPool",
			fmt.Sprintf("HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=1m%ds%dms).", 1+r.IntN(50), r.IntN(1000)))
	}
	hd.probes("/actuator/health")
	hd.scanners(60)
}

// reportsHost writes app2: the internal reports site (Python, gunicorn
// and celery) used by staff, with a nightly roll-up.
func (hd *hostDay) reportsHost() {
	r := hd.r
	for _, dk := range hd.plan.desks {
		ua := browserAgents[int(dk.st.uid)%len(browserAgents)]
		for _, w := range dk.windows {
			if w.from.Hour() >= 20 {
				continue
			}
			n := poisson(r, 4*hd.busy)
			for range n {
				t := w.from.Add(within(r, 0, w.dur()))
				hd.reportVisit(t, dk, ua)
			}
		}
	}
	beat := hd.h.pid["celery-beat"]
	for t := hd.d.start.Add(secs(between(r, 0, 600))); t.Before(hd.d.end); t = t.Add(10 * time.Minute) {
		hd.celery(t, beat, "MainProcess", "Scheduler: Sending due task refresh-dashboards (reports.tasks.refresh_dashboards)")
		hd.task(t.Add(secs(between(r, 0.01, 0.05))), "reports.tasks.refresh_dashboards", between(r, 0.5, 8))
	}
	t := hd.d.at(2, 0, between(r, 0, 1))
	hd.celery(t, beat, "MainProcess", "Scheduler: Sending due task nightly-rollup (reports.tasks.nightly_rollup)")
	hd.task(t.Add(secs(0.02)), "reports.tasks.nightly_rollup", between(r, 2, 5))
	for i := range 150 + r.IntN(120) {
		hd.task(t.Add(secs(5+float64(i)*between(r, 3, 6))), "reports.tasks.rollup_customer", between(r, 0.4, 9))
	}
	hd.probes("/healthz")
}

// reportVisit writes a person using the reports site for a while.
func (hd *hostDay) reportVisit(t time.Time, dk *desk, ua string) {
	r := hd.r
	rep := pick(r, reportNames)
	ref := "https://reports." + internal + "/"
	hd.nginx(t, dk.addr, "GET", "/", 200, 5120+r.IntN(300), "-", ua)
	for _, a := range []string{"/static/app.9c1f3e.js", "/static/app.4b7d21.css"} {
		t = t.Add(secs(between(r, 0.05, 0.3)))
		hd.nginx(t, dk.addr, "GET", a, pick(r, []int{200, 304, 304}), 180000+r.IntN(20000), ref, ua)
	}
	for range 1 + r.IntN(6) {
		t = t.Add(secs(between(r, 5, 120)))
		hd.nginx(t, dk.addr, "GET", fmt.Sprintf("/reports/%s?from=%s&to=%s", rep, hd.d.start.AddDate(0, -1, 0).Format("2006-01-02"), hd.d.start.Format("2006-01-02")), 200, 20000+r.IntN(200000), ref, ua)
	}
	if chance(r, 0.4) {
		t = t.Add(secs(between(r, 5, 60)))
		hd.nginx(t, dk.addr, "POST", "/api/export", 202, 64, ref+"reports/"+rep, ua)
		hd.logf(t.Add(-secs(0.01)), "gunicorn", hd.h.pid["gunicorn"], "[%s] [%d] [INFO] export requested by %s: report=%s format=%s",
			t.In(hd.d.start.Location()).Format("2006-01-02 15:04:05 -0700"), hd.h.pid["gunicorn"]+1+r.IntN(4), dk.st.user, rep, pick(r, []string{"xlsx", "pdf", "csv"}))
		hd.task(t.Add(secs(0.02)), "reports.tasks.export_report", between(r, 1, 40))
	}
}

// celery writes one INFO line of a celery process.
func (hd *hostDay) celery(t time.Time, pid int, proc, msg string) {
	ts := t.In(hd.d.start.Location()).Format("2006-01-02 15:04:05,000")
	hd.logf(t, "celery", pid, "[%s: INFO/%s] %s", ts, proc, msg)
}

// task writes a celery task received and finished by the worker.
func (hd *hostDay) task(t time.Time, name string, took float64) {
	r := hd.r
	pid := hd.h.pid["celery"]
	id := uuid(r)
	hd.celery(t, pid, "MainProcess", fmt.Sprintf("Task %s[%s] received", name, id))
	w := fmt.Sprintf("ForkPoolWorker-%d", 1+r.IntN(4))
	if chance(r, 0.01) {
		hd.celery(t.Add(secs(took)), pid, w, fmt.Sprintf("Task %s[%s] retry: Retry in 30s: OperationalError('server closed the connection unexpectedly')", name, id))
		t = t.Add(30 * time.Second)
	}
	hd.celery(t.Add(secs(took)), pid, w, fmt.Sprintf("Task %s[%s] succeeded in %.4fs: None", name, id, took))
}
