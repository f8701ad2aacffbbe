"""REST API for disputes and tips (/api/v1/disputes/, /api/v1/tips/), one module per resource:
disputes, tips, attachments (a tip's files), timeline (a dispute's sessions and events), maps
(nearby disputes and GeoJSON); `_shared` holds the base viewset and the permission.

Officers read and act on everything. A guard reports disputes and tips and reads back what they
reported (no parties, no other informants). Managers get 403: disputes' parties and tips' contents
and sources are not for security companies. Every state change is an @action calling one service;
a refused transition is a 409."""
from disputes.api._shared import IsOfficerOrGuard, NoteSerializer, PartySerializer, ReasonSerializer
from disputes.api.attachments import AttachmentSerializer, UploadSerializer
from disputes.api.disputes import (
    DisputeInputSerializer,
    DisputeOfficerSerializer,
    DisputeSerializer,
    DisputeViewSet,
    EscalateSerializer,
    MergeSerializer,
    ReassignSerializer,
    ResolveSerializer,
)
from disputes.api.timeline import EventSerializer, SessionSerializer
from disputes.api.tips import (
    LinkDisputeSerializer,
    RectificationSerializer,
    StartDisputeSerializer,
    TipCloseSerializer,
    TipInputSerializer,
    TipOfficerSerializer,
    TipSerializer,
    TipViewSet,
)

__all__ = [
    "AttachmentSerializer",
    "DisputeInputSerializer",
    "DisputeOfficerSerializer",
    "DisputeSerializer",
    "DisputeViewSet",
    "EscalateSerializer",
    "EventSerializer",
    "IsOfficerOrGuard",
    "LinkDisputeSerializer",
    "MergeSerializer",
    "NoteSerializer",
    "PartySerializer",
    "ReasonSerializer",
    "ReassignSerializer",
    "RectificationSerializer",
    "ResolveSerializer",
    "SessionSerializer",
    "StartDisputeSerializer",
    "TipCloseSerializer",
    "TipInputSerializer",
    "TipOfficerSerializer",
    "TipSerializer",
    "TipViewSet",
    "UploadSerializer",
]
