package main

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	slackbot "github.com/briefbot/briefbot/adapters/slack"
)

// slackConfigFromEnv reads the Slack settings. Slack is enabled when
// SLACK_BOT_TOKEN is set; errors name the variable but never echo a value,
// since most of them are secrets.
func slackConfigFromEnv(getenv func(string) string) (cfg slackbot.Config, enabled bool, err error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	cfg = slackbot.Config{
		BotToken:      get("SLACK_BOT_TOKEN"),
		AppToken:      get("SLACK_APP_TOKEN"),
		SigningSecret: get("SLACK_SIGNING_SECRET"),
		APIURL:        get("SLACK_API_URL"),
	}
	if cfg.BotToken == "" {
		if cfg.AppToken != "" || cfg.SigningSecret != "" {
			return slackbot.Config{}, false, errors.New("SLACK_BOT_TOKEN is required when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set")
		}
		return slackbot.Config{}, false, nil
	}
	if !strings.HasPrefix(cfg.BotToken, "xoxb-") {
		return slackbot.Config{}, false, errors.New("SLACK_BOT_TOKEN must start with xoxb- (the Bot User OAuth Token)")
	}
	if cfg.AppToken != "" && !strings.HasPrefix(cfg.AppToken, "xapp-") {
		return slackbot.Config{}, false, errors.New("SLACK_APP_TOKEN must start with xapp- (an app-level token with connections:write)")
	}
	if cfg.AppToken == "" && cfg.SigningSecret == "" {
		return slackbot.Config{}, false, errors.New("SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is")
	}
	if cfg.APIURL != "" {
		u, err := url.Parse(cfg.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return slackbot.Config{}, false, errors.New("SLACK_API_URL must be an http(s) URL such as https://slack.com/api/")
		}
		if !strings.HasSuffix(cfg.APIURL, "/") {
			cfg.APIURL += "/"
		}
	}
	if s := get("SLACK_WORKERS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 64 {
			return slackbot.Config{}, false, errors.New("SLACK_WORKERS must be a whole number from 1 to 64")
		}
		cfg.Workers = n
	}
	return cfg, true, nil
}
