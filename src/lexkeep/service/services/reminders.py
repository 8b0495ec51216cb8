"""Reminders of service duties, in the app and by email (SPEC §4).

The responsible user (the client's relationship owner) is reminded once
when an open duty falls due within ``reminder_days_before`` days (default
2: on day ``due − 2``, ``due − 1`` or ``due`` itself) and once when it is
overdue. Each duty carries the time of each reminder, set in the same
transaction that writes the notification, so running the sweep again
sends nothing twice. One notification and one email per user and kind
summarise that user's duties, whatever their number.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lexkeep.accounts.models import User
from lexkeep.service.choices import DutyKind, DutyStatus
from lexkeep.service.models import Duty, Notification, ServicePolicy
from lexkeep.service.services.sweep import sql

#: Duties listed by name in one reminder email; the rest are counted.
LISTED_PER_EMAIL = 20


@dataclass
class _Digest:
    count: int = 0
    lines: list[tuple[dt.date, str, str]] = field(default_factory=list)

    def merge(self, other: _Digest) -> None:
        """Add ``other``'s duties; keep the earliest listed."""
        self.count += other.count
        self.lines = sorted([*self.lines, *other.lines])[:LISTED_PER_EMAIL]


def _mark(
    qs: QuerySet[Duty], field_name: str, **also: Any
) -> tuple[dict[int, _Digest], int]:
    """Stamp ``qs`` as reminded (and set ``also``); return its digest per
    responsible user and the number of rows stamped.

    One ``UPDATE … RETURNING``: the digest is made of exactly the rows the
    stamp wrote, whatever another transaction changed meanwhile, and no
    read scans the duties reminded before.
    """
    ops = connection.ops
    table = ops.quote_name(Duty._meta.db_table)
    values: dict[str, Any] = {field_name: timezone.now(), **also}
    assignments = ", ".join(f"{ops.quote_name(name)} = %s" for name in values)
    params: list[Any] = [
        ops.adapt_datetimefield_value(value)
        if isinstance(value, dt.datetime)
        else value
        for value in values.values()
    ]
    # No ORDER BY: the stamp needs the set, and sorting it costs a pass.
    inner, inner_params = qs.order_by().values("pk").query.sql_with_params()
    # The due date comes back as ISO text (sorted as dates are, and no
    # conversion of every row by the driver).
    due_sql = sql.date_text(ops.quote_name("due_date"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} WHERE id IN ({inner}) "  # noqa: S608 - names quoted, values bound
            f"RETURNING id, responsible_id, {due_sql}",
            [*params, *inner_params],
        )
        rows = cursor.fetchall()
    return _digests(rows), len(rows)


def _derived_overdue(derived_after: int, stamp: dt.datetime) -> dict[int, _Digest]:
    """Return the digests of the duties this sweep derived overdue.

    They were written with ``stamp`` as the time of their overdue reminder
    (:func:`~lexkeep.service.services.sweep.derive.derive_duties`), so no
    second write is needed; the ones a contact satisfied since are done
    and not listed. The new rows are read by id, past ``derived_after``,
    and counted per user by the database: a first sweep derives a hundred
    thousand of them, and only each user's count and earliest
    :data:`LISTED_PER_EMAIL` leave it.
    """
    ops = connection.ops
    table = ops.quote_name(Duty._meta.db_table)
    values: list[Any] = [
        int(derived_after),
        DutyStatus.OVERDUE.value,
        ops.adapt_datetimefield_value(stamp),
    ]
    # Each user's count and first and last due dates, from the new rows
    # alone. On SQLite they are read by id: they are the table's last, one
    # sweep of the rowid; the statistics would otherwise have the planner
    # walk every overdue duty of the firm (the status index), or every duty
    # (the responsible user's index, which yields the grouping), looking
    # each up.
    by_id = " NOT INDEXED" if connection.vendor == "sqlite" else ""
    # Then each user's earliest few, in order, from the (responsible, due
    # date) index between those dates: ranking them all (170,000 in a first
    # sweep) would sort them all. The upper date stops the walk where a
    # user has fewer new ones than listed (a later sweep's usual case)
    # instead of going on through every later duty of the user.
    # Named on SQLite: the (status, due date) index serves the lookup as
    # well on paper, and SQLite takes whichever of the two was built last,
    # which then walks every user's overdue duties for each user's twenty.
    through = (
        f" INDEXED BY {ops.quote_name(sql.index_on(Duty, 'responsible', 'due_date'))}"
        if connection.vendor == "sqlite"
        else ""
    )
    earliest = (
        f"SELECT x.id FROM {table} x{through} WHERE x.responsible_id = u.uid "  # noqa: S608 - names quoted, values bound
        "AND x.due_date >= u.lo AND x.due_date <= u.hi "
        "AND x.id > %s AND x.status = %s "
        "AND x.reminded_overdue_at = %s ORDER BY x.due_date, x.id LIMIT %s"
    )
    if connection.vendor == "sqlite":
        listed = f"JOIN {table} d ON d.id IN ({earliest})"
    else:
        listed = f"CROSS JOIN LATERAL ({earliest}) d"
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH u AS MATERIALIZED (SELECT responsible_id AS uid, "  # noqa: S608 - names quoted, values bound
            "COUNT(*) AS total, MIN(due_date) AS lo, MAX(due_date) AS hi "
            f"FROM {table}{by_id} "
            "WHERE id > %s AND status = %s AND reminded_overdue_at = %s "
            "AND responsible_id IS NOT NULL "
            f"GROUP BY responsible_id) SELECT d.id, u.uid, u.total FROM u {listed}",
            [*values, *values, LISTED_PER_EMAIL],
        )
        rows = cursor.fetchall()
    return _named(
        {user_id: total for _pk, user_id, total in rows}, {pk for pk, *_ in rows}
    )


