"""The next step after a message that ends one, as buttons: members tap their way through the
exchange instead of typing commands.

A button's callback data is ``go:<step>``; ``bot/app.go`` runs the step as if its command had been
typed. ``STEP_ENDS`` names every catalogue text that ends a step and the steps offered under it
(a test checks that each is offered and that every text of the catalogue is either here or known
not to end a step).
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

from tgexchange.bot.keyboards import Button, Keyboard, callback
from tgexchange.bot.texts import Texts

GO = "go"


class Step(StrEnum):
    LINK = "link"  # link a channel (ownership proof)
    TASK = "task"  # give feedback: get a task
    SUBMIT = "submit"  # how to ask for feedback: send a link to your own video
    SUBMISSIONS = "mysubmissions"
    ME = "me"
    HELP = "help"


LABELS: dict[Step, str] = {
    Step.LINK: "button-link",
    Step.TASK: "button-get-task",
    Step.SUBMIT: "button-ask-feedback",
    Step.SUBMISSIONS: "button-my-submissions",
    Step.ME: "button-me",
    Step.HELP: "button-help",
}


def buttons(texts: Texts, language: str, *steps: Step) -> Keyboard:
    """The steps as buttons, two to a row (thumb-sized on a phone)."""
    return _buttons(texts, language, steps)


# A keyboard of steps never changes for a language (and a Keyboard is immutable), while nearly
# every answer carries one: built once.
@lru_cache(maxsize=512)
def _buttons(texts: Texts, language: str, steps: tuple[Step, ...]) -> Keyboard:
    row: list[Button] = []
    rows: list[tuple[Button, ...]] = []
    for step in steps:
        row.append(Button(texts.label(language, LABELS[step]), callback_data=callback(GO, step.value)))
        if len(row) == 2:
            rows.append(tuple(row))
            row = []
    if row:
        rows.append(tuple(row))
    return tuple(rows)


def first_steps(*, linked: bool) -> tuple[Step, ...]:
    """What a member does next when nothing else is going on."""
    return (Step.TASK, Step.SUBMIT) if linked else (Step.LINK, Step.TASK)


# Texts that end a step, and what comes next. Texts whose next step depends on the member (the
# welcome, their balance) are listed with the steps of a member who linked a channel; the
# handler picks ``first_steps`` for them.
STEP_ENDS: dict[str, tuple[Step, ...]] = {
    "start-welcome-new": (Step.LINK, Step.TASK),
    "start-welcome-back": (Step.TASK, Step.SUBMIT),
    "start-switched": (Step.TASK, Step.SUBMIT),
    "language-set": (Step.TASK, Step.HELP),
    "link-linked": (Step.TASK, Step.SUBMIT),
    "cancelled": (Step.TASK, Step.SUBMIT),
    "submit-done": (Step.TASK, Step.SUBMISSIONS),
    "submit-how": (Step.SUBMISSIONS, Step.TASK),
    "submissions-withdrawn": (Step.SUBMIT, Step.TASK),
    "submissions-kept": (Step.SUBMISSIONS, Step.TASK),
    "submissions-none": (Step.SUBMIT, Step.TASK),
    "task-skipped": (Step.TASK, Step.SUBMISSIONS),
    "task-done-auto": (Step.TASK, Step.SUBMISSIONS),
    "task-done-owner": (Step.TASK, Step.SUBMISSIONS),
    "review-confirmed": (Step.TASK, Step.SUBMISSIONS),
    "review-denied": (Step.TASK, Step.SUBMISSIONS),
    "review-held-denied": (Step.TASK, Step.SUBMISSIONS),
    "review-disputed": (Step.TASK, Step.ME),
    "balance": (Step.TASK, Step.SUBMIT),
    "rating-card": (Step.TASK, Step.SUBMISSIONS),
    "leaderboard-empty": (Step.TASK,),
    "unknown-text": (Step.SUBMIT, Step.TASK, Step.HELP),
    "notice-task_verified": (Step.TASK, Step.SUBMIT),
    "notice-feedback_received": (Step.SUBMISSIONS, Step.TASK),
    "notice-task_rejected": (Step.TASK, Step.HELP),
    "notice-task_expired": (Step.TASK,),
    "notice-task_cancelled": (Step.TASK,),
    "notice-submission_completed": (Step.SUBMIT, Step.TASK),
    "notice-feedback_not_found_yet": (Step.SUBMISSIONS, Step.TASK),
    "error-no_channel_linked": (Step.LINK,),
    "error-insufficient_credits": (Step.TASK,),
    "error-no_task_available": (Step.SUBMIT, Step.ME),
    "error-task_deadline_passed": (Step.TASK,),
    "error-too_many_open_tasks": (Step.ME,),
    "error-proof_not_started": (Step.LINK,),
    "error-proof_expired": (Step.LINK,),
    "error-duplicate_submission": (Step.SUBMISSIONS,),
    "error-not_your_content": (Step.LINK, Step.HELP),
    "error-illegal_transition": (Step.TASK, Step.ME),
    "error-not_your_task": (Step.TASK,),
    "error-task_not_found": (Step.TASK, Step.ME),
    "error-submission_not_found": (Step.SUBMISSIONS,),
    "error-submission_closed": (Step.SUBMISSIONS,),
    "error-not_your_submission": (Step.SUBMISSIONS,),
    "error-platform_not_allowed": (Step.HELP,),
    "error-unsupported_link": (Step.HELP,),
    "error-short_link_needs_lookup": (Step.HELP,),
    "error-content_unavailable": (Step.HELP,),
    "error-channel_already_linked": (Step.HELP,),
    "error-proof_not_found": (Step.HELP,),
    # Fair play (bot/fair_play.py, handlers/appeal.py)
    "error-cooldown_active": (Step.TASK, Step.ME),
    "cooldown-refused": (Step.TASK, Step.ME),
    "error-admission_closed": (Step.HELP,),
    "admission-closed": (Step.HELP,),
    "appeal-filed": (Step.ME, Step.TASK),
    "appeal-usage": (Step.ME,),
    "notice-appeal_decided": (Step.ME, Step.TASK),
    "error-penalty_not_found": (Step.ME,),
    "error-nothing_to_appeal": (Step.ME, Step.TASK),
    "error-appeal_already_filed": (Step.ME,),
    "error-appeal_text_missing": (Step.ME,),
}


def after(texts: Texts, language: str, key: str) -> Keyboard:
    """The buttons under the text ``key`` (empty for a text that ends no step)."""
    return buttons(texts, language, *STEP_ENDS.get(key, ()))
