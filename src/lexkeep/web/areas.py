"""The areas of Lexkeep, who sees them, and the rules each one enforces.

The text restates SPEC.md (the industry standard and our product decisions)
for the people who use the system; each area names the section it comes from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lexkeep.accounts.models import Role

DIRECTOR = Role.DIRECTOR.value
PARTNER = Role.PARTNER.value
LAWYER = Role.LAWYER.value
ASSISTANT = Role.ASSISTANT.value
ARCHIVIST = Role.ARCHIVIST.value
CLIENT_SERVICE = Role.CLIENT_SERVICE.value
EXTERNAL = Role.EXTERNAL.value
STAFF = frozenset({DIRECTOR, PARTNER, LAWYER, ASSISTANT, ARCHIVIST, CLIENT_SERVICE})


@dataclass(frozen=True)
class Rule:
    """One rule of an area, as a heading and an explanation."""

    title: Promise
    text: Promise
    figure: Promise | None = None


@dataclass(frozen=True)
class Area:
    """A section of the system shown in the navigation."""

    key: str
    label: Promise
    url_name: str
    roles: frozenset[str]
    spec: str = ""
    summary: Promise | None = None
    rules: tuple[Rule, ...] = ()
    table: tuple[tuple[Promise, ...], ...] = ()
    duties: dict[str, tuple[Promise, ...]] = field(default_factory=dict)

    def visible_to(self, roles: Iterable[str]) -> bool:
        """Return True if any of ``roles`` may open this area."""
        return bool(self.roles.intersection(roles))


@dataclass(frozen=True)
class Duty:
    """A duty of a role (SPEC §1), shown as a card on the role's home page."""

    title: Promise
    text: Promise
    area: str


HOME = Area(
    key="home",
    label=_("Dashboard"),
    url_name="web:home",
    roles=STAFF | {EXTERNAL},
)

CLIENTS = Area(
    key="clients",
    label=_("Clients"),
    url_name="clients:list",
    roles=frozenset({DIRECTOR, PARTNER, LAWYER, ASSISTANT, CLIENT_SERVICE}),
    spec="§2, §6",
    summary=_(
        "One record per client, seen the same by every authorised user. Each "
        "client is classified by type, business domain and value tier, and its "
        "information is confirmed every quarter."
    ),
    rules=(
        Rule(
            _("Classification"),
            _(
                "Type: individual, enterprise (limited liability company, "
                "joint-stock company, partnership, other) or government / public "
                "institution. Business domain, several allowed: litigation, "
                "non-litigation or perennial counsel. Value tier: strategic, key "
                "or ordinary."
            ),
        ),
        Rule(
            _("Value tier"),
            _(
                "Computed from the fees received in the last 12 months: strategic "
                "from ¥1,000,000, key from ¥200,000 (the firm may change these "
                "thresholds). A partner may override the tier with a written "
                "reason; every change records who, when and why."
            ),
            _("12 months"),
        ),
        Rule(
            _("Quarterly review"),
            _(
                "Every client's basic and preference information is confirmed "
                "once each calendar quarter, by phone, email or visit. The client "
                "list shows who is due and who is overdue."
            ),
            _("every quarter"),
        ),
        Rule(
            _("Triggered update"),
            _(
                "When contact details, the legal representative or the engaged "
                "matter change, the handling lawyer records the change within 2 "
                "working days. Late updates are flagged; every change keeps the "
                "old value, the new value, who and when."
            ),
            _("2 working days"),
        ),
        Rule(
            _("Validation and privacy"),
            _(
                "Resident ID numbers (GB 11643) and unified social credit codes "
                "(GB 32100) are checked with their check characters. ID numbers "
                "and bank accounts need the client's separate written consent, "
                "are stored encrypted and are masked for users who do not need "
                "them; every view of them is logged."
            ),
        ),
        Rule(
            _("Conflict-of-interest check"),
            _(
                "Before a new client or matter is accepted, existing clients, "
                "counterparties and related parties are searched by name and "
                "credit code; the check and its outcome are recorded."
            ),
        ),
    ),
    duties={
        DIRECTOR: (
            _("Read every client and see who is overdue for the quarterly review."),
        ),
        PARTNER: (
            _("Read every client."),
            _("Own strategic clients, with a dedicated one-to-one team."),
            _("Override a client's tier with a written reason."),
        ),
        LAWYER: (
            _("Keep the clients whose matters you handle up to date."),
            _("Record a major change within 2 working days."),
            _("Confirm each client's information once a quarter."),
        ),
        ASSISTANT: (
            _("See and help update the clients of the matters you assist on."),
        ),
        CLIENT_SERVICE: (
            _(
                "Look up the client a feedback case concerns; sensitive fields "
                "stay masked."
            ),
        ),
    },
)

