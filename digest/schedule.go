package digest

import (
	"fmt"
	"time"
)

// ParseTime parses a daily time of day "HH:MM" (24-hour clock), as in
// DIGEST_TIME.
func ParseTime(s string) (hour, minute int, err error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, 0, fmt.Errorf("time of day %q: want HH:MM, such as 08:00", s)
	}
	return t.Hour(), t.Minute(), nil
}

// slotAt returns the instant of hour:minute local time in loc on the civil
// date day (midnight UTC). A wall time that occurs twice (autumn fall-back)
// is its first occurrence. One that does not exist (spring-forward gap) is as
// long after the gap as it would have been after the gap's start: 02:30 on a
// day that jumps from 02:00 to 03:00 is 03:30. Either way a date has one slot.
func slotAt(day time.Time, hour, minute int, loc *time.Location) time.Time {
	y, m, d := day.Date()
	t := time.Date(y, m, d, hour, minute, 0, 0, loc)
	want := time.Date(y, m, d, hour, minute, 0, 0, time.UTC)
	got := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	// In a gap time.Date uses the offset from after the jump, which lands
	// before the gap; move forward so a slot never precedes its wall time.
	if diff := want.Sub(got); diff > 0 {
		t = t.Add(diff)
	}
	return t
}

// lastSlot returns the latest slot at or before now in loc, and its civil
// date (midnight UTC, so that AddDate never meets a 23- or 25-hour day).
func lastSlot(now time.Time, hour, minute int, loc *time.Location) (day, at time.Time) {
	y, m, d := now.In(loc).Date()
	day = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	at = slotAt(day, hour, minute, loc)
	if now.Before(at) {
		day = day.AddDate(0, 0, -1)
		at = slotAt(day, hour, minute, loc)
	}
	return day, at
}

// nextSlot returns the first slot strictly after now in loc.
func nextSlot(now time.Time, hour, minute int, loc *time.Location) time.Time {
	day, _ := lastSlot(now, hour, minute, loc)
	return slotAt(day.AddDate(0, 0, 1), hour, minute, loc)
}

// dateKey formats a civil date as stored: YYYY-MM-DD sorts as it compares.
func dateKey(day time.Time) string { return day.Format(time.DateOnly) }
