"""Volume lifecycle: opening, deadline, numbering, retention, review, filing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from lexkeep.archives.choices import ArchiveStatus, MaterialType
from lexkeep.archives.models import (
    Archive,
    ArchiveAlert,
    ArchiveEvent,
    ArchivePolicy,
    ArchiveSequence,
)
from lexkeep.archives.services import (
    REVIEW_CHECKLIST,
    archive_file,
    archive_number_allocate,
    archive_review,
    archive_submit,
    archive_sweep,
)
from lexkeep.clients.choices import Domain, Tier
from lexkeep.core.exceptions import InvalidTransition
from lexkeep.core.models import AuditEntry, FirmHoliday

ALL_YES = dict.fromkeys(REVIEW_CHECKLIST, True)


class TestOpening:
    def test_closing_a_matter_opens_its_volume(self, closed_archive, firm):
        archive = closed_archive()
        assert archive.status == ArchiveStatus.COLLECTING
        assert archive.archive_class == "litigation"
        assert archive.handling_lawyer == firm["staff"]
        assert ArchiveEvent.objects.filter(archive=archive, action="open").exists()
        assert AuditEntry.objects.filter(action="archive.open").exists()
        # The handling lawyer is reminded in the app and by email.
        assert ArchiveAlert.objects.filter(
            recipient=firm["staff"], kind="collection_due"
        ).exists()

    def test_deadline_is_three_working_days_across_a_holiday(self, closed_archive):
        # Fri 26 Sep 2025: the National Day holiday runs 1–8 Oct 2025 and
        # Sun 28 Sep is a make-up working day (调休). Working days after the
        # end: Sun 28, Mon 29, Tue 30 Sep.
        archive = closed_archive(end=dt.date(2025, 9, 26))
        assert archive.collection_due == dt.date(2025, 9, 30)
        later = closed_archive(end=dt.date(2025, 9, 30))
        # Wed 1 – Wed 8 Oct holiday; Thu 9, Fri 10, Sat 11 Oct (调休 working).
        assert later.collection_due == dt.date(2025, 10, 11)

    def test_firm_holiday_and_policy_days_are_data(self, closed_archive):
        FirmHoliday.objects.create(date=dt.date(2025, 6, 3), kind="holiday")
        policy = ArchivePolicy.objects.create(collection_working_days=2)
        archive = closed_archive(end=dt.date(2025, 5, 30))  # Friday
        # Mon 2 Jun is Dragon Boat holiday; Tue 3 firm holiday → Wed 4, Thu 5.
        assert archive.collection_due == dt.date(2025, 6, 5)
        assert policy.collection_working_days == 2

    def test_counsel_deadline_counts_from_counsel_end(self, firm, mk_matter):
        from lexkeep.matters.services import matter_close

        matter = mk_matter(domain=Domain.COUNSEL)
        matter_close(
            actor=firm["staff"],
            matter=matter,
            business_end_date=dt.date(2025, 3, 3),
            counsel_end_date=dt.date(2025, 3, 10),
        )
        archive = Archive.objects.get(matter=matter)
        assert archive.archive_class == "counsel"
        assert archive.collection_due == dt.date(2025, 3, 13)
        assert archive.archive_number.split("-")[1] == "GW"


class TestNumbers:
    def test_pattern_and_sequence_per_year_and_class(self, closed_archive):
        a = closed_archive()
        b = closed_archive()
        c = closed_archive(domain=Domain.NON_LITIGATION)
        year = a.year
        assert a.archive_number == f"{year}-SS-0001"
        assert b.archive_number == f"{year}-SS-0002"
        assert c.archive_number == f"{year}-FS-0001"

    def test_numbers_are_never_reused(self, closed_archive):
        a = closed_archive()
        # Even if a volume disappears, its number is not issued again.
        Archive.objects.filter(pk=a.pk).update(archive_number="GONE")
        b = closed_archive()
        assert b.archive_number.endswith("-0002")
        assert ArchiveSequence.objects.get(archive_class="litigation").last == 2

    def test_existing_number_is_skipped_after_a_pattern_change(self, closed_archive):
        first = closed_archive()
        policy = ArchivePolicy.objects.get()
        policy.number_pattern = "{class_code}{seq:03d}"
        policy.save()
        Archive.objects.filter(pk=first.pk).update(archive_number="SS002")
        number = archive_number_allocate(archive_class="litigation", year=2030)
        assert number == "SS001"
        assert archive_number_allocate(archive_class="litigation", year=2030) == (
            "SS003"
        )

    def test_unique_in_the_database(self, closed_archive):
        from django.db import IntegrityError, transaction

        a = closed_archive()
        b = closed_archive()
        with pytest.raises(IntegrityError), transaction.atomic():
            Archive.objects.filter(pk=b.pk).update(archive_number=a.archive_number)


class TestRetention:
    def test_litigation_ten_years_from_judgment_effective(self, closed_archive):
        archive = closed_archive(
            end=dt.date(2025, 3, 31),
            judgment_date=dt.date(2025, 2, 10),
            judgment_effective_date=dt.date(2025, 2, 28),
        )
        assert archive.retention_from == dt.date(2025, 2, 28)
        assert archive.retention_until == dt.date(2035, 2, 28)

    def test_non_litigation_eight_years_from_business_end(self, closed_archive):
        archive = closed_archive(domain=Domain.NON_LITIGATION, end=dt.date(2024, 2, 29))
        assert archive.retention_until == dt.date(2032, 2, 29)

    def test_counsel_five_years_from_engagement_end(self, closed_archive):
        archive = closed_archive(domain=Domain.COUNSEL, end=dt.date(2025, 6, 30))
        assert archive.retention_until == dt.date(2030, 6, 30)

    def test_strategic_client_is_permanent(self, closed_archive, mk_client):
        client = mk_client(tier=Tier.STRATEGIC)
        archive = closed_archive(client=client)
        assert archive.retention_until is None
        assert archive.client_tier == Tier.STRATEGIC

    def test_years_are_policy_data(self, closed_archive):
        ArchivePolicy.objects.create(retention_non_litigation_years=12)
        archive = closed_archive(domain=Domain.NON_LITIGATION, end=dt.date(2025, 1, 6))
        assert archive.retention_until == dt.date(2037, 1, 6)


class TestSubmission:
    def test_missing_required_item_refused(self, closed_archive, fill, firm):
        archive = closed_archive()
        fill(archive, skip=(MaterialType.RISK_NOTICE,))
        with pytest.raises(ValidationError) as exc:
            archive_submit(actor=firm["staff"], archive=archive)
        assert "missing_reasons.risk_notice" in exc.value.message_dict
        archive.refresh_from_db()
        assert archive.status == ArchiveStatus.COLLECTING

    def test_accepted_with_a_reason_the_reviewer_sees(self, closed_archive, fill, firm):
        archive = closed_archive()
        fill(archive, skip=(MaterialType.RISK_NOTICE,))
        archive = archive_submit(
            actor=firm["staff"],
            archive=archive,
            missing_reasons={"risk_notice": "客户拒绝签署，已录音告知"},
        )
        assert archive.status == ArchiveStatus.SUBMITTED
        assert archive.missing_reasons["risk_notice"]["reason"] == (
            "客户拒绝签署，已录音告知"
        )

    def test_late_submission_marks_collection_late(self, closed_archive, fill, firm):
        archive = closed_archive(end=dt.date(2025, 1, 6))
        fill(archive)
        archive = archive_submit(actor=firm["staff"], archive=archive)
        assert archive.collection_late

    def test_outsider_cannot_submit(self, closed_archive, fill, firm):
        archive = closed_archive()
        fill(archive)
        with pytest.raises(PermissionDenied):
            archive_submit(actor=firm["client_service"], archive=archive)


class TestReview:
    def submitted(self, closed_archive, fill, firm, by="staff"):
        archive = closed_archive()
        fill(archive)
        return archive_submit(actor=firm[by], archive=archive)

    def test_self_review_refused(self, closed_archive, fill, firm):
        archive = self.submitted(closed_archive, fill, firm, by="archivist")
        with pytest.raises(PermissionDenied):
            archive_review(
                actor=firm["archivist"],
                archive=archive,
                approve=True,
                checklist=ALL_YES,
            )

    def test_supervising_lawyer_approves_and_signs(self, closed_archive, fill, firm):
        archive = self.submitted(closed_archive, fill, firm)
        archive = archive_review(
            actor=firm["senior"], archive=archive, approve=True, checklist=ALL_YES
        )
        assert archive.status == ArchiveStatus.APPROVED
        assert archive.reviewed_by == firm["senior"]
        assert archive.reviewed_at is not None

    def test_other_lawyer_may_not_review(self, closed_archive, fill, firm):
        archive = self.submitted(closed_archive, fill, firm)
        with pytest.raises(PermissionDenied):
            archive_review(
                actor=firm["partner"], archive=archive, approve=True, checklist=ALL_YES
            )

    def test_approval_needs_every_checklist_answer(self, closed_archive, fill, firm):
        archive = self.submitted(closed_archive, fill, firm)
        with pytest.raises(ValidationError) as exc:
            archive_review(
                actor=firm["archivist"],
                archive=archive,
                approve=True,
                checklist={**ALL_YES, "a4": False},
            )
        assert "checklist.a4" in exc.value.message_dict

    def test_return_needs_reasons_and_allows_resubmission(
        self, closed_archive, fill, firm
    ):
        archive = self.submitted(closed_archive, fill, firm)
        with pytest.raises(ValidationError):
            archive_review(actor=firm["archivist"], archive=archive, approve=False)
        archive = archive_review(
            actor=firm["archivist"], archive=archive, approve=False, reasons="盖章缺失"
        )
        assert archive.status == ArchiveStatus.RETURNED
        assert ArchiveAlert.objects.filter(recipient=firm["staff"], kind="returned")
        archive = archive_submit(actor=firm["staff"], archive=archive)
        assert archive.status == ArchiveStatus.SUBMITTED

    def test_history_has_every_step(self, closed_archive, fill, firm):
        archive = self.submitted(closed_archive, fill, firm)
        archive_review(
            actor=firm["archivist"], archive=archive, approve=True, checklist=ALL_YES
        )
        steps = [
            e.action
            for e in ArchiveEvent.objects.filter(archive=archive).exclude(
                action="add_material"
            )
        ]
        assert steps == ["open", "submit", "approve"]


class TestFiling:
    def approved(self, closed_archive, fill, firm, **kwargs):
        archive = closed_archive(**kwargs)
        fill(archive)
        archive = archive_submit(actor=firm["staff"], archive=archive)
        return archive_review(
            actor=firm["archivist"], archive=archive, approve=True, checklist=ALL_YES
        )

    def test_unreviewed_volume_cannot_be_filed(
        self, closed_archive, fill, firm, cabinet
    ):
        archive = closed_archive()
        fill(archive)
        archive = archive_submit(actor=firm["staff"], archive=archive)
        with pytest.raises(InvalidTransition):
            archive_file(
                actor=firm["archivist"],
                archive=archive,
                cabinet=cabinet(),
                shelf=1,
                box=1,
            )

    def test_wrong_class_cabinet_refused(self, closed_archive, fill, firm, cabinet):
        archive = self.approved(closed_archive, fill, firm)
        wrong = cabinet("FS-P-01", archive_class="non_litigation")
        with pytest.raises(ValidationError) as exc:
            archive_file(
                actor=firm["archivist"], archive=archive, cabinet=wrong, shelf=1, box=1
            )
        assert "cabinet" in exc.value.message_dict

    def test_full_cabinet_and_bad_position_refused(
        self, closed_archive, fill, firm, cabinet
    ):
        full = cabinet(capacity=1)
        first = self.approved(closed_archive, fill, firm)
        archive_file(
            actor=firm["archivist"], archive=first, cabinet=full, shelf=1, box=1
        )
        second = self.approved(closed_archive, fill, firm)
        with pytest.raises(ValidationError) as exc:
            archive_file(
                actor=firm["archivist"], archive=second, cabinet=full, shelf=9, box=1
            )
        assert {"cabinet", "shelf"} <= set(exc.value.message_dict)

    def test_only_archivist_files(self, closed_archive, fill, firm, cabinet):
        archive = self.approved(closed_archive, fill, firm)
        with pytest.raises(PermissionDenied):
            archive_file(
                actor=firm["senior"], archive=archive, cabinet=cabinet(), shelf=1, box=1
            )

    def test_filing_records_ledger_fields(self, closed_archive, fill, firm, cabinet):
        archive = self.approved(closed_archive, fill, firm)
        archive = archive_file(
            actor=firm["archivist"], archive=archive, cabinet=cabinet(), shelf=2, box=3
        )
        assert archive.status == ArchiveStatus.FILED
        assert archive.filed_by == firm["archivist"]
        assert (archive.shelf, archive.box) == (2, 3)
        assert archive.filed_on is not None


class TestSweep:
    def test_late_collection_flagged_once_and_lawyer_reminded(
        self, closed_archive, firm, django_capture_on_commit_callbacks
    ):
        firm["staff"].email = "staff@firm.example"
        firm["staff"].save()
        archive = closed_archive(end=dt.date(2025, 1, 6))
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert archive_sweep(today=dt.date(2025, 1, 20)) == 1
        assert mail.outbox[-1].to == ["staff@firm.example"]
        assert archive_sweep(today=dt.date(2025, 1, 21)) == 0
        archive.refresh_from_db()
        assert archive.collection_late
        assert ArchiveAlert.objects.filter(
            recipient=firm["staff"], kind="collection_late", archive=archive
        ).exists()

    def test_not_late_before_the_deadline(self, closed_archive):
        archive = closed_archive(end=dt.date(2025, 1, 6))
        assert archive_sweep(today=archive.collection_due) == 0


def test_sweep_entry_point_for_lexkeep_sweep(closed_archive):
    from lexkeep.archives.tasks import sweep_archives

    closed_archive(end=dt.date(2025, 1, 6))
    assert sweep_archives(today=dt.date(2025, 2, 3)) == {"late_flagged": 1}
