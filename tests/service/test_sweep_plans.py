"""How the sweep reads what it reads, on SQLite (EXPLAIN QUERY PLAN).

A firm's sweep stays fast only while its statements read the right index.
These tests read the plans SQLite chooses for the statements a sweep
actually runs: on a database without the planner's statistics (a new
firm's, before its first daily analysis), on one whose statistics are
those of the benchmark firm (100,000 clients, 500,000 matters, 67,000
hearings, 2,000,000 contacts, 400,000 duties) as ``ANALYZE`` wrote them
there, and on one whose matters were analysed by sampling. A handful of
rows under firm-scale statistics is planned as the firm would be.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection

from lexkeep.service.models import Contact, Duty, DutyRule
from tests.service.conftest import at, d

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="SQLite query plans (EXPLAIN QUERY PLAN)"
    ),
]

TODAY = d("2026-06-10")

#: ``sqlite_stat1`` of the benchmark firm (``lexkeep bench service``) for
#: the tables the sweep reads: (table, index, statistics). Its clients have
#: no tier changes: that line is one change per client.
FIRM_STATISTICS = [
    ("clients_client", "client_list_tier_type", "100000 33334 11112 1 1"),
    ("clients_client", "clients_cli_tier_f99f8e_idx", "100000 33334 1"),
    ("clients_client", "clients_cli_owner_i_ae608d_idx", "100000 455 1"),
    ("clients_client", "clients_client_owner_id_528b5ecf", "100000 455"),
    ("clients_tierchange", "clients_tierchange_client_id_50839135", "100000 1"),
    ("matters_matter", "matter_client_status_idx", "500000 6 3 1 1"),
    ("matters_matter", "matter_list_order", "500000 137 1"),
    ("matters_matter", "matter_list_status_order", "500000 250000 69 1"),
    ("matters_matter", "matters_mat_status_824f5c_idx", "500000 250000 83334"),
    ("matters_matter", "matters_matter_client_id_291a8659", "500000 6"),
    ("matters_matter", "matters_matter_filing_date_ee757320", "500000 137"),
    ("matters_matter", "matters_matter_judgment_date_32b53605", "500000 137"),
    ("matters_hearing", "matters_hearing_matter_id_a7cc7235", "66745 1"),
    ("matters_hearing", "matters_hea_schedul_cc0d36_idx", "66745 279"),
    ("service_contact", "service_con_channel_9fef37_idx", "2135280 1001 251"),
    ("service_contact", "service_con_client__5d6ad8_idx", "1723275 21 6 1"),
    ("service_contact", "service_con_client__67d19a_idx", "2134146 21 5 1"),
    ("service_contact", "service_con_client__7a630d_idx", "1827306 21 1"),
    ("service_contact", "service_con_directi_224ac8_idx", "1984140 1001 1001"),
    ("service_contact", "service_con_matter__48d26b_idx", "2041020 4 3"),
    ("service_contact", "service_con_occurre_7d9e3b_idx", "1967886 1001"),
    ("service_contact", "service_con_recorde_f51bf2_idx", "1965452 9"),
    ("service_contact", "service_con_user_id_12abb8_idx", "2174640 1001 9"),
    ("service_contact", "service_contact_flagged_idx", "76110 201"),
    ("service_contact", "service_contact_purpose_day", "1421280 1001 201 31 1"),
    ("service_contact", "service_contact_purpose_idx", "175628 2 2 1 1"),
    ("service_duty", "service_dut_client__7584d2_idx", "406911 5 2"),
    ("service_duty", "service_dut_respons_4c27f7_idx", "406911 1850 9"),
    ("service_duty", "service_dut_status_fe2506_idx", "406911 135637 1083"),
    ("service_duty", "service_duty_matter_rule_idx", "160078 1 1"),
    ("service_duty", "service_duty_owed_idx", "401363 40137 2 1"),
    ("service_duty", "unique_live_duty_per_period", "406911 40692 2 1"),
]


#: The matters' statistics sampled a thousand entries per index deep
#: (``PRAGMA analysis_limit``): a column of three values looks as selective
#: as one of a thousand. The daily upkeep analyses in full; a planner's
#: choice should not hang on that alone.
SAMPLED_MATTER_STATISTICS = [
    ("matters_matter", "matter_client_status_idx", "520800 6 3 1 1"),
    ("matters_matter", "matter_list_status_order", "456960 1001 65 1"),
    ("matters_matter", "matter_list_order", "483804 126 1"),
    ("matters_matter", "matters_mat_case_nu_7f779c_idx", "488400 1"),
    ("matters_matter", "matters_mat_status_824f5c_idx", "621984 1001 1001"),
    ("matters_matter", "matters_matter_judgment_date_32b53605", "796224 51"),
    ("matters_matter", "matters_matter_supervising_lawyer_id_f5cee761", "582484 1001"),
    ("matters_matter", "matters_matter_created_by_id_3b0b3083", "582484 1001"),
    ("matters_matter", "matters_matter_client_id_291a8659", "562380 6"),
    ("matters_matter", "matters_matter_filing_date_ee757320", "872784 81"),
    ("matters_matter", "matters_matter_name_normalized_070f1397", "579348 1"),
    ("matters_matter", "unique_matter_case_number", "488400 1"),
    ("matters_matter", "sqlite_autoindex_matters_matter_1", "540030 1"),
]


#: The clients' statistics sampled alike: the tier (three values) looks as
#: selective as a column of a thousand. Sampled so, risk notices and
#: judgment explanations once read every ordinary client's matters.
SAMPLED_CLIENT_STATISTICS = [
    ("clients_client", "client_list_tier_type", "68145 1001 1001 1 1"),
    ("clients_client", "clients_cli_tier_f99f8e_idx", "172536 1001 1"),
    ("clients_client", "clients_cli_owner_i_ae608d_idx", "89040 143 1"),
    ("clients_client", "clients_client_owner_id_528b5ecf", "109062 143"),
]


@pytest.fixture(params=["no statistics", "firm statistics", "sampled statistics"])
def statistics(request) -> Iterator[str]:
    """Plan without statistics, with the firm's, and with sampled ones.

    Whatever statistics another test left are set aside, and the planner
    forgets these afterwards (its copy outlives the rolled-back rows).
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sqlite_schema")  # creates sqlite_stat1
        cursor.execute("DELETE FROM sqlite_stat1")
        rows = {
            "no statistics": [],
            "firm statistics": FIRM_STATISTICS,
            "sampled statistics": [
                *(row for row in FIRM_STATISTICS if row[0] != "matters_matter"),
                *SAMPLED_MATTER_STATISTICS,
            ],
            "sampled tiers too": [
                *(
                    row
                    for row in FIRM_STATISTICS
                    if row[0] not in {"clients_client", "matters_matter"}
                ),
                *SAMPLED_MATTER_STATISTICS,
                *SAMPLED_CLIENT_STATISTICS,
            ],
        }[request.param]
        cursor.executemany(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", rows
        )
        cursor.execute("ANALYZE sqlite_schema")  # the planner reloads them
    yield str(request.param)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1")
        cursor.execute("ANALYZE sqlite_schema")


