from django.apps import AppConfig


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "Flow Stage Academy"

    def ready(self):
        # registers the <id:…> path converter before any URL conf is read (lms/converters.py)
        from lms import converters  # noqa: F401

        neutralise_wagtail_csv_exports()
        chooser_widgets_without_inline_script()


def neutralise_wagtail_csv_exports():
    """Wagtail's admin listings and reports (site history, form submissions, any viewset with
    `list_export`) stream CSV through SpreadsheetExportMixin, which neutralises formulas in its XLSX
    export only. Their CSV goes through lms/csv_safe.py like every other CSV export of the platform."""
    import csv

    from wagtail.admin.views import mixins

    from lms import csv_safe

    if getattr(mixins.SpreadsheetExportMixin, "_csv_safe", False):
        return

    def stream_csv(self, queryset):
        writer = csv.DictWriter(mixins.Echo(), fieldnames=self.list_export)
        yield writer.writerow(csv_safe.dict_row(
            {field: self.get_heading(queryset, field) for field in self.list_export}))
        for item in queryset:
            yield self.write_csv_row(writer, self.to_row_dict(item))

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(csv_safe.dict_row(
            {field: self.preprocess_field_value(field, value, self.FORMAT_CSV) for field, value in row_dict.items()}))

    mixins.SpreadsheetExportMixin.stream_csv = stream_csv
    mixins.SpreadsheetExportMixin.write_csv_row = write_csv_row
    mixins.SpreadsheetExportMixin._csv_safe = True


def chooser_widgets_without_inline_script():
    """Wagtail's chooser widgets (page, snippet, image, document) follow their HTML with an inline
    `<script>new SnippetChooser(id, options)</script>`, which the Content-Security-Policy forbids (lms/csp.py).
    They write the same call as data instead; lms/static/lms/js/wagtail_csp.js makes it. A chooser whose
    script is not the standard constructor call (the workflow task chooser) keeps Wagtail's rendering."""
    import json

    from django.utils.html import format_html
    from django.utils.safestring import mark_safe
    from wagtail.admin.widgets.chooser import BaseChooser

    if getattr(BaseChooser, "_csp_safe", False):
        return
    original_render = BaseChooser.render
    standard_js_init = BaseChooser.render_js_init

    def render(self, name, value, attrs=None, renderer=None):
        if type(self).render_js_init is not standard_js_init:
            return original_render(self, name, value, attrs, renderer)
        try:
            id_ = attrs["id"]
        except (KeyError, TypeError) as exc:
            raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from exc
        value_data = self.get_value_data(value)
        html = self.render_html(name, value_data, attrs)
        data = format_html(
            '<span hidden data-fs-init="Chooser" data-fs-constructor="{}" data-fs-target="{}" data-fs-config="{}">'
            "</span>", self.js_constructor, id_, json.dumps(self.get_js_init_options(id_, name, value_data)))
        return mark_safe(f"{html}{data}")  # noqa: S308 - html is Wagtail's own rendering, data is escaped

    BaseChooser.render = render
    BaseChooser._csp_safe = True
