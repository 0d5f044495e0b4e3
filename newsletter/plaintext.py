"""HTML to readable plain text, for the text part of e-mails (the editor's intro).

Paragraphs become blank-line separated, list items get a bullet, links keep
their address in brackets, and entities are decoded: the text part is read
as text, never as HTML.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = {
    "address", "article", "blockquote", "div", "figcaption", "figure", "footer", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section",
    "table", "tr", "ul",
}  # fmt: skip
# A <br>, kept through whitespace collapsing (a private-use character).
LINE_BREAK = "\ue000"
BULLET = "• "
SKIPPED = {"script", "style", "head", "title"}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, bool]] = []  # (text, is a list item)
        self.current: list[str] = []
        self.links: list[str | None] = []
        self.skipping = 0

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current))
        text = "\n".join(line.strip() for line in text.split(LINE_BREAK)).strip()
        if text:
            self.blocks.append((text, text.startswith(BULLET)))
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.current.append(LINE_BREAK)
        elif tag in BLOCKS:
            self._flush()
            if tag == "li":
                self.current.append(BULLET)
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCKS:
            self._flush()
        elif tag == "a" and self.links:
            href = self.links.pop()
            label = "".join(self.current).rsplit(" ", 1)[-1]
            if href and href.startswith(("http://", "https://", "mailto:")) and href not in label:
                self.current.append(f" ({href.removeprefix('mailto:')})")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)

    def text(self) -> str:
        self._flush()
        out: list[str] = []
        previous_item = False
        for text, item in self.blocks:
            if out:
                out.append("\n" if item and previous_item else "\n\n")
            out.append(text)
            previous_item = item
        return "".join(out)


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML fragment; entities decoded, never escaped."""
    if not html:
        return ""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return parser.text()
