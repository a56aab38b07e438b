"""The recommendation list and the forms by keyboard alone, and what a screen reader is told.

- A focal point reaches the first recommendation of the list within 10 presses of Tab (the
  first one lands on "Skip to main content", which Enter follows).
- The secretariat ticks recommendations, runs a bulk action and undoes it, by keyboard alone.
- A refused form's error summary takes the focus; its links take it to their fields.
- A type-ahead multiple choice is a combobox with a listbox of options, chosen by keyboard.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

# What has the focus, in words: "a: Ratify the…", "input#select-3", "button: Run the action".
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return 'body';
  const name = (e.getAttribute('aria-label') || e.textContent || e.value || '')
    .trim().replace(/\\s+/g, ' ').slice(0, 60);
  const classes = e.className ? '.' + String(e.className).split(' ').join('.') : '';
  return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + classes + ': ' + name;
}"""


def sign_in(page, base: str, email: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}{next_path}")


def tab_until(page, selector: str, limit: int) -> list[str]:
    """Press Tab until the element ``selector`` has the focus (at most ``limit`` times): the
    elements it passed through, for the failure message."""
    path = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        path.append(page.evaluate(FOCUSED))
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return path
    raise AssertionError(f"not reached in {limit} presses of Tab: {path}")


def test_a_focal_point_reaches_the_first_recommendation_within_ten_tab_presses(page, live_server_url, committed):
    sign_in(page, live_server_url, "focal_point@alpha.example.org", "/alpha/workspace/recommendations/")
    page.goto(f"{live_server_url}/alpha/workspace/recommendations/")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "a.skip-link: Skip to main content"
    page.keyboard.press("Enter")
    path = ["a.skip-link: Skip to main content", *tab_until(page, "table.recommendations tbody a", limit=9)]
    assert len(path) <= 10, path
    # The way there: the search box, the four filters of the first row, Apply, More filters, and
    # the saved views (one is shared with the State).
    assert [step.split(":")[0] for step in path[1:-1]] == [
        "input#id_q",
        "input#id_mechanism",
        "input#id_theme",
        "input#id_entity",
        "input#id_implementation_status",
        "button.button",
        "summary",
        "summary",
    ]
    assert re.match(r"a: (Ratify|Strengthen) ", path[-1]), path[-1]


def test_the_secretariat_ticks_runs_a_bulk_action_and_undoes_it_by_keyboard(page, live_server_url, committed):
    sign_in(page, live_server_url, "secretariat@alpha.example.org", "/alpha/workspace/recommendations/")
    bulk = page.locator("#bulk-form")
    expect(bulk).to_be_hidden()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip to the main content
    # Tick both recommendations (Space on a checkbox), one after the other.
    tab_until(page, "input[name=ids]", limit=20)
    page.keyboard.press("Space")
    expect(bulk).to_be_visible()
    expect(page.locator("#live-polite")).to_have_text("Recommendations selected: 1")
    tab_until(page, "input[name=ids]", limit=5)
    page.keyboard.press("Space")
    expect(page.locator("#live-polite")).to_have_text("Recommendations selected: 2")
    expect(bulk.locator(".bulk-selection-text")).to_have_text("Recommendations selected: 2")

    # The bar comes after the table: the action, then the entity it needs (shown with it).
    tab_until(page, "#bulk_action", limit=20)
    page.keyboard.type("Assign to an entity as lead")
    expect(bulk.locator("#bulk_action")).to_have_value("assign_lead")
    expect(bulk.get_by_label("Cluster")).to_be_hidden()
    page.keyboard.press("Tab")  # "Apply to": the ticked recommendations, already chosen
    tab_until(page, "#bulk_entity", limit=4)
    page.keyboard.type("Ministry of Education")
    tab_until(page, "#bulk-form button[type=submit]", limit=6)
    page.keyboard.press("Enter")

    message = page.locator(".bulk-result")
    expect(message).to_contain_text("2 recommendations changed.")
    expect(page.get_by_role("cell", name="Ministry of Education of Alphaland")).to_have_count(2)
    # Undo, from the message, by keyboard: the first lead comes back.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    tab_until(page, ".bulk-result button", limit=12)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Undone: 2 recommendations are back as they were.")).to_be_visible()
    expect(page.get_by_role("cell", name="Ministry of Education of Alphaland")).to_have_count(0)
    expect(page.get_by_role("cell", name="Ministry of Justice of Alphaland")).to_have_count(1)


