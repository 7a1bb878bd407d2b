package main

import (
	"strings"
	"testing"
)

func TestDiscordConfigFromEnv(t *testing.T) {
	const key = "8f3c1ab0e2d4f6a8c0b2d4e6f8a0c2e4f6a8b0d2e4f6a8c0b2d4e6f8a0c2e4f6"
	tests := []struct {
		name    string
		env     map[string]string
		enabled bool
		wantErr string // substring; "" = no error
	}{
		{"unset", map[string]string{}, false, ""},
		{"gateway", map[string]string{"DISCORD_BOT_TOKEN": "tok.en-1", "DISCORD_APP_ID": "42", "DISCORD_GUILD_ID": "200"}, true, ""},
		{"http only", map[string]string{"DISCORD_PUBLIC_KEY": key}, true, ""},
		{"both", map[string]string{"DISCORD_BOT_TOKEN": "tok", "DISCORD_APP_ID": "42", "DISCORD_PUBLIC_KEY": key, "DISCORD_API_URL": "http://127.0.0.1:9999"}, true, ""},
		{"token without app id", map[string]string{"DISCORD_BOT_TOKEN": "tok"}, false, "DISCORD_APP_ID"},
		{"bad app id", map[string]string{"DISCORD_BOT_TOKEN": "tok", "DISCORD_APP_ID": "abc"}, false, "DISCORD_APP_ID"},
		{"bad guild id", map[string]string{"DISCORD_BOT_TOKEN": "tok", "DISCORD_APP_ID": "42", "DISCORD_GUILD_ID": "my-guild"}, false, "DISCORD_GUILD_ID"},
		{"short key", map[string]string{"DISCORD_PUBLIC_KEY": "abcd"}, false, "DISCORD_PUBLIC_KEY"},
		{"non-hex key", map[string]string{"DISCORD_PUBLIC_KEY": strings.Repeat("z", 64)}, false, "DISCORD_PUBLIC_KEY"},
		{"bad api url", map[string]string{"DISCORD_PUBLIC_KEY": key, "DISCORD_API_URL": "discord.com"}, false, "DISCORD_API_URL"},
		{"token with space", map[string]string{"DISCORD_BOT_TOKEN": "secret value", "DISCORD_APP_ID": "42"}, false, "DISCORD_BOT_TOKEN"},
		{"app id alone", map[string]string{"DISCORD_APP_ID": "42"}, false, "DISCORD_APP_ID"},
		{"message content", map[string]string{"DISCORD_BOT_TOKEN": "tok", "DISCORD_APP_ID": "42", "DISCORD_MESSAGE_CONTENT": "true"}, true, ""},
		{"message content, http only", map[string]string{"DISCORD_PUBLIC_KEY": key, "DISCORD_MESSAGE_CONTENT": "true"}, false, "DISCORD_MESSAGE_CONTENT"},
		{"message content not a boolean", map[string]string{"DISCORD_BOT_TOKEN": "tok", "DISCORD_APP_ID": "42", "DISCORD_MESSAGE_CONTENT": "maybe"}, false, "DISCORD_MESSAGE_CONTENT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, enabled, err := discordConfigFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr == "" && err != nil {
				t.Fatalf("discordConfigFromEnv = %v, want no error", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("discordConfigFromEnv = %v, want an error naming %s", err, tt.wantErr)
			}
			if err != nil {
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("error %q contains the token", err)
				}
				return
			}
			if enabled != tt.enabled {
				t.Errorf("enabled = %v, want %v", enabled, tt.enabled)
			}
			if enabled && (cfg.BotToken != tt.env["DISCORD_BOT_TOKEN"] || cfg.AppID != tt.env["DISCORD_APP_ID"] ||
				cfg.GuildID != tt.env["DISCORD_GUILD_ID"] || cfg.PublicKey != tt.env["DISCORD_PUBLIC_KEY"] || cfg.APIURL != tt.env["DISCORD_API_URL"] ||
				cfg.MessageContent != (tt.env["DISCORD_MESSAGE_CONTENT"] == "true")) {
				t.Errorf("cfg = %+v, want the environment's values", cfg)
			}
		})
	}
}
