"""The translations ship whole: every marked string translated, compiled, and
every visible word of a template marked for translation."""

import ast
import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", ROOT / "portal" / "templates"]
# Words a template may show as they are, in any language.
UNTRANSLATED_OK = {"Redress", "CSV"}


def _po_entries(path: Path) -> list[dict]:
    """Read a .po file: msgid, msgid_plural, msgstr forms and flags per entry."""
    entries: list[dict] = []
    entry: dict | None = None
    key: tuple | str | None = None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry, key = None, None
            continue
        if entry is None:
            entry = {"msgid": "", "plural": None, "msgstr": {}, "flags": set()}
        if line.startswith("#,"):
            entry["flags"] = {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural "):
            entry["plural"], key = ast.literal_eval(line[13:]), "plural"
        elif line.startswith("msgid "):
            entry["msgid"], key = ast.literal_eval(line[6:]), "msgid"
        elif line.startswith("msgstr["):
            n = int(line[7 : line.index("]")])
            entry["msgstr"][n] = ast.literal_eval(line[line.index("]") + 2 :])
            key = ("msgstr", n)
        elif line.startswith("msgstr "):
            entry["msgstr"][0], key = ast.literal_eval(line[7:]), ("msgstr", 0)
        elif line.startswith('"'):
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] += ast.literal_eval(line)
            else:
                entry[key] += ast.literal_eval(line)
    return [e for e in entries if e["msgid"]]


def _catalogues() -> list[Path]:
    languages = [code for code, _name in settings.LANGUAGES if code != "en-gb"]
    assert languages, "one more language than English ships"
    return [
        Path(settings.LOCALE_PATHS[0]) / code / "LC_MESSAGES" / "django.po"
        for code in languages
    ]


@pytest.mark.parametrize("po", _catalogues(), ids=lambda p: p.parts[-3])
def test_every_message_is_translated_and_none_is_fuzzy(po):
    entries = _po_entries(po)
    assert len(entries) > 900
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("po", _catalogues(), ids=lambda p: p.parts[-3])
def test_the_compiled_catalogue_matches_the_po(po):
    """The committed .mo is what `compilemessages` makes of the committed .po."""
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    for entry in _po_entries(po):
        if entry["plural"] is None:
            assert compiled.get(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]
        else:
            for n, text in entry["msgstr"].items():
                assert compiled.get((entry["msgid"], n)) == text, entry["msgid"]
    assert len(compiled) - 1 == sum(
        1 if e["plural"] is None else len(e["msgstr"]) for e in _po_entries(po)
    )  # the header is the one extra


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs gettext (.ci/run)")
def test_the_catalogue_holds_every_marked_string(tmp_path, monkeypatch):
    """`makemessages` finds nothing the committed catalogue lacks (run it after
    changing a marked string). It runs on a copy, so the catalogue stays as is."""
    copy = tmp_path / "src"
    skip = shutil.ignore_patterns(".venv", ".git", "var", "tests", "bench", "*.mo")
    shutil.copytree(ROOT, copy, ignore=skip, symlinks=True)
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["de"], no_obsolete=True, verbosity=0)
    fresh = {e["msgid"] for e in _po_entries(copy / "locale/de/LC_MESSAGES/django.po")}
    shipped = {e["msgid"] for e in _po_entries(_catalogues()[0])}
    assert sorted(fresh - shipped) == []
    assert sorted(shipped - fresh) == []


def _outside_translation(source: str, *, html: bool) -> list[str]:
    """Words of `source` a reader sees that no translate tag holds."""
    text = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    text = re.sub(r"\{% comment %\}.*?\{% endcomment %\}", " ", text, flags=re.S)
    text = re.sub(
        r"\{% blocktrans(late)? .*?\{% endblocktrans(late)? %\}", " ", text, flags=re.S
    )
    text = re.sub(
        r"\{% blocktrans(late)? %\}.*?\{% endblocktrans(late)? %\}",
        " ",
        text,
        flags=re.S,
    )
    if html:
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
        labels = re.findall(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"', text)
        text = " ".join([re.sub(r"<[^>]*>", " ", _strip_tags(text)), *labels])
    text = _strip_tags(text)
    words = re.findall(r"[A-Za-z]{2,}[A-Za-z'’-]*", text)
    return [w for w in words if w not in UNTRANSLATED_OK]


def _strip_tags(text: str) -> str:
    return re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)


def _templates() -> list[Path]:
    found = []
    for folder in TEMPLATE_DIRS:
        found += sorted(folder.rglob("*.html")) + sorted(folder.rglob("*.txt"))
    return [p for p in found if "drf_spectacular" not in p.parts]


