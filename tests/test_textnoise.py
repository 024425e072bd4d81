"""The one definition of text that says nothing about a cause (rca.textnoise)."""

import pytest

from rca.textnoise import is_noise_token, is_placeholder_only, prepare_texts, readable, says_nothing, strip_noise


@pytest.mark.parametrize("text, expected", [
    ("@SpotifyCares my app crashes https://t.co/abc123 since the update", "my app crashes since the update"),
    ("On XX/XX/2019 I paid {$1200.00} to XXXX bank", "On I paid to bank"),
    ("Order ORD-12345 never arrived. Thanks, Maria", "never arrived."),
    ("my order never came, ticket no. 48213, ref #A12345", "my order never came, ,"),
    ("Hello team, the charger gets hot. Kind regards, Bob", "the charger gets hot."),
    ("I was charged twice. Sincerely, XXXX XXXX", "I was charged twice."),
    ("My contact is [email], card [card]", "My contact is , card"),
    ("I got 3 cards &amp; the one from 2019 failed", "I got 3 cards & the one from 2019 failed"),
])
def test_strip_noise_keeps_the_customers_words(text, expected):
    assert strip_noise(text) == expected


def test_words_that_only_look_like_a_sign_off_stay():
    assert strip_noise("thanks for nothing, the app is broken") == "thanks for nothing, the app is broken"
    assert strip_noise("Price was $12.50, not 15") == "Price was $12.50, not 15"


def test_placeholder_only_texts():
    assert is_placeholder_only("@Delta 0062395415777")
    assert is_placeholder_only("XXXX XXXX [email]")
    assert not is_placeholder_only("@Delta my bag is lost")


@pytest.mark.parametrize("token", ["xxxx", "xx", "2019", "ord12345", "amp", "https", "@delta"])
def test_noise_tokens(token):
    assert is_noise_token(token)


@pytest.mark.parametrize("token", ["charger", "refund", "x", "mortgage", "save20"])
def test_content_tokens(token):
    assert not is_noise_token(token)


@pytest.mark.parametrize("text, expected", [
    ("@SpotifyCares my app crashes https://t.co/abc123 since the update", "My app crashes since the update"),
    ("On XX/XX/2019 I paid {$1200.00} to XXXX XXXX bank.", "On [date] I paid $1200.00 to [redacted] bank."),
    ("They took $XXXX from me on XX/XX/XXXX.", "They took [amount] from me on [date]."),
    ("Hi there, my card [card] was charged twice. Thanks, Bob", "My card [card] was charged twice."),
    ("I got 3 cards &amp; order ORD-12345 failed", "I got 3 cards & order ORD-12345 failed"),
    ("Hiya, my order email is in German.\n\nThanks,\nJames", "My order email is in German."),
    ("HELLO?? The charger is hot. Sent from my iPhone", "The charger is hot."),
    ("Hi The charger for telephone is very hot", "The charger for telephone is very hot"),
    ("Hi Anna, the charger is hot", "The charger is hot"),
    ("*Customer message:* Hello, The charger is hot.", "The charger is hot."),
])
def test_readable_text_for_quotes(text, expected):
    assert readable(text) == expected


def test_sentences_many_texts_repeat_are_boilerplate():
    template = "I am writing to formally dispute this matter under the consumer protection act."
    texts = [f"The {item} charger broke. {template}" for item in ("phone", "laptop", "tablet", "camera")]
    texts.append(template)  # nothing but the template: kept whole, not emptied
    texts.append("The refund never came.")
    cleaned = prepare_texts(texts)
    assert cleaned[:4] == [f"The {item} charger broke." for item in ("phone", "laptop", "tablet", "camera")]
    assert cleaned[4] == template and cleaned[5] == "The refund never came."


def test_prepare_texts_strips_noise_then_boilerplate():
    texts = [f"Hello, @Brand my {w} order ORD-99812 is late. Kind regards, Ann" for w in ("blue", "red", "green")]
    assert prepare_texts(texts) == [f"my {w} is late." for w in ("blue", "red", "green")]


@pytest.mark.parametrize("text", [
    "DMd you, thanks :)", "@SpotifyCares it worked ! thank you", "Thanks you too!!!", "I have sent it!",
    "thank youuu", "Yess, will do", "https://t.co/abc", "@SpotifyCares", "👍👍", "ok cool, DM sent",
    "Hi, thanks. Have a great weekend!", "Its ok..", "No worries, sounds good", "fingers crossed 🤞", "Thanks DF!",
    "Thank you x", "thanks buddy", "",
])
def test_texts_that_say_nothing_about_a_cause(text):
    assert says_nothing(strip_noise(text))


@pytest.mark.parametrize("text", [
    "not working", "No working", "no sound", "why?", "Spotify keeps crashing", "thanks for nothing", "Thanks, the app crashes",
    "I tried to get $100 but I just got $20",  # the numbers say what went wrong
    "8.4.2", "ok 😡 llega tarde", "Onu sormadık thanks", "アプリが開かない", "My bill is empty", "still not fixed",
    "doesn't work", "good morning, my card was declined",
])
def test_texts_that_say_something(text):
    assert not says_nothing(strip_noise(text))
