"""Implementation plans, progress updates and data-collection rounds (to come: issue #5)."""