MATTERS = Area(
    key="matters",
    label=_("Matters"),
    url_name="matters:list",
    roles=frozenset({DIRECTOR, PARTNER, LAWYER, ASSISTANT}),
    spec="§3",
    summary=_(
        "Each engagement of the firm: who the client is, who handles and "
        "supervises it, what was agreed and the dates that drive notices, "
        "archiving and retention."
    ),
    rules=(
        Rule(
            _("What is recorded"),
            _(
                "Name, case number, business domain and sub-domain, client, "
                "handling lawyer(s), supervising lawyer, assistants, engagement "
                "term, fees agreed and received, counterparties and status (open "
                "or closed)."
            ),
        ),
        Rule(
            _("Key dates"),
            _(
                "Filing, each hearing, judgment, judgment effective, business end "
                "and counsel termination. They trigger client notices, the "
                "archive deadline and the retention period."
            ),
        ),
        Rule(
            _("Who serves which tier"),
            _(
                "Strategic clients: senior lawyers and experts are assigned "
                "first. Key clients: a senior lawyer is the client manager. "
                "Ordinary clients: a staff lawyer."
            ),
        ),
        Rule(
            _("Closing a matter"),
            _(
                "When a matter ends its archive volume is opened, and the "
                "handling lawyer has 3 working days to collect its materials."
            ),
            _("3 working days"),
        ),
    ),
    duties={
        DIRECTOR: (_("Read every matter and assign lawyers to it."),),
        PARTNER: (_("Read every matter and assign lawyers to it."),),
        LAWYER: (
            _("Open and update the matters you handle and record their key dates."),
            _("Close a matter when the business ends."),
        ),
        ASSISTANT: (
            _("Work on the matters you assist on, under your supervising lawyer."),
        ),
    },
)

SERVICE = Area(
    key="service",
    label=_("Service & contacts"),
    url_name="service:home",
    roles=frozenset({DIRECTOR, PARTNER, LAWYER, ASSISTANT, CLIENT_SERVICE}),
    spec="§2.2, §4",
    summary=_(
        "The service each tier of client is owed and the contact the firm must "
        "keep with it. Every contact is logged, and the system shows who is "
        "overdue."
    ),
    rules=(
        Rule(
            _("Strategic clients"),
            _(
                "At least one face-to-face meeting per calendar month and a "
                "phone call or email at least every 2 weeks; a client symposium "
                "each quarter; tailored solutions from a dedicated team."
            ),
            _("monthly meeting"),
        ),
        Rule(
            _("Key clients"),
            _(
                "A phone call at least every 2 weeks and an email summary each "
                "calendar month; a client service report each quarter (progress, "
                "risk alerts, recommendations) and a satisfaction survey each "
                "year."
            ),
            _("every 2 weeks"),
        ),
        Rule(
            _("Ordinary clients"),
            _(
                "Contact on events: a risk notice before filing suit, a "
                "confirmation of time before each hearing and an explanation "
                "after judgment; a weekly case-progress notice, a monthly fee "
                "statement and periodic firm news."
            ),
            _("weekly notice"),
        ),
        Rule(
            _("Logging contacts"),
            _(
                "Every contact is logged with client, matter, channel, who, when "
                "and a summary. Firm channels (firm email, client platform) are "
                "preferred; personal WeChat or QQ is flagged as non-compliant."
            ),
        ),
    ),
    duties={
        DIRECTOR: (_("See each client's contact compliance across the firm."),),
        PARTNER: (
            _("Meet your strategic clients monthly and hold the quarterly symposium."),
        ),
        LAWYER: (
            _("Log every contact with your clients."),
            _("Keep the contact rhythm that each client's tier requires."),
        ),
        ASSISTANT: (
            _(
                "Log contacts on the matters you assist on; prepare progress "
                "notices and fee statements."
            ),
        ),
        CLIENT_SERVICE: (_("Run the yearly satisfaction survey of key clients."),),
    },
)

