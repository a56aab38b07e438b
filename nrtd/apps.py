from django.apps import AppConfig


class NrtdConfig(AppConfig):
    name = "nrtd"
    verbose_name = "NRTD"