def _plans_of_a_sweep(
    sweep: Callable[..., Any], today: dt.date
) -> list[tuple[str, list[str]]]:
    """Sweep on ``today``; return each statement with SQLite's plan for it.

    The plan is read just before the statement runs, on the same
    connection and in the same transaction.
    """
    seen: list[tuple[str, list[str]]] = []

    def explain(execute, sql, params, many, context):
        verb = sql.lstrip().upper()
        if not many and verb.startswith(("SELECT", "WITH", "INSERT", "UPDATE")):
            cursor = context["cursor"]
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            seen.append((sql, [str(row[-1]) for row in cursor.fetchall()]))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(explain):
        sweep(today)
    return seen


def _only(seen: list[tuple[str, list[str]]], *fragments: str) -> list[str]:
    plans = [plan for sql, plan in seen if all(f in sql for f in fragments)]
    assert len(plans) == 1, [sql[:120] for sql, _plan in seen if fragments[0] in sql]
    return plans[0]


def test_hearing_duties_read_the_coming_hearings_by_date(
    statistics, mk_client, mk_matter, hearing, sweep
):
    """Only the year's hearings are read, through their date index; the
    ordinary tier (most clients) does not drive the lookup."""
    for _ in range(3):
        client = mk_client("ordinary")
        hearing(mk_matter(client), TODAY + dt.timedelta(days=20))
    seen = _plans_of_a_sweep(sweep, TODAY)
    plan = _only(seen, "INSERT", '"matters_hearing"')
    steps = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
    # The outermost loop: the year's hearings by date, nothing else.
    assert steps[0].startswith(
        "SEARCH matters_hearing USING INDEX matters_hea_schedul"
    ), plan
    assert "scheduled_at>? AND scheduled_at<?" in steps[0], plan