def test_the_scan_finds_text_left_unmarked():
    assert _outside_translation("<p>Hello {{ name }}</p>", html=True) == ["Hello"]
    assert _outside_translation('<a title="Open it">x</a>', html=True) == ["Open", "it"]
    marked = '<p>{% translate "Hello" %} <a title="{% translate \'Open\' %}">'
    assert _outside_translation(marked + "</a></p>", html=True) == []


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_visible_word_of_a_template_is_marked_for_translation(path):
    source = path.read_text(encoding="utf-8")
    left = _outside_translation(source, html=path.suffix == ".html")
    assert left == [], f"wrap in {{% translate %}} / {{% blocktranslate %}}: {left}"
    if "translate" in source:
        assert "{% load i18n" in source or "{% load " in source and " i18n" in source


# --- Python sources: what a page, the admin or an email shows ---------------
# Refusals (domain errors, PermissionDenied on the 403 page, form
# ValidationErrors), flash and admin messages (and the `success=` / `saved=`
# words views hand to them), form labels and help texts and admin action
# titles reach people as written, so their words must be marked.
# API interfaces (`api/`, `<app>/api*.py`) answer integrators in English.
PY_SKIP = {".venv", ".git", "var", "tests", "bench", "docs", "migrations", "api"}
MARKERS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "format_lazy",
}
REFUSALS = {"DomainError", "PermissionDenied", "ValidationError"}
LABELS = {"label", "help_text", "empty_label"}


def _python_sources() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if not set(path.relative_to(ROOT).parts) & PY_SKIP
        and not path.name.startswith("api")
    ]


def _called(node: ast.AST) -> str:
    func = node.func if isinstance(node, ast.Call) else node
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _words_unmarked(node: ast.AST | None) -> bool:
    """Whether `node` builds text with words that no gettext call holds."""
    if node is None:
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(
            re.search(r"[A-Za-z]{2,}\W+[A-Za-z]", node.value)
        )
    if isinstance(node, ast.JoinedStr):
        return any(_words_unmarked(part) for part in node.values)
    if isinstance(node, ast.BinOp):
        return _words_unmarked(node.left) or _words_unmarked(node.right)
    if isinstance(node, ast.IfExp):
        return _words_unmarked(node.body) or _words_unmarked(node.orelse)
    return False  # a gettext call, a name, an attribute: marked where it is made


def _refusal_classes(trees: list[ast.AST]) -> set[str]:
    """REFUSALS and every class deriving from one of them, by name."""
    bases = {
        node.name: {_called(base) for base in node.bases}
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    names = set(REFUSALS)
    while grown := {n for n, b in bases.items() if b & names} - names:
        names |= grown
    return names


def _unmarked_python(path: Path, tree: ast.AST, refusals: set[str]) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _called(node) in MARKERS:
            continue
        name, shown = _called(node), []
        if name in refusals:
            shown = list(node.args)
        elif name in {"success", "error", "warning", "info", "message_user"}:
            shown = node.args[1:2]
        shown += [kw.value for kw in node.keywords if kw.arg in {"success", "saved"}]
        if name.endswith("Field") or name in {"action", "display"}:
            keys = LABELS if name.endswith("Field") else {"description"}
            shown += [kw.value for kw in node.keywords if kw.arg in keys]
        for value in shown:
            if _words_unmarked(value):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.append(f"{where} {ast.unparse(value)[:70]}")
    return found


def test_the_python_scan_finds_text_left_unmarked():
    source = (
        'raise OfferRefused("Say what they asked.", ["counter"])\n'
        'raise OfferRefused(gettext("Say what they asked."), ["counter"])\n'
        'messages.info(request, f"Linked to {name}.")\n'
        'messages.info(request, _("Linked to %(n)s.") % {"n": name})\n'
        'x = forms.CharField(label="Closing message", help_text=_("Emailed once."))\n'
        '@admin.action(description="Retry the dead letters")\ndef f(): pass\n'
        'raise DomainError(f"{field}: {problem}", [field])\n'
    )
    tree = ast.parse(source)
    found = _unmarked_python(
        ROOT / "x.py", tree, _refusal_classes([tree]) | {"OfferRefused"}
    )
    assert [line.split()[0] for line in found] == [
        "x.py:1",
        "x.py:3",
        "x.py:5",
        "x.py:6",
    ]


def test_every_refusal_message_and_label_in_python_is_marked_for_translation():
    sources = _python_sources()
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sources}
    refusals = _refusal_classes(list(trees.values()))
    assert {"OfferRefused", "SupportInputRefused", "RecordsRefused"} <= refusals
    left = [
        line
        for path, tree in trees.items()
        for line in _unmarked_python(path, tree, refusals)
    ]
    assert left == [], "wrap in gettext / gettext_lazy:\n" + "\n".join(left)
