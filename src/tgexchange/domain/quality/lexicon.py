"""Word lists of the quality rules: language markers, Spanish insults, generic praise and filler."""

from __future__ import annotations

from tgexchange.domain.quality.normalization import normalize
from tgexchange.domain.quality.text import TIMESTAMP, fold_normalized, words, words_of_folded

# Function words that only one of the two languages uses ("me", "no" and "a" are in both).
_ENGLISH_MARKERS: frozenset[str] = frozenset(
    {
        "the", "and", "is", "are", "was", "were", "you", "your", "this", "that", "of", "to", "it",
        "i", "in", "my", "for", "with", "but", "not", "on", "have", "be", "so", "what", "just", "at",
        "from", "they", "it's", "i'm", "don't", "can", "would", "should", "could", "will", "there",
        "when", "if", "an", "or", "which", "because", "about", "how",
    }
)  # fmt: skip
_SPANISH_MARKERS: frozenset[str] = frozenset(
    {
        "el", "la", "los", "las", "de", "del", "que", "y", "en", "un", "una", "es", "por", "con",
        "para", "pero", "como", "muy", "al", "lo", "se", "su", "tu", "mi", "mas", "este", "esta",
        "ese", "esa", "son", "tambien", "porque", "cuando", "si", "yo", "te", "le", "les", "pues",
        "hay", "fue", "ni", "sin", "sobre",
    }
)  # fmt: skip


# Function words of either language: never evidence of what a text is about (relevance).
LANGUAGE_MARKERS: frozenset[str] = _ENGLISH_MARKERS | _SPANISH_MARKERS


def is_spanish(text: str) -> bool:
    """Whether ``text`` reads as Spanish: more Spanish-only than English-only function words.
    Text with neither counts as not Spanish."""
    return is_spanish_words(words(text))


def is_spanish_words(tokens: list[str]) -> bool:
    spanish = sum(1 for token in tokens if token in _SPANISH_MARKERS)
    english = sum(1 for token in tokens if token in _ENGLISH_MARKERS)
    return spanish > english


# alt-profanity-check reads English only (it scores "eres un idiota de mierda" ~0.03), so Spanish
# insults are a word list. Deliberately left out: words that are also ordinary feedback vocabulary
# ("retrasado" = delayed audio, "basura" as a topic, "tonto" = silly, "pinche", "zorra" = fox).
SPANISH_INSULTS: frozenset[str] = frozenset(
    {
        "idiota", "idiotas", "estupido", "estupida", "estupidos", "estupidas", "imbecil", "imbeciles",
        "pendejo", "pendeja", "pendejos", "pendejas", "gilipollas", "cabron", "cabrona", "cabrones",
        "cabronas", "mierda", "mierdas", "puta", "puto", "putas", "putos", "hijoputa", "malparido",
        "malparida", "malparidos", "malparidas", "subnormal", "subnormales", "culero", "culera",
        "culeros", "mamon", "mamona", "maricon", "maricones", "marica", "chingada", "chingado",
        "chingate", "verga", "cretino", "cretina", "cretinos",
    }
)  # fmt: skip


def has_spanish_insult(text: str) -> bool:
    """Whether ``text`` contains a word from ``SPANISH_INSULTS`` (any case, with or without accents)."""
    return not SPANISH_INSULTS.isdisjoint(words(text))


