"""WebSocket addresses of the meetings app (``config/asgi.py`` mounts them)."""

from django.urls import path

from meetings.consumers import MeetingConsumer

websocket_urlpatterns = [
    path("ws/meetings/<int:meeting_id>/", MeetingConsumer.as_asgi(), {"view": "public"}),
    path("ws/meetings/<int:meeting_id>/officers/", MeetingConsumer.as_asgi(), {"view": "officers"}),
    path("ws/meetings/<int:meeting_id>/projector/<str:token>/", MeetingConsumer.as_asgi(), {"view": "projector"}),
]
