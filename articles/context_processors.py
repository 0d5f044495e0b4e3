from articles.models import Publisher, Section


def site(request):
    """Masthead and navigation for every page; both are cached between requests."""
    return {"publisher": Publisher.load(), "nav_sections": Section.navigation()}
