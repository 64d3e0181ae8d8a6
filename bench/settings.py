"""Production settings for a benchmark over plain HTTP on loopback.

Everything is as in production (DEBUG off, the same middleware, argon2, WhiteNoise) except
what HTTP on 127.0.0.1 cannot honour: the HTTPS redirect and secure-only cookies. The
URLconf adds the reference view that the API is measured against.
"""

from config.settings.production import *  # noqa: F403  (settings modules extend one another)

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ROOT_URLCONF = "bench.urls"
