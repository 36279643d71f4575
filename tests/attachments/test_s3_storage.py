"""Attachments in S3-compatible storage through django-storages, for real.

The test starts moto's standalone S3 server (`moto[server]`, a test extra) as
a subprocess on a free loopback port; without moto or django-storages[s3]
installed it is skipped with the reason, unless REQUIRE_SERVICES=1.
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from attachments.models import Attachment
from attachments.storage import attachment_storage
from tests.conftest import _missing

from .samples import png_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
BUCKET = "redress-attachments"
KEYS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}
ROOT = Path(__file__).resolve().parents[2]


def _installed() -> bool:
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
        import storages.backends.s3  # noqa: F401
    except ImportError:
        return False
    return True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("moto server did not start listening")


@pytest.fixture(scope="module")
def s3_endpoint():
    if not _installed():
        _missing("REQUIRE_SERVICES", "needs moto[server] and django-storages[s3]")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh bucket, and STORAGES["attachments"] pointing at it."""
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
        region_name=KEYS["region_name"],
    )
    s3.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": s3_endpoint, **KEYS},
        },
    }
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    yield s3
    for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        s3.delete_object(Bucket=BUCKET, Key=item["Key"])
    s3.delete_bucket(Bucket=BUCKET)


def test_an_api_upload_lands_in_the_bucket_and_staff_download_it(
    bucket, api_as, agent, agent_client, make_case
):
    from storages.backends.s3 import S3Storage

    assert isinstance(attachment_storage(), S3Storage)
    case = make_case()
    photo = png_bytes(size=(320, 240))

    response = api_as(agent).post(
        f"/api/v1/complaints/{case.reference}/attachments/",
        {"file": upload("damage.png", photo)},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get(pk=response.json()["id"])
    stored = bucket.get_object(Bucket=BUCKET, Key=attachment.storage_name)
    assert stored["Body"].read() == photo
    assert bucket.head_object(Bucket=BUCKET, Key=attachment.thumbnail_name)
    download = agent_client.get(f"/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == photo
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_the_settings_choose_s3_from_the_environment(bucket, s3_endpoint):
    """ATTACHMENT_STORAGE and ATTACHMENT_STORAGE_OPTIONS, as an operator sets them."""
    options = {"bucket_name": BUCKET, "endpoint_url": s3_endpoint, **KEYS}
    env = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ATTACHMENT_STORAGE": "storages.backends.s3.S3Storage",
        "ATTACHMENT_STORAGE_OPTIONS": json.dumps(options),
    }
    script = (
        "import django; django.setup()\n"
        "from django.core.files.base import ContentFile\n"
        "from attachments.storage import attachment_storage\n"
        "s = attachment_storage()\n"
        "print(type(s).__name__, s.save('probe/hello.txt', ContentFile(b'hi')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-2:] == ["S3Storage", "probe/hello.txt"]
    body = bucket.get_object(Bucket=BUCKET, Key="probe/hello.txt")["Body"].read()
    assert body == b"hi"
