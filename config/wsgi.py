import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from review.search import splitting

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


application = get_wsgi_application()

# What the first request would import otherwise: the URLconf with every view module, and the
# compound splitter's tables (review.search.splitting). Loaded before the freeze below, their
# ≈ 110,000 objects would otherwise stay tracked, and each full collection cost 50–125 ms of
# CPU about once in 80 requests per worker (docs/performance.md).
get_resolver().url_patterns  # noqa: B018  (the attribute loads the URLconf)
splitting.load()

# The ~200,000 objects of the loaded code and settings live as long as the process: moved out of
# the garbage collector's reach, they are no longer traversed by every full collection (≈ 100 ms
# of CPU in one request out of ~120 before, a p99 spike; docs/performance.md). With gunicorn's
# --preload the workers also keep sharing these pages with the master instead of copying them.
gc.freeze()
