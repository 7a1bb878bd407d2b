package corpus

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Term is one person's time in an office.
type Term struct {
	Name     string
	From, To time.Time // To is zero while the term lasts
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// offices are the offices a transcript names without a name ("THE
// PRESIDENT:"), with their holders since 2017. Terms begin and end on
// Inauguration Day.
var offices = map[string][]Term{
	"president": {
		{"Donald Trump", day(2017, 1, 20), day(2021, 1, 20)},
		{"Joe Biden", day(2021, 1, 20), day(2025, 1, 20)},
		{"Donald Trump", day(2025, 1, 20), time.Time{}},
	},
	"vice president": {
		{"Mike Pence", day(2017, 1, 20), day(2021, 1, 20)},
		{"Kamala Harris", day(2021, 1, 20), day(2025, 1, 20)},
		{"JD Vance", day(2025, 1, 20), time.Time{}},
	},
	"first lady": {
		{"Melania Trump", day(2017, 1, 20), day(2021, 1, 20)},
		{"Jill Biden", day(2021, 1, 20), day(2025, 1, 20)},
		{"Melania Trump", day(2025, 1, 20), time.Time{}},
	},
	"second gentleman": {
		{"Doug Emhoff", day(2021, 1, 20), day(2025, 1, 20)},
	},
	"second lady": {
		{"Karen Pence", day(2017, 1, 20), day(2021, 1, 20)},
		{"Usha Vance", day(2025, 1, 20), time.Time{}},
	},
}

// Offices returns the holders of an office ("president", "vice
// president", "first lady", "second gentleman", "second lady") in the
// order they served; nil for an office the table does not know.
func Offices(office string) []Term {
	return offices[strings.ToLower(office)]
}

// OfficeHolder returns who held office on the day of t, or "" when the
// table does not say. source, the document's publisher, settles the day
// of a transition: on Inauguration Day an archive of the outgoing
// administration ("bidenwhitehouse.archives.gov") still speaks for it.
func OfficeHolder(office string, t time.Time, source string) string {
	terms := offices[strings.ToLower(office)]
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	d := day(t.Year(), t.Month(), t.Day())
	for i, tm := range terms {
		if d.Before(tm.From) || !tm.To.IsZero() && !d.Before(tm.To) {
			continue
		}
		if d.Equal(tm.From) && i > 0 && strings.Contains(source, "archives.gov") {
			prev := terms[i-1]
			if strings.Contains(source, strings.ToLower(surname(prev.Name))) {
				return prev.Name
			}
		}
		return tm.Name
	}
	return ""
}

func surname(name string) string {
	if i := strings.LastIndexByte(name, ' '); i >= 0 {
		return name[i+1:]
	}
	return name
}

// officeLabels are transcript labels that name an office rather than a
// person.
var officeLabels = map[string]string{
	"THE PRESIDENT": "president", "PRESIDENT": "president", "THE PRESIDENET": "president",
	"THE VICE PRESIDENT": "vice president", "VICE PRESIDENT": "vice president",
	"THE FIRST LADY": "first lady", "FIRST LADY": "first lady",
	"THE SECOND GENTLEMAN": "second gentleman", "SECOND GENTLEMAN": "second gentleman",
	"THE SECOND LADY": "second lady", "SECOND LADY": "second lady",
}

// anonymous are the words of labels that stand for no one in particular:
// "SENIOR ADMINISTRATION OFFICIAL", "AUDIENCE MEMBER", "MODERATOR".
var anonymous = map[string]bool{
	"OFFICIAL": true, "OFFICIALS": true, "MODERATOR": true, "AUDIENCE": true, "MEMBER": true,
	"MEMBERS": true, "PARTICIPANT": true, "PARTICIPANTS": true, "OPERATOR": true, "AIDE": true,
	"STAFF": true, "STAFFER": true, "CHILD": true, "CHILDREN": true, "CUSTOMER": true, "CROWD": true,
	"STUDENT": true, "STUDENTS": true, "REPORTER": true, "REPORTERS": true, "VOICE": true,
	"VOICES": true, "INTERPRETER": true, "NARRATOR": true, "ANNOUNCER": true, "SPEAKER": true,
	"ATTENDEE": true, "ATTENDEES": true, "PLAYERS": true, "CREW": true, "GUEST": true,
	"UNIDENTIFIED": true, "PROTESTER": true, "PROTESTERS": true, "TRANSLATOR": true,
	"AUDICENCE": true, "WORKER": true, "WORKERS": true, "VOLUNTEER": true, "KIDS": true,
}

// honorifics may stand alone before a surname in a label ("MR. KIRBY");
// a label of one word without one is no person (see label).
var honorifics = map[string]bool{
	"MR.": true, "MS.": true, "MRS.": true, "DR.": true, "MR": true, "MS": true, "MRS": true,
	"DR": true, "MISS": true, "MX.": true,
}

// roleWords are the words of titles and offices that come before a name
// in a title or a sentence ("Press Secretary Karine Jean-Pierre"), never a
// first name.
var roleWords = wordSet(`press secretary president vice mr ms mrs dr miss admiral adm
	general gen ambassador senator sen governor gov mayor director administrator chairman chair
	chairwoman coordinator advisor adviser deputy principal communications strategic security
	national council house white the and by of for to on at in with from leader speaker
	representative rep congressman congresswoman minister prime chancellor king queen prince
	princess crown lady first second gentleman spokesperson spokesman spokeswoman officer chief
	staff acting senior attorney surgeon commissioner captain lieutenant colonel sergeant major
	commander justice judge sister father reverend rev pastor bishop pope sheriff his her
	majesty highness excellency secretary-general assistant special envoy presidential
	economic domestic policy counsel council's u.s. us united states america american
	department administration office program budget management affairs homeland energy
	climate treasury defense state labor health commerce education interior agriculture
	transportation justice veterans emergency federal director's team former then
	his president's coach rabbi taoiseach emir sultan sheikh premier governor-general
	statement remarks readout briefing gaggle call interview op-ed letter message joint
	background press-call on-the-record conversation monday tuesday wednesday thursday
	friday saturday sunday january february march april may june july august september
	october november december today dear mister doctor professor pres sec amb hon
	honorable drs doctors ceo founder executive editor anchor host moderator correspondent but so now well
	again yes no thank thanks okay as if when while what that this it i we you he she they our my
	let here there where how why who great good hi hello also after before because since under
	with without ask said says told hey look oh please sure right all both one happy welcome`)

// wordSet returns the set of the space-separated words of s.
func wordSet(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// nameSpeakers gives each passage the canonical name of its speaker: the
// office holder of the day for "THE PRESIDENT:", the full name a
// document uses for "MR. KIRBY:" ("John Kirby"), and, in a statement or
// prepared remarks without speaker labels, the person the title names
// ("Statement from President Joe Biden on ..."). Questions, anonymous
// speakers ("SENIOR ADMINISTRATION OFFICIAL") and names the document
// does not spell out get no name.
func nameSpeakers(d *Document) {
	labels := false
	var names map[string]string // label -> name
	var people *firstNames
	for i := range d.Passages {
		p := &d.Passages[i]
		if p.Speaker == "" || p.IsQuestion() {
			continue
		}
		labels = true
		if names == nil {
			names = make(map[string]string)
		}
		name, ok := names[p.Speaker]
		if !ok {
			if people == nil {
				people = collectFirstNames(d.Title, d.Body)
			}
			name = resolveLabel(p.Speaker, d.Date, d.Source, people)
			names[p.Speaker] = name
		}
		p.Name = name
	}
	if labels {
		return
	}
	author := titleAuthor(d.Title, d.Date, d.Source)
	if author == "" {
		return
	}
	for i := range d.Passages {
		d.Passages[i].Name = author
	}
}

// resolveLabel turns a transcript label into a person's name, "" when the
// label is anonymous or the document does not spell out the name.
func resolveLabel(lab string, t time.Time, source string, people *firstNames) string {
	if office, ok := officeLabels[lab]; ok {
		return OfficeHolder(office, t, source)
	}
	words := strings.Fields(lab)
	for _, w := range words {
		if anonymous[strings.Trim(w, ".")] {
			return ""
		}
	}
	last := words[len(words)-1]
	// "PRESIDENT BIDEN", "VICE PRESIDENT HARRIS", "FIRST LADY BIDEN": an
	// office the table knows, held by the person the label names.
	if len(words) > 1 {
		if office, ok := officeLabels[strings.Join(words[:len(words)-1], " ")]; ok {
			if h := OfficeHolder(office, t, source); h != "" && strings.EqualFold(surname(h), last) {
				return h
			}
		}
	}
	if first := people.best(last); first != "" {
		return first + " " + people.spelled[last]
	}
	// A label that spells out a whole name: "SECOND GENTLEMAN DOUGLAS EMHOFF".
	if len(words) >= 2 {
		prev := words[len(words)-2]
		if !honorifics[prev] && !roleWords[strings.ToLower(strings.Trim(prev, "."))] {
			return titleCase(prev) + " " + titleCase(last)
		}
	}
	return ""
}

// titleCase turns "JEAN-PIERRE" into "Jean-Pierre", "MCCARTHY" into
// "Mccarthy" (a name the document never spells is rare; see resolveLabel).
func titleCase(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if up {
			b.WriteRune(unicode.ToUpper(r))
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
		up = r == '-' || r == ' ' || r == '\'' || r == '’'
	}
	return b.String()
}

// firstNames counts, for every capitalised word of a document, the first
// names that stand before it ("Karine" before "Jean-Pierre").
type firstNames struct {
	seen    map[string]map[string]int // upper-cased surname -> first name -> weight
	spelled map[string]string         // upper-cased surname -> as the document writes it
}

// collectFirstNames reads the title (which counts more) and the body.
func collectFirstNames(title, body string) *firstNames {
	fn := &firstNames{seen: make(map[string]map[string]int), spelled: make(map[string]string)}
	fn.add(title, 5)
	fn.add(body, 1)
	return fn
}

func (fn *firstNames) add(text string, weight int) {
	var prev, prev2 string // the words before, "" after punctuation
	for raw := range strings.FieldsSeq(text) {
		w := strings.TrimLeft(raw, "(\"“‘")
		cut := strings.TrimRight(w, ".,;:!?)\"”’'")
		ends := cut != w // punctuation after the word: no name runs on
		w = strings.TrimSuffix(strings.TrimSuffix(cut, "’s"), "'s")
		if w != cut {
			ends = true
		}
		if isNameWord(w) && !roleWords[strings.ToLower(w)] && raw[0] != '(' {
			first := ""
			switch {
			case isFirstName(prev) && isFirstName(prev2):
				first = prev2 + " " + prev // "Ketanji Brown Jackson"
			case isFirstName(prev):
				first = prev
			case isInitial(prev) && isFirstName(prev2):
				first = prev2 // "Joseph R. Biden"
			}
			if first != "" {
				key := strings.ToUpper(w)
				m := fn.seen[key]
				if m == nil {
					m = make(map[string]int)
					fn.seen[key] = m
				}
				m[first] += weight
				if _, ok := fn.spelled[key]; !ok {
					fn.spelled[key] = w
				}
			}
		}
		prev2, prev = prev, w
		switch {
		case len(cut) == 1 && strings.HasSuffix(raw, "."):
			prev = cut + "." // an initial keeps the run going: "Joseph R. Biden"
		case ends:
			prev2, prev = "", ""
		}
	}
}

// best returns the first name most often written before the surname,
// "" when none is.
func (fn *firstNames) best(surnameUpper string) string {
	best, n := "", 0
	for first, c := range fn.seen[surnameUpper] {
		if c > n || c == n && first < best {
			best, n = first, c
		}
	}
	return best
}

// isNameWord reports whether w is capitalised like a name: an upper-case
// letter, then letters (and inner hyphens or apostrophes), not all capitals.
func isNameWord(w string) bool {
	r, n := utf8.DecodeRuneInString(w)
	if n == 0 || !unicode.IsUpper(r) || len(w) < 2 {
		return false
	}
	lower := false
	for _, r := range w[n:] {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r), r == '-', r == '\'', r == '’':
		default:
			return false
		}
	}
	return lower
}

