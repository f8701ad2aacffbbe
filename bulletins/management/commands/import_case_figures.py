from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bulletins.services import case_figures_import


class Command(BaseCommand):
    help = "Import weekly preventable-case counts from a CSV with columns week, township, count. All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8 or GB18030).")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            result = case_figures_import(data=path.read_bytes())
        except ValidationError as exc:
            raise CommandError("Nothing was imported:\n" + "\n".join(exc.message_dict.get("file", exc.messages))) from None
        self.stdout.write(self.style.SUCCESS(f"Imported {result.created} new and {result.updated} updated weekly figures."))
