package main

import "testing"

func TestReporterQuestion(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Thank you. On Haiti. Will the U.S. send troops?", "Thank you. On Haiti. Will the U.S. send troops?"},
		{"No question here.", ""},
		{"Yes?", ""},
		{"A long preamble about many things that happened this week in the news and elsewhere in the world, and more. Will you veto the bill?", "Will you veto the bill?"},
		{"And — and — just following up — does the President support it? Thanks.", "And — and — just following up — does the President support it?"},
	}
	for _, tt := range tests {
		if got := reporterQuestion(tt.in); got != tt.want {
			t.Errorf("reporterQuestion(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
