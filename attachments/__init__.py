"""Files attached to a case: stored privately, judged by their content, served guarded.

`attachments.services.attachment_add` is the one way a file joins a case,
whatever brings it (the complaint form, the status page, the case page, the
API, inbound email).
"""
