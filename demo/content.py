"""Word lists the demo data generator draws from (see seed_demo)."""

# (metro, centre ZIP, weight, typical 60-minute price)
METROS = [
    ("New York", "10001", 16, 140),
    ("Los Angeles", "90012", 10, 130),
    ("Chicago", "60601", 8, 110),
    ("San Francisco", "94103", 6, 150),
    ("Boston", "02108", 5, 130),
    ("Seattle", "98101", 5, 125),
    ("Austin", "78701", 4, 105),
    ("Denver", "80202", 4, 105),
    ("Atlanta", "30303", 4, 100),
    ("Miami", "33130", 4, 110),
    ("Philadelphia", "19103", 4, 110),
    ("Minneapolis", "55401", 3, 100),
    ("Portland", "97204", 3, 110),
    ("Phoenix", "85004", 3, 95),
]

STATE_BOARDS = {
    "NY": "New York State Education Department, Office of the Professions",
    "NJ": "New Jersey Board of Massage and Bodywork Therapy",
    "CT": "Connecticut Department of Public Health",
    "CA": "California Massage Therapy Council",
    "IL": "Illinois Department of Financial and Professional Regulation",
    "IN": "Indiana Professional Licensing Agency",
    "MA": "Massachusetts Board of Registration of Massage Therapy",
    "NH": "New Hampshire Office of Professional Licensure",
    "WA": "Washington State Department of Health",
    "TX": "Texas Department of Licensing and Regulation",
    "CO": "Colorado Office of Massage Therapy Licensure",
    "GA": "Georgia Board of Massage Therapy",
    "FL": "Florida Board of Massage Therapy",
    "PA": "Pennsylvania State Board of Massage Therapy",
    "DE": "Delaware Board of Massage and Bodywork",
    "MN": "Minnesota Office of Unlicensed Complementary and Alternative Health Care",
    "OR": "Oregon Board of Massage Therapists",
    "AZ": "Arizona State Board of Massage Therapy",
}

# How the public profile names a board roster the demo's licences were checked
# against ("per the Colorado roster (DORA open data)"); others are
# "<State> board roster".
ROSTER_SOURCES = {"CO": "Colorado roster (DORA open data)"}

FIRST_NAMES = """Maria Sofia Aisha Emily Grace Hannah Olivia Priya Mei Keiko Fatima
Chloe Isabel Lucia Nadia Rachel Sarah Tara Yuki Zoe Amara Bianca Carmen Dana
Elena Farah Gabriela Ingrid Jasmine Leah Monica Naomi Rosa Simone Valeria
James Daniel Marcus David Ethan Omar Kenji Luis Mateo Noah Samuel Tyler Andre
Ben Carlos Diego Elijah Felix Gabriel Hassan Ivan Jamal Kevin Liam Malik Nathan
Oscar Rafael Sean Theo Victor Wei Alex Jordan Casey Riley Morgan Avery Quinn""".split()

LAST_NAMES = """Garcia Smith Johnson Williams Brown Jones Miller Davis Rodriguez
Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson
Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson
Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson
Baker Hall Rivera Campbell Mitchell Carter Roberts Chen Kim Patel Shah Okafor
Cohen Rossi Novak Kowalski Silva Tanaka Yamamoto Park Singh Ali Haddad Murphy
Kelly Sullivan Bennett Brooks Price Reyes Ortiz Morales Foster Hughes""".split()

PRONOUNS = {"woman": "she/her", "man": "he/him", "non_binary": "they/them"}

HEADLINES = [
    "Deep tissue and trigger point work for chronic low back pain",
    "Helping desk workers get rid of postural back and neck pain",
    "Clinical massage for sciatica, disc problems and stubborn back pain",
    "Myofascial release for long-standing back tightness",
    "Sports and deep tissue massage for active people with back strain",
    "Gentle, evidence-informed massage for sensitive backs",
    "Medical massage in partnership with local physiotherapists",
    "Neuromuscular therapy for back, hip and shoulder pain",
    "Calm, precise bodywork for people who live with back pain",
    "Treating low back pain and sciatica since my own injury",
]

BIO_OPENINGS = [
    "I became a massage therapist after years of my own back pain, so I know how "
    "much it changes a day.",
    "Most of the people I see come to me with low back pain that has not "
    "responded to rest alone.",
    "I work closely with physiotherapists and chiropractors in the neighbourhood "
    "and often treat clients on referral.",
    "My practice focuses on people with back, neck and hip pain, from office "
    "workers to weekend runners.",
    "Before becoming a licensed massage therapist I worked as a personal trainer, "
    "which shapes how I think about movement and pain.",
]

BIO_APPROACHES = [
    "A first session starts with a conversation about your history, what makes "
    "the pain better or worse, and what you want to be able to do again.",
    "I adjust pressure constantly and check in often; deep work does not have to "
    "hurt to be effective.",
    "I combine hands-on work with simple stretches you can do at home between "
    "sessions.",
    "We agree on how to measure progress, such as sitting time, sleep or a "
    "specific movement, and review it every few sessions.",
    "If anything suggests you should see a doctor first, such as numbness, "
    "weakness or night pain, I will tell you and help you find one.",
]