func isFirstName(w string) bool {
	return isNameWord(w) && !roleWords[strings.ToLower(w)] && !strings.ContainsAny(w, "’'")
}

func isInitial(w string) bool {
	return len(w) == 2 && w[1] == '.' && w[0] >= 'A' && w[0] <= 'Z'
}

// authorVerbs start titles whose whole text is one person's words.
var authorPrefixes = []string{
	"Statement from ", "Statement by ", "Remarks by ", "Remarks of ", "Remarks as Prepared for Delivery by ",
	"Op-Ed by ", "Op-ed by ", "Video Remarks by ", "Message from ", "Letter from ", "Statement of ",
}

// titleAuthor returns the person a statement's or speech's title names as
// its author ("Statement from President Joe Biden on ..." -> "Joe Biden"),
// "" when the title names no single person.
func titleAuthor(title string, t time.Time, source string) string {
	rest := ""
	for _, p := range authorPrefixes {
		if strings.HasPrefix(title, p) {
			rest = title[len(p):]
			break
		}
	}
	if rest == "" {
		return ""
	}
	// The author phrase ends where the subject begins.
	end := len(rest)
	for _, sep := range []string{" on ", " at ", " to ", " for ", " regarding ", " in ", " following ", " after ", " honoring ", " marking ", " ahead of ", " announcing ", " as ", ",", ":", ";", " – ", " — ", " - "} {
		if i := strings.Index(rest, sep); i >= 0 && i < end {
			end = i
		}
	}
	phrase := rest[:end]
	if strings.Contains(phrase, " and ") || strings.Contains(phrase, " & ") {
		return "" // joint statements speak for several
	}
	// The name is the first run of name words after the office: "President
	// Joe Biden Marking Nowruz" is Joe Biden.
	var name []string
	for _, w := range strings.Fields(phrase) {
		w = strings.TrimSuffix(strings.TrimSuffix(w, "’s"), "'s")
		if len(name) == 0 && (roleWords[strings.ToLower(strings.Trim(w, ".,"))] || isAcronym(w)) {
			continue
		}
		if !(isNameWord(w) || isInitial(w) || w == "Jr." || w == "J.") || titleVerb(w) || roleWords[strings.ToLower(w)] || titleStops[strings.ToLower(w)] {
			break
		}
		name = append(name, w)
	}
	if len(name) > 4 {
		return ""
	}
	lower := strings.ToLower(phrase)
	for _, office := range []string{"vice president", "president", "first lady", "second gentleman"} {
		if !strings.Contains(lower, office) {
			continue
		}
		h := OfficeHolder(office, t, source)
		if h != "" && (len(name) == 0 || strings.EqualFold(name[len(name)-1], surname(h))) {
			return h
		}
		break
	}
	if len(name) < 2 {
		return ""
	}
	return strings.Join(name, " ")
}

