"""Phrases that break a rule whatever the models say: links and calls to visit the writer
(self-promotion), asking for likes on the comment itself (engagement bait) and money or prize
lures (scams). Matched against folded text (lower case, no accents), in English and Spanish."""

from __future__ import annotations

import re

from tgexchange.domain.quality.text import fold

# Links and calls to visit the writer's own channel, in both languages. Matched against folded
# text (lower case, no accents). Each pattern needs a call to action or a link: merely mentioning
# "my channel" ("I had the same problem on my channel") is allowed.
_TLDS = "com|net|org|info|biz|io|ly|gl|gg|tv|xyz|co|mx|ar|cl|br|ru|uk|ee|tk"
# A host name, bounded (labels of at most 63 characters, a few of them) and anchored by a
# lookbehind, so that a long run like "a-a-a-…" is matched in linear time, not tried from every
# position (10,000 characters of it took a second before).
_HOST = r"(?<![a-z0-9.-])[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){0,8}"
_OWN = r"(?:my|our|mi|mis|nuestro|nuestra)"
_OWN_THINGS = (
    r"(?:channel|page|profile|videos?|vids?|music|songs?|covers?|content|blog|site|website|stream|"
    r"insta(?:gram)?|tiktok|canal|pagina|perfil|musica|cancion|canciones|contenido|web)"
)
_SELF_PROMOTION_PATTERNS = (
    # links: a scheme, www., a shortener or a bare domain with a common TLD
    r"https?://\S",
    r"\bwww\.\S",
    rf"{_HOST}\.(?:{_TLDS})(?=$|[\s/?#:!.,;)\]'\"])",
    # any other top-level domain when a path follows: youtube.es/@me, linktr.ee/me
    rf"{_HOST}\.[a-z]{{2,24}}/[^\s/]",
    r"\byoutu\.be/",
    # subscription and follow trading
    r"\bsub\s*(?:4|for|x|2|por)\s*sub\b",
    r"\b(?:s4s|l4l|f4f|like4like|follow4follow)\b",
    r"\b(?:sub|subscribe|follow)\s+back\b",
    r"\bte\s+sigo\s+si\s+me\s+sigues\b",
    r"\bme\s+suscribo\s+(?:al\s+tuyo|a\s+tu|si\b)",
    r"\bte\s+devuelvo\s+(?:la\s+)?(?:sub|suscripcion)\b",
    # "check out my channel", "subscribe to my channel", "visit my page", "follow me"
    rf"\bcheck\s*(?:out\s+)?{_OWN}\b",
    rf"\b(?:subscribe|sub)\s+(?:to\s+)?{_OWN}\b",
    rf"\b(?:visit|watch|see|view|listen\s+to|go\s+to|come\s+to|head\s+(?:over\s+)?to|stop\s+by|look\s+at)"
    rf"\s+{_OWN}\s+(?:new\s+|latest\s+)?{_OWN_THINGS}\b",
    r"\bfollow\s+(?:me|us)\b",
    # the classifier never sees "subscribe" (see tgexchange.ml.spam_model), so a bare request needs a rule
    r"\b(?:subscribe|sub)\s+(?:to\s+)?(?:me|us)\b",
    r"\blink\s+(?:is\s+)?in\s+(?:my\s+)?(?:bio|profile)\b",
    # "suscríbete a mi canal", "visita mi canal", "pásate por mi canal", "sígueme"
    rf"\bsuscrib\w*\s+(?:a\s+)?{_OWN}\b",
    rf"\b(?:visit(?:a|en|ad)|mir(?:a|en|ad)|ve|vean|pas(?:a|ate|en|ense|aos|ad)|ech(?:a|ale|enle|adle)\s+un\s+"
    r"(?:vistazo|ojo)\s+a|apoy(?:a|en|ad)|cheque(?:a|en)|chec(?:a|en))"
    rf"\s+(?:por\s+|a\s+)?{_OWN}\s+(?:nuevo\s+|nueva\s+|ultimo\s+|ultima\s+)?{_OWN_THINGS}\b",
    r"\b(?:sigueme|siganme|seguime|siguenme)\b",
    r"\b(?:enlace|link)\s+en\s+mi\s+(?:perfil|bio)\b",
)
SELF_PROMOTION = re.compile("|".join(f"(?:{pattern})" for pattern in _SELF_PROMOTION_PATTERNS))


def is_self_promotion(text: str) -> bool:
    """Whether ``text`` links elsewhere or asks readers to visit, subscribe to or follow the writer."""
    return SELF_PROMOTION.search(fold(text)) is not None


# Asking for likes on the comment itself ("like this comment if you're watching in 2015"): the
# comment promotes itself. Broken as ``self_promotion``. Written after reading the spam that the
# other rules let through in the YouTube collection (see bench/quality.py, which reports the gate
# with and without this list).
ENGAGEMENT_BAIT = re.compile(
    r"\blike\s+(?:this|my)\s+comment\b(?!\s+section)|\bthumbs?\s+up\s+if\b|\blike\s+if\s+(?:you|u|ur)\b"
    r"|\bdale\s+(?:un\s+)?like\s+(?:si\b|a\s+(?:este|mi)\s+comentario)|\bmanita\s+arriba\s+si\b"
)


def is_engagement_bait(text: str) -> bool:
    """Whether ``text`` asks readers to like the comment itself."""
    return ENGAGEMENT_BAIT.search(fold(text)) is not None


# Money and prize lures, in both languages. Broken as ``spam``: the spam classifier was trained on
# English comments only, so Spanish scams need words, and the commonest English lures are cheap to
# name. Like the engagement-bait list, written after reading misses; the benchmark reports both.
SCAM = re.compile(
    r"\b(?:make|earn|making|earning)\s+(?:\$?\d[\d,.]*k?\s+)?(?:money|cash|dollars|hundreds|thousands|\$)"
    r"|\bwork(?:ing)?\s+from\s+home\b"
    r"|\bfree\s+(?:gift\s*cards?|iphones?|robux|v-?bucks|money|followers|subscribers|views|likes)\b"
    r"|\b(?:win|won)\s+a\s+free\b|\bclaim\s+your\s+(?:prize|reward|gift)\b"
    r"|\bgana\w*\s+(?:dinero|plata|un\s+iphone)\b|\bdinero\s+(?:facil|extra|rapido)\b"
    r"|\btrabaj\w*\s+desde\s+casa\b|\b(?:tarjetas?\s+de\s+regalo|seguidores|suscriptores|robux)\s+gratis\b"
    r"|\bescribeme\s+(?:al|por)\s+(?:privado|whatsapp|telegram|dm|md)\b"
)


def has_scam_phrase(text: str) -> bool:
    """Whether ``text`` holds a money or prize lure ("earn money from home", "gana dinero")."""
    return SCAM.search(fold(text)) is not None
