"""Pages of the archives (SPEC §7.1–§7.2): from a closed matter to a filed volume.

Thin views: parse with a form, call a selector or service, render. A volume
the user may not see is a 404; an action their role may not take a 403; an
action the volume's state does not allow (InvalidTransition) a message
saying so; a service's ValidationError goes back onto the form's fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lexkeep.accounts.models import Role, User
from lexkeep.archives import selectors
from lexkeep.archives.choices import ArchiveClass, ArchiveStatus, Category
from lexkeep.archives.documents import (
    XLSX_CONTENT_TYPE,
    catalog_pdf,
    catalog_xlsx,
    cover_pdf,
)
from lexkeep.archives.forms import (
    REVIEW_LABELS,
    ArchiveFilterForm,
    CabinetForm,
    FilingForm,
    MaterialForm,
    ReviewForm,
    SubmitForm,
    SyncDoneForm,
)
from lexkeep.archives.models import Archive, Cabinet, Material, SyncTask
from lexkeep.archives.ocr import ocr_available
from lexkeep.archives.services import (
    ARCHIVE_LIFECYCLE,
    ChecklistItem,
    archive_file,
    archive_review,
    archive_submit,
    cabinet_create,
    checklist_for,
    filing_ledger_export,
    is_archivist,
    material_add,
    material_file_read,
    material_reorder,
    may_collect,
    may_edit_checklist,
    may_review,
    missing_items,
    sync_task_complete,
)
from lexkeep.clients.views._common import (
    actor,
    area_view,
    paginate,
    query_without_page,
)
from lexkeep.core.exceptions import InvalidTransition
from lexkeep.web.areas import ARCHIVES

#: States in which the volume's completeness is still being checked.
_CHECKED_STATES = (
    ArchiveStatus.COLLECTING,
    ArchiveStatus.RETURNED,
    ArchiveStatus.SUBMITTED,
)


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted  # type: ignore[union-attr]


def desks_for(user: User) -> list[dict[str, Any]]:
    """Return the archive sub-pages ``user`` works with (the tab row)."""
    archivist = is_archivist(user)
    desks: list[dict[str, Any]] = [
        {"key": "list", "label": _("All archives"), "url": "archives:list"}
    ]
    if user.has_role(Role.LAWYER, Role.ASSISTANT, Role.PARTNER) or archivist:
        desks.append(
            {"key": "mine", "label": _("My collection"), "url": "archives:mine"}
        )
    if archivist or user.has_role(Role.LAWYER, Role.PARTNER):
        desks.append(
            {"key": "review", "label": _("Review queue"), "url": "archives:review"}
        )
    if archivist:
        desks.append({"key": "desk", "label": _("Filing desk"), "url": "archives:desk"})
    desks.append(
        {"key": "ledger", "label": _("Filing ledger"), "url": "archives:ledger"}
    )
    desks.append(
        {"key": "cabinets", "label": _("Cabinet map"), "url": "archives:cabinets"}
    )
    if archivist:
        desks.append(
            {"key": "sync", "label": _("Copy sync tasks"), "url": "archives:sync"}
        )
    if archivist or user.has_role(Role.DIRECTOR):
        desks.append(
            {"key": "fixity", "label": _("Fixity checks"), "url": "archives:fixity"}
        )
    if may_edit_checklist(user):
        desks.append(
            {
                "key": "checklist",
                "label": _("Required materials"),
                "url": "archives:checklist",
            }
        )
    desks.append(
        {
            "key": "alerts",
            "label": _("Alerts"),
            "url": "archives:alerts",
            "badge": selectors.alert_unread_count(actor=user),
        }
    )
    return desks


def desk_page(
    request: HttpRequest, template: str, desk: str, context: dict[str, Any], **kw: Any
) -> HttpResponse:
    context = {
        "desks": desks_for(actor(request)),
        "desk": desk,
        "today": timezone.localdate(),
        **context,
    }
    return render(request, template, context, **kw)


# ---------------------------------------------------------------- lists


@area_view(ARCHIVES)
def archive_list(request: HttpRequest) -> HttpResponse:
    """List the archives the user may see, filtered and searched, 25 a page.

    htmx requests (filter changes) get only the results; the same URL
    without JavaScript returns the whole page.
    """
    user = actor(request)
    form = ArchiveFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    lawyer = filters.get("lawyer")
    cabinet = filters.get("cabinet")
    archives = selectors.archive_list(
        actor=user,
        archive_class=filters.get("archive_class") or "",
        tier=filters.get("tier") or "",
        status=filters.get("status") or "",
        year=filters.get("year") or None,
        lawyer=lawyer.pk if lawyer else None,
        cabinet=cabinet.pk if cabinet else None,
        q=filters.get("q") or "",
    )
    context = {
        "form": form,
        "page": paginate(request, archives),
        "filtered": any(v for v in filters.values() if v not in (None, "")),
        "q": filters.get("q") or "",
        "query": query_without_page(request),
        "ocr_enabled": ocr_available(),
    }
    if _is_htmx(request):
        return render(request, "archives/_archive_results.html", context)
    return desk_page(request, "archives/list.html", "list", context)


@area_view(ARCHIVES)
def archive_lookup(request: HttpRequest) -> HttpResponse:
    """Open a volume by its number, typed or scanned from the cover's code."""
    number = (request.GET.get("number") or "").strip()
    if not number:
        return redirect("archives:list")
    try:
        archive = selectors.archive_lookup(actor=actor(request), number=number)
    except Archive.DoesNotExist:
        messages.error(
            request,
            _("No archive numbered “%(number)s” that you may see.")
            % {"number": number},
        )
        return redirect(f"{reverse('archives:list')}?q={number}")
    return redirect(archive)