// Role is a person a document title names with their office: "Press
// Briefing by Press Secretary Karine Jean-Pierre" names Karine Jean-Pierre,
// "press secretary".
type Role struct {
	Name  string
	Title string // lower case: "press secretary", "national security advisor"
}

// TitleRoles returns the people a title names after their office, in
// order: "Press Briefing by Press Secretary Karine Jean-Pierre and NSC
// Coordinator for Strategic Communications John Kirby" gives Karine
// Jean-Pierre (press secretary) and John Kirby (nsc coordinator for
// strategic communications).
func TitleRoles(title string) []Role {
	var out []Role
	words := strings.Fields(title)
	var role []string
	for i := 0; i < len(words); i++ {
		w := strings.TrimRight(words[i], ",;:")
		lw := strings.ToLower(w)
		if lw == "and" || lw == "by" || lw == "from" || lw == "with" || docWords[lw] || w != words[i] && len(role) == 0 {
			role = role[:0]
			continue
		}
		if roleWords[lw] || isAcronym(w) {
			role = append(role, lw)
			continue
		}
		// A run of name words after an office is a name.
		j := i
		var name []string
		for j < len(words) && len(name) < 4 {
			nw := strings.TrimRight(words[j], ",;:")
			possessive := strings.HasSuffix(nw, "’s") || strings.HasSuffix(nw, "'s")
			if possessive {
				nw = nw[:strings.LastIndexAny(nw, "’'")]
			}
			if !(isFirstName(nw) || isInitial(nw) || nw == "Jr." || len(name) > 0 && isNameWord(nw)) || roleWords[strings.ToLower(nw)] || titleStops[strings.ToLower(nw)] || titleVerb(nw) {
				break
			}
			name = append(name, nw)
			j++
			if possessive || strings.ContainsAny(words[j-1][len(words[j-1])-1:], ",;:") {
				break // "Karine Jean-Pierre," and "Joe Biden’s" end the name
			}
		}
		if len(name) >= 2 && len(role) > 0 && hasOffice(role) && !slices.ContainsFunc(name, titleVerb) {
			out = append(out, Role{Name: strings.Join(name, " "), Title: officeTitle(role)})
		}
		role = role[:0]
		if j > i {
			i = j - 1
		}
	}
	return out
}

