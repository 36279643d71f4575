"""attachment_add: limits while streaming, type from content, storage, timeline."""

import hashlib
import io

import pytest

from attachments.exceptions import (
    AttachmentRefused,
    AttachmentTooLarge,
    AttachmentTypeRefused,
)
from attachments.models import Attachment, ScanStatus, Source
from attachments.services import attachment_add, attachments_add, clean_filename
from attachments.storage import attachment_storage
from complaints.actors import Actor
from complaints.models import Event, EventKind

from .samples import EML, EXE, HTML, PDF, jpeg_bytes, png_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("attachment_dir")]


class CountingStream(io.RawIOBase):
    """An endless stream of bytes with no size, counting what was read."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = 64 * 1024 if n is None or n < 0 else n
        self.read_bytes += n
        return b"a" * n


def test_a_file_over_the_limit_is_refused_without_reading_it_all(make_case, settings):
    settings.ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    case = make_case()
    stream = CountingStream()
    with pytest.raises(AttachmentTooLarge):
        attachment_add(
            case=case, file=stream, source=Source.API, by=Actor.system("test")
        )
    # It stopped within one chunk of the limit instead of reading 15 MB or more.
    assert stream.read_bytes <= settings.ATTACHMENT_MAX_BYTES + 64 * 1024
    assert not Attachment.objects.exists()


def test_a_15_mb_upload_is_refused_from_its_size(make_case, attachment_dir):
    case = make_case()
    big = upload("big.pdf", PDF + b"0" * (15 * 1024 * 1024))
    with pytest.raises(AttachmentTooLarge) as refused:
        attachment_add(case=case, file=big, source=Source.API, by=Actor.system("test"))
    assert "10 MB" in refused.value.detail
    assert not Attachment.objects.exists()
    assert not attachment_dir.exists() or not any(attachment_dir.rglob("*.*"))


def test_a_jpg_that_is_html_is_refused(make_case):
    case = make_case()
    with pytest.raises(AttachmentTypeRefused) as refused:
        attachment_add(
            case=case,
            file=upload("photo.jpg", HTML, "image/jpeg"),
            source=Source.API,
            by=Actor.system("test"),
        )
    assert refused.value.detected == "text/html"


def test_a_jpg_that_is_a_windows_program_is_refused(make_case):
    case = make_case()
    with pytest.raises(AttachmentTypeRefused) as refused:
        attachment_add(
            case=case,
            file=upload("photo.jpg", EXE, "image/jpeg"),
            source=Source.API,
            by=Actor.system("test"),
        )
    assert refused.value.detected == "application/x-msdownload"


def test_a_png_named_pdf_is_stored_as_the_png_it_is(make_case):
    case = make_case()
    attachment = attachment_add(
        case=case,
        file=upload("invoice.pdf", png_bytes(), "application/pdf"),
        source=Source.API,
        by=Actor.system("test"),
    )
    assert attachment.content_type == "image/png"
    assert attachment.filename == "invoice.pdf"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF, "application/pdf"),
        (b"The parcel came on Tuesday, broken.\n", "text/plain"),
        (EML, "message/rfc822"),
    ],
)
def test_allowed_types_are_judged_from_content(make_case, data, expected):
    attachment = attachment_add(
        case=make_case(),
        file=upload("x.bin", data),
        source=Source.API,
        by=Actor.system("test"),
    )
    assert attachment.content_type == expected


def test_an_image_is_stored_privately_under_a_random_name_with_a_thumbnail(
    make_case, agent, attachment_dir
):
    case = make_case()
    data = jpeg_bytes()
    attachment = attachment_add(
        case=case,
        file=upload("../../etc/photo.jpg", data),
        source="case_page",
        by=agent,
    )
    attachment.refresh_from_db()
    assert attachment.filename == "photo.jpg"
    assert attachment.size == len(data)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert "photo" not in attachment.storage_name
    assert attachment.uploaded_by == agent
    assert attachment.scan_status == ScanStatus.NOT_SCANNED
    storage = attachment_storage()
    with storage.open(attachment.storage_name) as stored:
        assert stored.read() == data
    assert attachment.thumbnail_name
    with storage.open(attachment.thumbnail_name) as thumb:
        from PIL import Image

        image = Image.open(thumb)
        assert image.format == "PNG"
        assert max(image.size) <= 240
    assert (attachment_dir / attachment.storage_name).exists()


def test_a_pdf_gets_no_thumbnail(make_case):
    attachment = attachment_add(
        case=make_case(),
        file=upload("a.pdf", PDF),
        source=Source.API,
        by=Actor.system("test"),
    )
    assert attachment.thumbnail_name == ""


def test_adding_records_an_event_on_the_timeline(make_case, agent):
    case = make_case()
    attachment = attachment_add(
        case=case, file=upload("a.pdf", PDF), source=Source.CASE_PAGE, by=agent
    )
    event = Event.objects.filter(case=case, kind=EventKind.ATTACHMENT_ADDED).get()
    assert event.actor == agent
    assert event.data["attachment"] == attachment.pk
    assert event.data["filename"] == "a.pdf"
    assert event.data["content_type"] == "application/pdf"


def test_the_status_page_cannot_add_to_a_closed_case(make_case):
    case = make_case("closed")
    with pytest.raises(AttachmentRefused):
        attachment_add(
            case=case,
            file=upload("a.pdf", PDF),
            source=Source.STATUS_PAGE,
            by=Actor.customer(),
        )


def test_several_files_are_added_all_or_none(make_case, attachment_dir):
    case = make_case()
    with pytest.raises(AttachmentTypeRefused):
        attachments_add(
            case=case,
            files=[upload("a.pdf", PDF), upload("b.jpg", HTML)],
            source=Source.CASE_PAGE,
            by=Actor.system("test"),
        )
    assert not Attachment.objects.exists()
    assert not [p for p in attachment_dir.rglob("*") if p.is_file()]


def test_more_files_than_allowed_are_refused(make_case, settings):
    settings.ATTACHMENT_MAX_FILES = 2
    with pytest.raises(AttachmentRefused):
        attachments_add(
            case=make_case(),
            files=[upload(f"{i}.pdf", PDF) for i in range(3)],
            source=Source.CASE_PAGE,
            by=Actor.system("test"),
        )


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\ann\\photo.jpg", "photo.jpg"),
        ("evil\u202egpj.exe", "evilgpj.exe"),
        ("a\x00b\nc.txt", "abc.txt"),
        ("", "attachment"),
        ("..", "attachment"),
        ('quo"te<>.pdf', "quote.pdf"),
    ],
)
def test_filenames_are_cleaned(raw, clean):
    assert clean_filename(raw) == clean


def test_long_filenames_keep_their_extension():
    name = clean_filename("x" * 500 + ".pdf")
    assert len(name) <= 200
    assert name.endswith(".pdf")


def _zip(*names: str, stored_first: tuple[str, bytes] | None = None) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if stored_first:
            archive.writestr(
                zipfile.ZipInfo(stored_first[0]), stored_first[1], zipfile.ZIP_STORED
            )
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            _zip("[Content_Types].xml", "word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            _zip("[Content_Types].xml", "xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            _zip(
                "content.xml",
                stored_first=("mimetype", b"application/vnd.oasis.opendocument.text"),
            ),
            "application/vnd.oasis.opendocument.text",
        ),
    ],
)
def test_office_documents_are_recognised_from_their_archive(make_case, data, expected):
    attachment = attachment_add(
        case=make_case(),
        file=upload("doc.bin", data),
        source=Source.API,
        by=Actor.system("test"),
    )
    assert attachment.content_type == expected


def test_a_plain_zip_is_refused(make_case):
    with pytest.raises(AttachmentTypeRefused) as refused:
        attachment_add(
            case=make_case(),
            file=upload("report.docx", _zip("payload.js")),
            source=Source.API,
            by=Actor.system("test"),
        )
    assert refused.value.detected == "application/zip"


def test_an_empty_file_is_refused(make_case):
    with pytest.raises(AttachmentRefused):
        attachment_add(
            case=make_case(),
            file=upload("a.txt", b""),
            source=Source.API,
            by=Actor.system("test"),
        )
