"""The quality gate's pure rules, in English and Spanish, with model scores passed in by hand."""

from __future__ import annotations

import time
import unicodedata

import pytest

from tgexchange.domain.quality import (
    RULE_ORDER,
    QualityRule,
    QualityThresholds,
    count_words,
    first_broken_rule,
    fold,
    generic_share,
    has_scam_phrase,
    has_spanish_insult,
    is_engagement_bait,
    is_self_promotion,
    is_spanish,
    measure,
    normalize,
    shingles,
    words,
)

GOOD_EN = (
    "The intro is tight, but the audio drops out around 2:30 when you switch microphones; "
    "a quick normalisation pass would fix it."
)
GOOD_ES = "La explicación del minuto tres es muy clara, pero el audio baja mucho cuando te alejas del micrófono."


def judge(
    text: str,
    *,
    min_words: int = 8,
    spam: float = 0.0,
    toxicity: float = 0.0,
    near_copy: float | None = None,
    thresholds: QualityThresholds = QualityThresholds(),  # noqa: B008 - frozen
) -> QualityRule | None:
    return first_broken_rule(
        measure(text), min_words=min_words, spam=spam, toxicity=toxicity, near_copy=near_copy, thresholds=thresholds
    )


def test_rules_apply_in_the_documented_order() -> None:
    assert [rule.value for rule in RULE_ORDER] == [
        "too_short",
        "no_substance",
        "self_promotion",
        "spam",
        "toxic",
        "generic_praise",
        "near_copy",
        "off_topic",
    ]


@pytest.mark.parametrize("text", [GOOD_EN, GOOD_ES], ids=["en", "es"])
def test_specific_feedback_passes_every_rule(text: str) -> None:
    assert judge(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The audio is too quiet", 5),
        ("El vídeo está genial y la canción también", 8),
        ("Don't cut the bridge, it's the best part", 8),
        ("L'été de la cámara, ¿por qué no?", 7),
        ("Great 10/10 🔥🔥 at 2:30 !!!", 2),
        ("", 0),
    ],
)
def test_words_are_counted_unicode_aware(text: str, expected: int) -> None:
    assert count_words(text) == expected


def test_decomposed_accents_count_as_one_word() -> None:
    composed = "canción añadida"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert count_words(decomposed) == count_words(composed) == 2


def test_words_fold_case_and_accents() -> None:
    assert words("SUSCRÍBETE Ya") == ["suscribete", "ya"]


@pytest.mark.parametrize("text", ["Good tips, thanks!", "Muy útil, gracias"], ids=["en", "es"])
def test_feedback_under_the_minimum_words_is_too_short(text: str) -> None:
    assert judge(text) == QualityRule.TOO_SHORT


def test_eight_one_letter_words_fail_the_character_minimum() -> None:
    assert count_words("a b c d e f g h") == 8
    assert judge("a b c d e f g h") == QualityRule.TOO_SHORT


def test_a_community_without_a_minimum_lets_short_feedback_reach_later_rules() -> None:
    assert judge("Muy útil la parte del horno", min_words=0) is None
    assert judge("Muy útil la parte del horno", min_words=8) == QualityRule.TOO_SHORT


@pytest.mark.parametrize(
    "text",
    ["🔥🔥🔥👏👏👏", "12345 678 !!! ???", "...", "\u200b\u200f\u202e"],
    ids=["emoji", "digits and punctuation", "dots", "invisible marks"],
)
def test_text_without_words_has_no_substance(text: str) -> None:
    assert judge(text, min_words=0) == QualityRule.NO_SUBSTANCE
    assert judge(text) == QualityRule.TOO_SHORT  # with a minimum, too_short is met first


@pytest.mark.parametrize(
    "text",
    ["wow wow wow wow wow wow wow wow wow", "jajaja jajaja jajaja jajaja JAJAJA jajaja jajaja jajaja!!"],
    ids=["en", "es"],
)
def test_one_repeated_word_has_no_substance(text: str) -> None:
    assert judge(text) == QualityRule.NO_SUBSTANCE


@pytest.mark.parametrize(
    "text",
    [
        "Loved the pacing, more at https://example.com/my-videos for anyone curious about it",
        "Loved the pacing of the edit, I post similar stuff at www.example.net every week",
        "Loved the pacing of the edit, I post similar stuff at mygearblog.net every single week",
        "Loved the pacing of the edit, watch the full version youtu.be/abc123 before it goes",
        "Nice editing on the transitions, by the way check out my channel for more like this",
        "Nice editing on the transitions, checkout my new video about the same camera today",
        "sub4sub anyone? I always reply and support everyone who comments on this video",
        "sub 4 sub anyone? I always reply and support everyone who comments on this video",
        "Good lighting in the kitchen shots, subscribe to my channel for more cooking stuff",
        "Good lighting in the kitchen shots, visit my channel if you want more recipes now",
        "Great colours in the night shots, I follow everyone back so follow me on instagram",
        "Great colours in the night shots, I do the same kind of edits, link in bio for it",
        "Great colours in the night shots and I always sub back to everyone who subs to me",
        "Great editing on the night shots, subscribe to me for more tutorials like this one",
    ],
)
def test_links_and_calls_to_visit_the_writer_in_english_are_self_promotion(text: str) -> None:
    assert judge(text) == QualityRule.SELF_PROMOTION


