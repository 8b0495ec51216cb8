"""What a client's page shows, assembled by the selectors (SPEC §2.4, §6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lexkeep.clients.models import Client
from lexkeep.clients.selectors import (
    REVIEW_CURRENT,
    REVIEW_DUE,
    REVIEW_OVERDUE,
    client_consent_state,
    client_review_state,
)
from lexkeep.clients.services import (
    client_review_record,
    consent_record,
    consent_withdraw,
)

pytestmark = pytest.mark.django_db

ZONE = timezone.get_default_timezone()


def _created_on(client: Client, day: dt.date) -> None:
    created = dt.datetime.combine(day, dt.time(10), tzinfo=ZONE)
    Client.objects.filter(pk=client.pk).update(created_at=created)


class TestClientReviewState:
    def test_current_due_overdue_by_quarter(
        self, make_individual, firm, django_assert_num_queries
    ):
        partner = firm["partner"]
        client = make_individual()
        _created_on(client, dt.date(2025, 1, 10))
        review = {"reviewed_on": dt.date(2026, 5, 20), "method": "phone"}
        client_review_record(actor=partner, client=client, **review)
        with django_assert_num_queries(1):
            state = client_review_state(
                actor=partner, client=client, today=dt.date(2026, 6, 1)
            )
        assert (state.status, state.last_reviewed_on) == (
            REVIEW_CURRENT,
            dt.date(2026, 5, 20),
        )
        # Confirmed last quarter only: due; two quarters ago: overdue.
        assert (
            client_review_state(actor=partner, client=client, today=dt.date(2026, 8, 1))
        ).status == REVIEW_DUE
        assert (
            client_review_state(
                actor=partner, client=client, today=dt.date(2026, 11, 1)
            )
        ).status == REVIEW_OVERDUE

    def test_a_client_the_actor_may_not_see_is_not_there(self, make_individual, firm):
        client = make_individual()
        with pytest.raises(Client.DoesNotExist):
            client_review_state(
                actor=firm["external"], client=client, today=timezone.localdate()
            )


class TestClientConsentState:
    def _record(self, client, actor, signed_on):
        return consent_record(
            actor=actor,
            client=client,
            kind="sensitive",
            purpose="engagement",
            scope="ID number",
            use="court filings",
            signed_on=signed_on,
        )

    def test_in_force_then_last_withdrawn(
        self, make_individual, firm, django_assert_num_queries
    ):
        partner = firm["partner"]
        client = make_individual()
        state = client_consent_state(actor=partner, client=client)
        assert (state.consents, state.sensitive_active) == ([], None)
        first = self._record(client, partner, dt.date(2026, 1, 5))
        with django_assert_num_queries(1):
            state = client_consent_state(actor=partner, client=client)
        assert state.sensitive_active == first
        assert state.sensitive_withdrawn is None
        consent_withdraw(actor=partner, consent=first, withdrawn_on=dt.date(2026, 2, 1))
        state = client_consent_state(actor=partner, client=client)
        assert state.sensitive_active is None
        assert state.sensitive_withdrawn == first
        assert state.consents == [first]

    def test_nothing_for_a_client_the_actor_may_not_see(self, make_individual, firm):
        client = make_individual()
        self._record(client, firm["partner"], dt.date(2026, 1, 5))
        state = client_consent_state(actor=firm["external"], client=client)
        assert (state.consents, state.sensitive_active) == ([], None)
