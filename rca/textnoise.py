"""What in a complaint's text is not about its cause.

Real complaints carry text that says nothing about *why* the customer wrote:
redaction marks that an export or rca itself put in (CFPB's ``XXXX``,
``XX/XX/XXXX`` and ``{$1200.00}``, rca's ``[email]``), @handles and links of
support tweets, ticket and order numbers, HTML entities, and the greetings and
sign-offs people wrap a message in.  Clustering on them groups complaints by
brand handle or by how much was redacted; titles and keywords built from them
name nothing a person can fix.  This module is the one definition of that
noise, used by the vectorizers, the cause labels and titles, and the quotes.

Only the standard library is imported: reports and the CLI use it too.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

__all__ = ["strip_noise", "readable", "is_noise_token", "is_placeholder_only", "FILLER_WORDS",
           "strip_boilerplate", "prepare_texts", "says_nothing", "SILENT_WORDS"]

# Words of address and politeness: they may stand inside a customer's sentence, but a title
# or keyword that starts or ends with one says nothing ("Card arrived thanks", "Hi app").
FILLER_WORDS = frozenset("hi hello hey dear thanks thank thx ty pls plz please ok okay lol omg yes yeah guys sir madam".split())

# rca's own redaction marks ([email], [phone], [card] …) and any like them.
_RCA_MARK = r"\[[a-z_]{2,12}\]"
# CFPB marks: XXXX, xx/xx/xxxx, XX/XX/2019, $XXXX, {$1200.00}; runs of X's of two or more.
_CFPB_MARK = r"\{\$?[\d,.]*\}|\$?\b[xX]{2,}(?:[/.\-][xX\d]{2,})*\b|\b[xX]{2}/[xX]{2}/\d{2,4}\b"
_URL = r"(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|net|org|co|io|ly|gl|me)/\S*"
_HANDLE = r"(?<![\w@])[@＠][A-Za-z0-9_]{1,30}"
_HASHTAG = r"(?<![\w#])#(?=[A-Za-z0-9_]*\d)[A-Za-z0-9_-]+"  # "#12345", "#ORD123": ids written as tags
# Ticket, order, reference and tracking numbers: a token of 4+ characters holding
# 3+ digits (ORD-12345, 0062395415777, 1Z999AA10123456784) — but not years
# like 2019 or money like 12.50, which say something about the complaint.
_ID = r"\b(?=[A-Za-z\-]*\d[A-Za-z\-]*\d[A-Za-z\-]*\d)(?![12]\d{3}\b)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\b"

# The word that introduces an id goes with it ("order ORD-12345", "ticket no. 48213"):
# left behind, "order ref" became a cause's keyword on every complaint that quoted one.
_ID_LABEL = (r"(?:\b(?:order|ticket|case|ref|reference|tracking|confirmation|invoice|claim|account)"
             r"(?:\s+(?:number|no\.?|nr\.?|id))?\s*[:#]?\s*)?")

_NOISE = re.compile("|".join((_RCA_MARK, _URL, _HANDLE, _ID_LABEL + _HASHTAG, _CFPB_MARK, _ID_LABEL + _ID)),
                    re.IGNORECASE)

# _NOISE tries all six alternatives (and the id label twice) at every position of every
# text: most of what cleaning 100k complaints costs, though a text rarely holds more than
# two kinds of noise.  strip_noise therefore runs only the alternatives that can match
# somewhere in the text, in _NOISE's order, as one cached pattern per subset.  Dropping
# an alternative that matches nowhere in the text leaves every match the same, so the
# result is exactly _NOISE's.  Each gate is a condition every match of its alternative
# satisfies (tests/test_textnoise_gates.py compares with _NOISE itself):
#   rca mark   "["            link      "://", "www." or ".com/"-like   handle   "@" or "＠"
#   hashtag    "#" then word characters then a digit
#   CFPB mark  "{" or a run "xx"         id        three digits with only letters and "-" between
#   id label   one of its words (when absent, the optional label can only match empty)
# Case-insensitive gates read _folded(text): IGNORECASE lets "ı" and "İ" match "i" and
# "ſ" match "s", which str.lower() does not do.
_NOISE_PARTS = (_RCA_MARK, _URL, _HANDLE, _HASHTAG, _CFPB_MARK, _ID)
_LABELLED = (False, False, False, True, False, True)  # which parts _ID_LABEL goes before
_LABEL_WORDS = ("order", "ticket", "case", "ref", "tracking", "confirmation", "invoice", "claim", "account")
_SITE_SLASH = re.compile(r"\.(?:com|net|org|co|io|ly|gl|me)/", re.IGNORECASE)
_HASH_DIGIT = re.compile(r"#[A-Za-z0-9_]*\d", re.IGNORECASE)
_THREE_DIGITS = re.compile(r"\d[A-Za-z\-]*\d[A-Za-z\-]*\d", re.IGNORECASE)
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})  # İ ı ſ (the Kelvin sign lowers to k)


def _folded(text: str) -> str:
    """The text lower-cased so that a word IGNORECASE would match is in it as plain ASCII."""
    if "\u0130" in text or "\u0131" in text or "\u017f" in text:  # three scans: faster than translate
        text = text.translate(_FOLD)
    return text.lower()


@lru_cache(maxsize=None)
def _noise_pattern(parts: tuple[bool, ...], labels: bool) -> re.Pattern[str]:
    """_NOISE with only the chosen parts (in its order), the id label only when ``labels``."""
    return re.compile("|".join((_ID_LABEL if labels and labelled else "") + part
                               for part, chosen, labelled in zip(_NOISE_PARTS, parts, _LABELLED) if chosen),
                      re.IGNORECASE)


def _strip_marks(text: str) -> str:
    """``_NOISE.sub(" ", text)``, running only the alternatives that can match in the text."""
    folded = _folded(text)
    slash = "/" in text
    parts = ("[" in text,
             slash and ("://" in text or _SITE_SLASH.search(text) is not None) or "www." in folded,
             "@" in text or "\uff20" in text,
             "#" in text and _HASH_DIGIT.search(text) is not None,
             "{" in text or "xx" in folded,
             _THREE_DIGITS.search(text) is not None)
    if not any(parts):
        return text
    labels = (parts[3] or parts[5]) and any(word in folded for word in _LABEL_WORDS)
    return _noise_pattern(parts, labels).sub(" ", text)


# The words a sign-off starts with (_SIGNOFF): without one of them in the text, it cannot match.
_SIGNOFF_WORDS = ("thank", "thx", "regards", "cheers", "sincerely", "best wishes", "yours truly",
                  "yours faithfully", "respectfully", "sent from my")

# Greetings at the start and sign-offs at the end: the words people wrap a
# message in.  Anchored, so "thanks for nothing" in the middle stays.
_GREETING = re.compile(
    r"^\s*(?:(?:(?:hi|hiya|hello|hey|dear|good (?:morning|afternoon|evening)|greetings|to whom it may concern)"
    r"\b[^,.!?\n]{0,40}[,.!?:\n]+"
    # "Hi The charger is hot": a greeting without punctuation, before the first words of a sentence
    r"|(?:hi|hiya|hello|hey)\s+(?=(?:the|my|i|i'm|we|our|your|this|it|why|how|what|when|can|please)\b))\s*)+",
    re.IGNORECASE)
_SIGNOFF = re.compile(
    r"(?<=[^\W_])(?P<end>[.!?]?)\s+(?:(?:many |best |kind |warm )?(?:thanks|thank you|thx|regards|cheers|sincerely|"
    r"best wishes|yours truly|yours faithfully|respectfully|sent from my)\b(?:[ ,]+[^\W\d_][\w'-]*){0,5}[\s.!,]*)$",
    re.IGNORECASE)

_SPACE = re.compile(r"\s+")


def strip_noise(text: str) -> str:
    """The text without redaction marks, handles, links, ids, greetings and sign-offs.

    What is left is the customer's own description, with single spaces.  The
    result can be empty (a tweet that was only "@SpotifyCares"), which callers
    treat as "nothing to say about a cause".
    """
    if "&" in text:
        text = html.unescape(text)
    text = _strip_marks(text)
    text = _GREETING.sub("", text, count=1)
    if _may_sign_off(text):
        text = _SIGNOFF.sub(r"\g<end>", text, count=1)
    # _SPACE.sub(" ", text).strip(), ten times faster: str.split() splits at exactly what \s matches.
    return " ".join(text.split())


def _may_sign_off(text: str) -> bool:
    """Whether the text holds a word a sign-off starts with (without one, _SIGNOFF cannot match)."""
    folded = _folded(text)
    for word in _SIGNOFF_WORDS:  # a loop, not any() over a generator: twice as fast here
        if word in folded:
            return True
    return False


_NOISE_TOKEN = re.compile(r"x{2,}|\d+|.*\d.*\d.*\d.*|https?|www|amp|quot|gt|lt|nbsp", re.IGNORECASE)


def is_noise_token(token: str) -> bool:
    """Whether a single word is noise: a redaction run, a number or id, or a URL/entity fragment."""
    return bool(_NOISE_TOKEN.fullmatch(token)) or token.startswith(("@", "＠"))


def is_placeholder_only(text: str) -> bool:
    """True when nothing of the text is the customer's own words (a lone handle, marks only)."""
    return not re.search(r"[^\W\d_]{2,}", strip_noise(text))


