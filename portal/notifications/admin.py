from django.contrib import admin

from portal.notifications.models import EmailOptOut, InboundEmail, OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to_address", "status", "attempts"]
    list_filter = ["status", "kind"]
    search_fields = ["to_address", "subject"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "source", "from_address", "subject", "status", "reason"]
    list_filter = ["status", "reason", "source"]
    search_fields = ["from_address", "subject", "message_id"]
    readonly_fields = [f.name for f in InboundEmail._meta.fields]


@admin.register(EmailOptOut)
class EmailOptOutAdmin(admin.ModelAdmin):
    list_display = ["user", "kind"]
    list_filter = ["kind"]
    search_fields = ["user__email"]
