from django.contrib import admin

from portal.tickets.models import Department, Priority, Service

for model in (Department, Service, Priority):
    admin.site.register(model, list_display=["name", "position", "is_active"])
