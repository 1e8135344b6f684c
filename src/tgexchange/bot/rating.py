"""The rating card (issue 19 §1): the owner's one tap per statement on one verified feedback, and
the [⭐ Rate] buttons under the notices that tell an owner their feedback was verified.

Callback data: ``rt:<task>`` opens the card, ``rt:<task>:<s|a|r>:<1..5>`` sets one mark.
"""

from __future__ import annotations

from datetime import datetime

from tgexchange.bot import directory, steps
from tgexchange.bot.keyboards import RATE, Button, Keyboard, callback
from tgexchange.bot.texts import MAX_TITLE, Texts, short
from tgexchange.domain.rating import CHANGE_WINDOW, MARKS, Rating, Statement
from tgexchange.domain.task import TaskStatus
from tgexchange.services.ports import UnitOfWork

MAX_QUOTE = 600
# Under one notice: more verified feedback than this at once is rated from /mysubmissions later.
MOST_RATE_BUTTONS = 3
LETTERS: dict[str, Statement] = {"s": Statement.SPECIFIC, "a": Statement.ACTIONABLE, "r": Statement.RESPECTFUL}
_EMOJI = {Statement.SPECIFIC: "🎯", Statement.ACTIONABLE: "🛠", Statement.RESPECTFUL: "🤝"}


def rate_buttons(texts: Texts, language: str, uow: UnitOfWork, submission_id: int) -> Keyboard:
    """[⭐ Rate Ana's feedback] for the submission's latest verified feedback not yet rated."""
    with uow:
        verified = uow.tasks.list_for_submission(submission_id, statuses=frozenset({TaskStatus.VERIFIED}))
        unrated = [t for t in verified if uow.ratings.find(t.id) is None]
    unrated.sort(key=lambda t: t.id, reverse=True)  # the latest first
    chosen = unrated[:MOST_RATE_BUTTONS]
    names = directory.names(uow, [t.giver_id for t in chosen])
    return tuple(
        (
            Button(
                texts.label(language, "button-rate", giver=names.get(t.giver_id, "?")),
                callback_data=callback(RATE, t.id),
            ),
        )
        for t in chosen
    )


def card(
    texts: Texts, language: str, view: directory.TaskView, rating: Rating | None, *, now: datetime
) -> tuple[str, Keyboard]:
    """The card: whose feedback, what it said, a line per statement with its mark, and until when
    the marks may change; a row of 1–5 per statement, then the next steps."""
    marks = rating.marks if rating is not None else dict.fromkeys(Statement)
    lines = [
        texts.get(
            language,
            "rating-card",
            giver=view.giver_name,
            title=short(view.submission.title, MAX_TITLE),
            text=short(view.task.feedback_text or "", MAX_QUOTE),
        )
    ]
    for statement in Statement:
        mark = marks[statement]
        lines.append(texts.get(language, f"rating-{statement.value}", mark=0 if mark is None else mark))
    if rating is not None and rating.is_complete:
        lines.append(
            texts.get(language, "rating-thanks", until=texts.until(language, rating.rated_at + CHANGE_WINDOW, now=now))
        )
    rows: list[tuple[Button, ...]] = []
    for letter, statement in LETTERS.items():
        rows.append(
            tuple(
                Button(
                    ("✅" if marks[statement] == n else (_EMOJI[statement] if n == 1 else "")) + str(n),
                    callback_data=callback(RATE, view.task.id, letter, n),
                )
                for n in MARKS
            )
        )
    rows.extend(steps.after(texts, language, "rating-card"))
    return "\n".join(lines), tuple(rows)
