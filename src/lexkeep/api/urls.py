from ninja import NinjaAPI

api = NinjaAPI(
    title="Lexkeep API",
    version="1",
    urls_namespace="api",
)
