"""Property tests: generated hostile HTML never gets through `clean_html`.

Each example mixes dangerous tags, event handlers, styles and obfuscated
`javascript:`/`data:` URLs with ordinary markup; whatever the mix, the output
has no script-capable element, no handler, no style and no unsafe URL, and the
safe markup around it survives.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, clean_html

DANGEROUS_TAGS = ["script", "style", "iframe", "object", "embed", "svg", "math", "form", "base"]
HANDLERS = ["onclick", "onerror", "onload", "onmouseover", "onfocus", "ONCLICK", "onanimationstart"]
BAD_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "DATA:image/svg+xml,<svg onload=alert(1)>",
]
SAFE_WORDS = st.text(alphabet="abcdefghilmnoprstuvzàèéìòù ", min_size=1, max_size=20)


@st.composite
def hostile_fragment(draw) -> str:
    kind = draw(st.sampled_from(["tag", "handler", "url", "style", "comment"]))
    payload = draw(st.sampled_from(["alert(1)", "fetch('//x')", "1", ""]))
    if kind == "tag":
        tag = draw(st.sampled_from(DANGEROUS_TAGS))
        return f"<{tag}>{payload}</{tag}>"
    if kind == "handler":
        tag = draw(st.sampled_from(["p", "img", "a", "h2", "td", "figure", "div"]))
        return f'<{tag} {draw(st.sampled_from(HANDLERS))}="{payload}">x</{tag}>'
    if kind == "url":
        tag, attribute = draw(st.sampled_from([("a", "href"), ("img", "src"), ("a", "xlink:href")]))
        quote = draw(st.sampled_from(['"', "'", ""]))
        url = draw(st.sampled_from(BAD_URLS))
        return f"<{tag} {attribute}={quote}{url}{quote}>y</{tag}>"
    if kind == "style":
        return f'<p style="background:url(javascript:{payload})">z</p>'
    return f"<!-- <script>{payload}</script> -->"


@st.composite
def safe_fragment(draw) -> str:
    words = draw(SAFE_WORDS)
    template = draw(
        st.sampled_from(
            [
                "<p>{w}</p>",
                "<h2>{w}</h2>",
                "<p><strong>{w}</strong> e <em>{w}</em></p>",
                '<p><a href="https://www.salute.gov.it/" rel="noopener">{w}</a></p>',
                "<ul><li>{w}</li></ul>",
                "<blockquote><p>{w}</p></blockquote>",
            ]
        )
    )
    return template.format(w=words.strip() or "testo")


class Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((tag, name, value) for name, value in attrs)


def inspect(html: str) -> Inspector:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(hostile_fragment(), safe_fragment()), min_size=1, max_size=8))
def test_no_script_handler_style_or_unsafe_url_survives(fragments):
    cleaned = clean_html("".join(fragments))
    found = inspect(cleaned)
    assert set(found.tags) <= ALLOWED_TAGS
    assert not set(found.tags) & set(DANGEROUS_TAGS), found.tags
    for tag, name, value in found.attributes:
        assert not name.startswith("on"), (tag, name)
        assert name != "style"
        assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | {"class", "rel"}, (tag, name)
        if name in {"href", "src"}:
            scheme = urlsplit((value or "").strip()).scheme.lower()
            assert scheme in URL_SCHEMES | {""}, (tag, name, value)
    assert "javascript:" not in cleaned.lower()
    assert clean_html(cleaned) == cleaned


@settings(max_examples=200, deadline=None)
@given(st.lists(safe_fragment(), min_size=1, max_size=6))
def test_markup_the_editor_makes_is_kept_as_it_is(fragments):
    html = "".join(fragments)
    assert clean_html(html) == html
