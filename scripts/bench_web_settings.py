"""Settings of the server `make bench-web` starts: production's, plus the floor page.

The benchmark talks plain HTTP on loopback, so the cookies may not be marked Secure (TLS is the
proxy's part in production and costs the application nothing).
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "scripts.bench_web_urls"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
