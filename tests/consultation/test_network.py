"""Messages to the network: sending to entities (one job for everyone), replies in the thread,
who reads what, attachments checked like evidence."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultation.models import Attachment, Message, MessagePost, MessageRecipient
from consultation.network import MessageRefused, message_send
from followup.models import Notification
from recommendations.models import Entity, FocalPoint, Mechanism, Recommendation
from tenants.models import Role
from tenants.scoping import state_context
from tenants.services import membership_set
from tests.factories import PLANTED_PDF, UserFactory

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"


def url(name, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": "alpha", **kwargs})


def sign_in(client, user):
    client.force_login(user, backend=BACKEND)


def docx_with_macros() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


@pytest.fixture
def network(planted):
    """Two more entities of Alphaland: Health (two focal points, one reading French) leads a
    recommendation of a cluster; Finance (one focal point) is written to by name."""
    a = planted.a
    people = {}
    with state_context(a.state):
        health = Entity.objects.create(state=a.state, name="Ministry of Health")
        finance = Entity.objects.create(state=a.state, name="Ministry of Finance")
        for email, entity, language in (
            ("health-1@alpha.example.org", health, "fr"),
            ("health-2@alpha.example.org", health, ""),
            ("finance@alpha.example.org", finance, ""),
        ):
            user = UserFactory(email=email, name=email.split("@")[0], language=language)
            membership = membership_set(state=a.state, user=user, role=Role.FOCAL_POINT)
            FocalPoint.objects.create(state=a.state, membership=membership, entity=entity)
            people[email] = user
        health_rec = Recommendation.objects.create(
            state=a.state,
            mechanism=Mechanism.objects.get(code="CRC"),
            symbol="CRC/C/ALP/CO/5",
            paragraph="30",
            text="Reduce maternal mortality",
            lead_entity=health,
            cluster_ids=[a.cluster.pk],
        )
    return {"health": health, "finance": finance, "people": people, "health_rec": health_rec}


def test_the_secretariat_writes_to_the_entities_of_a_cluster_and_one_more_in_one_job(
    client, planted, network, django_capture_on_commit_callbacks
):
    a = planted.a
    sign_in(client, a.people["secretariat"])
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            url("message-create"),
            {
                "subject": "Mid-term report: your figures",
                "text": "Please send the 2025 figures by March.",
                "entities": [network["finance"].pk],
                "cluster": a.cluster.pk,
                "attachments": [SimpleUploadedFile("Template.PDF", PLANTED_PDF)],
            },
        )
    assert response.status_code == 302
    # One job for everyone, whatever the number of people.
    assert len(queued) == 1
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()
    with state_context(a.state):
        message = Message.objects.get(subject="Mid-term report: your figures")
        # The cluster's recommendations are the published one (led by Justice) and Health's.
        assert sorted(message.entity_ids) == sorted([a.entity.pk, network["health"].pk, network["finance"].pk])
        assert sorted(message.recommendation_ids) == sorted([a.published.pk, network["health_rec"].pk])
        post = message.posts.get()
        recipients = sorted(MessageRecipient.objects.filter(post=post).values_list("email", flat=True))
        assert post.delivered_at is not None
        attachment = Attachment.objects.get(post=post)
    expected = sorted([a.people["focal_point"].email, *network["people"]])
    assert recipients == expected
    assert sorted(m.to[0] for m in mail.outbox) == expected
    french = next(m for m in mail.outbox if m.to == ["health-1@alpha.example.org"])
    assert french.subject == "[Alphaland] Mid-term report: your figures"
    assert "a envoyé un message au réseau" in french.body
    assert "Please send the 2025 figures by March." in french.body and "📎 Template.pdf" in french.body
    assert (attachment.name, attachment.content_type) == ("Template.pdf", "application/pdf")
    assert response["Location"] == url("message-detail", pk=message.pk)
    # Delivered once: the job run again tells nobody again.
    from consultation.network import post_deliver

    with state_context(a.state):
        assert post_deliver(state=a.state, post_id=post.pk) == 0
        assert Notification.objects.filter(kind=Notification.Kind.MESSAGE).count() == len(expected)


def test_replies_come_back_into_the_thread_and_stay_within_their_entity(
    client, planted, network, django_capture_on_commit_callbacks
):
    a = planted.a
    with state_context(a.state), django_capture_on_commit_callbacks(execute=True):
        message = message_send(
            state=a.state,
            author=a.people["secretariat"],
            subject="Budget lines",
            text="Which budget lines fund the plan?",
            entities=[network["health"], network["finance"]],
        )
    mail.outbox.clear()
    health_1, finance = network["people"]["health-1@alpha.example.org"], network["people"]["finance@alpha.example.org"]
    sign_in(client, health_1)
    assert "Which budget lines" in client.get(url("message-detail", pk=message.pk)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("message-reply", pk=message.pk), {"text": "HEALTH-REPLY: line 4.2", "entity": network["health"].pk}
        )
    assert response.status_code == 302
    # To the secretariat who wrote, and Health's other focal point; not to Finance.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["health-2@alpha.example.org", a.people["secretariat"].email])
    assert all("replied to “Budget lines”" in m.body or "a répondu" in m.body for m in mail.outbox)
    sign_in(client, finance)
    page = client.get(url("message-detail", pk=message.pk)).content.decode()
    assert "Which budget lines" in page and "HEALTH-REPLY" not in page
    # Finance may not answer for Health.
    response = client.post(url("message-reply", pk=message.pk), {"text": "As Health", "entity": network["health"].pk})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    sign_in(client, a.people["secretariat"])
    page = client.get(url("message-detail", pk=message.pk)).content.decode()
    assert "HEALTH-REPLY" in page and "only with Ministry of Health" in page
    # The secretariat answers Health only.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("message-reply", pk=message.pk), {"text": "Thanks, noted", "entity": network["health"].pk})
    assert sorted(m.to[0] for m in mail.outbox) == ["health-1@alpha.example.org", "health-2@alpha.example.org"]
    # A focal point of an entity not written to never sees the thread; an observer neither.
    sign_in(client, a.people["focal_point"])
    assert client.get(url("message-detail", pk=message.pk)).status_code == 404
    assert message.subject not in client.get(url("message-list")).content.decode()
    sign_in(client, a.people["observer"])
    assert client.get(url("message-list")).status_code == 403


def test_attachments_are_checked_like_evidence_and_read_only_by_the_thread(client, planted, network):
    a = planted.a
    sign_in(client, a.people["secretariat"])
    response = client.post(
        url("message-create"),
        {
            "subject": "Macro",
            "text": "See the file",
            "entities": [network["finance"].pk],
            "attachments": [SimpleUploadedFile("plan.docx", docx_with_macros())],
        },
    )
    assert response.status_code == 200
    assert "“plan.docx” contains macros, which are not accepted." in response.content.decode()
    with state_context(a.state):
        assert not Message.objects.filter(subject="Macro").exists()
    # The planted PDF: the focal point written to downloads it; another entity's gets 404.
    sign_in(client, a.people["focal_point"])
    download = client.get(url("attachment-download", pk=a.attachment.pk))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PLANTED_PDF
    sign_in(client, network["people"]["finance@alpha.example.org"])
    assert client.get(url("attachment-download", pk=a.attachment.pk)).status_code == 404


def test_a_message_nobody_would_receive_is_refused(planted):
    a = planted.a
    with state_context(a.state):
        lonely = Entity.objects.create(state=a.state, name="Ministry without focal point")
        with pytest.raises(MessageRefused, match="has a focal point yet"):
            message_send(state=a.state, author=a.people["secretariat"], subject="Hello", text="Hi", entities=[lonely])
        # Another State's entity is not one of these entities.
        with pytest.raises(MessageRefused, match="Choose the entities"):
            message_send(
                state=a.state, author=a.people["secretariat"], subject="Hello", text="Hi", entities=[planted.b.entity]
            )
        assert not MessagePost.objects.filter(text="Hi").exists()


def test_writing_to_the_entities_of_the_lists_filters(client, planted, network, django_capture_on_commit_callbacks):
    a = planted.a
    sign_in(client, a.people["secretariat"])
    address = f"http://testserver/alpha/workspace/recommendations/?mechanism=CRC&entity={network['health'].pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("message-create"), {"subject": "CRC", "text": "About the CRC", "filters": address})
    assert response.status_code == 302
    with state_context(a.state):
        message = Message.objects.get(subject="CRC")
    assert message.entity_ids == [network["health"].pk]
    assert sorted(m.to[0] for m in mail.outbox) == ["health-1@alpha.example.org", "health-2@alpha.example.org"]
    response = client.post(url("message-create"), {"subject": "Bad", "text": "x", "filters": "?year=notayear"})
    assert "These filters are not valid" in response.content.decode()
