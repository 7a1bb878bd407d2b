package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// InteractionsPath is where Register serves Discord's HTTP interactions.
const InteractionsPath = "/discord/interactions"

// Register adds the HTTP interactions endpoint (POST /discord/interactions)
// to mux when a public key is configured, and does nothing otherwise. Set
// the application's Interactions Endpoint URL to it.
func (b *Bot) Register(mux *http.ServeMux) {
	if b.pubKey == nil {
		return
	}
	mux.HandleFunc("POST "+InteractionsPath, b.serveInteraction)
}

// serveInteraction verifies and answers one interaction. Anything not
// provably from Discord (bad or missing signature, a timestamp outside the
// window, a body over the limit) gets 401, which is also what Discord's
// endpoint check expects for a bad signature.
func (b *Bot) serveInteraction(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, b.cfg.MaxBodyBytes))
	if err != nil {
		b.log.Debug("interaction body rejected", "err", err)
		http.Error(w, "invalid request", http.StatusUnauthorized)
		return
	}
	if !b.verify(r.Header, body) {
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		http.Error(w, "malformed interaction", http.StatusBadRequest)
		return
	}
	switch i.Type {
	case discordgo.InteractionPing:
		writeJSON(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		return
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete, discordgo.InteractionMessageComponent:
	default:
		http.Error(w, "unsupported interaction type", http.StatusBadRequest)
		return
	}
	if !b.seen.first("i:" + i.ID) {
		b.log.Debug("duplicate interaction", "id", i.ID)
		http.Error(w, "duplicate interaction", http.StatusConflict)
		return
	}
	if a := b.begin(); a != admitted {
		// Both are true and tell the person what to do; nothing is left
		// running, so they need no in-flight slot.
		text := busyText
		if a == admitClosing {
			text = restartingText
		}
		if err := writeJSON(w, messageResponse(textReply(text), true)); err != nil {
			b.drop(b.log.With("interaction", i.ID), "busy reply failed", err)
			return
		}
		b.busy.Add(1)
		return
	}
	defer b.end()
	var once sync.Once
	answered := false
	respond := func(_ context.Context, resp *discordgo.InteractionResponse) error {
		err := errors.New("interaction already answered")
		once.Do(func() { answered, err = true, writeJSON(w, resp) })
		return err
	}
	b.handleInteraction(r.Context(), &i, respond)
	if !answered {
		http.Error(w, "unsupported interaction", http.StatusBadRequest)
	}
}

// verify checks Discord's Ed25519 signature over timestamp+body and that the
// timestamp is within SignatureWindow of now, so a captured request cannot
// be replayed later. discordgo.VerifyInteraction checks only the signature.
func (b *Bot) verify(h http.Header, body []byte) bool {
	sec, err := strconv.ParseInt(h.Get("X-Signature-Timestamp"), 10, 64)
	if err != nil {
		return false
	}
	skew := b.cfg.Clock().Sub(time.Unix(sec, 0))
	if skew > b.cfg.SignatureWindow || skew < -b.cfg.SignatureWindow {
		return false
	}
	req := &http.Request{Header: h, Body: io.NopCloser(bytes.NewReader(body))}
	return discordgo.VerifyInteraction(req, b.pubKey)
}

func writeJSON(w http.ResponseWriter, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(data)
	return err
}
