package answer

import "testing"

func TestQuotable(t *testing.T) {
	yes := []string{
		"The President has no intention of sending U.S. troops to fight in Ukraine.",
		"That is not on the table.",
		"No, we are not going to send troops to Ukraine.",
		"We support the people of Haiti.",
		"“That is not on the table,” Biden told reporters on the White House South Lawn.",
		"The economy added 172,000 new private sector jobs and shed 42,000 government jobs — bringing the unemployment rate down to 4.3%.",
		"Gen. Kyrylo Budanov, the head of Ukraine’s defense intelligence agency, previously told Military Times that Russia was preparing for an invasion.",
		"Mr. Biden is expected to take the call at his residence in Wilmington, Delaware.",
		"Lowering prescription drug costs by allowing Medicare to negotiate the price of insulin for millions of seniors across the country",
		"Speaker Mike Johnson: “President Trump is sending a clear message with Liberation Day: America will not be exploited.”", // a third party quoted, attributed below
		"SAVING TIKTOK FROM GOING DARK: Today, President Donald J. Trump signed an Executive Order saving TikTok from a ban.",    // a heading in capitals before the news
		"Here’s what that decision means: For nearly 50 years, we have talked about what Roe v. Wade protects.",
		"The President will host a follow-up meeting with the governors.",
		"I’ll go to Ohio next week to see the damage.",
		"We want to move on to the next phase of the recovery once the water is safe to drink.",
		"We turn to Congress to act on the bill this week and make sure every family is covered.",
		"Albanese: I am delighted to welcome my friends to Tokyo.",
		"We welcome the Senate’s confirmation of Jack Lew to be the ambassador to Israel.",
		"For more than two years, we have worked to lower costs for families.", // "for more" that is not a pointer
		"To see the difference, visit any factory in Ohio: they are hiring again.",
		"Nikola Tesla (Serbian Cyrillic: Никола Тесла; 10 July 1856 – 7 January 1943) was a Serbian American inventor.",
	}
	no := []string{
		"You mean sending U.S. troops to Ukraine?",                           // a question, whoever asks it
		"Karine Jean-Pierre, Press Secretary and Assistant to the President", // name and title
		"— White House Press Secretary Karoline Leavitt",                     // byline
		"James S. Brady Press Briefing Room",                                 // dateline
		"2:45 P.M. EST",                                                      // time stamp
		"(g) Haiti;",                                                         // list item
		"12. Strengthening supply chains",                                    // list item
		"2023.",                                                              // fragment
		"Thank you.",                                                         // boilerplate
		"Thanks, Admiral.",                                                   // boilerplate
		"Go ahead.",                                                          // boilerplate
		"Michael.",                                                           // a name called
		"(A note is handed to Ms. Psaki.)",                                   // stage direction
		"NOW, THEREFORE, I, JOSEPH R. BIDEN JR., President of the United States of America, by virtue of the authority vested in me by the Constitution and the laws of the United States, do hereby proclaim May 4, 2023, as a National Day of Prayer.",
		"IN WITNESS WHEREOF, I have hereunto set my hand this second day of May, in the year of our Lord two thousand twenty-three.",
		"DELIVERING PRICE RELIEF FOR AMERICAN FAMILIES", // heading in capitals
		"Sec. 2. Policy.",                          // section heading
		"Prime Minister Scott Morrison, Australia", // list line
		"Good afternoon, everybody.",               // greeting
		"Rasmussen Reports: 61% say Operation Epic Fury has been successful so far.",                 // a press clipping
		"Fort Worth Star-Telegram (Forth Worth, TX): Trump signs ‘One Big Beautiful Bill’ into law.", // a headline
		"MYTH: The One Big Beautiful Bill “cuts Medicare.”",                                          // what a fact-check refutes
		"**HOAX:** The One Big Beautiful Bill increases spending.",                                   // likewise
		"Inc.: Trump’s ‘Big Beautiful Bill’ Offers a Big Tax Win for Small Businesses",               // a headline
		"Wait — wh- — hold on.",                              // a false start
		"And if I could switch to Haiti, if you don’t mind.", // a segue
		"If I could quickly turn to Haiti and some of the things we’re doing to help American citizens that are there.",
		"Switching gears to the border for a second.",
		"So, joining me today is our National Security Advisor, Jake Sullivan, who will provide an update on Afghanistan.", // who is at the podium
		"Well, it is my honor to be back at the Munich Security Conference.",
		"So, without further ado, it is my pleasure to introduce and welcome Dr. Fauci for his last run at the podium.",
		"Today, we have a very special guest, Homeland Security Secretary Mayorkas.",
		"Well, today I’m joined by, of course, Jeff Zients, our COVID Coordinator, and Dr. Fauci.",
		"For more on the Biden-Harris Administration’s work to advance AI, and for opportunities to join the Federal AI workforce, visit AI.gov.", // a pointer
		"To view the letter from the Physician to the Vice President, visit: https://bidenwhitehouse.archives.gov/wp-content/uploads/2024/10/VP-Harris-Health-Summary.pdf",
		"More information is available at www.whitehouse.gov/ostp.",
	}
	for _, s := range yes {
		if !quotable(s) {
			t.Errorf("quotable(%q) = false, want true", s)
		}
	}
	for _, s := range no {
		if quotable(s) {
			t.Errorf("quotable(%q) = true, want false", s)
		}
	}
}

func TestClipLabelSpeaker(t *testing.T) {
	for _, c := range []struct{ text, speaker string }{
		{"Speaker Mike Johnson: “President Trump is sending a clear message.”", "Speaker Mike Johnson"},
		{"Former CIA Director and Secretary of State Mike Pompeo: “Fantastic pick.”", "Former CIA Director and Secretary of State Mike Pompeo"},
		{"February 20, 2023: “In cities where there has been a complete breakdown of law and order.”", ""},
		{"Fox Business Network anchor Cheryl Casone: “We got a much better than expected jobs report.”", "Fox Business Network anchor Cheryl Casone"},
		{"Washington Post columnist Marc Thiessen: “The numbers are in.”", "Washington Post columnist Marc Thiessen"},
		{"European Commission President Ursula von der Leyen: “We have a deal.”", "European Commission President Ursula von der Leyen"},
		{"The reporter asked: “Will you run?”", ""},
		{"Here’s what that decision means: “For nearly 50 years.”", ""},
		{"The President said it plainly: we will not send troops.", ""},
		{"Nikola Tesla (Serbian Cyrillic: “Никола Тесла”; 10 July 1856 – 7 January 1943) was an inventor.", ""},
	} {
		label, quoted := clipLabel(c.text)
		if !quoted {
			label = ""
		}
		if label != c.speaker {
			t.Errorf("clipLabel(%q) = %q, want %q", c.text, label, c.speaker)
		}
	}
}

// TestMayFalseStart: the cheap test never misses a sentence reFalseStart
// matches.
func TestMayFalseStart(t *testing.T) {
	for _, s := range []string{
		"Wait — wh- — hold on.", "I- I think so.", "The Biden-Harris plan.", "We wh-", "so-\tcalled",
		"It is a well-known fact.", "No hyphen here.", "A dash—and on.", "re-—", "x-–y",
	} {
		if reFalseStart.MatchString(s) && !mayFalseStart(s) {
			t.Errorf("mayFalseStart(%q) = false, but reFalseStart matches", s)
		}
	}
	if mayFalseStart("The Biden-Harris plan.") {
		t.Error(`mayFalseStart("The Biden-Harris plan.") = true, want false`)
	}
}
