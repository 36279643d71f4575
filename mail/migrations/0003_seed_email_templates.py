"""Seed the customer email templates from the files they replace (editable in the admin)."""

from django.db import migrations

DEFAULTS = [{'kind': 'portal_confirmation',
  'subject': 'We have your complaint',
  'text': 'Hello {{ customer_name }},\n'
          '\n'
          "Thank you for telling us what went wrong, and we're sorry it happened.\n"
          '\n'
          'Your complaint is with us. Its reference is {{ case.reference }}: "{{ '
          'case.subject }}".\n'
          'Someone will read everything you wrote and get back to you.\n'
          '\n'
          'You can follow your complaint, read our replies and write to us here:\n'
          '{{ status_url }}\n'
          '\n'
          'Please keep this link to yourself: anyone who has it can see your '
          'complaint.\n'
          '\n'
          'With our thanks,\n'
          'The customer care team',
  'html': '<p>Hello {{ customer_name }},</p>\n'
          "<p>Thank you for telling us what went wrong, and we're sorry it "
          'happened.</p>\n'
          '<p>Your complaint is with us. Its reference is {{ case.reference }}: "{{ '
          'case.subject }}".<br>\n'
          'Someone will read everything you wrote and get back to you.</p>\n'
          '<p>You can follow your complaint, read our replies and write to us '
          'here:<br>\n'
          '<a href="{{ status_url }}">{{ status_url }}</a></p>\n'
          '<p>Please keep this link to yourself: anyone who has it can see your '
          'complaint.</p>\n'
          '<p>With our thanks,<br>\n'
          'The customer care team</p>'},
 {'kind': 'customer_message',
  'subject': '{% if message.kind == "apology" %}We are sorry — about your '
             'complaint{% else %}A reply about your complaint{% endif %}',
  'text': 'Dear {{ customer_name }},\n'
          '\n'
          '{{ message.body }}\n'
          '\n'
          'You can see where your complaint stands, reply to us, and answer any offer '
          'we make here:\n'
          '{{ status_url }}\n'
          '\n'
          '— {{ message.author_label }}, on behalf of the Redress customer care team',
  'html': '<p>Dear {{ customer_name }},</p>\n'
          '<p>{{ message.body }}</p>\n'
          '<p>You can see where your complaint stands, reply to us, and answer any '
          'offer we make here:<br>\n'
          '<a href="{{ status_url }}">{{ status_url }}</a></p>\n'
          '<p>— {{ message.author_label }}, on behalf of the Redress customer care '
          'team</p>'},
 {'kind': 'offer_made',
  'subject': 'An offer to put things right',
  'text': 'Dear {{ customer_name }},\n'
          '\n'
          'We would like to put right what went wrong ({{ case.subject }}). We offer '
          'you:\n'
          '\n'
          '{{ offer.get_kind_display }}{% if offer.amount %}: {{ offer.amount }} {{ '
          'offer.currency }}{% endif %}\n'
          '{{ offer.description }}\n'
          '\n'
          'Please tell us whether you accept it, or what would be fair instead, here:\n'
          '{{ status_url }}\n'
          '\n'
          'The customer care team',
  'html': '<p>Dear {{ customer_name }},</p>\n'
          '<p>We would like to put right what went wrong ({{ case.subject }}). We '
          'offer you:</p>\n'
          '<p>{{ offer.get_kind_display }}{% if offer.amount %}: {{ offer.amount }} {{ '
          'offer.currency }}{% endif %}<br>\n'
          '{{ offer.description }}</p>\n'
          '<p>Please tell us whether you accept it, or what would be fair instead, '
          'here:<br>\n'
          '<a href="{{ status_url }}">{{ status_url }}</a></p>\n'
          '<p>The customer care team</p>'},
 {'kind': 'case_resolved',
  'subject': 'We have resolved your complaint',
  'text': 'Dear {{ customer_name }},\n'
          '\n'
          'We believe we have put right what went wrong ({{ case.subject }}).\n'
          '\n'
          '{{ case.resolution_summary }}\n'
          '\n'
          'If anything is still not right, reply to this email or write to us here:\n'
          '{{ status_url }}\n'
          '\n'
          'The customer care team',
  'html': '<p>Dear {{ customer_name }},</p>\n'
          '<p>We believe we have put right what went wrong ({{ case.subject }}).</p>\n'
          '<p>{{ case.resolution_summary }}</p>\n'
          '<p>If anything is still not right, reply to this email or write to us '
          'here:<br>\n'
          '<a href="{{ status_url }}">{{ status_url }}</a></p>\n'
          '<p>The customer care team</p>'},
 {'kind': 'case_closed',
  'subject': 'Your complaint is closed',
  'text': 'Dear {{ customer_name }},\n'
          '\n'
          'We have closed your complaint ({{ case.subject }}). Thank you for giving us '
          'the chance to make it right.\n'
          '\n'
          'If there is anything more, reply to this email: we will read it.\n'
          '{{ status_url }}\n'
          '\n'
          'The customer care team',
  'html': '<p>Dear {{ customer_name }},</p>\n'
          '<p>We have closed your complaint ({{ case.subject }}). Thank you for giving '
          'us the chance to make it right.</p>\n'
          '<p>If there is anything more, reply to this email: we will read it.<br>\n'
          '<a href="{{ status_url }}">{{ status_url }}</a></p>\n'
          '<p>The customer care team</p>'},
 {'kind': 'followup_survey',
  'subject': 'How did we do? Your case {{ case.reference }}',
  'text': 'Dear {{ customer_name }},\n'
          '\n'
          'A little while ago we put right what went wrong ({{ case.subject }}). We '
          'would like to know whether you are truly satisfied now, or whether there is '
          'anything more we can do.\n'
          '\n'
          'Please tell us in one click:\n'
          '{{ survey_url }}\n'
          '\n'
          'Thank you for giving us the chance to make it right.',
  'html': '<p>Dear {{ customer_name }},</p>\n'
          '<p>A little while ago we put right what went wrong ({{ case.subject }}). We '
          'would like to know whether you are truly satisfied now, or whether there is '
          'anything more we can do.</p>\n'
          '<p>Please tell us in one click:<br>\n'
          '<a href="{{ survey_url }}">{{ survey_url }}</a></p>\n'
          '<p>Thank you for giving us the chance to make it right.</p>'}]


def seed(apps, schema_editor):
    EmailTemplate = apps.get_model("mail", "EmailTemplate")
    for row in DEFAULTS:
        EmailTemplate.objects.get_or_create(kind=row["kind"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("mail", "0002_email_template")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