# Generic praise and filler, folded. Feedback made (almost) only of these says nothing specific,
# however long it is padded: "Great video man, I really love it so much, keep up the amazing work".
GENERIC_WORDS: frozenset[str] = frozenset(
    {
        # English praise
        "nice", "great", "good", "awesome", "amazing", "cool", "love", "loved", "loving", "lovely",
        "like", "liked", "best", "beautiful", "perfect", "excellent", "fantastic", "wonderful",
        "incredible", "brilliant", "epic", "fire", "lit", "dope", "wow", "omg", "lol", "congrats",
        "congratulations", "thanks", "thank", "video", "videos", "vid", "vids", "content",
        "channel", "job", "work", "stuff", "keep", "going", "bro", "man", "dude", "guys", "friend",
        "buddy", "fan", "super", "top", "quality", "enjoyed", "enjoy", "fun", "funny",
        "interesting", "helpful", "useful", "informative", "well", "done", "post", "upload",
        "subscribed", "legend", "goat", "keeps", "solid", "real", "cute",
        # Spanish praise
        "buen", "bueno", "buena", "buenos", "buenas", "genial", "geniales", "excelente",
        "excelentes", "increible", "increibles", "hermoso", "hermosa", "bonito", "bonita", "lindo",
        "linda", "precioso", "preciosa", "maravilloso", "maravillosa", "espectacular", "brutal",
        "idolo", "mejor", "mejores", "encanta", "encanto", "encantan", "encantaron",
        "gusta", "gusto", "gustan", "gustaron", "amo", "ame", "felicidades", "felicitaciones",
        "gracias", "contenido", "canal", "trabajo", "sigue", "sigan", "seguir", "asi", "amigo",
        "amiga", "amigos", "hermano", "saludos", "abrazo", "abrazos", "interesante", "util",
        "divertido", "calidad", "suscrito", "suscrita", "bien", "jaja", "jajaja", "chido",
        "padre", "guay", "crack", "maquina", "grande", "capo", "tremendo", "tremenda",
    }
)  # fmt: skip
FILLER_WORDS: frozenset[str] = frozenset(
    {
        # English
        "the", "a", "an", "this", "that", "these", "those", "it", "its", "it's", "is", "are", "was",
        "were", "be", "been", "i", "i'm", "im", "me", "my", "you", "your", "you're", "youre", "ur",
        "u", "we", "our", "they", "and", "or", "so", "very", "really", "much", "too", "such",
        "just", "all", "always", "ever", "again", "more", "most", "of", "to", "in", "on", "for",
        "with", "at", "by", "from", "as", "one", "what", "can't", "cant", "wait", "next", "here",
        "now", "today", "up", "some", "lot", "lots", "totally", "absolutely", "definitely",
        "literally", "truly", "seriously", "honestly", "yes", "yeah", "oh", "hey", "hi", "hello",
        "please", "do", "have", "has", "got", "everyone", "everybody", "watching", "watch",
        "watched", "day", "thing", "things", "way",
        # Spanish
        "el", "la", "los", "las", "un", "una", "unos", "unas", "lo", "de", "del", "al", "en",
        "con", "por", "para", "y", "e", "o", "que", "te", "se", "mi", "mis", "tu", "tus",
        "su", "sus", "nos", "yo", "es", "son", "fue", "era", "esta", "este", "estos", "estas",
        "eso", "esto", "ese", "esa", "muy", "mucho", "mucha", "muchos", "muchas", "mas", "tan",
        "tanto", "todo", "toda", "todos", "todas", "siempre", "ya", "aqui", "desde", "hoy", "como",
        "verdad", "cada", "vez", "ver", "veo", "si", "hola", "eres", "estoy", "ti", "usted",
        "ustedes", "dia", "cosa", "cosas",
    }
)  # fmt: skip
_GENERIC_OR_FILLER = GENERIC_WORDS | FILLER_WORDS


def generic_share(text: str) -> float:
    """The share of ``text``'s words that are generic praise or filler, in [0, 1]. Timestamps
    ("2:30") count as specific words: pointing at a moment is the opposite of generic. A text with
    no words at all is entirely generic (1.0)."""
    normalized = normalize(text)
    return generic_share_of(words_of_folded(fold_normalized(normalized)), normalized)


def substantive_words(text: str) -> int:
    """How many different words of ``text`` are neither generic praise nor filler: what it says,
    counted once (saying "the video is what it is" ten times adds nothing)."""
    tokens = words_of_folded(fold_normalized(normalize(text)))
    return len({token for token in tokens if token not in _GENERIC_OR_FILLER})


def generic_share_of(tokens: list[str], normalized: str) -> float:
    total = len(tokens) + len(TIMESTAMP.findall(normalized))
    if total == 0:
        return 1.0
    return sum(1 for token in tokens if token in _GENERIC_OR_FILLER) / total
