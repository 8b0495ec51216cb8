"""Tiers and service teams (SPEC §2.1, §2.2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lexkeep.accounts.models import Role, Seniority
from lexkeep.clients.models import Client, TierChange
from lexkeep.clients.selectors import clients_needing_reassignment
from lexkeep.clients.services import (
    client_assign_team,
    client_fees_last_12_months,
    client_tier_override,
    client_tier_recompute,
    client_tier_release_override,
    tier_policy_get,
    tier_policy_update,
    tier_recompute_all,
)
from lexkeep.clients.tasks import recompute_tiers_nightly


@pytest.fixture(autouse=True)
def _english(english_messages):
    """Messages are checked by their English ids."""


pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)


@pytest.fixture
def client_with_matter(make_individual, make_matter):
    client = make_individual()
    return client, make_matter(client)


def test_default_thresholds():
    policy = tier_policy_get()
    assert policy.strategic_threshold == Decimal("1000000.00")
    assert policy.key_threshold == Decimal("200000.00")


@pytest.mark.parametrize(
    ("amount", "tier"),
    [
        ("199999.99", "ordinary"),
        ("200000.00", "key"),
        ("999999.99", "key"),
        ("1000000.00", "strategic"),
    ],
)
def test_tier_at_threshold_boundaries(client_with_matter, add_fee, amount, tier):
    client, matter = client_with_matter
    add_fee(matter, amount, TODAY)
    assert client_tier_recompute(client=client, today=TODAY).tier == tier
    assert tier_recompute_all(today=TODAY) == 0  # same answer set-based


@pytest.mark.parametrize(
    ("amount", "tier"), [("199999.99", "ordinary"), ("200000.00", "key")]
)
def test_boundaries_set_based(client_with_matter, add_fee, amount, tier):
    client, matter = client_with_matter
    add_fee(matter, amount, TODAY)
    tier_recompute_all(today=TODAY)
    assert Client.objects.get(pk=client.pk).tier == tier


def test_fees_from_several_receipts_sum_exactly(client_with_matter, add_fee):
    client, matter = client_with_matter
    add_fee(matter, "100000.10", TODAY)
    add_fee(matter, "99999.90", TODAY - dt.timedelta(days=10))
    tier_recompute_all(today=TODAY)
    assert Client.objects.get(pk=client.pk).tier == "key"


def test_window_excludes_exactly_twelve_months_ago(client_with_matter, add_fee):
    """The window is (today − 12 months, today]."""
    client, matter = client_with_matter
    add_fee(matter, "300000.00", dt.date(2025, 6, 30))  # exactly 12 months: out
    assert client_fees_last_12_months(client, TODAY) == Decimal("0.00")
    add_fee(matter, "300000.00", dt.date(2025, 7, 1))  # one day later: in
    add_fee(matter, "1.00", dt.date(2026, 7, 1))  # after today: out
    assert client_fees_last_12_months(client, TODAY) == Decimal("300000.00")
    tier_recompute_all(today=TODAY)
    assert Client.objects.get(pk=client.pk).tier == "key"


def test_custom_thresholds(client_with_matter, add_fee, firm):
    client, matter = client_with_matter
    add_fee(matter, "60000.00", TODAY)
    tier_policy_update(
        actor=firm["director"],
        strategic_threshold=Decimal("500000.00"),
        key_threshold=Decimal("50000.00"),
    )
    assert client_tier_recompute(client=client, today=TODAY).tier == "key"


def test_only_director_changes_thresholds_and_they_must_be_ordered(firm):
    with pytest.raises(PermissionDenied):
        tier_policy_update(
            actor=firm["partner"],
            strategic_threshold=Decimal("2"),
            key_threshold=Decimal("1"),
        )
    with pytest.raises(ValidationError) as exc:
        tier_policy_update(
            actor=firm["director"],
            strategic_threshold=Decimal("100"),
            key_threshold=Decimal("100"),
        )
    assert "strategic_threshold" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        tier_policy_update(
            actor=firm["director"],
            strategic_threshold=Decimal("100"),
            key_threshold=Decimal("0"),
        )
    assert "key_threshold" in exc.value.message_dict


def test_computed_change_recorded(client_with_matter, add_fee):
    client, matter = client_with_matter
    add_fee(matter, "250000.00", TODAY)
    tier_recompute_all(today=TODAY)
    change = TierChange.objects.filter(client=client, source="computed").get()
    assert (change.old_tier, change.new_tier) == ("ordinary", "key")
    assert change.fees_last_12_months == Decimal("250000.00")
    history = Client.objects.get(pk=client.pk).history_entries.order_by(
        "-history_date"
    )[0]
    assert history.tier == "key"
    # Nothing changes on a second run: no new row.
    assert tier_recompute_all(today=TODAY) == 0
    assert TierChange.objects.filter(client=client, source="computed").count() == 1


def test_recompute_all_runs_constant_queries(make_individual, make_matter, add_fee):
    """Set-based: the number of queries does not grow with the clients."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(n: int) -> int:
        for i in range(n):
            client = make_individual()
            add_fee(make_matter(client), "300000.00" if i % 2 else "10.00", TODAY)
        with CaptureQueriesContext(connection) as ctx:
            assert tier_recompute_all(today=TODAY) == n // 2
        return len(ctx)

    tier_policy_get()
    assert run(4) == run(30)


def test_nightly_task_recomputes(client_with_matter, add_fee):
    client, matter = client_with_matter
    from django.utils import timezone

    add_fee(matter, "1500000.00", timezone.localdate())
    recompute_tiers_nightly.call_local()
    assert Client.objects.get(pk=client.pk).tier == "strategic"


