"""The OpenAPI schema: served, valid, and honoured by the API (schemathesis)."""

import pytest
from django.core.management import call_command
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_the_schema_is_served_as_json_with_the_token_scheme(anon):
    response = anon.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schema["components"]["securitySchemes"]["TokenAuth"][
            "description"
        ],
    }
    create = schema["paths"]["/api/v1/complaints/"]["post"]
    assert {"201", "400", "401", "403", "409", "413", "422", "429"} <= set(
        create["responses"]
    )
    assert "application/problem+json" in create["responses"]["400"]["content"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    listing = schema["paths"]["/api/v1/complaints/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {
        "stage",
        "priority",
        "category",
        "assignee",
        "customer",
        "escalated",
        "overdue",
        "created_after",
        "created_before",
        "q",
        "cursor",
    } <= names


def test_the_interactive_docs_page_answers(anon):
    response = anon.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_the_schema_validates_without_warnings(tmp_path):
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
    )
    assert (tmp_path / "schema.yaml").stat().st_size > 10_000


def test_the_served_schema_passes_openapi_spec_validator(anon):
    # Among other things, every default must satisfy its own schema (a string
    # with minLength 1 may not default to "").
    schema = anon.get("/api/schema/", {"format": "json"}).json()
    validate(schema)


def test_an_omitted_phone_is_stored_empty(service, api_as, manager):
    from customers.models import Customer
    from tests.api.conftest import complaint_body

    assert (
        service.post("/api/v1/complaints/", complaint_body(), format="json").status_code
        == 201
    )
    created = api_as(user=manager).post(
        "/api/v1/customers/",
        {"email": "nophone@example.com", "name": "No Phone"},
        format="json",
    )
    assert created.status_code == 201
    assert set(Customer.objects.values_list("phone", flat=True)) == {""}


def test_the_schema_is_generated_once_per_process_and_language(anon, monkeypatch):
    """Generating it costs about half a second of CPU and the route is public:
    every request after the first is served from the process's copy."""
    from drf_spectacular.generators import SchemaGenerator

    from api.schema import SchemaView

    monkeypatch.setattr(SchemaView, "generated", {})
    generated = []
    get_schema = SchemaGenerator.get_schema

    def counted(self, *args, **kwargs):
        generated.append(1)
        return get_schema(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    first = anon.get("/api/schema/", {"format": "json"})
    again = anon.get("/api/schema/", {"format": "json"})
    as_yaml = anon.get("/api/schema/")
    assert (first.status_code, again.status_code, as_yaml.status_code) == (200,) * 3
    assert first.content == again.content
    assert b"/api/v1/complaints/" in as_yaml.content
    assert len(generated) == 1
    anon.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="de")
    assert len(generated) == 2  # another language, another document
