"""A sweep looks again only at what changed since the last one, and misses nothing.

Contacts written without the service (imports), rules the director changed,
clients and matters changed through their services: each is caught by the
next sweep. Duties derived after their window closed are overdue at once;
event duties wait until their event is at most a year ahead; local dates
are the firm's, around midnight too.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lexkeep.clients.models import Client, TierChange
from lexkeep.service.models import Contact, DutyRule, ServicePolicy
from lexkeep.service.services.duties import duty_rule_update
from lexkeep.service.services.sweep.changes import OVERLAP
from lexkeep.service.services.sweep.derive import EVENTS_AHEAD_DAYS
from lexkeep.service.services.sweep.sql import _fixed_offset
from tests.service.conftest import at, d, duties, live

pytestmark = pytest.mark.django_db


def _import_contact(client: Client, channel: str, on: dt.date, **fields) -> Contact:
    """Write a contact straight to the table, as a bulk import would."""
    return Contact.objects.create(
        client=client,
        channel=channel,
        direction="out",
        purpose=fields.pop("purpose", "general"),
        user=client.owner,
        occurred_at=at(on),
        occurred_on=on,
        summary="电话沟通",
        recorded_by=client.owner,
        **fields,
    )


def test_the_sweep_remembers_when_it_ran(mk_client, sweep):
    mk_client("key")
    before = timezone.now()
    sweep(d("2026-01-02"))
    policy = ServicePolicy.objects.get()
    assert before <= policy.swept_at <= timezone.now()


def test_a_change_committed_late_by_an_older_transaction_is_still_seen(
    firm, mk_client, sweep
):
    """A tier change recorded a few minutes before the last sweep started
    (its transaction committed after) is checked by the next sweep."""
    client = mk_client("key", since=d("2026-01-01"))
    sweep(d("2026-01-02"))
    client.tier = "strategic"
    client.owner = firm["partner"]
    client.save()
    swept_at = ServicePolicy.objects.get().swept_at
    client.history.filter(history_date__gt=swept_at).update(
        history_date=swept_at - OVERLAP + dt.timedelta(minutes=1)
    )
    result = sweep(d("2026-01-03"))
    assert result["cancelled"] >= 1
    assert live(client, "key-call") == []
    assert live(client, "strategic-contact")


def test_imported_contacts_are_matched_by_the_next_sweep(mk_client, sweep):
    client = mk_client("key", since=d("2026-01-01"))
    sweep(d("2026-01-02"))
    (call,) = live(client, "key-call")
    contact = _import_contact(client, "phone", d("2026-01-05"))
    result = sweep(d("2026-01-06"))
    call.refresh_from_db()
    assert (call.status, call.satisfied_by_id, call.done_on) == (
        "done",
        contact.pk,
        d("2026-01-05"),
    )
    assert result["satisfied"] == 1
    # The clock restarts at the imported call.
    (nxt,) = live(client, "key-call")
    assert (nxt.period_start, nxt.due_date) == (d("2026-01-06"), d("2026-01-19"))


def test_a_rule_changed_by_the_director_is_matched_again(firm, mk_client, sweep):
    client = mk_client("key", since=d("2026-01-01"))
    sweep(d("2026-01-02"))
    email = _import_contact(client, "email", d("2026-01-05"))
    sweep(d("2026-01-06"))
    assert live(client, "key-call")[0].status == "open"  # phone only
    duty_rule_update(
        actor=firm["director"],
        rule=DutyRule.objects.get(code="key-call"),
        channels=["phone", "email"],
    )
    sweep(d("2026-01-07"))
    done = duties(client, "key-call", status="done")
    assert [x.satisfied_by_id for x in done] == [email.pk]


def test_a_rule_switched_on_again_resumes_from_its_last_done_duty(
    firm, mk_client, log, sweep
):
    """A rule with done duties but none owed is no first derivation: its
    clock resumes from the last duty done, and a call made while the rule
    was off satisfies the window that followed it."""
    client = mk_client("key", since=d("2026-01-01"))
    rule = DutyRule.objects.get(code="key-call")
    sweep(d("2026-01-01"))
    log(client, "phone", d("2026-01-05"))  # the first call is done
    duty_rule_update(actor=firm["director"], rule=rule, active=False)
    sweep(d("2026-01-07"))  # the next window is cancelled
    assert live(client, "key-call") == []
    call = _import_contact(client, "phone", d("2026-01-10"))
    duty_rule_update(actor=firm["director"], rule=rule, active=True)
    result = sweep(d("2026-01-12"))
    resumed = duties(client, "key-call", period_start=d("2026-01-06"), status="done")
    assert [(x.due_date, x.satisfied_by_id) for x in resumed] == [
        (d("2026-01-19"), call.pk)
    ]
    (nxt,) = live(client, "key-call")
    assert (nxt.period_start, nxt.due_date) == (d("2026-01-11"), d("2026-01-24"))
    assert result["rounds"] == 2


def test_a_rule_derived_for_the_first_time_starts_after_the_latest_call(
    mk_client, sweep
):
    """No duty of the rule yet: the window runs from the day after the last
    call since the tier day, and the sweep does not look for a call in it
    (none can be dated after today)."""
    client = mk_client("key", since=d("2026-01-01"))
    _import_contact(client, "phone", d("2026-01-03"))
    last = _import_contact(client, "phone", d("2026-01-09"))
    result = sweep(d("2026-01-09"))
    (call,) = live(client, "key-call")
    assert (call.period_start, call.due_date, call.status) == (
        d("2026-01-10"),
        d("2026-01-23"),
        "open",
    )
    assert last.satisfied_duties.count() == 0
    assert result["rounds"] == 1


def test_a_second_round_runs_only_when_a_rolling_duty_was_done(mk_client, sweep):
    """A calendar duty done by an imported meeting opens no new window, so
    the sweep derives once; a call imported for the every-14-days duty
    opens the next window, derived in a second round."""
    client = mk_client("strategic", since=d("2026-02-01"))
    sweep(d("2026-02-01"))
    _import_contact(client, "in_person", d("2026-02-03"))
    meeting = sweep(d("2026-02-04"))
    assert duties(client, "strategic-meeting")[0].status == "done"
    assert meeting["satisfied"] == 1 and meeting["rounds"] == 1
    _import_contact(client, "phone", d("2026-02-05"))
    call = sweep(d("2026-02-06"))
    assert call["satisfied"] == 1 and call["rounds"] == 2
    (nxt,) = live(client, "strategic-contact")
    assert nxt.period_start == d("2026-02-06")


def test_a_first_sweep_matches_what_it_derives_and_what_was_owed_before(
    mk_client, sweep
):
    """A first sweep satisfies the month's new duties whose client had a
    matching contact this month, and no other; a duty owed before the
    sweep (last month's, derived without one) is matched in its own month,
    whatever this month holds."""
    from lexkeep.service.models import Duty

    rule = DutyRule.objects.get(code="key-email-summary")
    sent = mk_client("key", since=d("2026-01-01"))
    silent = mk_client("key", since=d("2026-01-01"))
    earlier = mk_client("key", since=d("2026-01-01"))
    for client in (sent, silent, earlier):
        _import_contact(client, "email", d("2026-02-03"))  # no summary
    summary = _import_contact(sent, "email", d("2026-02-10"), purpose="email_summary")
    january = Duty.objects.create(
        client=earlier,
        rule=rule,
        period_key="0:2026-01",
        period_start=d("2026-01-01"),
        due_date=d("2026-01-31"),
        status="overdue",
        responsible=earlier.owner,
    )
    late = _import_contact(earlier, "email", d("2026-01-20"), purpose="email_summary")
    assert ServicePolicy.objects.filter(swept_at__isnull=False).count() == 0
    sweep(d("2026-02-15"))
    done = {
        x.client_id: x.satisfied_by_id
        for x in Duty.objects.filter(rule=rule, status="done")
    }
    assert done == {sent.pk: summary.pk, earlier.pk: late.pk}
    january.refresh_from_db()
    assert (january.status, january.done_on) == ("done", d("2026-01-20"))
    assert [x.status for x in duties(silent, "key-email-summary")] == ["open"]


def test_an_unchanged_firm_is_swept_without_rewriting_anything(mk_client, sweep):
    client = mk_client("key", since=d("2026-01-01"))
    sweep(d("2026-01-02"))
    before = list(
        client.service_duties.order_by("pk").values_list(
            "pk", "status", "responsible_id"
        )
    )
    result = sweep(d("2026-01-03"))
    assert result["created"] == result["cancelled"] == result["reassigned"] == 0
    assert (
        list(
            client.service_duties.order_by("pk").values_list(
                "pk", "status", "responsible_id"
            )
        )
        == before
    )


def test_a_duty_derived_after_its_window_is_overdue_at_once(mk_client, sweep):
    client = mk_client("key", since=d("2026-01-01"))
    result = sweep(d("2026-01-16"))  # first sweep, day 15: the call is late
    (call,) = live(client, "key-call")
    assert (call.due_date, call.status) == (d("2026-01-15"), "overdue")
    assert result["overdue"] == 1 and result["reminded_overdue"] == 1


def test_a_duty_derived_on_its_due_day_is_open(mk_client, sweep):
    client = mk_client("key", since=d("2026-01-01"))
    sweep(d("2026-01-15"))
    (call,) = live(client, "key-call")
    assert (call.due_date, call.status) == (d("2026-01-15"), "open")


def test_an_event_more_than_a_year_ahead_waits(mk_client, mk_matter, sweep):
    client = mk_client("ordinary", since=d("2026-01-01"))
    filing = d("2026-02-01") + dt.timedelta(days=EVENTS_AHEAD_DAYS + 1)
    mk_matter(client, filing_date=filing)
    sweep(d("2026-02-01"))
    assert duties(client, "ordinary-risk-notice") == []
    sweep(d("2026-02-02"))  # now exactly a year and a day ahead: derived
    (notice,) = duties(client, "ordinary-risk-notice")
    assert notice.due_date == filing - dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("utc_hour", "local_day"),
    [(15, "2026-03-01"), (16, "2026-03-02")],  # 23:xx and 00:xx in Beijing
)
def test_the_tier_day_is_the_firms_local_date(mk_client, sweep, utc_hour, local_day):
    client = mk_client("key", since=d("2026-03-01"))
    moment = dt.datetime(2026, 3, 1, utc_hour, 30, tzinfo=dt.UTC)
    TierChange.objects.filter(client=client).update(changed_at=moment)
    sweep(d("2026-03-03"))
    (call,) = live(client, "key-call")
    assert call.period_start == d(local_day)


def test_local_dates_use_the_zones_fixed_offset_only_when_it_has_one():
    _fixed_offset.cache_clear()
    with timezone.override("Asia/Shanghai"):
        assert _fixed_offset("Asia/Shanghai") == 8 * 3600
    with timezone.override("Europe/Berlin"):
        assert _fixed_offset("Europe/Berlin") is None
    _fixed_offset.cache_clear()


def test_the_sweep_gives_its_connection_back_with_the_usual_page_cache(
    mk_client, sweep
):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL's cache is the server's")

    def cache_size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return int(cursor.fetchone()[0])

    mk_client("key")
    before = cache_size()
    sweep(d("2026-01-02"))
    assert cache_size() == before


@pytest.mark.parametrize("others", [0, 5])
def test_a_contact_on_the_first_day_of_a_month_does_the_new_monthly_duty(
    mk_client, sweep, others
):
    """On the first of a month every client gets a new monthly duty and few
    have a contact in the month yet: the sweep matches from those contacts
    (``others`` clients without one make the new duties the larger side)
    and still finds each contact, and only that client's duty is done."""
    client = mk_client("key", since=d("2026-01-01"))
    quiet = [mk_client("key", since=d("2026-01-01")) for _ in range(others)]
    sweep(d("2026-02-27"))
    contact = _import_contact(client, "email", d("2026-03-01"), purpose="email_summary")
    # Recorded before the last sweep, under rules set long before: only the
    # new duty's own match can find it.
    swept_at = ServicePolicy.objects.get().swept_at
    DutyRule.objects.update(updated_at=swept_at - dt.timedelta(days=30))
    Contact.objects.filter(pk=contact.pk).update(
        recorded_at=swept_at - OVERLAP - dt.timedelta(minutes=1)
    )
    sweep(d("2026-03-01"))
    (march,) = duties(client, "key-email-summary", period_start=d("2026-03-01"))
    assert (march.status, march.done_on) == ("done", d("2026-03-01"))
    for other in quiet:
        (pending,) = duties(other, "key-email-summary", period_start=d("2026-03-01"))
        assert pending.status == "open"


def test_a_contact_dated_before_the_period_does_not_do_its_duty(mk_client, sweep):
    client = mk_client("key", since=d("2026-01-01"))
    sweep(d("2026-02-27"))
    _import_contact(client, "email", d("2026-02-28"), purpose="email_summary")
    sweep(d("2026-03-01"))
    (february,) = duties(client, "key-email-summary", period_start=d("2026-02-01"))
    (march,) = duties(client, "key-email-summary", period_start=d("2026-03-01"))
    assert february.status == "done"
    assert march.status == "open"


def test_a_contact_imported_ahead_of_its_day_does_the_duty_owed_that_day(
    mk_client, sweep
):
    """A call logged in advance (imported with a later date) is no match
    while its day is to come, and matches the duty owed when the day comes,
    though no sweep sees it as recorded since."""
    client = mk_client("key", since=d("2026-01-01"))
    sweep(d("2026-01-02"))
    (call,) = live(client, "key-call")
    contact = _import_contact(client, "phone", d("2026-01-05"))
    sweep(d("2026-01-03"))
    call.refresh_from_db()
    assert call.status == "open"
    swept_at = ServicePolicy.objects.get().swept_at
    DutyRule.objects.update(updated_at=swept_at - dt.timedelta(days=30))
    Contact.objects.filter(pk=contact.pk).update(
        recorded_at=swept_at - OVERLAP - dt.timedelta(minutes=1)
    )
    sweep(d("2026-01-05"))
    call.refresh_from_db()
    assert (call.status, call.satisfied_by_id) == ("done", contact.pk)
