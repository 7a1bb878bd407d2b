package answer

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/briefbot/briefbot/corpus"
)

// Quote-worthiness: a quote is a statement that can answer. Questions
// (whoever asks them), headings, datelines, name-and-title lines, list
// markers, fragments without a verb and boilerplate ("Thank you.", "Go
// ahead.", "NOW, THEREFORE, I, ... do hereby proclaim") are never the
// sentence a quote is built on.

var (
	// List markers: "(g) ", "12. ", "b) ", "iv. ", "• " (never "Mr. " or "Gen. ").
	reListMarker = regexp.MustCompile(`^(?:\([a-zA-Z0-9]{1,3}\)|[0-9]{1,3}[.)]|[a-zA-Z]\)|[ivxIVX]{1,4}[.)]|[•·▪‣◦*–—-])\s`)
	reSection    = regexp.MustCompile(`^(?i:sec(?:tion)?\.?|article|part|title)\s+[0-9IVX]+[a-z]?\b`)
	// Proclamations and orders open and close with formulas (see formula).
	reFormulaStart = regexp.MustCompile(`(?i)^(?:now,? therefore|in witness whereof|by the authority vested in me|it is hereby ordered|i hereby (?:direct|order))`)
	reGreeting     = regexp.MustCompile(`^(?:and |well, |so, |okay, |ok, )?(?:thank you|thanks(?: so much| again| all| everyone| everybody| for|[,.!]|$)|good (?:morning|afternoon|evening)|(?:hi|hello|welcome|okay|ok|all right|alright|great|sure|yeah|go ahead)(?:[,.!]| everyone| everybody| all|$))`)
	reMyth         = regexp.MustCompile(`^\W*(?:MYTH|Myth|CLAIM|Claim|HOAX|Hoax)\W*:`)
	reClockTime    = regexp.MustCompile(`(?i)^\d{1,2}:\d{2}\s*[ap]\.?\s*m\.?`)
)

// housekeeping are phrases, lower case, of sentences about the event
// itself rather than its news: logistics of a call or a briefing, the
// furniture of a news page, the formulas of proclamations. Neither a quote
// nor a digest is built on them.
var housekeeping = []string{
	"for joining", "on background", "embargo", "questions at the end", "take a few questions",
	"take some questions", "take your questions", "take questions", "over to you",
	"turn it over", "hand it over", "kick us off", "kick it off", "get us started",
	"happy to take", "proceed with the briefing", "proceed with a briefing", "the pool",
	"keep you updated", "keep you guys updated", "keep you posted", "on the record",
	"off the record", "for attribution", "contributed to this report", "see also:",
	"load more", "in other news", "click here", "sign up", "subscribe", "all rights reserved",
	"copyright", "via teleconference", "press briefing room", "as prepared for delivery",
	"now, therefore", "do hereby proclaim", "in witness whereof", "hereunto set my hand",
	"by virtue of the authority vested in me",
	// Who is at the podium, not what they say: "Joining me today is our
	// National Security Advisor, Jake Sullivan, who will provide an
	// update on Afghanistan", "It is my honor to be back at the Munich
	// Security Conference."
	"joining me today", "joining us today", "i'm joined by", "i am joined by", "we're joined by",
	"we are joined by", "without further ado", "special guest", "next up, we have", "to the podium",
	"honor to be back", "honor to be here", "honor to be with", "pleasure to be here",
	"pleasure to be back", "pleasure to be with", "great to be here", "great to be back",
	"good to be back", "good to be here",
}

// formula reports whether sentence s, and lower, the same in lower case,
// is a formula of a proclamation or an order: "NOW, THEREFORE, I …",
// "… do hereby proclaim …", "It is so ordered." The phrases inside a
// sentence are found without a regular expression, which would scan
// every sentence a question's passages hold.
func formula(s, lower string) bool {
	return reFormulaStart.MatchString(s) || strings.Contains(lower, "do hereby proclaim") ||
		strings.Contains(lower, "hereunto set my hand") || strings.Contains(lower, "it is so ordered")
}

// segueWords are words one of which every segue holds (see reSegue): a
// cheap test before the expression.
var segueWords = []string{"gears", "topic", "subject", "turn", "switch", "mov", "pivot", "shift"}