@area_view(ARCHIVES)
def collection(request: HttpRequest) -> HttpResponse:
    """The lawyer's volumes to collect or correct, deadline first (SPEC §7.1)."""
    user = actor(request)
    volumes = list(selectors.collection_list(actor=user))
    today = timezone.localdate()
    late = [a for a in volumes if a.collection_late or a.collection_due < today]
    return desk_page(
        request,
        "archives/collection.html",
        "mine",
        {
            "volumes": volumes,
            "late_count": len(late),
            "returned_count": sum(
                1 for a in volumes if a.status == ArchiveStatus.RETURNED
            ),
        },
    )


@area_view(ARCHIVES)
def review_queue(request: HttpRequest) -> HttpResponse:
    """The submitted volumes the user may review (never their own)."""
    volumes = selectors.review_queue(actor=actor(request))
    return desk_page(
        request, "archives/review_queue.html", "review", {"volumes": volumes}
    )


def _require_archivist(user: User) -> None:
    if not is_archivist(user):
        raise PermissionDenied(_("Only the archivist works here."))


@area_view(ARCHIVES)
def filing_ledger(request: HttpRequest) -> HttpResponse:
    """The filing ledger 《档案归档台账》, filtered; ``?format=xlsx`` for Excel."""
    user = actor(request)
    form = ArchiveFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    lawyer = filters.get("lawyer")
    rows = selectors.filing_ledger(
        actor=user,
        archive_class=filters.get("archive_class") or "",
        tier=filters.get("tier") or "",
        year=filters.get("year") or None,
        lawyer=lawyer.pk if lawyer else None,
        q=filters.get("q") or "",
    ).select_related("client", "handling_lawyer", "cabinet")
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            filing_ledger_export(actor=user, rows=rows),
            content_type=(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
        )
        response["Content-Disposition"] = 'attachment; filename="filing-ledger.xlsx"'
        return response
    context = {
        "form": form,
        "page": paginate(request, rows),
        "query": query_without_page(request),
    }
    return desk_page(request, "archives/ledger.html", "ledger", context)


@area_view(ARCHIVES)
def filing_desk(request: HttpRequest) -> HttpResponse:
    """The archivist's desk: approved volumes waiting for a cabinet."""
    user = actor(request)
    _require_archivist(user)
    volumes = list(selectors.filing_desk(actor=user))
    return desk_page(request, "archives/filing_desk.html", "desk", {"volumes": volumes})


def _cabinet_groups() -> list[dict[str, Any]]:
    cabinets = list(selectors.cabinet_list())
    groups = []
    for value, label in ArchiveClass.choices:
        items = [c for c in cabinets if c.archive_class == value]
        for c in items:
            filed: int = c.filed  # type: ignore[attr-defined]
            percent = round(100 * filed / c.capacity) if c.capacity else 100
            c.fill_percent = min(100, percent)  # type: ignore[attr-defined]
        groups.append(
            {
                "value": value,
                "label": label,
                "cabinets": items,
                "filed": sum(c.filed for c in items),  # type: ignore[attr-defined]
                "capacity": sum(c.capacity for c in items),
            }
        )
    return groups


def _may_manage_cabinets(user: User) -> bool:
    return is_archivist(user) or user.has_role(Role.DIRECTOR)


