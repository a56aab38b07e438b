"""Information request packs brought back: upload a filled workbook, see what it would do, apply it.

The secretariat and State administrators bring back any entity's pack; a focal point only its
own entity's (``reporting.return_pack_for``, on the entity the pack's signed reference names).
A return is looked up among those the person may open (``pack_returns_visible_to``): another
State's, or another entity's for a focal point, is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from recommendations.models import ImplementationStatus
from reporting.forms_drafts import PackReturnForm
from reporting.queries import pack_returns_visible_to
from reporting.returns import (
    ReturnRefused,
    pack_return_apply,
    pack_return_plan,
    pack_return_read,
    pack_return_record,
    place_label,
)
from tenants.views.mixins import StatePermissionMixin

PERMISSION = "reporting.return_packs"
LIST_LIMIT = 50


def action_labels() -> dict[str, str]:
    return {
        "create": _("new draft update"),
        "update": _("draft update corrected"),
        "unchanged": _("unchanged"),
        "refused": _("not used"),
    }


class PackReturnListView(StatePermissionMixin, FormView):
    """Upload a filled pack (a preview is recorded), and the packs brought back so far."""

    permission_required = PERMISSION
    template_name = "reporting/returns/list.html"
    form_class = PackReturnForm

    def get_context_data(self, **kwargs):
        returns = pack_returns_visible_to(self.request.user, self.request.state).order_by("-created_at", "-pk")
        return super().get_context_data(returns=list(returns[:LIST_LIMIT]), **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            reading = pack_return_read(state=self.request.state, fileobj=upload, filename=upload.name)
        except ReturnRefused as refusal:
            form.add_error("file", str(refusal))
            return self.form_invalid(form)
        if not self.request.user.has_perm("reporting.return_pack_for", reading.entity):
            form.add_error(
                "file",
                _("This file is the request sent to %(entity)s: you may bring back your own entity's only.")
                % {"entity": reading.entity},
            )
            return self.form_invalid(form)
        pack_return = pack_return_record(
            state=self.request.state, user=self.request.user, reading=reading, filename=upload.name
        )
        return redirect("workspace:pack-return-detail", state_slug=self.request.state.slug, pk=pack_return.pk)


class PackReturnMixin(StatePermissionMixin):
    permission_required = PERMISSION

    def dispatch(self, request, *args, **kwargs):
        self.pack_return = get_object_or_404(pack_returns_visible_to(request.user, request.state), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class PackReturnDetailView(PackReturnMixin, TemplateView):
    """Before: what applying would do, answer by answer, and every row not read with the reason.
    After: what it did, with links to the drafts."""

    template_name = "reporting/returns/detail.html"

    def get_context_data(self, **kwargs):
        pack_return = self.pack_return
        labels = action_labels()
        if pack_return.status == pack_return.Status.PREVIEW:
            steps = [
                {
                    "place": s.place,
                    "reference": s.reference,
                    "action": s.action,
                    "message": s.message,
                    "via_group": s.via_group,
                    "status": s.answer.status if s.answer else "",
                    "narrative": s.answer.narrative if s.answer else "",
                    "update": s.existing.update_id if s.existing else None,
                }
                for s in pack_return_plan(pack_return=pack_return)
            ]
        else:
            steps = pack_return.outcome
        counts = {action: sum(1 for s in steps if s["action"] == action) for action in labels}
        statuses = dict(ImplementationStatus.choices)
        for step in steps:
            step["label"] = labels[step["action"]]
            step["where"] = place_label(step["place"])
            step["status_label"] = statuses.get(step.get("status", ""), "")
        problems = [{**problem, "where": place_label(problem["place"])} for problem in pack_return.problems]
        refused = [s for s in steps if s["action"] == "refused"]
        return super().get_context_data(
            pack_return=pack_return,
            steps=[s for s in steps if s["action"] != "refused"],
            refused=refused,
            problems=problems,
            not_used=len(problems) + len(refused),
            may_see_request=self.request.user.has_perm("reporting.draft_reports", self.request.state),
            counts=counts,
            preview=pack_return.status == pack_return.Status.PREVIEW,
            **kwargs,
        )


class PackReturnApplyView(PackReturnMixin, View):
    """Make the draft updates a previewed pack says (POST); applying twice does it once."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        done = pack_return_apply(pack_return=self.pack_return, user=request.user)
        messages.success(
            request,
            ngettext(
                "%(created)s draft update created, %(updated)s corrected, %(unchanged)s unchanged.",
                "%(created)s draft updates created, %(updated)s corrected, %(unchanged)s unchanged.",
                done.created,
            )
            % {"created": done.created, "updated": done.updated, "unchanged": done.unchanged},
        )
        return redirect("workspace:pack-return-detail", state_slug=request.state.slug, pk=done.pk)
