"""Synthetic comment texts for each kind of simulated behaviour."""

from __future__ import annotations

import random
from dataclasses import dataclass

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


# Abusers who must get past the quality gate. One person behind a ring or pair writes for every
# account, in one voice: a handful of habits (their own openers and sign-offs) over specific,
# varied bodies, so each account's feedback passes the gate (not generic, not a near-copy of that
# account's own earlier feedback) while the group's texts resemble each other more than strangers'.
_VOICE_OPENERS = [
    "Honestly the first thirty seconds pulled me in",
    "Watched it twice before writing this",
    "Quick thoughts after watching on my phone",
    "Straight to the point, which I appreciate",
    "Solid structure from start to finish",
    "The framing in the opening scene stands out",
    "Really clear setup of what the video is about",
    "Coming back to this one after the last upload",
    "This is a step up in editing",
    "Good call starting with the result first",
    "The colour palette fits the mood here",
    "Pacing feels tighter than before",
]
_VOICE_BODIES = [
    "the transition at {t} is smooth but the sound drops for a second",
    "at {t} the zoom is a little fast, a slower push would read better",
    "the caption at {t} covers your face on a phone screen",
    "around {t} you explain {d} really clearly, more of that please",
    "{d} could use a close-up, it is hard to see at {t}",
    "the music under {d} competes with your voice around {t}",
    "I would cut the pause before {d} at {t}",
    "{d} is the strongest moment, consider teasing it in the intro",
    "the cut to {d} at {t} feels a bit abrupt",
    "a quick on-screen label for {d} at {t} would help new viewers",
]
_VOICE_CLOSERS = [
    "Curious what you try next.",
    "Would watch a follow-up on this.",
    "Keen to see the next edit.",
    "Hope the next one goes deeper.",
    "Waiting for part two.",
    "Save this format for the series.",
    "That would make it even tighter.",
    "Small fixes, strong base.",
]


@dataclass(frozen=True, slots=True)
class Voice:
    """One person's writing habits: the openers and sign-offs they keep coming back to."""

    openers: tuple[str, ...]
    closers: tuple[str, ...]


def voice(rng: random.Random) -> Voice:
    return Voice(tuple(rng.sample(_VOICE_OPENERS, 3)), tuple(rng.sample(_VOICE_CLOSERS, 2)))


def crafted(rng: random.Random, habits: Voice) -> str:
    """Specific-looking feedback in one person's voice: two different observations with their
    own timestamps and details, so consecutive texts of one account share little."""
    first, second = rng.sample(_VOICE_BODIES, 2)
    details = rng.sample(_DETAILS, 2)

    def stamp() -> str:
        return f"{rng.randrange(0, 12)}:{rng.randrange(0, 60):02d}"

    return (
        f"{rng.choice(habits.openers)}. {first.format(t=stamp(), d=details[0]).capitalize()}, "
        f"and {second.format(t=stamp(), d=details[1])}. {rng.choice(habits.closers)}"
    )


_PADDING = [
    "I watched this video from the start all the way to the end",
    "and I have to say that it is definitely a video with a lot of things in it",
    "there are many parts and each part is a part of the whole thing",
    "it was something that I watched and then I thought about it for a while",
    "overall I would say that the video is what it is and that is how it is",
    "some things happen and then some other things happen after that",
    "I think that a lot of people would probably watch this kind of thing",
    "it has a beginning and a middle and an end like most of them do",
    "there is really a lot to say about it and I could say more about it",
    "in general it is the kind of thing you see and then you have seen it",
]


def padding(rng: random.Random) -> str:
    """Long and empty: many words, nothing about this content (the padder's feedback)."""
    return ", ".join(rng.sample(_PADDING, rng.randrange(5, 9))).capitalize() + "."


def comment(rng: random.Random, style: str, group_voice: Voice | None) -> str:
    """What a simulated member writes, by their profile's style; a colluder in their group's voice
    (a lone colluder, without a group, writes as anyone does)."""
    if style == "spam":
        return promotional(rng) if rng.random() < 0.5 else generic(rng)
    if style == "crafted" and group_voice is not None:
        return crafted(rng, group_voice)
    if style == "padding":
        return padding(rng)
    if rng.random() < 0.05:
        return generic(rng)
    return substantive(rng)
