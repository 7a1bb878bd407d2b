package main

import (
	"strings"
	"testing"
)

func TestSlackConfigFromEnv(t *testing.T) {
	const bot, app, secret = "xoxb-1-secretbot", "xapp-1-secretapp", "signing-secret-value"
	tests := []struct {
		name        string
		env         map[string]string
		wantEnabled bool
		wantErr     string // substring; "" means no error
	}{
		{name: "nothing set", env: map[string]string{}},
		{name: "socket mode", env: map[string]string{"SLACK_BOT_TOKEN": bot, "SLACK_APP_TOKEN": app}, wantEnabled: true},
		{name: "http mode", env: map[string]string{"SLACK_BOT_TOKEN": bot, "SLACK_SIGNING_SECRET": secret}, wantEnabled: true},
		{name: "all, with workers and API URL", env: map[string]string{"SLACK_BOT_TOKEN": " " + bot + "\n", "SLACK_APP_TOKEN": app,
			"SLACK_SIGNING_SECRET": secret, "SLACK_WORKERS": "8", "SLACK_API_URL": "https://slack-gov.com/api"}, wantEnabled: true},
		{name: "bad app token", env: map[string]string{"SLACK_BOT_TOKEN": bot, "SLACK_APP_TOKEN": "xoxb-2-secretapp"}, wantErr: "SLACK_APP_TOKEN must start with xapp-"},
		{name: "user token", env: map[string]string{"SLACK_BOT_TOKEN": "xoxp-1-secretbot", "SLACK_APP_TOKEN": app}, wantErr: "SLACK_BOT_TOKEN must start with xoxb-"},
		{name: "no transport", env: map[string]string{"SLACK_BOT_TOKEN": bot}, wantErr: "SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET"},
		{name: "app token without bot token", env: map[string]string{"SLACK_APP_TOKEN": app}, wantErr: "SLACK_BOT_TOKEN is required"},
		{name: "bad workers", env: map[string]string{"SLACK_BOT_TOKEN": bot, "SLACK_APP_TOKEN": app, "SLACK_WORKERS": "many"}, wantErr: "SLACK_WORKERS"},
		{name: "zero workers", env: map[string]string{"SLACK_BOT_TOKEN": bot, "SLACK_APP_TOKEN": app, "SLACK_WORKERS": "0"}, wantErr: "SLACK_WORKERS"},
		{name: "bad API URL", env: map[string]string{"SLACK_BOT_TOKEN": bot, "SLACK_APP_TOKEN": app, "SLACK_API_URL": "slack.com/api"}, wantErr: "SLACK_API_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, enabled, err := slackConfigFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("slackConfigFromEnv = %v, want an error containing %q", err, tt.wantErr)
				}
				for _, s := range []string{"secretbot", "secretapp", secret} {
					if strings.Contains(err.Error(), s) {
						t.Errorf("error %q leaks a secret", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("slackConfigFromEnv = %v", err)
			}
			if enabled != tt.wantEnabled {
				t.Errorf("enabled = %v, want %v", enabled, tt.wantEnabled)
			}
			if enabled && cfg.BotToken != bot {
				t.Errorf("BotToken not read (or not trimmed)")
			}
			if w := tt.env["SLACK_WORKERS"]; w == "8" && cfg.Workers != 8 {
				t.Errorf("Workers = %d, want 8", cfg.Workers)
			}
			if tt.env["SLACK_API_URL"] != "" && cfg.APIURL != "https://slack-gov.com/api/" {
				t.Errorf("APIURL = %q, want a trailing slash added", cfg.APIURL)
			}
		})
	}
}
