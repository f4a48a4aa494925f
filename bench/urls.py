from django.urls import path

from bench.views import ceiling
from portal.urls import handler404, handler500, urlpatterns

urlpatterns = [path("__bench__/ceiling", ceiling), *urlpatterns]

__all__ = ["handler404", "handler500", "urlpatterns"]
