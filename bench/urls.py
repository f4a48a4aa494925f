from django.urls import path

from bench.views import ceiling, floor
from portal.urls import handler404, handler500, urlpatterns

urlpatterns = [path("__bench__/ceiling", ceiling), path("__bench__/floor", floor), *urlpatterns]

__all__ = ["handler404", "handler500", "urlpatterns"]
