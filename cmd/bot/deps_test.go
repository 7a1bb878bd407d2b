package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection keeps each SDK in its own package and the layers
// pointing one way: cmd/bot -> adapters -> answer -> index -> corpus, with
// digest and conversation beside the adapters.
func TestDependencyDirection(t *testing.T) {
	const mod = "github.com/briefbot/briefbot/"
	rules := []struct {
		dep     string   // an import path prefix
		allowed []string // the only project packages that may depend on it
	}{
		{"github.com/slack-go/slack", []string{mod + "adapters/slack", mod + "cmd/bot"}},
		{"github.com/bwmarrin/discordgo", []string{mod + "adapters/discord", mod + "cmd/bot"}},
		{"github.com/blevesearch/bleve", []string{mod + "index", mod + "answer", mod + "digest", mod + "conversation", mod + "adapters/", mod + "cmd/bot"}},
		{mod + "index", []string{mod + "answer", mod + "digest", mod + "conversation", mod + "adapters/", mod + "cmd/bot"}},
	}
	// Direct imports are what a package chooses; the rules above are about
	// transitive dependencies, so check both views.
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "../../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	direct := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		direct[f[0]] = f[1:]
	}
	if len(direct) < 8 {
		t.Fatalf("go list found only %d packages", len(direct))
	}
	// Only the adapter imports its SDK directly; only index imports Bleve;
	// only postgres (and its test helper) imports pgx.
	owners := map[string]string{
		"github.com/slack-go/slack":       mod + "adapters/slack",
		"github.com/bwmarrin/discordgo":   mod + "adapters/discord",
		"github.com/blevesearch/bleve/v2": mod + "index",
		"github.com/jackc/pgx":            mod + "postgres",
	}
	for pkg, imports := range direct {
		for _, imp := range imports {
			for sdk, owner := range owners {
				if strings.HasPrefix(imp, sdk) && pkg != owner && !strings.HasPrefix(pkg, owner+"/") {
					t.Errorf("%s imports %s; only %s may", pkg, imp, owner)
				}
			}
			// Adapters never import each other, index or corpus.
			if strings.HasPrefix(pkg, mod+"adapters/") {
				for _, banned := range []string{mod + "adapters/", mod + "index", mod + "corpus"} {
					if strings.HasPrefix(imp, banned) {
						t.Errorf("adapter %s imports %s", pkg, imp)
					}
				}
			}
			// redact is for every layer, adapters included: it imports
			// nothing of the project.
			if pkg == mod+"redact" && strings.HasPrefix(imp, mod) {
				t.Errorf("redact imports %s", imp)
			}
			// Lower layers never import higher ones.
			for _, low := range []string{mod + "corpus", mod + "index", mod + "answer"} {
				if strings.HasPrefix(pkg, low) && (strings.HasPrefix(imp, mod+"adapters/") || strings.HasPrefix(imp, mod+"cmd/") ||
					strings.HasPrefix(imp, mod+"digest") || strings.HasPrefix(imp, mod+"conversation")) {
					t.Errorf("%s imports %s, a higher layer", pkg, imp)
				}
			}
		}
	}
	// Transitively, the SDKs stay out of the layers below the adapters.
	for _, rule := range rules {
		for pkg := range direct {
			if strings.HasPrefix(pkg, mod+"cmd/") || allowedPkg(pkg, rule.allowed) {
				continue
			}
			deps, err := exec.Command("go", "list", "-deps", pkg).Output()
			if err != nil {
				t.Fatalf("go list -deps %s: %v", pkg, err)
			}
			for _, d := range strings.Fields(string(deps)) {
				if strings.HasPrefix(d, rule.dep) && d != pkg {
					t.Errorf("%s depends on %s", pkg, d)
					break
				}
			}
		}
	}
}

func allowedPkg(pkg string, allowed []string) bool {
	for _, a := range allowed {
		if pkg == a || strings.HasSuffix(a, "/") && strings.HasPrefix(pkg, a) || strings.HasPrefix(pkg, a+"/") {
			return true
		}
	}
	return false
}
