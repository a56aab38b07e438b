"""Every message an import shows the user goes through gettext, when it is made.

An import job runs inside ``translation.override(<the language of the user who started it>)``,
so a parser's message is in the user's language exactly when it is made with gettext at that
moment. These tests read the parsers' source (``ast``) and fail on a message that would escape
translation or extraction:

- the message of ``ImportFormatError``, ``UhriApiError``, ``ValueError`` and of an exception's
  ``super().__init__``, the location and message of ``RowError``, a record's location, its
  review flags and what a ``*_message`` function returns must not be a bare string, an
  f-string, a concatenation or a ``%``/``.format`` of a bare string;
- no module keeps a message in a module-level string (it would be made once, at import time);
- the argument of ``_()``/``gettext``/``ngettext`` must be one plain string literal (so that
  ``makemessages`` extracts it whole) with named placeholders only;
- no module calls a non-lazy gettext when it is imported (the language is chosen per job).

Where a value is a variable or a helper's result the test cannot tell, and trusts the helper,
whose own messages are checked where it makes them.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import translation

import imports.parsers
from recommendations.vocabularies import VocabularyIndex

IMPORTERS = Path(imports.parsers.__file__).resolve().parent
MODULES = sorted(path for path in IMPORTERS.glob("*.py") if path.name != "__init__.py")

# Messages that stay English because no end user can ever see them (programming errors only
# a developer can cause): (module file name, the start of the message). Each entry needs a
# comment saying why it cannot reach a user. Empty for now: even the mapping validation errors
# reach users, since mappings are edited in a form.
DEVELOPER_ONLY: set[tuple[str, str]] = set()

_TRANSLATING = frozenset({"gettext", "ngettext", "pgettext", "npgettext"})
_LAZY = frozenset({"gettext_lazy", "ngettext_lazy", "pgettext_lazy", "npgettext_lazy"})
# Exceptions whose first argument is a message a user may read.
_MESSAGE_FIRST = frozenset({"ImportFormatError", "UhriApiError", "ValueError"})
# Keyword arguments that carry a message or a location wherever they appear.
_MESSAGE_KEYWORDS = frozenset({"message", "location", "if_empty"})
_UNNAMED_PLACEHOLDER = re.compile(r"%(?![(%])")
# A module-level string that reads like a message: a capital, words, a full stop.
_SENTENCE = re.compile(r"^[A-Z][^\n]* [^\n]*[.!?]$")
_NAMED_PLACEHOLDER = re.compile(r"%\((\w+)\)")


@dataclass(frozen=True)
class Problem:
    module: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.what}"


def _gettext_names(tree: ast.Module) -> dict[str, str]:
    """Local name → the django.utils.translation function it is (``{"_": "gettext"}``)."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                names[alias.asname or alias.name] = alias.name
    return names


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _literal_start(node: ast.AST) -> str:
    """The literal text a bare message starts with, to match the allow-list."""
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            return child.value
    return ""


