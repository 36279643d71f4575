"""A strict Content-Security-Policy, and pages that need nothing inline to pass it.

The policy (settings.CONTENT_SECURITY_POLICY, django-csp) allows scripts and
styles only from our own origin: no inline <script>, no <style>, no style=""
attribute. Every template is checked as a file, and the main pages as rendered.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from portal import links

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted(
    path
    for pattern in ("templates/**/*.html", "*/templates/**/*.html")
    for path in ROOT.glob(pattern)
    if ".venv" not in path.parts
)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.IGNORECASE)
EVENT_ATTR = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def inline_offences(html: str) -> list[str]:
    """What in `html` a policy without 'unsafe-inline' would block."""
    offences = []
    for attributes in SCRIPT_TAG.findall(html):
        # Data blocks ({{ …|json_script }}) are never run, so CSP lets them be.
        if "src=" not in attributes and "application/json" not in attributes:
            offences.append(f"inline <script{attributes}>")
    offences += ["<style> block"] * len(STYLE_TAG.findall(html))
    offences += ['style="" attribute'] * len(STYLE_ATTR.findall(html))
    offences += ["on…= handler"] * len(EVENT_ATTR.findall(html))
    return offences


def test_the_project_has_templates_to_check():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script_or_style(template):
    assert inline_offences(template.read_text()) == []


def assert_strict_policy(response) -> None:
    assert response.status_code == 200, response.status_code
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";")
    )
    assert directives["default-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    html = response.content.decode()
    assert inline_offences(html) == [], html[:500]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_staff_pages_pass_the_policy(agent, manager, make_case):
    case = make_case("resolving", assignee=agent)
    as_agent = logged_in(agent)
    assert_strict_policy(as_agent.get("/"))
    assert_strict_policy(as_agent.get(f"/cases/{case.reference}/"))
    assert_strict_policy(as_agent.get(f"/customers/{case.customer_id}/"))
    assert_strict_policy(logged_in(manager).get("/dashboard/"))
    assert_strict_policy(logged_in(manager).get("/dashboard/", {"period": "all"}))


def test_the_public_pages_pass_the_policy(make_case):
    case = make_case("following_up")
    anon = Client()
    assert_strict_policy(anon.get("/accounts/login/"))
    assert_strict_policy(anon.get("/complain/"))
    assert_strict_policy(anon.get(f"/status/{links.status_token(case)}/"))
    survey = links.survey_token(case.followups.get())
    assert_strict_policy(anon.get(f"/survey/{survey}/"))


def test_the_api_docs_pass_the_policy_with_their_script_served_apart():
    anon = Client()
    page = anon.get("/api/docs/")
    assert_strict_policy(page)
    scripts = re.findall(r'<script src="([^"]+)"', page.content.decode())
    own = [src for src in scripts if src.startswith("/api/docs/")]
    assert own, scripts
    script = anon.get(own[0].replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
