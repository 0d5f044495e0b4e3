import pytest

from articles.sanitize import clean_html
from tests.factories import ArticleFactory

ALLOWED = (
    "<h2>Titolo</h2><h3>Sotto</h3><h4>Più sotto</h4>"
    "<p><strong>forte</strong> <em>enfasi</em> "
    '<a href="https://www.iss.it/" rel="noopener">link</a></p>'
    "<ul><li>uno</li></ul><ol><li>due</li></ol>"
    "<blockquote><p>citazione</p></blockquote>"
    '<figure class="align-center"><img src="/media/uploads/a.jpg" alt="grafico">'
    "<figcaption>Didascalia</figcaption></figure>"
    "<table><thead><tr><th>Dose</th></tr></thead><tbody><tr><td>5 mg</td></tr></tbody></table>"
)


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>ok<script>alert(1)</script></p>", "<p>ok</p>"),
        ('<p onclick="steal()" onmouseover="x()">testo</p>', "<p>testo</p>"),
        ('<img src="x.jpg" onerror="alert(1)" alt="a">', '<img src="x.jpg" alt="a">'),
        ('<a href="javascript:alert(1)">clic</a>', '<a rel="noopener">clic</a>'),
        ('<a href="JaVaScRiPt:alert(1)">clic</a>', '<a rel="noopener">clic</a>'),
        ('<img src="data:image/png;base64,AAAA" alt="a">', '<img alt="a">'),
        ('<p style="color:red">rosso</p>', "<p>rosso</p>"),
        ("<style>p{color:red}</style><p>testo</p>", "<p>testo</p>"),
        ('<iframe src="https://evil.example"></iframe><p>dopo</p>', "<p>dopo</p>"),
        ('<p class="evidenziato">x</p>', "<p>x</p>"),
        ("<h1>Troppo grande</h1>", "Troppo grande"),
        ("<!-- nota interna --><p>x</p>", "<p>x</p>"),
    ],
)
def test_dangerous_markup_never_survives(dirty, clean):
    assert clean_html(dirty) == clean


def test_the_toolbar_markup_is_kept():
    assert clean_html(ALLOWED) == ALLOWED


def test_external_links_get_rel_noopener():
    assert clean_html('<a href="https://example.org">x</a>') == (
        '<a href="https://example.org" rel="noopener">x</a>'
    )


@pytest.mark.parametrize(
    "html",
    [ALLOWED, '<p onclick="x">a<script>b</script></p><a href="javascript:y">c</a>', "", "testo"],
)
def test_cleaning_is_idempotent(html):
    once = clean_html(html)
    assert clean_html(once) == once


@pytest.mark.django_db
def test_article_body_is_sanitised_on_save():
    article = ArticleFactory(body='<p onclick="x()">Ciao<script>alert(1)</script></p>')
    article.refresh_from_db()
    assert article.body == "<p>Ciao</p>"
