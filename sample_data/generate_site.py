"""The sample website of Northwind Home, for `rca scan`, with planted problems.

    python sample_data/generate_site.py                  # rewrite sample_data/site/ and sample_data/site_truth.csv
    python sample_data/generate_site.py --pages 10000 --out /tmp/big   # 10,000 generated pages (benchmarks)

The site agrees with the sample complaints (generate.py): the checkout button
says "Procced to payment" (P01), the coffee table's page is titled "Olso Oak
Cofee Table" (P02), the Nordic Wool Throw costs £49.99 on its page and £59.99
in the cart (P03), the FAQ promises 3-5 working days where checkout says 7-10
(P04), the banner offers free delivery over £50 where the cart wants £75
(P05), SAVE20's terms differ between the banner and the promotions page (P09)
and the returns page's "Start a return" link is dead (P12). Eight more
problems no customer has reported are planted too. ``site_truth.csv`` lists
every planted problem by the fingerprint rca gives it, with the planted
cause of the complaints that report it (empty: nobody reported it).

Everything else is deliberately consistent, and holds what a checker must
not flag: British spellings, brand words, acronyms, SKUs, crossed-out sale
prices, express against standard delivery, the press office's own phone
and e-mail.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = "https://shop.example.com"

# name, slug, price, sku, words for its description
PRODUCTS = [
    ("Aurora Electric Kettle 1.7L", "aurora-electric-kettle", "34.99", "NW-KET-0417",
     "A quiet stainless steel kettle that boils a full jug in under four minutes."),
    ("VoltGo 65W USB-C Charger", "voltgo-65w-usb-c-charger", "24.99", "NW-CHG-0065",
     "A compact fast charger for phones, tablets and most laptops."),
    ("BlendPro 900 Blender", "blendpro-900-blender", "79.99", "NW-BLD-0900",
     "A powerful blender with six speeds and a dishwasher-safe jug."),
    ("Oslo Oak Coffee Table", "oslo-oak-coffee-table", "189.00", "NW-FUR-2210",
     "A solid oak coffee table with rounded corners and a natural oil finish."),
    ("Nordic Wool Throw", "nordic-wool-throw", "49.99", "NW-TEX-0311",
     "A soft throw woven from pure wool, in grey or cream."),
    ("Cloud Cotton Bathrobe", "cloud-cotton-bathrobe", "39.99", "NW-TEX-0520",
     "A thick cotton bathrobe with deep pockets and a generous hood."),
    ("Harbour Linen Duvet Cover", "harbour-linen-duvet-cover", "64.00", "NW-TEX-0602",
     "A washed linen duvet cover that gets softer with every wash."),
    ("Fjord Glass Tumblers (Set of 6)", "fjord-glass-tumblers", "18.50", "NW-KIT-0133",
     "Six sturdy glass tumblers for water, juice and everyday drinks."),
    ("Ember Cast Iron Skillet 28cm", "ember-cast-iron-skillet", "42.00", "NW-KIT-0288",
     "A heavy cast iron skillet that goes from the hob to the oven."),
    ("Lumen Smart Bulb 2-pack", "lumen-smart-bulb-2-pack", "21.99", "NW-ELE-0712",
     "Two dimmable smart bulbs that you control from your phone."),
    ("Birch Bookshelf 5-Tier", "birch-bookshelf-5-tier", "119.00", "NW-FUR-1180",
     "A tall bookshelf in birch veneer with five adjustable shelves."),
    ("Pebble Bluetooth Speaker", "pebble-bluetooth-speaker", "59.99", "NW-ELE-0450",
     "A small waterproof speaker with twelve hours of battery life."),
    ("Meadow Jute Rug 160x230", "meadow-jute-rug", "89.00", "NW-TEX-0905",
     "A hand-woven jute rug with a cotton border."),
    ("Cirrus Desk Lamp", "cirrus-desk-lamp", "32.50", "NW-ELE-0388",
     "An adjustable desk lamp with a warm white light."),
    ("Tidy Bamboo Storage Box", "tidy-bamboo-storage-box", "14.99", "NW-HOM-0077",
     "A stackable storage box made from bamboo."),
    ("Crest Non-Stick Pan Set", "crest-non-stick-pan-set", "74.99", "NW-KIT-0301",
     "Three non-stick pans that work on every hob, including induction."),
]
# The one page whose heading is mis-spelt (P02): the product is called Oslo everywhere else.
HEADING_TYPOS = {"oslo-oak-coffee-table": "Olso Oak Cofee Table"}
MISSING_IMAGE = "ember-cast-iron-skillet"
NAV = [("/", "Home"), ("/new-in", "New in"), ("/sale", "Sale"), ("/stores", "Showrooms"), ("/help", "Help"),
       ("/help/contact", "Contact us"), ("/cart", "Basket")]

TRUTH = [
    # fingerprint, reported by (planted cause of the sample complaints), what was planted
    ("typo|procced", "P01", "checkout button 'Procced to payment'"),
    ("typo|olso", "P02", "coffee table heading 'Olso Oak Cofee Table'"),
    ("typo|cofee", "P02", "coffee table heading 'Olso Oak Cofee Table'"),
    ("conflict|price: price of nordic wool throw", "P03", "£49.99 on its page, £59.99 in the cart"),
    ("conflict|delivery: standard delivery time", "P04", "FAQ and delivery page 3-5 working days, checkout 7-10"),
    ("conflict|delivery: free delivery threshold", "P05", "banner over £50, cart over £75"),
    ("conflict|promo: save20 minimum spend", "P09", "banner: orders over £40; promotions page: over £60"),
    ("broken_link|https://shop.example.com/returns/start", "P12", "'Start a return' goes to a page that does not exist"),
    ("typo|guarentee", "", "kettle page '2-year guarentee'"),
    ("typo|recieve", "", "gift cards page 'recieve'"),
    ("conflict|phone: customer service phone", "", "footer 0161 496 0000, contact page 0161 496 0999"),
    ("conflict|email: customer service e-mail", "", "footer help@, contact page customercare@"),
    ("conflict|opening_hours: showroom hours, sat", "", "showrooms page Saturday 10am-4pm, contact page 10am-5pm"),
    ("conflict|returns: return window", "", "FAQ 30 days, returns page 28 days"),
    ("missing_image|https://shop.example.com/images/products/ember-cast-iron-skillet.svg", "",
     "skillet photo missing"),
    ("broken_link|https://shop.example.com/sale/winter", "", "'winter sale' link goes nowhere"),
]


def _layout(title: str, body: str, *, depth_note: str = "") -> str:
    nav = " ".join(f'<a href="{href}">{escape(text)}</a>' for href, text in NAV)
    return f"""<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{escape(title)} | Northwind Home</title>
