package digest

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrBadChannel and ErrBadTimeZone mark errors caused by what a person typed
// or configured; their messages are safe to show as is.
var (
	ErrBadChannel  = errors.New("bad digest channel")
	ErrBadTimeZone = errors.New("unknown time zone")
)

// ParseChannels parses a comma-separated list of "platform:id" channels, as in
// DIGEST_CHANNELS="slack:C0123ABC, discord:123456789". Spaces around entries
// are trimmed, empty entries and duplicates dropped. The platform is slack or
// discord; a Slack ID is upper-case letters and digits (C0123ABC), a Discord
// ID a numeric snowflake.
func ParseChannels(s string) ([]string, error) {
	var chans []string
	seen := make(map[string]bool)
	for entry := range strings.SplitSeq(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		if _, _, err := splitChannel(entry); err != nil {
			return nil, err
		}
		if !seen[entry] {
			seen[entry] = true
			chans = append(chans, entry)
		}
	}
	return chans, nil
}

// splitChannel validates "platform:id" and returns its parts.
func splitChannel(ch string) (platform, id string, err error) {
	platform, id, ok := strings.Cut(ch, ":")
	if !ok {
		return "", "", fmt.Errorf("%w %q: want platform:id, such as slack:C0123ABC or discord:123456789", ErrBadChannel, ch)
	}
	switch platform {
	case "slack":
		if !validID(id, 'A', 'Z') || id[0] < 'A' {
			return "", "", fmt.Errorf("%w %q: a Slack channel ID is upper-case letters and digits, such as C0123ABC", ErrBadChannel, ch)
		}
	case "discord":
		if !validID(id, 0, 0) || len(id) > 20 {
			return "", "", fmt.Errorf("%w %q: a Discord channel ID is a number, such as 123456789", ErrBadChannel, ch)
		}
	default:
		return "", "", fmt.Errorf("%w %q: platform must be slack or discord", ErrBadChannel, ch)
	}
	return platform, id, nil
}

// validID reports whether id is non-empty, at most 64 bytes, and made of
// digits and letters in [lo, hi].
func validID(id string, lo, hi byte) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || lo != 0 && lo <= c && c <= hi) {
			return false
		}
	}
	return true
}

// loadZone loads an IANA time zone typed by a person. "Local" is refused: it
// means whatever the server happens to use.
func loadZone(tz string) (*time.Location, error) {
	if tz == "" || tz == "Local" || len(tz) > 64 {
		return nil, fmt.Errorf("%w %q: use an IANA name such as America/New_York or Europe/Berlin", ErrBadTimeZone, tz)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("%w %q: use an IANA name such as America/New_York or Europe/Berlin", ErrBadTimeZone, tz)
	}
	return loc, nil
}