// maySegue reports whether lower may match reSegue.
func maySegue(lower string) bool {
	for _, w := range segueWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// mayFalseStart reports whether s may match reFalseStart: a hyphen
// followed by a space, a dash or the end.
func mayFalseStart(s string) bool {
	for i := strings.IndexByte(s, '-'); i >= 0; {
		rest := s[i+1:]
		if rest == "" || strings.IndexByte("\t\n\f\r ", rest[0]) >= 0 || strings.HasPrefix(rest, "—") || strings.HasPrefix(rest, "–") {
			return true
		}
		j := strings.IndexByte(rest, '-')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// reSegue matches short sentences that move a conversation to a subject
// without saying anything about it: "And if I could switch to Haiti, if
// you don't mind.", "If I could quickly turn to Haiti."
var reSegue = regexp.MustCompile(`\b(?:(?:switch|shift)(?:ing)? gears|chang(?:e|ing) (?:topics|subjects)|(?:different|another) (?:topic|subject)|(?:if i (?:could|may|might)|let me|i'd like to|i would like to|i want to|can i|could i|i'm going to|i'll)(?: \w+){0,2} (?:turn|switch|move|pivot|shift)(?: now| quickly| over| back| on)? to)\b|^(?:\W*(?:and|so|now|okay|ok)\W+)?(?:switch(?:ing)?|pivot(?:ing)?|mov(?:e|ing) on) to\b`)

// rePointer matches a sentence that sends the reader elsewhere for the
// news: "For more on the Administration's work to advance AI, visit
// AI.gov.", "To view the letter from the Physician, visit: https://…".
var rePointer = regexp.MustCompile(`^(?:\W*(?:and|so)\W+)?(?:for (?:more|additional|further|the full|a full|a list|details)|to (?:learn|read|find out|view|watch|see|download|sign up|apply|register|access)|(?:learn|read|find out) more|more (?:information|details)|additional information|further information|full (?:text|remarks|video))\b.*(?:\b(?:visit|go to|see):?\s+\S+\.(?:gov|com|org|net|us|io)\b|\bavailable (?:at|here|online)|\bfound (?:at|here)|\bclick|https?://|www\.)`)

// reFalseStart matches a word broken off in speech: "wh-", "I- ".
var reFalseStart = regexp.MustCompile(`\pL+-(?:\s|—|–|$)`)

// quotable reports whether sentence s can be the sentence a quote is
// built on.
func quotable(s string) bool {
	s = strings.TrimSpace(s)
	core := strings.TrimRight(s, `"'”’)] `)
	if core == "" || strings.HasSuffix(core, "?") {
		return false
	}
	lower := strings.ToLower(strings.ReplaceAll(s, "’", "'"))
	if stageNote(s) || reListMarker.MatchString(s) || reSection.MatchString(s) || reClockTime.MatchString(s) || formula(s, lower) {
		return false
	}
	words := CountWords(s)
	if words < 4 || mayFalseStart(s) && CountWords(reFalseStart.ReplaceAllString(s, " ")) < 4 {
		return false // "Thank you.", "2023.", "Michael.", "Thanks, Admiral.", "Wait — wh- — hold on."
	}
	if words < 12 && reGreeting.MatchString(lower) {
		return false
	}
	if words < 25 && maySegue(lower) {
		if loc := reSegue.FindStringIndex(lower); loc != nil && (words < 15 || loc[0] < 12) {
			return false // a segue, or a sentence that opens with one
		}
	}
	if words < 40 && rePointer.MatchString(lower) {
		return false // a pointer to where the news is
	}
	if words < 30 {
		for _, h := range housekeeping {
			if strings.Contains(lower, h) {
				return false
			}
		}
	}
	if !hasLower(s) {
		return false // headings in capitals
	}
	ended := strings.HasSuffix(core, ".") || strings.HasSuffix(core, "!") || strings.HasSuffix(s, "”") || strings.HasSuffix(s, "\"")
	if !ended && (words < 12 || strings.HasSuffix(core, ":") || titleCase(s)) {
		return false // headings, datelines, "Name, Title" lines, list items, headlines
	}
	if reMyth.MatchString(s) {
		return false // "MYTH: …" is what a fact-check refutes
	}
	if label, quoted := clipLabel(s); label != "" && !quoted && strings.Contains(label, " ") {
		return false // a press clipping: "Outlet Name: headline"
	}
	return hasVerb(s)
}

// titleCase reports whether most of the longer words of s are
// capitalised, as in a headline: "Inc.: Trump’s ‘Big Beautiful Bill’
// Offers a Big Tax Win for Small Businesses".
func titleCase(s string) bool {
	long, capital := 0, 0
	for w := range strings.FieldsFuncSeq(s, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if utf8.RuneCountInString(w) < 4 {
			continue
		}
		long++
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) {
			capital++
		}
	}
	return long >= 3 && capital*10 >= long*7
}

// stageNote reports a transcript's note of what happens: "(Laughter.)".
func stageNote(s string) bool {
	return (strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")")) || (strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"))
}

// CountWords counts the words of s: runs of letters and digits.
func CountWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

func hasLower(s string) bool {
	for _, r := range s {
		if unicode.IsLower(r) {
			return true
		}
	}
	return false
}

// hasVerb reports whether s has a finite verb: an auxiliary, a modal, a
// common verb in any form, or a past-tense "-ed" word after its first.
func hasVerb(s string) bool {
	first := true
	for w := range strings.FieldsFuncSeq(s, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '’' }) {
		lw := strings.ToLower(strings.ReplaceAll(w, "’", "'"))
		if i := strings.IndexByte(lw, '\''); i > 0 {
			switch lw[i:] {
			case "'s", "'re", "'ve", "'ll", "'d", "'m", "n't":
				if lw[i:] != "'s" || verbs[lw[:i]] || pronouns[lw[:i]] {
					return true
				}
			}
			if strings.HasSuffix(lw, "n't") {
				return true
			}
			lw = lw[:i]
		}
		if verbs[lw] {
			return true
		}
		if !first && len(lw) > 4 && strings.HasSuffix(lw, "ed") && !notVerbsEd[lw] {
			return true
		}
		first = false
	}
	return false
}

var pronouns = wordSet(`i you he she it we they that there here what who this`)

// notVerbsEd end in "-ed" without being verbs.
var notVerbsEd = wordSet(`united red bed need speed seed feed weed hundred indeed shed sacred naked wicked
kindred breed creed greed deed tweed`)

// verbs is a lexicon of common English verbs in all their forms, and the
// auxiliaries and modals.
var verbs = func() map[string]bool {
	m := wordSet(`is are was were be been being am has have had having do does did doing done will would
	shall should can could may might must ought cannot wo 's 're 've 'll 'd 'm
	said says say saying told tells tell made makes make making took takes take taking went goes go going
	came comes come coming gave gives give giving got gets get getting knew knows know known saw sees see
	seen thought thinks think found finds find left leaves leave felt feels feel kept keeps keep began begins
	begun brought brings bring held holds hold stood stands stand meant means mean met meets meet ran runs
	run paid pays pay sent sends send built builds build spent spends spend lost loses lose understood
	understands understand led leads lead won wins win spoke speaks speak wrote writes write written chose
	chooses chosen broke breaks broken fell falls fallen rose rises risen grew grows grown drove drives
	driven shown shows show sold sells sell bought buys buy taught teaches teach sought seeks seek fought
	fights fight caught catches catch heard hears hear set sets put puts cut cuts hit hits let lets
	hurt hurts cost costs quit read reads spread spreads shut shuts bear bears bore borne`)
	for _, v := range strings.Fields(`accept achieve act add address affect agree aim allow announce answer
	appear apply appoint approve argue arrive ask assist assume attack attempt authorize avoid back ban
	become believe belong benefit block boost call care carry cause change charge check claim close
	commit compare complete concern condemn confirm consider contain continue contribute control cover
	create cross cut deal decide declare decline defeat defend deliver demand deny depend deploy describe
	deserve design destroy determine develop die direct discuss do drop earn ease emerge emphasize enable
	encourage end engage ensure enter establish evaluate expand expect explain express extend face fail
	fear file fill finish fix focus follow force form fund gain govern grant guarantee handle happen hate
	head help hire hope host identify ignore impose improve include increase indicate influence inform
	insist intend introduce invest invite involve issue join judge jump kill launch lay learn lend lift
	like limit link list listen live look love lower maintain manage mark matter mention miss move name
	need negotiate note notice obtain occur offer open operate oppose order own pass perform permit pick
	place plan play pledge point prefer prepare present press prevent proceed produce prohibit promise
	promote propose protect prove provide publish pull purchase pursue push raise reach react realize
	receive recognize recommend reduce refer reflect refuse reject release rely remain remember remove
	repeat replace report represent request require resolve respond rest restore result return reveal
	review ring risk rule save secure seem sign speed start state stay step stop strengthen stress strike
	struggle study submit succeed suffer suggest support suppose surge survive suspend target tend thank
	threaten track trade train travel treat try turn undermine unite urge use vary veto visit vote wait
	walk want warn watch welcome wish withdraw wonder work worry`) {
		m[v] = true
		for _, f := range inflect(v) {
			m[f] = true
		}
	}
	return m
}()

// inflect returns the regular forms of a base verb: -s, -ed, -ing.
func inflect(v string) []string {
	last := v[len(v)-1]
	var s, ed, ing string
	switch {
	case strings.HasSuffix(v, "s") || strings.HasSuffix(v, "sh") || strings.HasSuffix(v, "ch") || strings.HasSuffix(v, "x") || strings.HasSuffix(v, "z") || strings.HasSuffix(v, "o"):
		s = v + "es"
	case last == 'y' && len(v) > 2 && !strings.ContainsRune("aeiou", rune(v[len(v)-2])):
		s = v[:len(v)-1] + "ies"
	default:
		s = v + "s"
	}
	switch {
	case last == 'e':
		ed, ing = v+"d", v[:len(v)-1]+"ing"
	case last == 'y' && len(v) > 2 && !strings.ContainsRune("aeiou", rune(v[len(v)-2])):
		ed, ing = v[:len(v)-1]+"ied", v+"ing"
	default:
		ed, ing = v+"ed", v+"ing"
	}
	return []string{s, ed, ing}
}

// speakerOf returns who speaks passage p of d, for a citation: the
// person's name, else the transcript's label, else, in a news report, the
// person a sentence quotes.
func speakerOf(d *corpus.Document, p int, text string) string {
	ps := d.Passages[p]
	switch {
	case ps.Name != "":
		return ps.Name
	case ps.Speaker != "":
		return ps.Speaker
	}
	if label, quoted := clipLabel(text); quoted {
		return label // "Speaker Mike Johnson: “…”" quotes Mike Johnson
	}
	return attribution(text)
}

// clipLabel splits a line that opens with the name of who is quoted or of
// a publication: "Speaker Mike Johnson: “President Trump is …”", "Rasmussen
// Reports: 61% say …", "Le Monde: “Trump triumphant …”". It returns the
// label and whether the rest opens with a quotation mark; label is ""
// when the line has no such opening. Headings in capitals ("SAVING TIKTOK
// FROM GOING DARK: Today, …"), dates and clauses ("Here's what that
// decision means: …") are not labels.
func clipLabel(s string) (label string, quoted bool) {
	s = strings.TrimSpace(s)
	i := strings.Index(s, ": ")
	if i <= 0 || i > 90 {
		return "", false
	}
	label, rest := s[:i], strings.TrimSpace(s[i+2:])
	if rest == "" {
		return "", false
	}
	words := strings.Fields(label)
	if len(words) > 12 || !hasLower(label) && len(words) > 2 || reMonthFirst.MatchString(label) ||
		strings.Count(label, "(") != strings.Count(label, ")") { // "Nikola Tesla (Serbian Cyrillic: …)"
		return "", false
	}
	paren := 0
	for _, w := range words {
		if paren > 0 || strings.HasPrefix(w, "(") {
			paren += strings.Count(w, "(") - strings.Count(w, ")")
			continue
		}
		r := []rune(w)[0]
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) && !labelConnectors[strings.ToLower(w)] && !labelRoles[strings.TrimRight(w, ",")] {
			return "", false
		}
	}
	r := []rune(rest)[0]
	return label, r == '“' || r == '"'
}

var (
	labelConnectors = map[string]bool{"of": true, "the": true, "and": true, "for": true, "on": true, "in": true, "at": true, "de": true, "du": true, "la": true, "le": true, "des": true, "del": true, "von": true, "van": true, "der": true, "den": true, "da": true, "di": true, "bin": true, "al": true, "&": true, "to": true}
	// labelRoles are the lower-case words of a clipping's label between
	// its outlet and its person: "Fox Business Network anchor Cheryl
	// Casone: “…”", "Washington Post columnist Marc Thiessen: “…”".
	labelRoles = map[string]bool{
		"anchor": true, "host": true, "co-host": true, "reporter": true, "correspondent": true, "columnist": true,
		"contributor": true, "commentator": true, "analyst": true, "editor": true, "writer": true, "author": true,
		"founder": true, "co-founder": true, "spokesman": true, "spokeswoman": true, "spokesperson": true,
		"advisor": true, "adviser": true, "economist": true, "strategist": true, "pollster": true, "journalist": true,
	}
	reMonthFirst = regexp.MustCompile(`^(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Today|Yesterday)\b`)
)