FEEDBACK = Area(
    key="feedback",
    label=_("Feedback & complaints"),
    url_name="feedback:list",
    roles=frozenset({DIRECTOR, PARTNER, CLIENT_SERVICE}),
    spec="§5",
    summary=_(
        "Every complaint and piece of feedback has an owner and two clocks: "
        "contact the client within 24 hours, reply with a solution within 3 "
        "working days."
    ),
    rules=(
        Rule(
            _("Channels"),
            _(
                "Complaint phone, complaint email and a web feedback form that "
                "needs no login (name, contact, content, expected resolution "
                "time)."
            ),
        ),
        Rule(
            _("Contact within 24 hours"),
            _("The client is contacted within 24 hours of receipt."),
            _("24 hours"),
        ),
        Rule(
            _("Solution within 3 working days"),
            _(
                "A reply with a solution is given within 3 working days. An "
                "extension needs a reason, which is told to the client."
            ),
            _("3 working days"),
        ),
        Rule(
            _("Feedback ledger"),
            _(
                "A client-service specialist owns each case. The ledger records "
                "content, handling, outcome and the client's satisfaction."
            ),
        ),
        Rule(
            _("Quarterly summary"),
            _(
                "Each quarter: the most common problems and the improvement "
                "measures taken."
            ),
            _("every quarter"),
        ),
    ),
    duties={
        DIRECTOR: (_("Receive escalated complaints and the quarterly summary."),),
        PARTNER: (
            _("Read the feedback ledger; help resolve complaints about your clients."),
        ),
        CLIENT_SERVICE: (
            _("Own each case: contact the client within 24 hours."),
            _("Reply with a solution within 3 working days, or extend with a reason."),
            _("Record the outcome and the client's satisfaction in the ledger."),
            _("Write the quarterly summary."),
        ),
    },
)

ARCHIVES = Area(
    key="archives",
    label=_("Archives"),
    url_name="archives:list",
    roles=frozenset({DIRECTOR, PARTNER, LAWYER, ASSISTANT, ARCHIVIST}),
    spec="§7.1, §7.2",
    summary=_(
        "Each closed matter becomes an archive volume: collected on time, bound "
        "in a fixed order, reviewed, then filed in a cabinet and as encrypted "
        "scans."
    ),
    rules=(
        Rule(
            _("Collection within 3 working days"),
            _(
                "After a matter ends the handling lawyer collects its materials "
                "within 3 working days; the deadline is tracked and lateness "
                "flagged."
            ),
            _("3 working days"),
        ),
        Rule(
            _("Binding order"),
            _(
                "Client identity and engagement → business handling → "
                "communication records → fees."
            ),
        ),
        Rule(
            _("Required materials"),
            _(
                "Identity documents, engagement contract, power of attorney, risk "
                "notice signed by the client, the legal documents of the matter, "
                "communication records and fee vouchers."
            ),
        ),
        Rule(
            _("Cover and catalog"),
            _(
                "The cover shows archive number, client name, business type and "
                "handling lawyer. The catalog lists sequence, material name, "
                "pages and remarks, and must match the materials exactly."
            ),
        ),
        Rule(
            _("Review before filing"),
            _(
                "The archivist or the supervising lawyer checks completeness and "
                "format (A4, signatures and seals) and signs the catalog; a "
                "volume is not filed before that."
            ),
        ),
        Rule(
            _("Filing"),
            _(
                "Paper volumes go to a cabinet of their archive class "
                "(litigation, non-litigation, counsel), labelled by client tier. "
                "Scans are at least 300 DPI, encrypted and linked to the client "
                "and matter; paper and electronic copies are kept in step."
            ),
            _("300 DPI"),
        ),
    ),
    duties={
        DIRECTOR: (_("Read every archive."),),
        PARTNER: (_("Read every archive."),),
        LAWYER: (
            _("Collect the materials of your closed matters within 3 working days."),
            _("Correct what the review finds missing or wrong."),
        ),
        ASSISTANT: (
            _("Help collect and scan the materials of the matters you assist on."),
        ),
        ARCHIVIST: (
            _("Review volumes and sign their catalogs."),
            _("File volumes in cabinets and keep the filing ledger."),
        ),
    },
)

