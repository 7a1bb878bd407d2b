package slack

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
)

// secretText matches what must never reach a log: Slack tokens, and
// response_url / webhook paths (whoever holds one can post in the channel).
// slack-go and net/http put request URLs into their errors.
var secretText = regexp.MustCompile(`xox[abprs]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|(hooks\.slack\.com/(?:commands|actions|services|workflows)/)[^\s"']+`)

func redactString(s string) string {
	return secretText.ReplaceAllStringFunc(s, func(m string) string {
		if sub := secretText.FindStringSubmatch(m); sub[1] != "" {
			return sub[1] + "[redacted]"
		}
		return "[redacted]"
	})
}

// redacting is a slog.Handler that scrubs secrets from every attribute
// before the wrapped handler sees it.
type redacting struct{ h slog.Handler }

func (r redacting) Enabled(ctx context.Context, l slog.Level) bool { return r.h.Enabled(ctx, l) }

func (r redacting) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, redactString(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return r.h.Handle(ctx, out)
}

func (r redacting) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = redactAttr(a)
	}
	return redacting{r.h.WithAttrs(clean)}
}

func (r redacting) WithGroup(name string) slog.Handler { return redacting{r.h.WithGroup(name)} }

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, redactString(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, x := range g {
			clean[i] = redactAttr(x)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, redactString(err.Error()))
		}
		return slog.String(a.Key, redactString(fmt.Sprint(v.Any())))
	}
	return a
}