<link rel="stylesheet" href="/assets/site.css">
<script>window.dataLayer = window.dataLayer || []; /* Procced Olso Cofee: never shown */</script>
<style>.hidden-note {{ display: none }}</style>
</head>
<body>
<header>
<a href="/"><img src="/images/logo.svg" alt="Northwind Home"></a>
<nav>{nav}</nav>
<div class="banner">Free delivery on orders over £50</div>
</header>
<main>
{body}
</main>
<footer>
<p>Customer service: call 0161 496 0000 or e-mail help@shop.example.com.</p>
<p>Our phone lines are open Monday to Friday, 8am to 6pm.</p>
<p>Press enquiries: press@shop.example.com or 0161 496 0555.</p>
<p hidden>Internal build note: recieve guarentee Procced</p>
<p>© 2026 Northwind Home Ltd · <a href="/about">About us</a> · <a href="/promotions">Promotions</a> ·
<a href="/gift-cards">Gift cards</a> · <a href="/account/orders">Your orders</a></p>
</footer>
</body>
</html>
"""


def _card(name: str, slug: str, price: str) -> str:
    return (f'<div class="card"><a href="/products/{slug}"><img src="/images/products/{slug}.svg" alt=""></a>'
            f'<h3><a href="/products/{slug}">{escape(name)}</a></h3><p class="price">£{price}</p></div>')


def _product_page(name: str, slug: str, price: str, sku: str, blurb: str) -> str:
    heading = HEADING_TYPOS.get(slug, name)
    extra = ""
    if slug == "aurora-electric-kettle":
        extra = "<p>Every kettle comes with a 2-year guarentee and free returns.</p>"
    if slug == "cloud-cotton-bathrobe":
        extra = ('<p>This robe runs small: we suggest ordering one size up.</p>'
                 '<h2 id="size-guide">Size guide</h2><p>The bathrobe fits true to size.</p>')
    if slug == "pebble-bluetooth-speaker":
        extra = "<p>The speaker pairs with any Bluetooth phone or laptop.</p>"
    body = f"""<nav class="crumbs"><a href="/">Home</a> › <a href="/new-in">New in</a></nav>
