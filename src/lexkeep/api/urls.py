"""The REST API under ``/api/v1/``: OpenAPI at ``openapi.json``, docs at ``docs``."""

from ninja import NinjaAPI

from lexkeep.accounts.api import router as accounts_router
from lexkeep.api.auth import BearerAuth
from lexkeep.api.errors import install_error_handlers
from lexkeep.archives.api import router as archives_router
from lexkeep.clients.api import router as clients_router
from lexkeep.feedback.api import public_router as feedback_public_router
from lexkeep.feedback.api import router as feedback_router
from lexkeep.matters.api import router as matters_router
from lexkeep.service.api import router as service_router

api = NinjaAPI(
    title="Lexkeep API",
    version="1",
    description=(
        "Client management and case archives for law firms. Authenticate with "
        "`POST /api/v1/auth/token`, then send `Authorization: Bearer <token>`."
    ),
    auth=BearerAuth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", clients_router)
api.add_router("", matters_router)
api.add_router("", feedback_router)
api.add_router("", feedback_public_router)
api.add_router("", archives_router)
api.add_router("", service_router)
