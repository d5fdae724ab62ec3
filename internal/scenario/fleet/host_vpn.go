package fleet

import (
	"fmt"
	"time"
)

// vpnHost writes vpn1: OpenVPN tunnels of the people working from home
// and the scanners knocking on its UDP port and on sshd.
func (hd *hostDay) vpnHost() {
	for i, dk := range hd.plan.desks {
		if dk.vpn {
			for _, w := range dk.windows {
				hd.tunnel(dk, w, i)
			}
		}
	}
	hd.vpnScanners()
	hd.sshBots(220, 0.8)
}

// tunnel writes one client's tunnel from connect to disconnect, with
// the hourly TLS renegotiation in between.
func (hd *hostDay) tunnel(dk *desk, w span, peerID int) {
	r := hd.r
	pid := hd.h.pid["openvpn"]
	const prog = "openvpn"
	port := anyPort(r)
	peer := fmt.Sprintf("%s:%d", dk.real, port)
	cn := dk.st.user
	who := cn + "/" + peer
	t := w.from.Add(-secs(between(r, 30, 300)))
	step := func(lo, hi float64) time.Time { t = t.Add(secs(between(r, lo, hi))); return t }
	verify := func() {
		hd.logf(step(0.01, 0.05), prog, pid, "%s VERIFY OK: depth=1, CN=Example Org VPN CA", peer)
		hd.logf(step(0.001, 0.005), prog, pid, "%s VERIFY OK: depth=0, CN=%s", peer, cn)
	}
	hd.logf(t, prog, pid, "%s TLS: Initial packet from [AF_INET]%s, sid=%s %s", peer, peer, randString(r, lowerHex, 8), randString(r, lowerHex, 8))
	verify()
	hd.logf(step(0.01, 0.05), prog, pid, "%s Control Channel: TLSv1.3, cipher TLSv1.3 TLS_AES_256_GCM_SHA384, peer certificate: 2048 bits RSA, signature: RSA-SHA256, peer temporary key: 253 bits X25519", peer)
	hd.logf(step(0.001, 0.005), prog, pid, "%s [%s] Peer Connection Initiated with [AF_INET]%s", peer, cn, peer)
	if dk.addr != dk.st.usual || cn != "ruben" {
		hd.logf(step(0.001, 0.005), prog, pid, "%s MULTI_sva: pool returned IPv4=%s, IPv6=(Not enabled)", who, dk.addr)
	}
	hd.logf(step(0.001, 0.005), prog, pid, "MULTI: Learn: %s -> %s", dk.addr, who)
	hd.logf(step(0.0001, 0.001), prog, pid, "MULTI: primary virtual IP for %s: %s", who, dk.addr)
	hd.logf(step(0.5, 1.5), prog, pid, "%s Data Channel: cipher 'AES-256-GCM', peer-id: %d", who, peerID)
	start := t
	for reneg := start.Add(time.Hour); reneg.Before(w.to); reneg = reneg.Add(time.Hour) {
		t = reneg
		hd.logf(t, prog, pid, "%s TLS: soft reset sec=3600/3600 bytes=%d/-1 pkts=%d/0", who, 100000+r.IntN(90000000), 1000+r.IntN(90000))
		verify()
		hd.logf(step(0.01, 0.05), prog, pid, "%s Control Channel: TLSv1.3, cipher TLSv1.3 TLS_AES_256_GCM_SHA384, peer certificate: 2048 bits RSA, signature: RSA-SHA256, peer temporary key: 253 bits X25519", who)
	}
	t = w.to.Add(secs(between(r, 60, 600)))
	if chance(r, 0.8) {
		hd.logf(t, prog, pid, "%s SIGTERM[soft,remote-exit] received, client-instance exiting", who)
		return
	}
	hd.logf(t, prog, pid, "%s [%s] Inactivity timeout (--ping-restart), restarting", who, cn)
	hd.logf(t.Add(secs(0.0002)), prog, pid, "%s SIGUSR1[soft,ping-restart] received, client-instance restarting", who)
}

// vpnScanners writes probes of the OpenVPN port: packets without the
// tls-auth HMAC, and handshakes that never finish.
func (hd *hostDay) vpnScanners() {
	r := hd.r
	pid := hd.h.pid["openvpn"]
	rate := 3 * wobble(r, 0.7)
	hd.arrivals(func(int) float64 { return rate }, func(t time.Time) {
		peer := fmt.Sprintf("%s:%d", publicIP(r), anyPort(r))
		if chance(r, 0.75) {
			hd.logf(t, "openvpn", pid, "TLS Error: cannot locate HMAC in incoming packet from [AF_INET]%s", peer)
			return
		}
		hd.logf(t, "openvpn", pid, "%s TLS: Initial packet from [AF_INET]%s, sid=%s %s", peer, peer, randString(r, lowerHex, 8), randString(r, lowerHex, 8))
		t = t.Add(60 * time.Second)
		hd.logf(t, "openvpn", pid, "%s TLS Error: TLS key negotiation failed to occur within 60 seconds (check your network connectivity)", peer)
		hd.logf(t.Add(secs(0.0001)), "openvpn", pid, "%s TLS Error: TLS handshake failed", peer)
		hd.logf(t.Add(secs(0.0003)), "openvpn", pid, "%s SIGUSR1[soft,tls-error] received, client-instance restarting", peer)
	})
}
