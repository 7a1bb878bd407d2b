package answer

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/briefbot/briefbot/index"
)

// answerKind is what kind of answer a question asks for.
type answerKind int

const (
	kindOther answerKind = iota
	kindPerson
	kindTime
	kindNumber
	kindPlace
	kindYesNo
	nKinds
)

// kindNames name the kinds in the fitted parameters.
var kindNames = [nKinds]string{"other", "person", "time", "number", "place", "yesno"}

func kindByName(name string) (answerKind, bool) {
	for k, n := range kindNames {
		if n == name {
			return answerKind(k), true
		}
	}
	return 0, false
}

var (
	reHowMany = regexp.MustCompile(`(?i)\bhow (many|much|long|old|far|large|big|often|tall|high)\b|\bwhat (number|percent|percentage|amount|share|proportion|price|cost|size)\b`)
	reWhen    = regexp.MustCompile(`(?i)\bwhen\b|\bwhat (year|date|day|month|time|century|decade|period)\b|\bwhich (year|date|day|month|century|decade)\b|\bhow long ago\b`)
	reWho     = regexp.MustCompile(`(?i)\bwho(m|se)?\b|\bwhat (person|man|woman|group|organization|company|official)\b`)
	reWhere   = regexp.MustCompile(`(?i)\bwhere\b|\bwhat (country|city|state|place|region|location)\b|\bwhich (country|city|state|place|region)\b`)
	// "Where does Biden stand on …" asks for a position, not a place.
	reStand = regexp.MustCompile(`(?i)\bwhere\b.*\bstands?\b`)
	reYesNo = regexp.MustCompile(`(?i)^\s*(will|would|does|do|did|is|are|was|were|has|have|had|can|could|should|may|might)\b`)
)

func classify(q string) answerKind {
	switch {
	case reHowMany.MatchString(q):
		return kindNumber
	case reWhen.MatchString(q):
		return kindTime
	case reWho.MatchString(q):
		return kindPerson
	case reWhere.MatchString(q) && !reStand.MatchString(q):
		return kindPlace
	case reYesNo.MatchString(q):
		return kindYesNo
	}
	return kindOther
}

var (
	reNumber = regexp.MustCompile(`\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|trillion|dozen|dozens|half|percent)\b`)
	reTime   = regexp.MustCompile(`(?i)\b(1[0-9]{3}|20[0-9]{2})s?\b|\b(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|aug|sept|oct|nov|dec)\b|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|yesterday|tonight)\b|\b(century|decade|weeks?|months?|years?|days?|hours?) (ago|later|earlier|before|after|following)\b|\b(next|last|this|early|late|mid)[- ](week|month|year|spring|summer|fall|autumn|winter|january|february|march|april|may|june|july|august|september|october|november|december)\b|\b\d{1,2}(:\d\d)? ?(a\.m\.|p\.m\.)|\b(since|until|before|after|during|by) (the )?\d`)
	reNegate = regexp.MustCompile(`(?i)\b(not|no|never|n't|nor|neither|won't|cannot|without)\b`)
	rePlace  = regexp.MustCompile(`\b(in|at|from|to|near|across|outside|inside) (the )?[A-Z]`)
)

// answerType reports whether a sentence holds the kind of thing the
// question asks for and the question does not already contain (a number
// for "how many", a date for "when", a name for "who", a place for
// "where", a negation for a yes-or-no question), as yes = 1, or lacks it
// where that counts against it, as no = 1.
func answerType(qs questionTerms, sentence string) (yes, no float64) {
	var has bool
	switch qs.kind {
	case kindNumber:
		if !hasNew(sentence, reNumber, qs) {
			return 0, 1
		}
		// "How many jobs": a number of jobs answers; a number of
		// something else does so only in part.
		if len(qs.counted) > 0 && !numberNear(sentence, qs) {
			return 0.5, 0.5
		}
		return 1, 0
	case kindTime:
		has = hasNew(sentence, reTime, qs)
	case kindPerson:
		// "Who is the Secretary of State?": a person's name answers; a
		// capitalised word alone (an office, a bill) only in part.
		switch {
		case lesserOffice(sentence, qs):
			return 0, 1
		case hasPersonName(sentence, qs):
			return 1, 0
		case hasNewName(sentence, qs):
			return 0.5, 0.5
		}
		return 0, 1
	case kindPlace:
		has = rePlace.MatchString(sentence) || hasNewName(sentence, qs)
	case kindYesNo:
		has = reNegate.MatchString(sentence)
	default:
		return 0, 0
	}
	if has {
		return 1, 0
	}
	return 0, 1
}