LOANS = Area(
    key="loans",
    label=_("Loans"),
    url_name="web:loans",
    roles=STAFF - {CLIENT_SERVICE} | {EXTERNAL},
    spec="§7.4",
    summary=_(
        "Borrowing an archive needs the right to borrow it, an approval and an "
        "entry in the borrowing ledger; a loan lasts at most 7 days."
    ),
    rules=(
        Rule(
            _("Who may borrow"),
            _(
                "Partner: any archive. Lawyer: archives of matters they handled; "
                "others with the consent of that matter's handling lawyer. "
                "Assistant: archives of matters they assisted on; others with the "
                "consent of their supervising lawyer. External person: only with "
                "the director's approval."
            ),
        ),
        Rule(
            _("Application"),
            _(
                "Name, department, archive number, client name, purpose and "
                "period. The archivist checks the borrower's rights, the "
                "supervising lawyer approves, and the archivist records the loan "
                "in the borrowing ledger and hands the volume over."
            ),
        ),
        Rule(
            _("At most 7 days"),
            _("A loan lasts at most 7 days; overdue loans are chased."),
            _("7 days"),
        ),
        Rule(
            _("Copies"),
            _(
                "No copying, altering or damaging. A copy needs the supervising "
                "lawyer's approval, is stamped “copy identical to the original” "
                "and is signed by the person who made it."
            ),
        ),
        Rule(
            _("Leaving the firm"),
            _("An archive does not leave the firm without the director's approval."),
        ),
        Rule(
            _("Return"),
            _(
                "On return the archivist checks that the volume is complete and "
                "records the return date; loss or damage is recorded against the "
                "borrower."
            ),
        ),
    ),
    duties={
        DIRECTOR: (
            _("Approve borrowing by external persons."),
            _("Approve taking an archive out of the firm."),
        ),
        PARTNER: (
            _("Borrow any archive."),
            _("Approve loans as supervising lawyer."),
        ),
        LAWYER: (
            _("Borrow the archives of matters you handled."),
            _("Consent when others ask to borrow them; approve as supervising lawyer."),
        ),
        ASSISTANT: (
            _(
                "Borrow archives of matters you assisted on; others with your "
                "supervising lawyer's consent."
            ),
        ),
        ARCHIVIST: (
            _("Check the borrower's rights and record loans in the borrowing ledger."),
            _("Check returned volumes and chase overdue loans."),
        ),
        EXTERNAL: (
            _(
                "Apply to borrow a specific archive; you may borrow it only after "
                "the director approves."
            ),
        ),
    },
)

