package index

import "testing"

func TestOneEdit(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"zelensky", "zelenskyy", true}, {"zelenksy", "zelensky", true}, {"harris", "haris", true},
		{"harris", "harrys", true}, {"harris", "harris", false}, {"harris", "hxrrxs", false}, {"ab", "abcd", false},
	}
	for _, tt := range tests {
		if got := oneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("oneEdit(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSimilar(t *testing.T) {
	x := builtIndex(t,
		testDoc("a", "President Zelenskyy spoke.\n\nZelenskyy thanked Ukraine."),
		testDoc("b", "Zelenskyy met the President."),
		testDoc("c", "A Zelensky spelling, once. Ukraine and ukraine."),
	)
	if alt, n := x.Similar("zelensky"); alt != "zelenskyy" || n == 0 {
		t.Errorf("Similar(zelensky) = %q, %d; want zelenskyy", alt, n)
	}
	if alt, _ := x.Similar("ukraine"); alt != "" {
		t.Errorf("Similar(ukraine) = %q; want none (no neighbour is more common)", alt)
	}
}
