package answer

import (
	"slices"

	"github.com/briefbot/briefbot/index"
)

// placeWords pairs a country or region with the words for its people and
// things: a question about the "Ukrainian border" is answered by a
// sentence about Ukraine's border, one about "Israel" by "Israeli
// officials". Each line is one place, as written (the index folds
// plurals). Left out are words with another common meaning in the
// briefings: Turkey (the pardoned bird), Jordan and Georgia (people and a
// state), India and Africa ("American Indian", "African American"),
// Spanish (a language), and the United States, which has its own rule
// (see questionTerms.country).
var placeWords = [][]string{
	{"Afghanistan", "Afghan"},
	{"Albania", "Albanian"},
	{"Algeria", "Algerian"},
	{"Argentina", "Argentine", "Argentinian"},
	{"Armenia", "Armenian"},
	{"Australia", "Australian"},
	{"Austria", "Austrian"},
	{"Azerbaijan", "Azerbaijani"},
	{"Bahrain", "Bahraini"},
	{"Bangladesh", "Bangladeshi"},
	{"Belarus", "Belarusian"},
	{"Belgium", "Belgian"},
	{"Bosnia", "Bosnian"},
	{"Brazil", "Brazilian"},
	{"Britain", "British"},
	{"Bulgaria", "Bulgarian"},
	{"Burma", "Burmese"},
	{"Cambodia", "Cambodian"},
	{"Canada", "Canadian"},
	{"Chile", "Chilean"},
	{"China", "Chinese"},
	{"Colombia", "Colombian"},
	{"Congo", "Congolese"},
	{"Croatia", "Croatian"},
	{"Cuba", "Cuban"},
	{"Denmark", "Danish"},
	{"Ecuador", "Ecuadorian"},
	{"Egypt", "Egyptian"},
	{"Estonia", "Estonian"},
	{"Ethiopia", "Ethiopian"},
	{"Europe", "European"},
	{"Finland", "Finnish"},
	{"France", "French"},
	{"Gaza", "Gazan"},
	{"Germany", "German"},
	{"Ghana", "Ghanaian"},
	{"Greece", "Greek"},
	{"Greenland", "Greenlandic"},
	{"Guatemala", "Guatemalan"},
	{"Haiti", "Haitian"},
	{"Honduras", "Honduran"},
	{"Hungary", "Hungarian"},
	{"Indonesia", "Indonesian"},
	{"Iran", "Iranian"},
	{"Iraq", "Iraqi"},
	{"Ireland", "Irish"},
	{"Israel", "Israeli"},
	{"Italy", "Italian"},
	{"Jamaica", "Jamaican"},
	{"Japan", "Japanese"},
	{"Kenya", "Kenyan"},
	{"Korea", "Korean"},
	{"Kosovo", "Kosovar"},
	{"Kuwait", "Kuwaiti"},
	{"Latvia", "Latvian"},
	{"Lebanon", "Lebanese"},
	{"Libya", "Libyan"},
	{"Lithuania", "Lithuanian"},
	{"Malaysia", "Malaysian"},
	{"Mexico", "Mexican"},
	{"Moldova", "Moldovan"},
	{"Mongolia", "Mongolian"},
	{"Morocco", "Moroccan"},
	{"Netherlands", "Dutch"},
	{"Nicaragua", "Nicaraguan"},
	{"Nigeria", "Nigerian"},
	{"Norway", "Norwegian"},
	{"Pakistan", "Pakistani"},
	{"Palestine", "Palestinian"},
	{"Panama", "Panamanian"},
	{"Peru", "Peruvian"},
	{"Philippines", "Filipino"},
	{"Poland", "Polish"},
	{"Portugal", "Portuguese"},
	{"Qatar", "Qatari"},
	{"Romania", "Romanian"},
	{"Russia", "Russian"},
	{"Rwanda", "Rwandan"},
	{"Serbia", "Serbian"},
	{"Singapore", "Singaporean"},
	{"Slovakia", "Slovak"},
	{"Somalia", "Somali"},
	{"Sudan", "Sudanese"},
	{"Sweden", "Swedish"},
	{"Switzerland", "Swiss"},
	{"Syria", "Syrian"},
	{"Taiwan", "Taiwanese"},
	{"Thailand", "Thai"},
	{"Tunisia", "Tunisian"},
	{"Uganda", "Ugandan"},
	{"Ukraine", "Ukrainian"},
	{"Venezuela", "Venezuelan"},
	{"Vietnam", "Vietnamese"},
	{"Yemen", "Yemeni"},
	{"Zimbabwe", "Zimbabwean"},
}