@area_view(ARCHIVES)
def cabinet_map(request: HttpRequest) -> HttpResponse:
    """Cabinets grouped by archive class, labelled by tier, with fill level."""
    user = actor(request)
    form = None
    status = 200
    if _may_manage_cabinets(user):
        form = CabinetForm(request.POST or None)
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    cabinet = cabinet_create(actor=user, **form.cleaned_data)
                except ValidationError as exc:
                    form.add_service_errors(exc)
                else:
                    messages.success(
                        request,
                        _("Cabinet %(code)s has been created.")
                        % {"code": cabinet.code},
                    )
                    return redirect("archives:cabinets")
    elif request.method == "POST":
        raise PermissionDenied(
            _("Only the archivist or the director manages cabinets.")
        )
    return desk_page(
        request,
        "archives/cabinets.html",
        "cabinets",
        {"groups": _cabinet_groups(), "form": form},
        status=status,
    )


@area_view(ARCHIVES)
def sync_tasks(request: HttpRequest) -> HttpResponse:
    """Open tasks to bring the paper and electronic copies in step (SPEC §7.2)."""
    user = actor(request)
    _require_archivist(user)
    tasks = list(selectors.sync_task_list(actor=user))
    return desk_page(
        request,
        "archives/sync_tasks.html",
        "sync",
        {"tasks": tasks, "form": SyncDoneForm()},
    )


@area_view(ARCHIVES)
@require_POST
def sync_task_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one copy-sync task done."""
    user = actor(request)
    try:
        task = selectors.sync_task_list(actor=user, open_only=False).get(pk=pk)
    except SyncTask.DoesNotExist:
        raise Http404 from None
    form = SyncDoneForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        sync_task_complete(actor=user, task=task, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The copies are in step again."))
    return redirect("archives:sync")


@area_view(ARCHIVES)
def fixity(request: HttpRequest) -> HttpResponse:
    """Kept fixity runs and the user's unread archive alerts (SPEC §7.3)."""
    user = actor(request)
    if not (is_archivist(user) or user.has_role(Role.DIRECTOR)):
        raise PermissionDenied(_("Only the archivist and the director see this."))
    runs = list(selectors.fixity_run_list()[:20])
    alerts = list(selectors.alert_list(actor=user)[:50])
    return desk_page(
        request,
        "archives/fixity.html",
        "fixity",
        {"runs": runs, "alerts": alerts},
    )


# ---------------------------------------------------------------- a volume


def get_archive(request: HttpRequest, pk: int) -> Archive:
    """Return volume ``pk`` if the user may see it; otherwise 404."""
    try:
        return selectors.archive_get(actor=actor(request), pk=pk)
    except Archive.DoesNotExist:
        raise Http404(_("No such archive.")) from None


def _deadline(archive: Archive, today: dt.date) -> dict[str, Any]:
    """Return how the collection deadline stands, for the header badge."""
    open_ = archive.status in (ArchiveStatus.COLLECTING, ArchiveStatus.RETURNED)
    late = archive.collection_late or (open_ and archive.collection_due < today)
    return {
        "late": late,
        "open": open_,
        "days_left": (archive.collection_due - today).days,
    }


def render_volume(
    request: HttpRequest,
    archive: Archive,
    *,
    status: int = 200,
    forms: dict[str, Any] | None = None,
) -> HttpResponse:
    """Render a volume's page: header, materials, checklist, forms, history."""
    user = actor(request)
    forms = forms or {}
    today = timezone.localdate()
    allowed = ARCHIVE_LIFECYCLE.allowed_actions(archive.status)
    groups = selectors.categories_with_materials(archive)
    materials = [m for _c, _l, items in groups for m in items]
    page = 1
    for sequence, material in enumerate(materials, start=1):
        # The catalog's numbering (SPEC §7.1), derived like ``catalog_rows``.
        material.seq = sequence  # type: ignore[attr-defined]
        material.first_page = page  # type: ignore[attr-defined]
        material.last_page = page + material.page_count - 1  # type: ignore[attr-defined]
        page += material.page_count
    collector = may_collect(user, archive)
    filed = archive.status == ArchiveStatus.FILED
    archivist = is_archivist(user)
    may_add = "add_material" in allowed and (archivist if filed else collector)
    checklist = _checklist(archive, materials)
    missing = [i for i, present in checklist if not present]
    if archive.status not in _CHECKED_STATES:
        missing = []
    events = list(archive.events.select_related("actor").order_by("-at", "-id"))
    context: dict[str, Any] = {
        "archive": archive,
        "matter": archive.matter,
        "groups": groups,
        "material_count": len(materials),
        "total_pages": sum(m.page_count for m in materials),
        "missing": missing,
        "checklist": [
            {
                "label": _(item.label),
                "present": present,
                "reason": (archive.missing_reasons.get(item.key) or {}).get("reason"),
            }
            for item, present in checklist
        ],
        "events": events,
        "deadline": _deadline(archive, today),
        "may_add": may_add,
        "may_reorder": collector and "reorder" in allowed,
        "may_submit": collector and "submit" in allowed,
        "may_review": archive.status == ArchiveStatus.SUBMITTED
        and may_review(user, archive),
        "is_submitter": archive.submitted_by_id == user.pk,
        "may_file": archivist and "file" in allowed,
        "ocr_enabled": ocr_available(),
        "review_labels": _review_answers(archive),
    }
    if may_add:
        context["material_form"] = forms.get("material") or MaterialForm(
            initial={"material_date": today}
        )
    if context["may_submit"]:
        context["submit_form"] = forms.get("submit") or SubmitForm(missing=missing)
    if context["may_review"]:
        context["review_form"] = forms.get("review") or ReviewForm()
    if context["may_file"]:
        cabinets = _cabinets_for(archive)
        context["cabinets"] = cabinets
        context["filing_form"] = forms.get("filing") or FilingForm(
            cabinets=cabinets, initial={"shelf": 1, "box": 1}
        )
    return desk_page(request, "archives/detail.html", "", context, status=status)


