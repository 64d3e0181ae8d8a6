"""Static files storage for production: hashed, compressed names."""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]  # no stubs


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Leave JavaScript files unrewritten.

    Rewriting only updates `sourceMappingURL` comments (module imports are not rewritten by
    default), and third-party packages ship some files whose maps are missing
    (xstatic-leaflet-markercluster), which would make `collectstatic` fail.
    """

    patterns = tuple((glob, rules) for glob, rules in ManifestStaticFilesStorage.patterns if glob != "*.js")
