from articles.chrome import Chrome, snapshot


def site(request):
    """Masthead, navigation and the shared page chrome, from one cached snapshot."""
    found = snapshot(request)
    return {
        "publisher": found["publisher"],
        "nav_sections": found["nav_sections"],
        "chrome": Chrome(path=request.path, **found),
    }
