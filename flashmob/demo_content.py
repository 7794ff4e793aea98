"""What the demo data says: chapters, people and evenings, kept apart from the code that stores them.

Everything here is invented for the demo. Addresses are real city-centre venues so that the map
links lead somewhere sensible; people, organisations and email addresses (example.org) are not real.
"""

from __future__ import annotations

from datetime import date, time

from flashmob.events.models import EventStatus, MembershipRole

# Published in README.md: demo accounts exist only in demo databases.
DEMO_PASSWORD = "flashmob-demo"  # noqa: S105
# Every demo chapter meets in Great Britain; event times below are local to it.
TIMEZONE = "Europe/London"

# slug -> the chapter. `founded` is when the chapter began (None: created by the seed, i.e. today).
CHAPTERS: list[dict] = [
    {
        "slug": "london",
        "name": "London",
        "city": "London",
        "founded": date(2013, 5, 1),
        "description": (
            "Where PMO Flashmob began: a handful of PMO people around one table in the City, "
            "and now one of the biggest informal PMO networks in the country.\n\n"
            "We meet on a weekday evening every couple of months, usually near Bank or Fleet Street. "
            "No slides and no sales pitches: just drinks, food and people who do the job.\n\n"
            "- Come on your own; an organiser will introduce you around.\n"
            "- Bring a problem you are stuck on. Someone in the room has very likely lived through it."
        ),
    },
    {
        "slug": "birmingham",
        "name": "Birmingham",
        "city": "Birmingham",
        "founded": date(2015, 4, 1),
        "description": (
            "The Midlands chapter, started in spring 2015. Our first evening was small enough for "
            "everyone to share one conversation, and we would like to keep that feel as we grow.\n\n"
            "We meet in the city centre, a short walk from New Street and Snow Hill stations. "
            "Whether you run a portfolio office or joined a project support team last month, you are welcome."
        ),
    },
    {
        "slug": "manchester",
        "name": "Manchester",
        "city": "Manchester",
        "founded": None,
        "description": (
            "A new chapter for PMO people in Greater Manchester. Our first evening is on the calendar: "
            "join the chapter to hear when the next ones are planned."
        ),
    },
    {
        "slug": "bristol",
        "name": "Bristol",
        "city": "Bristol",
        "founded": None,
        "description": (
            "PMO people around Bristol and the South West, from aerospace and engineering to the "
            "public sector. We are just getting started, on the harbourside."
        ),
    },
    {
        "slug": "leeds",
        "name": "Leeds",
        "city": "Leeds",
        "founded": None,
        "description": (
            "For PMO people in Leeds and across Yorkshire. No evenings planned yet: if you would "
            "like to help organise the first one, say hello to the site admins."
        ),
    },
]

MEMBER = MembershipRole.MEMBER
ORGANISER = MembershipRole.ORGANISER

