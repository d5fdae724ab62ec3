package fleet

// flavor is the operating system a host runs, which decides how its
// lines look: timestamp format, tool versions and their wording.
type flavor int

const (
	// el7 is CentOS 7: rsyslog's traditional RFC 3164 file format, yum,
	// OpenSSH 7.4, sudo 1.8, systemd 219.
	el7 flavor = iota
	// el9 is Rocky Linux 9: RFC 3339 timestamps with microseconds, dnf
	// with rpm's syslog plugin, OpenSSH 8.7, sudo 1.9, systemd 252.
	el9
)

// role is what a host is for.
type role int

const (
	roleMail role = iota
	roleVPN
	roleOrders
	roleReports
	roleFiles
	roleDNS
	roleMon
)

// host is one machine of the fleet.
type host struct {
	name string
	addr string
	os   flavor
	role role
	// exposed hosts have sshd reachable from the internet; passwords
	// says whether that sshd accepts passwords at all.
	exposed   bool
	passwords bool
	services  []string // units people look at with systemctl
	logs      []string // files people tail
	// ansibleMin is the minute past every even hour at which the
	// automation account visits; negative for never.
	ansibleMin int
	// backupMin is the minute after midnight of the nightly backup to
	// files1; negative for none.
	backupMin int
	// pid holds long-running daemons' process IDs.
	pid map[string]int
	// sessBase keeps logind session numbers apart between hosts.
	sessBase int
	// extraPkgs are packages patched weekly on this host only.
	extraPkgs []pkgSpec
}

// Addresses used across the fleet.
const (
	ansibleAddr = "10.20.5.10" // mon1, where the playbooks run
	officeRelay = "10.20.30.1" // the office router relaying DHCP
	nocAddr     = "10.20.40.21"
	dnsAddr     = "10.20.5.53"
	mailAddr    = "10.20.5.20"
	domain      = "example.org"
	internal    = "corp.example.internal"
)

// newHosts returns the fleet's machines in the order their files are
// listed.
func newHosts() []*host {
	hs := []*host{
		{
			name: "mail1", addr: mailAddr, os: el7, role: roleMail, exposed: true, passwords: true,
			services: []string{"postfix", "dovecot", "opendkim"}, logs: []string{"/var/log/maillog", "/var/log/messages", "/var/log/secure"},
			ansibleMin: 5, backupMin: 110,
			pid:       map[string]int{"master": 1318, "qmgr": 1342, "crond": 902, "rsyslogd": 871},
			extraPkgs: []pkgSpec{{name: "postfix", epoch: 2, ver: "2.10.1", rel: "9.el7_9.%d", base: 1, arch: "x86_64"}},
		},
		{
			name: "vpn1", addr: "10.20.5.30", os: el9, role: roleVPN, exposed: true,
			services: []string{"openvpn-server@server", "firewalld", "chronyd"}, logs: []string{"/var/log/messages", "/var/log/secure"},
			ansibleMin: 9, backupMin: 130,
			pid:       map[string]int{"openvpn": 1107, "systemd-logind": 783, "chronyd": 761},
			extraPkgs: []pkgSpec{{name: "openvpn", ver: "2.6.9", rel: "1.el9.%d", base: 1, arch: "x86_64"}},
		},
		{
			name: "app1", addr: "10.20.10.11", os: el9, role: roleOrders,
			services: []string{"orders-api", "nginx"}, logs: []string{"/var/log/nginx/error.log", "/var/log/messages"},
			ansibleMin: 13, backupMin: 90,
			pid:       map[string]int{"orders-api": 1462, "systemd-logind": 791, "chronyd": 770},
			extraPkgs: []pkgSpec{{name: "java-17-openjdk-headless", epoch: 1, ver: "17.0.13.0.11", rel: "3.el9.%d", base: 1, arch: "x86_64"}},
		},
		{
			name: "app2", addr: "10.20.10.12", os: el9, role: roleReports,
			services: []string{"reports-web", "reports-worker", "nginx"}, logs: []string{"/var/log/nginx/error.log", "/var/log/messages"},
			ansibleMin: 17, backupMin: 100,
			pid:       map[string]int{"gunicorn": 1388, "celery": 1421, "celery-beat": 1419, "systemd-logind": 788, "chronyd": 766},
			extraPkgs: []pkgSpec{{name: "python3-libs", ver: "3.9.19", rel: "8.el9_5.%d", base: 1, arch: "x86_64"}},
		},
		{
			name: "files1", addr: "10.20.5.40", os: el7, role: roleFiles, passwords: true,
			services: []string{"smb", "sshd"}, logs: []string{"/var/log/messages", "/var/log/secure"},
			ansibleMin: 21, backupMin: -1,
			pid:       map[string]int{"crond": 911, "smbd": 1254},
			extraPkgs: []pkgSpec{{name: "samba", epoch: 0, ver: "4.10.16", rel: "25.el7_9.%d", base: 1, arch: "x86_64"}},
		},
		{
			name: "ns1", addr: dnsAddr, os: el9, role: roleDNS,
			services: []string{"named", "dhcpd"}, logs: []string{"/var/log/messages"},
			ansibleMin: 25, backupMin: 120,
			pid:       map[string]int{"named": 1024, "dhcpd": 1091, "systemd-logind": 779, "chronyd": 758},
			extraPkgs: []pkgSpec{{name: "bind", epoch: 32, ver: "9.16.23", rel: "24.el9_5.%d", base: 1, arch: "x86_64"}, {name: "bind-libs", epoch: 32, ver: "9.16.23", rel: "24.el9_5.%d", base: 1, arch: "x86_64"}},
		},
		{
			name: "mon1", addr: ansibleAddr, os: el7, role: roleMon,
			services: []string{"nagios", "httpd"}, logs: []string{"/var/log/messages", "/var/log/nagios/nagios.log"},
			ansibleMin: -1, backupMin: 140,
			pid:       map[string]int{"crond": 897, "nagios": 1533},
			extraPkgs: []pkgSpec{{name: "nagios", ver: "4.4.14", rel: "1.el7.%d", base: 1, arch: "x86_64"}},
		},
	}
	for i, h := range hs {
		h.sessBase = 1000 + i*137
	}
	return hs
}
