"""Labelled news-like corpora for measuring related articles (deterministic).

Each article belongs to one topic (its label) and to one story inside the topic
(a few days, a few story words and names). Its words come from a mixture: the
general news vocabulary, its own topic, its story, the confusable partner
topic, any other topic, and names shared by every topic. Some articles are
near-duplicate rewrites of another (a wire story republished), some are
interviews with a recurring person. Everything sits in one section, like the
held-out evaluation corpus.

    python -m tests.related_corpus.generate --lang en --articles 600 > en.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import UTC, datetime, timedelta

from tests.related_corpus.words import LANGUAGES

# Share of an article's words drawn from each source (sums to 1).
MIXTURE = {
    "general": 0.42,
    "topic": 0.20,
    "story": 0.08,
    "partner": 0.11,
    "other": 0.12,
    "entity": 0.07,
}
STORIES_PER_TOPIC = 8
START = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)


def _zipf_choice(rng: random.Random, words: list[str]) -> str:
    # Rank-based weights: a few words of each list dominate, as in real text.
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(words))]
    return rng.choices(words, weights)[0]


def _topic_words(topic) -> tuple[list[str], list[str]]:
    _label, own, shared, _tags = topic
    return own.split(), shared.split()


def generate(lang: str = "en", articles: int = 600, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    topics, general, stop, entities = LANGUAGES[lang]
    partner = {i: i ^ 1 for i in range(len(topics))}
    stories = []
    for t, topic in enumerate(topics):
        own, shared = _topic_words(topic)
        for s in range(STORIES_PER_TOPIC):
            stories.append(
                {
                    "topic": t,
                    "id": f"{topic[0]}-{s}",
                    "words": rng.sample(own + shared, 3) + rng.sample(general, 2),
                    "names": rng.sample(entities, 2),
                    "day": START + timedelta(days=rng.randrange(0, 300)),
                    "person": rng.choice(entities) if rng.random() < 0.3 else None,
                }
            )

    def word(story, source: str) -> str:
        t = story["topic"]
        if source == "general":
            return _zipf_choice(rng, general)
        if source == "topic":
            own, shared = _topic_words(topics[t])
            return _zipf_choice(rng, own + shared)
        if source == "story":
            return rng.choice(story["words"] + story["names"])
        if source == "partner":
            own, shared = _topic_words(topics[partner[t]])
            return _zipf_choice(rng, own + shared)
        if source == "other":
            other = rng.choice([i for i in range(len(topics)) if i not in (t, partner[t])])
            return _zipf_choice(rng, _topic_words(topics[other])[0])
        return rng.choice(entities)

    sources, weights = list(MIXTURE), list(MIXTURE.values())

    def text(story, n: int) -> str:
        words = []
        for _ in range(n):
            if rng.random() < 0.3:
                words.append(rng.choice(stop))
            words.append(word(story, rng.choices(sources, weights)[0]))
        return " ".join(words)

    records: list[dict] = []
    for n in range(articles):
        if records and rng.random() < 0.04:
            # A near-duplicate: the same piece republished with a new headline word.
            original = rng.choice(records)
            record = dict(original)
            record["id"] = f"r-{n:06d}"
            record["slug"] = f"articolo-{n}"
            record["title"] = original["title"] + " " + rng.choice(general)
            record["published_at"] = (
                datetime.fromisoformat(original["published_at"]) + timedelta(hours=2)
            ).isoformat()
            records.append(record)
            continue
        story = rng.choice(stories)
        t = story["topic"]
        label, _own, _shared, tag_names = topics[t]
        length = int(min(max(rng.lognormvariate(5.0, 0.6), 40), 900))
        title_words = [rng.choice(story["words"]), word(story, "topic"), word(story, "topic")]
        title_words += [word(story, rng.choice(["general", "partner", "other", "entity"]))]
        rng.shuffle(title_words)
        paragraphs = [text(story, rng.randint(30, 80)) for _ in range(max(length // 60, 1))]
        tags = rng.sample(tag_names.split(), 1) if rng.random() < 0.6 else []
        tags += rng.sample([tg for tp in topics for tg in tp[3].split()], rng.randint(0, 2))
        interview = story["person"] is not None and rng.random() < 0.5
        published = story["day"] + timedelta(hours=rng.randint(0, 96))
        records.append(
            {
                "id": f"r-{n:06d}",
                "slug": f"articolo-{n}",
                "title": " ".join(title_words).capitalize(),
                "standfirst": text(story, rng.randint(12, 22)).capitalize() + ".",
                "body_html": "".join(f"<p>{p}.</p>" for p in paragraphs),
                "section": "notizie",
                "section_name": "Notizie",
                "tags": sorted(set(tags)),
                "kind": "interview" if interview else "news",
                "interviewee": {"name": story["person"], "slug": story["person"].lower()}
                if interview
                else None,
                "published_at": published.isoformat(),
                "story": story["id"],
                "label": label,
            }
        )
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=sorted(LANGUAGES), default="en")
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for record in generate(args.lang, args.articles, args.seed):
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