# The people. `since` is the year they found the network; `chapters` maps a chapter slug to their role.
PEOPLE: list[dict] = [
    # The three demo sign-ins named in README.md.
    {
        "email": "admin@example.org",
        "display_name": "Alex Morgan",
        "is_admin": True,
        "headline": "Site admin, PMO Flashmob",
        "organisation": "PMO Flashmob",
        "since": 2013,
        "bio": (
            "I look after the site: new chapters, new organisers, and anything that has gone wrong. "
            "Ask me how to start a chapter in your city."
        ),
        "chapters": {},
    },
    {
        "email": "organiser@example.org",
        "display_name": "Rachel Hughes",
        "headline": "PMO consultant; organiser in London and Birmingham",
        "organisation": "Hughes PMO Consulting",
        "share_email": True,
        "since": 2013,
        "bio": (
            "I started the first Flashmob because I wanted to meet people who understood why a status "
            "report can take three days. Happy to talk about:\n\n"
            "- setting up a PMO when nobody has agreed what it is for\n"
            "- growing a network one evening at a time\n"
            "- the PMO as the organisation's memory: lessons people can ask, not a database nobody opens"
        ),
        "chapters": {"london": ORGANISER, "birmingham": ORGANISER},
    },
    {
        "email": "member@example.org",
        "display_name": "Mark Ellis",
        "headline": "Project Support Officer, housing association",
        "organisation": "Brindley Homes",
        "since": 2015,
        "bio": (
            "Two years into project support and still surprised by how much a well-kept RAID log "
            "can save a project. I came to the first Birmingham evening not knowing anyone, and left "
            "with a lift home and three new contacts."
        ),
        "chapters": {"birmingham": MEMBER},
    },
    # Everyone else.
    {
        "email": "eileen.parry@example.org",
        "display_name": "Eileen Parry",
        "headline": "Portfolio Office Manager, regional water company",
        "organisation": "Severn Vale Water",
        "share_email": True,
        "since": 2014,
        "bio": (
            "I run stage gates for a capital programme of a few hundred projects. Ask me about "
            "**difficult gate reviews**: they are where you learn how the business really works, "
            "because every stakeholder turns up with a different question."
        ),
        "chapters": {"birmingham": MEMBER, "london": MEMBER},
    },
    {
        "email": "tom.brennan@example.org",
        "display_name": "Tom Brennan",
        "headline": "Programme Support Lead, university estates",
        "organisation": "Aston Park University",
        "since": 2015,
        "bio": (
            "We moved forty projects off spreadsheets and onto a PPM tool last year. I can tell you "
            "what went well, what we would never do again, and why the data clean-up took longer "
            "than the rollout."
        ),
        "chapters": {"birmingham": MEMBER},
    },
    {
        "email": "fiona.campbell@example.org",
        "display_name": "Fiona Campbell",
        "headline": "PMO Manager, automotive supplier",
        "organisation": "Longbridge Motor Components",
        "since": 2015,
        "bio": (
            "Product launches, supplier milestones and a lot of Gantt charts. I like talking about "
            "reporting that leads to a decision, and about estimating what a bad decision actually cost."
        ),
        "chapters": {"birmingham": MEMBER},
    },
    {
        "email": "gareth.evans@example.org",
        "display_name": "Gareth Evans",
        "headline": "Programme Manager (and former PMO lead)",
        "organisation": "Midlands Rail Upgrade",
        "since": 2016,
        "bio": (
            "I moved from the PMO into programme management and now see the other side. Ask me "
            "what a programme manager actually wants from the PMO, and what we never read."
        ),
        "chapters": {"birmingham": MEMBER, "london": MEMBER},
    },
    {
        "email": "raj.patel@example.org",
        "display_name": "Raj Patel",
        "headline": "Interim PMO Manager",
        "organisation": "Independent",
        "share_email": True,
        "since": 2014,
        "bio": (
            "Contracting for ten years, mostly standing up PMOs for transformation programmes and "
            "then handing them over. Happy to talk about the first ninety days, and about planning "
            "your own exit from day one."
        ),
        "chapters": {"london": MEMBER, "birmingham": MEMBER},
    },
    {
        "email": "nadia.rahman@example.org",
        "display_name": "Nadia Rahman",
        "headline": "Head of PMO, insurance",
        "organisation": "Lime Street Mutual",
        "share_email": True,
        "since": 2013,
        "bio": (
            "I co-organise the London evenings. At work I run an enterprise PMO of twelve people. "
            "Ask me about:\n\n"
            "- saying no to a new report when the team is already stretched\n"
            "- agreeing the PMO's services in writing, and changing them openly\n"
            "- hiring for curiosity rather than for a qualification"
        ),
        "chapters": {"london": ORGANISER},
    },
    {
        "email": "femi.adeyemi@example.org",
        "display_name": "Femi Adeyemi",
        "headline": "PMO Analyst, fintech",
        "organisation": "Ledgerlight",
        "since": 2021,
        "bio": (
            "I build the portfolio dashboards. My question for everyone: if you could report one "
            "number to the board, what would it be? I have opinions about traffic lights."
        ),
        "chapters": {"london": MEMBER},
    },
    {
        "email": "claire.watson@example.org",
        "display_name": "Claire Watson",
        "headline": "PMO Lead, NHS trust",
        "organisation": "North Thames NHS Trust",
        "since": 2016,
        "bio": (
            "Clinical and digital projects competing for the same few people. I can talk for hours "
            "about resource capacity planning that the clinicians trust, and about running a PMO "
            "through winter pressures."
        ),
        "chapters": {"london": MEMBER},
    },
    {
        "email": "james.oconnor@example.org",
        "display_name": "James O'Connor",
        "headline": "Portfolio Manager, central government",
        "organisation": "Office for Public Data",
        "since": 2017,
        "bio": (
            "Business cases, spending controls and assurance reviews. Ask me how to prepare a team "
            "for an independent review without turning it into a month of slide-writing."
        ),
        "chapters": {"london": MEMBER},
    },
    {
        "email": "sophie.lambert@example.org",
        "display_name": "Sophie Lambert",
        "headline": "Project Coordinator, first year in a PMO",
        "organisation": "Bankside Architects",
        "since": 2025,
        "bio": (
            "New to PMO work and here to learn. I keep a list of what I wish someone had told me "
            "in my first month, and I am happy to share it with the next newcomer."
        ),
        "chapters": {"london": MEMBER},
    },
    {
        "email": "hannah.kowalski@example.org",
        "display_name": "Hannah Kowalski",
        "headline": "Enterprise PMO Director, retail",
        "organisation": "Harrow & Finch Retail",
        "since": 2014,
        "bio": (
            "Portfolio prioritisation is my favourite argument. Ask me how we stopped a third of "
            "our projects in one quarter, and what it did to the ones that were left."
        ),
        "chapters": {"london": MEMBER},
    },
    {
        "email": "daniel.price@example.org",
        "display_name": "Daniel Price",
        "headline": "Risk Manager, rail infrastructure programme",
        "organisation": "Crossway Rail Partners",
        "since": 2018,
        "bio": (
            "Risk registers that people read, and schedule risk analysis without the jargon. "
            "I will happily explain why our best risk workshop had no spreadsheet in the room."
        ),
        "chapters": {"london": MEMBER},
    },
    {
        "email": "grace.okonkwo@example.org",
        "display_name": "Grace Okonkwo",
        "headline": "PMO trainer and career coach",
        "organisation": "Practical PMO Training",
        "share_email": True,
        "since": 2015,
        "bio": (
            "I help PMO people plan their careers: from administrator to analyst to manager, and "
            "sideways into consultancy. Ask me about capability frameworks and about interviews."
        ),
        "chapters": {"london": MEMBER},
    },
    {
        "email": "oliver.grant@example.org",
        "display_name": "Oliver Grant",
        "headline": "Planning Lead, construction",
        "organisation": "Thamesbank Construction",
        "since": 2019,
        "bio": (
            "Critical paths, look-ahead plans and subcontractors who plan in their heads. Ask me "
            "how to get a site team to update a schedule without chasing them every Friday."
        ),
        "chapters": {"london": MEMBER},
    },
    {
        "email": "laura.bennett@example.org",
        "display_name": "Laura Bennett",
        "headline": "PMO Lead, national charity",
        "organisation": "Brightside Trust",
        "since": 2017,
        "bio": (
            "A PMO of one and a half people. I know a lot about doing governance on a small budget, "
            "and about the free tools that are good enough."
        ),
        "chapters": {"london": MEMBER, "bristol": MEMBER},
    },
    {
        "email": "ahmed.hussain@example.org",
        "display_name": "Ahmed Hussain",
        "headline": "PPM tools specialist",
        "organisation": "Clarity Bridge Consulting",
        "since": 2016,
        "bio": (
            "I have helped a dozen organisations choose and configure PPM tools. Ask me what to "
            "settle before you look at any tool, and why data quality is a people problem."
        ),
        "chapters": {"london": MEMBER},
    },
    {
        "email": "chloe.martin@example.org",
        "display_name": "Chloe Martin",
        "headline": "Governance Lead, bank",
        "organisation": "Moorgate Bank",
        "since": 2018,
        "bio": (
            "Steering groups that make decisions, terms of reference that fit on one page, and "
            "proportionate governance for small projects."
        ),
        "chapters": {"london": MEMBER},
    },
    {
        "email": "ben.fletcher@example.org",
        "display_name": "Ben Fletcher",
        "headline": "Agile PMO Lead, software company",
        "organisation": "Fieldnote Software",
        "since": 2020,
        "bio": (
            "What is a PMO for when the teams work in sprints? We found some answers in quarterly "
            "planning and dependency mapping. Happy to compare notes."
        ),
        "chapters": {"london": MEMBER, "manchester": MEMBER},
    },
    {
        "email": "priya.sharma@example.org",
        "display_name": "Priya Sharma",
        "headline": "Benefits Realisation Manager, local authority",
        "organisation": "Greater Irwell Council",
        "since": 2016,
        "bio": (
            "Benefits that are measured after the project closes, not just promised in the business "
            "case. Ask me about benefit owners and about honest baselines."
        ),
        "chapters": {"london": MEMBER, "manchester": MEMBER},
    },
    {
        "email": "sam.whitaker@example.org",
        "display_name": "Sam Whitaker",
        "headline": "PMO Consultant",
        "organisation": "Harbourside Consulting",
        "since": 2019,
        "bio": "PMO health checks and maturity reviews, mostly in engineering firms.",
        "chapters": {"bristol": MEMBER, "london": MEMBER},
    },
    {
        "email": "isabel.moreno@example.org",
        "display_name": "Isabel Moreno",
        "headline": "PMO Officer, international NGO",
        "organisation": "OpenWater Aid",
        "since": 2022,
        "bio": (
            "Reporting across eleven countries and six time zones. Ask me how we collect updates "
            "from field offices with patchy internet, and what we stopped asking for."
        ),
        "chapters": {"london": MEMBER},
    },
    {
        "email": "peter.nash@example.org",
        "display_name": "Peter Nash",
        "headline": "Retired PMO Director, now mentoring",
        "organisation": "",
        "since": 2013,
        "bio": (
            "Thirty years of programme offices in telecoms and government. These days I mentor, "
            "and I still come along for the conversation. Ask me about the mistakes; I made most of them."
        ),
        "chapters": {"london": MEMBER},
    },
    {
        "email": "michael.turner@example.org",
        "display_name": "Michael Turner",
        "headline": "PMO Manager, media group",
        "organisation": "Quayside Media",
        "share_email": True,
        "since": 2018,
        "bio": (
            "Organiser of the Manchester chapter. I run the PMO for a broadcast technology portfolio "
            "and would love to swap stories about change freezes and live deadlines."
        ),
        "chapters": {"manchester": ORGANISER},
    },
    {
        "email": "zoe.clarke@example.org",
        "display_name": "Zoe Clarke",
        "headline": "Project Support Officer, housing",
        "organisation": "Irwell Housing",
        "since": 2024,
        "bio": "Keeping forty refurbishment projects on track with one shared tracker and many phone calls.",
        "chapters": {"manchester": MEMBER},
    },
    {
        "email": "liam.doyle@example.org",
        "display_name": "Liam Doyle",
        "headline": "Programme Office Lead, energy networks",
        "organisation": "Northern Grid Services",
        "since": 2021,
        "bio": (
            "Regulatory deadlines, long programmes and a lot of contractors. Ask me about "
            "milestone reporting that the regulator and the board both accept."
        ),
        "chapters": {"manchester": MEMBER},
    },
    {
        "email": "megan.lloyd@example.org",
        "display_name": "Megan Lloyd",
        "headline": "Head of Portfolio Office, aerospace",
        "organisation": "Filton Aero Systems",
        "share_email": True,
        "since": 2017,
        "bio": (
            "Organiser of the Bristol chapter. I came to London evenings for years and wanted one "
            "closer to home. Ask me about portfolio reviews in a safety-critical industry."
        ),
        "chapters": {"bristol": ORGANISER},
    },
    {
        "email": "helen.brooks@example.org",
        "display_name": "Helen Brooks",
        "headline": "PMO Lead, building society",
        "organisation": "Aire Valley Building Society",
        "since": 2020,
        "bio": "Change portfolio reporting for operations teams. Hoping to get Leeds evenings going.",
        "chapters": {"leeds": MEMBER},
    },
    {
        "email": "kwame.asante@example.org",
        "display_name": "Kwame Asante",
        "headline": "Project Analyst, health technology",
        "organisation": "Yorkshire Health Digital",
        "since": 2023,
        "bio": "Data, dashboards and dependency maps for digital health projects.",
        "chapters": {"leeds": MEMBER},
    },
]