// hasNew reports whether re matches text the question does not contain.
func hasNew(sentence string, re *regexp.Regexp, qs questionTerms) bool {
	for _, m := range re.FindAllString(sentence, 8) {
		if !qs.all[strings.ToLower(strings.Trim(m, " .,"))] {
			return true
		}
	}
	return false
}

// reCounted finds what a number question counts: the word or two after
// "how many", "how much", "number of" ("how many executive orders",
// "how much oil").
var reCounted = regexp.MustCompile(`(?i)\b(?:how (?:many|much)|number of|amount of)\s+([\p{L}-]+)(?:\s+([\p{L}-]+))?`)

// numberNear reports whether the sentence has a number the question does
// not, within a few words of a word qs.counted holds: "6.6 million new
// jobs", "16,000 arrests", "jobs rose by 272,000". Years do not count.
func numberNear(sentence string, qs questionTerms) bool {
	words := strings.Fields(sentence)
	const before, after = 4, 3
	for i, w := range words {
		if !qs.counted[index.Stem(strings.ToLower(strings.Trim(w, wordPunct)))] {
			continue
		}
		for j := max(0, i-before); j <= min(len(words)-1, i+after); j++ {
			n := strings.ToLower(strings.Trim(words[j], wordPunct))
			if j != i && reNumber.MatchString(n) && !reYearWord.MatchString(n) && !qs.all[n] {
				return true
			}
		}
	}
	return false
}

// wordPunct is what strings.Trim takes off a word of running text.
const wordPunct = `.,;:!?"'“”‘’()[]—–`

var reYearWord = regexp.MustCompile(`^` + reYear + `$`)

// hasNewName reports whether the sentence names someone or something (a
// capitalised word that does not start the sentence) the question does not.
func hasNewName(sentence string, qs questionTerms) bool {
	words := strings.Fields(sentence)
	for i, w := range words {
		if i == 0 {
			continue
		}
		w = strings.Trim(w, `.,;:!?"'“”‘’()[]`)
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || len(w) < 2 {
			continue
		}
		lw := strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(w, "’s"), "'s"))
		if !qs.all[lw] && !qs.all[strings.TrimSuffix(lw, "s")] && !commonCapitalised[lw] {
			return true
		}
	}
	return false
}

// hasPersonName reports whether the sentence has what looks like a
// person's name the question does not: two or more capitalised words in a
// row ("Marco Rubio", "Leon E. Panetta", "Press Secretary Karoline
// Leavitt"), one of them neither the question's, nor an office or
// institution word ("Executive Order", "Homeland Security"), nor a
// sentence's usual capitalised opening. A run that ends in an institution
// word names a thing, not a person: "the AI Action Plan" does not say who
// the AI czar is.
func hasPersonName(sentence string, qs questionTerms) bool {
	run, named := 0, false
	last := "" // the run's last word, lower case
	ends := func() bool { return run >= 2 && named && !institution[last] }
	for i, w := range strings.Fields(sentence) {
		t := strings.Trim(w, wordPunct)
		r, _ := utf8.DecodeRuneInString(t)
		if t == "" || !unicode.IsUpper(r) {
			if ends() {
				return true
			}
			run, named = 0, false
			continue
		}
		lw := strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(t, "’s"), "'s"))
		if !commonCapitalised[lw] {
			run++
			last = lw
			// The first word is capitalised whatever it is.
			named = named || i > 0 && len(t) > 2 && !qs.all[lw] && !qs.all[strings.TrimSuffix(lw, "s")] && !institution[lw]
		}
		if end, _ := utf8.DecodeLastRuneInString(w); strings.ContainsRune(",;:)”\"", end) {
			if ends() {
				return true
			}
			run, named = 0, false // the name ends with the clause
		}
	}
	return ends()
}

// namesHolder reports whether the sentence names a person who may hold
// the office asked about: a name, and not only a lesser office of its
// title.
func namesHolder(sentence string, qs questionTerms) bool {
	return hasPersonName(sentence, qs) && !lesserOffice(sentence, qs)
}

