package main

import (
	"context"
	"io"
)

func runDigest(ctx context.Context, args []string, env *environment, stdout io.Writer) error {
	return nil
}