def _digests(rows: list[tuple[int, int | None, str]]) -> dict[int, _Digest]:
    """Group (id, responsible, ISO due date) rows into one digest per user."""
    earliest: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for pk, user_id, due_text in rows:
        if user_id is not None:
            earliest[user_id].append((due_text, pk))
    return _named(
        {user_id: len(duties) for user_id, duties in earliest.items()},
        {
            pk
            for duties in earliest.values()
            for _due, pk in heapq.nsmallest(LISTED_PER_EMAIL, duties)
        },
    )


def _named(counts: dict[int, int], listed_ids: set[int]) -> dict[int, _Digest]:
    """Return one digest per user of ``counts``, listing ``listed_ids``.

    Names are read for the few duties each digest lists.
    """
    digests: dict[int, _Digest] = defaultdict(_Digest)
    for user_id, count in counts.items():
        digests[user_id].count = count
    listed = (
        Duty.objects.filter(pk__in=listed_ids)
        .order_by("responsible_id", "due_date", "pk")
        .values_list("responsible_id", "due_date", "client__name", "rule__kind")
    )
    for user_id, due, client_name, kind in listed:
        digests[user_id].lines.append((due, client_name, kind))
    return digests


def _texts(kind: str, count: int, days: int) -> tuple[str, str]:
    if kind == Notification.Kind.DUE_SOON:
        text = ngettext(
            "%(count)s service duty falls due within %(days)s days.",
            "%(count)s service duties fall due within %(days)s days.",
            count,
        ) % {"count": count, "days": days}
        return text, _("Service duties due soon")
    text = ngettext(
        "%(count)s service duty is overdue.",
        "%(count)s service duties are overdue.",
        count,
    ) % {"count": count}
    return text, _("Service duties overdue")


def _notify(
    digests: dict[int, _Digest], *, kind: str, now: dt.datetime, days: int
) -> tuple[int, list[EmailMessage]]:
    if not digests:
        return 0, []
    status = "open" if kind == Notification.Kind.DUE_SOON else "overdue"
    url = f"{reverse('service:duties')}?scope=mine&status={status}"
    users = User.objects.filter(pk__in=list(digests), is_active=True).only(
        "pk", "email", "username", "full_name"
    )
    notes: list[Notification] = []
    mails: list[EmailMessage] = []
    with translation.override(settings.LANGUAGE_CODE):
        for user in users:
            digest = digests[user.pk]
            text, subject = _texts(kind, digest.count, days)
            notes.append(
                Notification(user=user, kind=kind, text=text, url=url, created_at=now)
            )
            if user.email:
                kinds = dict(DutyKind.choices)
                listed = [
                    f"{due:%Y-%m-%d}  {name}  {kinds.get(kind, kind)}"
                    for due, name, kind in digest.lines
                ]
                body = "\n".join([text, "", *listed])
                if digest.count > len(digest.lines):
                    body += "\n…"
                mails.append(
                    EmailMessage(
                        subject=f"[Lexkeep] {subject}", body=body, to=[user.email]
                    )
                )
    Notification.objects.bulk_create(notes)
    return len(notes), mails


def send_reminders(
    *,
    today: dt.date,
    now: dt.datetime,
    policy: ServicePolicy,
    derived_after: int | None = None,
) -> dict[str, int]:
    """Remind responsible users of duties due soon and overdue, once each.

    Open duties past their due date turn overdue here, in the same UPDATE
    that stamps their reminder (one write per row on the day a whole
    period falls due); ``overdue`` counts them with the duties already
    overdue but not yet reminded (derived late outside a sweep, or turned
    overdue when a contact was logged) and, with ``derived_after``, the
    duties the calling sweep derived overdue past that id (stamped with
    ``now`` when written). Emails leave after the transaction commits.
    """
    days = int(policy.reminder_days_before)
    due_soon = Duty.objects.filter(
        status=DutyStatus.OPEN,
        due_date__gte=today,
        due_date__lte=today + dt.timedelta(days=days),
        reminded_due_at__isnull=True,
    )
    # Open duties past due turn overdue; duties already overdue but not yet
    # reminded (derived late, or turned overdue by a contact's service) are
    # only stamped: writing their status again would rewrite its indexes.
    falling_due = Duty.objects.filter(status=DutyStatus.OPEN, due_date__lt=today)
    late = Duty.objects.filter(
        status=DutyStatus.OVERDUE, due_date__lt=today, reminded_overdue_at__isnull=True
    )
    soon_digests, _soon = _mark(due_soon, "reminded_due_at")
    overdue_digests, turned = _mark(
        falling_due, "reminded_overdue_at", status=DutyStatus.OVERDUE.value
    )
    late_digests, stamped_late = _mark(late, "reminded_overdue_at")
    derived = {} if derived_after is None else _derived_overdue(derived_after, now)
    for digests in (late_digests, derived):
        for user_id, digest in digests.items():
            overdue_digests[user_id].merge(digest)
    derived_overdue = sum(d.count for d in derived.values())
    soon_notes, soon_mails = _notify(
        soon_digests, kind=Notification.Kind.DUE_SOON, now=now, days=days
    )
    late_notes, late_mails = _notify(
        overdue_digests, kind=Notification.Kind.OVERDUE, now=now, days=days
    )
    mails = soon_mails + late_mails
    if mails:
        transaction.on_commit(lambda: get_connection().send_messages(mails))
    return {
        "reminded_due": sum(d.count for d in soon_digests.values()),
        "reminded_overdue": sum(d.count for d in overdue_digests.values()),
        "overdue": turned + stamped_late + derived_overdue,
        "notifications": soon_notes + late_notes,
        "emails": len(mails),
    }
