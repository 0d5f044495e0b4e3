import json
import os
import subprocess
import sys

STORAGE_REPORT = (
    "import json; from django.core.files.storage import storages; "
    "s = storages['default']; "
    "print(json.dumps({'backend': type(s).__name__, 'url': s.url('articles/2026/11/a.jpg')}))"
)


def storage_report(**env_overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/unused",
        SECRET_KEY="x",
        DJANGO_SETTINGS_MODULE="sanita33.settings",
        **env_overrides,
    )
    code = f"import django; django.setup(); {STORAGE_REPORT}"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_media_stay_on_the_filesystem_unless_a_bucket_is_named():
    assert storage_report() == {
        "backend": "FileSystemStorage",
        "url": "/media/articles/2026/11/a.jpg",
    }


def test_media_go_to_s3_compatible_storage_when_a_bucket_is_named():
    """Every web machine then shares uploads; public URLs carry no signature."""
    minio = storage_report(
        AWS_STORAGE_BUCKET_NAME="sanita33-media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        AWS_S3_REGION_NAME="eu-south-1",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
    )
    cdn = storage_report(
        AWS_STORAGE_BUCKET_NAME="sanita33-media", AWS_S3_CUSTOM_DOMAIN="media.sanita33.it"
    )

    assert minio == {
        "backend": "S3Storage",
        "url": "http://127.0.0.1:9000/sanita33-media/media/articles/2026/11/a.jpg",
    }
    assert cdn["url"] == "https://media.sanita33.it/media/articles/2026/11/a.jpg"
