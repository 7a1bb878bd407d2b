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