def _checklist(
    archive: Archive, materials: list[Material]
) -> list[tuple[ChecklistItem, bool]]:
    """Return each required item of the volume's domain and whether it is there.

    The same rule as ``missing_items``, over the materials already loaded.
    """
    present = {m.material_type for m in materials}
    return [
        (item, bool(present.intersection(item.material_types)))
        for item in checklist_for(archive.matter.domain)
    ]


def _review_answers(archive: Archive) -> list[tuple[str, bool]]:
    answers = archive.review_checklist or {}
    return [
        (str(label), bool(answers.get(key))) for key, label in REVIEW_LABELS.items()
    ]


def _cabinets_for(archive: Archive) -> QuerySet[Cabinet]:
    """Return the cabinets a volume may go to: its class, its client's tier."""
    return (
        Cabinet.objects.filter(
            archive_class=archive.archive_class, tier=archive.client.tier
        )
        .annotate(filed=Count("archives"))
        .order_by("code")
    )


@area_view(ARCHIVES)
def archive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one volume."""
    return render_volume(request, get_archive(request, pk))


_ACTION_LABELS = {
    "add_material": _("add materials"),
    "reorder": _("reorder materials"),
    "submit": _("be submitted"),
    "approve": _("be approved"),
    "return": _("be returned"),
    "file": _("be filed"),
}


def _transition_message(archive: Archive, exc: InvalidTransition) -> str:
    return _(
        "This volume is “%(state)s” and cannot %(action)s now. The page shows "
        "its current state."
    ) % {
        "state": ArchiveStatus(exc.current).label
        if exc.current in ArchiveStatus.values
        else exc.current,
        "action": _(str(_ACTION_LABELS.get(exc.action, exc.action))),
    }


def _volume_action(
    request: HttpRequest,
    pk: int,
    key: str,
    make_form: Callable[[Archive], Any],
    call: Callable[[Archive, Any], Any],
    success: str,
) -> HttpResponse:
    """Run ``call(archive, form)`` if the form is valid; show errors if not."""
    archive = get_archive(request, pk)
    form = make_form(archive)
    if form.is_valid():
        try:
            call(archive, form)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except InvalidTransition as exc:
            messages.error(request, _transition_message(archive, exc))
            return redirect(archive)
        else:
            messages.success(request, success)
            return redirect(archive)
    return render_volume(
        request, get_archive(request, pk), status=400, forms={key: form}
    )


@area_view(ARCHIVES)
@require_POST
def material_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a material, with its scan if one is attached."""

    def call(archive: Archive, form: MaterialForm) -> Material:
        data = form.cleaned_data
        upload = data.get("file")
        return material_add(
            actor=actor(request),
            archive=archive,
            category=data["category"],
            material_type=data["material_type"],
            title=data["title"],
            page_count=data.get("page_count"),
            material_date=data.get("material_date"),
            remarks=data.get("remarks") or "",
            upload=upload,
            file_name=upload.name if upload else "",
        )

    archive = get_archive(request, pk)
    filed = archive.status == ArchiveStatus.FILED
    user = actor(request)
    if not (is_archivist(user) if filed else may_collect(user, archive)):
        # The service checks fields first; refuse before showing field errors.
        raise PermissionDenied(_("You may not add materials to this archive."))
    return _volume_action(
        request,
        pk,
        "material",
        lambda a: MaterialForm(request.POST, request.FILES),
        call,
        _("The material has been added."),
    )


