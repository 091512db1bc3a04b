from django.apps import AppConfig


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "Flow Stage Academy"

    def ready(self):
        # registers the <id:…> path converter before any URL conf is read (lms/converters.py)
        from lms import converters  # noqa: F401

        neutralise_wagtail_csv_exports()


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
