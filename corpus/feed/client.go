package feed

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"time"
)

// errForbiddenAddress is returned for a connection to an address a feed
// must not make the bot reach.
var errForbiddenAddress = errors.New("address not allowed for feed fetches")

// NewClient returns the HTTP client for feeds and their item pages. Item
// links come from whoever publishes the feed, not from the operator, so it
// refuses loopback, link-local (such as the cloud metadata service at
// 169.254.169.254), multicast and unspecified addresses, also after
// redirects. Private ranges stay reachable: intranet feeds are common.
func NewClient(timeout time.Duration) *http.Client {
	d := &net.Dialer{
		Timeout: 10 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip := net.ParseIP(host)
			if ip == nil || forbidden(ip) {
				return fmt.Errorf("%s: %w", host, errForbiddenAddress)
			}
			return nil
		},
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = d.DialContext
	tr.Proxy = nil // a proxy would dial on the bot's behalf and bypass the check
	return &http.Client{Timeout: timeout, Transport: tr}
}

func forbidden(ip net.IP) bool {
	return ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified()
}
