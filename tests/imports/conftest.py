import pytest


@pytest.fixture
def slovenia(db):
    """A State the samples are about (Slovenia's UPR documents, the UHRI sample)."""
    from tenants.scoping import cross_state_access
    from tests.factories import StateFactory

    with cross_state_access():
        return StateFactory(name="Slovenia", slug="slovenia", iso3="SVN")


@pytest.fixture
def fake_api(settings, tmp_path, monkeypatch):
    """A local fake UHRI API (tests.imports.fake_uhri), the settings pointing at it."""
    from tests.imports.fake_uhri import serve

    yield from serve(settings, tmp_path, monkeypatch)
