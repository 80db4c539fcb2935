"""Every websocket route of the project, gathered from the apps that own them."""

from mlmodels.routing import websocket_urlpatterns as mlmodels_patterns
from tutor.routing import websocket_urlpatterns as tutor_patterns

websocket_urlpatterns = [*tutor_patterns, *mlmodels_patterns]
