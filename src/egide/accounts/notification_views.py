"""The page of a user's notifications: list them, mark one or all read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from egide.accounts import notifications
from egide.accounts.views import acting_user
from egide.core.access import AUTHENTICATED, route_policy

PAGE_SIZE = 30


@route_policy(AUTHENTICATED)
@require_http_methods(["GET", "POST"])
def notification_list(request: HttpRequest) -> HttpResponse:
    """List the notifications; a POST marks one (`notification`) or all of them (`all`) read."""
    user = acting_user(request)
    if request.method == "POST":
        return _mark_read(request)
    page = Paginator(notifications.notifications_of(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


def _mark_read(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    wanted = request.POST.get("notification", "")
    if request.POST.get("all"):
        count = notifications.do_mark_read(user)
        messages.success(request, f"{count} notification(s) marquée(s) comme lue(s).")
    elif wanted.isdigit():
        notifications.do_mark_read(user, [int(wanted)])
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return redirect(target)
    else:
        messages.error(request, "Choisissez une notification, ou « tout marquer comme lu ».")
    return redirect("accounts:notifications")
