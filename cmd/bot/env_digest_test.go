package main

import (
	"slices"
	"strings"
	"testing"
)

func TestDigestConfigFromEnv(t *testing.T) {
	cfg, err := digestConfigFromEnv(func(string) string { return "" })
	if err != nil || cfg.Time != "08:00" || cfg.Location.String() != "UTC" || cfg.Channels != nil || cfg.PostEmpty {
		t.Fatalf("defaults = %+v, %v", cfg, err)
	}

	env := map[string]string{
		"DIGEST_TIME":     "07:30",
		"DIGEST_TZ":       "America/New_York",
		"DIGEST_CHANNELS": "slack:C0123, discord:123456789",
		"DIGEST_EMPTY":    "Post",
	}
	cfg, err = digestConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Time != "07:30" || cfg.Location.String() != "America/New_York" || !cfg.PostEmpty ||
		!slices.Equal(cfg.Channels, []string{"slack:C0123", "discord:123456789"}) {
		t.Errorf("digestConfigFromEnv = %+v", cfg)
	}
}

func TestDigestConfigFromEnvErrors(t *testing.T) {
	tests := []struct {
		key, val string
		want     []string // in the message: the variable and the bad value
	}{
		{"DIGEST_TIME", "8am", []string{"DIGEST_TIME", `"8am"`}},
		{"DIGEST_TIME", "24:00", []string{"DIGEST_TIME", `"24:00"`}},
		{"DIGEST_TZ", "Eastern", []string{"DIGEST_TZ", `"Eastern"`}},
		{"DIGEST_TZ", "Local", []string{"DIGEST_TZ", `"Local"`}},
		{"DIGEST_CHANNELS", "slack:C1,teams:9", []string{"DIGEST_CHANNELS", `"teams:9"`}},
		{"DIGEST_CHANNELS", "discord:abc", []string{"DIGEST_CHANNELS", `"discord:abc"`}},
		{"DIGEST_EMPTY", "yes", []string{"DIGEST_EMPTY", `"yes"`}},
		{"DIGEST_CLAIM_TIMEOUT", "soon", []string{"DIGEST_CLAIM_TIMEOUT", `"soon"`}},
		{"DIGEST_CLAIM_TIMEOUT", "10ms", []string{"DIGEST_CLAIM_TIMEOUT", `"10ms"`}},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.val, func(t *testing.T) {
			_, err := digestConfigFromEnv(func(k string) string {
				if k == tt.key {
					return tt.val
				}
				return ""
			})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %s", err, w)
				}
			}
		})
	}
}
