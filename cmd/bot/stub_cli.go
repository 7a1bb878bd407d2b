package main

import (
	"context"
	"io"
)

func runAsk(ctx context.Context, args []string, env *environment, stdout io.Writer) error { return nil }
func runChat(ctx context.Context, args []string, env *environment, stdout io.Writer) error {
	return nil
}
func runIndex(ctx context.Context, args []string, env *environment, stdout io.Writer) error {
	return nil
}