class TestOverride:
    def test_needs_partner(self, make_individual, firm):
        client = make_individual()
        for role in ("senior", "staff", "assistant", "archivist"):
            with pytest.raises(PermissionDenied):
                client_tier_override(
                    actor=firm[role], client=client, tier="strategic", reason="brand"
                )

    def test_needs_reason(self, make_individual, firm):
        client = make_individual()
        with pytest.raises(ValidationError) as exc:
            client_tier_override(
                actor=firm["partner"], client=client, tier="strategic", reason="  "
            )
        assert "reason" in exc.value.message_dict

    def test_override_recorded_and_sticks(self, client_with_matter, add_fee, firm):
        client, matter = client_with_matter
        client_tier_override(
            actor=firm["partner"],
            client=client,
            tier="strategic",
            reason="major brand impact",
        )
        change = TierChange.objects.get(client=client, source="override")
        assert change.reason == "major brand impact"
        assert change.changed_by == firm["partner"]
        assert (change.old_tier, change.new_tier) == ("ordinary", "strategic")
        tier_recompute_all(today=TODAY)
        client_tier_recompute(client=client, today=TODAY)
        assert Client.objects.get(pk=client.pk).tier == "strategic"

    def test_release_recomputes(self, client_with_matter, add_fee, firm):
        client, matter = client_with_matter
        add_fee(matter, "200000.00", TODAY)
        client_tier_override(
            actor=firm["director"], client=client, tier="strategic", reason="potential"
        )
        client_tier_release_override(actor=firm["partner"], client=client, today=TODAY)
        client.refresh_from_db()
        assert (client.tier, client.tier_overridden) == ("key", False)


class TestAssignment:
    def test_strategic_needs_partner_and_team(self, make_individual, firm):
        client = make_individual()
        client_tier_override(
            actor=firm["partner"], client=client, tier="strategic", reason="brand"
        )
        with pytest.raises(ValidationError) as exc:
            client_assign_team(
                actor=firm["partner"], client=client, owner=firm["senior"], team=[]
            )
        assert set(exc.value.message_dict) == {"owner", "team"}
        with pytest.raises(ValidationError) as exc:
            client_assign_team(
                actor=firm["partner"],
                client=client,
                owner=firm["partner"],
                team=[firm["archivist"]],
            )
        assert set(exc.value.message_dict) == {"team"}
        client_assign_team(
            actor=firm["partner"],
            client=client,
            owner=firm["partner"],
            team=[firm["senior"], firm["staff"]],
        )
        assert set(client.team.all()) == {firm["senior"], firm["staff"]}

    def test_key_needs_senior_lawyer(self, make_individual, firm):
        client = make_individual()
        client_tier_override(
            actor=firm["partner"], client=client, tier="key", reason="r"
        )
        with pytest.raises(ValidationError) as exc:
            client_assign_team(
                actor=firm["partner"], client=client, owner=firm["staff"], team=[]
            )
        assert "senior lawyer" in exc.value.message_dict["owner"][0]
        client_assign_team(
            actor=firm["partner"], client=client, owner=firm["senior"], team=[]
        )
        assert client.owner == firm["senior"]

    def test_ordinary_needs_staff_lawyer(self, make_individual, firm):
        client = make_individual()
        with pytest.raises(ValidationError) as exc:
            client_assign_team(
                actor=firm["partner"], client=client, owner=firm["senior"], team=[]
            )
        assert "staff lawyer" in exc.value.message_dict["owner"][0]
        client_assign_team(
            actor=firm["partner"], client=client, owner=firm["staff"], team=[]
        )

    def test_only_partner_assigns(self, make_individual, firm):
        client = make_individual()
        with pytest.raises(PermissionDenied):
            client_assign_team(
                actor=firm["senior"], client=client, owner=firm["staff"], team=[]
            )

    def test_reassignment_list(
        self, make_individual, make_matter, add_fee, firm, make_user
    ):
        fits = make_individual(actor=firm["staff"])  # ordinary, staff owner
        wrong_owner = make_individual(actor=firm["senior"])  # ordinary, senior
        no_owner = make_individual()  # created by the partner: no owner
        grows = make_individual(actor=firm["staff"])
        add_fee(make_matter(grows), "250000.00", TODAY)
        strategic = make_individual()
        client_tier_override(
            actor=firm["partner"], client=strategic, tier="strategic", reason="r"
        )
        client_assign_team(
            actor=firm["partner"],
            client=strategic,
            owner=firm["partner"],
            team=[firm["senior"]],
        )
        before = set(clients_needing_reassignment(actor=firm["partner"]))
        assert before == {wrong_owner, no_owner}
        tier_recompute_all(today=TODAY)  # grows becomes key: staff owner no longer fits
        with_query_count = clients_needing_reassignment(actor=firm["partner"])
        assert set(with_query_count) == {wrong_owner, no_owner, grows}
        assert fits not in with_query_count
        # A strategic client that loses its team needs reassignment too.
        strategic.team.clear()
        assert strategic in set(clients_needing_reassignment(actor=firm["director"]))
        # A lawyer sees only their own clients on the list.
        senior_view = set(clients_needing_reassignment(actor=firm["senior"]))
        assert wrong_owner in senior_view and no_owner not in senior_view
        other = make_user("senior2", Role.LAWYER, seniority=Seniority.SENIOR)
        assert not clients_needing_reassignment(actor=other).exists()
