"""Municipality staff keep their own catalogue and mandates in the admin; no case content there."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.constants import Role
from arrangements.admin import CatalogueItemResource, TariffResource
from arrangements.models import CatalogueItem, Tariff
from tests.accounts.factories import TeamFactory
from tests.arrangements.factories import item_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user, world):  # type: ignore[no-untyped-def]
    loket = TeamFactory(municipality=world.team.municipality)
    user = make_user(Role.STAFF, team=loket, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="arrangements"))
    return user


def test_staff_see_only_their_municipalitys_catalogue_and_mandates(client, staff, world):
    foreign = item_create(TeamFactory().municipality, name="Zutphens item")
    client.force_login(staff)
    body = client.get(reverse("admin:arrangements_catalogueitem_changelist")).content.decode()
    assert world.item.name in body and foreign.name not in body
    assert client.get(reverse("admin:arrangements_catalogueitem_change", args=[foreign.pk])).status_code in (302, 404)
    assert client.get(reverse("admin:arrangements_catalogueitem_change", args=[world.item.pk])).status_code == 200
    assert client.get(reverse("admin:arrangements_mandate_changelist")).status_code == 200


def test_case_content_is_not_in_the_admin(client, staff, world):
    client.force_login(staff)
    for model in ("arrangement", "escalation", "decision", "expertaccess", "commitmentmonth"):
        with pytest.raises(Exception):  # noqa: B017 - no admin URL exists for case content
            reverse(f"admin:arrangements_{model}_changelist")
    index = client.get(reverse("admin:index")).content.decode()
    assert "Beschikkingen" not in index and "Escalaties" not in index


def test_existing_tariffs_are_never_edited(client, staff, world):
    client.force_login(staff)
    tariff = world.item.tariffs.get()
    response = client.post(
        reverse("admin:arrangements_tariff_change", args=[tariff.pk]),
        {"item": world.item.pk, "amount": "1.00", "valid_from": "2020-01-01"},
    )
    assert response.status_code == 404  # the admin answers 404 for what one may not do (socialdomain/admin_site.py)
    tariff.refresh_from_db()
    assert tariff.amount == Decimal("60.00")


def test_adding_a_tariff_in_the_admin_closes_the_current_one(client, staff, world):
    client.force_login(staff)
    response = client.post(
        reverse("admin:arrangements_tariff_add"),
        {"item": world.item.pk, "amount": "62.50", "valid_from": "2030-01-01", "valid_until": ""},
    )
    assert response.status_code == 302
    old, new = world.item.tariffs.order_by("valid_from")
    assert old.valid_until == dt.date(2029, 12, 31) and new.amount == Decimal("62.50")


def test_catalogue_csv_import_reports_errors_per_row_and_saves_nothing(world):
    code = world.team.municipality.code
    csv = (
        "gemeente,name,law,kind,indication_required,unit,frequency,zin_allowed,pgb_allowed,taakveld,bsn_required,aanbieders\n"
        f"{code},Thuisbegeleiding,wmo,maatwerk,0,hour,week,1,0,6.6,1,{world.provider.name}\n"
        f"{code},Fout item,geen-wet,maatwerk,0,hour,week,1,0,6.6,0,\n"
        f"{code},Algemeen met indicatie,wmo,general,1,hour,week,1,0,6.1,0,\n"
        f"9999,Andere gemeente,wmo,maatwerk,0,hour,week,1,0,6.6,0,\n"
    )
    import tablib

    resource = CatalogueItemResource(municipality_ids=[world.team.municipality_id])
    result = resource.import_data(tablib.Dataset().load(csv, format="csv"), dry_run=True)
    assert result.has_validation_errors() or result.has_errors()
    bad_rows = {row.number for row in result.invalid_rows} | {n for n, _ in result.row_errors()}
    assert bad_rows == {2, 3, 4}
    assert not CatalogueItem.objects.filter(name="Thuisbegeleiding").exists()


def test_catalogue_csv_import_of_good_rows_creates_items_with_providers(world):
    code = world.team.municipality.code
    csv = (
        "gemeente,name,law,kind,indication_required,unit,frequency,zin_allowed,pgb_allowed,taakveld,bsn_required,aanbieders\n"
        f"{code},Thuisbegeleiding,wmo,maatwerk,0,hour,week,1,0,6.6,1,{world.provider.name}\n"
    )
    import tablib

    resource = CatalogueItemResource(municipality_ids=[world.team.municipality_id])
    result = resource.import_data(tablib.Dataset().load(csv, format="csv"), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    item = CatalogueItem.objects.get(name="Thuisbegeleiding")
    assert list(item.providers.all()) == [world.provider]


def test_tariff_csv_import_refuses_overlap_missing_validity_and_zero(world):
    code = world.team.municipality.code
    csv = (
        "gemeente,voorziening,tarief,geldig_vanaf,geldig_tot\n"
        f"{code},{world.item.name},70.00,2031-01-01,\n"
        f"{code},{world.item.name},71.00,,\n"
        f"{code},{world.item.name},0,2032-01-01,\n"
        f"{code},{world.item.name},72.00,2025-01-01,2025-12-31\n"
    )
    import tablib

    resource = TariffResource(municipality_ids=[world.team.municipality_id])
    result = resource.import_data(tablib.Dataset().load(csv, format="csv"), dry_run=True)
    bad_rows = {row.number for row in result.invalid_rows} | {n for n, _ in result.row_errors()}
    assert bad_rows == {2, 3, 4}  # no validity, zero, retroactive
    assert Tariff.objects.filter(item=world.item).count() == 1


def test_admin_import_page_renders(client, staff, world):
    client.force_login(staff)
    assert client.get(reverse("admin:arrangements_catalogueitem_import")).status_code == 200
    upload = SimpleUploadedFile(
        "t.csv", b"gemeente,voorziening,tarief,geldig_vanaf,geldig_tot\n", content_type="text/csv"
    )
    assert upload.size > 0
