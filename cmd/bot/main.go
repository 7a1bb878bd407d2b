// Command bot answers questions about press briefings with verbatim, cited
// quotes, in Slack, Discord or a terminal, and posts a daily digest.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// defaultMemoryLimit is the Go soft memory limit when GOMEMLIMIT is not
// set: it keeps a full build of the 14,000-document Briefing Room corpus
// under 400 MB resident (see BENCHMARKS.md). It is soft: a larger corpus
// still builds, with the garbage collector working harder.
const defaultMemoryLimit = 300 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		var u usageError
		if !errors.As(err, &u) || u != "" {
			fmt.Fprintln(os.Stderr, "bot:", err)
		}
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}