REVIEW_TITLES = {
    5: ["Finally some relief", "Best massage therapist I have seen",
        "Knows backs inside out", "My sciatica is so much better",
        "Listened and it worked", "Worth every penny"],
    4: ["Really helpful", "Good work on my lower back", "Noticeable improvement",
        "Professional and thoughtful", "Would go back"],
    3: ["Okay, not life-changing", "Mixed results", "Decent but rushed",
        "Helped a little"],
    2: ["Not for me", "Too much pressure", "Did not listen much"],
    1: ["Disappointing", "Made my pain worse", "Would not recommend"],
}  # fmt: skip

REVIEW_BODIES = {
    5: ["I came in with {condition} that had lasted months. After {sessions} "
        "sessions of {technique} I can sit through a work day again.",
        "Took time to ask about my history before starting. The {technique} was "
        "firm without being painful and the home stretches really help.",
        "I have tried several therapists for my {condition}; this is the first one "
        "who explained what was going on and had a plan."],
    4: ["Good session focused on my {condition}. The {technique} helped and I "
        "felt looser for days. Booking was a little hard.",
        "Very professional and clearly experienced with {condition}. Improvement "
        "after {sessions} sessions, though not fully gone yet."],
    3: ["The {technique} was fine but I did not notice much change in my "
        "{condition}. Friendly and on time.",
        "Some relief for my {condition}, but the session felt rushed."],
    2: ["The pressure was more than I asked for and my {condition} flared up "
        "afterwards.",
        "I explained my {condition} but the session felt generic."],
    1: ["My {condition} was worse for two days afterwards and my concerns were "
        "brushed off.",
        "Late start, short session, and no real attention to my {condition}."],
}  # fmt: skip

TECHNIQUE_CERTIFICATES = [
    ("Myofascial Release Institute", "Myofascial release practitioner"),
    ("NAT International", "Certified neuromuscular therapist"),
    ("Trigger Point Therapy Academy", "Trigger point therapy certificate"),
    ("Active Release Techniques LLC", "ART provider"),
]

ASSOCIATIONS = [
    "American Massage Therapy Association (AMTA)",
    "Associated Bodywork & Massage Professionals (ABMP)",
]

# Reports of incorrect information waiting for staff (corrections).
CORRECTION_REPORTS = [
    (
        "not_accepting",
        "I called twice this month and was told they have a waiting list until spring.",
    ),
    ("price", "The studio charges $140 for an hour now, not what the profile says."),
    ("closed", "The Main Street studio has closed; the sign says they moved."),
    ("other", "The profile says they speak Spanish, but nobody at the studio does."),
]

# Clinicians who recommend therapists (recommendations): name, profession,
# practice, city, state, the board that licensed them, and whether staff have
# verified the licence yet (an unverified one waits in the staff queue).
CLINICIANS = [
    ("Dr. Maya Chen", "physician", "Lakeside Spine Clinic", "New York", "NY",
     "New York State Board for Medicine", True),
    ("Sam Ortiz, DPT", "physical_therapist", "Ortiz Physical Therapy", "Brooklyn",
     "NY", "New York State Board for Physical Therapy", True),
    ("Dr. Priya Natarajan, DC", "chiropractor", "Back in Motion Chiropractic",
     "Los Angeles", "CA", "California Board of Chiropractic Examiners", True),
    ("Jordan Blake, NP", "nurse_practitioner", "Eastside Family Health",
     "Chicago", "IL", "Illinois Department of Financial and Professional "
     "Regulation", False),
]  # fmt: skip
CLINICIAN_STATEMENTS = [
    "I refer patients with chronic low back pain to this therapist, and they "
    "come back moving better.",
    "Several of my patients with sciatica have seen this therapist alongside "
    "their exercise programme; the notes I get back are careful and useful.",
    "I have worked with this therapist on post-surgical back patients for years: "
    "gentle, communicative and knows when to send someone back to me.",
    "I send patients here once red flags are ruled out; they pace the work well "
    "with physical therapy.",
]

# Comfort and consent (therapists.comfort): issuers of trauma-informed care
# training, and draping policies in therapists' own words.
TRAUMA_TRAINING_ISSUERS = [
    "Trauma-Informed Bodywork Institute",
    "Center for Trauma-Informed Care",
    "Somatic Safety Training Collective",
]
DRAPING_POLICIES = [
    "You undress only as far as you are comfortable, and you are covered by a "
    "sheet throughout. I uncover only the area I am working on, and I ask first.",
    "Underwear stays on. I leave the room while you undress and get under the "
    "sheet, and I knock before coming back in.",
    "You can stay in loose clothing for the whole session. If you prefer the "
    "table, the sheet stays tucked and only your back is uncovered, with your "
    "agreement.",
    "Towel and sheet draping at all times; the glutes and chest are never "
    "uncovered. Tell me if anything feels too exposed and I will cover it.",
]
