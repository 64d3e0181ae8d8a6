"""Who may do what with releases: one place, deny by default."""

from egide.accounts.models import User
from egide.accounts.roles import Cap
from egide.observatory.publication.models import Release


def can_manage(user: User) -> bool:
    """Create, publish and withdraw releases: the observatory's statistician."""
    return user.has_capability(Cap.OBSERVATORY_RELEASE)


def can_view_internal(user: User) -> bool:
    """See drafts and the dashboard: the observatory's roles."""
    return user.has_capability(Cap.OBSERVATORY_VIEW)


def can_view(user: User | None, release: Release) -> bool:
    """Published and withdrawn releases are public; drafts are for the observatory."""
    if release.state != "draft":
        return True
    return user is not None and user.is_authenticated and can_view_internal(user)
