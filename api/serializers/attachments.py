"""Shapes of attachments on the API: the listing row and the multipart upload."""

from rest_framework import serializers

from attachments.models import Attachment, ScanStatus, Source


class AttachmentSerializer(serializers.ModelSerializer):
    """One file on a case. `content_type` is what the content turned out to be."""

    uploaded_by = serializers.CharField(
        source="uploaded_by_label",
        read_only=True,
        help_text="Who added it: a username, `api:<client>` or `customer`.",
    )
    source = serializers.ChoiceField(choices=Source.choices, read_only=True)
    scan_status = serializers.ChoiceField(
        choices=ScanStatus.choices,
        read_only=True,
        help_text="`infected` and `pending` files are quarantined: never served.",
    )

    class Meta:
        model = Attachment
        fields = [
            "id",
            "filename",
            "content_type",
            "size",
            "sha256",
            "source",
            "scan_status",
            "uploaded_by",
            "message",
            "created_at",
        ]
        read_only_fields = fields


UPLOAD_SCHEMA = {
    "multipart/form-data": {
        "type": "object",
        "properties": {"file": {"type": "string", "format": "binary"}},
        "required": ["file"],
    }
}


class AttachmentIn(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=False,
        use_url=False,
        help_text="The file (multipart field `file`); its type is judged from "
        "its content.",
    )
