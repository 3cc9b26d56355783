"""Finding a partner from a few typed letters, and telling a phone from an email: the
quick log's rules, with no database."""

from __future__ import annotations

from dataclasses import dataclass

from pegboard.phones import phone_problem
from pegboard.services.contacts import check_email
from pegboard.text import folded


@dataclass(frozen=True)
class PartnerMatch:
    id: int
    name: str
    company: str
    category: str


def split_reach(text: str) -> tuple[str, str]:
    """'ann@x.com' -> (email, ''), '+1 555 0100' -> ('', phone)."""
    text = text.strip()
    return (text, "") if "@" in text else ("", text)


def reach_problem(text: str, region: str) -> str | None:
    """What is wrong with a phone (read in `region`) or an email typed in one field."""
    email, phone = split_reach(text)
    return check_email(email) if email else phone_problem(phone, region)


def fuzzy_score(query: str, candidate: str) -> int:
    """How well a few typed letters match a name: higher is better, 0 is no match.

    A prefix beats the start of a later word, which beats a substring, which
    beats the letters in order with gaps ("dk" finds "Dana Keller").
    """
    query, candidate = folded(query).strip(), folded(candidate)
    if not query:
        return 1
    if candidate.startswith(query):
        return 400 - len(candidate)
    if any(word.startswith(query) for word in candidate.split()):
        return 300 - len(candidate)
    if query in candidate:
        return 200 - len(candidate)
    position = 0
    for letter in query:
        position = candidate.find(letter, position) + 1
        if position == 0:
            return 0
    return 100 - len(candidate)


def rank_partners(partners: list[PartnerMatch], text: str, limit: int = 6) -> list[PartnerMatch]:
    """The partners a few typed letters fit, best first (a company match counts half)."""
    scored = []
    for partner in partners:
        score = fuzzy_score(text, partner.name)
        if partner.company:
            score = max(score, fuzzy_score(text, partner.company) // 2)
        if score > 0:
            scored.append((-score, partner.name.lower(), partner))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [partner for _, _, partner in scored[:limit]]
