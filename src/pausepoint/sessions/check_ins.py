"""Before and after a check-in: each partner's two-tap answers and what the talk was about.

Always optional. Answers belong to their author (``person``) and are private unless they
choose to share them; tags belong to the session. Both are kept beside the session's rows,
so a year of them is read without touching samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pausepoint.errors import BadInput
from pausepoint.sessions.store import Store

MOODS = range(1, 6)
"""How are you right now? 1 calm ... 5 tense."""
SUGGESTED_TAGS = ("money", "chores", "family", "intimacy", "work", "plans")
MAX_TAG_CHARS = 40


class PauseHelped(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_TAKEN = "not_taken"


@dataclass(frozen=True)
class Answers:
    """One person's answers for one session; None where they did not answer."""

    mood_before: int | None = None
    mood_after: int | None = None
    pause_helped: PauseHelped | None = None
    shared: bool = False
    """Shown to the partner (and in a couple report) only when True."""

    def __post_init__(self) -> None:
        for name, mood in (("before", self.mood_before), ("after", self.mood_after)):
            if mood is not None and mood not in MOODS:
                raise BadInput(f"mood {name} must be 1 (calm) to 5 (tense), got {mood}")


def clean_tag(tag: str) -> str:
    """A tag as kept: trimmed and lower case; an empty or very long one is refused."""
    cleaned = " ".join(tag.split()).lower()
    if not cleaned or len(cleaned) > MAX_TAG_CHARS:
        raise BadInput(f"a tag is 1 to {MAX_TAG_CHARS} characters, got {tag!r}")
    return cleaned


def save_answers(store: Store, session_id: int, answers: Answers, person: int = 0) -> None:
    """Keep (or replace) one person's answers for a session."""
    store.session(session_id)  # a one-line error for a session that is not there
    helped = None if answers.pause_helped is None else str(answers.pause_helped)
    with store.write() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO check_ins "
            "(session_id, person, mood_before, mood_after, pause_helped, shared) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (session_id, person, answers.mood_before, answers.mood_after, helped, answers.shared),
        )


def answers_of(store: Store, session_id: int) -> dict[int, Answers]:
    """Each person's answers for a session, by person."""
    with store.guard():
        rows = store.connection.execute(
            "SELECT person, mood_before, mood_after, pause_helped, shared FROM check_ins "
            "WHERE session_id = ? ORDER BY person",
            (session_id,),
        ).fetchall()
    return {
        person: Answers(before, after, helped and PauseHelped(helped), bool(shared))
        for person, before, after, helped, shared in rows
    }


def add_tags(store: Store, session_id: int, tags: list[str]) -> list[str]:
    """Tag a session (a tag it has already is kept once); returns its tags."""
    cleaned = [clean_tag(tag) for tag in tags]
    store.session(session_id)
    with store.write() as conn:
        conn.executemany(
            "INSERT OR IGNORE INTO session_tags (session_id, tag) VALUES (?, ?)",
            [(session_id, tag) for tag in cleaned],
        )
    return tags_of(store, session_id)


def tags_of(store: Store, session_id: int) -> list[str]:
    with store.guard():
        rows = store.connection.execute(
            "SELECT tag FROM session_tags WHERE session_id = ? ORDER BY tag", (session_id,)
        ).fetchall()
    return [tag for (tag,) in rows]


def known_tags(store: Store) -> list[str]:
    """The suggested tags, then the person's own, most used first: remembered for next time."""
    with store.guard():
        rows = store.connection.execute(
            "SELECT tag FROM session_tags GROUP BY tag ORDER BY count(*) DESC, tag"
        ).fetchall()
    own = [tag for (tag,) in rows if tag not in SUGGESTED_TAGS]
    return [*SUGGESTED_TAGS, *own]


def answers_by_session(store: Store) -> dict[int, dict[int, Answers]]:
    """Every session's answers, by session and person, in one read (a year of trends)."""
    with store.guard():
        rows = store.connection.execute(
            "SELECT session_id, person, mood_before, mood_after, pause_helped, shared "
            "FROM check_ins ORDER BY session_id, person"
        ).fetchall()
    found: dict[int, dict[int, Answers]] = {}
    for session_id, person, before, after, helped, shared in rows:
        answers = Answers(before, after, helped and PauseHelped(helped), bool(shared))
        found.setdefault(session_id, {})[person] = answers
    return found


def tags_by_session(store: Store) -> dict[int, list[str]]:
    """Every session's tags, in one read."""
    with store.guard():
        rows = store.connection.execute(
            "SELECT session_id, tag FROM session_tags ORDER BY session_id, tag"
        ).fetchall()
    found: dict[int, list[str]] = {}
    for session_id, tag in rows:
        found.setdefault(session_id, []).append(tag)
    return found
