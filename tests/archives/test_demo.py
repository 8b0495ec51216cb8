"""The demo firm has filed volumes in every class and tier, with 300 DPI scans."""

from __future__ import annotations

import itertools

import pytest

from lexkeep.archives.models import Archive, Material
from lexkeep.demo import demo_load


@pytest.mark.django_db
def test_demo_files_every_class_and_tier(monkeypatch):
    import lexkeep.demo

    monkeypatch.setattr(lexkeep.demo, "DEMO_STEPS", ("lexkeep.archives.demo",))
    demo_load()
    filed = set(
        Archive.objects.filter(status="filed").values_list(
            "archive_class", "client_tier"
        )
    )
    assert filed == set(
        itertools.product(
            ["litigation", "non_litigation", "counsel"],
            ["strategic", "key", "ordinary"],
        )
    )
    scans = Material.objects.exclude(blob_name="")
    assert scans.exists()
    assert set(scans.values_list("min_dpi", flat=True)) == {300}
    assert {"collecting", "submitted", "approved"} <= set(
        Archive.objects.values_list("status", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_demo_sends_no_email_when_it_commits(monkeypatch, mailoutbox):
    """Closing the demo's matters alerts lawyers by email after commit; the
    demo's own load must not send them."""
    import lexkeep.demo

    monkeypatch.setattr(lexkeep.demo, "DEMO_STEPS", ("lexkeep.archives.demo",))
    demo_load()
    assert Archive.objects.exists()
    assert mailoutbox == []