<article class="product">
<img src="/images/products/{slug}.svg" alt="{escape(name)}">
<h1>{escape(heading)}</h1>
<p class="price">£{price}</p>
<p class="sku">SKU {sku}</p>
<p>{escape(blurb)} Our favourite colour for autumn is grey, and it suits any centre table or shelf.</p>
{extra}
<form action="/cart" method="post"><input type="submit" value="Add to basket"></form>
<p>Standard delivery in 3-5 working days. Express delivery arrives the next working day.</p>
<p><a href="/help/delivery">Delivery information</a> · <a href="/help/returns">Returns</a></p>
</article>"""
    return _layout(heading, body)


def _pages() -> dict[str, str]:
    pages: dict[str, str] = {}
    cards = "\n".join(_card(n, s, p) for n, s, p, _, _ in PRODUCTS[:8])
    pages["index.html"] = _layout("Home", f"""<h1>Northwind Home</h1>
<p>Home goods and small electronics, chosen in Manchester and delivered across the UK.</p>
<div class="promo"><p>Use code SAVE20 for 20% off orders over £40 until 30 November.</p></div>
<h2>Popular this week</h2>
<div class="cards">{cards}</div>
<p><a href="/new-in">See everything new</a></p>""")
    all_cards = "\n".join(_card(n, s, p) for n, s, p, _, _ in PRODUCTS)
    pages["new-in.html"] = _layout("New in", f"<h1>New in</h1><div class='cards'>{all_cards}</div>")
    pages["sale.html"] = _layout("Sale", """<h1>Sale</h1>
<p>New customers get 10% off their first order with code WELCOME10.</p>
<div class="card"><h3><a href="/products/pebble-bluetooth-speaker">Pebble Bluetooth Speaker</a></h3>
<p class="price"><del>£79.99</del> £59.99</p></div>
<div class="card"><h3><a href="/products/crest-non-stick-pan-set">Crest Non-Stick Pan Set</a></h3>
<p class="price">Was £89.99, now £74.99</p></div>
<p><a href="/sale/winter">See the winter sale</a></p>""")
    for name, slug, price, sku, blurb in PRODUCTS:
        pages[f"products/{slug}.html"] = _product_page(name, slug, price, sku, blurb)
    pages["cart.html"] = _layout("Your basket", """<h1>Your basket</h1>
<table class="basket"><tr><th>Item</th><th>Price</th></tr>
<tr><td>Nordic Wool Throw</td><td>£59.99</td></tr>
<tr><td>Lumen Smart Bulb 2-pack</td><td>£21.99</td></tr></table>
<p>Free delivery on orders over £75.</p>
<form action="/checkout"><button type="submit">Proceed to checkout</button></form>""")
    checkout_steps = """<ol class="steps"><li>Basket</li><li>Delivery</li><li>Payment</li></ol>
<h2>Delivery options</h2>
<p>Standard delivery takes 7-10 working days.</p>
<p>Express delivery arrives the next working day.</p>"""
    pages["checkout/index.html"] = _layout("Checkout", f"""<h1>Checkout</h1>{checkout_steps}