@pytest.mark.parametrize(
    "text",
    [
        "Buen trabajo con la edición del vídeo, suscríbete a mi canal y yo me suscribo al tuyo",
        "Buen trabajo con la edicion del video, SUSCRIBETE A MI CANAL y yo me suscribo al tuyo",
        "Me gustó mucho la iluminación de la cocina, visita mi canal que hago recetas también",
        "Me gustó la parte de la música, pásate por mi canal que subo covers de guitarra",
        "Me gustó mucho la iluminación de la cocina y el montaje, sígueme en instagram porfa",
        "Me gustó mucho la iluminación de la cocina y el montaje, te sigo si me sigues hoy",
    ],
)
def test_calls_to_visit_the_writer_in_spanish_are_self_promotion(text: str) -> None:
    assert judge(text) == QualityRule.SELF_PROMOTION


@pytest.mark.parametrize(
    "text",
    [
        "I had the same hum on my channel, a low-cut filter at 80 Hz fixed it for me",
        "The link in the description is broken, it opens the previous episode instead",
        "Comparing like for like, the new microphone sounds warmer than the old one",
        "Your channel trailer should mention the upload schedule so new viewers know",
        "El mes pasado mi canal tuvo el mismo problema con el audio, prueba un filtro",
        "Nice video.Me encanta la parte final pero el audio baja un poco al final",
        "I like this comment section, people explain the chord changes really well here",
    ],
)
def test_mentioning_channels_links_or_likes_without_a_call_to_action_is_allowed(text: str) -> None:
    assert judge(text) is None


@pytest.mark.parametrize(
    "text",
    ["sub\u200b4\u200bsub anyone here", "ｓｕｂ４ｓｕｂ anyone here", "check out my \u202echannel please"],
    ids=["zero-width spaces", "full-width letters", "bidi override"],
)
def test_invisible_and_styled_characters_do_not_hide_self_promotion(text: str) -> None:
    assert is_self_promotion(text)


@pytest.mark.parametrize(
    "text",
    [
        "Like this comment if you are watching this video on a phone in 2026",
        "Thumbs up if you still listen to this song after all these years",
        "Me encanta esta canción, dale like si la sigues escuchando en 2026",
    ],
)
def test_asking_for_likes_on_the_comment_is_self_promotion(text: str) -> None:
    assert is_engagement_bait(text)
    assert judge(text) == QualityRule.SELF_PROMOTION


def test_a_spam_probability_at_the_threshold_breaks_spam_for_english_text() -> None:
    thresholds = QualityThresholds(spam=0.6)
    assert judge(GOOD_EN, spam=0.6, thresholds=thresholds) == QualityRule.SPAM
    assert judge(GOOD_EN, spam=0.59, thresholds=thresholds) is None


def test_the_english_spam_classifier_is_not_applied_to_spanish_text() -> None:
    assert is_spanish(GOOD_ES)
    assert not is_spanish(GOOD_EN)
    assert judge(GOOD_ES, spam=0.99) is None


@pytest.mark.parametrize(
    "text",
    [
        "Earn hundreds of dollars every week working from home, no experience needed at all",
        "Get free gift cards every day, it only takes a minute to sign up for the offer",
        "Gana dinero desde tu móvil sin experiencia, escríbeme al privado y te explico cómo",
    ],
)
def test_money_and_prize_lures_are_spam_whatever_the_classifier_says(text: str) -> None:
    assert has_scam_phrase(text)
    assert judge(text, spam=0.0) == QualityRule.SPAM


def test_a_toxicity_probability_at_the_threshold_breaks_toxic() -> None:
    assert judge(GOOD_EN, toxicity=0.9) == QualityRule.TOXIC
    assert judge(GOOD_EN, toxicity=0.89) is None


@pytest.mark.parametrize(
    "text",
    [
        "Eres un imbécil, este vídeo es una mierda y no sabes editar nada de nada",
        "ERES UN IMBECIL y el montaje del video es peor que el del anterior, en serio",
        "Qué pendejo, el audio está fatal y encima te pones a gritar en el minuto tres",
    ],
)
def test_spanish_insults_are_toxic_although_the_toxicity_model_reads_english_only(text: str) -> None:
    assert has_spanish_insult(text)
    assert judge(text, toxicity=0.03) == QualityRule.TOXIC


def test_spanish_words_that_only_sound_harsh_are_not_insults() -> None:
    text = "El audio está retrasado medio segundo respecto a la imagen en la parte del tren"
    assert not has_spanish_insult(text)
    assert judge(text) is None


@pytest.mark.parametrize(
    "text",
    ["nice video!!", "great content", "buen video", "me encanta", "excelente contenido", "Awesome vid bro 🔥"],
)
def test_stock_praise_is_entirely_generic(text: str) -> None:
    assert generic_share(text) == 1.0
    assert judge(text, min_words=0) == QualityRule.GENERIC_PRAISE


