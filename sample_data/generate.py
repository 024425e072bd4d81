"""Seeded generator of realistic customer-complaint exports for ``rca``.

The fictional shop is **Northwind Home** (https://shop.example.com), a UK online
store for home goods and small electronics.  The generator plants twelve
recurring root causes (``P01`` .. ``P12``) plus one-off noise complaints over
12 ISO weeks ending on Sunday 2026-11-22 (2026-W36 .. 2026-W47), and writes
them in the shapes of real help-desk exports.

Run ``python sample_data/generate.py`` to regenerate the committed files
byte for byte (``--seed``, ``--out DIR``, ``--scale`` are optional).

Importable API (used by benchmarks)::

    from sample_data.generate import iter_complaints, write_generic_csv
    write_generic_csv("big.csv", iter_complaints(1_000_000))

Everything is driven by ``random.Random(seed)``: no clock, no global random
state, no set/dict-order dependence, so the same arguments give the same output.
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import json
import re
import sys
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from random import Random
from typing import Iterable, Iterator
from zoneinfo import ZoneInfo

__all__ = [
    "CAUSES",
    "DEFAULT_END",
    "DEFAULT_SEED",
    "GENERIC_CSV_COLUMNS",
    "iter_complaints",
    "write_generic_csv",
    "generate",
    "main",
]

DEFAULT_SEED = 7
DEFAULT_WEEKS = 12
DEFAULT_END = date(2026, 11, 22)  # a Sunday: ISO week 2026-W47
DEFAULT_TOTAL = 5000  # complaints in the committed exports at --scale 1
NOISE_SHARE = 0.17  # share of one-off complaints that belong to no planted cause

STORE = "Northwind Home"
SHOP = "https://shop.example.com"
UTC = timezone.utc

GENERIC_CSV_COLUMNS = (
    "id", "created_at", "subject", "body", "email", "channel", "tags", "product", "page_url",
)

# ---------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------

# name, sku, price, slug
CATALOGUE = [
    ("Aurora Electric Kettle 1.7L", "NW-KET-0417", "34.99", "aurora-electric-kettle"),
    ("VoltGo 65W USB-C Charger", "NW-CHG-0065", "24.99", "voltgo-65w-usb-c-charger"),
    ("BlendPro 900 Blender", "NW-BLD-0900", "79.99", "blendpro-900-blender"),
    ("Oslo Oak Coffee Table", "NW-FUR-2210", "189.00", "oslo-oak-coffee-table"),
    ("Nordic Wool Throw", "NW-TEX-0311", "49.99", "nordic-wool-throw"),
    ("Cloud Cotton Bathrobe", "NW-TEX-0520", "39.99", "cloud-cotton-bathrobe"),
    ("Harbour Linen Duvet Cover", "NW-TEX-0602", "64.00", "harbour-linen-duvet-cover"),
    ("Fjord Glass Tumblers (Set of 6)", "NW-KIT-0133", "18.50", "fjord-glass-tumblers"),
    ("Ember Cast Iron Skillet 28cm", "NW-KIT-0288", "42.00", "ember-cast-iron-skillet"),
    ("Lumen Smart Bulb 2-pack", "NW-ELE-0712", "21.99", "lumen-smart-bulb-2-pack"),
    ("Birch Bookshelf 5-Tier", "NW-FUR-1180", "119.00", "birch-bookshelf-5-tier"),
    ("Pebble Bluetooth Speaker", "NW-ELE-0450", "59.99", "pebble-bluetooth-speaker"),
    ("Meadow Jute Rug 160x230", "NW-TEX-0905", "89.00", "meadow-jute-rug"),
    ("Cirrus Desk Lamp", "NW-ELE-0388", "32.50", "cirrus-desk-lamp"),
    ("Tidy Bamboo Storage Box", "NW-HOM-0077", "14.99", "tidy-bamboo-storage-box"),
    ("Crest Non-Stick Pan Set", "NW-KIT-0301", "74.99", "crest-non-stick-pan-set"),
]
GENERIC_PAGES = [
    "/", "/cart", "/checkout", "/account/orders", "/account", "/help", "/help/faq",
    "/help/delivery", "/help/returns", "/sale", "/search?q=lamp", "/search?q=kettle",
    "/stores", "/new-in", "/gift-cards",
] + [f"/products/{c[3]}" for c in CATALOGUE]

# ---------------------------------------------------------------------------
# Planted root causes
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cause:
    id: str
    description: str
    kind: str  # steady / new / growing / recurring / fading
    defect_type: str  # typo / inconsistent_info / product_defect / other
    weight: float
    product: str
    pages: tuple[str, ...]
    channels: dict[str, float]
    component: str
    tags: tuple[tuple[str, ...], ...]
    subjects: tuple[str, ...]
    cores: tuple[str, ...]
    details: tuple[str, ...]


_WEB = {"web": 0.5, "email": 0.3, "chat": 0.15, "phone": 0.05}
_PRODUCT = {"web": 0.35, "email": 0.4, "chat": 0.1, "phone": 0.15}

CAUSES: tuple[Cause, ...] = (
    Cause(
        "P01",
        "Typo on the checkout page: the payment button reads 'Procced to payment'",
        "steady", "typo", 1.0, "", ("/checkout", "/checkout/payment", "/checkout?step=2"),
        _WEB, "Checkout",
        (("checkout", "typo"), ("website",), ("typo",), ("website_feedback",), (), ("checkout",)),
        (
            "Typo on checkout", "spelling mistake on your checkout page", "Procced??",
            "Checkout button misspelt", "typo", "Your website has a typo",
            "Proceed is spelt wrong", "small mistake on payment page", "Spelling error - checkout",
            "Procced to payment lol", "Not very professional...", "checkout page error",
            "Spelling on the pay button",
        ),
        (
            'The button on your checkout page says "{Procced|Procced|Proced} to payment" instead of "Proceed to payment".',
            "Just FYI there is a typo on the checkout: {'Procced to payment'|\"Procced to payment\"|Procced to payment}. {Looks unprofessional.|Made me wonder if the site is a scam.|Might want to fix that.|}",
            "When I went to pay I noticed the {big green|green|main} button says Procced to payment. Proceed has two e's, not two c's!",
            'Is it just me or is "Procced" spelled wrong on the checkout page? {I almost didn\'t pay because it looked like a phishing site.|Made me laugh.|My daughter spotted it.|}',
            "spelling mistake on checkout button - procced to payment",
            "Your checkout says Procced to payment. For a {big|well known|proper} shop this is {embarrassing|not good|sloppy|a bit poor}.",
            'On the last step before paying the button text is wrong, it is written "Procced to payment".',
            "Hello, in the page of checkout the button have a mistake, is written Procced to payment and not Proceed.",
            "I was going to pay but honestly the typo on the payment button (Procced) made me think the site was fake. {I checked the URL twice.|I almost called my bank.|I paid by PayPal just in case.}",
            "The checkout button: Procced to payment. Please correct the spelling.",
            "{You|U} spelt proceed wrong on the checkout button {lol|haha|:)|}",
            "Noticed the payment button in checkout says PROCCED TO PAYMENT - missing an e and an extra c.",
        ),
        (
            "It's on the last step, right above the order summary.", "Saw it on mobile and on desktop.",
            "Screenshot attached.", "I work as a proofreader so these things jump out at me.",
            "It's been like that for a while now.", "Still there today.",
            "It's the button you press to pay.", "Everything else on the page looks fine.",
        ),
    ),
    Cause(
        "P02",
        "Typo in the product name on the Oslo Oak Coffee Table page ('Olso Oak Cofee Table')",
        "steady", "typo", 0.6, "Oslo Oak Coffee Table",
        ("/products/oslo-oak-coffee-table", "/products/oslo-oak-coffee-table?colour=natural"),
        _WEB, "Website content",
        (("typo", "product_page"), ("website",), ("furniture",), (), ("website_feedback",)),
        (
            "Typo in product name", "Olso Oak Cofee Table?", "spelling on coffee table page",
            "Product title spelt wrong", "Coffee table listing mistake", "Is it Oslo or Olso?",
            "cofee table", "Mistake on your website", "Oslo table name",
        ),
        (
            'The product page for the Oslo Oak Coffee Table has the name spelled "Olso Oak Cofee Table".',
            "Your coffee table listing says Olso instead of Oslo, and Cofee with one f.",
            "Small thing but the title of the oak coffee table page is misspelled: 'Olso Oak Cofee Table'. {I almost thought it was a knock-off.|Had to google to check it was the same table.|}",
            "I was searching for the Oslo coffee table and {couldn't find it|it didn't come up} because the page says Olso Oak Cofee Table.",
            'Heading on the oak coffee table page: "Olso Oak Cofee Table". Two typos in four words!',
            "coffee table name is wrong on the website (olso / cofee)",
            "The table of coffee in oak, on the page the name is written wrong: Olso and Cofee.",
            "Why is the Oslo table called Olso on the product page? and Cofee? {Is this a different model?|Is it the same as in the catalogue?|}",
            "The name of the oak coffee table is misspelt on its page - it reads Olso Oak Cofee Table.",
        ),
        (
            "The photos and the price look right, just the title.", "In the catalogue it's spelled correctly.",
            "The URL says oslo-oak-coffee-table but the heading doesn't.", "I still want to buy it, just thought you should know.",
            "Same in the app.",
        ),
    ),
    Cause(
        "P03",
        "Price of the Nordic Wool Throw differs: GBP 49.99 on the product page, GBP 59.99 in the cart",
        "steady", "inconsistent_info", 1.0, "Nordic Wool Throw",
        ("/products/nordic-wool-throw", "/cart", "/products/nordic-wool-throw?colour=grey"),
        {"web": 0.45, "email": 0.35, "chat": 0.15, "phone": 0.05}, "Pricing",
        (("pricing",), ("price", "cart"), ("price_match",), (), ("textiles", "pricing")),
        (
            "Price different in basket", "Wrong price in cart", "Nordic throw price??",
            "Charged more than advertised", "Price on page is not the price in the basket",
            "bait and switch?", "Price mismatch", "Throw blanket 49.99 or 59.99?", "Cart price wrong",
        ),
        (
            "The Nordic Wool Throw is {£49.99|49.99|£49.99 GBP} on the product page but when I add it to the basket it {goes up to|shows|changes to} {£59.99|59.99}.",
            "Your website shows one price for the wool throw and the cart shows another. Product page: £49.99, cart: £59.99. Which one is it?",
            "I added the Nordic Wool Throw to my {cart|basket} and the price jumped by £10. {That's false advertising.|Is that even legal?|I am not paying the higher price.}",
            "Price on the Nordic throw page is 49.99, checkout says 59.99. {Please honour the advertised price.|Can you price match your own website?|Fix it please.}",
            "why is the throw blanket 10 pounds more in the basket than on the page??",
            "The {grey|cream|} Nordic Wool Throw is advertised at £49.99 but I was charged £59.99. I want the £10 difference back.",
            "The price of the wool blanket Nordic is 49,99 on the page but in the basket it is 59,99 pound, why is different?",
            "I've been watching the Nordic Wool Throw for weeks and finally went to buy it at £49.99 - in the cart it says £59.99. {annoyed}.",
            "Nordic throw: product page price and basket price don't match (49.99 vs 59.99).",
        ),
        (
            "I tried removing it and adding it again, same thing.", "It's the same in the app.",
            "No discount or voucher involved.", "Both the grey and the cream one.",
            "I have a screenshot of the product page price.", "Other items in my basket are fine.",
        ),
    ),
    Cause(
        "P04",
        "Delivery time differs: FAQ says 3-5 working days, checkout says 7-10 working days",
        "steady", "inconsistent_info", 1.3, "", ("/help/faq", "/help/delivery", "/checkout/shipping"),
        {"web": 0.4, "email": 0.35, "chat": 0.2, "phone": 0.05}, "Delivery",
        (("delivery",), ("delivery", "faq"), ("shipping",), (), ("where_is_my_order",)),
        (
            "Delivery time?", "FAQ says 3-5 days", "How long is delivery really",
            "Conflicting delivery times", "Checkout says 7-10 days??", "delivery estimate wrong",
            "Which is it, 3-5 or 7-10 days?", "Misleading delivery information", "When will my order arrive",
        ),
        (
            "Your FAQ says standard delivery takes 3-5 working days, but at checkout it says 7-10 working days. Which one is correct?",
            "On the help page it says 3 to 5 days delivery. At checkout it said 7 to 10. {I need it for a birthday on Saturday.|I need to know before I order.|Now I don't know when my parcel will come.}",
            "I ordered because the FAQ promised 3-5 days. The checkout said 7-10 working days and now it's been a week. {Misleading.|Not happy.|Which is it?}",
            "delivery times on your site dont match. faq 3-5, checkout 7-10",
            "Why does the FAQ say 3-5 working days when checkout tells me 7-10 working days for standard {shipping|delivery}?",
            "Please update either your FAQ or your checkout - one says 3-5 days and the other 7-10 days for the same standard delivery.",
            "In the questions page is written delivery 3-5 days but when I pay it say 7-10 days. What is true?",
            "I chose standard delivery thinking it was 3-5 days like the FAQ says, only noticed afterwards that checkout said 7-10 days.",
            "FAQ: 3-5 working days. Checkout: 7-10 working days. {Make up your mind!|Which one do I believe?|Confusing.}",
        ),
        (
            "This is for mainland UK.", "I didn't choose express.", "Other shops manage 2 days.",
            "It's a present so timing matters.", "I'd have paid for express if I'd known.",
        ),
    ),
    Cause(
        "P05",
        "Free-shipping threshold differs: banner says free delivery over GBP 50, cart requires GBP 75",
        "steady", "inconsistent_info", 0.9, "", ("/", "/cart", "/checkout/shipping", "/sale"),
        {"web": 0.45, "email": 0.3, "chat": 0.2, "phone": 0.05}, "Pricing",
        (("delivery_charge",), ("free_delivery", "promotion"), ("shipping",), (), ("pricing",)),
        (
            "Free delivery not applied", "Banner says free delivery over £50", "Charged for delivery",
            "Free shipping??", "Delivery charge wrong", "Free delivery threshold",
            "Why am I paying £4.95 delivery",
        ),
        (
            "Your banner says free delivery on orders over £50 but my basket is £{62.50|58.00|54.97|67.48|51.20} and it still charges £4.95 for delivery.",
            "The homepage says FREE DELIVERY OVER £50. In the cart it says free delivery over £75. Which is it?",
            "I spent over £50 to get free shipping like the banner says and then got charged delivery anyway.",
            "free delivery over 50 on the banner, cart says 75. misleading",
            "Delivery fee of £4.95 added even though my order is above the £50 free-delivery threshold shown on every page.",
            "The banner on top say free shipping from 50 pounds, but the cart ask me 4,95 for shipping, my order is more than 50.",
            "I added an extra item just to get over £50 for the free delivery and it STILL charges delivery. Now the basket says spend £75. {Very sneaky.|Feels like a scam.|Please refund the delivery.}",
            "The free delivery banner (over £50) doesn't match the basket, which wants £75 before delivery is free.",
        ),
        (
            "Standard delivery, nothing heavy.", "I'm not in the Highlands or anything.",
            "I've attached a screenshot of the banner and the basket.", "My friend had the same problem.",
        ),
    ),
    Cause(
        "P06",
        "Aurora Electric Kettle 1.7L stops working after about a week",
        "steady", "product_defect", 1.6, "Aurora Electric Kettle 1.7L",
        ("/products/aurora-electric-kettle", "/account/orders"),
        _PRODUCT, "Small appliances",
        (("kettle", "faulty"), ("product_fault",), (), ("refund", "kettle"), ("replacement",), ("faulty",)),
        (
            "Kettle stopped working", "Faulty kettle", "Aurora kettle broken after a week", "kettle dead",
            "Refund for kettle", "Kettle not switching on", "KETTLE BROKEN", "Electric kettle fault",
            "Second kettle also broken", "Replacement kettle?", "Kettle",
        ),
        (
            "I bought the Aurora Electric Kettle {bought_when} and it {broke} after {a week|about a week|8 days|ten days|just over a week|six days}.",
            "My new kettle {broke}. {The light comes on but it doesn't heat.|It doesn't heat the water anymore.|The switch clicks off straight away.|Nothing happens when I press the switch.}",
            "Aurora kettle worked fine for a week then just {stopped|died|gave up}. {I want a refund.|Please send a replacement.|What are you going to do about it?}",
            "kettle stopped working after 1 week. {not impressed|rubbish|refund pls}",
            "This is the second Aurora kettle that has {broke} within a week or so. There must be something wrong with the batch.",
            "The kettle I buy one week ago is not working more, the water is not becoming hot.",
            "We used the 1.7L Aurora kettle {maybe 3-4 times a day|every morning|a few times a day} and on day {7|8|9} it {broke}. {No drops, no damage, nothing.|It was never dropped.|}",
            "After about a week the kettle started {cutting out before boiling|switching itself off|not switching on at all} and now it's completely dead.",
            "Electric kettle (Aurora, 1.7 litre) {broke} {after a week|after 9 days|within a week} of normal use.",
        ),
        (
            "It's plugged into a normal socket, other appliances work fine.", "I descaled it as instructed.",
            "I still have the box and the receipt.", "The base light doesn't come on anymore.",
            "Tried a different socket.", "I'd like a refund rather than another one.",
        ),
    ),
    Cause(
        "P07",
        "VoltGo 65W USB-C phone charger overheats while charging",
        "growing", "product_defect", 1.0, "VoltGo 65W USB-C Charger",
        ("/products/voltgo-65w-usb-c-charger", "/account/orders"),
        _PRODUCT, "Electronics",
        (("charger", "safety"), ("product_fault",), (), ("electronics",), ("urgent", "safety"), ("faulty",)),
        (
            "Charger gets very hot", "Overheating charger - dangerous", "VoltGo charger too hot to touch",
            "Safety issue with charger", "Charger melted?", "USB-C charger overheating", "HOT CHARGER",
            "Charger smells of burning", "Is this charger safe?",
        ),
        (
            "The VoltGo 65W charger gets {extremely hot|too hot to touch|really hot|burning hot} when charging my phone.",
            "My phone charger from you overheats after {10|15|20|a few} minutes of charging. {I'm scared it will start a fire.|It's a fire hazard.|I unplugged it immediately.}",
            "The USB-C charger {smells of burning plastic|made a crackling sound|has a brown mark on the plug} after getting very hot.",
            "charger overheating!!! this is dangerous",
            "I bought the 65W VoltGo fast charger and it gets so hot I can't hold it. {Surely this isn't normal?|Is this normal?|Please advise.}",
            "The charger for telephone is becoming very hot, I can not touch it, I am afraid for fire.",
            "Left my phone charging overnight with the VoltGo charger and in the morning the charger was {scorching|very hot|hot enough to burn} and the phone was at 60%.",
            "The fast charger overheats and then stops charging, {the phone says 'charging paused'|the cable gets hot too|the plug is warm for an hour after}.",
            "VoltGo charger overheating - {way too hot|dangerously hot|hot like an iron} after a short charge.",
        ),
        (
            "I'm using the cable that came with it.", "It's plugged into the wall, not an extension.",
            "It's in my child's room, so I'm very worried.", "I've stopped using it.", "Should this be recalled?",
            "My old charger never did this.",
        ),
    ),
    Cause(
        "P08",
        "BlendPro 900 Blender lid cracks after a few uses (supplier batch, replaced)",
        "fading", "product_defect", 1.2, "BlendPro 900 Blender",
        ("/products/blendpro-900-blender", "/account/orders"),
        _PRODUCT, "Small appliances",
        (("blender", "damaged"), ("product_fault",), (), ("spare_part",), ("faulty",)),
        (
            "Blender lid cracked", "Crack in blender lid", "BlendPro lid broke", "Replacement lid please",
            "Lid cracked first use", "Lid split", "blender jug lid broken",
        ),
        (
            "The lid of my BlendPro 900 {cracked|split|has a crack} {the first time I used it|after two uses|within a few days}.",
            "The blender lid has a crack along the {edge|rim|middle} and now it leaks when I blend.",
            "Lid cracked on the BlendPro after making one smoothie. {I didn't overfill it.|It was cold ingredients only.|Nothing hot.}",
            "blender lid cracked. need new lid",
            "Can you send me a replacement lid for the BlendPro 900? Mine cracked {when I pressed it on|after a week|while blending ice}.",
            "The cover of the blender is broken, it have a crack, now the juice is coming out.",
            "The plastic on the blender lid is so thin it cracked the second time I used it. {Disappointed with the quality.|For £79.99 I expected better.|}",
            "Blender lid {cracked|split} - {BlendPro 900|the 900 model}, bought {bought_when}.",
        ),
        (
            "The jug itself is fine.", "I have photos of the crack.", "The clip tab also snapped off.",
            "I'd rather not return the whole blender.",
        ),
    ),
    Cause(
        "P09",
        "Promo code SAVE20 rejected at checkout (fixed in week 6, broke again in the last 2 weeks)",
        "recurring", "other", 1.2, "", ("/checkout/payment", "/cart", "/checkout"),
        {"web": 0.45, "email": 0.25, "chat": 0.25, "phone": 0.05}, "Promotions",
        (("promo_code",), ("discount", "checkout"), ("voucher",), (), ("marketing",)),
        (
            "SAVE20 not working", "Promo code rejected", "Discount code invalid", "Voucher doesn't work",
            "Code SAVE20 says invalid", "20% code not accepted", "promo code problem",
        ),
        (
            'I tried to use the code SAVE20 from your email and it says "{This code is not valid|Invalid promo code|This code cannot be applied}".',
            "Promo code SAVE20 is being rejected at checkout. {It's not expired.|The email says valid until the end of the month.|My basket is over the minimum.}",
            "save20 doesnt work",
            "Your newsletter gave me SAVE20 for 20% off but the checkout won't accept it. {I've tried capitals and lower case.|Tried on the app too.|Tried three times.}",
            "The discount code SAVE20 gives an error when I click Apply.",
            "The code SAVE20 for discount is not accepted, it say code is not valid. Why?",
            "I was promised 20% off with SAVE20 and the website refuses it. {I won't order without it.|I ordered anyway, please refund the 20%.|Can you apply it manually?}",
            "SAVE20 {voucher|promo code|discount code} {rejected|not accepted|invalid} at checkout.",
        ),
        (
            "I'm logged in.", "No other discount in the basket.", "Instagram ad said the same code.",
            "The code is in the email you sent on Friday.",
        ),
    ),
    Cause(
        "P10",
        "Order confirmation email sent in the wrong language (German/French/Dutch) to UK customers",
        "new", "other", 2.2, "", ("/account/orders",),
        {"email": 0.7, "web": 0.15, "chat": 0.1, "phone": 0.05}, "Email notifications",
        (("order_confirmation",), ("email",), (), ("notifications",), ("language",)),
        (
            "Order confirmation in German?", "Confirmation email wrong language", "Why is my email in French",
            "Received email in another language", "Bestellbestätigung??", "Can't read my order confirmation",
            "Wrong language",
        ),
        (
            "My order confirmation email arrived in {German|French|Dutch} and I can't read it. {I'm in the UK.|My account is set to English.|I ordered on the English site.}",
            'I just got an email saying "{Vielen Dank für Ihre Bestellung|Merci pour votre commande|Bedankt voor je bestelling}" - is this my order confirmation? Why is it not in English?',
            "the confirmation email is in german??",
            "Order confirmation came in {German|French|Dutch}. {I thought it was spam at first.|Had to use Google Translate.|Not sure if my order went through properly.}",
            "Your order confirmation emails are being sent in the wrong language. Mine was in {German|French} and my {partner's|mum's|colleague's} too.",
            "I am Spanish but live in UK, and I receive the confirmation of order in German language, is strange.",
            "Why did my order confirmation arrive in {German|French|Dutch}? {I don't speak it.|Everything else is in English.|Is my account hacked?}",
        ),
        (
            'Subject line was "Ihre Bestellung bei Northwind Home".', "The delivery details look right though.",
            "Previous orders were in English.", "I checked my account language settings.",
        ),
    ),
    Cause(
        "P11",
        "Size chart of the Cloud Cotton Bathrobe contradicts the product description",
        "steady", "inconsistent_info", 0.5, "Cloud Cotton Bathrobe",
        ("/products/cloud-cotton-bathrobe", "/products/cloud-cotton-bathrobe#size-guide"),
        {"web": 0.45, "email": 0.35, "chat": 0.15, "phone": 0.05}, "Website content",
        (("sizing",), ("returns", "sizing"), ("textiles",), ()),
        (
            "Size chart wrong?", "Bathrobe sizing confusing", "Which size should I order",
            "Size chart contradicts description", "Robe too small", "sizing info", "Returning bathrobe - wrong size",
        ),
        (
            "The description of the Cloud Cotton Bathrobe says it runs small and to size up, but the size chart says it is true to size. Which is right?",
            "I followed the size chart for the bathrobe and it's way too {small|big}. The description says something completely different to the chart.",
            "bathrobe size chart says M is chest 38-40, description says M fits 42-44. confusing",
            "The product text says 'order one size up' but the size guide on the same page says 'fits true to size'. {I'm between sizes so this matters.|I've now returned it twice.|Please make it consistent.}",
            "For the bath robe the table of sizes and the text say different things, I don't know which size to take.",
            "Cloud Cotton Bathrobe: size guide and description contradict each other.",
        ),
        (
            "I'm normally a medium.", "It's a gift so I can't try it on.", "The reviews say it's small.",
            "Same problem with the kids' version.",
        ),
    ),
    Cause(
        "P12",
        "Broken link on the returns page: 'Start a return' leads to a 404 page",
        "steady", "other", 0.8, "", ("/help/returns", "/returns/start", "/help/returns#start"),
        {"web": 0.45, "email": 0.3, "chat": 0.2, "phone": 0.05}, "Returns",
        (("returns",), ("returns", "website"), ("broken_link",), (), ("refund",)),
        (
            "Returns link broken", "Can't start a return", "404 on returns page", "Page not found when returning",
            "How do I return an item?", "Returns form doesn't work", "broken link",
        ),
        (
            'The "Start a return" link on your returns page goes to a 404 page.',
            'I\'m trying to return an item but when I click {Start a return|the returns form link|\'Start your return\'} I get "{Page not found|404 - page not found|Oops, this page doesn\'t exist}".',
            "returns page link broken, 404",
            "Your returns page says to use the online form but the link is dead. How am I supposed to return my {order|item|parcel}?",
            "Clicked the returns link in the help centre and got an error 404. {Tried on phone and laptop.|Tried different browsers.|It's been like this for days.}",
            "I want to give back the product but the link for returns is not working, it show error 404.",
            "The link to start a return {just gives a 404|is broken (404)|goes nowhere - page not found}.",
        ),
        (
            "I'm still within the 30 days.", "The link in the email also doesn't work.",
            "I just want a return label.", "Can you email me a label instead?",
        ),
    ),
)
CAUSE_BY_ID = {c.id: c for c in CAUSES}

# One-off complaints: (subjects, cores). Varied on purpose; none is a planted cause.
NOISE: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("Rude delivery driver", "Complaint about your driver", "Driver was rude"),
     ("The delivery driver was {very rude|incredibly rude|aggressive} to my {mum|husband|neighbour} {today|yesterday|this morning}.",
      "Your courier shouted at me because I took a minute to come to the door. Not acceptable.")),
    (("Parcel left in the rain", "Parcel soaked", "Left outside"),
     ("My parcel was left {on the doorstep|by the bins|outside the gate} in the rain and the box was soaked through.",
      "driver threw the parcel over the fence, the box is wet and dented")),
    (("Refund for a gift", "Gift return no receipt", "Returning a present"),
     ("I received a {lamp|rug|set of glasses|bathrobe} as a gift and would like a refund, but I don't have the receipt.",
      "Can I return a gift from {my aunt|a friend|my sister} for store credit? It's still in the box.")),
    (("Opening hours?", "Showroom hours", "Are you open on Sunday"),
     ("What time does your {Leeds|Bristol|Manchester} showroom open on {Sundays|Saturdays|bank holidays}?",
      "Is the showroom open late on Thursdays? The website doesn't say.")),
    (("VAT invoice", "Invoice needed", "Need a company invoice"),
     ("I need a VAT invoice with our company name for order {order} please.",
      "Can you send an invoice addressed to my business? Our accounts team needs it.")),
    (("Change delivery address", "Wrong address", "Update address"),
     ("I put the wrong house number on my order, can you change it to {12|24|7a} before it ships?",
      "Please change my delivery address, I'm moving next week.")),
    (("Cancel my order", "Cancellation", "Please cancel"),
     ("Please cancel order {order}, I ordered the wrong {colour|size|item} by mistake.",
      "I want to cancel, it hasn't shipped yet according to the tracking.")),
    (("Glasses arrived broken", "Damaged in transit", "Broken on arrival"),
     ("Two of the Fjord tumblers arrived smashed, the box had hardly any padding.",
      "The skillet arrived with a chip in the enamel, the box was crushed.")),
    (("Wrong colour sent", "Wrong item received", "Not what I ordered"),
     ("I ordered the {sage|navy|cream} duvet cover and received {grey|pink|white}.",
      "Received a completely different item to what I ordered.")),
    (("Missing item", "Item missing from parcel", "Only half my order arrived"),
     ("My parcel arrived but the {storage box|second bulb pack|pan lid} was missing.",
      "Order says 3 items, box had 2.")),
    (("Can't log in", "Password reset not working", "Account locked"),
     ("The password reset email never arrives, I've checked spam.",
      "My account says it's locked after too many attempts, please unlock it.")),
    (("Unsubscribe", "Too many emails", "Stop emailing me"),
     ("Please remove me from your mailing list, I get three emails a day.",
      "STOP SENDING ME MARKETING EMAILS. I've unsubscribed twice.")),
    (("Thank you!", "Great service", "Compliment"),
     ("Just wanted to say thank you to {Sam|Priya|Tom} in customer service who sorted my issue so quickly.",
      "The rug is lovely and arrived a day early, thanks!")),
    (("Warranty question", "Guarantee?", "How long is the warranty"),
     ("How long is the warranty on the Pebble speaker? Mine has started crackling.",
      "Does the 2 year guarantee cover accidental damage?")),
    (("Back in stock?", "Restock", "When will it be available"),
     ("When will the {Meadow jute rug|Birch bookshelf|Cirrus lamp} be back in stock?",
      "The {sage|navy} colour has been out of stock for weeks, is it coming back?")),
    (("Price match", "Cheaper elsewhere", "Do you price match"),
     ("The Crest pan set is £15 cheaper on another website, will you price match?",
      "Saw the same speaker for less at a competitor, can you match it?")),
    (("Too much packaging", "Plastic packaging", "Packaging waste"),
     ("A tiny storage box came in a huge box full of plastic air bags. Please think about the environment.",
      "so much plastic for one bulb pack. do better")),
    (("Loyalty points missing", "Points not added", "Rewards"),
     ("My loyalty points for my last order haven't been added.",
      "I had 450 points and now it says 0, where did they go?")),
    (("Charged twice", "Double payment", "Two payments taken"),
     ("I've been charged twice for the same order, {£64.00|£89.00|£32.50} came out of my account two times.",
      "My bank shows two payments for one order. Please refund one.")),
    (("Tracking not updating", "Where is my parcel", "No tracking info"),
     ("Tracking has said 'in transit' for {6|8|9} days now.",
      "the tracking link doesnt show anything, where is my order?")),
    (("Delete my data", "GDPR request", "Close my account"),
     ("Please delete my account and all personal data you hold about me.",
      "Under GDPR I request a copy of the data you hold on me.")),
    (("Complaint about customer service", "Waiting for a reply", "Speak to a manager"),
     ("I've been waiting {5|7|10} days for a reply to my email. I want to speak to a manager.",
      "Your chat closed on me three times. Terrible service.")),
    (("App keeps crashing", "App problem", "Can't use the app"),
     ("The Northwind app crashes every time I open my basket on {Android|iPhone}.",
      "app wont load since the update")),
    (("Website very slow", "Site not loading", "Slow website"),
     ("Your website is painfully slow this evening, pages take ages to load.",
      "The search results page keeps timing out.")),
    (("Assembly instructions missing", "No instructions", "Screws missing"),
     ("The Birch bookshelf came without assembly instructions.",
      "bag of screws missing from the bookshelf box, cant build it")),
    (("Rug smells", "Strong smell", "Chemical smell"),
     ("The jute rug has a very strong smell, is that normal? It's been a week.",
      "New rug smells of chemicals, is it safe for my dog?")),
    (("Click and collect", "Collect in store", "Collection question"),
     ("Can I collect my order from the {Leeds|Bristol} store instead of delivery?",
      "How long will you hold my click and collect order?")),
    (("Black Friday", "Sale dates", "When is the sale"),
     ("When does your Black Friday sale start? Will the speaker be included?",
      "Is there going to be a Christmas sale this year?")),
    (("Gift wrapping", "Gift message", "Can you gift wrap"),
     ("Can you gift wrap my order and add a message? It's for my mum's birthday.",
      "Do you offer gift receipts?")),
    (("Reklamation", "Problème avec ma commande", "Lieferung"),
     ("Hallo, meine Bestellung ist noch nicht angekommen. Können Sie mir helfen?",
      "Bonjour, je n'ai toujours pas reçu ma commande, pouvez-vous vérifier s'il vous plaît ?")),
    (("Student discount", "Discount for students", "NHS discount"),
     ("Do you do a student discount? I couldn't find anything on the website.",
      "Is there an NHS or key worker discount?")),
    (("Delivered to neighbour", "Parcel given to wrong house", "Delivered to the wrong address"),
     ("Tracking says delivered to a neighbour but nobody on my street has it.",
      "The photo proof of delivery shows a door that isn't mine.")),
    (("Smart bulb won't pair", "Bulb not connecting", "App can't find bulb"),
     ("The Lumen smart bulbs won't pair with my router, tried everything in the manual.",
      "smart bulb keeps disconnecting from wifi")),
    (("Speaker battery", "Battery life poor", "Speaker dies quickly"),
     ("The Pebble speaker battery only lasts an hour, the box says 12 hours.",
      "speaker wont hold a charge")),
    # Hard negatives: same products, pages or words as a planted cause, different problem.
    (("Kettle arrived dented", "Damaged kettle", "Kettle damaged in delivery"),
     ("The Aurora kettle arrived with a big dent in the side, the box was crushed.",
      "kettle came damaged - the lid hinge is bent out of the box. {It works but looks awful.|Can I swap it?}")),
    (("Charger not compatible", "Charger doesn't fit", "Wrong charger?"),
     ("Does the VoltGo 65W charger work with a {MacBook Air|Dell laptop|Pixel phone}? Mine charges really slowly.",
      "The USB-C charger doesn't fast-charge my phone, it says 'slow charging'. Is it compatible?")),
    (("WELCOME10 expired", "Welcome code", "Discount code expired"),
     ("My WELCOME10 code says it has expired but I only signed up {yesterday|last week}.",
      "Can I use two discount codes on one order? The checkout only lets me enter one.")),
    (("Parcel late", "Order not arrived", "Late delivery"),
     ("My order was due {yesterday|on Friday|two days ago} and still hasn't arrived.",
      "It's been {8|9|12} days and my order still says processing. Where is it?")),
    (("Refund not received", "Where is my refund", "Return received but no refund"),
     ("You received my return {two weeks ago|on the 3rd|last Monday} but I still haven't had my refund.",
      "The returns label worked fine but the refund is still not in my account.")),
    (("Price dropped", "Price went down after I bought", "Refund the difference"),
     ("I bought the Nordic Wool Throw last week and now it's cheaper in the sale. Can you refund the difference?",
      "The {speaker|duvet cover|pan set} dropped £15 the day after I ordered, can I get the difference back?")),
    (("Blender very loud", "Noisy blender", "Blender noise"),
     ("The BlendPro 900 is incredibly loud, is that normal for this model?",
      "blender works but the noise is unbearable, like a jet engine")),
    (("Exchange bathrobe", "Swap size", "Exchange for a bigger size"),
     ("Can I exchange the Cloud Cotton Bathrobe for a large? It's a bit tight on the shoulders.",
      "I'd like to swap my robe for a different colour, same size.")),
    (("No confirmation email", "Didn't get order confirmation", "Did my order go through?"),
     ("I never received an order confirmation email, did my order go through?",
      "No confirmation email and nothing in my account, but the money has left my bank.")),
    (("Typo in your newsletter", "Newsletter mistake", "Spelling in email"),
     ("Your newsletter this week says 'Autum collection'. Thought you'd want to know!",
      "Small typo in the subject of your marketing email: 'Speical offers'.")),
)

# ---------------------------------------------------------------------------
# Shared phrase pools
# ---------------------------------------------------------------------------

SLOTS: dict[str, tuple[str, ...]] = {
    "broke": ("stopped working", "died", "packed up", "just stopped", "stopped heating",
              "broke", "gave up", "stopped working completely"),
    "bought_when": ("last week", "two weeks ago", "on the {1st|3rd|10th|14th|21st}", "recently",
                    "10 days ago", "at the start of the month", "for my new flat"),
    "annoyed": ("Really annoyed", "Very disappointed", "Not happy", "Furious", "A bit confused",
                "So frustrated", "Quite upset", "Gutted"),
    "order": ("#NW-{1|2|3|4}0{0|1|2|3|4|5|6|7|8|9}{1|2|3|4|5}{0|3|6|8}{2|4|7|9}",),
}

OPENERS = (
    "Hi,\n\n", "Hello,\n\n", "Dear Northwind team,\n\n", "Dear Sir/Madam,\n\n", "hey ", "Hi there, ",
    "Good morning,\n\n", "Good afternoon,\n\n", "To whom it may concern,\n\n", "Hallo,\n\n", "Hi ",
    "HELLO?? ", "Hello Northwind Home,\n\n", "Hi team,\n\n", "Morning, ", "Hiya, ", "Dear customer service,\n\n",
    "", "", "", "", "",
)
CLOSERS = (
    "\n\nThanks", "\n\nRegards", "\n\nKind regards", "\n\nPlease fix this!!", "\n\nThank you",
    "\n\nSent from my iPhone", "\n\nWaiting for your answer.", "\n\nThis is unacceptable.", "\n\nCheers",
    "\n\nBest wishes", " Thanks.", " thx", " Please help.", " Regards.", "\n\nThanks in advance",
    "\n\nLooking forward to your reply", "\n\nI expect a response within 24 hours.", "", "", "", "",
)
NAMED_CLOSERS = ("\n\nThanks,\n", "\n\nRegards,\n", "\n\nKind regards,\n", "\n\nBest,\n", "\n\nMany thanks\n", "\n\n- ")
CONTEXT = (
    "I have been a customer for {years|a long time|over five years}.",
    "I ordered {last week|on Monday|a few days ago|at the weekend} {for my mum's birthday|as a gift|for our new house|}.",
    "This is the second time I'm writing about this.",
    "I tried on my phone and on my laptop, same thing.",
    "I've already spent {20 minutes|half an hour|ages} on hold.",
    "I usually love shopping with you.",
    "I know you're probably busy but this needs looking at.",
    "Honestly I expected better from you.",
    "My {sister|friend|neighbour|colleague} says the same happened to her.",
    "I don't normally complain but this is too much.",
    "Not the end of the world but a bit annoying.",
    "I'm writing on behalf of my {dad|mother|grandma} who isn't online.",
    "We've just moved house so we're buying a lot of things at the moment.",
    "I was on my lunch break trying to sort this out.",
    "I'd really appreciate a quick reply.",
    "{annoyed}.",
    "I have already left a review about this.",
    "Your chat bot wasn't helpful at all.",
)
CHAT_AGENT_OPEN = (
    "Agent (Sam): Hi, thanks for contacting Northwind Home, how can I help?",
    "Northwind Bot: Hello! What can we help you with today?",
    "Agent (Priya): Hello, you're chatting with Priya.",
    "Agent (Tom): Hi there! How can I help?",
)
CHAT_AGENT_CLOSE = (
    "\nAgent (Sam): Thanks, I've passed this on to the team.",
    "\nAgent (Priya): Sorry about that, I'll raise it with the relevant team.",
    "\nAgent (Tom): Thanks for letting us know. Is there anything else?",
    "\nNorthwind Bot: An agent will email you shortly.",
    "",
)
PHONE_PREFIX = (
    "Customer called. Says: ", "Phone call - customer reports: ", "Call notes: ",
    "Inbound call. Customer said ", "Caller explained: ",
)
EMOJI = ("😡", "🙁", "😤", "🙏", "👍", "🤔", "😂", "😞", "🤦", "💔", "😠😠", "!!! 😡")
GENERIC_SUBJECTS = (
    "Complaint", "Help", "Question", "Problem with my order", "(no subject)", "Re: Your order",
    "urgent", "Issue", "Feedback", "Hello", "Order {order}", "Fwd: order confirmation", "PLEASE READ",
)

# Personal data that customers paste into tickets (all reserved/test values).
TEST_CARDS = (
    "4111 1111 1111 1111", "4111111111111111", "4111-1111-1111-1111", "5555 5555 5555 4444",
    "4012 8888 8888 1881", "3782 822463 10005", "6011 1111 1111 1117", "5105 1051 0510 5100",
)
TEST_IBANS = (
    "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "DE89 3704 0044 0532 0130 00",
    "NL91 ABNA 0417 1643 00", "FR14 2004 1010 0505 0001 3M02 606",
)
PII_TEMPLATES = (
    ("phone", "You can call me on {phone}."),
    ("phone", "My number is {phone} if that's easier."),
    ("phone", "please ring me {phone} after 5pm"),
    ("card", "I paid with my card {card} so please check the payment."),
    ("card", "card number {card} exp 04/28 if you need it for the refund"),
    ("iban", "Please refund to my bank account, IBAN {iban}."),
    ("iban", "IBAN: {iban} (for the refund)"),
    ("email", "Please reply to {email}, not the address I wrote from."),
    ("email", "my other email is {email}"),
)
# Look-alikes that are NOT personal data: order numbers, prices, dates, SKUs,
# tracking numbers and a 16-digit gift-card number that fails the Luhn check.
LOOKALIKES = (
    "My order number is {order}.", "Order {order}.", "order no. {order}", "(order {order})",
    "It cost £{price}.", "I paid £{price} on {dmy}.", "Ordered on {dot}.", "Delivered {long}.",
    "SKU {sku}.", "Item code {sku}, order {order}.", "Tracking number JJD00{track}.",
    "Gift card 6036 1234 5678 9012 was used for part of it.", "Invoice INV-2026-{inv}.",
)
PHONES = (
    "07700 900{n3}", "+44 7700 900{n3}", "+44 (0)20 7946 0{n3}", "020 7946 0{n3}",
    "+44 161 496 0{n3}", "0113 496 0{n3}", "+1 202-555-01{n2}", "(202) 555-01{n2}",
)

# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------

FIRST_NAMES = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Freya", "Lily", "Emily", "Sophie", "Charlotte",
    "Ella", "Jack", "Oliver", "Harry", "George", "Noah", "Leo", "Arthur", "Oscar", "Charlie", "Thomas",
    "James", "William", "Mohammed", "Aisha", "Fatima", "Priya", "Raj", "Arjun", "Ananya", "Wei", "Mei",
    "Hiroshi", "Yuki", "Lukas", "Anna", "Katarzyna", "Piotr", "Marek", "Ioana", "Andrei", "Sofia",
    "Mateo", "Lucía", "Giulia", "Marco", "Chloé", "Louis", "Sven", "Ingrid", "Kwame", "Ama", "Chinedu",
    "Ngozi", "Siobhan", "Ciarán", "Eilidh", "Rhys", "Dylan", "Megan", "Gareth", "Bethan", "Hamish",
    "Fiona", "Dmitri", "Olena", "Ahmet", "Elif", "Tomás", "Zoë", "Nadia", "Omar", "Leila", "Sanjay",
    "Deepa", "Connor", "Niamh", "Agnieszka", "Jan", "Eva", "Pedro", "Ana", "Julien", "Camille",
)
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Khan",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
    "Jackson", "Clarke", "Hughes", "Edwards", "Singh", "Ahmed", "Ali", "Nowak", "Kowalski", "Müller",
    "Schmidt", "Rossi", "Bianchi", "García", "Martínez", "Dubois", "Lefebvre", "Novak", "Horvat",
    "Popescu", "Ivanova", "Kim", "Chen", "Wang", "Nguyen", "O'Brien", "Murphy", "MacDonald", "Campbell",
    "Stewart", "Okafor", "Mensah", "Yilmaz", "Andersen", "Johansson", "van der Berg", "de Vries", "Kaur",
    "Sharma", "Costa", "Silva", "Fischer", "Weber", "Byrne", "Kelly", "Lewis", "Morgan", "Price",
    "Hussain", "Begum",
)
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
# Customer regions: (IANA zone, share, standard UTC offset in hours used to shape working hours)
REGIONS = (
    ("Europe/London", 0.62, 0.0),
    ("Europe/Berlin", 0.22, 1.0),
    ("America/New_York", 0.1, -5.0),
    ("Asia/Kolkata", 0.06, 5.5),
)
N_CUSTOMERS = 6000

# ---------------------------------------------------------------------------
# Week shapes
# ---------------------------------------------------------------------------


def week_shape(kind: str, weeks: int, salt: int = 0) -> list[float]:
    """Relative weekly volume of a cause of this kind over ``weeks`` weeks.

    new:       absent until the last 2 weeks.
    growing:   low and flat, then rises steeply in the last weeks.
    recurring: present, fixed in week ``weeks // 2`` (week 6 of 12), absent until
               the last 2 weeks, when it comes back.
    fading:    starts high and fades out to nothing by the last week.
    steady:    flat with a small fixed wiggle.
    """
    last = max(weeks - 1, 1)
    out = []
    for i in range(weeks):
        if kind == "new":
            v = 0.0 if i < weeks - 2 else (0.5 if i == weeks - 2 else 1.0)
        elif kind == "growing":
            v = 0.3 + 2.9 * (i / last) ** 3
        elif kind == "recurring":
            fix = weeks // 2 - 1
            if i < fix:
                v = 1.0
            elif i == fix:
                v = 0.4
            elif i < weeks - 2:
                v = 0.0
            else:
                v = 0.8 if i == weeks - 2 else 1.2
        elif kind == "fading":
            v = 1.6 * (1.0 - i / last) ** 1.5
        else:  # steady
            v = 1.0 + (0.1, -0.08, 0.05, -0.12, 0.0, 0.08, -0.05, 0.12, -0.1, 0.03)[(i + salt) % 10]
        out.append(v)
    return out


def allocate(n: int, weeks: int) -> list[list[int]]:
    """Integer counts [week][label] (labels: causes in order, then noise) summing to ``n``.

    Largest-remainder rounding, deterministic; zero-weight cells stay zero.
    """
    shapes = [[c.weight * v for v in week_shape(c.kind, weeks, k)] for k, c in enumerate(CAUSES)]
    planted = sum(sum(s) for s in shapes)
    noise_week = planted * NOISE_SHARE / (1.0 - NOISE_SHARE) / weeks
    cells = [[shapes[k][w] for k in range(len(CAUSES))] + [noise_week] for w in range(weeks)]
    total = sum(sum(r) for r in cells)
    exact = [[v * n / total for v in r] for r in cells]
    counts = [[int(v) for v in r] for r in exact]
    missing = n - sum(sum(r) for r in counts)
    order = sorted(
        ((exact[w][k] - counts[w][k], w, k) for w in range(weeks) for k in range(len(cells[0]))
         if exact[w][k] > 0),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    for _, w, k in order[:missing]:
        counts[w][k] += 1
    return counts


# ---------------------------------------------------------------------------
# Template rendering (done once per seed, never per complaint)
# ---------------------------------------------------------------------------

_BRACE = re.compile(r"\{([^{}]*)\}")
_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_PUNCT = re.compile(r" +([.,!?])")
_KEYBOARD_NEAR = {
    "a": "sq", "e": "wr", "i": "uo", "o": "ip", "n": "bm", "r": "et", "t": "ry", "s": "ad", "l": "k",
    "c": "xv", "h": "gj", "d": "sf", "u": "yi", "m": "n", "p": "o", "g": "fh",
}


def render(template: str, rng: Random, slots: dict[str, tuple[str, ...]] = SLOTS, **fixed: str) -> str:
    """Expand ``{a|b|c}`` alternatives and ``{slot}`` names, innermost first."""

    def sub(m: re.Match) -> str:
        inner = m.group(1)
        if "|" in inner:
            return rng.choice(inner.split("|"))
        if inner in fixed:
            return fixed[inner]
        if inner in slots:
            return rng.choice(slots[inner])
        raise KeyError(f"unknown template slot {{{inner}}} in {template!r}")

    text = template
    while True:
        new = _BRACE.sub(sub, text)
        if new == text:
            break
        text = new
    text = _SPACE_PUNCT.sub(r"\1", _SPACES.sub(" ", text)).strip()
    return text


def misspell(text: str, rng: Random, rate: float) -> str:
    """Customer-style typos: swapped, dropped, doubled or fat-fingered letters."""
    words = text.split(" ")
    for i, w in enumerate(words):
        if len(w) < 4 or not w.isalpha() or rng.random() >= rate:
            continue
        j = rng.randrange(1, len(w) - 1)
        op = rng.random()
        if op < 0.35:
            w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        elif op < 0.6:
            w = w[:j] + w[j + 1:]
        elif op < 0.8:
            w = w[:j] + w[j] + w[j:]
        else:
            near = _KEYBOARD_NEAR.get(w[j].lower())
            if near:
                w = w[:j] + rng.choice(near) + w[j + 1:]
        words[i] = w
    return " ".join(words)


def variants(templates: Iterable[str], rng: Random, per_template: int, *, noisy: bool = True) -> list[str]:
    """Render each template ``per_template`` times, with typos/case noise on some renders."""
    out = []
    for tpl in templates:
        for _ in range(per_template):
            s = render(tpl, rng)
            if noisy:
                r = rng.random()
                if r < 0.22:
                    s = misspell(s, rng, 0.15)
                elif r < 0.30:
                    s = s.lower()
                elif r < 0.34:
                    s = s.rstrip(".!?") + rng.choice(("!!", "!!!", "??", "?!", " !!", "...."))
                elif r < 0.37:
                    s = misspell(s.lower(), rng, 0.2).replace(".", "").replace("'", "")
            out.append(s)
    return out


def _ascii(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", s.lower())


def _cum(weights: Iterable[float]) -> list[float]:
    acc, out = 0.0, []
    for w in weights:
        acc += w
        out.append(acc)
    return [v / acc for v in out]


def _weighted_pool(items: dict[str, float], size: int = 40) -> list[str]:
    out: list[str] = []
    for k, w in items.items():
        out += [k] * max(1, round(w * size))
    return out


class _Model:
    """Everything precomputed for one seed: phrase pools, customers, time pools."""

    def __init__(self, seed: int) -> None:
        rng = Random(f"rca-sample-model-{seed}")
        self.seed = seed
        n_labels = len(CAUSES) + 1
        self.label_ids = [c.id for c in CAUSES] + ["noise"]

        # --- customers ---------------------------------------------------
        region_cum = _cum(r[1] for r in REGIONS)
        seen: set[str] = set()
        names, emails, regions = [], [], []
        for _ in range(N_CUSTOMERS):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            f, l = _ascii(first), _ascii(last)
            style = rng.randrange(6)
            local = (f"{f}.{l}", f"{f[0]}{l}", f"{f}{l}{rng.randrange(1, 99)}", f"{f}_{l}",
                     f"{l}.{f}", f"{f}{rng.randrange(1970, 2006)}")[style]
            domain = rng.choice(EMAIL_DOMAINS)
            email = f"{local}@{domain}"
            k = 2
            while email in seen:
                email = f"{local}{k}@{domain}"
                k += 1
            seen.add(email)
            r = rng.random()
            name = f"{first} {last}" if r < 0.9 else (f"{first} {last}".lower() if r < 0.96 else first)
            names.append(name)
            emails.append(email)
            regions.append(bisect_right(region_cum, rng.random()))
        self.names, self.emails, self.regions = names, emails, regions
        self.first_names = [n.split(" ")[0] for n in names]
        self.region_of_email = {e: REGIONS[r][0] for e, r in zip(emails, regions)}

        # --- time pools: UTC hour-of-week shaped by each region's local working hours.
        # Kept inside [Mon 05:00, Sun 18:00) UTC so every region's local date stays in
        # the same ISO week as the UTC date (week boundaries are clean in any zone).
        day_w = (1.3, 1.15, 1.1, 1.05, 1.0, 0.7, 0.8)
        hour_w = (0.05, 0.03, 0.02, 0.02, 0.02, 0.05, 0.15, 0.4, 0.8, 1.5, 1.6, 1.5, 1.4, 1.2, 1.3, 1.3,
                  1.3, 1.2, 1.0, 1.1, 1.1, 0.9, 0.5, 0.2)
        self.hour_pools = []
        for _, _, off in REGIONS:
            pool = []
            for h in range(5, 162):
                local = h + off
                d, hod = int(local // 24) % 7, int(local % 24)
                pool += [h] * round(day_w[d] * hour_w[hod] * 10)
            self.hour_pools.append(pool)

        # --- phrase pools ------------------------------------------------
        self.subjects = []
        self.cores = []
        self.details = []
        self.channels = []
        self.pages = []
        self.tags = []
        self.products = []
        generic_subj = variants(GENERIC_SUBJECTS, rng, 6, noisy=False)
        for c in CAUSES:
            subj = variants(c.subjects, rng, 6)
            # ~12% of subjects say nothing about the problem
            subj += [rng.choice(generic_subj) for _ in range(len(subj) // 7)]
            self.subjects.append(subj)
            self.cores.append(variants(c.cores, rng, 45))
            self.details.append(variants(c.details, rng, 8))
            self.channels.append(_weighted_pool(c.channels))
            pages = [SHOP + p for p in c.pages] * 4 + [SHOP + p + "?utm_source=newsletter" for p in c.pages]
            self.pages.append(pages)
            tag_opts = [list(t) for t in c.tags]
            self.tags.append(tag_opts)
            self.products.append(c.product)
        noise_subj, noise_core = [], []
        for subjects, cores in NOISE:
            noise_subj.append(variants(subjects, rng, 4) + generic_subj[:6])
            noise_core.append(variants(cores, rng, 12))
        self.noise_subjects, self.noise_cores = noise_subj, noise_core
        self.noise_details = variants(CONTEXT, rng, 6)
        self.noise_channels = _weighted_pool({"email": 0.4, "web": 0.35, "chat": 0.15, "phone": 0.1})
        self.noise_pages = [SHOP + p for p in GENERIC_PAGES]
        self.noise_tags = [[], [], ["general"], ["delivery"], ["account"], ["refund"], ["feedback"],
                           ["order_status"], ["website"]]
        self.noise_products = [c[0] for c in CATALOGUE]

        self.openers = list(OPENERS)
        self.closers = list(CLOSERS)
        self.context = variants(CONTEXT, rng, 8)
        self.emoji = list(EMOJI)
        self.chat_open = list(CHAT_AGENT_OPEN)
        self.chat_close = list(CHAT_AGENT_CLOSE)
        self.phone_prefix = list(PHONE_PREFIX)
        pii = []
        for kind, tpl in PII_TEMPLATES:
            for _ in range(12):
                n3, n2 = f"{rng.randrange(1000):03d}", f"{rng.randrange(100):02d}"
                phone = rng.choice(PHONES).format(n3=n3, n2=n2)
                pii.append((kind, tpl.format(phone=phone, card=rng.choice(TEST_CARDS),
                                             iban=rng.choice(TEST_IBANS), email="{email}")))
        self.pii = pii
        look = []
        for tpl in LOOKALIKES:
            for _ in range(20):
                sku = rng.choice(CATALOGUE)[1]
                look.append(tpl.format(
                    order=render("{order}", rng), price=f"{rng.randrange(9, 190)}.{rng.choice(('99', '50', '00', '49'))}",
                    dmy="{dmy}", dot="{dot}", long="{long}", sku=sku,
                    track=f"{rng.randrange(10**11, 10**12)}", inv=f"{rng.randrange(10000, 99999)}",
                ))
        self.lookalikes = look
        phone_subj = []
        for _ in range(60):
            phone_subj.append(rng.choice(PHONES).format(n3=f"{rng.randrange(1000):03d}", n2=f"{rng.randrange(100):02d}"))
        self.phone_subjects = phone_subj
        self.generic_subjects = generic_subj
        self.n_labels = n_labels

    # -----------------------------------------------------------------------

    def iter(self, n: int, weeks: int, end: date, start_id: int = 100001) -> Iterator[dict]:
        rng = Random(f"rca-sample-stream-{self.seed}-{n}-{weeks}-{end.isoformat()}")
        rnd = rng.random
        counts = allocate(n, weeks)
        first_day = end - timedelta(days=7 * weeks - 1)
        base_ts = int(datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC).timestamp())
        ncust = len(self.names)
        names, emails, firsts, regions = self.names, self.emails, self.first_names, self.regions
        hour_pools = self.hour_pools
        n_causes = len(CAUSES)
        fromts = datetime.fromtimestamp
        status_pools = [_status_pool(weeks - 1 - w) for w in range(weeks)]
        (subjects, cores, details, channels, pages, tags, products) = (
            self.subjects, self.cores, self.details, self.channels, self.pages, self.tags, self.products)
        nsubj, ncore, nchan, npages, ntags, nprods = (
            self.noise_subjects, self.noise_cores, self.noise_channels, self.noise_pages,
            self.noise_tags, self.noise_products)
        ndetails = self.noise_details
        openers, closers, context, emoji = self.openers, self.closers, self.context, self.emoji
        chat_open, chat_close, phone_prefix = self.chat_open, self.chat_close, self.phone_prefix
        pii, look, phone_subj = self.pii, self.lookalikes, self.phone_subjects
        also = (" Also, while I'm at it: ", " And another thing. ", " PS: ", "\n\nOh and ", " Also ")
        named_closers = NAMED_CLOSERS
        label_ids = self.label_ids
        next_id = start_id

        for w in range(weeks):
            row = counts[w]
            labels: list[int] = []
            for k, c in enumerate(row):
                labels += [k] * c
            rng.shuffle(labels)
            k_total = len(labels)
            wstart = base_ts + w * 7 * 86400
            keys = []
            for _ in range(k_total):
                ci = int(rnd() * ncust)
                pool = hour_pools[regions[ci]]
                ts = wstart + pool[int(rnd() * len(pool))] * 3600 + int(rnd() * 3600)
                keys.append(ts * ncust + ci)
            keys.sort()
            spool = status_pools[w]
            look_w = []  # look-alike dates fall in the 3 weeks before this week
            for text in look:
                if "{" in text:
                    d = first_day + timedelta(days=7 * w - rng.randrange(1, 22))
                    text = (text.replace("{dmy}", f"{d.day}/{d.month}/{d.year}")
                            .replace("{dot}", f"{d.day:02d}.{d.month:02d}.{d.year}")
                            .replace("{long}", f"on {d.day} {MONTHS[d.month - 1]}"))
                look_w.append(text)
            for key, label in zip(keys, labels):
                ts, ci = divmod(key, ncust)
                first = firsts[ci]
                email = emails[ci]
                if label < n_causes:
                    channel = channels[label][int(rnd() * len(channels[label]))]
                    subject = subjects[label][int(rnd() * len(subjects[label]))]
                    core = cores[label][int(rnd() * len(cores[label]))]
                    detail_pool = details[label]
                    product = products[label] if rnd() < 0.85 else ""
                    if channel == "web" or channel == "chat":
                        page = pages[label][int(rnd() * len(pages[label]))] if rnd() < 0.85 else npages[int(rnd() * len(npages))]
                    else:
                        page = pages[label][int(rnd() * len(pages[label]))] if rnd() < 0.15 else ""
                    tag = tags[label][int(rnd() * len(tags[label]))]
                else:
                    t = int(rnd() * len(ncore))
                    channel = nchan[int(rnd() * len(nchan))]
                    subject = nsubj[t][int(rnd() * len(nsubj[t]))]
                    core = ncore[t][int(rnd() * len(ncore[t]))]
                    detail_pool = ndetails
                    product = nprods[int(rnd() * len(nprods))] if rnd() < 0.35 else ""
                    page = npages[int(rnd() * len(npages))] if (channel == "web" or channel == "chat") and rnd() < 0.6 else ""
                    tag = ntags[int(rnd() * len(ntags))]

                # what the customer says ...
                r = rnd()
                if r < 0.2 or channel != "email" and channel != "web" and r < 0.45:  # one-liner
                    parts = [core]
                elif r < 0.84:  # a normal message
                    parts = [core]
                    if rnd() < 0.55:
                        parts += [" ", detail_pool[int(rnd() * len(detail_pool))]]
                    if rnd() < 0.35:
                        parts += [" ", context[int(rnd() * len(context))]]
                else:  # one long rambling paragraph
                    nctx, ndet = len(context), len(detail_pool)
                    parts = [context[int(rnd() * nctx)], " ", context[int(rnd() * nctx)], " ", core, " ",
                             detail_pool[int(rnd() * ndet)], " ", context[int(rnd() * nctx)], " ",
                             detail_pool[int(rnd() * ndet)], " ", context[int(rnd() * nctx)]]
                if label < n_causes and rnd() < 0.04:  # a second, lesser gripe about another cause
                    other = cores[int(rnd() * len(cores))]
                    if other is not cores[label]:
                        parts += [also[int(rnd() * len(also))], other[int(rnd() * len(other))]]
                if rnd() < 0.42:
                    parts += [" ", look_w[int(rnd() * len(look_w))]]
                if rnd() < 0.08:
                    kind, text = pii[int(rnd() * len(pii))]
                    parts += [" ", text.replace("{email}", email) if kind == "email" else text]
                if rnd() < 0.06:
                    parts += [" ", emoji[int(rnd() * len(emoji))]]
                said = "".join(parts)
                if rnd() < 0.04:  # SHOUTING
                    said = said.upper()
                    subject = subject.upper()
                # ... framed the way the channel records it
                if channel == "chat":
                    agent_hi = chat_open[int(rnd() * len(chat_open))]
                    agent_bye = chat_close[int(rnd() * len(chat_close))]
                    body = f"{first}: hi\n{agent_hi}\n{first}: {said}{agent_bye}"
                    if rnd() < 0.5:
                        subject = "Chat with " + first
                elif channel == "phone":
                    body = phone_prefix[int(rnd() * len(phone_prefix))] + said
                    if rnd() < 0.35:
                        subject = "Call from " + phone_subj[int(rnd() * len(phone_subj))]
                else:
                    r4 = rnd()
                    if r4 < 0.25:
                        hello = openers[int(rnd() * len(openers))]
                        body = hello + said + named_closers[int(rnd() * len(named_closers))] + first
                    elif r4 < 0.75:
                        body = openers[int(rnd() * len(openers))] + said + closers[int(rnd() * len(closers))]
                    else:
                        body = openers[int(rnd() * len(openers))] + said
                yield {
                    "id": next_id,
                    "created_at": fromts(ts, UTC),
                    "subject": subject,
                    "body": body,
                    "requester_name": names[ci],
                    "requester_email": email,
                    "channel": channel,
                    "tags": list(tag),
                    "status": spool[int(rnd() * 20)],
                    "product": product,
                    "page_url": page,
                    "cause": label_ids[label],
                }
                next_id += 1


def _status_pool(age_weeks: int) -> list[str]:
    if age_weeks == 0:
        w = {"open": 0.5, "pending": 0.25, "solved": 0.2, "closed": 0.05}
    elif age_weeks == 1:
        w = {"open": 0.25, "pending": 0.2, "solved": 0.45, "closed": 0.1}
    elif age_weeks <= 3:
        w = {"open": 0.1, "pending": 0.05, "solved": 0.55, "closed": 0.3}
    else:
        w = {"open": 0.05, "pending": 0.0, "solved": 0.35, "closed": 0.6}
    out: list[str] = []
    for k, v in w.items():
        out += [k] * round(v * 20)
    return (out + ["closed"] * 20)[:20]


@functools.lru_cache(maxsize=4)
def _model(seed: int) -> _Model:
    return _Model(seed)


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def iter_complaints(n: int, seed: int = DEFAULT_SEED, weeks: int = DEFAULT_WEEKS,
                    end: date = DEFAULT_END) -> Iterator[dict]:
    """Yield ``n`` synthetic complaints in creation order, deterministically for the arguments.

    The window is ``weeks`` 7-day weeks ending on ``end`` (a Sunday gives ISO weeks).
    Each item is a plain dict with keys ``id`` (int), ``created_at`` (aware UTC
    datetime), ``subject``, ``body``, ``requester_name``, ``requester_email``,
    ``channel`` (email/web/chat/phone), ``tags`` (list of str), ``status``
    (open/pending/solved/closed), ``product`` (str, may be empty), ``page_url``
    (str, may be empty) and ``cause`` (a planted cause id ``P01``..``P12`` or
    ``"noise"``). Weekly volumes follow each cause's kind (steady, new, growing,
    recurring, fading), scaled to ``n``. Cheap per item (well over 100k/s).
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    if weeks < 1:
        raise ValueError("weeks must be >= 1")
    return _model(seed).iter(n, weeks, end)


