"""Who regulates massage therapy in each US state, and where to check a licence
or complain: the table the badge rule and the state pages read.

Sources (checked for issue 15): the Federation of State Massage Therapy Boards
(FSMTB, https://fsmtb.org/regulation/) sums up the landscape as licensure in 49
states and territories, mandatory registration in Vermont, a voluntary
certification in California, and no state regulation in Kansas, Minnesota and
Wyoming (cities or counties may regulate there). Vermont: 26 V.S.A. chapter 105,
added by Act 178 of 2020 (S.220), requires massage therapists, bodyworkers and
touch professionals to register with the Office of Professional Regulation from
April 1, 2021; registration asks for no set training or exam. California:
Business and Professions Code 4600 ff. (CAMTC, voluntary since 2009).

Board names follow FSMTB's table. A lookup or complaint address is given only
where we know the official page; otherwise the state page links the board's home
page (or none, where we are not sure of it) and says what to search for there,
rather than guess a deep link. Re-check this table when a state changes its law.
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass

# The jurisdiction of a national credential (NCBTMB board certification).
NATIONAL = "US"

# Where every state board is listed, for states whose board site we do not know.
FSMTB_BOARDS_URL = "https://fsmtb.org/regulation/"
NCBTMB_URL = "https://www.ncbtmb.org/"


class Regulation(enum.StrEnum):
    LICENCE = "licence"
    REGISTRATION = "registration"
    VOLUNTARY_CERTIFICATION = "voluntary certification"
    NONE = "none"


@dataclass(frozen=True)
class State:
    code: str
    name: str
    regulation: Regulation
    # Who issues the licence or registration ("" where nobody does).
    board: str
    # The board's home page; "" where we are not sure of it.
    board_url: str
    # The board's own licence lookup and complaint pages, where we know them.
    lookup_url: str = ""
    complaint_url: str = ""
    # A place the site's search geocodes ("City, ST"), to search the state.
    city: str = ""
    # Where complaints go when no state board takes them, and what else to know.
    note: str = ""
    # What the site's words call the issuer's site where it is no board.
    site_owner: str = "the board"

    @property
    def slug(self) -> str:
        return self.code.lower()

    @property
    def licenses_massage(self) -> bool:
        """Whether the state's own licence (or registration) is the credential
        the badge needs there; elsewhere a board certification is."""
        return self.regulation in (Regulation.LICENCE, Regulation.REGISTRATION)

    @property
    def credential_word(self) -> str:
        """What the state's credential is called: licence, registration or
        certificate."""
        return {
            Regulation.REGISTRATION: "registration",
            Regulation.VOLUNTARY_CERTIFICATION: "certificate",
        }.get(self.regulation, "licence")

    @property
    def lookup_words(self) -> str:
        """What to search for on the issuer's site to check a credential (in
        the American spelling the boards use)."""
        if self.regulation == Regulation.VOLUNTARY_CERTIFICATION:
            return "verify a certificate"
        return "license lookup"


def _licence(code, name, board, board_url, city, **more) -> State:
    return State(code, name, Regulation.LICENCE, board, board_url, city=city, **more)


STATES: dict[str, State] = {
    state.code: state
    for state in [
        _licence(
            "AL", "Alabama", "Alabama Board of Massage Therapy",
            "https://almtbd.alabama.gov/", "Huntsville, AL",
        ),
        _licence(
            "AK", "Alaska", "Alaska Board of Massage Therapists",
            "https://www.commerce.alaska.gov/web/cbpl/ProfessionalLicensing/"
            "BoardofMassageTherapists.aspx",
            "Anchorage, AK",
            lookup_url="https://www.commerce.alaska.gov/cbp/main/search/professional",
        ),
        _licence(
            "AZ", "Arizona", "Arizona State Board of Massage Therapy",
            "https://massagetherapy.az.gov/", "Phoenix, AZ",
        ),
        _licence(
            "AR", "Arkansas", "Arkansas Department of Health (massage therapy)",
            "https://www.healthy.arkansas.gov/", "Little Rock, AR",
        ),
        State(
            "CA", "California", Regulation.VOLUNTARY_CERTIFICATION,
            "California Massage Therapy Council (CAMTC)", "https://www.camtc.org/",
            city="Los Angeles, CA",
            site_owner="CAMTC",
            note=(
                "California has no state licence. The California Massage Therapy "
                "Council (CAMTC) certifies therapists voluntarily, and many cities "
                "ask for its certificate; complaints about a certified therapist "
                "go to CAMTC, and about a crime to the police."
            ),
        ),
        _licence(
            "CO", "Colorado",
            "Colorado Office of Massage Therapy Licensure (DORA, Division of "
            "Professions and Occupations)",
            "https://dpo.colorado.gov/MassageTherapy", "Denver, CO",
            lookup_url="https://apps.colorado.gov/dora/licensing/Lookup/LicenseLookup.aspx",
        ),
        _licence(
            "CT", "Connecticut", "Connecticut Department of Public Health",
            "https://portal.ct.gov/dph", "Bridgeport, CT",
            lookup_url="https://www.elicense.ct.gov/Lookup/LicenseLookup.aspx",
        ),
        _licence(
            "DE", "Delaware", "Delaware Board of Massage and Bodywork",
            "https://dpr.delaware.gov/boards/massagebodyworks/", "Wilmington, DE",
        ),
        _licence(
            "DC", "District of Columbia", "DC Board of Massage Therapy (DC Health)",
            "https://dchealth.dc.gov/", "Washington, DC",
        ),
        _licence(
            "FL", "Florida", "Florida Board of Massage Therapy",
            "https://floridasmassagetherapy.gov/", "Jacksonville, FL",
            lookup_url="https://mqa-internet.doh.state.fl.us/MQASearchServices/Home",
            complaint_url="https://www.flhealthcomplaint.gov/",
        ),
        _licence(
            "GA", "Georgia", "Georgia Board of Massage Therapy (Secretary of State)",
            "https://sos.ga.gov/", "Atlanta, GA",
            lookup_url="https://verify.sos.ga.gov/verification/",
        ),
        _licence(
            "HI", "Hawaii", "Hawaii Board of Massage Therapy (DCCA)",
            "https://cca.hawaii.gov/pvl/boards/massage/", "Honolulu, HI",
            lookup_url="https://pvl.ehawaii.gov/pvlsearch/",
            complaint_url="https://cca.hawaii.gov/rico/",
        ),
        _licence(
            "ID", "Idaho",
            "Idaho Board of Massage Therapy (Division of Occupational and "
            "Professional Licenses)",
            "https://dopl.idaho.gov/", "Boise, ID",
        ),
        _licence(
            "IL", "Illinois",
            "Illinois Department of Financial and Professional Regulation (IDFPR)",
            "https://idfpr.illinois.gov/", "Chicago, IL",
        ),
        _licence(
            "IN", "Indiana",
            "Indiana State Board of Massage Therapy (Professional Licensing Agency)",
            "https://www.in.gov/pla/", "Indianapolis, IN",
            lookup_url="https://mylicense.in.gov/everification/",
        ),
        _licence(
            "IA", "Iowa",
            "Iowa Board of Massage Therapy (Department of Inspections, Appeals and "
            "Licensing)",
            "https://dial.iowa.gov/", "Des Moines, IA",
        ),
        State(
            "KS", "Kansas", Regulation.NONE, "", "", city="Wichita, KS",
            note=(
                "Kansas has no state board for massage therapists, so there is no "
                "state licence to look up and no state complaint process. Some "
                "cities and counties license massage businesses: ask yours. Report "
                "a crime to the police."
            ),
        ),
        _licence(
            "KY", "Kentucky", "Kentucky Board of Licensure for Massage Therapy",
            "https://bmt.ky.gov/", "Louisville, KY",
        ),
        _licence(
            "LA", "Louisiana", "Louisiana Board of Massage Therapy", "",
            "New Orleans, LA",
        ),
        _licence(
            "ME", "Maine",
            "Maine Office of Professional and Occupational Regulation",
            "https://www.maine.gov/pfr/professionallicensing/", "Portland, ME",
        ),
        _licence(
            "MD", "Maryland", "Maryland State Board of Massage Therapy Examiners",
            "https://health.maryland.gov/massage/", "Baltimore, MD",
        ),
        _licence(
            "MA", "Massachusetts",
            "Massachusetts Board of Registration of Massage Therapy",
            "https://www.mass.gov/orgs/board-of-registration-of-massage-therapy",
            "Boston, MA",
        ),
        _licence(
            "MI", "Michigan",
            "Michigan Board of Massage Therapy (Department of Licensing and "
            "Regulatory Affairs)",
            "https://www.michigan.gov/lara", "Detroit, MI",
        ),
        State(
            "MN", "Minnesota", Regulation.NONE, "", "", city="Minneapolis, MN",
            note=(
                "Minnesota has no state licence for massage therapists; many "
                "cities license them. The Minnesota Department of Health's Office "
                "of Unlicensed Complementary and Alternative Health Care Practice "
                "takes complaints about practitioners the state does not license: "
                "search for it on health.state.mn.us. Report a crime to the police."
            ),
        ),
        _licence(
            "MS", "Mississippi", "Mississippi State Board of Massage Therapy", "",
            "Jackson, MS",
        ),
        _licence(
            "MO", "Missouri",
            "Missouri Board of Therapeutic Massage (Division of Professional "
            "Registration)",
            "https://pr.mo.gov/massage.asp", "Kansas City, MO",
        ),
        _licence(
            "MT", "Montana",
            "Montana Board of Massage Therapy (Department of Labor and Industry)",
            "https://boards.bsd.dli.mt.gov/", "Billings, MT",
        ),
        _licence(
            "NE", "Nebraska",
            "Nebraska Department of Health and Human Services, Licensure Unit",
            "https://dhhs.ne.gov/", "Omaha, NE",
        ),
        _licence(
            "NV", "Nevada", "Nevada State Board of Massage Therapy",
            "https://massagetherapy.nv.gov/", "Las Vegas, NV",
        ),
        _licence(
            "NH", "New Hampshire",
            "New Hampshire Office of Professional Licensure and Certification",
            "https://www.oplc.nh.gov/", "Manchester, NH",
        ),
        _licence(
            "NJ", "New Jersey",
            "New Jersey Board of Massage and Bodywork Therapy (Division of "
            "Consumer Affairs)",
            "https://www.njconsumeraffairs.gov/mbt/", "Newark, NJ",
            lookup_url="https://newjersey.mylicense.com/verification/",
        ),
        _licence(
            "NM", "New Mexico",
            "New Mexico Massage Therapy Board (Regulation and Licensing Department)",
            "https://www.rld.nm.gov/", "Albuquerque, NM",
        ),
        _licence(
            "NY", "New York",
            "New York State Education Department, Office of the Professions",
            "https://www.op.nysed.gov/", "New York, NY",
            lookup_url="https://eservices.nysed.gov/professions/verification-search",
        ),
        _licence(
            "NC", "North Carolina",
            "North Carolina Board of Massage and Bodywork Therapy",
            "https://www.bmbt.org/", "Charlotte, NC",
        ),
        _licence(
            "ND", "North Dakota", "North Dakota Board of Massage Therapy",
            "https://www.ndbmt.org/", "Fargo, ND",
        ),
        _licence(
            "OH", "Ohio", "State Medical Board of Ohio", "https://med.ohio.gov/",
            "Columbus, OH",
            lookup_url="https://elicense.ohio.gov/oh_verifylicense",
        ),
        _licence(
            "OK", "Oklahoma", "Oklahoma State Board of Cosmetology and Barbering",
            "https://oklahoma.gov/cosmo.html", "Oklahoma City, OK",
        ),
        _licence(
            "OR", "Oregon", "Oregon Board of Massage Therapists",
            "https://www.oregon.gov/obmt/", "Portland, OR",
        ),
        _licence(
            "PA", "Pennsylvania",
            "Pennsylvania State Board of Massage Therapy (Department of State)",
            "", "Philadelphia, PA",
            lookup_url="https://www.pals.pa.gov/",
        ),
        _licence(
            "RI", "Rhode Island", "Rhode Island Department of Health",
            "https://health.ri.gov/", "Providence, RI",
        ),
        _licence(
            "SC", "South Carolina",
            "South Carolina Board of Massage/Bodywork Therapy (Department of "
            "Labor, Licensing and Regulation)",
            "https://llr.sc.gov/massage/", "Charleston, SC",
        ),
        _licence(
            "SD", "South Dakota", "South Dakota Board of Massage Therapy",
            "https://massage.sd.gov/", "Sioux Falls, SD",
        ),
        _licence(
            "TN", "Tennessee", "Tennessee Board of Massage Licensure",
            "https://www.tn.gov/health/health-program-areas/"
            "health-professional-boards/massage-board.html",
            "Nashville, TN",
            lookup_url="https://apps.health.tn.gov/Licensure/",
        ),
        _licence(
            "TX", "Texas", "Texas Department of Licensing and Regulation (TDLR)",
            "https://www.tdlr.texas.gov/mas/mas.htm", "Houston, TX",
            lookup_url="https://www.tdlr.texas.gov/LicenseSearch/",
            complaint_url="https://www.tdlr.texas.gov/complaints/",
        ),
        _licence(
            "UT", "Utah", "Utah Division of Professional Licensing (DOPL)",
            "https://dopl.utah.gov/", "Salt Lake City, UT",
            lookup_url="https://secure.utah.gov/llv/search/index.html",
        ),
        State(
            "VT", "Vermont", Regulation.REGISTRATION,
            "Vermont Office of Professional Regulation",
            "https://sos.vermont.gov/massage-therapists-bodyworkers-and-touch-"
            "professionals/",
            complaint_url="https://sos.vermont.gov/opr/complaints-conduct-discipline/",
            city="Burlington, VT",
            note=(
                "Vermont registers massage therapists, bodyworkers and touch "
                "professionals (required since April 1, 2021). Registration is "
                "not a licence: Vermont sets no training or exam for it, so ask "
                "about training too."
            ),
        ),
        _licence(
            "VA", "Virginia",
            "Virginia Board of Nursing (Department of Health Professions)",
            "https://www.dhp.virginia.gov/Boards/Nursing/", "Virginia Beach, VA",
            lookup_url="https://dhp.virginiainteractive.org/Lookup/Index",
        ),
        _licence(
            "WA", "Washington",
            "Washington State Department of Health, Board of Massage",
            "https://doh.wa.gov/", "Seattle, WA",
            lookup_url="https://fortress.wa.gov/doh/providercredentialsearch/",
        ),
        _licence(
            "WV", "West Virginia", "West Virginia Massage Therapy Licensure Board",
            "", "Charleston, WV",
        ),
        _licence(
            "WI", "Wisconsin",
            "Wisconsin Massage Therapy and Bodywork Therapy Affiliated "
            "Credentialing Board (DSPS)",
            "https://dsps.wi.gov/", "Milwaukee, WI",
            lookup_url="https://licensesearch.wi.gov/",
        ),
        State(
            "WY", "Wyoming", Regulation.NONE, "", "", city="Cheyenne, WY",
            note=(
                "Wyoming has no state board for massage therapists, so there is "
                "no state licence to look up and no state complaint process. Some "
                "cities and counties issue permits: ask yours. Report a crime to "
                "the police."
            ),
        ),
    ]
}  # fmt: skip

# States whose own licence or registration the badge cannot rely on, because
# they issue none (or only a voluntary certification): there a board
# certification is what the badge needs.
NOT_LICENSING = frozenset(
    code for code, state in STATES.items() if not state.licenses_massage
)
LICENSING = frozenset(STATES) - NOT_LICENSING


def by_code(code: str) -> State | None:
    """The state with this two-letter code (any case), or None."""
    return STATES.get(code.upper())


def licenses_massage(code: str) -> bool:
    """True when the state's own licence or registration is what the badge
    needs there (see CredentialQuerySet.badge_qualifying)."""
    return code.upper() in LICENSING


def licence_note(code: str) -> str:
    """What a client should know about credentials in this state ("" where the
    state licenses massage therapists)."""
    found = by_code(code)
    if found is None or found.regulation == Regulation.LICENCE:
        return ""
    if found.regulation == Regulation.REGISTRATION:
        return (
            f"{found.name} registers massage therapists rather than licensing "
            "them: registration asks for no set training or exam. Ask about "
            "training, and look for board certification (NCBTMB)."
        )
    if found.regulation == Regulation.VOLUNTARY_CERTIFICATION:
        return (
            f"{found.name} has no state licence; therapists may hold a voluntary "
            f"certification from the {found.board}. Board certification (NCBTMB) "
            "counts for more here."
        )
    return (
        f"{found.name} does not license massage therapists, so there is no state "
        "licence to check. Look for board certification (NCBTMB) or membership of "
        "a professional association instead."
    )


def licence_notes(codes: Iterable[str]) -> list[str]:
    """The notes for every state a therapist practises in, alphabetically."""
    return [note for code in sorted(set(codes)) if (note := licence_note(code))]


def states_of(codes: Iterable[str]) -> list[State]:
    """The states with these codes, by name (unknown codes left out)."""
    found = {by_code(code) for code in codes}
    return sorted((s for s in found if s is not None), key=lambda s: s.name)