<form action="/checkout/payment"><button type="submit" class="green">Procced to payment</button></form>""")
    pages["checkout/shipping.html"] = _layout("Delivery", f"""<h1>Choose your delivery</h1>{checkout_steps}
<form action="/checkout/payment"><button type="submit" class="green">Procced to payment</button></form>""")
    pages["checkout/payment.html"] = _layout("Payment", """<h1>Payment</h1>
<label for="code">Promo code</label><input id="code" name="code"><input type="submit" value="Apply">
<p>We accept Visa, Mastercard, PayPal and Klarna.</p>
<form><button type="submit">Pay now</button></form>""")
    pages["help/index.html"] = _layout("Help", """<h1>Help centre</h1>
<ul><li><a href="/help/faq">Questions and answers</a></li><li><a href="/help/delivery">Delivery</a></li>
<li><a href="/help/returns">Returns and refunds</a></li><li><a href="/help/contact">Contact us</a></li></ul>""")
    pages["help/faq.html"] = _layout("FAQ", """<h1>Frequently asked questions</h1>
<h2>How long does delivery take?</h2>
<p>Standard delivery takes 3-5 working days. Express delivery arrives the next working day if you order before 2pm.</p>
<h2>Can I return an item?</h2>
<p>You can return most items within 30 days of delivery.</p>
<p>Refunds are issued within 5 working days of receiving your return.</p>
<h2>When can I call you?</h2>
<p>Our phone lines are open Monday to Friday, 8am to 6pm.</p>
<h2>Do you have a catalogue?</h2>
<p>We organise our catalogue by room; ask at any showroom for a printed copy.</p>""")
    pages["help/delivery.html"] = _layout("Delivery", """<h1>Delivery</h1>
<p>Standard delivery: 3-5 working days, £4.95.</p>
<p>Free delivery on orders over £50.</p>
<p>Express delivery arrives the next working day for £6.95.</p>
<p>We deliver to mainland UK; Northern Ireland and the Highlands take 2 extra days.</p>""")
    pages["help/returns.html"] = _layout("Returns", """<h1>Returns and refunds</h1>
<p>You have 28 days to return an item in its original packaging.</p>
<p>Refunds are issued within 5 working days of receiving your return.</p>
<p><a class="button" href="/returns/start">Start a return</a></p>""")
    pages["help/contact.html"] = _layout("Contact us", """<h1>Contact us</h1>
<p>Call customer service on 0161 496 0999.</p>
<p>Or e-mail customercare@shop.example.com and we reply within one working day.</p>
<p>Showrooms are open Monday to Friday, 10am to 6pm.</p>
<p>Showrooms are open Saturday 10am to 5pm.</p>""")
    pages["stores.html"] = _layout("Showrooms", """<h1>Our showrooms</h1>
<p>Visit us in Leeds, Bristol and Manchester.</p>
<p>Our showrooms are open Monday to Friday, 10am to 6pm, Saturday 10am to 4pm, Sunday closed.</p>""")
    pages["promotions.html"] = _layout("Promotions", """<h1>Promotions and terms</h1>
<p>SAVE20: 20% off orders over £60, with code SAVE20 until 30 November.</p>
<p>WELCOME10: new customers get 10% off their first order with code WELCOME10.</p>
<p>One code per order. Codes cannot be used on gift cards.</p>""")
    pages["gift-cards.html"] = _layout("Gift cards", """<h1>Gift cards</h1>
<p>Choose an amount from £10 to £200. You will recieve your gift card by e-mail straight away.</p>
<p>Gift cards are valid for 12 months.</p>""")
    pages["about.html"] = _layout("About us", """<h1>About Northwind Home</h1>
<p>Northwind Home is a family business that started in a Manchester market in 2009.</p>
<p>We have travelled across Europe to find makers whose work we love, and we organise every range around the
colours and fabrics of a room.</p>""")
    pages["account/orders.html"] = _layout("Your orders", """<h1>Your orders</h1>
