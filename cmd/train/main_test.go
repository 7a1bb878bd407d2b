package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/params.golden.json")

// train runs the trainer on the small corpus in testdata and returns the
// files it wrote.
func train(t *testing.T) (params, bridge []byte) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "fit") // made by the trainer
	args := []string{
		"--corpus", filepath.Join("testdata", "corpus"), "--out", out, "--work", t.TempDir(),
		"--before", "2030-01-01", "--dev", "2023-01-01", "--every", "1", "--iters", "50",
		"--bridge", "both", "--rank-sets", "day,title,user", "--questions", filepath.Join("testdata", "questions"),
	}
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("train: %v\n%s", err, stderr.String())
	}
	p, err := os.ReadFile(filepath.Join(out, "params.json"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "bridge.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	return p, b
}

// TestTrainReproducible trains twice on the same corpus: the files must be
// the same, and the same as the checked-in golden file.
func TestTrainReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two indexes")
	}
	p1, b1 := train(t)
	p2, b2 := train(t)
	if !bytes.Equal(p1, p2) || !bytes.Equal(b1, b2) {
		t.Fatalf("two runs on the same corpus wrote different files:\n%s\n%s", p1, p2)
	}
	golden := filepath.Join("testdata", "params.golden.json")
	if *update {
		if err := os.WriteFile(golden, p1, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/train -update)", err)
	}
	if !bytes.Equal(p1, want) {
		t.Errorf("params.json changed (go test ./cmd/train -update to accept):\n%s", p1)
	}
}

func TestFlags(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--corpus", "x", "--before", "tomorrow"},
		{"--corpus", "x", "--bridge", "magic"},
		{"--corpus", "x", "--every", "0"},
	} {
		var out bytes.Buffer
		if err := run(context.Background(), args, &out, &out); err == nil {
			t.Errorf("run(%q) = nil error, want one", args)
		}
	}
}
