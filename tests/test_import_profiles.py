"""Real help-desk and complaint exports import into the right fields, and say what they did.

Small real-format fixtures live in tests/fixtures/import (see its README); the
tests at the end read the real samples in ../shared/data when they are there.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from cli.main import cli
from rca.errors import ProfileError
from rca.ingest.pipeline import ImportOptions, import_file
from rca.models import Complaint, ImportBatch

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
REAL_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def stored(database, **where) -> list[Complaint]:
    with database.session() as session:
        query = select(Complaint).order_by(Complaint.id)
        for column, value in where.items():
            query = query.where(getattr(Complaint, column) == value)
        return list(session.scalars(query))


def customers(database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count(func.distinct(Complaint.customer_key))))


def fields(summary) -> dict[str, str | None]:
    return {item["field"]: item["column"] for item in summary.mapping["fields"]}


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# --------------------------------------------------------------------------- CFPB


def test_cfpb_csv_body_is_the_narrative_and_labels_stay_filterable(database):
    summary = import_file(database, FIXTURES / "cfpb_complaints.csv")
    assert summary.profile == "cfpb" and "Complaint ID" in summary.mapping["profile_reason"]
    assert fields(summary)["body"] == "Consumer complaint narrative"
    assert fields(summary)["status"] == "Company response to consumer"  # never "State"
    # Rows without a narrative hold no customer text: skipped, counted, not imported as their Issue label.
    assert summary.new == 4
    assert summary.skipped == {"complaints without a consumer narrative (published only with consent)": 2}
    first = stored(database, external_id="14069121")[0]
    assert first.body.startswith("A XXXX XXXX card was opened under my name by a fra")
    assert first.received_at.date() == date(2025, 6, 13)
    assert first.product == "Credit card" and first.channel == "web"
    assert first.tags == ["Getting a credit card", "Card opened without my consent or knowledge"]
    assert first.extra["Issue"] == "Getting a credit card" and first.extra["State"] == "TX"
    assert first.ticket_status == "closed with non-monetary relief"
    assert all(c.body != c.extra.get("Issue") for c in stored(database))
    assert customers(database) == 4  # no consumer identity is published: one consumer per complaint


def test_cfpb_search_api_json_reads_the_same_fields(database):
    summary = import_file(database, FIXTURES / "cfpb_api.json")
    assert summary.profile == "cfpb" and summary.new == 4 and sum(summary.skipped.values()) == 2
    assert fields(summary)["body"] == "_source.complaint_what_happened"
    complaint = stored(database, external_id="14061897")[0]
    assert complaint.body.startswith("I made the mistake of using my wellsfargo debit ca")
    assert complaint.received_at.isoformat() == "2025-06-13T17:00:00+00:00"
    assert complaint.product == "Checking or savings account"
    assert complaint.tags[0] == "Managing an account"


def test_generic_profile_chooses_the_body_by_content_and_says_so(database):
    summary = import_file(database, FIXTURES / "cfpb_complaints.csv", ImportOptions(profile="generic"))
    # "Issue" is a generic body name, but the narrative is the free text.
    assert fields(summary)["body"] == "Consumer complaint narrative"
    # "State" holds TX, ID, NY: not statuses; kept as extra, with a warning naming the override.
    assert "status" not in fields(summary)
    warnings = " ".join(summary.warnings)
    assert "'State' is not read as the status" in warnings and "--map 'State=status'" in warnings


def test_mapped_label_body_is_kept_but_warned_about(database, tmp_path):
    rows = [[f"2026-11-{1 + i % 9:02d}", ["Billing", "Login", "Delivery"][i % 3],
             f"Customer {i} says the order page showed one price and the invoice another, twice over."]
            for i in range(30)]
    path = write_csv(tmp_path / "labels.csv", ["date", "category", "what happened"], rows)
    summary = import_file(database, path, ImportOptions(source="s", mapping={"body": "category"}))
    assert fields(summary)["body"] == "category"
    assert any("body: 'category' holds 3 distinct values" in w and "'what happened' holds free text" in w
               for w in summary.warnings)
    auto = import_file(database, path, ImportOptions(source="t", dry_run=True))
    assert fields(auto)["body"] == "what happened"


# --------------------------------------------------------------------------- support tweets, reviews


def test_twcs_inbound_only_author_is_the_customer_and_twitter_dates(database):
    summary = import_file(database, FIXTURES / "twcs_support_tweets.csv")
    assert summary.profile == "twcs"
    assert summary.skipped == {"company replies (inbound is False)": 2}
    assert fields(summary)["external_id"] == "tweet_id" and fields(summary)["customer_id"] == "author_id"
    tweets = stored(database)
    assert [t.external_id for t in tweets] == ["849", "853", "858", "1868"]
    assert not any("Sorry to hear" in t.body for t in tweets)
    assert tweets[0].received_at.isoformat() == "2017-10-31T23:36:20+00:00"
    assert {t.channel for t in tweets} == {"twitter"}
    assert tweets[0].contact is None  # an author id identifies, it is not a contact
    assert customers(database) == 3  # authors 100001 (twice), 100002, 100003


def test_reviews_rating_threshold_duplicates_and_anonymous_names(database):
    summary = import_file(database, FIXTURES / "google_play_reviews.csv")
    assert summary.profile == "reviews" and summary.mapping["max_rating"] == 3
    assert fields(summary)["external_id"] == "reviewId" and fields(summary)["received_at"] == "at"
    assert summary.skipped == {"ratings above 3": 2}
    assert (summary.new, summary.duplicate) == (4, 1)  # one review scraped twice
    reviews = stored(database)
    assert reviews[0].body.startswith("Does not work when I want it to.")
    assert str(reviews[0].received_at) == "2014-01-18 21:15:32+00:00"
    assert all("userImage" not in r.extra and "userName" not in r.extra for r in reviews)
    assert reviews[0].extra["score"] == "1"
    # "A Google user" is Google's placeholder, not a person: two named reviewers only.
    assert customers(database) == 2
    everything = import_file(database, FIXTURES / "google_play_reviews.csv", ImportOptions(max_rating=5, force=True))
    assert everything.new == 2 and not everything.skipped


def test_cli_prints_the_mapping_and_dry_run_json_gives_it_as_data(sqlite_url):
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", sqlite_url, "import", str(FIXTURES / "google_play_reviews.csv")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "reviews profile" in out and "typical columns" in out
    assert "body            <- 'content'" in out and "rating          <- 'score'" in out
    assert "skipped         2 ratings above 3" in out and "--max-rating 5 keeps all" in out
    assert "kept as extra (6): 'score', 'thumbsUpCount'" in out and "not kept        'userImage'" in out
    dry = runner.invoke(cli, ["--db", sqlite_url, "import", str(FIXTURES / "twcs_support_tweets.csv"),
                              "--dry-run", "--format", "json"])
    data = json.loads(dry.stdout)[0]
    assert data["dry_run"] and data["rows"]["new"] == 4 and data["rows"]["skipped"] == 2
    assert data["mapping"]["skipped"] == {"company replies (inbound is False)": 2}
    assert {"field": "body", "column": "text", "how": "by name"} in data["mapping"]["fields"]
    assert data["mapping"]["dates"]["format"].startswith("Www Mon DD")


def test_guessed_date_order_is_printed(sqlite_url, tmp_path):
    path = write_csv(tmp_path / "d.csv", ["id", "date", "body"], [[1, "03/04/2026", "Lid cracked"],
                                                                  [2, "05/06/2026", "Kettle leaks"]])
    result = CliRunner().invoke(cli, ["--db", sqlite_url, "import", str(path)])
    assert "dates           read month first (MM/DD), guessed" in result.output
    assert "--dayfirst" in result.output


# --------------------------------------------------------------------------- help desks


def test_zendesk_flattened_via_channel_and_deleted_tickets(database):
    summary = import_file(database, FIXTURES / "zendesk_flattened.csv")
    assert summary.profile == "zendesk" and fields(summary)["channel"] == "via_channel"
    assert summary.skipped == {"deleted tickets": 1}
    tickets = stored(database)
    assert [(t.external_id, t.channel, t.ticket_status) for t in tickets] == [("5101", "web", "open"),
                                                                               ("5103", "email", "solved")]
    assert customers(database) == 1  # requester 9001 twice


def test_intercom_admin_started_conversation_is_not_a_customer_complaint(database):
    summary = import_file(database, FIXTURES / "intercom_conversations.json")
    assert summary.skipped == {"conversations started by the company (an admin or bot)": 1}
    contacts = [c.contact for c in stored(database)]
    assert contacts == ["customer7@example.com"]
    assert not any("agent@shop.example.com" in json.dumps(c.extra) for c in stored(database))


def test_hubspot_servicenow_and_helpscout(database):
    hubspot = import_file(database, FIXTURES / "hubspot_tickets.json")
    assert hubspot.profile == "hubspot"
    tickets = stored(database, source="hubspot")
    assert [(t.subject, t.ticket_status, t.channel) for t in tickets] == [("Price differs", "new", "email"),
                                                                           ("Kettle broken", "closed", "chat")]
    assert tickets[1].body == "My kettle stopped working after a week."
    assert tickets[0].source_updated_at.isoformat() == "2026-11-03T09:00:00+00:00"

    servicenow = import_file(database, FIXTURES / "servicenow_incidents.json")
    assert servicenow.profile == "servicenow"
    incidents = stored(database, source="servicenow")
    assert [(i.external_id, i.ticket_status, i.channel) for i in incidents] == [
        ("INC0010001", "in progress", "phone"), ("INC0010002", "closed", "email")]
    assert incidents[0].subject == "Cannot log in to the portal"
    assert incidents[0].customer_key == incidents[1].customer_key is not None  # the same caller

    helpscout = import_file(database, FIXTURES / "helpscout_conversations.json")
    assert helpscout.profile == "helpscout"
    assert helpscout.skipped == {"conversations started by the company (an agent)": 1, "spam conversations": 1}
    conversation = stored(database, source="helpscout")[0]
    # The customer's own first message, not the agent's reply and not the truncated preview.
    assert conversation.body == "I returned the blender two weeks ago and the refund has still not arrived."
    assert conversation.contact == "buyer@example.com" and conversation.tags == ["refunds"]


# --------------------------------------------------------------------------- dates


def test_no_date_column_is_refused_naming_the_fix_and_received_on_dates_every_row(database, tmp_path):
    path = write_csv(tmp_path / "cases.csv", ["Case", "Comment"], [["C-1", "The lid cracked on day two"],
                                                                   ["C-2", "Delivery took three weeks"]])
    with pytest.raises(ProfileError) as refused:
        import_file(database, path)
    assert "--received-on YYYY-MM-DD" in str(refused.value)
    assert stored(database) == []
    summary = import_file(database, path, ImportOptions(received_on=date(2026, 11, 30)))
    assert summary.new == 2
    assert {c.received_at.isoformat() for c in stored(database)} == {"2026-11-30T00:00:00+00:00"}
    assert summary.mapping["dates"]["received_on"] == "--received-on 2026-11-30 for every row"
    with database.session() as session:
        batch = session.get(ImportBatch, summary.batch_id)
        assert batch.received_on.date() == date(2026, 11, 30)
        assert batch.mapping["dates"]["received_on"].startswith("--received-on 2026-11-30")


def test_cli_received_on(sqlite_url, tmp_path):
    path = write_csv(tmp_path / "cases.csv", ["Case", "Comment"], [["C-1", "The lid cracked on day two"]])
    refused = CliRunner().invoke(cli, ["--db", sqlite_url, "import", str(path)])
    assert refused.exit_code == 1 and "Error: " in refused.output and "--received-on" in refused.output
    assert "Traceback" not in refused.output
    done = CliRunner().invoke(cli, ["--db", sqlite_url, "import", str(path), "--received-on", "2026-11-30"])
    assert done.exit_code == 0 and "--received-on 2026-11-30 for every row" in done.output


# --------------------------------------------------------------------------- never doubled, never lost


def test_reimport_under_a_new_id_mapping_updates_instead_of_doubling(database, tmp_path):
    path = write_csv(tmp_path / "t.csv", ["code", "date", "body", "user"], [
        ["a1", "2026-11-02 10:00", "hello, the app crashes when I open it", "u1"],
        ["a2", "2026-11-02 10:00", "hello, the app crashes when I open it", "u2"],  # same words, another customer
    ])
    first = import_file(database, path, ImportOptions(source="desk", mapping={"body": "body"}))
    assert first.new == 2 and all(c.external_id.startswith("sha:") for c in stored(database))
    again = import_file(database, path, ImportOptions(source="desk", force=True, mapping={"external_id": "code"}))
    assert (again.new, again.updated) == (0, 2)
    assert sorted(c.external_id for c in stored(database)) == ["a1", "a2"]  # the real ids are adopted
    assert customers(database) == 2


def test_reimport_under_another_source_is_refused_naming_the_source(database):
    import_file(database, FIXTURES / "zendesk_flattened.csv")
    again = import_file(database, FIXTURES / "zendesk_flattened.csv", ImportOptions(source="zendesk-eu"))
    assert again.new == 0
    reasons = list(again.skipped)
    assert any("already stored under source 'zendesk'" in r and "--source zendesk" in r for r in reasons)
    assert again.skipped[next(r for r in reasons if "already stored" in r)] == 2
    assert len(stored(database)) == 2


def test_two_tickets_with_the_same_words_and_their_own_ids_stay_two(database, tmp_path):
    # Same text, same day, no customer column: two customers, told apart by their
    # ticket ids from the same id column, in two files and in two sources.
    for name, ids in (("monday.csv", ["t-1"]), ("tuesday.csv", ["t-2"])):
        write_csv(tmp_path / name, ["id", "date", "body"], [[i, "2026-11-02", "my card was declined"] for i in ids])
    first = import_file(database, tmp_path / "monday.csv", ImportOptions(source="desk"))
    second = import_file(database, tmp_path / "tuesday.csv", ImportOptions(source="desk"))
    other = import_file(database, tmp_path / "tuesday.csv", ImportOptions(source="shop"))
    assert (first.new, second.new, other.new) == (1, 1, 0)  # tuesday's t-2 under "shop" is the same ticket
    assert sorted(c.external_id for c in stored(database)) == ["t-1", "t-2"]


def test_narrower_reexport_never_blanks_channel_product_or_contact(database, tmp_path):
    full = write_csv(tmp_path / "full.csv", ["id", "date", "body", "email", "channel", "product", "status"], [
        [1, "2026-11-02", "Kettle stopped after a week", "ann@example.com", "email", "Kettle K2", "open"]])
    narrow = write_csv(tmp_path / "narrow.csv", ["id", "date", "body", "status"], [
        [1, "2026-11-02", "Kettle stopped after a week", "solved"]])
    import_file(database, full, ImportOptions(source="desk"))
    summary = import_file(database, narrow, ImportOptions(source="desk"))
    assert summary.updated == 1
    ticket = stored(database)[0]
    assert (ticket.channel, ticket.product, ticket.contact) == ("email", "Kettle K2", "ann@example.com")
    assert ticket.ticket_status == "solved" and ticket.customer_key is not None
    # --force reads it again: still nothing blanked.
    import_file(database, narrow, ImportOptions(source="desk", force=True))
    ticket = stored(database)[0]
    assert (ticket.channel, ticket.product, ticket.contact) == ("email", "Kettle K2", "ann@example.com")


def test_older_export_never_overwrites_a_newer_update(database, tmp_path):
    header = ["id", "date", "body", "status", "Updated at", "channel"]
    newer = write_csv(tmp_path / "newer.csv", header, [[7, "2026-11-02", "Lid cracked", "solved", "2026-11-05 10:00", ""]])
    older = write_csv(tmp_path / "older.csv", header, [[7, "2026-11-02", "Lid cracked", "open", "2026-11-03 10:00", "web"]])
    import_file(database, newer, ImportOptions(source="desk"))
    import_file(database, older, ImportOptions(source="desk"))
    ticket = stored(database)[0]
    assert ticket.ticket_status == "solved"  # the newer state stays
    assert ticket.channel == "web"  # an older export still fills what was empty
    assert ticket.source_updated_at.isoformat() == "2026-11-05T10:00:00+00:00"


def test_within_one_file_the_newer_row_wins_whatever_the_order(database, tmp_path):
    path = write_csv(tmp_path / "both.csv", ["id", "date", "body", "status", "updated_at"], [
        [7, "2026-11-02", "Lid cracked", "solved", "2026-11-05 10:00"],
        [7, "2026-11-02", "Lid cracked", "open", "2026-11-03 10:00"]])
    summary = import_file(database, path, ImportOptions(source="desk"))
    assert (summary.new, summary.duplicate) == (1, 1)
    assert stored(database)[0].ticket_status == "solved"


# --------------------------------------------------------------------------- the real samples


def real(path: str) -> Path:
    full = REAL_DATA / path
    if not full.is_file():
        pytest.skip(f"real sample {path} not found beside the repository ({REAL_DATA})")
    return full


@pytest.mark.parametrize("name, narratives", [("cfpb_small_complaints_2011_2020.csv", 640),
                                              ("cfpb_complaints_sample_2012_2026.csv", 269),
                                              ("cfpb_filtered_complaints_2025.csv", 106)])
def test_real_cfpb_samples(database, name, narratives):
    path = real(f"cfpb/{name}")
    summary = import_file(database, path)
    assert summary.profile == "cfpb" and summary.new == narratives and summary.rejected == 0
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Consumer complaint narrative"].strip()]
    by_id = {c.external_id: c for c in stored(database)}
    for row in rows[:50]:
        complaint = by_id[row["Complaint ID"]]
        assert complaint.received_at.date().isoformat() == row["Date received"]
        assert complaint.product == row["Product"]
        assert complaint.body.split()[:3] == row["Consumer complaint narrative"].split()[:3]
    assert customers(database) == narratives
    again = import_file(database, path, ImportOptions(force=True))
    assert again.new == 0 and again.updated == 0


def test_real_support_tweets(database):
    path = real("support_tweets/twcs_spotifycares_inbound_sample.csv")
    summary = import_file(database, path)
    assert summary.profile == "twcs" and summary.new == 15_096
    with database.session() as session:
        first = session.scalar(select(Complaint).where(Complaint.external_id == "849"))
        oldest = session.scalar(select(func.min(Complaint.received_at)))
    assert first.body.startswith("@SpotifyCares") and first.received_at.isoformat() == "2017-10-31T23:36:20+00:00"
    assert oldest.year >= 2013
    assert summary.rejected == 0 and customers(database) == 8_723  # every author, no tweet cut in two
    with database.session() as session:
        # 8 tweets hold a bare CR inside an unquoted cell: it is text, the line ends at \n
        lumia = session.scalar(select(Complaint.body).where(Complaint.external_id == "289165"))
    assert lumia.endswith("Lumia 950XL\r\rWindows 10 Mobile 10.0.15252.0\r\rSpotify 5.2.4.0")
    assert import_file(database, path, ImportOptions(force=True)).new == 0


@pytest.mark.parametrize("name, unique, low", [("anz_google_play_reviews.csv", 1_207, 716),
                                               ("greenlight_google_play_reviews.csv", 7_476, 2_992)])
def test_real_app_reviews(database, name, unique, low):
    path = real(f"app_reviews/{name}")
    summary = import_file(database, path)
    assert summary.profile == "reviews" and summary.new == low
    assert list(summary.skipped) == ["ratings above 3"]
    everything = import_file(database, path, ImportOptions(max_rating=5, force=True))
    assert low + everything.new == unique  # the ANZ file repeats 453 reviews
    assert import_file(database, path, ImportOptions(max_rating=5, force=True)).new == 0
    again = import_file(database, path, ImportOptions(max_rating=5, force=True, source="play"))
    assert again.new == 0 and any("already stored under source 'reviews'" in r for r in again.skipped)
    with database.session() as session:
        count = session.scalar(select(func.count()).select_from(Complaint))
    assert count == unique
    assert 0 < customers(database) < unique  # named reviewers; Google's placeholder name is nobody


def test_app_store_exports(database, tmp_path):
    scraper = write_csv(tmp_path / "app_store.csv",
                        ["date", "review", "rating", "isEdited", "title", "userName", "developerResponse"], [
                            ["2026-11-02 10:00:00", "Crashes every time I open the statements tab.", 1, False,
                             "Crashes", "Reviewer A", ""],
                            ["2026-11-03 11:00:00", "Love it, works great.", 5, False, "Great", "Reviewer B", ""]])
    summary = import_file(database, scraper)
    assert summary.profile == "reviews" and fields(summary)["body"] == "review"
    assert (summary.new, summary.skipped) == (1, {"ratings above 3": 1})
    feed = {"feed": {"author": {"name": {"label": "iTunes Store"}}, "entry": [
        {"author": {"name": {"label": "Reviewer C"}, "uri": {"label": "https://itunes.example/reviewer-c"}},
         "updated": {"label": "2026-11-04T09:30:00-07:00"}, "im:rating": {"label": "2"},
         "im:version": {"label": "4.1"}, "id": {"label": "10500"}, "title": {"label": "Login loop"},
         "content": {"label": "After the update the app keeps asking me to log in again.",
                     "attributes": {"type": "text"}}}]}}
    rss = tmp_path / "app_store_rss.json"
    rss.write_text(json.dumps(feed))
    summary = import_file(database, rss)
    assert summary.profile == "reviews" and summary.new == 1
    review = stored(database, external_id="10500")[0]
    assert review.body == "After the update the app keeps asking me to log in again."
    assert review.subject == "Login loop" and review.received_at.isoformat() == "2026-11-04T16:30:00+00:00"
    assert "author.uri.label" not in review.extra and review.extra["im:rating.label"] == "2"


def test_a_survey_score_is_not_a_review_rating(database, tmp_path):
    path = write_csv(tmp_path / "survey.csv", ["date", "comment", "score"], [
        ["2026-11-02", "Delivery took three weeks and nobody answered my emails.", 9],
        ["2026-11-02", "The size chart says M but the label says L.", 2]])
    summary = import_file(database, path, ImportOptions(source="survey"))
    assert summary.new == 2 and not summary.skipped and summary.mapping["max_rating"] is None
    assert {c.extra["score"] for c in stored(database)} == {"9", "2"}
    asked = import_file(database, path, ImportOptions(source="survey2", max_rating=5, dry_run=True))
    assert asked.skipped["ratings above 5"] == 1  # asked for: the 9 is skipped


# --------------------------------------------------------------------------- dates by content

AIRLINE_HEADER = ["tweet_id", "airline_sentiment", "airline_sentiment_confidence", "negativereason",
                  "negativereason_confidence", "airline", "airline_sentiment_gold", "name", "negativereason_gold",
                  "retweet_count", "text", "tweet_coord", "tweet_created", "tweet_location", "user_timezone"]


def test_sentiment_coded_tweets_import_with_no_flags(database, tmp_path):
    # The column layout of the public airline-tweets sentiment set; the rows are made up.
    rows = [
        ["570301031407624196", "negative", "1.0", "Late Flight", "0.70", "United", "", "jimmy", "", "0",
         "@united flight delayed three hours and nobody told us why", "", "2015-02-24 11:15:36 -0800", "",
         "Pacific Time (US & Canada)"],
        ["570300817074462722", "negative", "1.0", "Customer Service Issue", "1.0", "United", "", "jane", "", "0",
         "@united on hold for two hours and nobody answers the phone", "", "2015-02-24 11:14:45 -0800", "", ""],
        ["570300767074181121", "positive", "1.0", "", "", "Delta", "", "jimmy", "", "0",
         "@delta thank you for the great flight crew today", "", "2015-02-24 11:14:33 -0800", "", ""],
        ["570300616901320704", "neutral", "0.68", "", "", "Delta", "", "kim", "", "0",
         "@delta is there wifi on the flight from Boston to Atlanta tomorrow", "", "2015-02-24 11:13:57 -0800", "",
         ""],
    ]
    summary = import_file(database, write_csv(tmp_path / "Tweets.csv", AIRLINE_HEADER, rows))
    mapped = fields(summary)
    assert (mapped["body"], mapped["received_at"], mapped["external_id"]) == ("text", "tweet_created", "tweet_id")
    how = {item["field"]: item["how"] for item in summary.mapping["fields"]}
    assert how["received_at"].startswith("by content")
    assert (summary.new, summary.skipped) == (3, {"messages of positive sentiment (praise)": 1})
    late = stored(database, external_id="570301031407624196")[0]
    assert late.body.startswith("@united flight delayed") and late.received_at.isoformat() == "2015-02-24T19:15:36+00:00"
    assert late.extra["negativereason"] == "Late Flight"
    assert customers(database) == 3  # jimmy, jane, kim (jimmy's praise was skipped)
    assert import_file(database, tmp_path / "Tweets.csv").new == 0


def test_a_date_column_of_any_name_is_found_by_its_values_the_written_one_first(database, tmp_path):
    header = ["Klant", "Afgesloten op", "Geplaatst", "Bericht"]
    rows = [["k1", "2026-11-10", "2026-11-02 09:00", "De bestelling kwam beschadigd aan en de doos was open"],
            ["k2", "2026-11-12", "2026-11-03 10:30", "Ik heb twee keer betaald voor dezelfde bestelling gisteren"]]
    summary = import_file(database, write_csv(tmp_path / "nl.csv", header, rows))
    assert fields(summary)["received_at"] == "Geplaatst" and fields(summary)["body"] == "Bericht"
    assert any("read from 'Geplaatst', a column of dates ('Afgesloten op' hold" in w
               for w in summary.mapping["warnings"])
    assert stored(database, body=rows[0][3])[0].received_at.isoformat() == "2026-11-02T09:00:00+00:00"


def test_date_columns_rank_when_written_before_later_events():
    from rca.ingest.profiles.columns import column_stats, date_columns

    columns = ["id", "updated_at", "closed", "due date", "when", "created", "note"]
    records = [{"id": "123456789", "updated_at": "2026-11-05", "closed": "2026-11-06", "due date": "2026-12-01",
                "when": "Nov 2, 2026", "created": "2026-11-02T08:00:00Z", "note": "call back on 2026-11-09"}] * 3
    assert date_columns(column_stats(columns, records)) == ["created", "when", "updated_at", "closed", "due date"]
