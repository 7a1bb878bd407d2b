package main

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // DIGEST_TZ and per-channel zones work in images without /usr/share/zoneinfo

	"github.com/briefbot/briefbot/digest"
)

// digestConfigFromEnv reads the digest schedule:
//
//	DIGEST_TIME      HH:MM, 24-hour (default 08:00)
//	DIGEST_TZ        IANA zone of DIGEST_TIME (default UTC)
//	DIGEST_CHANNELS  slack:C0123ABC,discord:123456789 (default none)
//	DIGEST_EMPTY     post or skip, for days with nothing new (default skip)
//	DIGEST_CLAIM_TIMEOUT  age at which a digest claim left by a crashed
//	                 process or replica is retried (default 5m)
//
// Errors name the variable. Clock and timer are left to the defaults.
func digestConfigFromEnv(getenv func(string) string) (digest.Config, error) {
	cfg := digest.Config{Time: "08:00", Location: time.UTC}
	if v := strings.TrimSpace(getenv("DIGEST_TIME")); v != "" {
		if _, _, err := digest.ParseTime(v); err != nil {
			return digest.Config{}, fmt.Errorf("DIGEST_TIME: %w", err)
		}
		cfg.Time = v
	}
	if v := strings.TrimSpace(getenv("DIGEST_TZ")); v != "" {
		loc, err := time.LoadLocation(v)
		if err != nil || v == "Local" {
			return digest.Config{}, fmt.Errorf("DIGEST_TZ: unknown time zone %q: use an IANA name such as America/New_York", v)
		}
		cfg.Location = loc
	}
	chans, err := digest.ParseChannels(getenv("DIGEST_CHANNELS"))
	if err != nil {
		return digest.Config{}, fmt.Errorf("DIGEST_CHANNELS: %w", err)
	}
	cfg.Channels = chans
	switch v := strings.ToLower(strings.TrimSpace(getenv("DIGEST_EMPTY"))); v {
	case "", "skip":
	case "post":
		cfg.PostEmpty = true
	default:
		return digest.Config{}, fmt.Errorf("DIGEST_EMPTY: %q: want post or skip", v)
	}
	if v := strings.TrimSpace(getenv("DIGEST_CLAIM_TIMEOUT")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return digest.Config{}, fmt.Errorf("DIGEST_CLAIM_TIMEOUT: %q: want a duration of at least 1s, such as 5m", v)
		}
		cfg.ClaimTimeout = d
	}
	return cfg, nil
}
