package fleet

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// pkgSpec is a package whose release moves on by step every week (base
// in the first week). installOnly packages (kernels) are installed next
// to older ones, and the oldest beyond three is erased.
type pkgSpec struct {
	name        string
	epoch       int
	ver         string
	rel         string // with one %d for the weekly release number
	base, step  int
	arch        string
	installOnly bool
}

// release is the package's release in the given week.
func (p pkgSpec) release(week int) string {
	if !strings.Contains(p.rel, "%d") {
		return p.rel
	}
	step := p.step
	if step == 0 {
		step = 1
	}
	return fmt.Sprintf(p.rel, p.base+week*step)
}

// nevra is the package as rpm names it: name-[epoch:]version-release.arch.
func (p pkgSpec) nevra(week int) string {
	e := ""
	if p.epoch > 0 {
		e = strconv.Itoa(p.epoch) + ":"
	}
	return p.name + "-" + e + p.ver + "-" + p.release(week) + "." + p.arch
}

// yumName is the package as yum's log names it: [epoch:]name-version-release.arch.
func (p pkgSpec) yumName(week int) string {
	e := ""
	if p.epoch > 0 {
		e = strconv.Itoa(p.epoch) + ":"
	}
	return e + p.name + "-" + p.ver + "-" + p.release(week) + "." + p.arch
}

// The packages every host of a flavour gets each patch day.
var (
	el9Patches = []pkgSpec{
		{name: "openssl-libs", epoch: 1, ver: "3.2.2", rel: "%d.el9_5", base: 6, arch: "x86_64"},
		{name: "openssl", epoch: 1, ver: "3.2.2", rel: "%d.el9_5", base: 6, arch: "x86_64"},
		{name: "glibc", ver: "2.34", rel: "125.el9_5.%d", base: 1, arch: "x86_64"},
		{name: "glibc-common", ver: "2.34", rel: "125.el9_5.%d", base: 1, arch: "x86_64"},
		{name: "glibc-minimal-langpack", ver: "2.34", rel: "125.el9_5.%d", base: 1, arch: "x86_64"},
		{name: "libcurl", ver: "7.76.1", rel: "31.el9_5.%d", base: 1, arch: "x86_64"},
		{name: "curl", ver: "7.76.1", rel: "31.el9_5.%d", base: 1, arch: "x86_64"},
		{name: "systemd-libs", ver: "252", rel: "46.el9_5.%d.rocky.0.1", base: 2, arch: "x86_64"},
		{name: "systemd", ver: "252", rel: "46.el9_5.%d.rocky.0.1", base: 2, arch: "x86_64"},
		{name: "systemd-pam", ver: "252", rel: "46.el9_5.%d.rocky.0.1", base: 2, arch: "x86_64"},
		{name: "kernel-modules-core", ver: "5.14.0", rel: "503.%d.1.el9_5", base: 14, arch: "x86_64", installOnly: true},
		{name: "kernel-core", ver: "5.14.0", rel: "503.%d.1.el9_5", base: 14, arch: "x86_64", installOnly: true},
		{name: "kernel-modules", ver: "5.14.0", rel: "503.%d.1.el9_5", base: 14, arch: "x86_64", installOnly: true},
		{name: "kernel", ver: "5.14.0", rel: "503.%d.1.el9_5", base: 14, arch: "x86_64", installOnly: true},
	}
	el7Patches = []pkgSpec{
		{name: "openssl-libs", epoch: 1, ver: "1.0.2k", rel: "%d.el7_9", base: 26, arch: "x86_64"},
		{name: "openssl", epoch: 1, ver: "1.0.2k", rel: "%d.el7_9", base: 26, arch: "x86_64"},
		{name: "glibc", ver: "2.17", rel: "%d.el7_9", base: 326, arch: "x86_64"},
		{name: "glibc-common", ver: "2.17", rel: "%d.el7_9", base: 326, arch: "x86_64"},
		{name: "nss", ver: "3.90.0", rel: "%d.el7_9", base: 2, arch: "x86_64"},
		{name: "nss-sysinit", ver: "3.90.0", rel: "%d.el7_9", base: 2, arch: "x86_64"},
		{name: "nss-tools", ver: "3.90.0", rel: "%d.el7_9", base: 2, arch: "x86_64"},
		{name: "libcurl", ver: "7.29.0", rel: "59.el7_9.%d", base: 2, arch: "x86_64"},
		{name: "curl", ver: "7.29.0", rel: "59.el7_9.%d", base: 2, arch: "x86_64"},
		{name: "systemd-libs", ver: "219", rel: "%d.el7_9.9", base: 78, arch: "x86_64"},
		{name: "systemd", ver: "219", rel: "%d.el7_9.9", base: 78, arch: "x86_64"},
		{name: "systemd-sysv", ver: "219", rel: "%d.el7_9.9", base: 78, arch: "x86_64"},
		{name: "kernel", ver: "3.10.0", rel: "1160.%d.1.el7", base: 119, arch: "x86_64", installOnly: true},
	}
)

// newPackage is the package the incident installs; no host ever had it.
var newPackage = pkgSpec{name: "nmap", epoch: 3, ver: "7.92", rel: "1.el9", arch: "x86_64"}

// patchSet is what the weekly upgrade on h installs.
func (f *fleet) patchSet(h *host, week int) []pkgSpec {
	base := el9Patches
	if h.os == el7 {
		base = el7Patches
	}
	out := append([]pkgSpec(nil), base...)
	return append(out, h.extraPkgs...)
}

// transaction writes one package transaction: upgrades to this week's
// releases of patch, or fresh installs of install. CentOS 7's yum logs
// each package; on Rocky 9 rpm's syslog plugin logs the transaction.
func (hd *hostDay) transaction(t time.Time, patch, install []pkgSpec) {
	r := hd.r
	w := hd.d.week()
	pid := hd.pidAt(t)
	step := func(lo, hi float64) time.Time { t = t.Add(secs(between(r, lo, hi))); return t }
	if hd.h.os == el7 {
		for _, p := range patch {
			if p.installOnly {
				hd.logf(step(2, 9), "yum", pid, "Installed: %s", p.yumName(w))
				continue
			}
			hd.logf(step(0.4, 3), "yum", pid, "Updated: %s", p.yumName(w))
		}
		for _, p := range patch {
			if p.installOnly {
				hd.logf(step(0.5, 2), "yum", pid, "Erased: %s", p.yumName(w-3))
			}
		}
		for _, p := range install {
			hd.logf(step(0.5, 3), "yum", pid, "Installed: %s", p.yumName(w))
		}
		return
	}
	const prog = "[RPM]"
	tid := strconv.FormatInt(t.Unix(), 16)
	hd.logf(t, prog, pid, "Transaction ID %s started", tid)
	for _, p := range patch {
		lo, hi := 0.3, 2.5
		if p.installOnly {
			lo, hi = 2, 12
		}
		hd.logf(step(lo, hi), prog, pid, "install %s: success", p.nevra(w))
	}
	for _, p := range install {
		hd.logf(step(0.5, 3), prog, pid, "install %s: success", p.nevra(w))
	}
	for _, p := range patch {
		old := w - 1
		if p.installOnly {
			old = w - 3
		}
		hd.logf(step(0.05, 0.6), prog, pid, "erase %s: success", p.nevra(old))
	}
	hd.logf(step(0.5, 6), prog, pid, "Transaction ID %s finished: 0", tid)
}
