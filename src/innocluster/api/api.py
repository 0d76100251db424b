from ninja import NinjaAPI

api = NinjaAPI(title="InnoCluster API", version="1.0.0", urls_namespace="api")
