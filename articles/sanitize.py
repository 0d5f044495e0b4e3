"""The rich-text allow-list: what CKEditor's toolbar can make, and nothing else.

Every stored body and edition intro goes through `clean_html` on save, so
readers only ever receive markup this policy passed. Scripts, event handlers,
`javascript:`/`data:` URLs and inline styles never survive; links get
rel="noopener".
"""

from __future__ import annotations

import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "a", "ul", "ol", "li", "blockquote", "figure", "figcaption", "img",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "hr", "abbr", "cite",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "width", "height", "title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "abbr": {"title"},
    "ol": {"start"},
}

ALIGN_CLASSES = {"align-left", "align-center", "align-right"}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Tags whose content is dropped with them, not kept as text.
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template"}


def clean_html(html: str | None) -> str:
    """Sanitise rich text; idempotent, so saving twice changes nothing."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        allowed_classes={"figure": ALIGN_CLASSES, "img": ALIGN_CLASSES},
        link_rel="noopener",
        strip_comments=True,
    )


# Whitespace next to a block tag is layout (CKEditor indents its output), never text.
_BLOCK_SPACE = re.compile(
    r"\s*(</?(?:p|h[2-4]|ul|ol|li|blockquote|figure|figcaption|table|caption|thead|tbody"
    r"|tfoot|tr|th|td|hr|br)\b[^>]*>)\s*"
)


def same_html(first: str | None, second: str | None) -> bool:
    """Whether two bodies are the same once sanitised: what readers would get is equal."""
    return (
        _BLOCK_SPACE.sub(r"\1", clean_html(first)).strip()
        == _BLOCK_SPACE.sub(r"\1", clean_html(second)).strip()
    )
