package slack

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestLogsRedactSecrets(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(redacting{slog.NewTextHandler(&buf, nil)}).With("token", "xoxb-123-456-abcdef")
	err := errors.New(`Post "https://hooks.slack.com/commands/T0/123/SECRETPART": dial tcp: timeout`)
	log.Error("share failed", "err", err, "app", "xapp-1-A0-99-zzz", slog.Group("g", "url", "https://hooks.slack.com/services/T0/B0/XYZ"))
	out := buf.String()
	for _, secret := range []string{"SECRETPART", "abcdef", "xapp-1-A0", "XYZ"} {
		if strings.Contains(out, secret) {
			t.Errorf("log line holds %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, "hooks.slack.com/commands/[redacted]") || !strings.Contains(out, "share failed") {
		t.Errorf("log line lost its useful part: %s", out)
	}
}
