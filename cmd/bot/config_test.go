package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/conversation"
)

func TestLoadConfigLocations(t *testing.T) {
	tests := []struct {
		name              string
		env               map[string]string
		where             *locations
		corpus, indexDir  string
		slack, discordSet bool
	}{
		{"defaults", nil, nil, "", filepath.Join("data", "index"), false, false},
		{"environment", map[string]string{"CORPUS_DIR": "/c", "DATA_DIR": "/d"}, nil, "/c", filepath.Join("/d", "index"), false, false},
		{"flags win", map[string]string{"CORPUS_DIR": "/c", "DATA_DIR": "/d"}, &locations{corpus: "/f", index: "/i"}, "/f", "/i", false, false},
		{"platforms", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "DISCORD_PUBLIC_KEY": strings.Repeat("ab", 32)}, nil, "", filepath.Join("data", "index"), true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := loadConfig(mapEnv(tt.env), tt.where)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.CorpusDir != tt.corpus || cfg.IndexDir != tt.indexDir || (cfg.Slack != nil) != tt.slack || (cfg.Discord != nil) != tt.discordSet {
				t.Errorf("loadConfig = corpus %q, index %q, slack %v, discord %v; want %q, %q, %v, %v",
					cfg.CorpusDir, cfg.IndexDir, cfg.Slack != nil, cfg.Discord != nil, tt.corpus, tt.indexDir, tt.slack, tt.discordSet)
			}
		})
	}
}

// TestEveryCommandHasHelp walks the command table: each command prints its
// usage for --help and succeeds, without reading the configuration.
func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			cl := newCLI(t)
			cl.env["LOG_LEVEL"] = "bogus" // never read for --help
			_, stderr, err := cl.run("", c.name, "--help")
			if err != nil || !strings.Contains(stderr, "Usage: bot "+c.name) {
				t.Errorf("bot %s --help = %v, printed:\n%s", c.name, err, stderr)
			}
			if !strings.Contains(usage(), "  "+c.name) {
				t.Errorf("the overview does not list %s", c.name)
			}
		})
	}
}

func TestConversationQuiet(t *testing.T) {
	tests := []struct {
		value   string
		want    time.Duration
		wantErr bool
	}{
		{"", conversation.DefaultQuiet, false},
		{"45m", 45 * time.Minute, false},
		{"off", -1, false},
		{"0", -1, false},
		{"10s", 0, true},
		{"forever", 0, true},
		{"400h", 0, true},
	}
	env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "DISCORD_PUBLIC_KEY": strings.Repeat("ab", 32)}
	for _, tt := range tests {
		env["CONVERSATION_QUIET"] = tt.value
		cfg, err := loadConfig(mapEnv(env), nil)
		if tt.wantErr {
			if err == nil || !strings.Contains(err.Error(), "CONVERSATION_QUIET") {
				t.Errorf("CONVERSATION_QUIET=%q: %v, want an error naming it", tt.value, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("CONVERSATION_QUIET=%q: %v", tt.value, err)
		}
		if cfg.Quiet != tt.want || cfg.Slack.Quiet != tt.want || cfg.Discord.Quiet != tt.want {
			t.Errorf("CONVERSATION_QUIET=%q: quiet %v, slack %v, discord %v; want %v", tt.value, cfg.Quiet, cfg.Slack.Quiet, cfg.Discord.Quiet, tt.want)
		}
	}
}