# The evenings. A past one has a fixed date (`on`); one that must stay upcoming has `days_from_today`
# and lands on the first Thursday on or after that day, fixed when the demo is first seeded.
# Times are local to the chapter. `key` makes the event's calendar UID, so it must never change.
EVENTS: list[dict] = [
    {
        "key": "london-2013-first",
        "chapter": "london",
        "title": "The first PMO Flashmob",
        "on": date(2013, 5, 16),
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "The Counting House",
        "venue_address": "50 Cornhill, London EC3V 3PD",
        "capacity": 15,
        "status": EventStatus.PUBLISHED,
        "by": "organiser@example.org",
        "description": (
            "An experiment: an evening for PMO people, with no agenda and no speakers. We will book a "
            "table near the back, and find out whether anyone else wants to talk about the job.\n\n"
            "Look for the Flashmob sign on the table."
        ),
    },
    {
        "key": "london-2014-reporting",
        "chapter": "london",
        "title": "Autumn Flashmob: reports people read",
        "on": date(2014, 10, 9),
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "The Old Bank of England",
        "venue_address": "194 Fleet Street, London EC4A 2LT",
        "capacity": 40,
        "status": EventStatus.PUBLISHED,
        "by": "organiser@example.org",
        "description": (
            "Our biggest evening so far. The question we will start with: which of the reports you "
            "produce every month would anyone miss if it stopped?\n\n"
            "Bring an example (anonymised) of a report that changed a decision."
        ),
    },
    {
        "key": "london-2015-spring",
        "chapter": "london",
        "title": "Spring Flashmob: the PMO as the lessons learnt",
        "on": date(2015, 3, 19),
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "The Anthologist",
        "venue_address": "58 Gresham Street, London EC2V 7BB",
        "capacity": 40,
        "status": EventStatus.PUBLISHED,
        "by": "nadia.rahman@example.org",
        "description": (
            "Lessons learnt logs fill up and are never opened again. The people who have supported "
            "dozens of projects carry the lessons with them; how do we make them easy to ask?\n\n"
            "- what you learnt the hard way this year\n"
            "- who you go to when a project looks familiar"
        ),
    },
    {
        "key": "london-2017-summer",
        "chapter": "london",
        "title": "Summer Flashmob by the river",
        "on": date(2017, 6, 22),
        "starts": time(18, 30),
        "ends": time(21, 30),
        "venue_name": "The Anchor Bankside",
        "venue_address": "34 Park Street, London SE1 9EF",
        "capacity": 40,
        "status": EventStatus.PUBLISHED,
        "by": "nadia.rahman@example.org",
        "description": (
            "A longer summer evening on the terrace, weather permitting. No theme: come and meet "
            "the people behind the other PMOs in town."
        ),
    },
    {
        "key": "london-2019-prioritisation",
        "chapter": "london",
        "title": "Flashmob: when everything is priority one",
        "on": date(2019, 11, 14),
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "The Lamb Tavern",
        "venue_address": "10-12 Leadenhall Market, London EC3V 1LR",
        "capacity": 35,
        "status": EventStatus.PUBLISHED,
        "by": "organiser@example.org",
        "description": (
            "Portfolio prioritisation: scoring models, gut feel, and the executive who wants their "
            "project at the top. How does your organisation decide what to stop?"
        ),
    },
    {
        "key": "london-recent-careers",
        "chapter": "london",
        "title": "London Flashmob: where next for PMO careers?",
        "days_from_today": -27,
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "The Jamaica Wine House",
        "venue_address": "St Michael's Alley, Cornhill, London EC3V 9DS",
        "capacity": 30,
        "status": EventStatus.PUBLISHED,
        "by": "nadia.rahman@example.org",
        "description": (
            "From project support to portfolio director, and sideways into consultancy, training "
            "or delivery. People at every stage of a PMO career, swapping what helped them move on."
        ),
    },
    {
        "key": "birmingham-2015-first",
        "chapter": "birmingham",
        "title": "The first Birmingham Flashmob",
        "on": date(2015, 5, 7),
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "The Old Joint Stock",
        "venue_address": "4 Temple Row West, Birmingham B2 5NY",
        "capacity": 20,
        "status": EventStatus.PUBLISHED,
        "by": "organiser@example.org",
        "description": (
            "The Flashmob comes to the Midlands. A small first evening, so we expect to talk as one "
            "group: tools and systems, the parts of PMO work we love and the parts we do not, and "
            "where the PMO should be heading.\n\n"
            "We will have a table upstairs from six; food is on the way."
        ),
    },
    {
        "key": "birmingham-2015-summer",
        "chapter": "birmingham",
        "title": "Birmingham summer Flashmob",
        "on": date(2015, 7, 16),
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "The Canal House",
        "venue_address": "12 Bridge Street, Birmingham B1 2JR",
        "capacity": 30,
        "status": EventStatus.PUBLISHED,
        "by": "organiser@example.org",
        "description": (
            "Our second Birmingham evening, by the canal this time so that we can sit outside. "
            "Carrying on from May: if you could report one thing the business really needs to see, "
            "what would it be? Newcomers very welcome."
        ),
    },
    {
        "key": "london-2016-authority",
        "chapter": "london",
        "title": "Flashmob: responsibility without authority",
        "on": date(2016, 3, 10),
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "Ye Olde Cheshire Cheese",
        "venue_address": "145 Fleet Street, London EC4A 2BU",
        "capacity": 35,
        "status": EventStatus.PUBLISHED,
        "by": "organiser@example.org",
        "description": (
            "The PMO is asked to make projects behave, and is rarely allowed to make anyone do "
            "anything. Where does our authority really end, and what do we do at the edge of it?"
        ),
    },
    {
        "key": "london-2018-bad-decisions",
        "chapter": "london",
        "title": "Flashmob: what do bad decisions really cost?",
        "on": date(2018, 9, 20),
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "The Hydrant",
        "venue_address": "1 Monument Street, London EC3R 8BG",
        "capacity": 40,
        "status": EventStatus.PUBLISHED,
        "by": "nadia.rahman@example.org",
        "description": (
            "A question from a Birmingham evening that would not go away: how much do bad decisions "
            "really cost us, and could the PMO ever put a number on it? Bring your war stories."
        ),
    },
    {
        "key": "london-2023-risk",
        "chapter": "london",
        "title": "Flashmob: the RAID log nobody opens",
        "on": date(2023, 5, 18),
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "The Counting House",
        "venue_address": "50 Cornhill, London EC3V 3PD",
        "capacity": 35,
        "status": EventStatus.PUBLISHED,
        "by": "nadia.rahman@example.org",
        "description": (
            "Risks, assumptions, issues and dependencies: every project keeps them, few people read "
            "them. What makes a risk register worth opening, and who should own it?"
        ),
    },
    {
        "key": "birmingham-2017-gateways",
        "chapter": "birmingham",
        "title": "Birmingham Flashmob: difficult gateways",
        "on": date(2017, 4, 27),
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "The Old Joint Stock",
        "venue_address": "4 Temple Row West, Birmingham B2 5NY",
        "capacity": 25,
        "status": EventStatus.PUBLISHED,
        "by": "organiser@example.org",
        "description": (
            "Stage gates and gate reviews: the ones that go smoothly, and the difficult ones where "
            "every stakeholder arrives with a different question. What do they teach the PMO?"
        ),
    },
    {
        "key": "birmingham-2019-resources",
        "chapter": "birmingham",
        "title": "Birmingham Flashmob: who is actually free?",
        "on": date(2019, 10, 3),
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "The Victoria",
        "venue_address": "48 John Bright Street, Birmingham B1 1BN",
        "capacity": 25,
        "status": EventStatus.PUBLISHED,
        "by": "organiser@example.org",
        "description": (
            "Resource management without the fiction: the same few people on every project, "
            "capacity plans nobody believes, and what has actually worked for you."
        ),
    },
    {
        "key": "birmingham-2022-support-group",
        "chapter": "birmingham",
        "title": "Birmingham Flashmob: back in the room",
        "on": date(2022, 9, 29),
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "The Canal House",
        "venue_address": "12 Bridge Street, Birmingham B1 2JR",
        "capacity": 30,
        "status": EventStatus.PUBLISHED,
        "by": "organiser@example.org",
        "description": (
            "Our first evening together since 2020. Half PMO support group, half catch-up: what "
            "changed in your PMO while we were all on video calls, and what you are glad to keep."
        ),
    },
    {
        "key": "london-upcoming-reporting",
        "chapter": "london",
        "title": "London Flashmob: the one number the board needs",
        "days_from_today": 30,
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "The Old Bank of England",
        "venue_address": "194 Fleet Street, London EC4A 2LT",
        "capacity": 40,
        "status": EventStatus.PUBLISHED,
        "by": "organiser@example.org",
        "description": (
            "If you could put only one measure in front of the board, what would it be? We will "
            "start there and see where the evening goes.\n\n"
            "First time? Ask at the bar for the Flashmob table; someone will introduce you."
        ),
    },
    {
        "key": "london-upcoming-cancelled",
        "chapter": "london",
        "title": "London Flashmob: planning the new financial year",
        "days_from_today": 10,
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "The Counting House",
        "venue_address": "50 Cornhill, London EC3V 3PD",
        "capacity": 30,
        "status": EventStatus.CANCELLED,
        "by": "nadia.rahman@example.org",
        "description": (
            "Budgets are being set and portfolios re-planned: how does your PMO get ready for April, "
            "and what do you stop doing to make room for the new work?"
        ),
        "cancellation_reason": (
            "The venue has had to close for repairs that evening. Sorry! The conversation moves to "
            "the next London evening."
        ),
    },
    {
        "key": "birmingham-upcoming",
        "chapter": "birmingham",
        "title": "Birmingham Flashmob: tools we love and tools we tolerate",
        "days_from_today": 21,
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "The Old Joint Stock",
        "venue_address": "4 Temple Row West, Birmingham B2 5NY",
        "capacity": 25,
        "status": EventStatus.PUBLISHED,
        "by": "organiser@example.org",
        "description": (
            "Spreadsheets, PPM suites, planners and the odd whiteboard. Bring the tool that saved "
            "you and the one that nearly broke you; we will compare notes over dinner."
        ),
    },
    {
        # A save-the-date: the next summer evening, its day and venue still to be found. `in_month` places
        # it (for ordering only) in the next such month at least a month away; the hint says "July 2027".
        "key": "birmingham-summer-save-the-date",
        "chapter": "birmingham",
        "title": "Birmingham summer Flashmob",
        "in_month": 7,
        "date_tbc": True,
        "date_hint": "July {year}",
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "",
        "venue_address": "",
        "capacity": 30,
        "status": EventStatus.PUBLISHED,
        "by": "organiser@example.org",
        "description": (
            "We'll be holding another PMO Flashmob in Birmingham in July: watch out for the new date, "
            "and hopefully a venue fit for a decent summer's evening.\n\n"
            "Press \"Tell me when the date is set\" and we will email you as soon as it is."
        ),
        # Members who have asked to be told when the date is set.
        "interested": [
            "member@example.org",
            "eileen.parry@example.org",
            "fiona.campbell@example.org",
            "gareth.evans@example.org",
        ],
    },
    {
        "key": "birmingham-draft-autumn",
        "chapter": "birmingham",
        "title": "Birmingham Flashmob: PMO support group night",
        "days_from_today": 63,
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "The Wellington",
        "venue_address": "37 Bennetts Hill, Birmingham B2 5SN",
        "capacity": 25,
        "status": EventStatus.DRAFT,
        "by": "organiser@example.org",
        "description": (
            "Draft: venue to be confirmed. An evening about the parts of the job where the PMO has "
            "the responsibility but not the authority, and how people cope."
        ),
    },
    {
        "key": "manchester-first",
        "chapter": "manchester",
        "title": "The first Manchester Flashmob",
        "days_from_today": 35,
        "starts": time(18, 0),
        "ends": time(21, 0),
        "venue_name": "The Briton's Protection",
        "venue_address": "50 Great Bridgewater Street, Manchester M1 5LE",
        "capacity": 20,
        "status": EventStatus.PUBLISHED,
        "by": "michael.turner@example.org",
        "description": (
            "Manchester's first evening. Small and friendly: come and tell us what you would like "
            "the chapter to be."
        ),
    },
    {
        "key": "bristol-first",
        "chapter": "bristol",
        "title": "The first Bristol Flashmob",
        "days_from_today": 45,
        "starts": time(18, 30),
        "ends": time(21, 0),
        "venue_name": "The Llandoger Trow",
        "venue_address": "King Street, Bristol BS1 4ER",
        "capacity": 15,
        "status": EventStatus.PUBLISHED,
        "by": "megan.lloyd@example.org",
        "description": (
            "A first get-together for PMO people in Bristol, in one of the oldest pubs on the "
            "harbourside. Expect one table and one big conversation."
        ),
    },
]

