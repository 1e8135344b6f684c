"""Word lists of the relevance rule: words that fit any video (never evidence of being on topic),
the subject words of each YouTube category (weak evidence), and the stemmer both sides share.

A comment is on topic when it names what this content is about; these lists decide which words
can count. Written by hand (English and Spanish) so that a verdict can be explained word by word.
"""

from __future__ import annotations

from functools import lru_cache

# Words any comment on any video may use: the video itself and its production, the channel, the
# platform, and the everyday verbs and adverbs of opinion. Mentioning them is not evidence that the
# text is about this content, even when the description contains them too ("0:00 Intro", "link in
# the description", "subscribe for more").
BOILERPLATE_WORDS: frozenset[str] = frozenset(
    {
        # the video and its production
        "intro", "outro", "edit", "edits", "editing", "edited", "editor", "thumbnail", "thumbnails",
        "audio", "sound", "sounds", "music", "background", "voice", "voiceover", "mic", "microphone",
        "footage", "shot", "shots", "clip", "clips", "scene", "scenes", "part", "parts", "episode",
        "episodes", "series", "minute", "minutes", "second", "seconds", "start", "end", "ending",
        "beginning", "middle", "title", "description", "caption", "subtitles", "pacing", "pace",
        "length", "long", "short", "shorts", "upload", "uploads", "uploaded", "uploading", "release",
        "views", "view", "comment", "comments", "commenting", "like", "likes", "share", "subscribe",
        "subscribed", "subscriber", "subscribers", "notification", "notifications", "bell",
        "youtube", "youtuber", "tiktok", "instagram", "twitter", "facebook", "patreon", "discord",
        "merch", "sponsor", "sponsored", "link", "links", "below", "business", "inquiries", "email",
        "official", "version", "hd", "full", "live", "stream", "streams", "vlog", "vlogs",
        # opinion and everyday verbs
        "think", "thought", "know", "knew", "feel", "felt", "see", "saw", "seen", "look", "looks",
        "looking", "looked", "make", "makes", "made", "making", "get", "gets", "getting", "give",
        "want", "wanted", "need", "needs", "try", "tried", "use", "used", "using", "say", "said",
        "come", "came", "went", "keep", "kept", "take", "took", "find", "found", "show", "shows",
        "showed", "tell", "told", "forward", "learn", "learned", "learnt", "hope", "wish", "also",
        "even", "still", "maybe", "bit", "little", "first", "last", "new", "old", "time", "times",
        "people", "person", "someone", "everything", "something", "nothing", "anything", "year",
        "years", "week", "month", "life", "world", "would", "could", "should", "will", "not", "but",
        "because", "when", "about", "how", "why", "which", "there", "their", "them", "then", "than",
        "into", "over", "only", "other", "same", "every", "before", "after", "while", "better",
        "worse", "bad", "hard", "easy", "big", "small", "right", "wrong", "sure", "kind", "lot",
        "who", "where", "doing", "does", "did", "being", "having", "had", "him", "her", "his",
        "she", "he", "us", "next", "though", "although", "really", "pretty", "quite", "okay", "ok",
        "point", "points", "idea", "ideas", "level", "mind", "work", "works", "worked", "help",
        "helps", "helped", "creator", "creators", "audience", "viewers", "viewer", "fans",
        # Spanish
        "video", "videos", "musica", "sonido", "voz", "parte", "partes", "episodio",
        "capitulo", "minuto", "minutos", "segundo", "segundos", "inicio", "final", "principio",
        "titulo", "descripcion", "miniatura", "edicion", "editado", "subtitulos", "ritmo",
        "comentario", "comentarios", "suscribete", "suscriptores", "enlace", "directo", "creo", "pienso", "siento", "parece", "hace", "hacer", "hiciste", "hizo", "tiene", "tienes",
        "tener", "puedes", "puede", "poder", "quiero", "quieres", "queria", "necesita", "usar",
        "usas", "uso", "dice", "dices", "decir", "mostrar", "muestras", "aprendi", "espero",
        "tambien", "aun", "todavia", "quizas", "poco", "primera", "primero", "ultima", "ultimo",
        "nuevo", "nueva", "tiempo", "veces", "gente", "persona", "alguien", "nada", "algo", "ano",
        "anos", "semana", "mes", "vida", "mundo", "pero", "porque", "cuando", "sobre", "donde",
        "cual", "hay", "fue", "sin", "ser", "estar", "solo", "otro", "otra", "otros", "mismo",
        "antes", "despues", "mientras", "peor", "malo", "mala", "facil", "dificil", "grandes",
        "pequeno", "punto", "nivel", "ayuda", "ayudo", "creador", "publico",
        "quedo", "queda", "quedan", "algunos", "algunas", "gracias", "pues", "bastante",
    }
)  # fmt: skip


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The subject words of each YouTube category (yt-dlp's ``categories``, the Data API's
# ``categoryId``), English and Spanish: a comment about a song names the chorus or the vocals
# whatever the song. Weak evidence, so a single one is never enough (see ``relevance``).
CATEGORY_WORDS: dict[str, frozenset[str]] = {
    "Music": _words(
        "song songs lyrics lyric chorus verse verses bridge vocals vocal singer singing sing sang "
        "melody melodies beat beats drums drum drummer bass guitar guitars guitarist piano keys "
        "synth riff riffs solo harmony harmonies falsetto note notes tempo key mix mixing "
        "mastering cover band album track tracks rap rapper flow hook acoustic rhythm cancion "
        "canciones letra coro estrofa voz cantante cantar canta melodia ritmo bateria bajo "
        "guitarra piano armonia acordes acorde tema disco pista mezcla"
    ),
    "Gaming": _words(
        "game games gaming gameplay player players play playing played boss bosses level levels "
        "run speedrun build builds weapon weapons skill skills quest map maps loot enemy enemies "
        "spawn patch nerf buff meta strategy combo combos controller mod mods multiplayer ranked "
        "match matches round rounds character characters juego juegos jugador jugar partida jefe "
        "arma armas mapa enemigo enemigos estrategia mando personaje personajes"
    ),
    "Howto & Style": _words(
        "recipe recipes cook cooking cooked bake baking baked oven pan pot salt sugar butter "
        "flour dough sauce spice spices ingredient ingredients knife heat taste tasty flavor "
        "flavour tutorial tip tips step steps tool tools diy makeup skin hair outfit style receta "
        "recetas cocinar cocina horno sarten sal azucar mantequilla harina masa salsa especias "
        "ingredientes cuchillo fuego sabor tutorial consejo consejos paso pasos herramienta "
        "maquillaje piel pelo estilo"
    ),
    "Science & Technology": _words(
        "phone phones laptop computer pc battery screen display camera cameras chip processor cpu "
        "gpu ram storage specs benchmark price software app apps update hardware keyboard mouse "
        "charger charging performance review build port ports telefono movil portatil ordenador "
        "computadora bateria pantalla camara procesador precio aplicacion teclado cargador "
        "rendimiento resena"
    ),
    "People & Blogs": _words(
        "trip travel city day morning routine home house apartment family friends food coffee "
        "walk school job move moving story viaje ciudad manana rutina casa piso familia amigos "
        "comida cafe paseo escuela mudanza historia"
    ),
    "Travel & Events": _words(
        "trip travel city country flight hotel hostel beach mountain hike hiking train bus street "
        "market food tour viaje ciudad pais vuelo hotel playa montana tren calle mercado comida "
        "ruta"
    ),
    "Education": _words(
        "explanation explain explained lesson example examples concept theory formula math "
        "history science question answer study students leccion ejemplo ejemplos concepto teoria "
        "formula matematicas historia ciencia pregunta respuesta estudiar"
    ),
    "Sports": _words(
        "goal goals team match player players coach training workout ball race game season gol "
        "goles equipo partido jugador entrenador entrenamiento balon carrera temporada"
    ),
}
# The Data API's ``snippet.categoryId`` as the names yt-dlp gives (YouTube's assignable categories).
CATEGORY_IDS: dict[str, str] = {
    "1": "Film & Animation", "2": "Autos & Vehicles", "10": "Music", "15": "Pets & Animals",
    "17": "Sports", "19": "Travel & Events", "20": "Gaming", "22": "People & Blogs", "23": "Comedy",
    "24": "Entertainment", "25": "News & Politics", "26": "Howto & Style", "27": "Education",
    "28": "Science & Technology", "29": "Nonprofits & Activism",
}  # fmt: skip

# English and Spanish endings, longest first. One is removed, the rest cut to five letters and
# final vowels dropped, so "guitars" and "guitarra", "tomatoes" and "tomate", "lamp" and
# "lámpara", "photo" and "photography", "bake" and "baking" meet.
_SUFFIXES = (
    "aciones", "iciones", "amente", "ations", "mente", "ation", "acion", "ings", "ando", "iendo",
    "ados", "adas", "idos", "idas", "ing", "ers", "ado", "ada", "ido", "ida", "ies", "es", "er",
    "ed", "os", "as", "s", "a", "o", "e",
)  # fmt: skip
STEM_LETTERS = 5
_MIN_STEM = 3
_VOWELS = "aeiou"


@lru_cache(maxsize=65_536)  # the same few thousand words come back in every comment
def stem(word: str) -> str:
    """A folded word's stem: at most one ending removed, cut to ``STEM_LETTERS`` letters, final
    vowels dropped (never below three letters; shorter words stay whole). Crude on purpose: it only
    has to make the spellings of one word in a comment and in the metadata meet, in either
    language; two different words that meet are weighed in ``bench/relevance.py``."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            word = word[: -len(suffix)]
            break
    word = word[:STEM_LETTERS]
    while len(word) > _MIN_STEM and word[-1] in _VOWELS:
        word = word[:-1]
    return word
