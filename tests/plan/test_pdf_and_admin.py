"""The PDF helper refuses every URL but our static files; large plans render in a real
Celery worker; the admin cannot change a plan and 404s for a case one may not see."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accounts.constants import Role
from plan import pdf as plan_pdf
from plan.models import PdfRunStatus, Plan, PlanPdfRun
from socialdomain.pdf import RefusedURL, StaticOnlyURLFetcher
from tests.plan.conftest import add_action, agree


@pytest.mark.parametrize(
    "url",
    ["http://example.com/x.css", "https://example.com/x.png", "file:///etc/passwd", "file:///static/../../etc/passwd"],
)
def test_the_pdf_url_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(RefusedURL):
        StaticOnlyURLFetcher().fetch(url)


def test_the_pdf_url_fetcher_serves_our_stylesheet():
    response = StaticOnlyURLFetcher().fetch("file:///static/css/pdf.css")
    assert response is not None


@pytest.mark.django_db(transaction=True)
def test_a_large_plan_renders_in_a_celery_worker(celery_worker, draft, regisseur, members, monkeypatch):
    monkeypatch.setattr(plan_pdf, "PDF_SYNC_LIMIT", 2)  # this plan has 2 goals + 1 action: "large"
    add_action(draft, regisseur, description="Belastingdienst bellen", kind="regisseur")
    plan = agree(draft, regisseur, members)
    client = Client()
    client.force_login(regisseur)
    response = client.get(reverse("plan:pdf", kwargs={"uuid": plan.case.uuid, "number": 1}))
    assert response.status_code == 302
    run = PlanPdfRun.objects.get()
    for _ in range(100):
        run.refresh_from_db()
        if run.status != PdfRunStatus.PENDING:
            break
        import time

        time.sleep(0.2)
    assert run.status == PdfRunStatus.DONE
    page = client.get(response["Location"])
    assert "PDF downloaden" in page.content.decode()
    download = client.get(response["Location"] + "?download=1")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(download.content)).pages)
    assert "Belastingdienst bellen" in " ".join(text.split())
    # Another user cannot fetch the run: 404.
    other = Client()
    from tests.accounts.factories import MembershipFactory, UserFactory

    stranger = UserFactory()
    MembershipFactory(user=stranger, role=Role.REGISSEUR)
    other.force_login(stranger)
    assert other.get(response["Location"] + "?download=1").status_code == 404


@pytest.mark.django_db
def test_plan_content_is_not_in_the_admin_even_for_a_superuser_regisseur(agreed, regisseur):
    regisseur.is_staff = True
    regisseur.is_superuser = True
    regisseur.save()
    client = Client()
    client.force_login(regisseur)
    for url in (f"/beheer/plan/plan/{agreed.pk}/change/", "/beheer/plan/plan/", "/beheer/plan/goal/"):
        assert client.get(url).status_code == 404
    response = client.post(f"/beheer/plan/plan/{agreed.pk}/change/", {"household_words": "overschreven"})
    assert response.status_code == 404
    assert Plan.objects.get(pk=agreed.pk).household_words == ""
