"""Report drafts: the list, asking for one (a form per kind), its progress, download, preview, regeneration.

Secretariat and State administrators only (``reporting.draft_reports``). A draft is looked up
before the permission check, so another State's draft is 404 to everyone.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from followup.views.common import ObjectMixin
from recommendations.models import Mechanism
from reporting.documents.mechanism import compact_headers, report_words
from reporting.drafts import (
    content_type_of,
    describe_parameters,
    draft_regenerate,
    draft_start,
    mechanism_report_of,
)
from reporting.forms_drafts import FORMS
from reporting.models import ReportDraft, ReportingObligation
from tenants.views.mixins import StatePermissionMixin

PERMISSION = "reporting.draft_reports"
PREVIEW_PAGE = 200


class DraftListView(StatePermissionMixin, ListView):
    """Every draft: who asked, when, with which parameters, its status, download and regeneration."""

    permission_required = PERMISSION
    template_name = "reporting/drafts/list.html"
    context_object_name = "drafts"
    paginate_by = 50

    def get_queryset(self):
        return ReportDraft.objects.select_related("created_by", "obligation").order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        drafts = list(context["drafts"])
        described = describe_parameters(drafts)
        context.update(rows=[(draft, described[draft.pk]) for draft in drafts], kinds=ReportDraft.Kind.choices)
        return context


class DraftCreateView(StatePermissionMixin, FormView):
    permission_required = PERMISSION
    template_name = "reporting/drafts/form.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in FORMS:
            raise Http404
        self.kind = kwargs["kind"]
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return FORMS[self.kind]

    def get_initial(self):
        initial = super().get_initial()
        # From the calendar: the obligation a mechanism report prepares, and its mechanism.
        obligation = self.request.GET.get("obligation", "")
        if obligation.isdigit() and self.kind == ReportDraft.Kind.MECHANISM_REPORT:
            found = ReportingObligation.objects.filter(pk=int(obligation)).first()
            if found is not None:
                initial.update(obligation_choice=found.pk, mechanism=found.mechanism_id)
        mechanism = self.request.GET.get("mechanism", "")
        if mechanism.isdigit():
            initial["mechanism"] = int(mechanism)
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(kind_label=ReportDraft.Kind(self.kind).label, **kwargs)

    def form_valid(self, form):
        draft = draft_start(
            state=self.request.state,
            user=self.request.user,
            kind=self.kind,
            parameters=form.parameters(),
            language=form.cleaned_data["language"],
            title=form.cleaned_data.get("title", ""),
            obligation=form.obligation(),
        )
        return redirect("workspace:draft-detail", state_slug=self.request.state.slug, pk=draft.pk)


class DraftObjectMixin(ObjectMixin):
    """The draft first: another State's is a 404 to everyone, before any permission answer."""

    lookup_model = ReportDraft
    lookup_related = ("created_by", "obligation")

    @property
    def draft(self) -> ReportDraft:
        return self.object


class DraftDetailView(DraftObjectMixin, StatePermissionMixin, TemplateView):
    """The draft's parameters and its progress (polled by htmx while the job runs), then its download."""

    permission_required = PERMISSION

    def get_template_names(self):
        if self.request.htmx:
            return ["reporting/drafts/detail.html#draft-status"]
        return ["reporting/drafts/detail.html"]

    def get_context_data(self, **kwargs):
        draft = self.draft
        percentage = None
        if draft.progress_total:
            percentage = min(100, round(100 * draft.progress_done / draft.progress_total))
        return super().get_context_data(
            draft=draft,
            parameters=describe_parameters([draft])[draft.pk],
            percentage=percentage,
            running=draft.status in {ReportDraft.Status.PENDING, ReportDraft.Status.RUNNING},
            **kwargs,
        )


class DraftDownloadView(DraftObjectMixin, StatePermissionMixin, View):
    permission_required = PERMISSION

    def get(self, request, *args, **kwargs):
        draft = self.draft
        if draft.status != ReportDraft.Status.SUCCEEDED or not draft.file:
            raise Http404
        try:
            handle = draft.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle, as_attachment=True, filename=draft.filename, content_type=content_type_of(draft.filename)
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class DraftPreviewView(DraftObjectMixin, StatePermissionMixin, TemplateView):
    """A mechanism report as a web page, read from the database now with the draft's parameters
    (the Word file is what the job wrote then), with its length against the mechanism's limit.
    Long reports come a few sections at a time (about ``PREVIEW_PAGE`` entries a page)."""

    permission_required = PERMISSION
    template_name = "reporting/drafts/preview.html"

    def get_context_data(self, **kwargs):
        draft = self.draft
        if draft.kind != ReportDraft.Kind.MECHANISM_REPORT:
            raise Http404
        with translation.override(draft.language):
            try:
                report = mechanism_report_of(state=self.request.state, draft=draft)
            except Mechanism.DoesNotExist:
                raise Http404 from None
            report.words = report_words(report)
            page = Paginator(preview_pages(report.sections, PREVIEW_PAGE), 1).get_page(self.request.GET.get("page"))
            bidi = translation.get_language_bidi()
        # The page around it stays in the person's language; the report is in the draft's
        # (the template's {% language %} block).
        return super().get_context_data(
            draft=draft,
            report=report,
            page_obj=page,
            sections=page.object_list[0] if page.object_list else [],
            headers=compact_headers(report),
            overview=[
                (section, words)
                for section, (_heading, words) in zip(report.sections, report.words.sections, strict=True)
            ],
            report_dir="rtl" if bidi else "ltr",
            **kwargs,
        )


def preview_pages(sections: list, size: int) -> list[list]:
    """Whole sections per page, about ``size`` entries a page (a larger section alone)."""
    pages: list[list] = [[]]
    filled = 0
    for section in sections:
        if pages[-1] and filled + len(section.entries) > size:
            pages.append([])
            filled = 0
        pages[-1].append(section)
        filled += len(section.entries)
    return pages


class DraftRegenerateView(DraftObjectMixin, StatePermissionMixin, View):
    """A new draft with the same parameters (POST); the old one is kept."""

    permission_required = PERMISSION
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        draft = draft_regenerate(draft=self.draft, user=request.user)
        messages.success(
            request, _("A new draft is being assembled with the same parameters; the earlier one is kept.")
        )
        return redirect("workspace:draft-detail", state_slug=request.state.slug, pk=draft.pk)