RETENTION = Area(
    key="retention",
    label=_("Retention & destruction"),
    url_name="web:retention",
    roles=frozenset({DIRECTOR, PARTNER, ARCHIVIST}),
    spec="§7.3, §6",
    summary=_(
        "How long each archive is kept, how it is stored and backed up, and how "
        "it is destroyed when its period ends."
    ),
    table=(
        (_("Litigation"), _("10 years"), _("from the judgment's effective date")),
        (_("Non-litigation"), _("8 years"), _("from the end of the business")),
        (_("Perennial counsel"), _("5 years"), _("from the end of the engagement")),
        (_("Any archive of a strategic client"), _("permanently"), _("—")),
    ),
    rules=(
        Rule(
            _("Electronic storage"),
            _(
                "Encrypted and access-controlled; backed up weekly to local "
                "media and monthly off-site; backups are restored and verified."
            ),
            _("weekly / monthly"),
        ),
        Rule(
            _("Archive room"),
            _(
                "Protected against fire, moisture, theft, rodents and insects. "
                "The archivist keeps the keys; nobody else enters without "
                "approval, and each entry is recorded."
            ),
        ),
        Rule(
            _("Destruction"),
            _(
                "When the retention period ends, the firm's leadership approves, "
                "a destruction list is drawn up, two or more people witness and "
                "the destruction is recorded. Electronic data is made "
                "unrecoverable by destroying its encryption key."
            ),
            _("2+ witnesses"),
        ),
    ),
    duties={
        DIRECTOR: (_("Approve destruction lists."),),
        PARTNER: (_("Review destruction lists and witness destructions."),),
        ARCHIVIST: (
            _("Keep the archive room, its key and its entry record."),
            _("Check that backups run and can be restored."),
            _("Draw up destruction lists when periods end and record destructions."),
        ),
    },
)

SUPERVISION = Area(
    key="supervision",
    label=_("Supervision"),
    url_name="web:supervision",
    roles=frozenset({DIRECTOR, PARTNER, ARCHIVIST}),
    spec="§8, §6",
    summary=_(
        "Regular checks that the rules are followed: a quarterly inspection, a "
        "yearly internal audit and a monthly review of the access log."
    ),
    rules=(
        Rule(
            _("Quarterly inspection"),
            _(
                "The archivist inspects each quarter and reports to the director: "
                "timeliness of client-information updates, completeness of "
                "communication records, filing compliance and storage security."
            ),
            _("every quarter"),
        ),
        Rule(
            _("Yearly internal audit"),
            _(
                "A group of partners audits once a year; findings and their "
                "rectification are recorded."
            ),
            _("every year"),
        ),
        Rule(
            _("Access log"),
            _(
                "Every view of sensitive client data and every view or download "
                "of an archive file is logged in a tamper-evident chain and "
                "reviewed monthly; a report highlights unusual access."
            ),
            _("monthly"),
        ),
        Rule(
            _("Improvement"),
            _(
                "Feedback from lawyers (weekly meetings) and clients "
                "(satisfaction surveys) leads to recorded improvements."
            ),
        ),
    ),
    duties={
        DIRECTOR: (
            _("Receive the quarterly inspection report."),
            _("Review the monthly access report."),
        ),
        PARTNER: (
            _(
                "Sit on the yearly audit group; record findings and their "
                "rectification."
            ),
        ),
        ARCHIVIST: (_("Carry out the quarterly inspection and write its report."),),
    },
)

SETTINGS = Area(
    key="settings",
    label=_("Settings"),
    url_name="web:settings",
    roles=STAFF,
)

#: Every area, in navigation order.
AREAS: tuple[Area, ...] = (
    HOME,
    CLIENTS,
    MATTERS,
    SERVICE,
    FEEDBACK,
    ARCHIVES,
    LOANS,
    RETENTION,
    SUPERVISION,
    SETTINGS,
)
AREAS_BY_KEY = {area.key: area for area in AREAS}
#: Areas that have an information landing page.
INFO_AREAS = tuple(area for area in AREAS if area.rules)

