"""The admin screen for importing measurements: upload → validation report or preview → confirm.

The coordinator wires these into portal/wagtail_hooks.py: ``urlpatterns`` through
``register_admin_urls``, ``menu_item()`` through ``register_admin_menu_item`` and
``register_import_log_actions`` through ``register_log_actions``.
"""

from __future__ import annotations

import datetime
import uuid
from pathlib import PurePath

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.storage import storages
from django.shortcuts import redirect
from django.urls import path, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.auth import require_admin_access
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import LogFormatter

from portal.forms import MeasurementImportForm
from portal.importing import (
    COLUMN_ALIASES,
    IMPORT_LOG_ACTION,
    MAX_REPORTED_ERRORS,
    import_measurements,
    summary_line,
)
from portal.permissions import editable_departments, user_can_import

URL_NAME = "portal_import_measurements"
# Uploads wait here between the preview and the confirmation, in the "portal_imports" storage:
# not a local temp dir, because the confirming request may reach another app server (DESIGN.md:
# no single process), and not the media folder, which the web server publishes.
STORAGE = "portal_imports"
UPLOAD_DIR = "portal-imports"
UPLOAD_MAX_AGE = datetime.timedelta(hours=2)
TOKEN_SALT = "portal.import_measurements"


def staging():
    """Where uploads wait for their confirmation (the ``portal_imports`` storage)."""
    return storages[STORAGE]


class MeasurementImportView(WagtailAdminTemplateMixin, View):
    """Two-step import: validate an upload (errors or a preview), then confirm to write it."""

    template_name = "portal/admin/import_measurements.html"
    page_title = _("Import measurements")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        # Department editors may import too, but only someone who may edit some department's data.
        if not user_can_import(request.user):
            raise PermissionDenied
        # An upload left unconfirmed is removed once expired, whoever opens the screen next.
        self.remove_stale_uploads()
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get(self, request):
        return self.render_to_response(self.get_context_data(form=MeasurementImportForm()))

    def post(self, request):
        if "token" in request.POST:
            return self.confirm(request)
        form = MeasurementImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        result = import_measurements(upload, upload.name, user=request.user, dry_run=True)
        context = {"form": form, "result": result}
        if result.ok:
            upload.seek(0)
            context["token"] = self.store_upload(upload)
            context["form"] = MeasurementImportForm()
        return self.render_to_response(self.get_context_data(**context))

    def confirm(self, request):
        stored = self.load_upload(request.POST["token"])
        if isinstance(stored, str):  # expired: the file goes too
            staging().delete(stored)
            stored = None
        if stored is None:
            messages.error(
                request, _("The uploaded file has expired or is invalid; upload it again.")
            )
            return redirect(URL_NAME)
        name, filename = stored
        try:
            with staging().open(name, "rb") as fileobj:
                result = import_measurements(fileobj, filename, user=request.user)
        finally:
            staging().delete(name)
        if not result.ok:
            # The data changed since the preview (or the rights did): show the new report.
            return self.render_to_response(
                self.get_context_data(form=MeasurementImportForm(), result=result)
            )
        messages.success(request, f"{filename}: {summary_line(result)}")
        return redirect(URL_NAME)

    def store_upload(self, upload) -> str:
        extension = PurePath(upload.name).suffix.lower()
        # Saved chunk by chunk from the upload, not read into memory whole.
        name = staging().save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}{extension}", upload)
        return signing.dumps(
            {"name": name, "filename": PurePath(upload.name).name, "user": self.request.user.pk},
            salt=TOKEN_SALT,
        )

    def load_upload(self, token: str) -> tuple[str, str] | str | None:
        """The stored file's name and the uploaded file's name; only the stored name when the
        token has expired (to remove the file); None when the token is not this user's."""
        expired = False
        try:
            data = signing.loads(token, salt=TOKEN_SALT, max_age=UPLOAD_MAX_AGE.total_seconds())
        except signing.SignatureExpired:
            data, expired = signing.loads(token, salt=TOKEN_SALT), True
        except signing.BadSignature:
            return None
        # The token is bound to the uploader: another editor cannot confirm someone else's file.
        if not isinstance(data, dict) or data.get("user") != self.request.user.pk:
            return None
        name = str(data.get("name", ""))
        if not name.startswith(f"{UPLOAD_DIR}/") or ".." in name or not staging().exists(name):
            return None
        if expired:
            return name
        return name, data.get("filename", PurePath(name).name)

    def remove_stale_uploads(self) -> None:
        try:
            _dirs, files = staging().listdir(UPLOAD_DIR)
        except (FileNotFoundError, NotImplementedError):
            return
        cutoff = timezone.now() - UPLOAD_MAX_AGE
        for filename in files:
            name = f"{UPLOAD_DIR}/{filename}"
            try:
                if staging().get_modified_time(name) < cutoff:
                    staging().delete(name)
            except (FileNotFoundError, NotImplementedError):
                continue

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["column_aliases"] = [
            (column, aliases[1:]) for column, aliases in COLUMN_ALIASES.items()
        ]
        context["max_reported_errors"] = MAX_REPORTED_ERRORS
        context["departments"] = editable_departments(self.request.user)
        return context


measurement_import = require_admin_access(MeasurementImportView.as_view())

urlpatterns = [path("portal/import/", measurement_import, name=URL_NAME)]


class ImportMenuItem(MenuItem):
    """The admin menu entry, shown to users who may edit at least one department's data."""

    def is_shown(self, request):
        return user_can_import(request.user)


def menu_item() -> MenuItem:
    return ImportMenuItem(
        _("Import measurements"),
        reverse_lazy(URL_NAME),
        name="import-measurements",
        icon_name="upload",
        order=350,
    )


class ImportLogFormatter(LogFormatter):
    """How the import's summary entry reads in Wagtail's history reports."""

    label = _("Import measurements")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        message = _(
            "Imported %(filename)s: %(created)s new, %(corrected)s corrected, "
            "%(unchanged)s unchanged"
        ) % {
            "filename": data.get("filename", ""),
            "created": data.get("created", 0),
            "corrected": data.get("corrected", 0),
            "unchanged": data.get("unchanged", 0),
        }
        origin = data.get("origin") or {}
        if origin.get("token"):
            message += " " + _("(sent with API token %(token)s)") % {"token": origin["token"]}
        elif origin.get("source"):
            message += " " + _("(pulled from data source %(source)s)") % {
                "source": origin["source"]
            }
        elif origin:
            message += " " + _("(by %(via)s, account %(account)s on %(host)s)") % {
                "via": origin.get("via", ""),
                "account": origin.get("account", ""),
                "host": origin.get("host", ""),
            }
        return message


def register_import_log_actions(actions) -> None:
    """Body of the ``register_log_actions`` hook for the import's audit entry."""
    actions.register_action(IMPORT_LOG_ACTION)(ImportLogFormatter)
