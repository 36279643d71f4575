"""`ingest_email --imap` and the beat task read a mailbox over IMAP and mark what they took."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from complaints.models import Case
from mail.sources import SourceUnreadable, imap_target
from mail.tasks import poll_imap
from tests.imap_server import ImapServer, Mailbox

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "email"


@pytest.fixture
def box() -> Mailbox:
    box = Mailbox()
    for name in ("plain.eml", "shift_jis.eml", "out_of_office.eml"):
        box.add((FIXTURES / name).read_bytes())
    return box


def run(url: str) -> list[str]:
    out = StringIO()
    call_command("ingest_email", "--imap", url, stdout=out, stderr=StringIO())
    return out.getvalue().splitlines()


@pytest.mark.django_db
def test_imap_messages_are_filed_and_marked_seen(box):
    with ImapServer(box) as port:
        lines = run(f"imap://care:secret@127.0.0.1:{port}/INBOX")
        assert [line.split()[0] for line in lines] == ["created", "created", "ignored:"]
        assert box.seen == {1, 2, 3}
        case = Case.objects.get(reference=lines[0].split()[1])
        stored = case.inbound_emails.get()
        assert bytes(stored.raw) == (FIXTURES / "plain.eml").read_bytes()  # as fetched
        assert stored.source == "imap:INBOX/1"
        box.add((FIXTURES / "iso8859.eml").read_bytes())
        assert [
            line.split()[0]
            for line in run(f"imap://care:secret@127.0.0.1:{port}/INBOX")
        ] == ["created"]
    assert not any("BODY[]" in c and "PEEK" not in c for c in box.commands)


@pytest.mark.django_db
def test_a_wrong_password_is_an_unreadable_source(box):
    with ImapServer(box) as port, pytest.raises(CommandError, match="could not read"):
        run(f"imap://care:wrong@127.0.0.1:{port}/INBOX")
    assert box.seen == set()


@pytest.mark.django_db
def test_beat_polls_the_configured_mailbox(box, settings):
    with ImapServer(box) as port:
        settings.INBOUND_IMAP_URL = f"imap://care:secret@127.0.0.1:{port}/INBOX"
        assert poll_imap() == {"created": 2, "ignored": 1}
        assert poll_imap() == {}


def test_imap_urls_are_read_with_their_parts():
    target = imap_target("imaps://care%40shop:p%2Fw@mail.example.com/Complaints")
    assert (target.user, target.password, target.host, target.port, target.folder) == (
        "care@shop",
        "p/w",
        "mail.example.com",
        993,
        "Complaints",
    )
    with pytest.raises(SourceUnreadable):
        imap_target("http://x/")


def test_the_beat_schedule_polls_only_when_configured():
    from django.conf import settings

    assert ("poll-imap" in settings.CELERY_BEAT_SCHEDULE) == bool(
        settings.INBOUND_IMAP_URL
    )
