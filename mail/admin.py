"""Admin: customer email templates (with placeholders and a preview) and inbound mail."""

from django.contrib import admin
from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy

from .models import EmailTemplate, InboundEmail
from .outbound import PLACEHOLDERS, preview


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject", "updated_at"]
    readonly_fields = ["placeholders", "rendered_preview", "updated_at"]
    fields = ["kind", "subject", "text", "html", "placeholders", "rendered_preview"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "kind"] if obj is not None else fields

    @admin.display(description=gettext_lazy("Placeholders"))
    def placeholders(self, obj: EmailTemplate) -> str:
        names = PLACEHOLDERS["*"] + PLACEHOLDERS.get(getattr(obj, "kind", ""), [])
        items = format_html_join(
            "", "<li><code>{{{{ {} }}}}</code></li>", ((n,) for n in names)
        )
        return format_html(
            "<ul>{}</ul><p>{}</p>",
            items,
            gettext(
                "The subject gets the case reference as [C-…] if it lacks it; "
                "text and subject are not HTML-escaped, the HTML part is."
            ),
        )

    @admin.display(description=gettext_lazy("Preview (sample data, as saved)"))
    def rendered_preview(self, obj: EmailTemplate) -> str:
        if obj is None or obj.pk is None:
            return gettext("Save to see a preview.")
        shown = preview(obj)
        return format_html(
            "<p><strong>{}</strong> {}</p><pre>{}</pre>"
            '<iframe sandbox="" srcdoc="{}" style="width:100%;height:20em;'
            'border:1px solid #ccc"></iframe>',
            gettext("Subject:"),
            # Rendered templates come back marked safe: escape them regardless.
            escape(shown["subject"]),
            escape(shown["text"]),
            escape(shown["html"]),
        )


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "sender", "subject", "outcome", "reason", "case"]
    list_filter = ["outcome"]
    search_fields = ["sender", "subject", "message_id", "case__reference"]
    list_select_related = ["case"]
    exclude = ["raw"]
    readonly_fields = [f.name for f in InboundEmail._meta.fields if f.name != "raw"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
