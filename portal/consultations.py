"""The public side of consultations: the list, a consultation's page, and the form that sends information.

The search pages are cached for visitors without a session and carry no form that needs a CSRF
token (portal.cache); these pages are never cached. The form is a page of its own: it carries a
CSRF token, is sent with ``Cache-Control: no-store`` (no browser or proxy keeps it), and works
without JavaScript. Spam is held back without following the visitor: a trap field robots fill,
the submissions a client address may post per hour (``NRTD_RATE_LIMITS["submit"]``) and the most
it may send to one consultation (``NRTD_CONSULTATION_MAX_PER_ADDRESS``), both counted in the
cache by client address (nrtd.ratelimit), never stored with what was sent.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from consultation.files import EvidenceRefused
from consultation.forms import SubmissionForm
from consultation.queries import consultation_recommendations, consultations_public
from consultation.submissions import SubmissionRefused, submission_add
from nrtd.ratelimit import over_limit, quota_add, quota_used, too_many_requests
from portal import pages, search
from portal.views import PortalMixin


def _choices(consultation, language: str) -> list:
    """The consultation's published recommendations, each with its text in the visitor's language."""
    rows = []
    for recommendation in consultation_recommendations(consultation):
        text, text_language, _translated = search.text_in(recommendation, language)
        recommendation.portal_text = text
        recommendation.portal_text_language = text_language
        rows.append(recommendation)
    return rows


class ConsultationListView(PortalMixin, TemplateView):
    template_name = "portal/consultation_list.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        consultations = list(consultations_public(today))
        return super().get_context_data(
            open=[c for c in consultations if c.is_open(today)],
            past=[c for c in consultations if not c.is_open(today)],
            **kwargs,
        )


class ConsultationMixin(PortalMixin):
    def dispatch(self, request, *args, **kwargs):
        # One that has not opened yet is not there for the public.
        self.consultation = get_object_or_404(consultations_public(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(consultation=self.consultation, is_open=self.consultation.is_open(), **kwargs)


class ConsultationDetailView(ConsultationMixin, TemplateView):
    template_name = "portal/consultation_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            recommendations=_choices(self.consultation, self.request.LANGUAGE_CODE),
            language_name=pages.language_name,
            **kwargs,
        )


def _quota_name(consultation) -> str:
    return f"consultation-{consultation.pk}"


def _quota_seconds(consultation) -> int:
    """Until a day after the consultation closes: the count is of no use afterwards."""
    end = timezone.make_aware(datetime.datetime.combine(consultation.closes_on, datetime.time.max))
    return max(int((end - timezone.now()).total_seconds()) + 86_400, 60)


@method_decorator(never_cache, name="dispatch")
class SubmissionView(ConsultationMixin, TemplateView):
    """The form that sends information on one or more of a consultation's recommendations."""

    template_name = "portal/consultation_submit.html"

    def form(self, data=None, files=None):
        self.recommendations = _choices(self.consultation, self.request.LANGUAGE_CODE)
        initial = {}
        chosen = self.request.GET.get("recommendation", "")
        if chosen.isdigit():
            initial["recommendations"] = [chosen]
        return SubmissionForm(
            data,
            files,
            recommendations=self.recommendations,
            anonymous=self.request.state.consultation_anonymous,
            initial=initial,
        )

    def get_context_data(self, **kwargs):
        form = kwargs.get("form")
        chosen = [str(value) for value in (form["recommendations"].value() or [])] if form else []
        return super().get_context_data(recommendations=getattr(self, "recommendations", []), chosen=chosen, **kwargs)

    def get(self, request, *args, **kwargs):
        form = self.form() if self.consultation.is_open() else None
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        retry_after = over_limit(request, "submit")
        if retry_after:
            return too_many_requests(request, retry_after)
        consultation = self.consultation
        if not consultation.is_open():
            return self.render_to_response(self.get_context_data(form=None), status=400)
        form = self.form(request.POST, request.FILES)
        if form.is_trapped:
            # A robot: thanked like anyone, and nothing is kept.
            return self.render_to_response(self.get_context_data(sent=True))
        if form.is_valid():
            cap = settings.NRTD_CONSULTATION_MAX_PER_ADDRESS
            if cap and quota_used(request, _quota_name(consultation)) >= cap:
                form.add_error(
                    None,
                    _(
                        "This consultation has received as much information from your connection as it takes "
                        "from one (%(count)d submissions). Write to the secretariat if you have more to send."
                    )
                    % {"count": cap},
                )
                return self.render_to_response(self.get_context_data(form=form), status=429)
            data = form.cleaned_data
            try:
                submission_add(
                    consultation=consultation,
                    recommendation_ids=[int(pk) for pk in data["recommendations"]],
                    kind=data["kind"],
                    organisation=data["organisation"],
                    contact=data["contact"],
                    text=data["text"],
                    publish_name=data["publish_name"],
                    upload=data.get("file"),
                )
            except (SubmissionRefused, EvidenceRefused) as refusal:
                form.add_error(None, str(refusal))
            else:
                quota_add(request, _quota_name(consultation), _quota_seconds(consultation))
                return self.render_to_response(self.get_context_data(sent=True))
        return self.render_to_response(self.get_context_data(form=form))