// reLesser finds an office held under another: "Assistant Secretary",
// "Deputy Director", "Under Secretary".
var reLesser = regexp.MustCompile(`(?i)\b(assistant|deputy|under|associate|principal|acting)[ -](secretary|director|administrator|attorney general|chief|chair|adviser|advisor|press secretary)\b`)

// lesserOffice reports whether the question asks for an office ("Who is
// the Homeland Security secretary?") and the sentence names only a lesser
// one of that title ("to be an Assistant Secretary of Homeland
// Security"): a name there answers another question.
func lesserOffice(sentence string, qs questionTerms) bool {
	lower := strings.ToLower(sentence) // matched itself: lowering may change a text's length
	lesser := make(map[string]int)     // office -> times named under another
	for _, m := range reLesser.FindAllStringSubmatchIndex(lower, -1) {
		qual, office := lower[m[2]:m[3]], lower[m[4]:m[5]]
		if qs.all[qual] {
			return false // the question asks for the deputy
		}
		if qs.all[strings.Fields(office)[0]] {
			lesser[office]++
		}
	}
	for office, n := range lesser {
		// The office named again unqualified: "Secretary Noem and
		// Assistant Secretary Roe".
		if strings.Count(lower, office) > n {
			return false
		}
	}
	return len(lesser) > 0
}

// institution are the capitalised words of offices, bodies, documents,
// places and the calendar: not names of people.
var institution = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`secretary secretaries president vice press deputy assistant adviser advisor
		director chief chair chairman chairwoman administrator ambassador attorney general governor senator sen
		representative rep speaker leader minister prime king queen pope judge justice commissioner officer
		department office house white senate congress court supreme council committee agency bureau administration
		national federal united states state america american americans security homeland defense war treasury
		commerce labor energy education health human services interior agriculture transportation veterans
		affairs executive order orders memorandum proclamation act bill law plan program initiative fact sheet
		republican republicans democrat democrats democratic gop nato un eu covid-19 covid
		january february march april may june july august september october november december
		monday tuesday wednesday thursday friday saturday sunday today`) {
		institution[w] = true
	}
}

var commonCapitalised = map[string]bool{
	"i": true, "the": true, "a": true, "and": true, "but": true, "in": true, "it": true,
	"we": true, "he": true, "she": true, "they": true, "this": true, "that": true,
}

var (
	// “...,” Biden told reporters. / the official said. / said Jake Sullivan
	reSaidBy = regexp.MustCompile(`[,”"]\s*((?:the |a )?(?:[A-Z][\p{L}.'’-]+\s+){0,3}[A-Z][\p{L}.'’-]+|(?:the |a )(?:senior |top |White House |administration |U\.S\. |Pentagon |defense |State Department )*officials?)\s+(?:said|told|added|says|noted|warned|explained|wrote|stated)\b`)
	reSaid   = regexp.MustCompile(`\b(?:said|says|according to)\s+((?:[A-Z][\p{L}.'’-]+\s+){0,3}[A-Z][\p{L}.'’-]+)`)
)

// attribution finds who a news sentence quotes ("Biden told reporters",
// "said Jake Sullivan", "the official said"); "" when it names no one.
func attribution(text string) string {
	if m := reSaidBy.FindStringSubmatch(text); m != nil {
		return strings.TrimSpace(m[1])
	}
	if m := reSaid.FindStringSubmatch(text); m != nil {
		name := strings.TrimSpace(m[1])
		// "according to The Washington Post" cites a publication, not a
		// speaker.
		if !strings.HasPrefix(name, "The ") && name != "The" && name != "A" {
			return name
		}
	}
	return ""
}

// stopWords are not searched for: they carry no topic. Negations and
// question words stay in the analysed text; they only do not count as
// matches.
const stopWords = `a an the and or but if then than so as of at by for with about against between
into through during before after above below to from up down in out on off over under again further
once here there all any both each few more most other some such only own same too very can will just
should would could might must shall may do does did doing done is are was were be been being am have has
had having i me my we our you your he him his she her it its they them their what which who whom whose
this that these those when where why how whether also said says say tell told know think going get got
yes no not nor mr mrs ms q`
