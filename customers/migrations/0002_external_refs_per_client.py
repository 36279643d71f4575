# Refs become per API client: Customer.external_ref moves to CustomerRef.
#
# An existing ref goes to the one API client that filed the customer's cases
# when exactly one did (it most likely sent the ref); otherwise it stays a
# staff ref (client NULL), which no API client matches on, so nothing is
# attributed to a client that may not have sent it.

import django.db.models.deletion
from django.db import migrations, models


def refs_forward(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    CustomerRef = apps.get_model("customers", "CustomerRef")
    Case = apps.get_model("complaints", "Case")
    rows = Customer.objects.exclude(external_ref__isnull=True).exclude(external_ref="")
    for customer in rows.iterator(chunk_size=1000):
        clients = set(
            Case.objects.filter(customer=customer, api_client__isnull=False)
            .values_list("api_client_id", flat=True)
            .distinct()
        )
        CustomerRef.objects.create(
            customer=customer,
            client_id=clients.pop() if len(clients) == 1 else None,
            external_ref=customer.external_ref[:100],
        )


def refs_backward(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    CustomerRef = apps.get_model("customers", "CustomerRef")
    taken = set()
    # The old column was unique across clients: keep one ref per value.
    for ref in CustomerRef.objects.order_by("client_id", "id").iterator():
        if ref.external_ref in taken:
            continue
        updated = Customer.objects.filter(
            pk=ref.customer_id, external_ref__isnull=True
        ).update(external_ref=ref.external_ref)
        if updated:
            taken.add(ref.external_ref)


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_initial"),
        ("complaints", "0004_case_api_client"),
        ("customers", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomerRef",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("external_ref", models.CharField(help_text="The customer's id in the filing system (shop, CRM).", max_length=100)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("client", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="customer_refs", to="api.apiclient")),
                ("customer", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="refs", to="customers.customer")),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(condition=models.Q(("client__isnull", False)), fields=("client", "external_ref"), name="customer_ref_unique_per_client"),
                    models.UniqueConstraint(condition=models.Q(("client__isnull", True)), fields=("external_ref",), name="customer_ref_unique_for_staff"),
                ],
            },
        ),
        migrations.RunPython(refs_forward, refs_backward),
        migrations.RemoveConstraint(
            model_name="customer",
            name="customer_external_ref_unique",
        ),
        migrations.RemoveField(
            model_name="customer",
            name="external_ref",
        ),
    ]
