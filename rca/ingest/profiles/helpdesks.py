"""The help-desk profiles. Adding one is a _profile(...) here and its entry in PROFILES."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .base import Profile, SkipRule, _FALSE, _profile
from .converters import (_FRESHDESK_SOURCES, _FRESHDESK_STATUSES, _code_lookup, _code_or_label, _helpscout_body, _text)
from .fields import DEFAULT_MAX_RATING


ZENDESK = _profile(
    "zendesk",
    {
        "external_id": ("Id", "Ticket ID", "ticket id", "id"),
        "received_at": ("Created at", "created_at", "Ticket created at", "Created"),
        "subject": ("Subject", "raw_subject"),
        "body": ("Description", "description", "Ticket description"),
        "requester_email": ("Requester email", "requester.email", "via.source.from.address",
                            "via_source_from_address", "requester_email", "Requester Email"),
        "requester_name": ("Requester", "Requester name", "requester.name",
                           "via.source.from.name", "via_source_from_name", "requester_name"),
        # Flattened API exports write via.channel as via_channel.
        "channel": ("Via", "via.channel", "via_channel", "Channel", "Ticket channel"),
        "tags": ("Tags", "tags"),
        "status": ("Status", "Ticket status"),
        "product": ("Product [list]", "Product [txt]", "custom_fields.product", "Product"),
        "page_url": ("Page URL [txt]", "custom_fields.page_url"),
        "customer_id": ("Requester id", "requester_id"),
        "updated_at": ("Updated at", "updated_at", "Ticket updated at"),
    },
    signature=("Requester email", "Requester", "Requester id", "Requester domain", "Submitter",
               "Via", "Ticket type", "Satisfaction Score", "Group", "Assignee",
               "Solved at", "Initially assigned at", "Reopens", "Replies",
               "First reply time in minutes", "Full resolution time in minutes",
               "via.channel", "via_channel", "requester_id", "submitter_id", "raw_subject",
               "satisfaction_rating.score", "satisfaction_rating_score", "has_incidents", "brand_id",
               "ticket_form_id", "organization_id", "collaborator_ids", "sharing_agreement_ids"),
    skip=(SkipRule(("Status", "Ticket status"), frozenset({"deleted"}), "deleted tickets"),),
    description="Zendesk Support CSV export, Tickets API JSON, or a flattened API export (via_channel)",
)


JIRA = _profile(
    "jira",
    {
        "external_id": ("Issue key", "key", "Issue id", "id"),
        "received_at": ("Created", "fields.created"),
        "subject": ("Summary", "fields.summary"),
        "body": ("Description", "fields.description"),
        "requester_email": ("Reporter email", "fields.reporter.emailAddress",
                            "Custom field (Customer email)"),
        "requester_name": ("Reporter", "fields.reporter.displayName"),
        "channel": ("Custom field (Channel)", "Custom field (Request channel)"),
        "tags": ("Labels", "fields.labels"),
        "status": ("Status", "fields.status.name"),
        "product": ("Custom field (Product)", "Component/s", "Components", "fields.components"),
        "page_url": ("Custom field (Page URL)",),
        # Not "Issue Type": Bug/Task/Support is a workflow type, and a typo
        # filed as a Bug is still a typo; the text rules decide instead.
        "defect_type": ("Custom field (Defect type)",),
        "customer_id": ("Reporter Id", "fields.reporter.accountId"),
        "updated_at": ("Updated", "fields.updated"),
    },
    signature=("Issue key", "Issue id", "Issue Type", "Summary", "Component/s", "Project key",
               "Project name", "Project type", "Resolution", "Fix Version/s",
               "Affects Version/s", "Sprint", "Parent id", "fields.summary",
               "fields.issuetype.name", "fields.project.key", "fields.status.name"),
    description="Jira CSV export (all fields) or REST JSON",
)


FRESHDESK = _profile(
    "freshdesk",
    {
        "external_id": ("Ticket ID", "id", "Ticket Id"),
        "received_at": ("Created time", "created_at", "Created Time"),
        "subject": ("Subject",),
        # API JSON has both; description_text is the plain-text twin of the HTML one.
        "body": ("description_text", "Description"),
        "requester_email": ("Email", "Requester email", "requester.email", "Contact email"),
        "requester_name": ("Full name", "Requester name", "requester.name", "Contact name"),
        "channel": ("Source",),
        "tags": ("Tags",),
        "status": ("Status",),
        "product": ("Product", "custom_fields.cf_product", "cf_product", "product_id"),
        "page_url": ("Page URL", "custom_fields.cf_page_url", "cf_page_url"),
        "customer_id": ("requester_id", "Requester ID"),
        "requester_phone": ("Work phone", "Mobile phone", "requester.phone", "requester.mobile"),
        "updated_at": ("Last update time", "updated_at"),
    },
    signature=("Created time", "Due by Time", "Resolved time", "Closed time",
               "Last update time", "Initial response time", "Resolution status",
               "First response status", "Agent interactions", "Customer interactions",
               "First response time (in hrs)", "Resolution time (in hrs)", "Time tracked",
               "fr_due_by", "fr_escalated", "is_escalated", "description_text",
               "requester_id", "responder_id", "email_config_id", "nr_due_by", "Survey results"),
    converters={"channel": _code_lookup(_FRESHDESK_SOURCES),
                "status": _code_lookup(_FRESHDESK_STATUSES)},
    # The API's `description` is HTML (description_text is the plain twin).
    html_columns=("description",),
    description="Freshdesk CSV export or Tickets API JSON (integer source/status decoded)",
)


SALESFORCE = _profile(
    "salesforce",
    {
        "external_id": ("Case Number", "CaseNumber", "Case ID", "Id"),
        "received_at": ("Date/Time Opened", "CreatedDate", "Opened Date", "Date Opened",
                        "Created Date"),
        "subject": ("Subject",),
        "body": ("Description",),
        "requester_email": ("Contact Email", "Web Email", "SuppliedEmail", "ContactEmail",
                            "Contact.Email"),
        "requester_name": ("Contact Name", "Web Name", "SuppliedName", "Contact.Name"),
        "channel": ("Case Origin", "Origin"),
        "tags": ("Tags",),
        "status": ("Status",),
        "product": ("Product", "Product__c", "Product Family"),
        "page_url": ("Page URL", "Page_URL__c"),
        "defect_type": ("Defect Type", "Defect_Type__c"),
        "customer_id": ("ContactId", "Contact ID"),
        "requester_phone": ("Contact Phone", "SuppliedPhone", "Web Phone", "ContactPhone"),
        "updated_at": ("LastModifiedDate", "Last Modified Date"),
    },
    signature=("Case Number", "CaseNumber", "Date/Time Opened", "Date/Time Closed",
               "Case Origin", "Case Owner", "Case Reason", "Web Email", "Web Name",
               "SuppliedEmail", "SuppliedName", "Origin", "CreatedDate", "IsClosed",
               "IsEscalated", "attributes.type", "Account Name", "Contact Name"),
    description="Salesforce Cases report export or SOQL JSON",
)


INTERCOM = _profile(
    "intercom",
    {
        "external_id": ("id", "Conversation ID"),
        "received_at": ("created_at", "Conversation created at", "Created at"),
        "subject": ("source.subject", "title"),
        "body": ("source.body", "conversation_message.body", "First message"),
        "requester_email": ("source.author.email", "conversation_message.author.email",
                            "User email", "Contact email"),
        "requester_name": ("source.author.name", "conversation_message.author.name",
                           "User name", "Contact name"),
        "channel": ("source.type", "source.delivered_as", "Channel"),
        "tags": ("tags.tags", "tags", "Tags"),
        "status": ("state", "State"),
        "page_url": ("source.url", "conversation_message.url"),
        # The customer of the conversation, whoever wrote its first message.
        "customer_id": ("contacts.contacts", "user.id", "source.author.id", "User ID", "Contact ID"),
        "updated_at": ("updated_at", "Conversation updated at", "Updated at"),
    },
    signature=("source.body", "source.author.email", "source.author.type", "source.delivered_as",
               "source.type", "source.url", "tags.tags", "tags.type", "conversation_message.body",
               "Conversation ID", "Conversation created at", "waiting_since", "snoozed_until",
               "admin_assignee_id", "team_assignee_id", "statistics.time_to_admin_reply",
               "conversation_rating.rating"),
    html_columns=("source.body", "source.subject", "conversation_message.body", "First message"),
    # An admin's (or bot's) first message is the company's words, and its
    # author email is the admin's, never the customer's contact.
    skip=(SkipRule(("source.author.type", "conversation_message.author.type"),
                   frozenset({"admin", "bot", "team"}), "conversations started by the company (an admin or bot)"),
          SkipRule(("source.delivered_as",), frozenset({"admin_initiated", "automated", "campaigns_initiated"}),
                   "conversations started by the company (an admin or bot)")),
    description="Intercom conversations (API JSON; created_at in Unix seconds; HTML bodies)",
)


CFPB = _profile(
    "cfpb",
    {
        "external_id": ("Complaint ID", "complaint_id", "_source.complaint_id", "_id"),
        "received_at": ("Date received", "date_received", "_source.date_received"),
        # The consumer's own words. Issue and Sub-issue are menu labels.
        "body": ("Consumer complaint narrative", "complaint_what_happened",
                 "_source.complaint_what_happened"),
        "channel": ("Submitted via", "submitted_via", "_source.submitted_via"),
        "status": ("Company response to consumer", "company_response", "_source.company_response"),
        "product": ("Product", "product", "_source.product"),
    },
    signature=("Consumer complaint narrative", "Complaint ID", "Sub-issue", "Sub-product",
               "Company response to consumer", "Consumer consent provided?", "Consumer disputed?",
               "Timely response?", "Company public response", "Date sent to company",
               "complaint_what_happened", "complaint_id", "sub_issue", "sub_product", "company_response",
               "consumer_consent_provided", "date_sent_to_company", "has_narrative",
               "_source.complaint_what_happened", "_source.complaint_id", "_source.sub_issue",
               "_source.sub_product", "_source.company_response", "_source.consumer_consent_provided"),
    min_signature=3,
    # Narratives are published only with the consumer's consent: without one
    # the row holds menu labels, not a customer's text.
    no_text_reason="complaints without a consumer narrative (published only with consent)",
    tag_columns=("Issue", "Sub-issue", "issue", "sub_issue", "_source.issue", "_source.sub_issue"),
    one_customer_per_ticket=True,
    description="CFPB consumer complaint database: CSV export or search API JSON",
)


TWCS = _profile(
    "twcs",
    {
        "external_id": ("tweet_id", "id", "id_str"),
        "received_at": ("created_at",),
        "body": ("text", "full_text"),
        "customer_id": ("author_id", "user.id", "user_id"),
    },
    signature=("tweet_id", "author_id", "inbound", "response_tweet_id", "in_response_to_tweet_id"),
    skip=(SkipRule(("inbound",), _FALSE, "company replies (inbound is False)"),),
    defaults={"channel": "twitter"},
    description="Customer Support on Twitter (twcs): inbound tweets, author_id the customer",
)


REVIEWS = _profile(
    "reviews",
    {
        "external_id": ("reviewId", "review id", "id", "review_id", "id.label"),
        "received_at": ("at", "date", "updated", "review date", "Date", "im:updated", "updated.label"),
        "subject": ("title", "Title", "title.label"),
        "body": ("content", "review", "text", "Review", "body", "content.label"),
        "requester_name": ("userName", "user name", "author", "Author", "author.name.label"),
        "customer_id": ("userId", "user id", "author.uri.label"),
        "rating": ("score", "rating", "Rating", "stars", "im:rating.label", "im:rating"),
        "product": ("appId", "app id", "app", "App"),
    },
    signature=("reviewId", "userName", "userImage", "thumbsUpCount", "reviewCreatedVersion",
               "replyContent", "repliedAt", "appVersion", "isEdited", "developerResponse",
               "userUrl", "score", "rating", "im:rating.label", "im:version.label", "author.name.label"),
    not_kept={"userImage": "the reviewer's avatar URL (personal data, not needed)",
              "userUrl": "the reviewer's profile URL (personal data, not needed)",
              "author.uri.label": "the reviewer's profile URL (personal data, not needed)"},
    defaults={"channel": "app review"},
    max_rating=DEFAULT_MAX_RATING,
    description="app-store reviews: google-play-scraper CSV/JSON, App Store scrapers and RSS JSON",
)


HUBSPOT = _profile(
    "hubspot",
    {
        "external_id": ("Ticket ID", "id", "hs_object_id", "properties.hs_object_id"),
        "received_at": ("Create date", "properties.createdate", "createdAt", "createdate"),
        "subject": ("Ticket name", "properties.subject", "subject"),
        "body": ("Ticket description", "properties.content", "content"),
        "requester_email": ("Associated Contact email", "Contact email", "properties.hs_contact_email"),
        "requester_name": ("Associated Contact", "Contact name"),
        "channel": ("Source", "properties.source_type", "source_type"),
        "status": ("Ticket status", "properties.hs_pipeline_stage", "hs_pipeline_stage"),
        "product": ("properties.hs_ticket_category", "Category"),
        "customer_id": ("Associated Contact IDs", "Contact ID", "properties.hs_primary_contact_id"),
        "updated_at": ("Last modified date", "properties.hs_lastmodifieddate", "updatedAt",
                       "hs_lastmodifieddate"),
    },
    signature=("Ticket name", "Ticket description", "Ticket status", "Pipeline", "Ticket owner",
               "Create date", "Last modified date", "Last activity date", "properties.hs_pipeline",
               "properties.hs_pipeline_stage", "properties.hs_ticket_priority", "properties.content",
               "properties.createdate", "properties.hs_lastmodifieddate", "properties.subject",
               "hs_pipeline_stage", "hs_ticket_priority", "archived"),
    # The default support pipeline's stage ids, as the API returns them.
    converters={"status": _code_or_label({"1": "new", "2": "waiting on contact", "3": "waiting on us",
                                          "4": "closed"})},
    description="HubSpot tickets: CSV export or CRM API JSON (properties.*)",
)


SERVICENOW = _profile(
    "servicenow",
    {
        "external_id": ("number", "Number", "sys_id"),
        "received_at": ("opened_at", "Opened", "sys_created_on", "Created"),
        "subject": ("short_description", "Short description"),
        "body": ("description", "Description"),
        "requester_email": ("caller_id.email", "Caller email"),
        "requester_name": ("caller_id.display_value", "Caller", "caller_id"),
        "customer_id": ("caller_id.value", "caller_id.sys_id"),
        "channel": ("contact_type", "Channel", "Contact type"),
        "status": ("incident_state", "state", "State", "Incident state"),
        "product": ("cmdb_ci.display_value", "cmdb_ci", "Configuration item", "business_service",
                    "Service", "category", "Category"),
        "updated_at": ("sys_updated_on", "Updated"),
    },
    signature=("number", "short_description", "opened_at", "caller_id", "caller_id.value",
               "sys_id", "sys_updated_on", "sys_created_on", "incident_state", "contact_type",
               "assignment_group", "cmdb_ci", "Short description", "Opened", "Caller",
               "Assignment group", "Configuration item"),
    # Incident state codes of the API (the CSV export writes their names).
    converters={"status": _code_or_label({"1": "new", "2": "in progress", "3": "on hold", "6": "resolved",
                                          "7": "closed", "8": "canceled"})},
    description="ServiceNow incidents: list CSV export or Table API JSON",
)


HELPSCOUT = _profile(
    "helpscout",
    {
        "external_id": ("id", "Conversation ID", "number", "Conversation Number"),
        "received_at": ("createdAt", "Created At", "Date Created", "Created"),
        "subject": ("subject", "Subject"),
        # The full first message when threads were embedded, else Help Scout's preview of it.
        "body": ("_embedded.threads", "preview", "Preview", "Message"),
        "requester_email": ("primaryCustomer.email", "Customer Email", "customer.email"),
        "requester_name": ("primaryCustomer.first", "Customer Name", "Customer"),
        "customer_id": ("primaryCustomer.id", "Customer ID", "customer.id"),
        "channel": ("source.type", "type", "Type"),
        "tags": ("tags", "Tags"),
        "status": ("status", "Status"),
        "product": ("mailboxId", "Mailbox"),
        "updated_at": ("userUpdatedAt", "Last Updated", "Updated At"),
    },
    signature=("primaryCustomer.id", "primaryCustomer.email", "mailboxId", "preview", "userUpdatedAt",
               "closedBy", "createdBy.type", "source.via", "_embedded.threads", "customerWaitingSince.time",
               "Customer Email", "Mailbox", "Waiting Since", "Conversation Number"),
    converters={"body": _helpscout_body, "product": _text},
    skip=(SkipRule(("createdBy.type", "source.via"), frozenset({"user"}),
                   "conversations started by the company (an agent)"),
          SkipRule(("status", "Status"), frozenset({"spam"}), "spam conversations")),
    description="Help Scout conversations: Mailbox API JSON (threads embedded or not) or CSV export",
)


GENERIC = _profile(
    "generic",
    {
        "external_id": ("id", "ticket", "ticket id", "ticket number", "ticket no", "reference",
                        "ref", "reference number", "case", "case id", "case number",
                        "complaint id", "complaint number", "number", "no", "tweet id", "review id",
                        "issue id", "issue key",
                        "message id", "conversation id"),
        "received_at": ("received at", "received", "date received", "received date",
                        "created at", "created", "created date", "creation date", "date",
                        "timestamp", "time", "datetime", "submitted at", "submitted",
                        "reported at", "reported", "opened", "complaint date", "at", "posted at",
                        "sent at", "opened at"),
        "subject": ("subject", "title", "summary", "topic", "headline"),
        "body": ("body", "text", "message", "description", "comment", "comments",
                 "complaint", "complaint text", "details", "feedback", "content", "issue",
                 "problem", "note", "notes", "review", "narrative"),
        "requester_email": ("email", "e-mail", "email address", "customer email",
                            "requester email", "contact email", "from"),
        "requester_name": ("name", "customer", "customer name", "requester", "requester name",
                           "full name", "contact name", "reporter", "user name", "username", "author"),
        "channel": ("channel", "source", "via", "origin", "medium"),
        "tags": ("tags", "labels", "tag", "label", "keywords"),
        "status": ("status", "state"),
        "product": ("product", "product name", "item"),
        "page_url": ("page url", "url", "page", "link", "page link", "web page"),
        "defect_type": ("defect type", "defect category", "type of defect", "defect"),
        "customer_id": ("customer id", "user id", "author id", "requester id", "client id", "account id",
                        "customer number", "contact id", "member id", "user", "user_id", "author_id"),
        "requester_phone": ("phone", "phone number", "telephone", "mobile", "customer phone"),
        "rating": ("rating", "score", "stars", "star rating"),
    },
    min_signature=0,
    # Social-listening and sentiment-coded exports (the airline tweets, Sprout, Brandwatch) mark
    # praise as positive: like a 5-star review, not a complaint. Counted in the summary.
    skip=(SkipRule(("sentiment", "airline sentiment", "overall sentiment", "sentiment label"), frozenset({"positive"}),
                   "messages of positive sentiment (praise)"),),
    description="any table with recognisable column names (date, subject/body, ...)",
)


PROFILES: Mapping[str, Profile] = MappingProxyType(
    {p.name: p for p in (ZENDESK, JIRA, FRESHDESK, SALESFORCE, INTERCOM, CFPB, TWCS, REVIEWS, HUBSPOT,
                         SERVICENOW, HELPSCOUT, GENERIC)})