# Who answered which evening, by event key. `going` in the order they said so; `fill` tops the going list up
# with more demo people until every seat is taken; `waitlisted` are in line in that order; past evenings
# say who came (`came`, checked in at the door).
RSVPS: list[dict] = [
    {
        "event": "birmingham-upcoming",
        "going": [
            "organiser@example.org",
            "eileen.parry@example.org",
            "tom.brennan@example.org",
            "fiona.campbell@example.org",
            "raj.patel@example.org",
        ],
        "not_going": ["gareth.evans@example.org"],
    },
    {
        "event": "london-upcoming-reporting",
        "going": [
            "nadia.rahman@example.org",
            "femi.adeyemi@example.org",
            "claire.watson@example.org",
            "james.oconnor@example.org",
            "sophie.lambert@example.org",
            "hannah.kowalski@example.org",
            "grace.okonkwo@example.org",
            "priya.sharma@example.org",
        ],
    },
    {
        # The full one: every seat taken, and the demo member second in line.
        "event": "bristol-first",
        "going": ["megan.lloyd@example.org", "laura.bennett@example.org", "sam.whitaker@example.org"],
        "fill": True,
        "waitlisted": ["ben.fletcher@example.org", "member@example.org", "zoe.clarke@example.org"],
    },
    {
        "event": "london-recent-careers",
        "going": [
            "nadia.rahman@example.org",
            "organiser@example.org",
            "daniel.price@example.org",
            "oliver.grant@example.org",
            "ahmed.hussain@example.org",
            "chloe.martin@example.org",
            "isabel.moreno@example.org",
            "peter.nash@example.org",
        ],
        "came": [
            "nadia.rahman@example.org",
            "organiser@example.org",
            "daniel.price@example.org",
            "ahmed.hussain@example.org",
            "chloe.martin@example.org",
            "peter.nash@example.org",
        ],
    },
    {
        "event": "birmingham-2015-first",
        "going": [
            "organiser@example.org",
            "eileen.parry@example.org",
            "tom.brennan@example.org",
            "gareth.evans@example.org",
            "raj.patel@example.org",
        ],
        "came": [
            "organiser@example.org",
            "eileen.parry@example.org",
            "tom.brennan@example.org",
            "raj.patel@example.org",
        ],
    },
]