# A message made of nothing but these words names no cause: thanks, acknowledgements
# ("ok, DM sent", "it worked!", "will do"), praise without a subject, and the function
# words around them.  In support threads such replies are a large share of the
# customers' messages (one in six of a Twitter support sample), and clustered they
# became the biggest "cause" of all ("Thanks, ok thank, thank you").  Negations
# ("no", "doesn't", "not"), question words and every word of another script are not
# here: "no working", "why?" and "ok 😡 llega tarde" still say something.
SILENT_WORDS = frozenset("""
    a an the i me my mine myself you your yours yourself u ur ya we us our it its it's this that these those
    he him his she her they them their there here to too for of and or but so as at in on by with from into
    about up out over again already also still just then now once yet very much lot lots more most really
    quite all any some every both is am are was were be been being have has had do does did will would shall
    should can could may might must i'm i've i'll i'd you're you've you'll you'd we're we've we'll they're
    that's there's let's im ive youre thats let know see look looking check checking checked try tried
    trying get got gotten gotcha noted understood anyway though back soon asap later
    thanks thank thanked thanking thankyou thanku thx thnx thanx tnx ty tysm tyvm cheers ta appreciate
    appreciated appreciates grateful welcome gracias merci danke grazie obrigado obrigada bedankt dankjewel
    ok okay okey okie k kk alright allright aight fine sure cool great awesome perfect nice sweet brilliant
    excellent amazing lovely fab fabulous fantastic wonderful good best super glad happy
    yes yeah yea yep yup yah aye sounds definitely absolutely totally exactly fingers crossed hope hopefully
    yay woohoo hooray
    done sent send dm dms dmd dm'd dmed dming pm pmd pm'd message messaged follow followed following
    reply replied replies response responded responding quick fast prompt help helped helping helpful
    work works worked working fixed solved resolved sorted
    lol haha hahaha hehe lmao omg wow oh ah ahh aw aww hmm um uh ugh
    hi hello hey hiya bye goodbye please pls plz sorry apologies kindly care caring love loved
    day night weekend morning afternoon evening guys team folks everyone man mate dude bro fam bae babe
    buddy bud pal friend friends anyways thnks thks tks
""".split())
_LETTER_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_HAS_DIGIT = re.compile(r"\d").search
# "No" says something ("no sound"), except in these acknowledgements.
_NO_WORRIES = re.compile(r"\bno (?:worries|problem|probs?)\b")
# "thanksss", "youuu", "yess": a letter held for emphasis ("good" and "too" are words as they are).
_HELD = re.compile(r"(.)\1{2,}")
_DOUBLED = re.compile(r"(.)\1")


