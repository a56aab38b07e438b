"""Reporting calendar, report drafts and dashboards (to come: issue #7)."""
