"""What the follow-up views share: looking the object up first, and edits that may meet a conflict."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.views.generic import FormView

from followup.plans import StaleEdit, versioned_save
from tenants.views.mixins import StatePermissionMixin


class ObjectMixin:
    """Look the object up before any permission check: another State's object is 404 to everyone."""

    lookup_model = None
    lookup_related: tuple[str, ...] = ()

    def lookup_queryset(self):
        return self.lookup_model.objects.select_related(*self.lookup_related)

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(self.lookup_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


def conflict_form(form, current, **kwargs):
    """The person's input again, bound to what is saved now (``current``) and to its version, so
    that saving once more replaces it deliberately. A copy is bound: validating a form writes the
    person's values onto its instance, and ``current`` is shown beside it as it is saved."""
    data = form.data.copy()
    data["version"] = current.version
    retry = type(form)(data, instance=copy.copy(current), **kwargs)
    retry.is_valid()
    return retry


class VersionedFormView(StatePermissionMixin, FormView):
    """Create or edit a row that carries a version: a save over someone else's newer save is refused,
    the person's input is shown again beside what is saved now, and saving again replaces it."""

    instance = None

    def new_instance(self):
        raise NotImplementedError

    def get_instance(self):
        return self.instance if self.instance is not None else self.new_instance()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_instance()}

    def values(self, form) -> dict:
        return {name: form.cleaned_data[name] for name in form._meta.fields if name in form.cleaned_data}

    def saved(self, obj):
        raise NotImplementedError

    def form_valid(self, form):
        instance = self.get_instance()
        try:
            obj = versioned_save(instance, version=form.cleaned_data.get("version"), values=self.values(form))
        except StaleEdit as conflict:
            messages.error(self.request, str(conflict))
            retry = conflict_form(form, conflict.current)
            return self.render_to_response(self.get_context_data(form=retry, conflict=conflict.current))
        return self.saved(obj)
