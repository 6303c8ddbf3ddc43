"""The demo city's accounts: the administrators' and editors' groups, the superuser, the city
administrator and one editor for each department in ``EDITOR_SLUGS``."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from portal.factories import DepartmentEditorFactory, UserFactory

from .flush import DOMAIN_MODELS

ADMIN_USERNAME = "admin"
CITY_ADMIN_USERNAME = "city_admin"
DEFAULT_ADMIN_PASSWORD = "demo-admin-2026"
DEFAULT_EDITOR_PASSWORD = "demo-editor-2026"
CITY_ADMIN_GROUP = "市级管理员"
DEPARTMENT_EDITOR_GROUP = "部门编辑"
# Departments that get a demo editor account (editor_<slug>), to show per-department scoping.
EDITOR_SLUGS = ("gonganju", "jiaoyuju", "weijianwei", "shengtaihuanjingju", "zhengwufuwuju")


def _permissions(app_label: str, codenames: list[str]) -> list[Permission]:
    return list(
        Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )


def ensure_groups() -> tuple[Group, Group]:
    """The city administrators' and the department editors' groups with their permissions."""
    access_admin = _permissions("wagtailadmin", ["access_admin"])
    domain_cts = ContentType.objects.get_for_models(
        *[m for m in DOMAIN_MODELS if not m._meta.auto_created]
    ).values()
    city_admins, _ = Group.objects.get_or_create(name=CITY_ADMIN_GROUP)
    city_admins.permissions.set(
        list(Permission.objects.filter(content_type__in=domain_cts)) + access_admin
    )
    editors, _ = Group.objects.get_or_create(name=DEPARTMENT_EDITOR_GROUP)
    codenames = [
        f"{action}_{model}"
        for model in ("goal", "indicator", "measurement")
        for action in ("add", "change", "view")
    ]
    editors.permissions.set(_permissions("portal", codenames) + access_admin)
    return city_admins, editors


def ensure_user(username: str, password_hash: str, *, superuser=False, **fields):
    """Create the account, or reset it to the demo state if a previous run made it.

    Takes a ready hash: hashing is slow on purpose, so the demo accounts share one per password.
    """
    # password=None makes the factory skip its own (slow) hashing.
    user = UserFactory(username=username, password=None, **fields)
    for name, value in fields.items():
        setattr(user, name, value)
    user.password = password_hash
    user.is_active = True
    user.is_staff = True
    user.is_superuser = superuser
    user.save()
    return user


def ensure_admins(admin_hash: str, editor_hash: str, city_admins: Group, fake):
    """The superuser and the city administrator (a member of ``city_admins``); returns the
    superuser, who publishes what the demo builds."""
    admin = ensure_user(
        ADMIN_USERNAME,
        admin_hash,
        superuser=True,
        email="admin@qingchuan.example.gov.cn",
    )
    city_admin = ensure_user(
        CITY_ADMIN_USERNAME,
        editor_hash,
        first_name=fake.first_name(),
        last_name=fake.last_name(),
    )
    city_admin.groups.set([city_admins])
    return admin


def ensure_department_editors(departments, editor_hash: str, editor_group: Group, fake) -> dict:
    """An editor account (editor_<slug>) for each department in ``EDITOR_SLUGS``, scoped to
    that department; returns them by department pk."""
    editors_by_department = {}
    for dept in departments:
        if dept.slug in EDITOR_SLUGS:
            user = ensure_user(
                f"editor_{dept.slug}",
                editor_hash,
                first_name=fake.first_name(),
                last_name=fake.last_name(),
            )
            user.groups.set([editor_group])
            DepartmentEditorFactory(user=user, department=dept)
            editors_by_department[dept.pk] = user
    return editors_by_department
