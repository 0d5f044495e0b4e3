"""robots.txt rules for AI crawlers, per the publisher's choice (Publisher.ai_crawlers)."""

from __future__ import annotations

from articles.models import Publisher

# Crawlers that collect pages to train models (documented user-agent tokens).
TRAINING_CRAWLERS = (
    "GPTBot",
    "ClaudeBot",
    "anthropic-ai",
    "CCBot",
    "Google-Extended",
    "Applebot-Extended",
    "meta-externalagent",
    "Bytespider",
    "cohere-training-data-crawler",
    "Diffbot",
    "Amazonbot",
)
# Assistants and AI search engines that fetch pages to answer a user.
ASSISTANT_CRAWLERS = (
    "ChatGPT-User",
    "OAI-SearchBot",
    "Claude-User",
    "Claude-SearchBot",
    "PerplexityBot",
    "Perplexity-User",
    "DuckAssistBot",
    "MistralAI-User",
)


def ai_crawler_rules() -> list[str]:
    """The robots.txt groups to append (an empty list allows every crawler)."""
    choice = Publisher.load().ai_crawlers
    if choice == Publisher.AiCrawlers.ALLOW:
        return []
    agents = TRAINING_CRAWLERS
    if choice == Publisher.AiCrawlers.BLOCK_ALL:
        agents = TRAINING_CRAWLERS + ASSISTANT_CRAWLERS
    return [*(f"User-agent: {agent}" for agent in agents), "Disallow: /", ""]
