"""Turn mail bodies into text a person reads: HTML to text, quoted replies trimmed."""

import re
from html.parser import HTMLParser

_BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "table",
    "ul",
    "ol",
    "hr",
    "pre",
}
_SKIP = {"script", "style", "head", "title", "template"}
_BLANKS = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")

# Lines that start the quoted conversation in the common clients' replies.
_QUOTE_STARTS = [
    re.compile(r"^On .{0,300}wrote:\s*$", re.S),
    re.compile(r"^Le .{0,300}a écrit\s*:\s*$", re.S),
    re.compile(r"^Am .{0,300}schrieb .{0,200}:\s*$", re.S),
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}\s*$", re.I),
    re.compile(r"^_{10,}\s*$"),
    re.compile(r"^From:\s.+$"),
]


class _TextMaker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._quote = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIP:
            self._skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")
            if tag == "blockquote":
                self._quote += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")
            if tag == "blockquote":
                self._quote = max(0, self._quote - 1)

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._quote:
            data = "\n".join("> " + line for line in data.split("\n"))
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable text from HTML: blocks on their own lines, scripts and styles dropped."""
    maker = _TextMaker()
    try:
        maker.feed(html)
        maker.close()
    except Exception:  # HTMLParser is lenient; never let a page stop filing
        return re.sub(r"<[^>]*>", " ", html)
    lines = [
        _SPACES.sub(" ", line).strip() for line in "".join(maker.parts).split("\n")
    ]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def reply_part(text: str) -> str:
    """The text above the quoted conversation; all of it if nothing else is left."""
    lines = text.splitlines()
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("---------- Forwarded message"):
            return text.strip()  # a forward is all news, not a quote
        if stripped.startswith(">"):
            break
        two = (
            (stripped + " " + lines[index + 1].strip())
            if index + 1 < len(lines)
            else ""
        )
        if any(p.match(stripped) or (two and p.match(two)) for p in _QUOTE_STARTS[:3]):
            break
        if any(p.match(stripped) for p in _QUOTE_STARTS[3:]) and kept:
            break
        kept.append(line)
    trimmed = "\n".join(kept).strip()
    return trimmed or text.strip()
