"""The discussion of recommendations, actions and updates: who sees it, threads, mentions, edits, export."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consultation.discussion import CommentRefused, comment_add, comment_edit
from consultation.models import Comment, Mention
from consultation.queries import discussion_readers
from followup.models import Notification
from recommendations.models import Entity, FocalPoint, Mechanism, Recommendation
from tenants.models import Role
from tenants.scoping import state_context
from tenants.services import membership_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"


def url(name, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": "alpha", **kwargs})


def sign_in(client, user):
    client.force_login(user, backend=BACKEND)


@pytest.fixture
def other(planted):
    """A recommendation of another entity of Alphaland, with a comment of the secretariat on it."""
    a = planted.a
    with state_context(a.state):
        health = Entity.objects.create(state=a.state, name="Ministry of Health")
        recommendation = Recommendation.objects.create(
            state=a.state,
            mechanism=Mechanism.objects.get(code="CRC"),
            symbol="CRC/C/ALP/CO/5",
            paragraph="12",
            text="Improve maternal health care",
            published=True,
            lead_entity=health,
        )
        comment = Comment.objects.create(
            state=a.state, recommendation=recommendation, author=a.people["secretariat"], text="HEALTH-ONLY discussion"
        )
    return recommendation, comment


def test_a_focal_point_sees_the_discussion_of_its_entities_recommendations_only(client, planted, other):
    a = planted.a
    recommendation, _comment = other
    sign_in(client, a.people["focal_point"])
    own = client.get(url("recommendation-detail", pk=a.published.pk)).content.decode()
    assert "Ask the ministry where the bill stands" in own and "It is with the cabinet" in own
    assert 'id="discussion"' in own
    page = client.get(url("recommendation-detail", pk=recommendation.pk))
    assert page.status_code == 200  # the recommendation itself is for every member
    assert "HEALTH-ONLY" not in page.content.decode() and 'id="discussion"' not in page.content.decode()
    # Nor by the back doors: posting, exporting.
    assert client.post(url("recommendation-comment-create", pk=recommendation.pk), {"text": "hi"}).status_code == 403
    assert client.get(url("recommendation-discussion-export", pk=recommendation.pk)).status_code == 403
    # Observers read every discussion, and may not write.
    sign_in(client, a.people["observer"])
    assert "HEALTH-ONLY discussion" in client.get(url("recommendation-detail", pk=recommendation.pk)).content.decode()
    assert client.post(url("recommendation-comment-create", pk=recommendation.pk), {"text": "hi"}).status_code == 403
    # The secretariat reads and writes everywhere.
    sign_in(client, a.people["secretariat"])
    response = client.post(url("recommendation-comment-create", pk=recommendation.pk), {"text": "Any news?"})
    with state_context(a.state):
        comment = Comment.objects.get(text="Any news?")
    assert response["Location"] == url("recommendation-detail", pk=recommendation.pk) + f"#comment-{comment.pk}"


def test_the_discussion_of_an_update_follows_who_may_read_the_update(client, planted):
    a = planted.a
    with state_context(a.state):
        Comment.objects.create(
            state=a.state, update=a.draft_update, author=a.people["focal_point"], text="DRAFT-TALK only for us"
        )
    sign_in(client, a.people["focal_point"])
    assert "DRAFT-TALK" in client.get(url("update-detail", pk=a.draft_update.pk)).content.decode()
    sign_in(client, a.people["observer"])
    # The draft is not there for an observer, nor its discussion.
    assert client.get(url("update-detail", pk=a.draft_update.pk)).status_code == 404
    assert client.post(url("update-comment-create", pk=a.draft_update.pk), {"text": "x"}).status_code == 404
    page = client.get(url("update-detail", pk=a.progress_update.pk)).content.decode()
    assert "Minutes attached to the draft" in page  # the validated update's discussion: read
    assert 'name="text"' not in page  # but no form
    with state_context(a.state):
        readers = set(discussion_readers(a.draft_update, a.state).values_list("email", flat=True))
    assert readers == {
        a.people["admin"].email,
        a.people["secretariat"].email,
        a.people["focal_point"].email,
    }


@pytest.mark.parametrize("subject", ["published", "action", "progress_update", "draft_update"])
def test_the_readers_query_and_the_permission_agree(planted, subject):
    """discussion_readers (who may be mentioned) is the queryset form of consultation.view_discussion."""
    a = planted.a
    obj = getattr(a, subject)
    with state_context(a.state):
        readers = set(discussion_readers(obj, a.state))
        for user in [*a.people.values(), planted.b.people["admin"], planted.outsider]:
            assert (user in readers) == user.has_perm("consultation.view_discussion", obj), (subject, user)


def test_mentions_notify_once_in_the_app_and_by_e_mail_in_their_language(
    client, planted, django_capture_on_commit_callbacks
):
    a = planted.a
    focal = a.people["focal_point"]
    focal.language = "fr"
    focal.save()
    sign_in(client, a.people["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("recommendation-comment-create", pk=a.published.pk),
            {"text": "Can you check the figures?", "mentioned": [focal.pk, a.people["admin"].pk]},
        )
    assert response.status_code == 302
    with state_context(a.state):
        comment = Comment.objects.get(text="Can you check the figures?")
        told = list(Notification.objects.filter(kind=Notification.Kind.MENTIONED).values_list("user__email", "params"))
    assert sorted(email for email, _params in told) == sorted([focal.email, a.people["admin"].email])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([focal.email, a.people["admin"].email])
    french = next(m for m in mail.outbox if m.to == [focal.email])
    assert "vous a mentionné" in french.body and "Can you check the figures?" in french.body
    assert f"/alpha/workspace/recommendations/{a.published.pk}/#comment-{comment.pk}" in french.body
    # Changed, with the same people and one more: only the new one is told.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("comment-edit", pk=comment.pk),
            {"text": "Can you check the 2025 figures?", "mentioned": [focal.pk, a.people["observer"].pk]},
        )
    assert [m.to for m in mail.outbox] == [[a.people["observer"].email]]
    with state_context(a.state):
        assert Notification.objects.filter(kind=Notification.Kind.MENTIONED, user=focal).count() == 1
        assert Mention.objects.filter(comment=comment).count() == 3
    # In the app, in the language the reader reads the site in.
    sign_in(client, focal)
    page = client.get(url("notification-list"), headers={"Accept-Language": "fr"}).content.decode()
    assert "vous a mentionné(e) dans un commentaire" in page


def test_someone_who_may_not_read_the_discussion_cannot_be_mentioned(planted, other):
    a = planted.a
    recommendation, _comment = other
    with state_context(a.state):
        with pytest.raises(CommentRefused, match="cannot read this discussion"):
            comment_add(
                state=a.state,
                author=a.people["secretariat"],
                subject=recommendation,
                text="Health only",
                mentioned=[a.people["focal_point"]],
            )
        assert not Comment.objects.filter(text="Health only").exists()


def test_threads_are_one_level_deep_and_replies_join_their_thread(client, planted):
    a = planted.a
    with state_context(a.state):
        root = a.comment
        reply = Comment.objects.get(parent=root)
    sign_in(client, a.people["secretariat"])
    client.post(
        url("recommendation-comment-create", pk=a.published.pk), {"text": "Answer to the answer", "parent": reply.pk}
    )
    with state_context(a.state):
        answer = Comment.objects.get(text="Answer to the answer")
        assert answer.parent_id == root.pk
    # A comment of another object is no thread of this one.
    with state_context(a.state):
        on_action = Comment.objects.get(action=a.action)
    response = client.post(
        url("recommendation-comment-create", pk=a.published.pk), {"text": "Misplaced", "parent": on_action.pk}
    )
    assert response.status_code == 200
    assert "The comment you answer is not in this discussion." in response.content.decode()
    page = client.get(url("recommendation-detail", pk=a.published.pk)).content.decode()
    # The reply sits after its thread's first comment, before the next thread.
    assert page.index("Ask the ministry") < page.index("It is with the cabinet") < page.index("Answer to the answer")


def test_an_author_changes_a_comment_for_a_while_and_the_history_keeps_the_earlier_text(client, planted, settings):
    a = planted.a
    sign_in(client, a.people["focal_point"])
    client.post(url("recommendation-comment-create", pk=a.published.pk), {"text": "First words"})
    with state_context(a.state):
        comment = Comment.objects.get(text="First words")
    assert client.get(url("comment-edit", pk=comment.pk)).status_code == 200
    response = client.post(url("comment-edit", pk=comment.pk), {"text": "Better words"})
    assert response.status_code == 302
    page = client.get(url("recommendation-detail", pk=a.published.pk)).content.decode()
    assert "Better words" in page and "1 earlier version" in page and "First words" in page
    # Someone else may not change it.
    sign_in(client, a.people["secretariat"])
    assert client.get(url("comment-edit", pk=comment.pk)).status_code == 403
    # After the window, the author may not either.
    with state_context(a.state):
        Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=16))
        comment.refresh_from_db()
        with pytest.raises(CommentRefused, match="15 minutes"):
            comment_edit(state=a.state, comment=comment, user=a.people["focal_point"], text="Too late")
    sign_in(client, a.people["focal_point"])
    response = client.post(url("comment-edit", pk=comment.pk), {"text": "Too late"}, follow=True)
    assert "This comment can no longer be changed." in response.content.decode()
    with state_context(a.state):
        comment.refresh_from_db()
    assert comment.text == "Better words"


def test_the_discussion_is_exported_with_the_recommendation(client, planted):
    a = planted.a
    sign_in(client, a.people["observer"])
    response = client.get(url("recommendation-discussion-export", pk=a.published.pk), {"format": "csv"})
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="alpha-recommendation-{a.published.pk}-discussion-'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["On", "Comment", "In reply to", "Written by", "Written", "Last changed", "Text"]
    assert rows[1][0] == f"Recommendation {a.published}" and rows[1][-1] == a.published.text
    on_and_text = [(row[0], row[3], row[6]) for row in rows[2:]]
    assert on_and_text == [
        (f"Recommendation {a.published}", "secretariat of Alphaland", "Ask the ministry where the bill stands"),
        (f"Recommendation {a.published}", "focal_point of Alphaland", "It is with the cabinet"),
        (f"Action “{a.action.title}”", "admin of Alphaland", "Budget approved?"),
        (
            f"Progress update of {a.entity} (Validated)",
            "focal_point of Alphaland",
            "Minutes attached to the draft",
        ),
    ]
    assert rows[3][2] == rows[2][1]  # the reply names the comment it answers
    xlsx = client.get(url("recommendation-discussion-export", pk=a.published.pk))
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_an_observer_never_reads_the_discussion_of_a_draft_in_the_export(client, planted):
    a = planted.a
    with state_context(a.state):
        Comment.objects.create(state=a.state, update=a.draft_update, author=a.people["focal_point"], text="DRAFT-TALK")
    sign_in(client, a.people["observer"])
    content = client.get(url("recommendation-discussion-export", pk=a.published.pk), {"format": "csv"}).content
    assert b"DRAFT-TALK" not in content
    sign_in(client, a.people["focal_point"])
    content = client.get(url("recommendation-discussion-export", pk=a.published.pk), {"format": "csv"}).content
    assert b"DRAFT-TALK" in content


def test_a_focal_point_of_a_supporting_entity_takes_part(client, planted, other):
    a = planted.a
    recommendation, _comment = other
    with state_context(a.state):
        Recommendation.objects.filter(pk=recommendation.pk).update(supporting_entity_ids=[a.entity.pk])
        recommendation.refresh_from_db()
    sign_in(client, a.people["focal_point"])
    assert "HEALTH-ONLY discussion" in client.get(url("recommendation-detail", pk=recommendation.pk)).content.decode()
    # And a new focal point of the other entity joins it by being bound to it.
    person = UserFactory(email="health-fp@alpha.example.org", name="Health focal point")
    membership = membership_set(state=a.state, user=person, role=Role.FOCAL_POINT)
    with state_context(a.state):
        FocalPoint.objects.create(state=a.state, membership=membership, entity=recommendation.lead_entity)
        assert person in set(discussion_readers(recommendation, a.state))
        assert person not in set(discussion_readers(a.published, a.state))