// verbForms are the irregular forms of verbs people ask about: "Who
// won …?" is answered by "… on winning", "Who led the delegation?" by
// "will lead the delegation". Left out are forms with another common
// meaning: left, found, felt, saw, rose, shot (of a vaccine), fed (the
// Fed), lent (Lent), torn (war-torn; "tear gas"), woke ("woke
// ideology"; "in the wake of").
var verbForms = [][]string{
	{"arise", "arose", "arisen"}, {"beat", "beaten"}, {"become", "became"}, {"begin", "began", "begun"},
	{"bite", "bitten"}, {"blow", "blew", "blown"}, {"break", "broke", "broken"}, {"bring", "brought"},
	{"build", "built"}, {"buy", "bought"}, {"catch", "caught"}, {"choose", "chose", "chosen"},
	{"deal", "dealt"}, {"dig", "dug"}, {"draw", "drew", "drawn"}, {"drive", "drove", "driven"},
	{"eat", "ate", "eaten"}, {"fall", "fell", "fallen"}, {"fight", "fought"}, {"fly", "flew", "flown"},
	{"forbid", "forbade", "forbidden"}, {"forget", "forgot", "forgotten"}, {"forgive", "forgave", "forgiven"},
	{"freeze", "froze", "frozen"}, {"give", "gave", "given"}, {"grow", "grew", "grown"}, {"hang", "hung"},
	{"hear", "heard"}, {"hide", "hid", "hidden"}, {"hold", "held"}, {"keep", "kept"}, {"lead", "led"},
	{"lose", "lost"}, {"make", "made"}, {"mean", "meant"}, {"meet", "met"},
	{"mislead", "misled"}, {"oversee", "oversaw", "overseen"}, {"pay", "paid"}, {"rebuild", "rebuilt"},
	{"ride", "rode", "ridden"}, {"ring", "rang", "rung"}, {"rise", "risen"}, {"run", "ran"},
	{"seek", "sought"}, {"sell", "sold"}, {"send", "sent"}, {"shake", "shook", "shaken"},
	{"sing", "sang", "sung"}, {"sink", "sank", "sunk"}, {"sit", "sat"}, {"sleep", "slept"},
	{"speak", "spoke", "spoken"}, {"spend", "spent"}, {"spin", "spun"}, {"stand", "stood"},
	{"steal", "stole", "stolen"}, {"stick", "stuck"}, {"strike", "struck", "stricken"},
	{"swear", "swore", "sworn"}, {"take", "took", "taken"}, {"teach", "taught"},
	{"tell", "told"}, {"think", "thought"}, {"throw", "threw", "thrown"}, {"undertake", "undertook", "undertaken"},
	{"understand", "understood"}, {"uphold", "upheld"}, {"wear", "wore", "worn"},
	{"win", "won"}, {"withdraw", "withdrew", "withdrawn"}, {"withhold", "withheld"}, {"write", "wrote", "written"},
}

// kin is a family of words that meet in full: a place and its people's
// word, or a verb's forms.
type kin struct {
	stems []string // Snowball stems, for comparing with sentences
	terms []string // index terms
	// search: the other words are searched for too. A place's are; a
	// verb's other forms are not: "make" or "take" would bring back
	// passages about anything (squad-a lost 5 questions of 5,131).
	search bool
}

// kinOf reads placeWords and verbForms with the index's analysis: each
// stem of a family's words -> the family.
func kinOf(idx *index.Index) map[string]*kin {
	out := make(map[string]*kin)
	for j, words := range slices.Concat(placeWords, verbForms) {
		k := &kin{search: j < len(placeWords)}
		for _, w := range words {
			for _, t := range idx.Analyze(w) {
				k.terms = append(k.terms, t.Term)
				k.stems = append(k.stems, index.Stem(t.Term))
			}
		}
		for _, st := range k.stems {
			out[st] = k
		}
	}
	return out
}
