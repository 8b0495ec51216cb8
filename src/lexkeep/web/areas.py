"""The areas of Lexkeep, who sees them, and the rules each one enforces.

The text restates SPEC.md (the industry standard and our product decisions)
for the people who use the system; each area names the section it comes from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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

    area: str
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
    table: tuple[tuple[Promise, ...], ...] = ()

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Return this area's rules, from RULES."""
        return _rules(self.key)

    @property
    def duties(self) -> dict[str, tuple[Promise, ...]]:
        """Return what each role does in this area, from AREA_DUTIES."""
        return _duties(self.key)

    def visible_to(self, roles: Iterable[str]) -> bool:
        """Return True if any of ``roles`` may open this area."""
        return bool(self.roles.intersection(roles))


@dataclass(frozen=True)
class Duty:
    """A duty of a role (SPEC §1), shown as a card on the role's home page."""

    role: str
    title: Promise
    text: Promise
    area: str


#: The rules of each area, in the order the area's page lists them.
RULES: tuple[Rule, ...] = (
    Rule(
        "clients",
        _("Classification"),
        _(
            "Type: individual, enterprise (limited liability company, joint-stock "
            "company, partnership, other) or government / public institution. Business "
            "domain, several allowed: litigation, non-litigation or perennial counsel. "
            "Value tier: strategic, key or ordinary."
        ),
        None,
    ),
    Rule(
        "clients",
        _("Value tier"),
        _(
            "Computed from the fees received in the last 12 months: strategic from "
            "¥1,000,000, key from ¥200,000 (the firm may change these thresholds). A "
            "partner may override the tier with a written reason; every change records "
            "who, when and why."
        ),
        _("12 months"),
    ),
    Rule(
        "clients",
        _("Quarterly review"),
        _(
            "Every client's basic and preference information is confirmed once each "
            "calendar quarter, by phone, email or visit. The client list shows who is "
            "due and who is overdue."
        ),
        _("every quarter"),
    ),
    Rule(
        "clients",
        _("Triggered update"),
        _(
            "When contact details, the legal representative or the engaged matter "
            "change, the handling lawyer records the change within 2 working days. "
            "Late updates are flagged; every change keeps the old value, the new "
            "value, who and when."
        ),
        _("2 working days"),
    ),
    Rule(
        "clients",
        _("Validation and privacy"),
        _(
            "Resident ID numbers (GB 11643) and unified social credit codes (GB 32100) "
            "are checked with their check characters. ID numbers and bank accounts "
            "need the client's separate written consent, are stored encrypted and are "
            "masked for users who do not need them; every view of them is logged."
        ),
        None,
    ),
    Rule(
        "clients",
        _("Conflict-of-interest check"),
        _(
            "Before a new client or matter is accepted, existing clients, "
            "counterparties and related parties are searched by name and credit code; "
            "the check and its outcome are recorded."
        ),
        None,
    ),
    Rule(
        "matters",
        _("What is recorded"),
        _(
            "Name, case number, business domain and sub-domain, client, handling "
            "lawyer(s), supervising lawyer, assistants, engagement term, fees agreed "
            "and received, counterparties and status (open or closed)."
        ),
        None,
    ),
    Rule(
        "matters",
        _("Key dates"),
        _(
            "Filing, each hearing, judgment, judgment effective, business end and "
            "counsel termination. They trigger client notices, the archive deadline "
            "and the retention period."
        ),
        None,
    ),
    Rule(
        "matters",
        _("Who serves which tier"),
        _(
            "Strategic clients: senior lawyers and experts are assigned first. Key "
            "clients: a senior lawyer is the client manager. Ordinary clients: a staff "
            "lawyer."
        ),
        None,
    ),
    Rule(
        "matters",
        _("Closing a matter"),
        _(
            "When a matter ends its archive volume is opened, and the handling lawyer "
            "has 3 working days to collect its materials."
        ),
        _("3 working days"),
    ),
    Rule(
        "service",
        _("Strategic clients"),
        _(
            "At least one face-to-face meeting per calendar month and a phone call or "
            "email at least every 2 weeks; a client symposium each quarter; tailored "
            "solutions from a dedicated team."
        ),
        _("monthly meeting"),
    ),
    Rule(
        "service",
        _("Key clients"),
        _(
            "A phone call at least every 2 weeks and an email summary each calendar "
            "month; a client service report each quarter (progress, risk alerts, "
            "recommendations) and a satisfaction survey each year."
        ),
        _("every 2 weeks"),
    ),
    Rule(
        "service",
        _("Ordinary clients"),
        _(
            "Contact on events: a risk notice before filing suit, a confirmation of "
            "time before each hearing and an explanation after judgment; a weekly "
            "case-progress notice, a monthly fee statement and periodic firm news."
        ),
        _("weekly notice"),
    ),
    Rule(
        "service",
        _("Logging contacts"),
        _(
            "Every contact is logged with client, matter, channel, who, when and a "
            "summary. Firm channels (firm email, client platform) are preferred; "
            "personal WeChat or QQ is flagged as non-compliant."
        ),
        None,
    ),
    Rule(
        "feedback",
        _("Channels"),
        _(
            "Complaint phone, complaint email and a web feedback form that needs no "
            "login (name, contact, content, expected resolution time)."
        ),
        None,
    ),
    Rule(
        "feedback",
        _("Contact within 24 hours"),
        _("The client is contacted within 24 hours of receipt."),
        _("24 hours"),
    ),
    Rule(
        "feedback",
        _("Solution within 3 working days"),
        _(
            "A reply with a solution is given within 3 working days. An extension "
            "needs a reason, which is told to the client."
        ),
        _("3 working days"),
    ),
    Rule(
        "feedback",
        _("Feedback ledger"),
        _(
            "A client-service specialist owns each case. The ledger records content, "
            "handling, outcome and the client's satisfaction."
        ),
        None,
    ),
    Rule(
        "feedback",
        _("Quarterly summary"),
        _("Each quarter: the most common problems and the improvement measures taken."),
        _("every quarter"),
    ),
    Rule(
        "archives",
        _("Collection within 3 working days"),
        _(
            "After a matter ends the handling lawyer collects its materials within 3 "
            "working days; the deadline is tracked and lateness flagged."
        ),
        _("3 working days"),
    ),
    Rule(
        "archives",
        _("Binding order"),
        _(
            "Client identity and engagement → business handling → communication "
            "records → fees."
        ),
        None,
    ),
    Rule(
        "archives",
        _("Required materials"),
        _(
            "Identity documents, engagement contract, power of attorney, risk notice "
            "signed by the client, the legal documents of the matter, communication "
            "records and fee vouchers."
        ),
        None,
    ),
    Rule(
        "archives",
        _("Cover and catalog"),
        _(
            "The cover shows archive number, client name, business type and handling "
            "lawyer. The catalog lists sequence, material name, pages and remarks, and "
            "must match the materials exactly."
        ),
        None,
    ),
    Rule(
        "archives",
        _("Review before filing"),
        _(
            "The archivist or the supervising lawyer checks completeness and format "
            "(A4, signatures and seals) and signs the catalog; a volume is not filed "
            "before that."
        ),
        None,
    ),
    Rule(
        "archives",
        _("Filing"),
        _(
            "Paper volumes go to a cabinet of their archive class (litigation, "
            "non-litigation, counsel), labelled by client tier. Scans are at least 300 "
            "DPI, encrypted and linked to the client and matter; paper and electronic "
            "copies are kept in step."
        ),
        _("300 DPI"),
    ),
    Rule(
        "loans",
        _("Who may borrow"),
        _(
            "Partner: any archive. Lawyer: archives of matters they handled; others "
            "with the consent of that matter's handling lawyer. Assistant: archives of "
            "matters they assisted on; others with the consent of their supervising "
            "lawyer. External person: only with the director's approval."
        ),
        None,
    ),
    Rule(
        "loans",
        _("Application"),
        _(
            "Name, department, archive number, client name, purpose and period. The "
            "archivist checks the borrower's rights, the supervising lawyer approves, "
            "and the archivist records the loan in the borrowing ledger and hands the "
            "volume over."
        ),
        None,
    ),
    Rule(
        "loans",
        _("At most 7 days"),
        _("A loan lasts at most 7 days; overdue loans are chased."),
        _("7 days"),
    ),
    Rule(
        "loans",
        _("Copies"),
        _(
            "No copying, altering or damaging. A copy needs the supervising lawyer's "
            "approval, is stamped “copy identical to the original” and is signed by "
            "the person who made it."
        ),
        None,
    ),
    Rule(
        "loans",
        _("Leaving the firm"),
        _("An archive does not leave the firm without the director's approval."),
        None,
    ),
    Rule(
        "loans",
        _("Return"),
        _(
            "On return the archivist checks that the volume is complete and records "
            "the return date; loss or damage is recorded against the borrower."
        ),
        None,
    ),
    Rule(
        "retention",
        _("Electronic storage"),
        _(
            "Encrypted and access-controlled; backed up weekly to local media and "
            "monthly off-site; backups are restored and verified."
        ),
        _("weekly / monthly"),
    ),
    Rule(
        "retention",
        _("Archive room"),
        _(
            "Protected against fire, moisture, theft, rodents and insects. The "
            "archivist keeps the keys; nobody else enters without approval, and each "
            "entry is recorded."
        ),
        None,
    ),
    Rule(
        "retention",
        _("Destruction"),
        _(
            "When the retention period ends, the firm's leadership approves, a "
            "destruction list is drawn up, two or more people witness and the "
            "destruction is recorded. Electronic data is made unrecoverable by "
            "destroying its encryption key."
        ),
        _("2+ witnesses"),
    ),
    Rule(
        "supervision",
        _("Quarterly inspection"),
        _(
            "The archivist inspects each quarter and reports to the director: "
            "timeliness of client-information updates, completeness of communication "
            "records, filing compliance and storage security."
        ),
        _("every quarter"),
    ),
    Rule(
        "supervision",
        _("Yearly internal audit"),
        _(
            "A group of partners audits once a year; findings and their rectification "
            "are recorded."
        ),
        _("every year"),
    ),
    Rule(
        "supervision",
        _("Access log"),
        _(
            "Every view of sensitive client data and every view or download of an "
            "archive file is logged in a tamper-evident chain and reviewed monthly; a "
            "report highlights unusual access."
        ),
        _("monthly"),
    ),
    Rule(
        "supervision",
        _("Improvement"),
        _(
            "Feedback from lawyers (weekly meetings) and clients (satisfaction "
            "surveys) leads to recorded improvements."
        ),
        None,
    ),
)


