// Command bot answers questions about press briefings with verbatim, cited
// quotes, in Slack, Discord or a terminal, and posts a daily digest.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
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
