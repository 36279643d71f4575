"""Customer messages are signed with the agent's first name or the team, never an actor label.

`complaints.actors.customer_facing_name` gives `signed_by`; the seeded template
used `message.author_label` (which reads `api:<client>` for an API client).
Only the seeded wording is replaced: a template a manager edited is left alone.
"""

from django.db import migrations

OLD = "{{ message.author_label }}, on behalf of the Redress customer care team"
NEW = (
    "{% if signed_by %}{{ signed_by }}, for the customer care team"
    "{% else %}The customer care team{% endif %}"
)
OLD_HTML = "{{ message.author_label }}, on behalf of the Redress customer care team"


def forwards(apps, schema_editor):
    EmailTemplate = apps.get_model("mail", "EmailTemplate")
    for template in EmailTemplate.objects.filter(kind="customer_message"):
        text = template.text.replace(OLD, NEW)
        html = template.html.replace(OLD_HTML, NEW)
        if (text, html) != (template.text, template.html):
            template.text, template.html = text, html
            template.save(update_fields=["text", "html"])


class Migration(migrations.Migration):
    dependencies = [("mail", "0003_seed_email_templates")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