def _rules(area: str) -> tuple[Rule, ...]:
    """Return the rules of ``area`` from RULES, in table order."""
    return tuple(rule for rule in RULES if rule.area == area)


@dataclass(frozen=True)
class AreaDuty:
    """What a role does in an area (SPEC §1), one line on the area's page."""

    area: str
    role: str
    text: Promise


#: What each role does in each area, in the order the area's page lists it.
AREA_DUTIES: tuple[AreaDuty, ...] = (
    AreaDuty(
        "clients",
        DIRECTOR,
        _("Read every client and see who is overdue for the quarterly review."),
    ),
    AreaDuty(
        "clients",
        PARTNER,
        _("Read every client."),
    ),
    AreaDuty(
        "clients",
        PARTNER,
        _("Own strategic clients, with a dedicated one-to-one team."),
    ),
    AreaDuty(
        "clients",
        PARTNER,
        _("Override a client's tier with a written reason."),
    ),
    AreaDuty(
        "clients",
        LAWYER,
        _("Keep the clients whose matters you handle up to date."),
    ),
    AreaDuty(
        "clients",
        LAWYER,
        _("Record a major change within 2 working days."),
    ),
    AreaDuty(
        "clients",
        LAWYER,
        _("Confirm each client's information once a quarter."),
    ),
    AreaDuty(
        "clients",
        ASSISTANT,
        _("See and help update the clients of the matters you assist on."),
    ),
    AreaDuty(
        "clients",
        CLIENT_SERVICE,
        _("Look up the client a feedback case concerns; sensitive fields stay masked."),
    ),
    AreaDuty(
        "matters",
        DIRECTOR,
        _("Read every matter and assign lawyers to it."),
    ),
    AreaDuty(
        "matters",
        PARTNER,
        _("Read every matter and assign lawyers to it."),
    ),
    AreaDuty(
        "matters",
        LAWYER,
        _("Open and update the matters you handle and record their key dates."),
    ),
    AreaDuty(
        "matters",
        LAWYER,
        _("Close a matter when the business ends."),
    ),
    AreaDuty(
        "matters",
        ASSISTANT,
        _("Work on the matters you assist on, under your supervising lawyer."),
    ),
    AreaDuty(
        "service",
        DIRECTOR,
        _("See each client's contact compliance across the firm."),
    ),
    AreaDuty(
        "service",
        PARTNER,
        _("Meet your strategic clients monthly and hold the quarterly symposium."),
    ),
    AreaDuty(
        "service",
        LAWYER,
        _("Log every contact with your clients."),
    ),
    AreaDuty(
        "service",
        LAWYER,
        _("Keep the contact rhythm that each client's tier requires."),
    ),
    AreaDuty(
        "service",
        ASSISTANT,
        _(
            "Log contacts on the matters you assist on; prepare progress notices and "
            "fee statements."
        ),
    ),
    AreaDuty(
        "service",
        CLIENT_SERVICE,
        _("Run the yearly satisfaction survey of key clients."),
    ),
    AreaDuty(
        "feedback",
        DIRECTOR,
        _("Receive escalated complaints and the quarterly summary."),
    ),
    AreaDuty(
        "feedback",
        PARTNER,
        _("Read the feedback ledger; help resolve complaints about your clients."),
    ),
    AreaDuty(
        "feedback",
        CLIENT_SERVICE,
        _("Own each case: contact the client within 24 hours."),
    ),
    AreaDuty(
        "feedback",
        CLIENT_SERVICE,
        _("Reply with a solution within 3 working days, or extend with a reason."),
    ),
    AreaDuty(
        "feedback",
        CLIENT_SERVICE,
        _("Record the outcome and the client's satisfaction in the ledger."),
    ),
    AreaDuty(
        "feedback",
        CLIENT_SERVICE,
        _("Write the quarterly summary."),
    ),
    AreaDuty(
        "archives",
        DIRECTOR,
        _("Read every archive."),
    ),
    AreaDuty(
        "archives",
        PARTNER,
        _("Read every archive."),
    ),
    AreaDuty(
        "archives",
        LAWYER,
        _("Collect the materials of your closed matters within 3 working days."),
    ),
    AreaDuty(
        "archives",
        LAWYER,
        _("Correct what the review finds missing or wrong."),
    ),
    AreaDuty(
        "archives",
        ASSISTANT,
        _("Help collect and scan the materials of the matters you assist on."),
    ),
    AreaDuty(
        "archives",
        ARCHIVIST,
        _("Review volumes and sign their catalogs."),
    ),
    AreaDuty(
        "archives",
        ARCHIVIST,
        _("File volumes in cabinets and keep the filing ledger."),
    ),
    AreaDuty(
        "loans",
        DIRECTOR,
        _("Approve borrowing by external persons."),
    ),
    AreaDuty(
        "loans",
        DIRECTOR,
        _("Approve taking an archive out of the firm."),
    ),
    AreaDuty(
        "loans",
        PARTNER,
        _("Borrow any archive."),
    ),
    AreaDuty(
        "loans",
        PARTNER,
        _("Approve loans as supervising lawyer."),
    ),
    AreaDuty(
        "loans",
        LAWYER,
        _("Borrow the archives of matters you handled."),
    ),
    AreaDuty(
        "loans",
        LAWYER,
        _("Consent when others ask to borrow them; approve as supervising lawyer."),
    ),
    AreaDuty(
        "loans",
        ASSISTANT,
        _(
            "Borrow archives of matters you assisted on; others with your supervising "
            "lawyer's consent."
        ),
    ),
    AreaDuty(
        "loans",
        ARCHIVIST,
        _("Check the borrower's rights and record loans in the borrowing ledger."),
    ),
    AreaDuty(
        "loans",
        ARCHIVIST,
        _("Check returned volumes and chase overdue loans."),
    ),
    AreaDuty(
        "loans",
        EXTERNAL,
        _(
            "Apply to borrow a specific archive; you may borrow it only after the "
            "director approves."
        ),
    ),
    AreaDuty(
        "retention",
        DIRECTOR,
        _("Approve destruction lists."),
    ),
    AreaDuty(
        "retention",
        PARTNER,
        _("Review destruction lists and witness destructions."),
    ),
    AreaDuty(
        "retention",
        ARCHIVIST,
        _("Keep the archive room, its key and its entry record."),
    ),
    AreaDuty(
        "retention",
        ARCHIVIST,
        _("Check that backups run and can be restored."),
    ),
    AreaDuty(
        "retention",
        ARCHIVIST,
        _("Draw up destruction lists when periods end and record destructions."),
    ),
    AreaDuty(
        "supervision",
        DIRECTOR,
        _("Receive the quarterly inspection report."),
    ),
    AreaDuty(
        "supervision",
        DIRECTOR,
        _("Review the monthly access report."),
    ),
    AreaDuty(
        "supervision",
        PARTNER,
        _("Sit on the yearly audit group; record findings and their rectification."),
    ),
    AreaDuty(
        "supervision",
        ARCHIVIST,
        _("Carry out the quarterly inspection and write its report."),
    ),
)


