"""A tip's photos and videos: listed with the tip, added by officers (multipart)."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from disputes import services
from disputes.api._shared import url_or_none


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    purpose = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str | None:
        return url_or_none("disputes:tip-attachment", attachment.pk)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    purpose = serializers.ChoiceField(choices=["report", "rectification"], required=False, default="report")


class TipAttachmentActions:
    """`attachments` (POST) of the tips viewset."""

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: AttachmentSerializer})
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        tip = self.get_object()
        data = self._input(UploadSerializer, request)
        attachment = services.tip_attachment_add(tip=tip, upload=data["file"], by=request.user, purpose=data["purpose"])
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