# Connections among the demo people: the demo member has two connections, a request waiting for them and
# one they sent, so /connections shows every part; "event" names the evening where they met, if any.
CONNECTIONS: list[dict] = [
    {
        "from": "organiser@example.org",
        "to": "member@example.org",
        "status": "accepted",
        "message": "Good to meet you, Mark. Come to the next Birmingham evening with your RAID log stories.",
    },
    {
        "from": "member@example.org",
        "to": "eileen.parry@example.org",
        "status": "accepted",
        "message": "Thanks for the tip about benefits maps. How does your portfolio board work?",
        "note": "Runs the portfolio office at the council. Offered to show me their benefits map.",
    },
    {
        "from": "tom.brennan@example.org",
        "to": "member@example.org",
        "status": "pending",
        "message": "We talked about lessons learnt that nobody reads. Let's stay in touch.",
    },
    {"from": "member@example.org", "to": "raj.patel@example.org", "status": "pending", "message": ""},
    {
        "from": "eileen.parry@example.org",
        "to": "tom.brennan@example.org",
        "status": "accepted",
        "event": "birmingham-2015-first",
        "message": "",
    },
    {
        "from": "organiser@example.org",
        "to": "eileen.parry@example.org",
        "status": "accepted",
        "event": "birmingham-2015-first",
        "message": "",
    },
    {
        "from": "nadia.rahman@example.org",
        "to": "daniel.price@example.org",
        "status": "accepted",
        "event": "london-recent-careers",
        "message": "Great chat about moving from project to portfolio roles.",
    },
    {
        "from": "chloe.martin@example.org",
        "to": "organiser@example.org",
        "status": "pending",
        "event": "london-recent-careers",
        "message": "Thank you for hosting! Could I ask you about starting a chapter?",
    },
]