def _duties(area: str) -> dict[str, tuple[Promise, ...]]:
    """Return the lines of ``area``'s page from AREA_DUTIES, grouped by role."""
    grouped: dict[str, list[Promise]] = {}
    for row in AREA_DUTIES:
        if row.area == area:
            grouped.setdefault(row.role, []).append(row.text)
    return {role: tuple(texts) for role, texts in grouped.items()}


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
HOME_DUTIES: tuple[Duty, ...] = (
    Duty(
        DIRECTOR,
        _("Clients and matters"),
        _("Everything a partner may: read every client, matter and archive."),
        "clients",
    ),
    Duty(
        DIRECTOR,
        _("Approve external borrowing"),
        _("External persons may borrow an archive only with your approval."),
        "loans",
    ),
    Duty(
        DIRECTOR,
        _("Approve archives leaving the firm"),
        _("No archive leaves the firm without your approval."),
        "loans",
    ),
    Duty(
        DIRECTOR,
        _("Approve destruction"),
        _(
            "When a retention period ends you approve the destruction list; two or "
            "more people witness it."
        ),
        "retention",
    ),
    Duty(
        DIRECTOR,
        _("Inspection reports"),
        _("The archivist reports the quarterly inspection to you."),
        "supervision",
    ),
    Duty(
        DIRECTOR,
        _("Users and firm calendar"),
        _("See the firm's users and keep the holiday and make-up-day table."),
        "settings",
    ),
    Duty(
        PARTNER,
        _("Every client"),
        _("Read every client's record and its history."),
        "clients",
    ),
    Duty(
        PARTNER,
        _("Strategic clients"),
        _(
            "Own strategic clients: a monthly face-to-face meeting and a quarterly "
            "symposium."
        ),
        "service",
    ),
    Duty(
        PARTNER,
        _("Every archive"),
        _("Read and borrow any archive."),
        "archives",
    ),
    Duty(
        PARTNER,
        _("Audit group"),
        _("Sit on the yearly internal audit; record findings and rectification."),
        "supervision",
    ),
    Duty(
        LAWYER,
        _("My clients"),
        _(
            "Keep your clients current: confirm each quarter, record changes within 2 "
            "working days."
        ),
        "clients",
    ),
    Duty(
        LAWYER,
        _("My matters"),
        _("Open and update the matters you handle and their key dates."),
        "matters",
    ),
    Duty(
        LAWYER,
        _("Client contact"),
        _("Log every contact and keep the rhythm each tier requires."),
        "service",
    ),
    Duty(
        LAWYER,
        _("Archive collection"),
        _("Collect a closed matter's materials within 3 working days."),
        "archives",
    ),
    Duty(
        LAWYER,
        _("Borrowing"),
        _("Borrow the archives of your matters, for at most 7 days."),
        "loans",
    ),
    Duty(
        ASSISTANT,
        _("Matters I assist on"),
        _("Work on them under your supervising lawyer."),
        "matters",
    ),
    Duty(
        ASSISTANT,
        _("Contacts and notices"),
        _("Log contacts; prepare progress notices and fee statements."),
        "service",
    ),
    Duty(
        ASSISTANT,
        _("Archive materials"),
        _("Help collect and scan the materials of your matters."),
        "archives",
    ),
    Duty(
        ASSISTANT,
        _("Borrowing"),
        _(
            "Borrow archives of your matters; others with your supervising lawyer's "
            "consent."
        ),
        "loans",
    ),
    Duty(
        ARCHIVIST,
        _("Intake and review"),
        _("Check completeness and format, then sign the catalog."),
        "archives",
    ),
    Duty(
        ARCHIVIST,
        _("Filing"),
        _("File volumes in cabinets and keep the filing ledger."),
        "archives",
    ),
    Duty(
        ARCHIVIST,
        _("Borrowing desk"),
        _("Record loans and returns; chase loans past 7 days."),
        "loans",
    ),
    Duty(
        ARCHIVIST,
        _("Storage and destruction"),
        _("Keep the archive room and backups; draw up destruction lists."),
        "retention",
    ),
    Duty(
        ARCHIVIST,
        _("Quarterly inspection"),
        _("Inspect each quarter and report to the director."),
        "supervision",
    ),
    Duty(
        CLIENT_SERVICE,
        _("Feedback and complaints"),
        _(
            "Contact the client within 24 hours; reply with a solution within 3 "
            "working days."
        ),
        "feedback",
    ),
    Duty(
        CLIENT_SERVICE,
        _("Feedback ledger"),
        _("Record handling, outcome and satisfaction; write the quarterly summary."),
        "feedback",
    ),
    Duty(
        CLIENT_SERVICE,
        _("Satisfaction surveys"),
        _("Survey key clients once a year."),
        "service",
    ),
    Duty(
        CLIENT_SERVICE,
        _("Client look-up"),
        _("Find the client a case concerns; sensitive data stays masked."),
        "clients",
    ),
    Duty(
        EXTERNAL,
        _("Borrowing an archive"),
        _("You may borrow a specific archive only after the director approves."),
        "loans",
    ),
)

ROLE_DUTIES: dict[str, tuple[Duty, ...]] = {
    role: tuple(duty for duty in HOME_DUTIES if duty.role == role)
    for role in Role.values
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