<p>Sign in to track your orders, download invoices and start a return.</p>""")
    return pages


def _svg(label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"><rect width="120" height="80" '
            f'fill="#dde"/><text x="6" y="44" font-size="10">{escape(label)}</text></svg>\n')


def _sitemap(paths: list[str]) -> str:
    locs = "\n".join(f"  <url><loc>{SITE}{path}</loc></url>" for path in paths)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{locs}\n</urlset>\n")


def _url_path(file: str) -> str:
    path = file[:-len(".html")]
    if path == "index":
        return "/"
    return "/" + (path[:-len("/index")] if path.endswith("/index") else path)


def write_site(folder: Path) -> list[str]:
    """Write the sample site into ``folder`` (emptied first); returns the files written."""
    if folder.exists():
        shutil.rmtree(folder)
    pages = _pages()
    for file, html in pages.items():
        target = folder / file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    (folder / "images" / "products").mkdir(parents=True, exist_ok=True)
    (folder / "images" / "logo.svg").write_text(_svg("Northwind Home"), encoding="utf-8")
    for name, slug, *_ in PRODUCTS:
        if slug != MISSING_IMAGE:
            (folder / "images" / "products" / f"{slug}.svg").write_text(_svg(name), encoding="utf-8")
    (folder / "assets").mkdir(exist_ok=True)
    (folder / "assets" / "site.css").write_text("body { font-family: sans-serif }\n", encoding="utf-8")
    (folder / "sitemap.xml").write_text(_sitemap(sorted(_url_path(f) for f in pages)), encoding="utf-8")
    (folder / "robots.txt").write_text("User-agent: *\nDisallow: /account/\n", encoding="utf-8")
    return sorted(pages)


def write_truth(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["fingerprint", "reported_by", "planted"])
        writer.writerows(TRUTH)


def read_truth(path: Path = HERE / "site_truth.csv") -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


_FILLER = ("comfortable", "durable", "simple", "practical", "elegant", "warm", "light", "sturdy", "compact", "natural",
           "kitchen", "bedroom", "living", "room", "table", "shelf", "window", "garden", "morning", "evening")


def write_generated_site(folder: Path, pages: int, seed: int = 7) -> None:
    """``pages`` product-like pages with consistent facts and links (no planted problems), for benchmarks."""
    rng = random.Random(seed)
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "images" / "products").mkdir(parents=True)
    (folder / "images" / "logo.svg").write_text(_svg("Northwind Home"), encoding="utf-8")
    (folder / "products").mkdir()
    for name, slug, *_ in PRODUCTS:
        (folder / "images" / "products" / f"{slug}.svg").write_text(_svg(name), encoding="utf-8")
    base_pages = {f: html for f, html in _pages().items() if not f.startswith("products/")}
    for file, html in base_pages.items():
        target = folder / file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    for i in range(max(0, pages - len(base_pages))):
        name, slug, price, sku, blurb = PRODUCTS[i % len(PRODUCTS)]
        words = " ".join(rng.choice(_FILLER) for _ in range(60))
        body = f"""<article class="product"><img src="/images/products/{slug}.svg" alt="">
<h1>{escape(name)} no. {i}</h1><p class="price">£{price}</p><p class="sku">SKU {sku}-{i}</p>
<p>{escape(blurb)} {words.capitalize()}.</p>
<p>Standard delivery in 3-5 working days. Express delivery arrives the next working day.</p>
<p><a href="/products/item-{(i + 1) % pages}">Next</a> · <a href="/help/delivery">Delivery information</a></p>
</article>"""
        (folder / "products" / f"item-{i}.html").write_text(_layout(f"{name} no. {i}", body), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "site", help="folder to write (emptied first)")
    parser.add_argument("--pages", type=int, help="write this many generated pages instead of the sample site")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.pages:
        write_generated_site(args.out, args.pages, args.seed)
        print(f"wrote {args.pages} pages to {args.out}")
        return
    files = write_site(args.out)
    if args.out == HERE / "site":
        write_truth(HERE / "site_truth.csv")
    print(f"wrote {len(files)} pages to {args.out}")


if __name__ == "__main__":
    main()
