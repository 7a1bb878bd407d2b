package main

import (
	"context"
	"io"
)

func runBench(ctx context.Context, args []string, env *environment, stdout io.Writer) error {
	return nil
}
