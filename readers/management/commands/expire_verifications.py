from django.core.management.base import BaseCommand

from readers.services import profiles_expire


class Command(BaseCommand):
    help = "Marks verifications past READERS_VERIFICATION_MONTHS as expired."

    def handle(self, *args, **options):
        self.stdout.write(f"{profiles_expire()} verifications expired")
