from django.contrib import admin

from portal.accounts.models import LoginAttempt, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "role", "company", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "name"]
    exclude = ["password", "user_permissions", "groups"]


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    list_display = ["created_at", "email", "ip_address", "succeeded"]
    list_filter = ["succeeded"]
    search_fields = ["email", "ip_address"]