// docWords name the kind of document, not an office: "Readout of
// President Biden's Call".
var docWords = wordSet(`statement remarks readout briefing gaggle call interview op-ed letter message
press-call conversation fact sheet proclamation memorandum order`)

// titleStops end a name in a title: "John Kirby En Route Philadelphia".
var titleStops = wordSet(`en route aboard previewing during ahead via following upon two three four
five six seven eight nine ten years year anniversary day week month`)

// hasOffice reports whether the words before a name hold an office held
// by a person ("press secretary", "national security advisor"), not a
// program's or an event's name.
func hasOffice(role []string) bool {
	return slices.ContainsFunc(role, func(w string) bool { return officeNouns[w] })
}

// officeNouns are the words that make a title a person's office.
var officeNouns = wordSet(`secretary advisor adviser spokesperson spokesman spokeswoman coordinator
director president minister chair chairman chairwoman administrator chief counsel ambassador envoy
lady gentleman chancellor taoiseach king queen prince governor senator mayor leader speaker
representative general admiral commissioner attorney surgeon sheikh emir premier apnsa`)

// titleVerb reports whether a capitalised word of a title is a verb that
// ends a name ("President Biden Announces ...", "... Marking Nowruz").
func titleVerb(w string) bool {
	return strings.HasSuffix(w, "ing") || titleVerbs[strings.ToLower(w)]
}

var titleVerbs = wordSet(`announces signs honors addresses restores establishes secures protects
ensures takes strengthens launches directs declares delivers hosts meets travels visits celebrates
calls urges unveils issues approves invites nominates appoints designates expands extends cancels
continues lifts releases sends says statement remarks readout`)

// officeTitle joins the words of an office, without a leading "the" or
// "white house" ("White House Press Secretary" is the press secretary).
func officeTitle(role []string) string {
	for len(role) > 0 && (role[0] == "the" || role[0] == "white" || role[0] == "house" || role[0] == "of" || role[0] == "for") {
		role = role[1:]
	}
	return strings.Join(role, " ")
}

// isAcronym reports whether w is an agency's initials ("NSC", "OMB").
func isAcronym(w string) bool {
	if len(w) < 2 || len(w) > 6 {
		return false
	}
	for _, r := range w {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}