@pytest.mark.parametrize(
    "text",
    [
        "Great video man, I really love it so much, keep up the amazing work bro!",
        "Nice video!! Really great content, love your videos, keep it up, awesome",
        "Buen video, me encanta tu contenido, sigue así amigo, excelente trabajo de verdad",
        "Excelente contenido como siempre, muy buen video, me encantó todo, saludos desde aquí",
    ],
)
def test_praise_padded_with_filler_is_still_generic(text: str) -> None:
    assert judge(text) == QualityRule.GENERIC_PRAISE


def test_praise_with_a_specific_point_is_not_generic() -> None:
    text = "Great video! The side-by-side at 2:30 comparing both cameras made the difference clear."
    assert generic_share(text) < 0.75
    assert judge(text) is None


def test_timestamps_count_as_specific_words() -> None:
    assert generic_share("great video at 2:30") < generic_share("great video at the end")


def test_a_similarity_at_the_threshold_breaks_near_copy_and_none_means_nothing_to_compare() -> None:
    assert judge(GOOD_EN, near_copy=0.7) == QualityRule.NEAR_COPY
    assert judge(GOOD_EN, near_copy=0.69) is None
    assert judge(GOOD_EN, near_copy=None) is None


def test_an_earlier_rule_wins_over_a_later_one() -> None:
    promo_and_toxic = "You idiot, check out my channel instead of making this garbage every week"
    assert judge(promo_and_toxic, toxicity=1.0, spam=1.0, near_copy=1.0) == QualityRule.SELF_PROMOTION


def test_shingles_ignore_case_punctuation_and_accents() -> None:
    assert shingles("El vídeo, ¡GENIAL!") == shingles("el video genial") == frozenset({"el video", "video genial"})


def test_shingles_of_short_texts_are_the_text_itself_and_of_empty_texts_nothing() -> None:
    assert shingles("genial") == frozenset({"genial"})
    assert shingles("🔥🔥") == frozenset()
    with pytest.raises(ValueError, match="at least 1"):
        shingles("x", size=0)


@pytest.mark.parametrize(
    "changes",
    [{"spam": 0.0}, {"toxicity": 1.5}, {"generic_share": -0.1}, {"near_copy": 2.0}, {"letters_per_word": -1.0}],
)
def test_thresholds_out_of_range_are_refused(changes: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be in"):
        QualityThresholds(**changes)


def test_control_characters_separate_words_instead_of_joining_them() -> None:
    assert normalize("one\x00two\x1bthree\tfour") == "one two three four"
    assert judge(GOOD_EN.replace(" ", "\x00")) is None


def test_bidi_and_zero_width_marks_inside_a_word_do_not_split_it() -> None:
    assert count_words("can\u200fción mues\u200btra") == 2
    assert fold("\u202eSuscríbete") == "suscribete"


def test_ten_thousand_characters_are_judged_quickly_and_deterministically() -> None:
    long_text = " ".join(f"take{i} seven about the audio mix" for i in range(1700))[:10_000]
    assert len(long_text) == 10_000
    started = time.perf_counter()
    first = measure(long_text)
    assert time.perf_counter() - started < 1.0
    assert first == measure(long_text)
    assert first.words > 1000
    assert judge(long_text) is None


def test_ten_thousand_copies_of_one_word_have_no_substance() -> None:
    assert judge(("spam " * 2000).strip()) == QualityRule.NO_SUBSTANCE


def test_ten_thousand_emoji_are_too_short() -> None:
    assert judge("😀" * 10_000) == QualityRule.TOO_SHORT


@pytest.mark.parametrize(
    "text",
    [
        "Nice edit! more recipes at youtube.es/@chefmike every week",
        "all my links are at linktr.ee/chefmike if you want more",
        "suscríbete a mі canal para más recetas",  # a Cyrillic і
        "visita mi cаnal, subo videos cada semana",  # a Cyrillic а
        "more of this at yоutube.cоm/@x every single day",  # Cyrillic о
    ],
)
def test_other_domains_with_a_path_and_latin_look_alikes_do_not_hide_self_promotion(text: str) -> None:
    assert is_self_promotion(text)


@pytest.mark.parametrize(
    "text",
    [
        "Great video, the intro at 0:15 is strong. 8.5/10 for me",
        "the lighting at 2:10 is warm, and/or the cuts could be quicker",
        "bien.me gusta mucho como explicas la receta del minuto dos",
        "Очень хороший ролик, спасибо за подробное объяснение монтажа",
    ],
)
def test_ratings_typos_and_cyrillic_text_are_not_links(text: str) -> None:
    assert not is_self_promotion(text)


def test_a_copy_with_look_alike_letters_folds_like_the_original() -> None:
    original = "The color grade looks great but the voice is too quiet under the music at 2:10"
    disguised = original.replace("o", "\u043e")  # every o a Cyrillic о

    assert fold(disguised) == fold(original)
    assert shingles(disguised) == shingles(original)