@pytest.mark.parametrize(
    "statistics", ["firm statistics", "sampled statistics"], indirect=True
)
def test_progress_notices_are_read_in_client_order_without_a_sort(
    statistics, mk_client, mk_matter, sweep
):
    """Open matters come in client order from the (client, status) index,
    so the new notices are written in that order without sorting them, with
    full or sampled statistics. (Without any, a new firm's few matters are
    looked up client by client through the same index and sorted.)"""
    for _ in range(3):
        mk_matter(mk_client("ordinary"))
    seen = _plans_of_a_sweep(sweep, TODAY)
    plan = _only(seen, "INSERT", '"matters_matter"', "c_contact")
    # The index is named in the statement: on the benchmark firm, its
    # matters analysed by sampling, the planner otherwise
    # read open matters by status and sorted them (2.9 s instead of 1.7 s);
    # a handful of rows does not bring that plan about here.
    (sql,) = [
        sql for sql, _plan in seen if "c_contact" in sql and "matters_matter" in sql
    ]
    assert 'FROM "matters_matter" INDEXED BY "matter_client_status_idx"' in sql
    assert any("matter_client_status_idx" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


#: The tables a sweep reads, whose indexes :func:`schema_order` rebuilds.
SWEPT_TABLES = [
    "clients_client",
    "clients_tierchange",
    "matters_matter",
    "matters_hearing",
    "service_contact",
    "service_duty",
]


@pytest.fixture(autouse=True, params=["empty duty table", "a duty already"])
def duty_table(request, mk_client) -> str:
    """Plan a firm's first sweep, into an empty duty table (which builds the
    large duty indexes after its rows), and one with a duty already there
    (cancelled, so every rule is still derived for the first time), which
    writes into every index as a later sweep does."""
    if request.param == "a duty already":
        day = TODAY - dt.timedelta(days=40)
        Duty.objects.create(
            client=mk_client("key", since=day),
            rule=DutyRule.objects.order_by("pk").first(),
            period_key="cancelled",
            period_start=day,
            due_date=day,
            status="cancelled",
            cancelled_on=day,
            cancel_reason="rule_off",
        )
    return str(request.param)


@pytest.fixture(autouse=True, params=["as migrated", "indexes built in reverse"])
def schema_order(request) -> str:
    """Plan with the indexes in the order migrations created them, and reversed.

    Between two indexes that serve a lookup alike on paper, SQLite takes the
    one created last; a database whose indexes were built in another order
    (restored from a dump, rebuilt) must be planned as well. The rebuilt
    indexes are rolled back with the test.
    """
    if request.param == "indexes built in reverse":
        marks = ", ".join("%s" for _table in SWEPT_TABLES)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "  # noqa: S608 - placeholders only
                f"AND sql IS NOT NULL AND tbl_name IN ({marks}) ORDER BY rowid DESC",
                SWEPT_TABLES,
            )
            indexes = cursor.fetchall()
            for name, _create in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            for _name, create in indexes:
                cursor.execute(create)
    return str(request.param)


def test_the_overdue_digest_reads_the_new_duties_by_id(
    statistics, mk_client, mk_matter, sweep
):
    """The duties a sweep derived overdue are its last rows: they are
    counted per user by id, not through the firm's overdue duties or every
    responsible user's; each user's earliest are then read in order from
    the (responsible, due date) index, not sorted, whichever of it and the
    (status, due date) index was built last."""
    for _ in range(3):
        mk_matter(mk_client("ordinary", since=d("2026-01-01")))
    seen = _plans_of_a_sweep(sweep, TODAY)
    plan = _only(seen, "WITH u AS MATERIALIZED")
    counted = [step for step in plan if step.startswith("SEARCH service_duty")]
    assert counted == ["SEARCH service_duty USING INTEGER PRIMARY KEY (rowid>?)"], plan
    assert any(
        step.startswith("SEARCH x USING INDEX service_dut_respons_")
        and "(responsible_id=? AND due_date>? AND due_date<?)" in step
        for step in plan
    ), plan
    assert not any("TEMP B-TREE FOR ORDER BY" in step for step in plan), plan


def test_matching_reads_the_period_contacts_from_the_index_alone(
    statistics, firm, mk_client, sweep
):
    """Which clients had a contact of a calendar rule's purpose and channels
    in the period is read from the contacts' purpose index alone."""
    for _ in range(3):
        client = mk_client("key")
        Contact.objects.create(
            client=client,
            channel="email",
            direction="out",
            purpose="email_summary",
            user=client.owner,
            occurred_at=at(TODAY),
            occurred_on=TODAY,
            summary="月度邮件",
            recorded_by=client.owner,
        )
    seen = _plans_of_a_sweep(sweep, TODAY)
    counts = [
        plan
        for sql, plan in seen
        if sql.startswith("SELECT COUNT(*)") and '"service_contact"' in sql
    ]
    assert counts
    for plan in counts:
        assert any(
            "COVERING INDEX service_contact_purpose_day" in step for step in plan
        ), plan


@pytest.mark.parametrize(
    "statistics",
    ["no statistics", "firm statistics", "sampled statistics", "sampled tiers too"],
    indirect=True,
)
@pytest.mark.parametrize("event", ["filing_date", "judgment_date"])
def test_event_duties_read_the_matters_by_event_date(
    statistics, event, mk_client, mk_matter, sweep
):
    """Risk notices and judgment explanations read only the matters whose
    date falls in the rule's reach, through that date's index; the ordinary
    tier (most clients) does not drive a read of every matter."""
    for _ in range(3):
        mk_matter(mk_client("ordinary"), **{event: TODAY + dt.timedelta(days=20)})
    seen = _plans_of_a_sweep(sweep, TODAY)
    plan = _only(seen, "INSERT", f'"matters_matter"."{event}" AS "c_event"')
    steps = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
    assert steps[0].startswith("SEARCH matters_matter USING INDEX matters_matter_"), (
        plan
    )
    assert f"({event}>? AND {event}<?)" in steps[0], plan
