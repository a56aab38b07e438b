"""The public portal of a State: search with facets, a page per recommendation, statistics, exports.

Anonymous pages, for a State whose portal is on (tenants.middleware answers 404 otherwise).
``?lang=xx`` chooses the language (and keeps it in the language cookie), so that every search
has a permalink in a language and the pages carry no form that needs a CSRF token: a search
page for a visitor without a session is the same for everyone and is cached
(portal.cache).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from consultation.queries import assessment_public, consultations_open_on, submissions_public
from nrtd.charts import chart
from nrtd.ratelimit import RateLimitMixin
from portal import pages, search
from portal.cache import partial_page, set_language_cookie
from recommendations.exports import export_filename, table_csv, table_xlsx
from recommendations.models import Entity
from recommendations.queries import recommendations_published, related_published


class PortalMixin:
    """Language from ``?lang=``, and links to the same page in every language."""

    def dispatch(self, request, *args, **kwargs):
        self.chosen_language = None
        lang = request.GET.get("lang", "")
        if lang in dict(settings.LANGUAGES):
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
            self.chosen_language = lang
        response = super().dispatch(request, *args, **kwargs)
        if self.chosen_language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != lang:
            set_language_cookie(response, lang)
        return response

    def language_links(self) -> list[tuple[str, str, str, bool]]:
        """(code, name in that language, URL, current) for each interface language."""
        query = self.request.GET.copy()
        links = []
        for code, _name in settings.LANGUAGES:
            query["lang"] = code
            info = translation.get_language_info(code)
            links.append(
                (
                    code,
                    info["name_local"],
                    f"{self.request.path}?{query.urlencode()}",
                    code == self.request.LANGUAGE_CODE,
                )
            )
        return links

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["language_links"] = self.language_links()
        context["portal_language"] = self.request.LANGUAGE_CODE
        return context


class PortalHomeView(RateLimitMixin, PortalMixin, TemplateView):
    """The search page: a search box, facets with counts, results with the words found marked."""

    template_name = "portal/search.html"
    rate_scope = "search"

    def get(self, request, *args, **kwargs):
        if partial_page(request):
            self.template_name = "portal/includes/results.html"
        response = self.render_to_response(self.get_context_data())
        # The same for every visitor without a session: portal.cache keeps it.
        response.portal_cacheable = settings.SESSION_COOKIE_NAME not in request.COOKIES
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query, result = pages.search_for(
            state=self.request.state, query=self.request.GET, language=self.request.LANGUAGE_CODE
        )
        language = self.request.LANGUAGE_CODE
        page_numbers = range(max(1, query.page - 3), min(result.pages, query.page + 3) + 1)
        context.update(
            query=query,
            result=result,
            hits=pages.hits(result, language),
            facets=pages.facet_blocks(result),
            sorts=[
                ("relevance", translation.gettext("Relevance")),
                ("newest", translation.gettext("Newest first")),
                ("oldest", translation.gettext("Oldest first")),
            ],
            pages=[(number, "?" + query.querystring(page=number)) for number in page_numbers],
            previous_url="?" + query.querystring(page=query.page - 1) if query.page > 1 else "",
            next_url="?" + query.querystring(page=query.page + 1) if query.page < result.pages else "",
            permalink=f"{self.request.path}?{query.querystring()}{'&' if query.querystring() else ''}lang={language}",
            export_query=query.querystring(page=1),
            clear_url=self.request.path,
            language_name=pages.language_name,
            facet_params=search.PARAMS,
        )
        return context


class PortalRecommendationView(PortalMixin, TemplateView):
    """One published recommendation, its published progress and its responsible entities."""

    template_name = "portal/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        recommendation = get_object_or_404(recommendations_published(), pk=self.kwargs["pk"])
        language = self.request.LANGUAGE_CODE
        text, text_language, translated = search.text_in(recommendation, language)
        status, status_on = pages.portal_status(recommendation)
        context.update(
            recommendation=recommendation,
            text=text,
            text_language=text_language,
            text_language_name=pages.language_name(text_language),
            translated=translated,
            status=status,
            status_on=status_on,
            updates=pages.published_progress(recommendation),
            related=[
                (related, *search.text_in(related, language)[:2]) for related in related_published(recommendation.pk)
            ],
            supporting_entities=Entity.objects.filter(pk__in=recommendation.supporting_entity_ids),
            themes=recommendation.themes,
            sdg_targets=recommendation.sdg_targets.select_related("goal"),
            affected_groups=recommendation.affected_groups,
            back_url=self.request.GET.get("back", ""),
            # Consultation: accepted submissions only; the NHRI's assessment if the State publishes them.
            contributions=submissions_public(recommendation),
            nhri_assessment=assessment_public(recommendation, self.request.state),
            consultations=consultations_open_on(recommendation),
        )
        return context


class PortalDashboardView(PortalMixin, TemplateView):
    """How many recommendations the State has published, by mechanism and by status."""

    template_name = "portal/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stats = pages.statistics(self.request.state.pk)
        search_url = reverse("portal:home", kwargs={"state_slug": self.request.state.slug})

        def url(**params) -> str:
            return f"{search_url}?{urlencode(params)}"

        status_param = {status: status or "none" for status, _label in stats["statuses"]}
        context["total"] = stats["total"]
        context["charts"] = [
            chart(
                _("Recommendations by kind of mechanism"),
                rows=[
                    (label, count, url(kind=search.MECHANISM_KINDS[code - 1] if code else "none"))
                    for label, count, code in stats["by_kind"]
                ],
                label_heading=_("Kind of mechanism"),
            ),
            chart(
                _("Recommendations by implementation status"),
                rows=[(label, count, url(status=status_param[status])) for label, count, status in stats["by_status"]],
                label_heading=_("Implementation status"),
                description=_("The status of the latest progress published on each recommendation."),
            ),
            chart(
                _("Implementation status by mechanism"),
                rows=[
                    (
                        f"{body.code} - {body.name}",
                        [count for _status, count in counts],
                        [url(body=body.pk, status=status_param[status]) if count else None for status, count in counts],
                        url(body=body.pk),
                    )
                    for body, _total, counts in stats["by_body"]
                ],
                series=[label for _status, label in stats["statuses"]],
                label_heading=_("Mechanism"),
            ),
        ]
        return context


class PortalExportView(RateLimitMixin, PortalMixin, View):
    """The current results as CSV or Excel (up to NRTD_PORTAL_EXPORT_MAX rows), safe against formulas."""

    rate_scope = "export"

    def get(self, request, *args, **kwargs):
        kind = kwargs["format"]
        if kind not in ("csv", "xlsx"):
            raise Http404
        state = request.state
        query = search.SearchQuery.from_querydict(request.GET, request.LANGUAGE_CODE)
        ids = search.all_ids(state.pk, query, settings.NRTD_PORTAL_EXPORT_MAX)
        rows = pages.export_rows(state, ids, request.LANGUAGE_CODE, settings.SITE_URL.rstrip("/"))
        filename = export_filename(state, pages.export_filters(query), kind)
        if kind == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            table_csv(pages.export_headers(), rows, response)
        else:
            response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            table_xlsx(translation.gettext("Recommendations"), pages.export_headers(), rows, response)
        response["X-Content-Type-Options"] = "nosniff"
        return response
