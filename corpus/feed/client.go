package feed

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrForbiddenAddress is the error (wrapped) of a connection the client
// refuses to make.
var ErrForbiddenAddress = errors.New("address not allowed: only public internet addresses are fetched")

// ClientConfig configures NewClient.
type ClientConfig struct {
	// Timeout bounds a whole request, redirects and body included;
	// DefaultTimeout when zero.
	Timeout time.Duration
	// Allow reports whether the client may connect to an address. It is
	// asked when connecting, after DNS resolution, for every address
	// tried, redirects included, so neither a DNS name nor a redirect can
	// lead the client elsewhere. Nil means PublicAddress of the IP; tests
	// that serve from loopback allow their server's address explicitly.
	Allow func(netip.AddrPort) bool
}

// NewClient returns the HTTP client for every fetch of an outside URL:
// feeds, their items' pages and `bot ingest URL`. The URLs come from
// whoever publishes a feed or from a user, so by default it connects to
// public internet addresses only: never to the machine itself, its
// network or a cloud metadata service (see PublicAddress). It uses no
// proxy, which would connect on its behalf and bypass the check.
func NewClient(cfg ClientConfig) *http.Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	allow := cfg.Allow
	if allow == nil {
		allow = func(a netip.AddrPort) bool { return PublicAddress(a.Addr()) }
	}
	d := &net.Dialer{
		Timeout: 10 * time.Second,
		// Control runs on the socket about to connect to the resolved
		// address: the one place no name or redirect can get around.
		Control: func(network, address string, _ syscall.RawConn) error {
			a, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%s: %w", address, ErrForbiddenAddress)
			}
			if !allow(a) {
				return fmt.Errorf("%s: %w", a.Addr(), ErrForbiddenAddress)
			}
			return nil
		},
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, address string) (net.Conn, error) {
		return d.DialContext(ctx, network, address)
	}
	tr.Proxy = nil
	return &http.Client{Timeout: cfg.Timeout, Transport: tr}
}

// nonPublic are the ranges PublicAddress refuses beyond what netip names:
// "this network", carrier-grade NAT (where Alibaba Cloud's metadata
// service is, 100.100.100.200), IETF protocol assignments, documentation,
// benchmarking and reserved space, and in IPv6 the deprecated
// IPv4-compatible and site-local forms, local-use NAT64, discard-only,
// Teredo and documentation. Unique-local fc00::/7 (AWS's IPv6 metadata
// service is fd00:ec2::254) is netip's IsPrivate.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001::/32"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("fec0::/10"),
}

// IPv6 ranges whose addresses embed an IPv4 one.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// PublicAddress reports whether ip is a public unicast address: not
// loopback, private, link-local (169.254.169.254, the usual metadata
// service), unspecified, multicast, carrier-grade NAT, unique-local or
// another special range. An IPv6 address that carries an IPv4 one
// (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) is
// judged by that IPv4 address.
func PublicAddress(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsUnspecified() || ip.IsLoopback() || ip.IsPrivate() ||
		ip.IsLinkLocalUnicast() || ip.IsMulticast() {
		return false
	}
	if ip.Is6() {
		b := ip.As16()
		switch {
		case nat64.Contains(ip):
			return PublicAddress(netip.AddrFrom4([4]byte(b[12:16])))
		case sixToFour.Contains(ip):
			return PublicAddress(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}