def test_a_refused_form_puts_the_focus_on_its_error_summary(page, live_server_url, committed):
    sign_in(page, live_server_url, "secretariat@alpha.example.org", "/alpha/workspace/recommendations/new/")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    links = summary.get_by_role("link")
    assert links.count() >= 1
    first = links.first.get_attribute("href")
    # Its links lead to the fields, which are marked invalid and described by their message.
    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    field = page.locator(first)
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    described = field.get_attribute("aria-describedby")
    assert described and page.locator(f"#{described.split()[-1]}").inner_text().strip() != ""


def test_a_type_ahead_choice_by_keyboard_with_its_roles(page, live_server_url, committed):
    sign_in(page, live_server_url, "secretariat@alpha.example.org", "/alpha/workspace/recommendations/")
    box = page.get_by_role("combobox", name="Mechanism:", exact=True)
    expect(box).to_have_attribute("aria-expanded", "false")
    box.focus()
    page.keyboard.type("rights of the child")
    expect(box).to_have_attribute("aria-expanded", "true")
    listbox = page.get_by_role("listbox", name="Mechanism", exact=True)
    expect(listbox).to_be_visible()
    expect(listbox).to_have_attribute("aria-multiselectable", "true")
    option = listbox.get_by_role("option", name=re.compile(r"^CRC — "))
    expect(option).to_be_visible()
    expect(listbox.get_by_role("option", name=re.compile(r"^UPR — "))).to_be_hidden()
    # The first match is the active option; the arrows move through the others.
    active = box.get_attribute("aria-activedescendant")
    assert page.locator(f"#{active}").inner_text() == "CRC — Committee on the Rights of the Child"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") == active
    page.keyboard.press("Enter")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(page.locator("#live-polite")).to_have_text(re.compile(r"^Chosen: CRC — "))
    expect(page.get_by_role("button", name=re.compile(r"^Remove CRC — "))).to_be_visible()
    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")  # the list closed, Enter sends the form
    expect(page).to_have_url(re.compile(r"mechanism=CRC"))
    expect(page.get_by_role("heading", name="0 recommendations")).to_be_visible()
    # The choice is kept, and Backspace in the empty box takes it off again.
    box = page.get_by_role("combobox", name="Mechanism:", exact=True)
    box.focus()
    page.keyboard.press("Backspace")
    expect(page.get_by_role("button", name=re.compile(r"^Remove CRC"))).to_have_count(0)


def test_a_destructive_action_asks_first_escape_cancels_it(page, live_server_url, committed):
    sign_in(page, live_server_url, "secretariat@alpha.example.org", "/alpha/workspace/clusters/")
    delete = page.get_by_role("button", name="Delete “Justice and the rule of law”")
    delete.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Are you sure?")
    expect(dialog).to_contain_text("Delete the cluster “Justice and the rule of law”? Its recommendations stay")
    # Cancel has the focus: Enter or Escape leaves everything as it was, and the focus goes back.
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(delete).to_be_focused()
    expect(page.get_by_role("cell", name=re.compile("^Justice and the rule of law"))).to_be_visible()
    # Confirmed, it is done.
    page.keyboard.press("Enter")
    page.get_by_role("dialog").get_by_role("button", name="Delete the cluster").click()
    expect(page.get_by_role("cell", name=re.compile("^Justice and the rule of law"))).to_have_count(0)
