"""rca scan: the checks on pages, re-scans, links to causes, and the commands."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from rca.models import Finding, ScanRun
from rca.scan import ScanOptions, read_site, scan
from rca.scan.extract import extract_html, extract_markdown
from rca.scan.records import finding_detail, ignore, list_findings
from sample_data.generate_site import read_truth, write_site
from tests.factories import Factory

SITE = Path(__file__).resolve().parent.parent / "sample_data" / "site"


def page(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html><head><title>t</title></head><body>{body}</body></html>",
                    encoding="utf-8")
    return path


def fingerprints(folder, **options) -> dict[str, object]:
    return {p.fingerprint: p for p in read_site([str(folder)], ScanOptions(**options)).problems}


# -- extraction --------------------------------------------------------------------------------


def test_visible_text_only_no_scripts_hidden_or_control_characters():
    content = extract_html("<html><head><title>Shop</title><style>p{}</style></head><body>"
                           "<script>var a = 'Procced';</script><p>Visible <b>bold</b> text\x1b[31m</p>"
                           "<div hidden>secret</div><span style='display: none'>gone</span>"
                           "<p aria-hidden='true'>icon</p><input type='submit' value='Pay now'>"
                           "<p>price <del>£80</del> £60</p><a href='/x'>link text</a><img src='/a.png'></body></html>")
    texts = [b.text for b in content.blocks]
    assert "Visible bold text[31m" in texts  # the ESC is gone, so nothing reaches a terminal as a sequence
    assert not any("Procced" in t or "secret" in t or "gone" in t or "icon" in t for t in texts)
    assert "Pay now" in texts
    assert [b.text for b in content.blocks if b.struck] == ["£80"]
    assert content.title == "Shop" and content.links[0].href == "/x" and content.images == ["/a.png"]


def test_markdown_is_read_as_html_without_running_raw_html():
    content = extract_markdown("# Title\n\nSome *text* here.\n\n<script>alert(1)</script>")
    assert [b.text for b in content.blocks][:2] == ["Title", "Some text here."]
    assert content.h1 == "Title"


# -- typos -------------------------------------------------------------------------------------


def test_typos_with_suggestion_page_and_context_and_site_vocabulary(tmp_path):
    for i in range(3):
        page(tmp_path, f"p{i}.html", f"<p>Northwind sells Glimbrook chairs in every colour, page {i}.</p>")
    page(tmp_path, "checkout.html", "<p>Northwind checkout</p><button>Procced to payment</button>")
    page(tmp_path, "other.html", "<p>Please recieve our thanks. Zqxvbn is a one-off name. The FAQ and VAT.</p>")
    found = fingerprints(tmp_path)
    typos = {fp: p for fp, p in found.items() if fp.startswith("typo|")}
    assert set(typos) == {"typo|procced", "typo|recieve"}
    procced = typos["typo|procced"]
    assert procced.suggestion == "Proceed"
    assert procced.observations[0].page == "/checkout" and procced.observations[0].context == "Procced to payment"
    assert typos["typo|recieve"].suggestion == "receive"


def test_a_template_typo_on_many_pages_is_still_a_typo_and_accept_words_silence_it(tmp_path):
    for i in range(4):
        page(tmp_path, f"step{i}.html", "<button>Procced to payment</button>")
    found = fingerprints(tmp_path)
    assert found["typo|procced"].pages == ["/step0", "/step1", "/step2", "/step3"]
    assert "typo|procced" not in fingerprints(tmp_path, accept=["procced"])


def test_a_rare_misspelling_of_a_site_word_is_caught(tmp_path):
    for i in range(4):
        page(tmp_path, f"p{i}.html", "<p>Glimbrook lamps. Glimbrook chairs. Glimbrook tables.</p>")
    page(tmp_path, "x.html", "<p>Glimbrok lamps</p>")
    page(tmp_path, "y.html", "<p>Glimbrok chairs</p>")
    found = fingerprints(tmp_path)
    assert found["typo|glimbrok"].suggestion == "Glimbrook"
    assert "typo|glimbrook" not in found


# -- conflicts ---------------------------------------------------------------------------------


def test_each_kind_of_conflict_lists_every_page_with_its_value(tmp_path):
    page(tmp_path, "faq.html", "<p>Standard delivery takes 3 to 5 business days. Express delivery arrives the next "
                               "working day.</p><p>You can return items within 30 days of delivery.</p>"
                               "<p>Call customer service on 0161 496 0000 or e-mail help@shop.example.com.</p>"
                               "<p>Our showroom is open Monday to Friday, 9am to 5pm.</p>"
                               "<p>Use code WINTER15 for 15% off orders over £30.</p>")
    page(tmp_path, "checkout.html", "<p>Standard delivery: 7–10 working days.</p><p>Express delivery arrives the next "
                                    "working day.</p><p>You have 28 days to return an item.</p>"
                                    "<p>Customer service: +44 161 496 0999, support@shop.example.com.</p>"
                                    "<p>Showroom: Mon–Fri 09:00-17:30.</p><p>WINTER15: 10% off orders over £30.</p>")
    page(tmp_path, "products/throw.html", "<h1>Wool Throw</h1><p class=price>£49.99</p>")
    page(tmp_path, "cart.html", "<table><tr><td>Wool Throw</td><td>£59.99</td></tr></table>")
    found = fingerprints(tmp_path)
    expected = {
        "conflict|delivery: standard delivery time": {("/faq", "3-5 working days"), ("/checkout", "7-10 working days")},
        "conflict|returns: return window": {("/faq", "30 days"), ("/checkout", "28 days")},
        "conflict|phone: customer service phone": {("/faq", "0161 496 0000"), ("/checkout", "0161 496 0999")},
        "conflict|email: customer service e-mail": {("/faq", "help@shop.example.com"),
                                                    ("/checkout", "support@shop.example.com")},
        "conflict|opening_hours: showroom hours, mon-fri": {("/faq", "09:00-17:00"), ("/checkout", "09:00-17:30")},
        "conflict|promo: winter15 discount": {("/faq", "15% off"), ("/checkout", "10% off")},
        "conflict|price: price of wool throw": {("/products/throw", "£49.99"), ("/cart", "£59.99")},
    }
    for fingerprint, observed in expected.items():
        assert {(o.page, o.value) for o in found[fingerprint].observations} == observed, fingerprint
    # Same values everywhere, or different services: no conflict.
    assert "conflict|delivery: express delivery time" not in found
    assert "conflict|promo: winter15 minimum spend" not in found
    assert not [fp for fp in found if fp.startswith("conflict|") and fp not in expected]


def test_old_prices_the_press_office_and_lines_abroad_are_not_conflicts(tmp_path):
    page(tmp_path, "p.html", "<h1>Pebble Speaker</h1><p>£59.99</p><p>Press: press@shop.example.com, 0161 496 0555</p>"
                             "<p>Customer service: 0161 496 0000</p><p>From Ireland call +353 1 234 5678.</p>"
                             "<p>You can cancel within 14 days of delivery.</p>")
    page(tmp_path, "sale.html", "<h3>Pebble Speaker</h3><p><del>£79.99</del> £59.99</p>"
                                "<h3>Pebble Speaker</h3><p>Was £89.99, now £59.99</p>"
                                "<p>Customer service: 0161 496 0000</p><p>Standard delivery takes 3-5 days.</p>")
    assert not [fp for fp in fingerprints(tmp_path) if fp.startswith("conflict|")]


# -- links and images ----------------------------------------------------------------------------


def test_broken_internal_links_and_missing_images_but_not_external_ones(tmp_path):
    page(tmp_path, "index.html", "<a href='help/faq.html'>FAQ</a><a href='/help/faq'>FAQ</a><a href='/gone'>Gone</a>"
                                 "<a href='https://elsewhere.example.org/x'>out</a><a href='mailto:a@b.c'>mail</a>"
                                 "<a href='#top'>top</a><img src='/img/here.png'><img src='/img/lost.png'>"
                                 "<a href='../../etc/passwd'>escape</a>")
    page(tmp_path, "help/faq.html", "<a href='../index.html'>home</a><a href='start'>Start</a>")
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "here.png").write_bytes(b"\x89PNG")
    found = fingerprints(tmp_path)
    links = sorted(fp for fp in found if fp.startswith(("broken_link|", "missing_image|")))
    assert links == ["broken_link|/etc/passwd", "broken_link|/gone", "broken_link|/help/start",
                     "missing_image|/img/lost.png"]
    assert found["broken_link|/help/start"].observations[0].page == "/help/faq"


# -- the sample site ---------------------------------------------------------------------------


def test_sample_site_findings_are_exactly_the_planted_problems(tmp_path):
    write_site(tmp_path / "site")  # the committed site is what the generator writes
    committed = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*") if p.is_file())
    written = sorted(p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert committed == written
    found = {p.fingerprint for p in read_site([str(SITE)]).problems}
    assert found == {row["fingerprint"] for row in read_truth()}


def test_sitemap_source_names_pages_by_their_real_url():
    report = read_site([str(SITE / "sitemap.xml")])
    assert "https://shop.example.com/help/faq" in report.collection.pages
    assert report.pages == len(list(SITE.rglob("*.html")))


# -- recording, re-scans, links to causes -------------------------------------------------------------


def _scan(database, folder, when: str, **options):
    with database.write_session() as session:
        return scan(session, [str(folder)], ScanOptions(**options),
                    now=datetime.fromisoformat(when).replace(tzinfo=timezone.utc))


def test_rescan_keeps_keys_marks_fixed_reopens_and_never_duplicates(database, tmp_path):
    page(tmp_path, "a.html", "<p>Please recieve this.</p><a href='/gone'>x</a>")
    page(tmp_path, "b.html", "<p>Standard delivery takes 3-5 working days.</p>")
    page(tmp_path, "c.html", "<p>Standard delivery takes 7-10 working days.</p>")
    first = _scan(database, tmp_path, "2026-11-20")
    keys = {f.fingerprint: f.key for f in first.new}
    assert len(keys) == 3
    again = _scan(database, tmp_path, "2026-11-21")
    assert again.new == [] and {f.fingerprint: f.key for f in again.seen} == keys

    page(tmp_path, "a.html", "<p>Please receive this.</p><a href='/gone'>x</a>")  # the typo is fixed
    page(tmp_path, "c.html", "<p>Standard delivery takes 3-5 working days.</p>")  # so is the delivery time
    fixed = _scan(database, tmp_path, "2026-11-22")
    assert sorted(f.key for f in fixed.fixed) == sorted([keys["typo|recieve"],
                                                         keys["conflict|delivery: standard delivery time"]])
    with database.session() as session:
        statuses = {f.fingerprint: (f.status, f.fixed_at) for f in session.query(Finding)}
        assert session.query(Finding).count() == 3 and session.query(ScanRun).count() == 3
    assert statuses["typo|recieve"][0] == "fixed" and statuses["typo|recieve"][1].day == 22
    assert statuses["broken_link|/gone"][0] == "open"

    page(tmp_path, "a.html", "<p>Please recieve this.</p><a href='/gone'>x</a>")  # it came back
    back = _scan(database, tmp_path, "2026-11-23")
    assert [f.key for f in back.reopened] == [keys["typo|recieve"]] and back.new == []


def test_a_scan_of_other_pages_does_not_mark_findings_fixed(database, tmp_path):
    site, other = tmp_path / "site", tmp_path / "other"
    page(site, "a.html", "<p>Please recieve this.</p>")
    page(other, "z.html", "<p>Nothing wrong here.</p>")
    _scan(database, site, "2026-11-20")
    result = _scan(database, other, "2026-11-21")
    assert result.fixed == []
    with database.session() as session:
        assert session.query(Finding).one().status == "open"


def test_ignored_findings_stay_ignored(database, tmp_path):
    page(tmp_path, "a.html", "<p>Please recieve this.</p>")
    first = _scan(database, tmp_path, "2026-11-20")
    with database.write_session() as session:
        ignore(session, first.new[0].key, "house style", "tester")
    _scan(database, tmp_path, "2026-11-21")
    with database.session() as session:
        assert [r["status"] for r in list_findings(session, status="all")] == ["ignored"]
        assert list_findings(session) == []


def test_findings_link_to_the_cause_whose_complaints_report_them(database, tmp_path):
    with database.write_session() as session:
        f = Factory(session)
        typo = f.cause("RC-0001", "Checkout typo")
        delivery = f.cause("RC-0002", "Delivery times")
        returns = f.cause("RC-0003", "Returns link")
        typo.keywords, delivery.keywords, returns.keywords = ["procced", "payment"], ["delivery"], ["return", "link"]
        for i in range(6):
            f.complaint("2026-11-16", typo, subject="Typo", body="The button says Procced to payment",
                        page_url="https://shop.example.com/checkout")
            f.complaint("2026-11-16", delivery, subject="Delivery", body="FAQ says 3-5 days but checkout 7-10 days",
                        page_url="https://shop.example.com/help/faq")
            f.complaint("2026-11-16", returns, subject="Returns", body="The start a return link gives a 404",
                        page_url="https://shop.example.com/help/returns")
        f.complaint("2026-11-16", delivery, subject="Late", body="my parcel is late")
        # Quotes one of the two return windows only, and numbers like 50 without a currency: not a report of them.
        waiting = f.cause("RC-0004", "Refund wait")
        for _ in range(6):
            f.complaint("2026-11-16", waiting, subject="Refund", body="I waited 30 days for my refund of 50 and 75")
    result = _scan(database, SITE, "2026-11-20")
    by_fingerprint = {f.fingerprint: f for f in result.seen}
    with database.session() as session:
        def linked(fp):
            return finding_detail(session, by_fingerprint[fp].key)
        assert linked("typo|procced")["reported"] == "customers reported this: RC-0001, 6 complaints"
        assert linked("conflict|delivery: standard delivery time")["reported"] == \
            "customers reported this: RC-0002, 7 complaints"
        assert linked("broken_link|https://shop.example.com/returns/start")["cause"] == "RC-0003"
        # Nobody complained about these: found before customers noticed.
        for fp in ("typo|recieve", "conflict|phone: customer service phone", "typo|olso",
                   "conflict|returns: return window", "conflict|delivery: free delivery threshold",
                   "broken_link|https://shop.example.com/sale/winter"):
            assert linked(fp)["reported"] == "found before customers noticed", fp


# -- commands ----------------------------------------------------------------------------------


def test_scan_and_findings_commands(sqlite_url, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", sqlite_url, "scan", str(SITE), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == len(read_truth())
    key = next(r["key"] for r in rows if r["title"].startswith('Typo "Procced"'))
    shown = runner.invoke(cli, ["--db", sqlite_url, "findings", "show", key])
    assert "Procced to payment" in shown.output and "https://shop.example.com/checkout" in shown.output
    assert "found before customers noticed" in shown.output
    assert "Ignored" in runner.invoke(cli, ["--db", sqlite_url, "findings", "ignore", key]).output
    listed = runner.invoke(cli, ["--db", sqlite_url, "findings", "list", "--format", "csv"])
    assert key not in listed.output and len(listed.output.strip().splitlines()) == len(rows)  # header + 15
    missing = runner.invoke(cli, ["--db", sqlite_url, "findings", "show", "F-9999"])
    assert missing.exit_code == 1 and missing.output.startswith("Error: no finding F-9999")
    bad = runner.invoke(cli, ["--db", sqlite_url, "scan", str(tmp_path / "nope")])
    assert bad.exit_code == 2 and "no such file or folder" in bad.output and "Traceback" not in bad.output


def test_page_text_reaches_csv_inert_and_the_terminal_without_escapes(sqlite_url, tmp_path):
    page(tmp_path, "a.html", "<p>=HYPERLINK(\"x\") recieve \x1b]0;owned\x07 this</p>")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", sqlite_url, "scan", str(tmp_path)]).exit_code == 0
    csv_out = runner.invoke(cli, ["--db", sqlite_url, "findings", "list", "--format", "csv"]).output
    details = csv_out.splitlines()[1]
    assert "\x1b" not in csv_out and "\x07" not in csv_out
    assert ",=" not in details  # every cell that starts with = is quoted inert
    shown = runner.invoke(cli, ["--db", sqlite_url, "findings", "show", "F-0001"]).output
    assert "\x1b" not in shown and "recieve" in shown


def test_accept_file(sqlite_url, tmp_path):
    site = tmp_path / "site"
    page(site, "a.html", "<p>Please recieve this, Procced.</p>")
    words = tmp_path / "words.txt"
    words.write_text("# house words\nrecieve\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", sqlite_url, "scan", str(site), "--accept-file", str(words),
                                      "--accept", "Procced", "--format", "json"])
    assert json.loads(result.stdout) == []


def test_both_reports_show_linked_and_unreported_findings_and_causes_show_too(database, sqlite_url, tmp_path):
    from reports import render_report

    with database.write_session() as session:
        f = Factory(session)
        typo = f.cause("RC-0001", "Checkout typo")
        for _ in range(4):
            f.complaint("2026-11-16", typo, subject="Typo", body="The button says Procced to payment",
                        page_url="https://shop.example.com/checkout")
    _scan(database, SITE, "2026-11-20")
    with database.session() as session:
        for kind in ("executive", "team"):
            _, html = render_report(session, kind, period="2026-W47", fmt="html")
            text = html.decode()
            assert "Our own pages" in text and "customers reported this: RC-0001, 4 complaints" in text, kind
            assert "Found before customers noticed" in text and "Typo &#34;guarentee&#34;" in text, kind
    shown = CliRunner().invoke(cli, ["--db", database.url.render_as_string(hide_password=False), "causes", "show",
                                     "RC-0001"])
    assert "on our own pages (rca scan): customers reported this: RC-0001, 4 complaints" in shown.output
    assert 'Typo "Procced"' in shown.output


def test_reports_without_any_scan_have_no_findings_section(database):
    from reports import render_report

    with database.write_session() as session:
        f = Factory(session)
        f.complaint("2026-11-16", f.cause("RC-0001", "Checkout typo"))
    with database.session() as session:
        _, html = render_report(session, "executive", period="2026-W47", fmt="html")
    assert "Our own pages" not in html.decode()


def test_big_folders_parsed_by_worker_processes_give_the_same_findings(tmp_path, monkeypatch):
    import rca.scan.sources as sources

    for i in range(7):
        page(tmp_path, f"p{i}.html", f"<p>Standard delivery takes {'3-5' if i else '7-10'} working days.</p>"
                                     f"<p>Please recieve page {i}.</p>")
    alone = read_site([str(tmp_path)])
    monkeypatch.setattr(sources, "PARALLEL_FROM", 3)
    monkeypatch.setattr(sources, "CHUNK_FILES", 2)
    pooled = read_site([str(tmp_path)])
    assert list(pooled.collection.pages) == list(alone.collection.pages) == [f"/p{i}" for i in range(7)]
    assert [(p.fingerprint, p.observations) for p in pooled.problems] == \
        [(p.fingerprint, p.observations) for p in alone.problems]
    assert {p.fingerprint for p in pooled.problems} == {"typo|recieve", "conflict|delivery: standard delivery time"}


def test_local_files_too_big_binary_or_beyond_max_pages_are_skipped_with_a_reason(tmp_path):
    page(tmp_path, "a.html", "<p>fine</p>")
    page(tmp_path, "b.html", "<p>" + "word " * 5000 + "</p>")
    (tmp_path / "c.html").write_bytes(bytes(range(256)) * 10)
    page(tmp_path, "d.html", "<p>fine too</p>")
    report = read_site([str(tmp_path)], ScanOptions(max_bytes=10_000, max_pages=3))
    reasons = {Path(s.source).name: s.reason for s in report.skipped}
    assert reasons["b.html"].startswith("larger than the size cap")
    assert reasons["c.html"] == "binary content, not a text page"
    assert reasons[tmp_path.name] == "4 pages: only the first 3 were read (--max-pages)"
    assert list(report.collection.pages) == ["/a"]


def test_every_control_and_format_character_is_removed_from_page_text():
    import sys
    import unicodedata

    from rca.scan.extract import _INVISIBLE

    invisible = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in ("Cc", "Cf")]
    assert all(_INVISIBLE.fullmatch(ch) for ch in invisible)
    assert not _INVISIBLE.search("plain £ é ü 中文 — “quotes”")


def test_markdown_and_plain_text_files_are_checked_too(tmp_path):
    (tmp_path / "delivery.md").write_text("# Delivery\n\nStandard delivery takes **3-5 working days**.\n",
                                          encoding="utf-8")
    (tmp_path / "notes.txt").write_text("Returns\n\nStandard delivery takes 7-10 working days. We recieve returns "
                                        "by post.\n", encoding="utf-8")
    found = {p.fingerprint: p for p in read_site([str(tmp_path / "delivery.md"), str(tmp_path / "notes.txt")]).problems}
    assert set(found) == {"typo|recieve", "conflict|delivery: standard delivery time"}
    assert {o.page for o in found["conflict|delivery: standard delivery time"].observations} == \
        {"/delivery.md", "/notes.txt"}


def test_two_folders_of_one_site_are_checked_against_each_other(tmp_path):
    page(tmp_path / "shop", "index.html", "<a href='/guides/care'>Care guide</a><img src='/img/logo.png'>")
    page(tmp_path / "guides-build", "guides/care.html", "<a href='/'>Home</a> <a href='/nowhere'>x</a>")
    (tmp_path / "guides-build" / "img").mkdir()
    (tmp_path / "guides-build" / "img" / "logo.png").write_bytes(b"\x89PNG")
    found = {p.fingerprint for p in read_site([str(tmp_path / "shop"), str(tmp_path / "guides-build")]).problems}
    assert found == {"broken_link|/nowhere"}


@pytest.mark.slow
def test_hostile_local_pages_end_in_time_and_are_still_read(tmp_path):
    """Megabytes of text without a full stop, and tens of thousands of unclosed tags: work grows linearly."""
    words = ["delivery", "3-5", "days", "Monday", "9am", "£50", "code", "return", "Procced", "over"]
    page(tmp_path, "run-on.html", "<p>" + " ".join(words[i % len(words)] for i in range(100_000)) + "</p>")
    page(tmp_path, "nested.html", "<b>" * 20_000 + "Procced" + "</i>" * 20_000 + "<div>" * 10_000)
    found = {p.fingerprint: p for p in read_site([str(tmp_path)]).problems}
    assert found["typo|procced"].pages == ["/nested", "/run-on"]
