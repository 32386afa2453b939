"""The two-tap questions before and after a check-in, for each person, and when they are kept.

Always optional and never in the way: the questions before stay up for the first minute at
most; Skip keeps nothing; what was chosen is kept (with the session, through
``check_ins``) when the person says Done, when the minute runs out, or when the session
ends. Each partner's answers are their own; ``shared`` lets the other see them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from pausepoint.errors import BadInput, UserError
from pausepoint.sessions.check_ins import (
    MOODS,
    SUGGESTED_TAGS,
    Answers,
    PauseHelped,
    add_tags,
    clean_tag,
    known_tags,
    save_answers,
)
from pausepoint.sessions.store import Store
from pausepoint.ui.view_model import TimelineEntry

ASK_BEFORE_S = 60.0
"""The questions before go away by themselves once the talk is a minute old."""
MOOD_WORDS = {1: "1 calm", 2: "2", 3: "3", 4: "4", 5: "5 tense"}
HELPED_WORDS = {
    PauseHelped.YES: "Yes",
    PauseHelped.NO: "No",
    PauseHelped.NOT_TAKEN: "I didn't take it",
}
BEFORE_QUESTION = "How are you right now?"
TAGS_QUESTION = "What is the talk about?"
AFTER_QUESTION = "How did it go?"
HELPED_QUESTION = "Did the pause help?"
PAUSE_KINDS = frozenset({"flooding_start", "shared_pause_start"})
"""Events that put the pause prompt on screen: then "Did the pause help?" is asked."""


class Stage(StrEnum):
    BEFORE = "before"
    AFTER = "after"
    CLOSED = "closed"


@dataclass
class PersonAnswers:
    """What one person has chosen so far, and where their questions are."""

    person: int
    stage: Stage = Stage.BEFORE
    mood_before: int | None = None
    tags: list[str] = field(default_factory=list)
    mood_after: int | None = None
    pause_helped: PauseHelped | None = None
    shared: bool = False
    kept: Answers | None = None
    """The answers as last stored (None: nothing stored for this person)."""

    def answers(self) -> Answers:
        return Answers(self.mood_before, self.mood_after, self.pause_helped, self.shared)

    @property
    def answered(self) -> bool:
        return any(
            value is not None for value in (self.mood_before, self.mood_after, self.pause_helped)
        )


class CheckInAnswers:
    """Both questionnaires of one session (one person's, or each partner's), and their store.

    ``store`` and ``session_id`` None: a session that is not recorded; the questions are
    still asked (and their answers forgotten), so the window looks the same either way.
    """

    def __init__(
        self,
        persons: int,
        known_tags: list[str],
        store: Store | None = None,
        session_id: int | None = None,
    ) -> None:
        self.people = [PersonAnswers(person) for person in range(persons)]
        self.known_tags = list(known_tags)
        self.store = store
        self.session_id = session_id
        self.pause_prompted = False
        self.ended = False
        self.problem: str | None = None
        self.revision = 0

    @classmethod
    def for_session(
        cls, persons: int, store: Store | None, session_id: int | None
    ) -> CheckInAnswers:
        """The questions for a new session, offering the tags used before first; a store
        that cannot be read offers the suggested ones."""
        offered = list(SUGGESTED_TAGS)
        if store is not None:
            try:
                offered = known_tags(store)
            except UserError:
                store = None
        return cls(persons, offered, store, session_id)

    @property
    def couple(self) -> bool:
        return len(self.people) == 2

    def stage(self, person: int) -> Stage:
        return self.people[person].stage

    def asks_if_pause_helped(self) -> bool:
        return self.pause_prompted

    # ----------------------------------------------------------- choices

    def choose_mood(self, person: int, mood: int) -> None:
        """A tap on 1 ... 5: the mood before or after, whichever is asked now (again: undone)."""
        if mood not in MOODS:
            raise BadInput(f"a mood is 1 (calm) to 5 (tense), got {mood}")
        p = self.people[person]
        if p.stage == Stage.BEFORE:
            p.mood_before = None if p.mood_before == mood else mood
        elif p.stage == Stage.AFTER:
            p.mood_after = None if p.mood_after == mood else mood
        self._changed()

    def toggle_tag(self, person: int, tag: str) -> None:
        p = self.people[person]
        cleaned = clean_tag(tag)
        if cleaned in p.tags:
            p.tags.remove(cleaned)
        else:
            p.tags.append(cleaned)
        self._changed()

    def add_own_tag(self, person: int, text: str) -> str | None:
        """A word the person typed: chosen, and offered from now on; None when it is empty
        or too long to keep."""
        try:
            cleaned = clean_tag(text)
        except BadInput:
            return None
        if cleaned not in self.known_tags:
            self.known_tags.append(cleaned)
        if cleaned not in self.people[person].tags:
            self.people[person].tags.append(cleaned)
        self._changed()
        return cleaned

    def choose_helped(self, person: int, helped: PauseHelped) -> None:
        p = self.people[person]
        p.pause_helped = None if p.pause_helped == helped else helped
        self._changed()

    def set_shared(self, person: int, shared: bool) -> None:
        self.people[person].shared = shared
        self._changed()

    # ----------------------------------------------------------- moments

    def done(self, person: int) -> None:
        """Done: what was chosen is kept, and the questions go away."""
        p = self.people[person]
        self._keep(p)
        p.stage = Stage.CLOSED
        self._changed()

    def skip(self, person: int) -> None:
        """Skip: this stage's choices are dropped, nothing is kept for them."""
        p = self.people[person]
        if p.stage == Stage.BEFORE:
            p.mood_before = None
            p.tags.clear()
        elif p.stage == Stage.AFTER:
            p.mood_after = None
            p.pause_helped = None
        p.stage = Stage.CLOSED
        self._changed()

    def tick(self, t_s: float) -> None:
        """The first minute is over: questions before still up close, keeping what was
        chosen."""
        if t_s < ASK_BEFORE_S:
            return
        for p in self.people:
            if p.stage == Stage.BEFORE:
                self.done(p.person)

    def see_entries(self, entries: Iterable[TimelineEntry]) -> None:
        """The session's events so far: once one of them prompted a pause, the questions
        after ask whether it helped."""
        if not self.pause_prompted and any(e.kind in PAUSE_KINDS for e in entries):
            self.pause_prompted = True
            self._changed()

    def close(self) -> None:
        """Nothing to ask any more (a session that never heard a heartbeat is not kept)."""
        if all(p.stage == Stage.CLOSED for p in self.people):
            return
        for p in self.people:
            p.stage = Stage.CLOSED
        self.ended = True
        self._changed()

    def session_ended(self) -> None:
        """The questions after, for everyone; what was chosen before and not yet kept is
        kept now (once: a second call changes nothing)."""
        if self.ended:
            return
        self.ended = True
        for p in self.people:
            if p.stage == Stage.BEFORE:
                self._keep(p)
            p.stage = Stage.AFTER
        self._changed()

    # ----------------------------------------------------------- storing

    def _keep(self, p: PersonAnswers) -> None:
        """Store what ``p`` chose; a store that fails is said once in ``problem`` (the
        session goes on: answers are never worth interrupting it)."""
        if self.store is None or self.session_id is None:
            return
        answers = p.answers()
        try:
            if p.tags:
                add_tags(self.store, self.session_id, p.tags)
            if p.answered and answers != p.kept:
                save_answers(self.store, self.session_id, answers, p.person)
                p.kept = answers
        except UserError as exc:
            self.problem = f"Your answers could not be kept: {exc}"

    def _changed(self) -> None:
        self.revision += 1
