"""Feedback of a chosen length for credit tests: every word a different specific word, because the
tiers of credit by substance count what a text says once (filler and repeats do not count)."""

from __future__ import annotations

WORDS = [
    "camera",
    "angle",
    "lighting",
    "pacing",
    "intro",
    "colour",
    "sound",
    "music",
    "edit",
    "cut",
    "framing",
    "voice",
    "caption",
    "thumbnail",
    "title",
    "chapter",
    "ending",
    "hook",
    "zoom",
    "tripod",
    "microphone",
    "background",
    "script",
    "joke",
    "transition",
    "outro",
    "contrast",
    "exposure",
    "focus",
    "grading",
    "subtitles",
    "narration",
    "timing",
    "rhythm",
    "tempo",
    "beat",
    "melody",
    "chorus",
    "verse",
    "bridge",
    "guitar",
    "drums",
    "bass",
    "vocals",
    "harmony",
    "mixing",
    "mastering",
    "reverb",
]


def text_of(words: int) -> str:
    """``words`` words, all different up to len(WORDS) (48), then repeating."""
    return " ".join(WORDS[i % len(WORDS)] for i in range(words))
