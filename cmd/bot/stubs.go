package main

import (
	"context"
	"io"
)

func runServe(ctx context.Context, args []string, env *environment, stdout io.Writer) error {
	return nil
}
func runIngest(ctx context.Context, args []string, env *environment, stdout io.Writer) error {
	return nil
}
