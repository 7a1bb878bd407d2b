package main

import (
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	discordbot "github.com/briefbot/briefbot/adapters/discord"
)

// discordConfigFromEnv reads the Discord settings. Discord is enabled when
// DISCORD_BOT_TOKEN (gateway) or DISCORD_PUBLIC_KEY (HTTP interactions) is
// set. Errors name the variable and never include the token.
func discordConfigFromEnv(getenv func(string) string) (cfg discordbot.Config, enabled bool, err error) {
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	token := strings.TrimSpace(strings.TrimPrefix(get("DISCORD_BOT_TOKEN"), "Bot "))
	appID := get("DISCORD_APP_ID")
	guildID := get("DISCORD_GUILD_ID")
	publicKey := get("DISCORD_PUBLIC_KEY")
	apiURL := get("DISCORD_API_URL")
	content := get("DISCORD_MESSAGE_CONTENT")

	if token == "" && publicKey == "" {
		for _, name := range []string{"DISCORD_APP_ID", "DISCORD_GUILD_ID", "DISCORD_API_URL", "DISCORD_MESSAGE_CONTENT"} {
			if get(name) != "" {
				return discordbot.Config{}, false, fmt.Errorf("%s is set but neither DISCORD_BOT_TOKEN nor DISCORD_PUBLIC_KEY is: set one to enable Discord", name)
			}
		}
		return discordbot.Config{}, false, nil
	}
	if token != "" {
		if strings.ContainsAny(token, " \t\r\n\"'") {
			return discordbot.Config{}, false, fmt.Errorf("DISCORD_BOT_TOKEN contains spaces or quotes; paste the token from the Bot page as is")
		}
		if appID == "" {
			return discordbot.Config{}, false, fmt.Errorf("DISCORD_APP_ID is required with DISCORD_BOT_TOKEN (the Application ID on the General Information page)")
		}
	}
	if appID != "" && !isSnowflake(appID) {
		return discordbot.Config{}, false, fmt.Errorf("DISCORD_APP_ID %q is not a Discord ID (digits only)", appID)
	}
	if guildID != "" && !isSnowflake(guildID) {
		return discordbot.Config{}, false, fmt.Errorf("DISCORD_GUILD_ID %q is not a Discord ID (digits only)", guildID)
	}
	if publicKey != "" {
		if b, err := hex.DecodeString(publicKey); err != nil || len(b) != 32 {
			return discordbot.Config{}, false, fmt.Errorf("DISCORD_PUBLIC_KEY must be 64 hex characters (the Public Key on the General Information page)")
		}
	}
	if apiURL != "" {
		u, err := url.Parse(apiURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" {
			return discordbot.Config{}, false, fmt.Errorf("DISCORD_API_URL%s: want http(s)://host[:port][/prefix], without a user, password or query", shownURL(apiURL))
		}
	}
	messageContent := false
	switch strings.ToLower(content) {
	case "", "false", "0", "no":
	case "true", "1", "yes":
		if token == "" {
			return discordbot.Config{}, false, fmt.Errorf("DISCORD_MESSAGE_CONTENT needs DISCORD_BOT_TOKEN: messages arrive over the gateway only")
		}
		messageContent = true
	default:
		return discordbot.Config{}, false, fmt.Errorf("DISCORD_MESSAGE_CONTENT=%q: use true or false", content)
	}
	return discordbot.Config{
		BotToken:       token,
		AppID:          appID,
		GuildID:        guildID,
		PublicKey:      publicKey,
		APIURL:         apiURL,
		MessageContent: messageContent,
	}, true, nil
}

func isSnowflake(s string) bool {
	if len(s) < 1 || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