# What each demo person says on their profile beyond the headline: kind of PMO, years, expertise and
# interests (tags shared with others, so the directory's tag links and "people to meet" find matches),
# who may see it, and whether the demo draws them a picture (the others show their initials).
E, M, MET = "everyone", "members", "met"
PROFILE_DETAILS: dict[str, dict] = {
    "admin@example.org": dict(kind="other", years=12, visibility=E, expertise=["Community building"],
                              interests=["Starting a chapter"]),
    "organiser@example.org": dict(kind="enterprise", years=15, visibility=E, picture=True,
                                  expertise=["PMO set-up", "Lessons learnt", "Community building"],
                                  interests=["Benefits realisation"]),
    "member@example.org": dict(kind="project", years=2, visibility=M,
                               expertise=["RAID logs"], interests=["Risk registers", "Career growth"]),
    "eileen.parry@example.org": dict(kind="portfolio", years=11, visibility=E, picture=True,
                                     expertise=["Portfolio prioritisation", "Capital planning"],
                                     interests=["Benefits realisation"]),
    "tom.brennan@example.org": dict(kind="programme", years=6, visibility=M,
                                    expertise=["Programme reporting"], interests=["PPM tools"]),
    "fiona.campbell@example.org": dict(kind="project", years=9, visibility=M,
                                       expertise=["Resource management"], interests=["Lessons learnt"]),
    "gareth.evans@example.org": dict(kind="programme", years=14, visibility=MET,
                                     expertise=["Programme governance", "Stakeholder management"],
                                     interests=["Agile at scale"]),
    "raj.patel@example.org": dict(kind="other", years=18, visibility=E, picture=True,
                                  expertise=["PMO set-up", "Turnaround"], interests=["Career growth"]),
    "nadia.rahman@example.org": dict(kind="enterprise", years=13, visibility=E,
                                     expertise=["Governance", "Risk registers"], interests=["Data and AI"]),
    "femi.adeyemi@example.org": dict(kind="portfolio", years=3, visibility=M, picture=True,
                                     expertise=["Power BI", "Programme reporting"],
                                     interests=["Data and AI"]),
    "claire.watson@example.org": dict(kind="project", years=8, visibility=MET,
                                      expertise=["Benefits realisation"], interests=["Lessons learnt"]),
    "james.oconnor@example.org": dict(kind="portfolio", years=10, visibility=M,
                                      expertise=["Portfolio prioritisation", "Spending reviews"],
                                      interests=["Governance"]),
    "sophie.lambert@example.org": dict(kind="project", years=1, visibility=M,
                                       expertise=[], interests=["Career growth", "RAID logs"]),
    "hannah.kowalski@example.org": dict(kind="enterprise", years=16, visibility=E, picture=True,
                                        expertise=["Enterprise PMO", "Portfolio prioritisation"],
                                        interests=["Agile at scale"]),
    "daniel.price@example.org": dict(kind="programme", years=7, visibility=M,
                                     expertise=["Risk registers", "Quantitative risk"],
                                     interests=["Data and AI"]),
    "grace.okonkwo@example.org": dict(kind="centre_of_excellence", years=20, visibility=E,
                                      expertise=["Career growth", "PMO training"],
                                      interests=["Lessons learnt"]),
    "oliver.grant@example.org": dict(kind="project", years=9, visibility=M,
                                     expertise=["Planning", "Earned value"], interests=["PPM tools"]),
    "laura.bennett@example.org": dict(kind="portfolio", years=7, visibility=MET,
                                      expertise=["Benefits realisation"], interests=["Governance"]),
    "ahmed.hussain@example.org": dict(kind="other", years=12, visibility=E,
                                      expertise=["PPM tools", "Power BI"], interests=["Data and AI"]),
    "chloe.martin@example.org": dict(kind="enterprise", years=8, visibility=M,
                                     expertise=["Governance", "Assurance"], interests=["Risk registers"]),
    "ben.fletcher@example.org": dict(kind="programme", years=5, visibility=M, picture=True,
                                     expertise=["Agile at scale"], interests=["PPM tools"]),
    "priya.sharma@example.org": dict(kind="portfolio", years=9, visibility=E,
                                     expertise=["Benefits realisation"], interests=["Programme reporting"]),
    "sam.whitaker@example.org": dict(kind="other", years=11, visibility=M,
                                     expertise=["PMO set-up"], interests=["Resource management"]),
    "isabel.moreno@example.org": dict(kind="programme", years=4, visibility=MET,
                                      expertise=["Donor reporting"], interests=["Lessons learnt"]),
    "peter.nash@example.org": dict(kind="centre_of_excellence", years=35, visibility=E,
                                   expertise=["Mentoring", "Governance"], interests=["Career growth"]),
    "michael.turner@example.org": dict(kind="project", years=10, visibility=M,
                                       expertise=["Resource management"], interests=["Agile at scale"]),
    "zoe.clarke@example.org": dict(kind="project", years=2, visibility=M,
                                   expertise=["RAID logs"], interests=["Career growth"]),
    "liam.doyle@example.org": dict(kind="programme", years=8, visibility=MET,
                                   expertise=["Programme reporting", "Earned value"],
                                   interests=["Risk registers"]),
    "megan.lloyd@example.org": dict(kind="portfolio", years=14, visibility=E,
                                    expertise=["Portfolio prioritisation", "Assurance"],
                                    interests=["Data and AI"]),
    "helen.brooks@example.org": dict(kind="project", years=6, visibility=M,
                                     expertise=["Governance"], interests=["Benefits realisation"]),
    "kwame.asante@example.org": dict(kind="project", years=3, visibility=M,
                                     expertise=["Power BI"], interests=["PPM tools", "Data and AI"]),
}


# Cover pictures drawn for the demo (demo.abstract_cover: a gradient from the first colour to the second,
# with soft rings): London and Birmingham have their own, and one evening has its own over London's.
# The other chapters show the drawn default.
COVERS = {
    "chapters": {
        "london": ((24, 48, 92), (138, 45, 82)),
        "birmingham": ((20, 84, 74), (214, 150, 60)),
    },
    "events": {
        "london-upcoming-reporting": ((40, 36, 80), (226, 112, 72)),
    },
}
