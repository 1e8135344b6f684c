"""Synthetic comment texts for each kind of simulated behaviour."""

from __future__ import annotations

import random

_OPENERS = [
    "The opening hook works well",
    "I liked how you introduced the topic",
    "Your pacing in the first minute is strong",
    "The thumbnail promise matches the content",
    "The lighting and framing look clean",
    "The story arc is easy to follow",
    "Your voice-over sounds confident",
    "The cuts between scenes feel natural",
]
_CRITIQUES = [
    "but the middle section drags a little, maybe trim the second example",
    "although the background music is a bit loud under your voice",
    "though the ending feels abrupt, a short recap would help",
    "but the text overlays disappear too fast to read on a phone",
    "yet the intro could be ten seconds shorter to keep viewers",
    "though a chapter list in the description would help people navigate",
    "but the audio level changes between clips, worth normalising",
    "although the call to action comes before you have earned it",
]
_DETAILS = [
    "the colour grade in the outdoor shots",
    "the joke about the broken tripod",
    "your explanation of the settings",
    "the before and after comparison",
    "the map animation",
    "the interview with your friend",
    "the slow motion sequence",
    "the list of tools in the middle",
    "the story about your first attempt",
    "the drone shot over the bridge",
    "the recipe card on screen",
    "the tip about batch recording",
]
_CLOSERS = [
    "Overall a solid upload and I learned something.",
    "Looking forward to the next part of the series.",
    "The B-roll at the end was my favourite bit.",
    "Great energy throughout, keep experimenting with formats.",
    "Clear explanation, I would share this with a friend.",
    "Nice improvement compared to your earlier uploads.",
]
_GENERIC = ["nice video!!", "great content", "cool 👍", "awesome!!!", "love it", "good job bro", "nice 🔥🔥"]
_PROMO = [
    "nice video, check out my channel for more like this!!",
    "sub4sub? subscribe to my channel and I will sub back",
    "great! visit www.example-promo.com for free subscribers",
    "check my new video please, link in my profile",
]
_RING = [
    "great vid bro, really good work keep going with it always",
    "this one is really good, nice editing and a good topic too",
]


def substantive(rng: random.Random) -> str:
    minute, second = rng.randrange(0, 15), rng.randrange(0, 60)
    return (
        f"{rng.choice(_OPENERS)}, {rng.choice(_CRITIQUES)}. "
        f"Around {minute}:{second:02d} I really liked {rng.choice(_DETAILS)}. {rng.choice(_CLOSERS)}"
    )


def generic(rng: random.Random) -> str:
    return rng.choice(_GENERIC)


def promotional(rng: random.Random) -> str:
    return rng.choice(_PROMO)


def ring_praise(rng: random.Random) -> str:
    return rng.choice(_RING)


def video_title(rng: random.Random, n: int) -> str:
    topics = ["vlog", "tutorial", "review", "short film", "cover", "recipe", "travel diary", "speedrun"]
    return f"My {rng.choice(topics)} #{n}"
