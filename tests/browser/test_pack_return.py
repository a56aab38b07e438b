"""A focal point brings a filled information request pack back in a real browser: uploads the
workbook, reads the preview (a row it could not read, and why), makes the draft updates, and
opens one; in English and in Arabic, at a phone's width and a laptop's."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from playwright.sync_api import expect

from recommendations.models import Entity, Mechanism, Recommendation
from reporting.documents.packs import COLUMNS
from reporting.drafts import draft_run
from reporting.models import ReportDraft
from tenants.models import State, User
from tenants.scoping import cross_state_access, state_context
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

COL = {name: index + 1 for index, name in enumerate(COLUMNS)}


def sign_in(page, base: str, email: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def filled_workbook(django_db_blocker, tmp_path) -> str:
    """The Ministry of Justice's workbook of a request for the UPR's recommendations, filled in:
    an answer on 1.1, a status the list does not offer on 1.2."""
    with django_db_blocker.unblock():
        with cross_state_access():
            state = State.objects.get(slug="alpha")
            secretariat = User.objects.get(email="secretariat@alpha.example.org")
        with state_context(state):
            justice = Entity.objects.get(name="Ministry of Justice of Alphaland")
            Recommendation.objects.filter(paragraph="1.2").update(lead_entity=justice)
            draft = ReportDraft.objects.create(
                state=state,
                kind="information_request",
                title="Mid-term report: requests",
                language="en",
                parameters={
                    "entities": [justice.pk],
                    "mechanism": Mechanism.objects.get(code="UPR").pk,
                    "deadline": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
                    "instructions": "",
                },
                created_by=secretariat,
            )
        draft = draft_run(state=state, draft_id=draft.pk)
        archive = zipfile.ZipFile(io.BytesIO(draft.file.read()))
    workbook = openpyxl.load_workbook(io.BytesIO(archive.read("ministry-of-justice-of-alphaland.xlsx")))
    sheet = workbook.worksheets[0]
    for row in range(2, sheet.max_row + 1):
        reference = sheet.cell(row=row, column=COL["reference"]).value
        if reference.endswith("1.1"):
            sheet.cell(row=row, column=COL["status"], value="In progress")
            sheet.cell(row=row, column=COL["narrative"], value="The bill was adopted in first reading")
            sheet.cell(row=row, column=COL["reported_on"], value=datetime.date(2026, 3, 1))
        else:
            sheet.cell(row=row, column=COL["status"], value="Almost done")
            sheet.cell(row=row, column=COL["narrative"], value="The institution was strengthened")
    path = tmp_path / "ministry-of-justice-answers.xlsx"
    workbook.save(path)
    return str(path)


def test_a_focal_point_brings_a_filled_workbook_back(
    browser, page, live_server_url, committed, tmp_path, settings, django_db_blocker
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    base = live_server_url
    workbook = filled_workbook(django_db_blocker, tmp_path)

    sign_in(page, base, "focal_point@alpha.example.org", "/alpha/workspace/my-work/")
    page.get_by_role("link", name="Bring back a filled request pack (Excel workbook or Word document)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Information requests brought back")
    page.get_by_label("Filled workbook or Word document").set_input_files(workbook)
    page.get_by_role("button", name="Read the answers").click()

    # The preview: what would be made, and the row it could not read, with the reason.
    expect(page.get_by_role("heading", level=1)).to_have_text("ministry-of-justice-answers.xlsx")
    summary = page.locator("#return-summary")
    expect(summary).to_contain_text("1 new draft update")
    expect(summary).to_contain_text("1 row not used")
    problems = page.get_by_role("table", name="Rows not used, and why")
    expect(problems).to_contain_text("A/HRC/99/XAA ¶ 1.2")
    expect(problems).to_contain_text("“Almost done” is not an implementation status")
    page.screenshot(path=str(tmp_path / "preview-en-1366.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path=str(tmp_path / "preview-en-320.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_role("button", name="Make the draft updates").click()
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text(
        "1 draft update created, 0 corrected, 0 unchanged."
    )
    answers = page.get_by_role("table", name="The answers")
    expect(answers).to_contain_text("A/HRC/99/XAA ¶ 1.1")
    answers.get_by_role("link", name="new draft update").click()
    expect(page.get_by_role("paragraph").filter(has_text="The bill was adopted in first reading")).to_be_visible()

    # The same file again: nothing changes.
    page.goto(f"{base}/alpha/workspace/packs/returns/")
    page.get_by_label("Filled workbook or Word document").set_input_files(workbook)
    page.get_by_role("button", name="Read the answers").click()
    expect(page.locator("#return-summary")).to_contain_text("1 answer unchanged since it was last brought back")
    expect(page.locator("#return-summary")).to_contain_text("0 new draft updates")

    # In Arabic, right to left, at both widths.
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("ministry-of-justice-answers.xlsx")
    page.screenshot(path=str(tmp_path / "preview-ar-1366.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path=str(tmp_path / "preview-ar-320.png"), full_page=True)