def says_nothing(text: str) -> bool:
    """True when a cleaned text (strip_noise) holds no word that could name a cause.

    Empty (a lone handle or link), emoji and numbers only, or only thanks,
    acknowledgements, function words (SILENT_WORDS) and words of one or two
    letters (an agent's initials: "Thanks DF!"): "DMd you, thanks :)",
    "it worked! thank youuu", "ok will do". Such a message is left out of
    clustering: grouped, the thanks became a cause; joined to a cause, one
    would count a reply as a second complaint. A number says something ("I
    tried to get $100 but I just got $20", "8.4.2"), so a text with a digit is never silent.
    """
    if _HAS_DIGIT(text) is not None:
        return False
    for word in _LETTER_WORD.findall(_NO_WORRIES.sub(" ", text.lower().replace("’", "'"))):
        # Two letters or fewer name nothing alone: an agent's initials ("Thanks DF!"), "x", "ya";
        # but "no" says something ("no sound").
        if (len(word) > 2 or word == "no") and word not in SILENT_WORDS and _HELD.sub(r"\1", word) not in SILENT_WORDS \
                and _DOUBLED.sub(r"\1", word) not in SILENT_WORDS:
            return False
    return True


# For showing a complaint to a person (a quote), redaction marks become words that say
# what was there instead of vanishing ("On [date] I paid [amount] to [redacted] bank").
_DATE_MARK = re.compile(r"\b[xX]{2}/[xX]{2}/(?:[xX]{2,4}|\d{2,4})\b")
_AMOUNT_MARK = re.compile(r"\$[xX]{2,}(?:[.,][xX\d]+)?\b")
_BRACED_AMOUNT = re.compile(r"\{(\$?[\d,.]+)\}")
_REDACTED_RUN = re.compile(r"\b[xX]{4,}(?:[/.\-][xX\d]{2,})*\b(?:[\s,]+\b[xX]{2,}(?:[/.\-][xX\d]{2,})*\b)*")
_FORM_LABEL = re.compile(r"^\s*\*{1,2}[^*\n]{1,40}:\*{1,2}\s*")  # a help desk's "*Customer message:*"
_LINK_OR_HANDLE = re.compile("|".join((_URL, _HANDLE)))