@area_view(ARCHIVES)
@require_POST
def material_move(request: HttpRequest, pk: int, material_pk: int) -> HttpResponse:
    """Move a material one place up or down inside its category (SPEC §7.1)."""
    archive = get_archive(request, pk)
    try:
        material = archive.materials.get(pk=material_pk)
    except Material.DoesNotExist:
        raise Http404 from None
    order = list(
        selectors.material_list(archive=archive)
        .filter(category=material.category)
        .values_list("pk", flat=True)
    )
    index = order.index(material.pk)
    step = -1 if request.POST.get("direction") == "up" else 1
    target = index + step
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        try:
            material_reorder(
                actor=actor(request),
                archive=archive,
                category=material.category,
                order=order,
            )
        except InvalidTransition as exc:
            messages.error(request, _transition_message(archive, exc))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("“%(title)s” has moved within “%(category)s”.")
                % {
                    "title": material.title,
                    "category": Category(material.category).label,
                },
            )
    return redirect(f"{archive.get_absolute_url()}#cat-{material.category}")


@area_view(ARCHIVES)
@require_POST
def archive_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit the volume for review, with reasons for missing items."""
    return _volume_action(
        request,
        pk,
        "submit",
        lambda a: SubmitForm(request.POST, missing=missing_items(a)),
        lambda a, f: archive_submit(
            actor=actor(request), archive=a, missing_reasons=f.reasons()
        ),
        _("The volume has been submitted for review."),
    )


@area_view(ARCHIVES)
@require_POST
def archive_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve (sign the catalog) or return the volume with reasons."""
    approve = request.POST.get("decision") == "approve"
    return _volume_action(
        request,
        pk,
        "review",
        lambda a: ReviewForm(request.POST),
        lambda a, f: archive_review(
            actor=actor(request),
            archive=a,
            approve=f.cleaned_data["decision"] == "approve",
            checklist=f.checklist(),
            reasons=f.cleaned_data.get("reasons") or "",
        ),
        _("The volume has been approved and the catalog signed.")
        if approve
        else _("The volume has been returned for correction."),
    )


@area_view(ARCHIVES)
@require_POST
def archive_file_view(request: HttpRequest, pk: int) -> HttpResponse:
    """File the approved volume in a cabinet, shelf and box."""
    return _volume_action(
        request,
        pk,
        "filing",
        lambda a: FilingForm(request.POST, cabinets=_cabinets_for(a)),
        lambda a, f: archive_file(
            actor=actor(request),
            archive=a,
            cabinet=f.cleaned_data["cabinet"],
            shelf=f.cleaned_data["shelf"],
            box=f.cleaned_data["box"],
        ),
        _("The volume has been filed."),
    )


# ---------------------------------------------------------------- documents


def _document(data: bytes, content_type: str, name: str, inline: bool) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@area_view(ARCHIVES)
def cover_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The volume cover as PDF (number, client, business type, lawyer, code)."""
    archive = get_archive(request, pk)
    return _document(
        cover_pdf(archive),
        "application/pdf",
        f"{archive.archive_number}-cover.pdf",
        inline=True,
    )


@area_view(ARCHIVES)
def catalog_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The catalog 《档案目录》 as PDF or Excel, generated from the materials."""
    archive = get_archive(request, pk)
    if fmt == "xlsx":
        return _document(
            catalog_xlsx(archive),
            XLSX_CONTENT_TYPE,
            f"{archive.archive_number}-catalog.xlsx",
            inline=False,
        )
    return _document(
        catalog_pdf(archive),
        "application/pdf",
        f"{archive.archive_number}-catalog.pdf",
        inline=True,
    )


@area_view(ARCHIVES)
def material_file(request: HttpRequest, pk: int, material_pk: int) -> HttpResponse:
    """View (inline) or download a material's scan; the service logs it."""
    archive = get_archive(request, pk)
    try:
        material = archive.materials.select_related("archive").get(pk=material_pk)
    except Material.DoesNotExist:
        raise Http404 from None
    if not material.has_file:
        raise Http404(_("This material has no electronic copy."))
    download = request.GET.get("download") == "1"
    data = material_file_read(
        actor=actor(request), material=material, download=download, request=request
    )
    extension = (
        material.file_name.rsplit(".", 1)[-1] if "." in material.file_name else ""
    )
    name = f"{archive.archive_number}-{material.pk}.{extension}".rstrip(".")
    return _document(data, material.content_type, name, inline=not download)
