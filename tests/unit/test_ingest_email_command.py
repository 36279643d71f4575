"""`manage.py ingest_email`: Maildir, mbox and single files, one line per message."""

import mailbox
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from complaints.models import Case
from mail.models import InboundEmail

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "email"
SHAPES = [
    "plain.eml",
    "forwarded.eml",
    "shift_jis.eml",
    "out_of_office.eml",
    "bounce.eml",
    "malformed_headers.eml",
    "same_id_a.eml",
    "same_id_b.eml",
]


def run(*args) -> tuple[list[str], str]:
    out, err = StringIO(), StringIO()
    call_command("ingest_email", *args, stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue()


def make_maildir(path: Path, names: list[str]) -> Path:
    box = mailbox.Maildir(path, create=True)
    for name in names:
        box.add((FIXTURES / name).read_bytes())
    return path


@pytest.fixture(autouse=True)
def _addresses(settings):
    settings.REPLY_TO_ADDRESS = "care@example.com"
    settings.DEFAULT_FROM_EMAIL = "Redress <care@example.com>"


@pytest.mark.django_db
def test_a_maildir_twice_files_once_then_reports_duplicates(tmp_path):
    maildir = make_maildir(tmp_path / "box", SHAPES)
    first, _ = run(str(maildir))
    assert len(first) == len(SHAPES)
    created = [line for line in first if line.startswith("created C-")]
    assert len(created) == 4  # plain, forwarded, shift_jis, one of the twins
    assert sorted(line for line in first if not line.startswith("created")) == [
        "duplicate",
        "ignored: auto-reply (Auto-Submitted: auto-replied)",
        "ignored: bounce (delivery report)",
        "refused: no sender address",
    ]
    again, _ = run(str(maildir))
    assert again == ["duplicate"] * len(SHAPES)
    assert Case.objects.count() == 4
    assert InboundEmail.objects.count() == len(SHAPES) - 1


@pytest.mark.django_db
def test_an_mbox_and_a_single_file_are_read(tmp_path):
    mbox_path = tmp_path / "mail.mbox"
    box = mailbox.mbox(mbox_path)
    for name in ("plain.eml", "iso8859.eml"):
        box.add((FIXTURES / name).read_bytes())
    raw = b"From: z@example.org\r\nMessage-ID: <fromline@x>\r\n\r\nline one\r\nFrom here on\r\n"
    box.add(raw)
    box.flush()
    box.close()
    lines, _ = run(str(mbox_path), str(FIXTURES / "alternative.eml"))
    assert [line.split()[0] for line in lines] == ["created"] * 4
    body = Case.objects.get(subject="(no subject)").description
    assert body == "line one\nFrom here on"  # mbox's >From unescaped


@pytest.mark.django_db
def test_an_unreadable_source_exits_non_zero_after_reading_the_others(tmp_path):
    with pytest.raises(CommandError, match="could not read"):
        run(str(tmp_path / "missing"), str(FIXTURES / "plain.eml"))
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_an_unreadable_message_file_is_refused_and_the_run_goes_on(tmp_path):
    maildir = make_maildir(tmp_path / "box", ["plain.eml"])
    bad = maildir / "new" / "unreadable"
    bad.mkdir()  # a directory where a file should be is skipped, not fatal
    (maildir / "new" / "broken").write_bytes(b"\x00\xff garbage")
    lines, _ = run(str(maildir))
    assert sorted(line.split()[0] for line in lines) == ["created", "refused:"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_file_each_case_once(tmp_path):
    names = [f"c{i}.eml" for i in range(30)]
    maildir = tmp_path / "box"
    box = mailbox.Maildir(maildir, create=True)
    for i, _ in enumerate(names):
        box.add(
            f"From: p{i}@example.org\r\nMessage-ID: <race-{i}@x>\r\n\r\ncomplaint {i}".encode()
        )
    outputs: list[list[str]] = [[], []]
    barrier = threading.Barrier(2)

    def worker(slot: int) -> None:
        try:
            barrier.wait()
            outputs[slot], _ = run(str(maildir))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = outputs[0] + outputs[1]
    assert sum(line.startswith("created") for line in lines) == 30
    assert lines.count("duplicate") == 30
    assert Case.objects.count() == 30
    assert InboundEmail.objects.count() == 30