#: What each role does in the system (SPEC §1), one card each on its home page.
ROLE_DUTIES: dict[str, tuple[Duty, ...]] = {
    DIRECTOR: (
        Duty(
            _("Clients and matters"),
            _("Everything a partner may: read every client, matter and archive."),
            "clients",
        ),
        Duty(
            _("Approve external borrowing"),
            _("External persons may borrow an archive only with your approval."),
            "loans",
        ),
        Duty(
            _("Approve archives leaving the firm"),
            _("No archive leaves the firm without your approval."),
            "loans",
        ),
        Duty(
            _("Approve destruction"),
            _(
                "When a retention period ends you approve the destruction list; "
                "two or more people witness it."
            ),
            "retention",
        ),
        Duty(
            _("Inspection reports"),
            _("The archivist reports the quarterly inspection to you."),
            "supervision",
        ),
        Duty(
            _("Users and firm calendar"),
            _("See the firm's users and keep the holiday and make-up-day table."),
            "settings",
        ),
    ),
    PARTNER: (
        Duty(
            _("Every client"),
            _("Read every client's record and its history."),
            "clients",
        ),
        Duty(
            _("Strategic clients"),
            _(
                "Own strategic clients: a monthly face-to-face meeting and a "
                "quarterly symposium."
            ),
            "service",
        ),
        Duty(
            _("Every archive"),
            _("Read and borrow any archive."),
            "archives",
        ),
        Duty(
            _("Audit group"),
            _("Sit on the yearly internal audit; record findings and rectification."),
            "supervision",
        ),
    ),
    LAWYER: (
        Duty(
            _("My clients"),
            _(
                "Keep your clients current: confirm each quarter, record changes "
                "within 2 working days."
            ),
            "clients",
        ),
        Duty(
            _("My matters"),
            _("Open and update the matters you handle and their key dates."),
            "matters",
        ),
        Duty(
            _("Client contact"),
            _("Log every contact and keep the rhythm each tier requires."),
            "service",
        ),
        Duty(
            _("Archive collection"),
            _("Collect a closed matter's materials within 3 working days."),
            "archives",
        ),
        Duty(
            _("Borrowing"),
            _("Borrow the archives of your matters, for at most 7 days."),
            "loans",
        ),
    ),
    ASSISTANT: (
        Duty(
            _("Matters I assist on"),
            _("Work on them under your supervising lawyer."),
            "matters",
        ),
        Duty(
            _("Contacts and notices"),
            _("Log contacts; prepare progress notices and fee statements."),
            "service",
        ),
        Duty(
            _("Archive materials"),
            _("Help collect and scan the materials of your matters."),
            "archives",
        ),
        Duty(
            _("Borrowing"),
            _(
                "Borrow archives of your matters; others with your supervising "
                "lawyer's consent."
            ),
            "loans",
        ),
    ),
    ARCHIVIST: (
        Duty(
            _("Intake and review"),
            _("Check completeness and format, then sign the catalog."),
            "archives",
        ),
        Duty(
            _("Filing"),
            _("File volumes in cabinets and keep the filing ledger."),
            "archives",
        ),
        Duty(
            _("Borrowing desk"),
            _("Record loans and returns; chase loans past 7 days."),
            "loans",
        ),
        Duty(
            _("Storage and destruction"),
            _("Keep the archive room and backups; draw up destruction lists."),
            "retention",
        ),
        Duty(
            _("Quarterly inspection"),
            _("Inspect each quarter and report to the director."),
            "supervision",
        ),
    ),
    CLIENT_SERVICE: (
        Duty(
            _("Feedback and complaints"),
            _(
                "Contact the client within 24 hours; reply with a solution within "
                "3 working days."
            ),
            "feedback",
        ),
        Duty(
            _("Feedback ledger"),
            _(
                "Record handling, outcome and satisfaction; write the quarterly "
                "summary."
            ),
            "feedback",
        ),
        Duty(
            _("Satisfaction surveys"),
            _("Survey key clients once a year."),
            "service",
        ),
        Duty(
            _("Client look-up"),
            _("Find the client a case concerns; sensitive data stays masked."),
            "clients",
        ),
    ),
    EXTERNAL: (
        Duty(
            _("Borrowing an archive"),
            _("You may borrow a specific archive only after the director approves."),
            "loans",
        ),
    ),
}


def areas_for(roles: Iterable[str]) -> list[Area]:
    """Return the areas a user holding ``roles`` may open, in nav order."""
    role_set = frozenset(roles)
    return [area for area in AREAS if area.visible_to(role_set)]


def duties_for(roles: Iterable[str]) -> list[Duty]:
    """Return the home-page duty cards for ``roles``, without repeats."""
    seen: set[str] = set()
    cards: list[Duty] = []
    for role in Role.values:
        if role not in roles:
            continue
        for duty in ROLE_DUTIES.get(role, ()):
            key = str(duty.title) + duty.area
            if key not in seen:
                seen.add(key)
                cards.append(duty)
    return cards
