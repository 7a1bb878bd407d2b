package redact

import (
	"context"
	"fmt"
	"log/slog"
)

// Handler returns a slog.Handler that passes the message and every
// attribute value of each record through scrub (Text when scrub is nil)
// before h sees it. Errors and other values are logged as their scrubbed
// text; attributes given to WithAttrs are scrubbed once, there.
func Handler(h slog.Handler, scrub func(string) string) slog.Handler {
	if scrub == nil {
		scrub = Text
	}
	return &handler{h: h, scrub: scrub}
}

type handler struct {
	h     slog.Handler
	scrub func(string) string
}

func (r *handler) Enabled(ctx context.Context, l slog.Level) bool { return r.h.Enabled(ctx, l) }

func (r *handler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, r.scrub(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(r.attr(a))
		return true
	})
	return r.h.Handle(ctx, out)
}

func (r *handler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = r.attr(a)
	}
	return &handler{h: r.h.WithAttrs(clean), scrub: r.scrub}
}

func (r *handler) WithGroup(name string) slog.Handler {
	return &handler{h: r.h.WithGroup(name), scrub: r.scrub}
}

func (r *handler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, r.scrub(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, x := range g {
			clean[i] = r.attr(x)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, r.scrub(err.Error()))
		}
		return slog.String(a.Key, r.scrub(fmt.Sprint(v.Any())))
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// Err returns err with its message passed through scrub (Text when scrub
// is nil), or err itself when scrubbing changes nothing. errors.Is and
// errors.As still see err and what it wraps.
func Err(err error, scrub func(string) string) error {
	if err == nil {
		return nil
	}
	if scrub == nil {
		scrub = Text
	}
	msg := err.Error()
	clean := scrub(msg)
	if clean == msg {
		return err
	}
	return &scrubbed{msg: clean, err: err}
}

type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }
