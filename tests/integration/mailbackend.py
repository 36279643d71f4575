"""A file email backend slowed down, so a test can kill a worker mid-batch."""

import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    delay = 0.02

    def send_messages(self, email_messages):
        time.sleep(self.delay * len(email_messages))
        return super().send_messages(email_messages)
