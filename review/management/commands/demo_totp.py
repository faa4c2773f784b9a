import time
from typing import Any

from django.core.management.base import BaseCommand

from review.demo.users import demo_totp_code


class Command(BaseCommand):
    help = "Print the current second-factor code of the external demo accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        remaining = 30 - int(time.time()) % 30
        self.stdout.write(f"{demo_totp_code()}  (noch {remaining} s gültig)")
