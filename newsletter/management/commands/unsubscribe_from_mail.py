"""Handle a mail sent to the List-Unsubscribe mailto: address (RFC 2369).

Meant as the MTA's pipe for that mailbox, one message on stdin, e.g. in
/etc/aliases: `newsletter-unsubscribe: "|/srv/sanita33/.venv/bin/python
/srv/sanita33/manage.py unsubscribe_from_mail"`. The subject carries the
subscriber's signed token, so the From address (easily forged) is not trusted.
"""

import email
import email.policy
import re
import sys

from django.core.management.base import BaseCommand, CommandError

from newsletter import services, tokens
from newsletter.models import Subscriber

TOKEN = re.compile(r"unsubscribe\s+(\S+)", re.IGNORECASE)


class Command(BaseCommand):
    help = "Cancella l'iscritto indicato dal token nell'oggetto dell'e-mail letta da stdin."

    def handle(self, *args, **options):
        message = email.message_from_binary_file(sys.stdin.buffer, policy=email.policy.default)
        found = TOKEN.search(str(message.get("Subject", "")))
        check = tokens.read_manage_token(found.group(1)) if found else None
        subscriber = (
            Subscriber.objects.filter(key=check.key).first() if check and check.valid else None
        )
        if subscriber is None:
            raise CommandError("nessun token di cancellazione valido nell'oggetto")
        services.subscriber_unsubscribe(subscriber=subscriber)
        if options["verbosity"] >= 1:
            self.stdout.write("iscritto cancellato")
