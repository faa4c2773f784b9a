# A local SMTP server and a worker mailing to it (tests/mail_sink.py).
from tests.mail_sink import mail_worker, smtp_sink  # noqa: F401