class _Checker:
    def __init__(self, path: Path) -> None:
        self.module = path.name
        self.tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        self.gettext = _gettext_names(self.tree)
        self.problems: list[Problem] = []
        self.allowed_used: set[tuple[str, str]] = set()

    def problem(self, node: ast.AST, what: str) -> None:
        self.problems.append(Problem(self.module, getattr(node, "lineno", 0), what))

    def is_translation(self, node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and self.gettext.get(_called_name(node) or "") in _TRANSLATING | _LAZY

    def untranslated(self, node: ast.AST) -> bool:
        """Whether ``node`` builds user-visible text without gettext."""
        if _is_text(node):
            return True
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Mod):
                # "..." % values is untranslated; _("...") % values is fine.
                return self.untranslated(node.left)
            if isinstance(node.op, ast.Add):
                return self.untranslated(node.left) or self.untranslated(node.right)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return _is_text(node.func.value)
        if isinstance(node, ast.IfExp):
            return self.untranslated(node.body) or self.untranslated(node.orelse)
        if isinstance(node, ast.BoolOp):
            return any(self.untranslated(value) for value in node.values)
        return False

    def check_message(self, node: ast.AST, role: str) -> None:
        if not self.untranslated(node):
            return
        key = (self.module, _literal_start(node))
        allowed = next((entry for entry in DEVELOPER_ONLY if entry[0] == key[0] and key[1].startswith(entry[1])), None)
        if allowed is not None:
            self.allowed_used.add(allowed)
            return
        self.problem(node, f"{role} is not translated: {ast.unparse(node)[:100]}")

    def check_gettext_call(self, node: ast.Call) -> None:
        function = self.gettext[_called_name(node) or ""]
        count = 2 if function.startswith(("ngettext", "npgettext")) else 1
        first = 1 if function.startswith(("pgettext", "npgettext")) else 0
        literals = node.args[first : first + count]
        if len(literals) < count:
            self.problem(node, f"{function}() without its message")
            return
        placeholders = []
        for literal in literals:
            if not (isinstance(literal, ast.Constant) and isinstance(literal.value, str)):
                self.problem(literal, f"the message of {function}() is not one plain string literal")
                continue
            if _UNNAMED_PLACEHOLDER.search(literal.value):
                self.problem(literal, f"unnamed placeholder in {literal.value!r}: use %(name)s")
            placeholders.append(set(_NAMED_PLACEHOLDER.findall(literal.value)))
        if len(placeholders) == 2 and placeholders[0] != placeholders[1]:
            self.problem(node, f"the singular and plural of {function}() have different placeholders")

    def check_call(self, node: ast.Call) -> None:
        name = _called_name(node)
        if name in self.gettext and self.gettext[name] in _TRANSLATING | _LAZY:
            self.check_gettext_call(node)
        if name in _MESSAGE_FIRST and node.args:
            self.check_message(node.args[0], f"the message of {name}()")
        if name == "RowError":
            for index, role in enumerate(("the location of RowError()", "the message of RowError()")):
                if len(node.args) > index:
                    self.check_message(node.args[index], role)
        if name == "__init__" and node.args and self.is_super(node):
            self.check_message(node.args[0], "the message of super().__init__()")
        if name == "ParsedRecommendation" and node.args:
            self.check_message(node.args[0], "the location of ParsedRecommendation()")
        for keyword in node.keywords:
            if keyword.arg in _MESSAGE_KEYWORDS:
                self.check_message(keyword.value, f"{keyword.arg}= of {name}()")
        if self.is_flags_call(node):
            self.check_flags(node)

    @staticmethod
    def is_super(node: ast.Call) -> bool:
        owner = node.func.value if isinstance(node.func, ast.Attribute) else None
        return isinstance(owner, ast.Call) and _called_name(owner) == "super"

    @staticmethod
    def is_flags_call(node: ast.Call) -> bool:
        """``flags.append(...)``, ``record.flags.extend(...)``, ``self.flags.append(...)``."""
        if not (isinstance(node.func, ast.Attribute) and node.func.attr in ("append", "extend")):
            return False
        owner = node.func.value
        return (isinstance(owner, ast.Name) and owner.id == "flags") or (
            isinstance(owner, ast.Attribute) and owner.attr == "flags"
        )

    def check_flags(self, node: ast.Call) -> None:
        assert isinstance(node.func, ast.Attribute)
        for argument in node.args:
            if node.func.attr == "append":
                self.check_message(argument, "a review flag")
            elif isinstance(argument, ast.GeneratorExp | ast.ListComp):
                self.check_message(argument.elt, "a review flag")
            elif isinstance(argument, ast.List | ast.Tuple):
                for element in argument.elts:
                    self.check_message(element, "a review flag")

    def run(self) -> list[Problem]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                self.check_call(node)
            elif isinstance(node, ast.FunctionDef) and node.name.endswith("_message"):
                for child in ast.walk(node):
                    if isinstance(child, ast.Return) and child.value is not None:
                        self.check_message(child.value, f"what {node.name}() returns")
        for statement in self.tree.body:
            value = statement.value if isinstance(statement, ast.Assign | ast.AnnAssign) else None
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and _SENTENCE.match(value.value):
                self.problem(statement, "a module-level message is made at import time: make it in a function")
        return self.problems

    def import_time_calls(self) -> Iterator[ast.Call]:
        """Non-lazy gettext calls that run when the module is imported (outside any function)."""
        yield from self._import_time_calls(self.tree)

    def _import_time_calls(self, node: ast.AST) -> Iterator[ast.Call]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                # A function's body runs when called; its decorators and defaults do not.
                for outer in [*getattr(child, "decorator_list", []), *child.args.defaults, *child.args.kw_defaults]:
                    if outer is not None:
                        yield from self._import_time_calls(outer)
                continue
            if isinstance(child, ast.Call) and self.gettext.get(_called_name(child) or "") in _TRANSLATING:
                yield child
            yield from self._import_time_calls(child)


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_user_facing_messages_are_translated(path: Path) -> None:
    problems = _Checker(path).run()

    assert not problems, "Messages that escape translation:\n" + "\n".join(map(str, problems))


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_no_message_is_translated_at_import_time(path: Path) -> None:
    checker = _Checker(path)
    calls = [f"{path.name}:{call.lineno}: {ast.unparse(call)[:100]}" for call in checker.import_time_calls()]

    assert not calls, "gettext at import time (use a function, or gettext_lazy):\n" + "\n".join(calls)


