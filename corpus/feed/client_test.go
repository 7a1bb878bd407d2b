package feed

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestNewClientRefusesLoopbackAndLinkLocal(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("secret"))
	}))
	defer srv.Close()
	c := NewClient(5 * time.Second)
	_, err := c.Get(srv.URL) // 127.0.0.1
	if !errors.Is(err, errForbiddenAddress) {
		t.Fatalf("GET %s = %v, want errForbiddenAddress", srv.URL, err)
	}
	for _, ip := range []string{"169.254.169.254", "::1", "fe80::1", "0.0.0.0", "224.0.0.1"} {
		if !forbidden(net.ParseIP(ip)) {
			t.Errorf("forbidden(%s) = false", ip)
		}
	}
	for _, ip := range []string{"10.1.2.3", "192.168.1.1", "93.184.216.34", "2606:4700::1"} {
		if forbidden(net.ParseIP(ip)) {
			t.Errorf("forbidden(%s) = true", ip)
		}
	}
}
