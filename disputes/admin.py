"""Back-office editing of disputes and tips. State fields are read-only here: transitions go through
the pages and the API (services), so the timeline and the points ledger stay right."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from config.admin_export import export_csv
from disputes.models import Dispute, DisputeEvent, DisputeFollowUp, DisputeParty, MediationSession, Tip, TipAttachment


class DisputeEventInline(admin.TabularInline):
    model = DisputeEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields


class DisputePartyInline(admin.TabularInline):
    """The parties (confidential): exported never, shown to whoever may edit disputes here."""

    model = DisputeParty
    extra = 0
    fields = ["position", "name", "role", "phone"]


class MediationSessionInline(admin.TabularInline):
    model = MediationSession
    extra = 0
    raw_id_fields = ["mediator", "helping_guard"]


class DisputeFollowUpInline(admin.TabularInline):
    model = DisputeFollowUp
    extra = 0
    raw_id_fields = ["done_by"]


@admin.register(Dispute)
class DisputeAdmin(SimpleHistoryAdmin):
    list_display = ["id", "title", "category", "status", "liaison_point", "reported_at", "resolution_due"]
    list_filter = ["status", "category", "reported_by_kind", "liaison_point__township"]
    list_select_related = ["liaison_point"]
    search_fields = ["title", "place"]
    date_hierarchy = "reported_at"
    raw_id_fields = ["liaison_point", "township", "reporting_guard", "helped_by", "merged_into", "created_by"]
    readonly_fields = [
        "status", "accepted_at", "finished_at", "merged_into", "notified_at", "overdue_notified_at", "created_at", "updated_at",
    ]
    inlines = [DisputePartyInline, MediationSessionInline, DisputeFollowUpInline, DisputeEventInline]
    actions = [export_csv]
    # Exported files travel: parties and reporter stay out of them.
    export_exclude = ("reporter_name", "reporter_phone", "description")


class TipAttachmentInline(admin.TabularInline):
    model = TipAttachment
    extra = 0
    fields = ["original_name", "content_type", "size", "purpose", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Tip)
class TipAdmin(SimpleHistoryAdmin):
    list_display = [
        "id", "kind", "place", "status", "outcome", "liaison_point", "received_at",
        "suspects_caught", "fugitives_assisted", "residents_helped", "three_defences_guided",
    ]
    list_filter = ["status", "kind", "outcome", "source_kind", "liaison_point__township"]
    list_select_related = ["liaison_point"]
    search_fields = ["place", "case_number"]
    date_hierarchy = "received_at"
    raw_id_fields = ["liaison_point", "source_guard", "dispute", "created_by", "handled_by"]
    readonly_fields = ["status", "verified_at", "finished_at", "notified_at", "created_at", "updated_at"]
    inlines = [TipAttachmentInline]
    actions = [export_csv]
    # Exported files travel: the informant and the tip's text stay out of them.
    export_exclude = ("source_guard", "volunteer_name", "volunteer_phone", "text")