def test_the_allow_list_has_no_stale_entry() -> None:
    used = set()
    for path in MODULES:
        checker = _Checker(path)
        checker.run()
        used |= checker.allowed_used

    assert not DEVELOPER_ONLY - used, f"Allowed messages that no longer exist: {sorted(DEVELOPER_ONLY - used)}"


# --- The checker itself ----------------------------------------------------------------------

_SAMPLE = """
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

LAZY = gettext_lazy("Fine: lazy.")
EAGER = _("Wrong: translated at import time.")


def parse(number, flags, record, value):
    flags.append(f"unknown {value}")
    record.flags.append(_("unknown %(value)s") % {"value": value})
    flags.extend("unknown: " + label for label in value)
    yield RowError(f"record {number}", "The record is not a JSON object.")
    yield RowError(_("record %(number)s") % {"number": number}, _("The record is empty."))
    raise ImportFormatError("The file is empty. " + EXPECTED)
    raise ValueError("%r is not a date." % value)
    raise ValueError(_("%s is not a date.") % value)
    raise UhriApiError(ngettext("%(count)s attempt", "attempts", number) % {"count": number})
    raise ImportFormatError(_(f"The sheet {value} is empty."))
    raise ImportFormatError(message)


EXPECTED = "Expected a Word document."


class Uncertain(ImportFormatError):
    def __init__(self, guess):
        super().__init__(f"Not sure: {guess}.")


def _error_message(error):
    if error:
        return _("The file is damaged.")
    return "The file is not a workbook."
"""


def test_the_checker_finds_untranslated_messages(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(_SAMPLE, "utf-8")
    checker = _Checker(sample)

    found = sorted((problem.line, problem.what.split(":")[0]) for problem in checker.run())
    import_time = [call.lineno for call in checker.import_time_calls()]

    assert found == [
        (10, "a review flag is not translated"),
        (12, "a review flag is not translated"),
        (13, "the location of RowError() is not translated"),
        (13, "the message of RowError() is not translated"),
        (15, "the message of ImportFormatError() is not translated"),
        (16, "the message of ValueError() is not translated"),
        (17, "unnamed placeholder in '%s is not a date.'"),
        (18, "the singular and plural of ngettext() have different placeholders"),
        (19, "the message of gettext() is not one plain string literal"),
        (23, "a module-level message is made at import time"),
        (28, "the message of super().__init__() is not translated"),
        (34, "what _error_message() returns is not translated"),
    ]
    assert import_time == [6]


# --- Review flags of the vocabulary index ------------------------------------------------------


def test_unknown_label_flags_are_made_with_gettext(monkeypatch: pytest.MonkeyPatch) -> None:
    # The French catalogue does not hold these messages yet: a stand-in gettext shows that the
    # flag is looked up, whole, when it is made.
    monkeypatch.setattr(translation, "gettext", lambda message: f"«{message}»")

    with translation.override("fr"):
        flags = [
            VocabularyIndex.unknown("theme", "- Foo"),
            VocabularyIndex.unknown("recommending State", " "),
            VocabularyIndex.unknown("region", "Atlantis"),
        ]

    assert flags == [
        "«theme not recognised: Foo»",
        "«recommending State not recognised: «(empty)»»",
        "«region not recognised: Atlantis»",
    ]


def test_unknown_label_flags_keep_their_english_wording() -> None:
    assert VocabularyIndex.unknown("SDG target", "16.99") == "SDG target not recognised: 16.99"
    assert VocabularyIndex.unknown("region", "") == "region not recognised: (empty)"
