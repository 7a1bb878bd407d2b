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
// set. The corpus streams into the index a batch at a time, so the live
// heap stays near 80 MB whatever the corpus size; without a limit the
// collector lets the heap grow to twice that and more while indexing. It is
// soft: the collector works harder rather than fail (see BENCHMARKS.md).
const defaultMemoryLimit = 200 << 20

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
