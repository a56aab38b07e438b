"""The consultation's pages."""


class FiltersFormMixin:
    """A form view whose form takes the request, and whose ``filters`` field starts from the
    list's filters it was opened with (``?filters=…``: the recommendations a message or a
    consultation is about)."""

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "request": self.request}
        if self.request.method == "GET" and self.request.GET.get("filters"):
            kwargs["initial"] = {"filters": self.request.GET["filters"]}
        return kwargs
