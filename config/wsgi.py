import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# The ~200,000 objects of the loaded code and settings live as long as the process: moved out of
# the garbage collector's reach, they are no longer traversed by every full collection (≈ 100 ms
# of CPU in one request out of ~120 before, a p99 spike; docs/performance.md). With gunicorn's
# --preload the workers also keep sharing these pages with the master instead of copying them.
gc.freeze()