def write_generic_csv(path: str | Path, complaints: Iterable[dict]) -> int:
    """Stream complaints to a generic UTF-8 CSV; return the number of rows written.

    Columns: id, created_at (ISO 8601 with offset), subject, body, email, channel,
    tags (space-separated), product, page_url. Text fields are always quoted
    (RFC 4180, CRLF row ends, ``"`` doubled); any CSV reader reads it back.
    Written by hand rather than with :mod:`csv` because it is ~2.5x faster,
    which matters when a benchmark writes a million rows.
    """
    n = 0
    header = ",".join(GENERIC_CSV_COLUMNS) + "\r\n"
    with open(path, "w", encoding="utf-8", newline="", buffering=1 << 20) as fh:
        write = fh.write
        write(header)
        for c in complaints:
            cid = c["id"]
            write(
                f'{cid if type(cid) is int else _q(str(cid))},{c["created_at"].isoformat()},'
                f'{_q(c["subject"])},{_q(c["body"])},{_q(c["requester_email"])},{_q(c["channel"])},'
                f'{_q(" ".join(c["tags"]))},{_q(c["product"] or "")},{_q(c["page_url"] or "")}\r\n'
            )
            n += 1
    return n


def _q(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


# ---------------------------------------------------------------------------
# Export writers
# ---------------------------------------------------------------------------

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
JIRA_TZ = ZoneInfo("Europe/London")  # the Jira instance's display zone; Jira CSV carries no offset
_ZONES = {r[0]: ZoneInfo(r[0]) for r in REGIONS}


def _jira_time(dt: datetime) -> str:
    loc = dt.astimezone(JIRA_TZ)
    h12 = loc.hour % 12 or 12
    return f"{loc.day:02d}/{MONTHS[loc.month - 1]}/{loc.year % 100:02d} {h12}:{loc.minute:02d} {'AM' if loc.hour < 12 else 'PM'}"


def _iso_z(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _updated(rng: Random, c: dict, limit: datetime) -> datetime:
    """Last update: minutes for open tickets, hours to days for solved/closed ones."""
    st = c["status"]
    if st == "open":
        delta = timedelta(minutes=rng.randrange(0, 240))
    elif st == "pending":
        delta = timedelta(hours=rng.randrange(1, 48))
    else:
        delta = timedelta(hours=rng.randrange(2, 24 * (6 if st == "closed" else 3)))
    return min(c["created_at"] + delta, limit)


def _priority(rng: Random, c: dict) -> str:
    if c["cause"] == "P07":
        return rng.choice(("high", "high", "urgent", "normal"))
    if c["body"].isupper():
        return rng.choice(("high", "normal"))
    return rng.choice(("normal", "normal", "normal", "low", "high"))


def _pii_kinds(c: dict) -> str:
    text = c["subject"] + "\n" + c["body"]
    kinds = []
    if "@example." in c["body"].lower():
        kinds.append("email")
    if any(x in text for x in ("7700 900", "7946 0", "496 0", "555-01", "Call from ")):
        kinds.append("phone")
    if any(x in text for x in TEST_CARDS):
        kinds.append("card")
    if any(x in text for x in TEST_IBANS):
        kinds.append("iban")
    return ";".join(kinds)


ZENDESK_VIA = {"web": "Web form", "email": "Email", "chat": "Chat", "phone": "Phone call"}
ZENDESK_COLUMNS = (
    "Id", "Subject", "Description", "Requester", "Requester email", "Created at", "Updated at",
    "Status", "Priority", "Type", "Via", "Group", "Tags", "Product [list]", "Page URL",
)


def write_zendesk_csv(path: Path, items: list[dict], rng: Random, limit: datetime) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(ZENDESK_COLUMNS)
    for c in items:
        zone = _ZONES[c["tz"]]
        fmt = "%Y-%m-%d %H:%M:%S %z"
        w.writerow((
            c["ext_id"], c["subject"], c["body"], c["requester_name"], c["requester_email"],
            c["created_at"].astimezone(zone).strftime(fmt),
            _updated(rng, c, limit).astimezone(zone).strftime(fmt),
            c["status"].capitalize(), _priority(rng, c).capitalize(),
            rng.choice(("Problem", "Question", "Incident", "Question", "")),
            ZENDESK_VIA[c["channel"]], rng.choice(("Support", "Support", "Tier 2", "Returns")),
            " ".join(c["tags"]), c["product"], c["page_url"],
        ))
    path.write_bytes(("\ufeff" + buf.getvalue()).encode("utf-8"))


JIRA_COLUMNS = (
    "Summary", "Issue key", "Issue id", "Issue Type", "Status", "Priority", "Resolution", "Assignee",
    "Reporter", "Reporter Email", "Created", "Updated", "Labels", "Labels", "Labels", "Component/s",
    "Description", "Custom field (Channel)", "Custom field (Product)", "Custom field (Page URL)",
    "Comment", "Comment",
)
JIRA_STATUS = {
    "open": ("Open", "Waiting for support"), "pending": ("Waiting for customer", "In Progress"),
    "solved": ("Resolved",), "closed": ("Closed", "Done"),
}
JIRA_PRIORITY = {"low": "Low", "normal": "Medium", "high": "High", "urgent": "Highest"}
JIRA_AGENTS = ("sam.okoro", "priya.n", "tom.hughes", "lena.fischer")
JIRA_COMMENTS = (
    "Thanks for getting in touch, we're looking into this.",
    "Sorry for the trouble. I've passed this to the product team.",
    "Could you send us a photo please?",
    "Refund issued, please allow 3-5 working days.",
    "Customer replied by email, details added above.",
    "Escalated to tier 2.",
    "Replacement sent.",
)


def write_jira_csv(path: Path, items: list[dict], rng: Random, limit: datetime) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(JIRA_COLUMNS)
    for c in items:
        labels = [t for t in c["tags"]][:3]
        labels += [""] * (3 - len(labels))
        comps = CAUSE_BY_ID[c["cause"]].component if c["cause"] in CAUSE_BY_ID else "General"
        if rng.random() < 0.25:
            comps = rng.choice(("General", ""))
        status = rng.choice(JIRA_STATUS[c["status"]])
        resolved = c["status"] in ("solved", "closed")
        comments = []
        t = c["created_at"]
        for _ in range(rng.choice((0, 0, 1, 1, 2)) if resolved else rng.choice((0, 1))):
            t = min(t + timedelta(hours=rng.randrange(1, 30)), limit)
            comments.append(f"{_jira_time(t)};{rng.choice(JIRA_AGENTS)};{rng.choice(JIRA_COMMENTS)}")
        comments += [""] * (2 - len(comments))
        desc = c["body"]
        if rng.random() < 0.2:
            desc = "*Customer message:*\n" + desc
        w.writerow((
            c["subject"], c["ext_id"], c["jira_id"], rng.choice(("Support", "Support", "Bug", "Task")),
            status, JIRA_PRIORITY[_priority(rng, c)], "Done" if resolved else "",
            rng.choice(JIRA_AGENTS) if c["status"] != "open" or rng.random() < 0.5 else "",
            c["requester_name"], c["requester_email"], _jira_time(c["created_at"]),
            _jira_time(_updated(rng, c, limit)), *labels, comps, desc, c["channel"].capitalize(),
            c["product"], c["page_url"], *comments,
        ))
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


ZD_FIELD_PRODUCT = 360011112222
ZD_FIELD_PAGE_URL = 360011113333
ZD_FIELD_ORDER = 360011114444


def _zendesk_ticket(c: dict, rng: Random, limit: datetime, account: str) -> dict:
    ch = c["channel"]
    via = {"web": {"channel": "web", "source": {"from": {}, "to": {}, "rel": None}},
           "email": {"channel": "email", "source": {"from": {"address": c["requester_email"], "name": c["requester_name"]},
                                                   "to": {"address": "support@shop.example.com", "name": STORE}, "rel": None}},
           "chat": {"channel": "chat", "source": {"from": {}, "to": {}, "rel": "chat"}},
           "phone": {"channel": "voice", "source": {"from": {}, "to": {}, "rel": "inbound"}}}[ch]
    tid = c["ext_id"]
    return {
        "url": f"https://{account}.zendesk.com/api/v2/tickets/{tid}.json",
        "id": tid,
        "external_id": None,
        "via": via,
        "created_at": _iso_z(c["created_at"]),
        "updated_at": _iso_z(_updated(rng, c, limit)),
        "type": rng.choice(("problem", "question", "incident", None)),
        "subject": c["subject"],
        "raw_subject": c["subject"],
        "description": c["body"],
        "priority": _priority(rng, c),
        "status": c["status"],
        "requester_id": 370000000000 + (hash_email(c["requester_email"]) % 10**9),
        "requester": {"name": c["requester_name"], "email": c["requester_email"]},
        "assignee_id": rng.choice((None, 381234500001, 381234500002, 381234500003)),
        "group_id": 360000998877,
        "tags": c["tags"],
        "custom_fields": [
            {"id": ZD_FIELD_PRODUCT, "value": c["product"] or None},
            {"id": ZD_FIELD_PAGE_URL, "value": c["page_url"] or None},
            {"id": ZD_FIELD_ORDER, "value": None},
        ],
        "satisfaction_rating": None,
        "brand_id": 360000111222,
    }


def hash_email(email: str) -> int:
    """Stable small hash (not Python's salted hash())."""
    h = 2166136261
    for ch in email.encode():
        h = ((h ^ ch) * 16777619) & 0xFFFFFFFF
    return h


def write_zendesk_json(path: Path, items: list[dict], rng: Random, limit: datetime) -> None:
    tickets = [_zendesk_ticket(c, rng, limit, "northwindhome") for c in items]
    doc = {"tickets": tickets, "count": len(tickets), "next_page": None, "previous_page": None}
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


FD_SOURCE = {"email": 1, "web": 2, "phone": 3, "chat": 7}
FD_STATUS = {"open": 2, "pending": 3, "solved": 4, "closed": 5}
FD_PRIORITY = {"low": 1, "normal": 2, "high": 3, "urgent": 4}


def _html(text: str) -> str:
    esc = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<div>" + esc.replace("\n", "<br>") + "</div>"


def write_freshdesk_json(path: Path, items: list[dict], rng: Random, limit: datetime) -> None:
    out = []
    for c in items:
        out.append({
            "id": c["ext_id"],
            "subject": c["subject"],
            "description": _html(c["body"]),
            "description_text": c["body"],
            "status": FD_STATUS[c["status"]],
            "priority": FD_PRIORITY[_priority(rng, c)],
            "source": FD_SOURCE[c["channel"]],
            "type": rng.choice(("Problem", "Question", "Incident", None)),
            "requester_id": 80000000000 + hash_email(c["requester_email"]) % 10**9,
            "requester": {"name": c["requester_name"], "email": c["requester_email"]},
            "created_at": _iso_z(c["created_at"]),
            "updated_at": _iso_z(_updated(rng, c, limit)),
            "tags": c["tags"],
            "custom_fields": {"cf_product": c["product"] or None, "cf_page_url": c["page_url"] or None},
        })
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------
# Small fixtures: bad rows and a truncated export
# ---------------------------------------------------------------------------

BAD_ROWS_NOTE = "rows 6 (unparseable date), 11 (empty subject and body), 17 (missing date) are bad"


def write_bad_rows(path: Path) -> None:
    rows = [
        (1, "2026-11-02T09:14:00+00:00", "Kettle stopped working", "My kettle died after a week.", "ava.jones@example.com"),
        (2, "2026-11-02T10:02:31+00:00", "Typo on checkout", 'The button says "Procced to payment".', "leo.k@example.org"),
        (3, "2026-11-02T11:45:00+00:00", "Delivery time", "FAQ says 3-5 days, checkout says 7-10 days.", "mia.patel@example.net"),
        (4, "2026-11-03T08:30:12+00:00", "Promo code", "SAVE20 is rejected, says not valid.", "omar.ali@example.com"),
        (5, "2026-11-03T13:05:00+00:00", "Price mismatch", "Nordic Wool Throw: £49.99 on the page, £59.99 in the cart.", "g.rossi@example.org"),
        (6, "not a date", "Charger hot", "The VoltGo charger gets too hot to touch.", "chen.wei@example.net"),
        (7, "2026-11-04T09:00:00+00:00", "Blender lid", "Lid cracked after two uses, order #NW-104233.", "isla.brown@example.com"),
        (8, "2026-11-04T15:20:45+00:00", "Returns page", "Start a return link gives a 404.", "rhys.evans@example.org"),
        (9, "2026-11-05T10:10:10+00:00", "Free delivery", "Banner says free over £50, cart wants £75.", "nadia.k@example.net"),
        (10, "2026-11-05T16:40:00+00:00", "Wrong language", "My order confirmation came in German.", "sofia.garcia@example.com"),
        (11, "2026-11-06T09:12:00+00:00", "", "", "empty.ticket@example.org"),
        (12, "2026-11-06T11:00:00+00:00", "Size chart", "Bathrobe size chart says true to size, description says size up.", "hamish.c@example.net"),
        (13, "2026-11-09T08:05:00+00:00", "Table name typo", 'Product page says "Olso Oak Cofee Table".', "elif.y@example.com"),
        (14, "2026-11-09T12:34:56+00:00", "Rude driver", "The driver was rude to my mum,\nand threw the parcel.", "jack.t@example.org"),
        (15, "2026-11-10T14:00:00+00:00", "Opening hours", "What time does the Leeds showroom open on Sunday?", "anna.n@example.net"),
        (16, "2026-11-10T17:25:00+00:00", "Kettle again", "Second Aurora kettle dead after 8 days, \"really\" annoyed.", "ava.jones@example.com"),
        (17, "", "Charger", "Charger overheats and smells of burning.", "kwame.m@example.org"),
        (18, "2026-11-11T09:45:00+00:00", "Gift refund", "Can I return a gift without a receipt?", "zoe.h@example.net"),
        (19, "2026-11-11T13:13:13+00:00", "Delivery", "Checkout says 7-10 days but FAQ says 3-5.", "tomas.s@example.com"),
        (20, "2026-11-12T10:00:00+00:00", "Thanks", "Great service from Priya, thank you!", "grace.w@example.org"),
    ]
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("id", "date", "subject", "body", "email"))
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


def write_truncated(path: Path, items: list[dict], rng: Random, limit: datetime) -> None:
    tickets = [_zendesk_ticket(c, rng, limit, "northwindhome") for c in items[:5]]
    text = json.dumps({"tickets": tickets, "count": 5, "next_page": None}, ensure_ascii=False, indent=2)
    # cut inside the 4th ticket's description string
    cut = text.index('"description": "', text.index('"id": ' + str(tickets[3]["id"]))) + 30
    path.write_text(text[:cut], encoding="utf-8")


# ---------------------------------------------------------------------------
# Orchestration
# ---------------------------------------------------------------------------

# (file, share, first external id) -- ids of different help desks never collide
DESKS = (
    ("zendesk_export.csv", 0.48, 48213),
    ("jira_export.csv", 0.29, 1001),
    ("zendesk_tickets.json", 0.17, 910442),
    ("freshdesk_export.json", 0.06, 20345),
)
DUPLICATE_RATE = 0.006  # customers who submit the same complaint twice, minutes apart


def generate(out: Path, seed: int = DEFAULT_SEED, scale: float = 1.0) -> dict[str, int]:
    """Write every sample file into ``out``; return {file name: data rows}."""
    out.mkdir(parents=True, exist_ok=True)
    n = max(1, round(DEFAULT_TOTAL * scale))
    model = _model(seed)
    rng = Random(f"rca-sample-export-{seed}")
    limit = datetime(DEFAULT_END.year, DEFAULT_END.month, DEFAULT_END.day, 23, 59, tzinfo=UTC)
    share_cum = _cum(d[1] for d in DESKS)
    per_desk: list[list[dict]] = [[] for _ in DESKS]
    for c in iter_complaints(n, seed=seed):
        c["tz"] = model.region_of_email[c["requester_email"]]
        d = bisect_right(share_cum, rng.random())
        per_desk[min(d, len(DESKS) - 1)].append(c)
        if rng.random() < DUPLICATE_RATE:
            dup = dict(c)
            dup["created_at"] = c["created_at"] + timedelta(minutes=rng.randrange(2, 40))
            dup["dup_of"] = c
            per_desk[min(d, len(DESKS) - 1)].append(dup)

    truth_rows = []
    counts: dict[str, int] = {}
    for (fname, _, first_id), items in zip(DESKS, per_desk):
        items.sort(key=lambda c: c["created_at"])
        next_id = first_id
        for c in items:
            if fname == "jira_export.csv":
                c["ext_id"] = f"NWS-{next_id}"
                c["jira_id"] = 10000 + next_id * 3
            else:
                c["ext_id"] = next_id
            next_id += 1 if fname != "zendesk_tickets.json" else rng.choice((1, 1, 2, 3))
        for c in items:
            iso = c["created_at"].isocalendar()
            truth_rows.append((fname, c["ext_id"], c["cause"], f"{iso.year}-W{iso.week:02d}",
                               _pii_kinds(c), c["dup_of"]["ext_id"] if "dup_of" in c else ""))
        writer = {
            "zendesk_export.csv": write_zendesk_csv, "jira_export.csv": write_jira_csv,
            "zendesk_tickets.json": write_zendesk_json, "freshdesk_export.json": write_freshdesk_json,
        }[fname]
        writer(out / fname, items, Random(f"rca-sample-{fname}-{seed}"), limit)
        counts[fname] = len(items)

    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("source_file", "external_id", "cause", "iso_week", "pii", "duplicate_of"))
    w.writerows(truth_rows)
    (out / "truth.csv").write_text(buf.getvalue(), encoding="utf-8", newline="")
    counts["truth.csv"] = len(truth_rows)

    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("cause_id", "description", "kind", "defect_type", "product", "page_url", "weekly_shape"))
    for k, c in enumerate(CAUSES):
        shape = " ".join(f"{v:.2f}" for v in week_shape(c.kind, DEFAULT_WEEKS, k))
        w.writerow((c.id, c.description, c.kind, c.defect_type, c.product, SHOP + c.pages[0], shape))
    (out / "planted_causes.csv").write_text(buf.getvalue(), encoding="utf-8", newline="")
    counts["planted_causes.csv"] = len(CAUSES)

    write_bad_rows(out / "bad_rows.csv")
    counts["bad_rows.csv"] = 20
    write_truncated(out / "truncated.json", per_desk[2], Random(f"rca-sample-truncated-{seed}"), limit)
    counts["truncated.json"] = 5
    return counts


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                   help="output folder (default: this script's folder)")
    p.add_argument("--scale", type=float, default=1.0,
                   help=f"volume multiplier; 1 = {DEFAULT_TOTAL} complaints (default %(default)s)")
    args = p.parse_args(argv)
    if args.scale <= 0:
        p.error("--scale must be > 0")
    counts = generate(args.out, seed=args.seed, scale=args.scale)
    for name, k in counts.items():
        print(f"{name}: {k} rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
