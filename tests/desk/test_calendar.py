"""The planning calendar: planned, scheduled and published stories, filterable, fixed cost."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.desk.factories import AssignmentFactory
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EditorFactory,
    JournalistFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("admin:desk-calendar")
# A fixed Wednesday, so the week and the month are known.
ANCHOR = "2030-04-17"


def at(day: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(datetime(2030, 4, day).date(), time(hour)))


def entries(response) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for week in response.context["weeks"]:
        for day in week:
            for entry in day.entries:
                found.setdefault(entry.kind, []).append(entry.title)
    return found


@pytest.fixture
def planned_month():
    farmaci = SectionFactory(name="Farmaci", slug="farmaci")
    biotech = SectionFactory(name="Biotech", slug="biotech", parent=farmaci)
    politica = SectionFactory(name="Politica", slug="politica")
    laura = JournalistFactory(first_name="Laura")
    author = AuthorFactory(user=laura)
    AssignmentFactory(title="Pitch biotech", section=biotech, assignee=laura, due_at=at(16))
    AssignmentFactory(title="Pitch politica", section=politica, due_at=at(18))
    AssignmentFactory(title="Pitch di fine mese", section=politica, due_at=at(29))
    ArticleFactory(title="Uscito lunedì", section=farmaci, publish_at=at(15), authors=[author])
    ArticleFactory(title="Uscito a inizio mese", section=politica, publish_at=at(2))
    future = timezone.now() + timedelta(days=3650)
    ArticleFactory(title="Troppo lontano", section=politica, publish_at=future)
    return {"farmaci": farmaci, "politica": politica, "laura": laura}


def test_week_shows_planned_and_published_stories_of_that_week(client, planned_month):
    client.force_login(EditorFactory())
    response = client.get(URL, {"data": ANCHOR})
    assert response.status_code == 200
    found = entries(response)
    # 2030 is in the future: an article dated then is scheduled, not published.
    assert found == {"scheduled": ["Uscito lunedì"], "planned": ["Pitch biotech", "Pitch politica"]}
    assert "settimana dal 15 aprile al 21 aprile 2030" in response.content.decode().lower()


def test_month_covers_whole_weeks_and_every_story_of_the_month(client, planned_month):
    client.force_login(EditorFactory())
    response = client.get(URL, {"data": ANCHOR, "vista": "mese"})
    found = entries(response)
    assert sorted(found["scheduled"]) == ["Uscito a inizio mese", "Uscito lunedì"]
    assert found["planned"] == ["Pitch biotech", "Pitch politica", "Pitch di fine mese"]
    days = [day.date for week in response.context["weeks"] for day in week]
    assert days[0].isoformat() == "2030-04-01" and days[-1].isoformat() == "2030-05-05"
    assert "aprile 2030" in response.content.decode()


def test_filters_by_section_with_its_subsections_and_by_person(client, planned_month):
    client.force_login(EditorFactory())
    by_section = client.get(
        URL, {"data": ANCHOR, "vista": "mese", "sezione": planned_month["farmaci"].pk}
    )
    assert entries(by_section) == {"scheduled": ["Uscito lunedì"], "planned": ["Pitch biotech"]}
    by_person = client.get(
        URL, {"data": ANCHOR, "vista": "mese", "persona": planned_month["laura"].pk}
    )
    assert entries(by_person) == {"scheduled": ["Uscito lunedì"], "planned": ["Pitch biotech"]}


def test_nonsense_parameters_fall_back_to_this_week_unfiltered(client, planned_month):
    client.force_login(EditorFactory())
    response = client.get(URL, {"data": "ieri", "sezione": "abc", "persona": "99999"})
    assert response.status_code == 200
    assert response.context["section_id"] is None and response.context["person_id"] is None


@pytest.mark.parametrize("view", ["settimana", "mese"])
def test_calendar_costs_nine_queries_however_many_stories(
    client, django_assert_num_queries, planned_month, view
):
    """Session, user, 2 permissions, sections, people, articles, assignments, and the
    admin's own check for an editor that the single Publisher row exists."""
    section = planned_month["politica"]
    for day in range(1, 29):
        ArticleFactory(section=section, publish_at=at(day, 9))
        AssignmentFactory(section=section, due_at=at(day, 15), assignee=planned_month["laura"])
    client.force_login(EditorFactory())
    client.get(URL)  # fills the site chrome's cache
    with django_assert_num_queries(9):
        response = client.get(URL, {"data": ANCHOR, "vista": view})
    assert len(entries(response)["planned"]) >= 7