def readable(text: str) -> str:
    """The text as a person should read it in a quote: no handles, links, greeting or
    sign-off; CFPB's marks as [date], [amount] and [redacted]; ``{$1200.00}`` as $1200.00.

    Ids and rca's own marks ([email] …) stay: they show where something was, and a
    quote must not look as if nothing had been taken out.
    """
    if "&" in text:
        text = html.unescape(text)
    text = _SPACE.sub(" ", text)  # a sign-off across lines ("Thanks,\nJames") is one sign-off
    text = _FORM_LABEL.sub("", text, count=1)
    text = _LINK_OR_HANDLE.sub(" ", text)
    text = _DATE_MARK.sub("[date]", text)
    text = _AMOUNT_MARK.sub("[amount]", text)
    text = _BRACED_AMOUNT.sub(r"\1", text)
    text = _REDACTED_RUN.sub("[redacted]", text)
    text = _GREETING.sub("", text, count=1)
    text = _SIGNOFF.sub(r"\g<end>", text, count=1)
    text = _SPACE.sub(" ", text).strip(" ,;:-–—")
    return text[:1].upper() + text[1:] if text[:1].islower() else text


# Boilerplate: a sentence of at least this many words that appears, word for
# word, in at least BOILERPLATE_MIN_TEXTS texts and BOILERPLATE_SHARE of them.
# Template letters ("In accordance with the Fair Credit Reporting Act …") and
# stock phrases ("I'd really appreciate a quick reply") say which form was
# used, not what went wrong; a sentence a handful of people happen to share
# ("I am a victim of identity theft") is below the share in any large run.
BOILERPLATE_MIN_WORDS = 4
BOILERPLATE_MIN_TEXTS = 3
BOILERPLATE_SHARE = 0.005

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[^\W_]+")


def _sentence_key(sentence: str) -> str:
    return " ".join(_WORD.findall(sentence.lower()))


def strip_boilerplate(texts: Sequence[str]) -> list[str]:
    """The texts without the sentences that many of them repeat word for word.

    A text made of nothing but such sentences (a bare template letter, a short
    query many people typed alike) is kept whole: it has nothing else to say,
    and removing everything would leave it unclusterable.
    """
    split = [[s for s in _SENTENCE_END.split(text) if s.strip()] for text in texts]
    # Texts repeat sentences (a 100k-complaint run: 420k sentences, 87k distinct, which is
    # what boilerplate is): each distinct sentence is keyed once.
    key_of: dict[str, str] = {}
    keys = []
    for sentences in split:
        text_keys = []
        for sentence in sentences:
            key = key_of.get(sentence)
            if key is None:
                key = key_of[sentence] = _sentence_key(sentence)
            text_keys.append(key)
        keys.append(text_keys)
    long_enough = {k for k in set(key_of.values()) if len(k.split()) >= BOILERPLATE_MIN_WORDS}
    seen = Counter(k for text_keys in keys for k in set(text_keys) if k in long_enough)
    needed = max(BOILERPLATE_MIN_TEXTS, math.ceil(BOILERPLATE_SHARE * len(texts)))
    boiler = {k for k, count in seen.items() if count >= needed}
    if not boiler:
        return list(texts)
    out = []
    for text, sentences, text_keys in zip(texts, split, keys):
        kept = [s for s, k in zip(sentences, text_keys) if k not in boiler]
        out.append(" ".join(s.strip() for s in kept) if kept and len(kept) < len(sentences) else text)
    return out


def prepare_texts(texts: Sequence[str]) -> list[str]:
    """What the vectorizers and the cause labels read: each text without noise, then without boilerplate.

    The one place text is cleaned before clustering (rca.tracking and
    rca.clustering.evaluate call it), so every backend, the keywords and the
    titles see the same words.
    """
    return strip_boilerplate([strip_noise(t or "") for t in texts])
